import * as vscode from 'vscode';
import { COMMANDS } from '../../ids';
import { Journal } from '../../journal/journal';
import { liveSession } from '../../journal/journalEntries';
import { JournalFile } from '../../journal/journalFile';
import { TenantRegistry } from '../../tenants/tenantRegistry';
import { Ports } from '../../ui/userInput';
import { offerEarlierSession } from './earlierSession';
import { TenantStore } from '../../store/tenantStore';
import { actionContext, TenantContext, tenantContext } from '../context';
import { runCommand } from '../../tree/commandArgs';

/** Whether a process runs on this machine (a signal 0 reaches it, or it exists but is not ours to signal). */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/** What a background task started at activation works with: the journal, the tenants and the store. */
export interface JournalServices {
  readonly journal: Journal;
  readonly file: JournalFile;
  readonly tenants: TenantRegistry;
  readonly store: TenantStore;
  readonly ui: Ports;
  readonly log: vscode.LogOutputChannel;
}

/** The context of a journal entry's tenant, by its key; undefined when the tenant is no longer configured. */
export function journalContexts(services: JournalServices, signal: AbortSignal): (key: string) => TenantContext | undefined {
  const { journal, tenants, store, ui, log } = services;
  return (key) => {
    const tenant = tenants.get(key);
    return tenant && tenantContext(actionContext(ui, log, signal), tenant, store, tenants.list().length > 1, journal);
  };
}

/**
 * At activation, offers what an earlier session left unfinished (see offerEarlierSession). It reads only the
 * journal until the admin chooses; the tenants are read or written only then.
 */
export function registerEarlierSession(services: JournalServices): vscode.Disposable {
  const { journal, file, ui, log } = services;
  const lifetime = new AbortController();
  offerEarlierSession({
    ui,
    log,
    journal,
    read: () => file.read(),
    isLive: liveSession(journal.session, processRunning),
    contextFor: journalContexts(services, lifetime.signal),
    showHistory: async () => runCommand(COMMANDS.showHistory),
  }).catch((error: unknown) =>
    log.error(`Checking the writes of an earlier session failed: ${error instanceof Error ? error.message : String(error)}`),
  );
  return { dispose: () => lifetime.abort() };
}
