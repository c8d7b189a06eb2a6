import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { readHistoryRetentionDays } from '../config/vscodeSettings';
import { Logger } from '../log';
import { UserInput } from '../ui/userInput';
import { Journal, newSession } from './journal';
import { JournalFile, writeErrorCode } from './journalFile';
import { JournalRecord } from './journalRecords';

/**
 * This window's journal, in the extension's global storage. When the disk refuses a record (full, read-only), the
 * admin is told once; writes go on, each still confirmed by the admin, without their record.
 */
export function openJournal(
  globalStorage: string,
  log: Logger,
  ui: UserInput,
  onAppended: (record: JournalRecord) => void,
): { readonly journal: Journal; readonly file: JournalFile } {
  const directory = path.join(globalStorage, 'journal');
  const file = new JournalFile(directory, {
    retentionDays: readHistoryRetentionDays,
    onAppended,
    onUnwritable: (error) => {
      const code = writeErrorCode(error);
      log.error(`The journal of writes cannot be written in ${directory}: ${code}. Writes go on without their record.`);
      ui.warning(
        l10n.t(
          'The History of writes cannot be saved ({0}): the disk refused it. Writes go on, each still asks for your confirmation, but they are not recorded while the disk refuses.',
          code,
        ),
        [],
      ).then(undefined, () => undefined);
    },
  });
  return { journal: { sink: file, session: newSession() }, file };
}
