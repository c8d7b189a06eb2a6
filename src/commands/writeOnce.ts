import * as l10n from '@vscode/l10n';
import { describeForLog, VppError } from '../errors';
import { delay } from '../graph/delay';
import { TenantContext, watchSignal } from './commandContext';
import { askAboutUnconfirmed } from './unconfirmed';

/** A write of a token's settings, its creation or its deletion: what to send, and how to see that it happened. */
export interface OnceOnlyWrite<T> {
  /** The progress title while it is sent. */
  readonly title: string;
  /** What the log calls it (never a secret). */
  readonly logName: string;
  send(signal: AbortSignal): Promise<T>;
  /** Reads the tenant: the write's effect when it shows, undefined while it does not. */
  check(signal: AbortSignal): Promise<T | undefined>;
  /** The error shown when the answer was lost and the tenant does not show the write. */
  readonly unconfirmed: (reason: string) => string;
  /** The second confirmation that Send Again needs. */
  readonly sendAgain: { readonly message: string; readonly detail: string };
}

/**
 * Sends a write once. When its answer does not say whether Intune carried it out (unconfirmed), it reads the tenant
 * with back-off until the write shows; if it never does, the admin chooses Check Again or Send Again (after a
 * second confirmation), and nothing is resent on its own. Undefined when the admin left it unconfirmed.
 */
export async function writeOnce<T>(context: TenantContext, write: OnceOnlyWrite<T>): Promise<T | undefined> {
  let attempt: () => Promise<{ done: T } | { unconfirmed: string }> = () => send(context, write);
  for (;;) {
    const outcome = await attempt();
    if ('done' in outcome) {
      return outcome.done;
    }
    const choice = await askAboutUnconfirmed(context, write.unconfirmed(outcome.unconfirmed), write.sendAgain);
    if (choice === undefined) {
      context.log.warn(`${write.logName}: left unconfirmed by the user`);
      return undefined;
    }
    const reason = outcome.unconfirmed;
    attempt = choice === 'checkAgain' ? () => checkUnderProgress(context, write, reason) : () => send(context, write);
  }
}

async function send<T>(context: TenantContext, write: OnceOnlyWrite<T>): Promise<{ done: T } | { unconfirmed: string }> {
  return context.ui.withProgress(
    write.title,
    async (progress) => {
      try {
        const done = await write.send(progress.signal);
        context.log.info(`${write.logName}: done`);
        return { done };
      } catch (error) {
        if (!(error instanceof VppError && error.kind === 'unconfirmed')) {
          context.log.error(`${write.logName}: failed: ${describeForLog(error)}`);
          throw error;
        }
        context.log.warn(`${write.logName}: unconfirmed: ${describeForLog(error)}`);
        progress.report(l10n.t("Intune's answer was lost; reading the tenant to see whether the change reached it"));
        return reconcile(context, write, error.message, progress.signal);
      }
    },
    true,
  );
}

function checkUnderProgress<T>(context: TenantContext, write: OnceOnlyWrite<T>, reason: string) {
  return context.ui.withProgress(write.title, (progress) => reconcile(context, write, reason, progress.signal), true);
}

/** Reads the tenant with the outcome polling's back-off until the write shows, or the reads run out. */
async function reconcile<T>(
  context: TenantContext,
  write: OnceOnlyWrite<T>,
  reason: string,
  cancel: AbortSignal,
): Promise<{ done: T } | { unconfirmed: string }> {
  const signal = watchSignal(context, cancel);
  for (const wait of context.outcomePolling.delaysMs) {
    if (!(await delay(wait, signal))) {
      break;
    }
    try {
      const done = await write.check(signal);
      if (done !== undefined) {
        context.log.info(`${write.logName}: reconciled, the tenant shows it`);
        return { done };
      }
    } catch (error) {
      context.log.warn(`${write.logName}: could not read the tenant: ${describeForLog(error)}`);
    }
  }
  return { unconfirmed: reason };
}
