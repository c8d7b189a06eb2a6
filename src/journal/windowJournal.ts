import * as l10n from '@vscode/l10n';
import * as path from 'node:path';
import { readHistoryRetentionDays } from '../config/vscodeSettings';
import { Logger } from '../log';
import { UserInput } from '../ui/userInput';
import { Journal, newSession } from './journal';
import { JournalFile } from './journalFile';

/** Why a file could not be written, in a word the admin can look up (ENOSPC, EROFS, EACCES…). */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,20}$/.test(code) ? code : l10n.t('an unexpected error');
}

/**
 * This window's journal, in the extension's global storage. When the disk refuses a record (full, read-only), the
 * admin is told once; writes go on, each still confirmed by the admin, without their record.
 */
export function openJournal(
  globalStorage: string,
  log: Logger,
  ui: UserInput,
  onAppended: () => void,
): { readonly journal: Journal; readonly file: JournalFile } {
  const directory = path.join(globalStorage, 'journal');
  const file = new JournalFile(directory, {
    retentionDays: readHistoryRetentionDays,
    onAppended,
    onUnwritable: (error) => {
      const code = errorCode(error);
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
