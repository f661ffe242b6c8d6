/**
 * The repository's root, for tests that read its files (samples, schemas, docs, sources).
 *
 * `npm test` runs the tests compiled into `.test-build/` (test/compile.mjs), so a path
 * relative to the test file (a URL built on the test module's own URL) would point
 * into that folder: resolve repository files with `fromRoot` instead.
 */
import { join } from 'node:path';
import { packageRoot } from '../../cli/model/package-root.js';

/** Absolute path of the repository root, without a trailing slash. */
export const ROOT = packageRoot();

/** Absolute path of a file or folder given relative to the repository root. */
export function fromRoot(...parts: string[]): string {
  return join(ROOT, ...parts);
}
