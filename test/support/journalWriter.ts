/**
 * A second window, as a process of its own, for the journal tests: appends `count` intents to the journal in
 * `directory`, tagged, as fast as it can; with `crash`, appends one intent and is killed before its outcome, as a
 * window that crashes mid-write.
 */
import { JournalFile } from '../../src/journal/journalFile';
import { TenantJournal } from '../../src/journal/journal';

async function main(): Promise<void> {
  const [directory, count, tag, mode] = process.argv.slice(2);
  const file = new JournalFile(directory, {
    retentionDays: () => 365,
    maxFileBytes: Number(process.env.JOURNAL_MAX_BYTES) || undefined,
    onUnwritable: () => process.exit(3),
  });
  const journal = new TenantJournal(
    file,
    { id: `session-${tag}`, pid: process.pid, host: process.env.JOURNAL_HOST ?? 'test-host' },
    () => ({ key: 'contoso', id: 'contoso.onmicrosoft.com', label: 'Contoso', cloud: 'global' }),
    async () => `admin-${tag}@contoso.com`,
  );
  for (let index = 0; index < Number(count); index++) {
    await journal.intent({
      operation: 'revokeLicenses',
      target: { tokenId: `${tag}-${index}`, tokenName: `Token ${tag} ${index} ${'x'.repeat(index % 50)}` },
      details: { notifyManagedDevices: true, revokeUntrackedLicenses: false },
      request: { method: 'POST', path: `/deviceAppManagement/vppTokens/${tag}-${index}/revokeLicenses` },
      evidence: { actions: [] },
    });
  }
  if (mode === 'crash') {
    process.kill(process.pid, 'SIGKILL');
  }
}

void main();
