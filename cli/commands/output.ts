/**
 * Writing a file an option names (`--output`, `--also-output`, `--write-baseline`):
 * a path that cannot be written is the user's to fix, so it is a usage error that
 * names the option, the path and what was expected, never an internal error.
 */
import { open, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../settings/config.js';

export async function writeOptionFile(option: string, file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (err) {
    throw new UsageError(`${option} ${file}: cannot write: ${whyUnwritable(err, file)}`);
  }
}

/** A report written piece by piece (see formatPieces), ending in a newline. */
export async function writeOptionFilePieces(option: string, file: string, pieces: Iterable<string>): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'w');
    for (const piece of withFinalNewline(pieces)) await handle.write(piece);
  } catch (err) {
    throw new UsageError(`${option} ${file}: cannot write: ${whyUnwritable(err, file)}`);
  } finally {
    await handle?.close();
  }
}

/** The report on stdout, piece by piece, ending in a newline unless it is empty. */
export function writeStdoutPieces(pieces: Iterable<string>): void {
  for (const piece of withFinalNewline(pieces, false)) process.stdout.write(piece);
}

/** The pieces, then a newline when they do not end in one (always for a file; for stdout only when something was written). */
function* withFinalNewline(pieces: Iterable<string>, whenEmpty = true): Generator<string> {
  let last = '';
  for (const piece of pieces) {
    if (piece === '') continue;
    last = piece;
    yield piece;
  }
  if (last === '' ? whenEmpty : !last.endsWith('\n')) yield '\n';
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
