import * as vscode from 'vscode';
import { readFollowRevokes } from '../../config/vscodeSettings';
import { delay } from '../../graph/delay';
import { COMMANDS } from '../../ids';
import { Journal } from '../../journal/journal';
import { entriesOf, liveSession } from '../../journal/journalEntries';
import { JournalFile } from '../../journal/journalFile';
import { JournalRecord } from '../../journal/journalRecords';
import { TenantStore } from '../../store/tenantStore';
import { TenantRegistry } from '../../tenants/tenantRegistry';
import { runCommand } from '../../tree/commandArgs';
import { Ports } from '../../ui/userInput';
import { actionContext, tenantContext } from '../context';
import { FollowThrough } from './followThrough';
import { processRunning } from './registerEarlierSession';

/**
 * Follows accepted revokes to their final result (see FollowThrough), unless `intuneVpp.followRevokes` is off: those
 * an earlier window left pending from start-up, and those of this window as the journal records them.
 */
export function registerFollowThrough(services: {
  readonly journal: Journal;
  readonly file: JournalFile;
  readonly tenants: TenantRegistry;
  readonly store: TenantStore;
  readonly ui: Ports;
  readonly log: vscode.LogOutputChannel;
}): { readonly recorded: (record: JournalRecord) => void; readonly disposable: vscode.Disposable } {
  const { journal, file, tenants, store, ui, log } = services;
  const lifetime = new AbortController();
  const followThrough = new FollowThrough({
    contextFor: (key) => {
      const tenant = tenants.get(key);
      return tenant && tenantContext(actionContext(ui, log, lifetime.signal), tenant, store, tenants.list().length > 1, journal);
    },
    entries: async () => entriesOf((await file.read()).records).entries,
    isLive: liveSession(journal.session, processRunning),
    showHistory: async () => runCommand(COMMANDS.showHistory),
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
