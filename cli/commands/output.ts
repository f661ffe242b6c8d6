/**
 * Writing a file an option names (`--output`, `--also-output`, `--write-baseline`):
 * a path that cannot be written is the user's to fix, so it is a usage error that
 * names the option, the path and what was expected, never an internal error.
 */
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../settings/config.js';

export async function writeOptionFile(option: string, file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (err) {
    throw new UsageError(`${option} ${file}: cannot write: ${whyUnwritable(err, file)}`);
  }
}

function whyUnwritable(err: unknown, file: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `the directory ${dirname(file)} does not exist (expected a file path in an existing directory)`;
    case 'ENOTDIR':
      return 'a part of the path is not a directory (expected a file path in an existing directory)';
    case 'EISDIR':
      return 'it is a directory (expected a file path)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code ?? (err instanceof Error ? err.message : 'unknown error');
  }
}
