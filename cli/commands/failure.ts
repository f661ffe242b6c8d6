/**
 * Turns anything a command throws into one clear line on stderr and exit code 2.
 * Usage and configuration errors are expected and carry their own message; any
 * other error is an internal error, with the stack only when XENLINT_DEBUG is set.
 */
import { isUsageError } from '../settings/config.js';

export function handleFailure(err: unknown): number {
  if (isUsageError(err)) {
    process.stderr.write(`xenlint: ${err.message}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`xenlint: internal error: ${message}\n`);
  if (process.env['XENLINT_DEBUG'] && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('Set XENLINT_DEBUG=1 for the stack trace, and please report it.\n');
  return 2;
}
