import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { JournalRecord, parseRecord } from './journalRecords';

/** The file records are appended to; full files are renamed aside (`writes-<time>-<random>.jsonl`). */
export const CURRENT_FILE = 'writes.jsonl';
const ROTATED_FILE = /^writes-[0-9A-Za-z-]+\.jsonl$/;
/** About 10,000 writes a file: small enough to read at once, few enough files for years of writes. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Every record starts so: after a torn line, the next record is found where it begins. */
const RECORD_START = '{"v":1,';
const DAY_MS = 24 * 3600 * 1000;

export interface JournalFileOptions {
  readonly maxFileBytes?: number;
  /** Records older than this many days are not read, and files holding only such records are deleted. */
  readonly retentionDays: () => number;
  readonly now?: () => number;
  /** Told of the first failure to write a record (a full or read-only disk); later failures are not told again. */
  readonly onUnwritable: (error: unknown) => void;
  /** Told after each record written (History redraws). */
  readonly onAppended?: () => void;
}

/** What reading the journal found: its records in the order written, and how many lines could not be read. */
export interface JournalReading {
  readonly records: JournalRecord[];
  readonly unreadable: number;
}

/**
 * The journal on disk: JSON Lines, append-only, rotated by size. Several windows may append at once: each record is
 * one `O_APPEND` write of one line, which the kernel never interleaves with another, and a file is rotated by an
 * atomic rename, so a record lands either in the renamed file or in the new one. A record is on disk once `append`
 * resolves (in the page cache: a window that crashes loses nothing; a machine that loses power may).
 */
export class JournalFile {
  private reported = false;

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
  async append(record: JournalRecord): Promise<boolean> {
    try {
      await fs.mkdir(this.directory, { recursive: true });
      await fs.appendFile(this.current, `${JSON.stringify(record)}\n`, 'utf8');
    } catch (error) {
      if (!this.reported) {
        this.reported = true;
        this.options.onUnwritable(error);
      }
      return false;
    }
    await this.rotateIfFull();
    this.options.onAppended?.();
    return true;
  }

  private async rotateIfFull(): Promise<void> {
    try {
      if ((await fs.stat(this.current)).size < (this.options.maxFileBytes ?? MAX_FILE_BYTES)) {
        return;
      }
      const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
      await fs.rename(this.current, path.join(this.directory, `writes-${stamp}-${randomUUID().slice(0, 8)}.jsonl`));
    } catch {
      // Another window rotated it first, or the disk refuses: the next append tries again.
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
    const records: JournalRecord[] = [];
    let unreadable = 0;
    for (const file of await this.files()) {
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n')) {
        if (line.length === 0) {
          continue;
        }
        const record = parseLine(line);
        if (!record) {
          unreadable++;
        } else if (Date.parse(record.at) >= oldest) {
          records.push(record);
        }
      }
    }
    // Stable: records of one time keep the order they were written in.
    records.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return { records, unreadable };
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
  const record = parseRecord(line);
  if (record) {
    return record;
  }
  const start = line.lastIndexOf(RECORD_START);
  return start > 0 ? parseRecord(line.slice(start)) : undefined;
}
