import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { VppTokenRecord } from '../graph/vppRecords';
import { expiryPhrase, sortTokens, stateWords, tokenLabel } from '../tree/tokenPresentation';
import { plainText } from '../text';
import { TenantContext } from './context';
import { PickItem } from '../ui/userInput';

async function listWithSignIn(context: TenantContext): Promise<VppTokenRecord[]> {
  const title = l10n.t('Loading VPP tokens…');
  try {
    return await context.ui.withProgress(title, () => context.service().listTokens());
  } catch (error) {
    if (!(error instanceof VppError) || error.kind !== 'signInRequired') {
      throw error;
    }
    await context.account.signIn();
    return context.ui.withProgress(title, () => context.service().listTokens());
  }
}

/** Asks which token to act on, with name, state and Apple ID searchable; signs in first when needed. */
export async function pickToken(context: TenantContext, title: string): Promise<VppTokenRecord | undefined> {
  const tokens = await listWithSignIn(context);
  if (tokens.length === 0) {
    await context.ui.info(l10n.t('This tenant has no VPP tokens.'));
    return undefined;
  }
  const now = context.now();
  const items: PickItem<VppTokenRecord>[] = sortTokens(tokens, 'en').map((token) => ({
    label: tokenLabel(token),
    description: `${stateWords(token.state)} · ${expiryPhrase(token.expirationDateTime, now)}`,
    detail: [plainText(token.appleId, 200), plainText(token.locationName, 200)].filter(Boolean).join(' · '),
    value: token,
  }));
  return context.ui.pickOne(items, { title, placeHolder: l10n.t('Type a name, state or Apple ID to filter') });
}
