/**
 * The folder holding xenlint's package.json, where the files shipped beside the code
 * (schemas/, docs/) live. The code runs from three depths below it: cli/ from source,
 * dist/cli/ as installed, .test-build/cli/ under `npm test`; walking up to
 * package.json gives the same answer from each without knowing which one it is.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`xenlint: no package.json above ${from}`);
  }
}

/** Absolute path, without a trailing slash. */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
