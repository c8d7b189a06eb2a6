import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { randomBytes } from 'node:crypto';
import { readExpiryWarningDays } from '../config/vscodeSettings';
import { VppError } from '../errors';
import { TenantConnection } from '../tenants/tenantConnection';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { needsRenewal } from '../tree/expiry';
import { expiryPhrase, tokenLabel } from '../tree/tokenPresentation';
import { TokenNode } from '../tree/treeNodes';
import { VppTokenTreeProvider } from '../tree/vppTokenTreeProvider';
import { stateDescription, TenantStore } from '../store/tenantStore';
import { ClipboardPort, FilePort, UserInput } from '../ui/userInput';
import { escapeMarkup, overviewSvg } from './overviewCharts';
import { overviewCsv, shapeOverview, ShapedOverview, TenantReading } from './overviewData';
import { HostMessage, parseWebviewMessage, WebviewMessage } from './overviewProtocol';

export interface OverviewDeps {
  readonly extensionUri: vscode.Uri;
  readonly tenants: TenantRegistry;
  /** What the Overview shows: the tenants' listings and apps, as every surface reads them. */
  readonly store: TenantStore;
  /** Where a token is revealed. */
  readonly tree: Pick<VppTokenTreeProvider, 'revealToken'>;
  readonly ui: UserInput;
  /** Where an export is saved. */
  readonly files: FilePort;
  /** Where Copy as CSV copies. */
  readonly clipboard: ClipboardPort;
  readonly log: vscode.LogOutputChannel;
  /** Renew Token… on a token revealed from the Overview. */
  readonly renew: (node: TokenNode) => Thenable<unknown>;
  /** Where a failed action of the panel meets the admin: the commands' one error handler. */
  readonly report: (error: unknown) => void;
}

/** The first bytes of every PNG file. */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What a tenant's listing in the store came to, as the Overview reads it. */
async function readTenant(store: TenantStore, connection: TenantConnection): Promise<TenantReading> {
  const { listing: view, apps } = await store.listedWithApps(connection);
  const base = { tenantKey: connection.key, tenantLabel: connection.label };
  if (!apps) {
    return { kind: 'unread', ...base, reason: view.message ?? stateDescription(view.state) ?? l10n.t('could not load') };
  }
  return {
    kind: 'read',
    ...base,
    tokens: [...view.tokens.values()],
    apps:
      apps.status === 'fulfilled'
        ? apps.value
        : { failure: apps.reason instanceof VppError ? apps.reason.message : l10n.t('could not be read') },
  };
}

/**
 * The Overview: one webview panel showing one tenant or all of them. It reads the store's listings, as the tree does (so a
 * tenant the view already listed is not listed again, and listings keep their concurrency bound), sends the webview
 * plain data, and carries out what the admin asks there: reveal a token, export, copy.
 */
export class OverviewPanel {
  private panel: vscode.WebviewPanel | undefined;
  /** The tenant shown, or undefined for all of them. */
  private tenantKey: string | undefined;
  private shaped: ShapedOverview | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;

  constructor(private readonly deps: OverviewDeps) {}

  /** Opens the Overview (or brings it forward) for one tenant or all, and reads what it shows. */
  async show(tenantKey: string | undefined): Promise<void> {
    this.tenantKey = tenantKey;
    this.panel ??= this.createPanel();
    this.panel.title = this.title();
    this.panel.reveal();
    await this.redraw();
  }

  /**
   * Reads what the Overview shows and sends it to the webview. Asked again while a read runs, it reads once more
   * after it: the last change is always drawn, and a burst of changes costs two reads.
   */
  private redraw(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.readAgain) {
        this.readAgain = false;
        this.redraw().catch(this.deps.report);
      }
    });
    return this.reading;
  }

  private title(): string {
    const tenant = this.tenantKey === undefined ? undefined : this.deps.tenants.get(this.tenantKey);
    return tenant ? l10n.t('VPP Overview: {0}', tenant.label) : l10n.t('VPP Overview');
  }

  private createPanel(): vscode.WebviewPanel {
    const { extensionUri } = this.deps;
    const panel = vscode.window.createWebviewPanel('intuneVpp.overview', this.title(), vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'intune-vpp.svg');
    panel.webview.html = overviewHtml(panel.webview, extensionUri, randomBytes(16).toString('base64'), this.title());
    // What the store knows changed (a listing, a token read back after a write, Refresh): draw it here too.
    const redraw = () => void this.redraw().catch(this.deps.report);
    const redrawn = [this.deps.store.onDidChange(redraw)];
    panel.webview.onDidReceiveMessage((message: unknown) => {
      const parsed = parseWebviewMessage(message);
      if (parsed) {
        this.receive(parsed).catch(this.deps.report);
      } else {
        this.deps.log.warn('The Overview sent a message it may not send; it was ignored.');
      }
    });
    panel.onDidDispose(() => {
      for (const subscription of redrawn) {
        subscription.dispose();
      }
      this.panel = undefined;
      this.shaped = undefined;
    });
    return panel;
  }

  /** Reads the tenants shown (each listed once at most) and sends the webview what they came to. */
  private async read(): Promise<void> {
    const { store, tenants } = this.deps;
    const connections = tenants.list().filter((tenant) => this.tenantKey === undefined || tenant.key === this.tenantKey);
    await this.post({ type: 'reading' });
    const readings = await Promise.all(connections.map((connection) => readTenant(store, connection)));
    const scope =
      this.tenantKey === undefined && connections.length !== 1
        ? l10n.t('All tenants ({0})', connections.length)
        : (connections[0]?.label ?? '');
    this.shaped = shapeOverview(readings, {
      now: Date.now(),
      warningDays: readExpiryWarningDays(),
      locale: vscode.env.language || 'en',
      scope,
    });
    await this.post({ type: 'data', data: this.shaped.data });
  }

  private async post(message: HostMessage): Promise<void> {
    await this.panel?.webview.postMessage(message);
  }

  private async receive(message: WebviewMessage): Promise<void> {
    const shaped = this.shaped;
    switch (message.type) {
      case 'ready':
        return shaped ? this.post({ type: 'data', data: shaped.data }) : undefined;
      case 'refresh':
        return this.refresh();
      case 'reveal':
        return shaped?.entries[message.ref] ? this.reveal(shaped, message.ref) : undefined;
      case 'copyCsv':
        return shaped ? this.copyCsv(shaped) : undefined;
      case 'exportSvg':
        return shaped ? this.save('svg', overviewSvg(shaped.data, message.colours)) : undefined;
      case 'exportPng':
        return this.save('png', Buffer.from(message.png, 'base64'));
    }
  }

  /** Lists the tenants shown again, then redraws. */
  private async refresh(): Promise<void> {
    const { store } = this.deps;
    if (this.tenantKey === undefined) {
      store.refreshAll();
    } else {
      await store.relist(this.tenantKey);
    }
    await this.redraw();
  }

  /** Reveals the token in the tree; where it expires, offers Renew Token…. */
  private async reveal(shaped: ShapedOverview, ref: number): Promise<void> {
    const { tree, ui, renew } = this.deps;
    const entry = shaped.entries[ref];
    const node = await tree.revealToken(entry.tenantKey, entry.token.id);
    if (!node) {
      await ui.info(l10n.t('{0} is no longer in the view. Refresh the Overview.', tokenLabel(entry.token)));
      return;
    }
    const now = Date.now();
    if (needsRenewal(node.token, now, readExpiryWarningDays())) {
      const renewLabel = l10n.t('Renew Token…');
      const choice = await ui.warning(l10n.t('{0}: {1}.', tokenLabel(node.token), expiryPhrase(node.token.expirationDateTime, now)), [
        renewLabel,
      ]);
      if (choice === renewLabel) {
        await renew(node);
      }
    }
  }

  private async copyCsv(shaped: ShapedOverview): Promise<void> {
    const { ui, clipboard } = this.deps;
    await clipboard.copyText(overviewCsv(shaped));
    await ui.info(l10n.t('Copied {0} tokens as CSV.', shaped.data.tokens.length));
  }

  /** Saves an export where the admin says; a PNG that is not one is refused. */
  private async save(kind: 'svg' | 'png', content: string | Buffer): Promise<void> {
    const { ui, files } = this.deps;
    if (typeof content !== 'string' && !PNG_SIGNATURE.every((byte, index) => content[index] === byte)) {
      throw new VppError('server', l10n.t('The Overview could not draw its charts as a PNG.'));
    }
    const date = new Date().toISOString().slice(0, 10);
    const location = await files.pickSaveLocation(
      kind === 'svg' ? l10n.t('Export the Overview as SVG') : l10n.t('Export the Overview as PNG'),
      `vpp-overview-${date}.${kind}`,
      kind === 'svg' ? { SVG: ['svg'] } : { PNG: ['png'] },
    );
    if (!location) {
      return;
    }
    await (typeof content === 'string' ? files.writeTextFile(location, content) : files.writeBytes(location, content));
    await ui.info(l10n.t('The Overview was saved.'));
  }
}

/**
 * The webview's page: a strict content security policy (nothing but the extension's own script, with a nonce, and
 * its own style sheet), and an empty root the script draws into.
 */
export function overviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce: string, title: string): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'overview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'overview.css'));
  const policy = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} blob: data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeMarkup(vscode.env.language || 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeMarkup(title)}</title>
</head>
<body>
<main id="root" aria-busy="true"></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
