/**
 * A temporary file a run writes what it cannot hold in memory to (issue 14:
 * settled findings, lint --cache entries): created in os.tmpdir() readable
 * and writable by its owner only, and, where the system allows (not Windows),
 * removed at once while it stays open, so that it is gone when the process
 * ends, however it ends. Where it cannot be removed while open, `close`
 * removes it, and so does the process's exit.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TempFileError } from './temp-file-failure.js';

export interface PrivateTempFile {
  /** Open for reading and writing at positions. */
  readonly fd: number;
  /**
   * Writes all of `bytes` at `position`. A failure (TMPDIR full, over quota, a
   * read-only remount) is said in one line naming the folder and exits 2, as a
   * usage error does: it is the machine's, not a fault of xenlint to report.
   */
  writeAt(bytes: Uint8Array, position: number): void;
  /** `length` bytes from `position`, all of them (the run wrote them: a short file is a fault, thrown). */
  readAt(length: number, position: number): Buffer;
  /** readAt into the start of `into` (at least `length` bytes), for a reader that reuses one buffer: a new one each read is garbage the heap does not see (issue 14). */
  readInto(into: Uint8Array, length: number, position: number): void;
  /** Closes it (and removes it where it is still there); idempotent. */
  close(): void;
}

/** A new private temporary file, in a folder of its own named `prefix` and some random characters. */
export function privateTempFile(prefix: string, name: string): PrivateTempFile {
  const base = tmpdir();
  const dir = mkdtempSync(join(base, prefix));
  const path = join(dir, name);
  const fd = openSync(path, 'wx+', 0o600);
  let left: string | undefined;
  if (process.platform === 'win32') {
    // An open file cannot be removed there: it goes when the run closes it, or at exit.
    left = path;
  } else {
    unlinkSync(path);
    rmdirSync(dir);
  }
  let open = true;
  const file: PrivateTempFile = {
    fd,
    writeAt(bytes, position) {
      let at = 0;
      try {
        while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at, position + at);
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        throw new TempFileError(`a temporary file in ${base} could not be written (${why}): free some space there, or set TMPDIR to a folder with room`);
      }
    },
    readAt(length, position) {
      const out = Buffer.allocUnsafe(length);
      file.readInto(out, length, position);
      return out;
    },
    readInto(into, length, position) {
      // A closed descriptor's number may be another file's by now.
      if (!open) throw new Error('a temporary file was read after it was closed');
      let at = 0;
      while (at < length) {
        const n = readSync(fd, into, at, length - at, position + at);
        if (n === 0) throw new Error(`a temporary file in ${base} ended at ${position + at} of ${position + length} bytes`);
        at += n;
      }
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
      if (left === undefined) return;
      try {
        unlinkSync(left);
        rmdirSync(dirname(left));
      } catch {
        // Gone already.
      }
    },
  };
  if (left !== undefined) process.once('exit', () => file.close());
  return file;
}
