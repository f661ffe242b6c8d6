/**
 * A failed write to a private temporary file (private-temp-file.ts): TMPDIR
 * full, over quota, remounted read-only. The machine's fault, not xenlint's:
 * said in one line and exit 2, as a usage error is, even where it happens
 * inside a check's part (a fold keeping its records in such a file,
 * record-log.ts), which the engine otherwise reports as the check's error.
 * Apart from the file's module so that the engine can tell it without loading
 * the file system code.
 */

/** The mark cli/commands/failure.ts knows a usage error by, from any copy of its module (cli/settings/config.ts). */
const USAGE_ERROR = Symbol.for('xenlint.UsageError');
/** The mark of a failed write to a private temporary file, from any copy of this module. */
const TEMP_FILE_FAILURE = Symbol.for('xenlint.TempFileFailure');

export class TempFileError extends Error {
  readonly [USAGE_ERROR] = true;
  readonly [TEMP_FILE_FAILURE] = true;
}

/** Whether `err` is a failed write to a private temporary file (TempFileError from any copy of this module). */
export function isTempFileFailure(err: unknown): boolean {
  return err instanceof Error && (err as unknown as Record<symbol, unknown>)[TEMP_FILE_FAILURE] === true;
}
