/**
 * Writing a file an option names (`--output`, `--also-output`, `--write-baseline`):
 * a path that cannot be written is the user's to fix, so it is a usage error that
 * names the option, the path and what was expected, never an internal error.
 * And writing the report to stdout.
 */
import { fstatSync, statSync, writeSync } from 'node:fs';
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
  for (const piece of withFinalNewline(pieces, false)) writeStdout(piece);
}

/** 'fd': written with writeSync; 'stream': process.stdout, after fd 1 said EAGAIN; 'gone': the reader has gone. */
let stdoutMode: 'fd' | 'stream' | 'gone' = 'fd';

/**
 * Set by the entry (cli/xenlint.ts) for the whole process — the command bundles each
 * carry their own copy of this module: stdout is fd 1. Without it (main() run
 * in-process, as the CLI tests do with a capturing process.stdout) the stream is used.
 */
export const STDOUT_IS_FD1 = Symbol.for('xenlint.stdoutIsFd1');
const stdoutIsFd1 = (): boolean => (globalThis as Record<symbol, unknown>)[STDOUT_IS_FD1] === true;

/**
 * `text` on stdout, written to fd 1 at once. Not through process.stdout: creating
 * that stream loads streams and net (a pipe) — ~15 M instructions of `lint one.cfg
 * | ...`'s start-up (issue 14), for one write. The rest is as cli/xenlint.ts does
 * for the stream: the reader gone (EPIPE), later writes are dropped and the
 * command keeps its exit code; any other failure is one line and exit 2. A
 * non-blocking fd 1 (shared with a parent that made it so) that is full hands the
 * rest to process.stdout, which waits for the reader, and so does every later write.
 */
export function writeStdout(text: string): void {
  if (stdoutMode === 'gone') return;
  if (stdoutMode === 'stream' || !stdoutIsFd1()) {
    process.stdout.write(text);
    return;
  }
  // The text goes as a string, in one write: Buffer.from(text) would compile a dozen of Node's
  // buffer functions for a one-file lint (~1 M instructions of its start-up, issue 14). Only a
  // write that comes short (a full non-blocking pipe) needs the bytes, to go on where it stopped.
  let bytes: Buffer | undefined;
  let at = 0;
  try {
    at = writeSync(1, text);
    if (at < Buffer.byteLength(text)) {
      bytes = Buffer.from(text, 'utf8');
      while (at < bytes.length) at += writeSync(1, bytes, at);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') {
      stdoutMode = 'gone';
    } else if (code === 'EAGAIN') {
      stdoutMode = 'stream';
      process.stdout.write(bytes === undefined ? text : bytes.subarray(at));
    } else {
      process.stderr.write(`xenlint: cannot write the output: ${code ?? (err as Error).message}\n`);
      process.exit(2);
    }
  }
}

/**
 * process.stdout.isTTY without creating process.stdout (see writeStdout): a pipe, a
 * file, a socket or /dev/null is never a terminal, so node:tty (which loads net) is
 * asked only about another character device; on Windows the stream is asked as before.
 */
export function stdoutIsTTY(): boolean {
  if (process.platform === 'win32' || !stdoutIsFd1()) return Boolean(process.stdout.isTTY);
  let stats;
  try {
    stats = fstatSync(1);
  } catch {
    return false;
  }
  if (!stats.isCharacterDevice()) return false;
  // `> /dev/null`, the other common character device, is not a terminal either.
  if (stats.rdev === statSync('/dev/null', { throwIfNoEntry: false })?.rdev) return false;
  const { isatty } = process.getBuiltinModule('node:tty');
  return isatty(1);
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
