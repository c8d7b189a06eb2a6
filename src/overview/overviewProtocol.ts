import { OverviewData } from './overviewModel';

/** What the host sends the Overview webview: the data to draw (text as data, never markup), or that it is reading. */
export type HostMessage = { readonly type: 'data'; readonly data: OverviewData } | { readonly type: 'reading' };

/** What the webview sends the host. `ref` is a token's place in the data; `colours` are the theme's, by palette class. */
export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'refresh' }
  | { readonly type: 'reveal'; readonly ref: number }
  | { readonly type: 'copyCsv' }
  | { readonly type: 'exportSvg'; readonly colours: Readonly<Record<string, string>> }
  | { readonly type: 'exportPng'; readonly png: string };

/** A PNG larger than this (as base64) is refused: the charts of a thousand tokens at twice the scale stay well below. */
export const MAX_PNG_BASE64 = 40 * 1024 * 1024;

function isColours(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((colour) => typeof colour === 'string' && colour.length <= 100)
  );
}

/** A message from the webview, checked field by field; anything else is undefined. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'refresh':
    case 'copyCsv':
      return { type: message.type };
    case 'reveal':
      return Number.isSafeInteger(message.ref) && (message.ref as number) >= 0 ? { type: 'reveal', ref: message.ref as number } : undefined;
    case 'exportSvg':
      return isColours(message.colours) ? { type: 'exportSvg', colours: message.colours } : undefined;
    case 'exportPng':
      return typeof message.png === 'string' && message.png.length <= MAX_PNG_BASE64 && /^[A-Za-z0-9+/]+=*$/.test(message.png)
        ? { type: 'exportPng', png: message.png }
        : undefined;
    default:
      return undefined;
  }
}
