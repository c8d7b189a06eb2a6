import * as l10n from '@vscode/l10n';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Logger } from '../log';
import { readBoundedFile } from '../ui/readBoundedFile';
import { JournalRecord, parseRecord } from './journalRecords';

/** The file records are appended to; full files are renamed aside (`writes-<time>-<random>.jsonl`). */
export const CURRENT_FILE = 'writes.jsonl';
const ROTATED_FILE = /^writes-[0-9A-Za-z-]+\.jsonl$/;
/** About 10,000 writes a file: small enough to read at once, few enough files for years of writes. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Every record starts so: after a torn line, the next record is found where it begins. */
const RECORD_START = '{"v":1,';
const DAY_MS = 24 * 3600 * 1000;
/** Far above any record (a few KB: names are bounded, no secret or list of licenses is kept). */
const MAX_RECORD_BYTES = 1024 * 1024;
/** The journal's folder and files are this user's alone. */
const FOLDER_MODE = 0o700;
const FILE_MODE = 0o600;

/** Why the file could not be written, in a word the admin can look up (ENOSPC, EROFS, EACCES…), never more. */
export function writeErrorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,20}$/.test(code) ? code : l10n.t('an unexpected error');
}

export interface JournalFileOptions {
  readonly maxFileBytes?: number;
  /** Records older than this many days are not read, and files holding only such records are deleted. */
  readonly retentionDays: () => number;
  readonly now?: () => number;
  /** Told of the first failure to write a record (a full or read-only disk); later failures are not told again. */
  readonly onUnwritable: (error: unknown) => void;
  /** Told after each record written (History redraws; the follow-through learns of a revoke to follow). */
  readonly onAppended?: (record: JournalRecord) => void;
}

/**
 * What reading the journal found: its records in the order written, how many lines could not be read, and how many
 * files named like the journal's were not read (not a regular file, or far larger than the journal writes them).
 */
export interface JournalReading {
  readonly records: JournalRecord[];
  readonly unreadable: number;
  readonly skippedFiles: number;
}

/** Logs what a reading of the journal skipped: lines that are not records, files that are not the journal's. */
export function logSkipped(log: Logger, reading: JournalReading): void {
  if (reading.unreadable > 0) {
    log.warn(
      `The journal of writes has ${reading.unreadable} lines that could not be read (a window that crashed mid-write, or an edit); they are skipped.`,
    );
  }
  if (reading.skippedFiles > 0) {
    log.warn(
      `The journal's folder holds ${reading.skippedFiles} files that are not regular files of the journal's size; they are not read.`,
    );
  }
}

/**
 * The journal on disk: JSON Lines, append-only, rotated by size. Several windows may append at once: each record is
 * one `O_APPEND` write of one line, which the kernel never interleaves with another, and a file is rotated by an
 * atomic rename, so a record lands either in the renamed file or in the new one. A record is on disk once `append`
 * resolves (in the page cache: a window that crashes loses nothing; a machine that loses power may).
 */
export class JournalFile {
  private reported = false;
  /** This window's appends, one after another: each waits for the one before it, none for another window. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The folder exists (made once; made again after a failure). */
  private folder: Promise<unknown> | undefined;

  constructor(
    readonly directory: string,
    private readonly options: JournalFileOptions,
  ) {}

  private get current(): string {
    return path.join(this.directory, CURRENT_FILE);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** Appends one record as one line. False when it could not be written: the caller goes on without it. */
  append(record: JournalRecord): Promise<boolean> {
    const appended = this.queue.then(() => this.appendNow(record));
    this.queue = appended;
    return appended;
  }

  private async appendNow(record: JournalRecord): Promise<boolean> {
    try {
      this.folder ??= this.makeFolder();
      await this.folder;
      await fs.appendFile(this.current, `${JSON.stringify(record)}\n`, { encoding: 'utf8', mode: FILE_MODE });
    } catch (error) {
      this.folder = undefined;
      if (!this.reported) {
        this.reported = true;
        this.options.onUnwritable(error);
      }
      return false;
    }
    await this.rotateIfFull();
    this.options.onAppended?.(record);
    return true;
  }

  /**
   * The folder, for this user only: its records name accounts, license holders and their e-mail addresses. A folder
   * an earlier version made readable to all is narrowed too (where the file system has modes).
   */
  private async makeFolder(): Promise<void> {
    await fs.mkdir(this.directory, { recursive: true, mode: FOLDER_MODE });
    await fs.chmod(this.directory, FOLDER_MODE);
  }

  /**
   * Renames the current file aside once it is full. Its size is read after each append (one stat per write): other
   * windows append to it too. A rotated name sorts by its time; the random part keeps two rotations of the same
   * millisecond apart.
   */
  private async rotateIfFull(): Promise<void> {
    try {
      if ((await fs.stat(this.current)).size < (this.options.maxFileBytes ?? MAX_FILE_BYTES)) {
        return;
      }
      const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
      await fs.rename(this.current, path.join(this.directory, `writes-${stamp}-${randomUUID()}.jsonl`));
    } catch {
      // Another window rotated it first, or the disk refuses: the next append looks again.
    }
  }

  /** The journal's files, oldest first: the rotated ones by name (their time), then the current one. */
  private async files(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.directory);
    } catch {
      return [];
    }
    const rotated = names.filter((name) => ROTATED_FILE.test(name)).sort();
    return [...rotated, ...(names.includes(CURRENT_FILE) ? [CURRENT_FILE] : [])].map((name) => path.join(this.directory, name));
  }

  /**
   * Every record within the retention period, oldest first (by its time: files rotated by two windows in the same
   * millisecond have no order of their own). Torn or foreign lines are skipped and counted.
   */
  async read(): Promise<JournalReading> {
    const oldest = this.now() - this.options.retentionDays() * DAY_MS;
    // A file is rotated once past the maximum, by one record: anything far larger was not written by the journal.
    const bound = (this.options.maxFileBytes ?? MAX_FILE_BYTES) + MAX_RECORD_BYTES;
    // Each record with its time, parsed once: the sort below compares times many times over.
    const timed: { readonly record: JournalRecord; readonly time: number }[] = [];
    let unreadable = 0;
    let skippedFiles = 0;
    for (const file of await this.files()) {
      const read = await readBoundedFile(file, bound).catch(() => undefined);
      if (read?.kind !== 'text') {
        skippedFiles += read ? 1 : 0;
        continue;
      }
      for (const line of read.text.split('\n')) {
        if (line.length === 0) {
          continue;
        }
        const record = parseLine(line);
        if (!record) {
          unreadable++;
        } else if (Date.parse(record.at) >= oldest) {
          timed.push(notAfter(record, read.modifiedMs));
        }
      }
    }
    // Stable: records of one time keep the order they were written in.
    timed.sort((a, b) => a.time - b.time);
    return { records: timed.map(({ record }) => record), unreadable, skippedFiles };
  }

  /** Deletes the rotated files last written before the retention period: all their records are older. */
  async prune(): Promise<number> {
    const oldest = this.now() - this.options.retentionDays() * DAY_MS;
    let deleted = 0;
    for (const file of await this.files()) {
      if (path.basename(file) === CURRENT_FILE) {
        continue;
      }
      try {
        if ((await fs.stat(file)).mtimeMs < oldest) {
          await fs.unlink(file);
          deleted++;
        }
      } catch {
        // Gone already, or not ours to delete: left.
      }
    }
    return deleted;
  }
}

/**
 * A line as a record. A window that crashed mid-append leaves a torn line, and the next record written is appended
 * to it: that record is recovered from where it starts.
 */
function parseLine(line: string): JournalRecord | undefined {
  // Without a record start, or with only the one at the beginning, the second parse fails as the first did.
  return parseRecord(line) ?? parseRecord(line.slice(line.lastIndexOf(RECORD_START)));
}

/**
 * A record dated after its file was last written (a hand edit, a clock that ran ahead) is dated when the file was:
 * it cannot have been written later, and a date in the future would keep it first in History for ever.
 */
function notAfter(record: JournalRecord, fileModifiedMs: number): { readonly record: JournalRecord; readonly time: number } {
  const time = Date.parse(record.at);
  return time > fileModifiedMs
    ? { record: { ...record, at: new Date(fileModifiedMs).toISOString() }, time: fileModifiedMs }
    : { record, time };
}
