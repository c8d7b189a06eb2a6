import * as vscode from 'vscode';
import { readFollowRevokes } from '../../config/vscodeSettings';
import { delay } from '../../graph/delay';
import { COMMANDS } from '../../ids';
import { entriesOf, liveSession } from '../../journal/journalEntries';
import { JournalRecord } from '../../journal/journalRecords';
import { runCommand } from '../../tree/commandArgs';
import { TokenNode } from '../../tree/treeNodes';
import { FollowThrough } from './followThrough';
import { journalContexts, JournalServices, processRunning } from './registerEarlierSession';

/**
 * Follows accepted revokes to their final result (see FollowThrough), unless `intuneVpp.followRevokes` is off: those
 * an earlier window left pending from start-up, and those of this window as the journal records them.
 */
export function registerFollowThrough(services: JournalServices): {
  readonly recorded: (record: JournalRecord) => void;
  readonly disposable: vscode.Disposable;
} {
  const { journal, file, tenants, ui, log } = services;
  const lifetime = new AbortController();
  const followThrough = new FollowThrough({
    contextFor: journalContexts(services, lifetime.signal),
    entries: async () => entriesOf((await file.read()).records).entries,
    isLive: liveSession(journal.session, processRunning),
    showHistory: async () => runCommand(COMMANDS.showHistory),
    offer: {
      revokeLicenses: async (tenantKey, token) => runCommand(COMMANDS.revokeLicenses, new TokenNode(token, tenantKey)),
      deleteToken: async (tenantKey, token) => runCommand(COMMANDS.deleteToken, new TokenNode(token, tenantKey)),
    },
    ui,
    log,
    now: () => Date.now(),
    wait: delay,
  });
  if (readFollowRevokes()) {
    followThrough.resume().catch((error: unknown) => log.warn(`Resuming the follow-through failed: ${String(error)}`));
  }
  // A tenant signed in or given its secret: the reads that needed it go now.
  const woken = tenants.onDidChange(() => followThrough.wake());
  return {
    recorded: (record) => (readFollowRevokes() ? followThrough.recorded(record) : undefined),
    disposable: {
      dispose: () => {
        woken.dispose();
        lifetime.abort();
        followThrough.dispose();
      },
    },
  };
}
