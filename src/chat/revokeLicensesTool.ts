import * as l10n from '@vscode/l10n';
import { RevokeOutcome } from '../commands/licenses/revokeLicenses';
import { CONSEQUENCES, optionLines } from '../commands/licenses/revokeWording';
import { isFinal } from '../graph/actionResults';
import { licenseTotals } from '../graph/licenses';
import { appsOfTokens, impactLine, unknownRevokeImpact } from '../commands/licenses/licenseImpact';
import { RevokeLicensesOptions, VppTokenRecord } from '../graph/vppRecords';
import { TOOLS } from '../ids';
import { plainText } from '../text';
import { tokenLabel } from '../tree/tokenPresentation';
import {
  ChatTenant,
  ChatTool,
  ChatToolDeps,
  failureText,
  inputObject,
  oneTenant,
  optionalText,
  requiredText,
  ToolInputError,
} from './chatTool';
import { actionOutcome, quoted } from './toolText';

interface RevokeInput {
  readonly tenant?: string;
  readonly tokenId: string;
  readonly options: RevokeLicensesOptions;
}

function readInput(raw: unknown): RevokeInput {
  const input = inputObject(raw);
  const notify = input.notifyManagedDevices;
  const untracked = input.revokeUntrackedLicenses ?? false;
  if (typeof notify !== 'boolean' || typeof untracked !== 'boolean') {
    throw new ToolInputError('"notifyManagedDevices" (required) and "revokeUntrackedLicenses" must be true or false.');
  }
  return {
    tenant: optionalText(input, 'tenant'),
    tokenId: requiredText(input, 'tokenId'),
    options: { notifyManagedDevices: notify, revokeUntrackedLicenses: untracked },
  };
}

async function tokenOf(
  deps: ChatToolDeps,
  input: RevokeInput,
  signal: AbortSignal,
): Promise<{ tenant: ChatTenant; token: VppTokenRecord }> {
  const tenant = oneTenant(deps.tenants(), input.tenant);
  return { tenant, token: await tenant.service().getToken(input.tokenId, signal) };
}

/** The license impact line of the extension's own revoke confirmation, or why the impact is not known. */
async function readImpactLine(tenant: ChatTenant, token: VppTokenRecord, signal: AbortSignal): Promise<string> {
  try {
    return impactLine(licenseTotals(await appsOfTokens(tenant, [token.id], signal)), 1);
  } catch (error) {
    return unknownRevokeImpact(failureText(error));
  }
}

/** What the model is told about the revoke: what was sent and what Intune said, never more than is known. */
export function describeOutcome(label: string, outcome: RevokeOutcome): string {
  const name = quoted(label);
  switch (outcome.kind) {
    case 'declined':
      return `Not revoked: the admin did not confirm in the Intune VPP dialog. Nothing was sent to Intune for ${name}.`;
    case 'alreadyRunning':
      return `Not sent: a revoke of the licenses of ${name} is already running. Nothing new was sent.`;
    case 'leftUnconfirmed':
      return `Unconfirmed: the revoke of ${name} was sent once, but Intune's answer was lost and the token shows no new revoke yet. The admin chose not to send it again. Read the token's recent actions later (intuneVpp_tokenDetails) before doing anything else.`;
    case 'accepted': {
      const result = outcome.result;
      if (!result) {
        return `Intune accepted the revoke of the licenses of ${name}. Apple completes it in the background.`;
      }
      const state = isFinal(result) ? 'finished' : 'still processing';
      return `Intune accepted the revoke of the licenses of ${name}; its action is ${state}: ${actionOutcome(result)}.`;
    }
  }
}

/**
 * `intuneVpp_revokeLicenses`: never on the model's word alone. VS Code asks the admin first with what prepare
 * returns (tenant, token, options, license impact); then the extension's own revoke flow asks again in its modal,
 * sends once and reconciles a lost answer by reading.
 */
export function revokeLicensesTool(deps: ChatToolDeps): ChatTool {
  return {
    name: TOOLS.revokeLicenses,
    prepare: async (raw, signal) => {
      const input = readInput(raw);
      const { tenant, token } = await tokenOf(deps, input, signal);
      const label = tokenLabel(token);
      const several = deps.tenants().length > 1;
      const lines = [
        ...(several ? [l10n.t('Tenant: {0}', plainText(tenant.label, 200))] : []),
        l10n.t('Token: {0} (id {1})', label, plainText(token.id, 200)),
        l10n.t('Apple ID: {0}', plainText(token.appleId, 200) || '-'),
        l10n.t('Location: {0}', plainText(token.locationName, 200) || '-'),
        await readImpactLine(tenant, token, signal),
        ...optionLines(input.options),
        CONSEQUENCES(),
        l10n.t('Intune VPP then asks once more in its own dialog; nothing is sent before you confirm there.'),
      ];
      return {
        invocationMessage: l10n.t('Revoking the licenses of "{0}"', label),
        confirmation: { title: l10n.t('Revoke all app licenses of the VPP token "{0}"?', label), message: lines.join('\n') },
      };
    },
    invoke: async (raw, signal) => {
      const input = readInput(raw);
      // Read again: the token may have changed, or gone, since the chat confirmation.
      const { tenant, token } = await tokenOf(deps, input, signal);
      return describeOutcome(tokenLabel(token), await tenant.revoke(token, input.options));
    },
  };
}
