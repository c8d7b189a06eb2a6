import { constants, promises as fs } from 'node:fs';

/** What reading a file with a bound gave: its text, or why there is none. */
export type BoundedRead =
  | { readonly kind: 'text'; readonly text: string; readonly size: number; readonly modifiedMs: number }
  /** `size`: at least this many bytes (what `stat` said, or what was read past the bound). */
  | { readonly kind: 'tooLarge'; readonly size: number }
  | { readonly kind: 'notAFile' };

/**
 * Reads a regular file as UTF-8, never more than `maxBytes`. Whatever `stat` said beforehand is not trusted: a
 * device, a FIFO or a socket (also behind a symlink) is refused on the opened descriptor, and reading stops one
 * byte past the bound, so `/dev/zero` or a file that grows while read cannot fill memory. The open does not block
 * on a FIFO without a writer.
 */
export async function readBoundedFile(path: string, maxBytes: number): Promise<BoundedRead> {
  const handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      return { kind: 'notAFile' };
    }
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) {
        break;
      }
      length += bytesRead;
    }
    if (length > maxBytes) {
      return { kind: 'tooLarge', size: Math.max(stat.size, length) };
    }
    return { kind: 'text', text: new TextDecoder().decode(buffer.subarray(0, length)), size: length, modifiedMs: stat.mtimeMs };
  } finally {
    await handle.close();
  }
}
