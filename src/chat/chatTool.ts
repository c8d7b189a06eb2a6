import { RevokeOutcome } from '../commands/licenses/revokeLicenses';
import { VppError } from '../errors';
import { VppTokenService } from '../graph/vppTokenService';
import { RevokeLicensesOptions, VppTokenRecord } from '../graph/vppRecords';
import { TOOLS } from '../ids';
import { plainText } from '../text';
import { quoted } from './toolText';

export type ToolName = (typeof TOOLS)[keyof typeof TOOLS];

/** What VS Code shows before a tool runs: a progress line, and for a write, the question the admin answers first. */
export interface PreparedCall {
  readonly invocationMessage: string;
  readonly confirmation?: { readonly title: string; readonly message: string };
}

/** A language model tool, free of VS Code types: `registerChatTools` adapts it. */
export interface ChatTool {
  readonly name: ToolName;
  prepare(input: unknown, signal: AbortSignal): Promise<PreparedCall>;
  /** The result as plain text for the model: data, bounded in size, never a secret. */
  invoke(input: unknown, signal: AbortSignal): Promise<string>;
}

/** One configured tenant as the tools see it. */
export interface ChatTenant {
  readonly key: string;
  readonly label: string;
  /** The tenant id or domain of its settings, when they name one. */
  readonly tenantId?: string;
  service(): VppTokenService;
  /** The tenant's tokens, from a listing made now (or the one in flight), shared with the tree; throws when none could be made. */
  listTokens(signal: AbortSignal): Promise<readonly VppTokenRecord[]>;
  /** Runs the extension's own revoke flow for one token: its modal confirmation, its write semantics, its messages. */
  revoke(token: VppTokenRecord, options: RevokeLicensesOptions): Promise<RevokeOutcome>;
}

export interface ChatToolDeps {
  readonly tenants: () => readonly ChatTenant[];
  readonly now: () => number;
  /** Bounds the tenants read at once (`intuneVpp.maxConcurrentTenants`). */
  readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
}

/** Input the model gave that cannot be used: VS Code hands the message back to the model. */
export class ToolInputError extends Error {}

/** An object input, or a ToolInputError. */
export function inputObject(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ToolInputError('The input must be an object with the properties the tool schema names.');
  }
  return input as Record<string, unknown>;
}

/** An optional string property, trimmed; undefined when absent or empty. */
export function optionalText(input: Record<string, unknown>, name: string, maxLength = 200): string | undefined {
  const value = input[name];
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  if (typeof value !== 'string' || value.trim().length > maxLength) {
    throw new ToolInputError(`"${name}" must be a string of at most ${maxLength} characters.`);
  }
  return value.trim() || undefined;
}

export function requiredText(input: Record<string, unknown>, name: string, maxLength = 200): string {
  const value = optionalText(input, name, maxLength);
  if (!value) {
    throw new ToolInputError(`"${name}" is required.`);
  }
  return value;
}

/** The tenants the input names: the one whose label, tenant id or key is `name`, or all of them without a name. */
export function tenantsNamed(all: readonly ChatTenant[], name: string | undefined): readonly ChatTenant[] {
  if (all.length === 0) {
    throw new ToolInputError('No tenant is configured in Intune VPP: the admin adds one in the VPP Tokens view (Intune VPP: Add Tenant…).');
  }
  if (name === undefined) {
    return all;
  }
  const wanted = name.toLowerCase();
  const found = all.filter(
    (tenant) => tenant.label.toLowerCase() === wanted || tenant.tenantId?.toLowerCase() === wanted || tenant.key === name,
  );
  if (found.length === 0) {
    throw new ToolInputError(`No configured tenant is named ${quoted(name)}. The tenants are: ${tenantNames(all)}.`);
  }
  return found;
}

/** The one tenant a token tool acts on: the named one, or the only one; several without a name is an error. */
export function oneTenant(all: readonly ChatTenant[], name: string | undefined): ChatTenant {
  const tenants = tenantsNamed(all, name);
  if (tenants.length > 1) {
    throw new ToolInputError(`Several tenants are configured: give "tenant", one of ${tenantNames(all)}.`);
  }
  return tenants[0];
}

function tenantNames(all: readonly ChatTenant[]): string {
  return all.map((tenant) => quoted(tenant.label)).join(', ');
}

/** Why a tenant could not be read, in one plain clause (VppError messages say what to do). */
export function failureText(error: unknown): string {
  if (error instanceof VppError) {
    if (error.kind === 'signInRequired') {
      return 'not signed in: sign in from the VPP Tokens view (Intune VPP: Sign In), then ask again';
    }
    // Without its final full stop: the tools end the sentence it stands in.
    return plainText(error.message, 300).replace(/\.$/, '');
  }
  return 'an unexpected error; see the Intune VPP log';
}

/** A read that may have failed: its value, or the error, to say why a part is missing. */
export type Settled<T> = { readonly value: T } | { readonly error: unknown };

/** A read that may fail without failing the whole answer: its value, or its error (also one thrown before it started). */
export async function settle<T>(read: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { value: await read() };
  } catch (error) {
    return { error };
  }
}
