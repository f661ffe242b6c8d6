/**
 * A temporary file a run writes what it cannot hold in memory to (issue 14:
 * settled findings, lint --cache entries): created in os.tmpdir() readable
 * and writable by its owner only, and, where the system allows (not Windows),
 * removed at once while it stays open, so that it is gone when the process
 * ends, however it ends. Where it cannot be removed while open, `close`
 * removes it, and so does the process's exit.
 */
import { closeSync, mkdtempSync, openSync, rmdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface PrivateTempFile {
  /** Open for reading and writing at positions. */
  readonly fd: number;
  /** Closes it (and removes it where it is still there); idempotent. */
  close(): void;
}

/** A new private temporary file, in a folder of its own named `prefix` and some random characters. */
export function privateTempFile(prefix: string, name: string): PrivateTempFile {
  const dir = mkdtempSync(join(tmpdir(), prefix));
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
