import * as l10n from '@vscode/l10n';
import { VppError } from '../errors';
import { VppTokenRecord } from '../graph/vppRecords';
import { expiryPhrase, sortTokens, stateWords, tokenLabel } from '../tree/tokenPresentation';
import { plainText } from '../text';
import { TenantContext } from './context';
import { PickItem, StepAnswer, StepPosition } from '../ui/userInput';

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

/** The tokens as pick items: name, state and expiry, Apple ID and location, in the tree's order. */
function tokenItems(tokens: readonly VppTokenRecord[], now: number): PickItem<VppTokenRecord>[] {
  return sortTokens(tokens, 'en').map((token) => ({
    label: tokenLabel(token),
    description: `${stateWords(token.state)} · ${expiryPhrase(token.expirationDateTime, now)}`,
    detail: [plainText(token.appleId, 200), plainText(token.locationName, 200)].filter(Boolean).join(' · '),
    value: token,
  }));
}

const FILTER_HINT = () => l10n.t('Type a name, state or Apple ID to filter');

/** Asks which token to act on, with name, state and Apple ID searchable; signs in first when needed. */
export async function pickToken(context: TenantContext, title: string): Promise<VppTokenRecord | undefined> {
  const tokens = await listWithSignIn(context);
  if (tokens.length === 0) {
    await context.ui.info(l10n.t('This tenant has no VPP tokens.'));
    return undefined;
  }
  return context.ui.pickOne(tokenItems(tokens, context.now()), { title, placeHolder: FILTER_HINT() });
}

/**
 * The token pick as the first step of a multi-step input: lists the tokens (signing in first when needed) and
 * highlights the one picked before the admin came back to it.
 */
export async function pickTokenStep(
  context: TenantContext,
  title: string,
  position: StepPosition,
  earlier: VppTokenRecord | undefined,
): Promise<StepAnswer<VppTokenRecord>> {
  const tokens = await listWithSignIn(context);
  if (tokens.length === 0) {
    await context.ui.info(l10n.t('This tenant has no VPP tokens.'));
    return undefined;
  }
  const items = tokenItems(tokens, context.now());
  const active = items.find((item) => item.value.id === earlier?.id)?.value;
  return context.ui.stepPick(items, { title, placeHolder: FILTER_HINT(), ...position, active });
}
