import * as l10n from '@vscode/l10n';
import { plainText } from '../../text';
import { InputStep } from '../../ui/multiStepInput';
import { PickItem, StepAnswer, UserInput } from '../../ui/userInput';
import { ActionContext } from '../context';

/** The settings an admin gives a token, when adding it and when editing it. */
export interface TokenSettingsDraft {
  readonly displayName: string;
  readonly appleId: string;
  readonly countryOrRegion: string;
  readonly automaticallyUpdateApps: boolean;
  readonly dataSharingConsentGranted: boolean;
}

/** Region codes that name no country or region of an App Store: groupings, private use, exceptional reservations. */
const NOT_A_STOREFRONT = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB', 'AC', 'CP', 'CQ', 'DG', 'EA', 'IC', 'TA']);

/** Whether a code is a current region: deprecated ones (DD, YU…) canonicalise to another code. */
function isCurrentRegion(code: string): boolean {
  try {
    return Intl.getCanonicalLocales(`und-${code}`)[0] === `und-${code}`;
  } catch {
    return false;
  }
}

/**
 * Every country or region with a name, from the runtime's own region data (ISO 3166-1 alpha-2), named in the UI
 * language and searchable by name or code. Apple's storefront codes are these codes, lower-cased.
 */
export function countryItems(locale: string): PickItem<string>[] {
  const names = new Intl.DisplayNames([locale, 'en'], { type: 'region', fallback: 'none' });
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const items: PickItem<string>[] = [];
  for (const first of letters) {
    for (const second of letters) {
      const code = first + second;
      const name = NOT_A_STOREFRONT.has(code) || !isCurrentRegion(code) ? undefined : names.of(code);
      if (name && name !== code) {
        items.push({ label: name, description: code.toLowerCase(), value: code.toLowerCase() });
      }
    }
  }
  return items.sort((a, b) => a.label.localeCompare(b.label, locale));
}

/** A country code in words ("Germany (de)"), or the code as sent when the runtime does not name it. */
export function countryText(code: string | null | undefined, locale: string): string {
  if (!code) {
    return '-';
  }
  const name = /^[a-z]{2}$/i.test(code)
    ? new Intl.DisplayNames([locale, 'en'], { type: 'region', fallback: 'none' }).of(code.toUpperCase())
    : undefined;
  return name ? `${name} (${code.toLowerCase()})` : plainText(code, 40);
}

/** An Apple ID is a Managed Apple ID or Apple Account: an email address. */
export function appleIdProblem(value: string): string | undefined {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim())
    ? undefined
    : l10n.t('Enter the Apple ID (an email address) of the Apple Business Manager or Apple School Manager account that made the token.');
}

/** A step's answer mapped to the draft fields it fills in; Back and dismissal pass through. */
function fills<T, D>(answer: StepAnswer<T>, fields: (value: T) => Partial<D>): StepAnswer<Partial<D>> {
  return answer === undefined || answer === 'back' ? answer : { value: fields(answer.value) };
}

/**
 * The steps that ask for a token's settings (its name, Apple ID, country or region, automatic app updates and, when
 * `askConsent`, the data-sharing consent), each starting from the draft's value.
 */
export function settingsSteps(context: ActionContext, title: string, locale: string, askConsent: boolean): InputStep<TokenSettingsDraft>[] {
  const { ui } = context;
  return [
    nameStep(ui, title),
    appleIdStep(ui, title),
    countryStep(ui, title, locale),
    updatesStep(ui, title),
    consentStep(ui, title, askConsent),
  ];
}

type SettingsStep = InputStep<TokenSettingsDraft>;

/** A step that asks for one text field of the draft, checked by `validate`. */
function textStep(
  ui: UserInput,
  title: string,
  field: 'displayName' | 'appleId',
  prompt: string,
  validate: (value: string) => string | undefined,
): SettingsStep {
  return {
    ask: async (position, draft) =>
      fills(await ui.stepText({ ...position, title, prompt, value: draft[field], validate }), (value) => ({ [field]: value })),
  };
}

function nameStep(ui: UserInput, title: string): SettingsStep {
  return textStep(ui, title, 'displayName', l10n.t('A name for the token in Intune'), (value) =>
    value.trim().length === 0
      ? l10n.t('Enter a name, for example the location the token is for.')
      : value.trim().length > 200
        ? l10n.t('Use at most 200 characters.')
        : undefined,
  );
}

function appleIdStep(ui: UserInput, title: string): SettingsStep {
  return textStep(
    ui,
    title,
    'appleId',
    l10n.t('The Apple ID of the Apple Business Manager or Apple School Manager account that made the token'),
    appleIdProblem,
  );
}

function countryStep(ui: UserInput, title: string, locale: string): SettingsStep {
  return {
    ask: async (position, draft) =>
      fills(
        await ui.stepPick(countryItems(locale), {
          ...position,
          title,
          placeHolder: l10n.t('The country or region of the App Store the apps were bought in (type to search)'),
          active: draft.countryOrRegion,
        }),
        (countryOrRegion) => ({ countryOrRegion }),
      ),
  };
}

function updatesStep(ui: UserInput, title: string): SettingsStep {
  return {
    ask: async (position, draft) =>
      fills(
        await ui.stepPick(
          [
            {
              label: l10n.t('Update apps automatically'),
              detail: l10n.t('Devices get new versions of the apps bought with this token as the App Store publishes them.'),
              value: true,
            },
            { label: l10n.t('Do not update apps automatically'), value: false },
          ],
          { ...position, title, placeHolder: l10n.t('Automatic app updates'), active: draft.automaticallyUpdateApps },
        ),
        (automaticallyUpdateApps) => ({ automaticallyUpdateApps }),
      ),
  };
}

function consentStep(ui: UserInput, title: string, askConsent: boolean): SettingsStep {
  return {
    applies: () => askConsent,
    ask: async (position, draft) =>
      fills(
        await ui.stepPick(
          [
            {
              label: l10n.t('I agree'),
              detail: l10n.t('I grant Microsoft permission to send both user and device information to Apple.'),
              value: true,
            },
            { label: l10n.t('I do not agree'), detail: l10n.t('Intune cannot manage the apps of this token without it.'), value: false },
          ],
          {
            ...position,
            title,
            placeHolder: l10n.t('Data sharing with Apple, which Intune requires to manage VPP apps'),
            active: draft.dataSharingConsentGranted,
          },
        ),
        (dataSharingConsentGranted) => ({ dataSharingConsentGranted }),
      ),
  };
}
