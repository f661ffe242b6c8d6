/**
 * xenlint's own package: the folder holding its package.json, where the files shipped
 * beside the code (schemas/, docs/) live, and that package.json's fields. The code runs
 * from three depths below it — cli/ from source, dist/cli/ as installed, .test-build/cli/
 * under `npm test` — so it is found by walking up to the package.json named "xenlint",
 * never by guessing the depth.
 *
 * package.json is read, not imported: a JSON import would make tsc copy it into dist/,
 * where it would become the package scope of every compiled module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { embedded } from './embedded.js';

export interface OwnPackage {
  /** Absolute path, without a trailing slash. */
  root: string;
  json: Record<string, unknown>;
}

// import.meta.dirname (Node 20.11+), not fileURLToPath(import.meta.url): the installed bundles
// answer it from __dirname (build/bundle.mjs), where a URL would cost a round trip through node:url.
const HERE = import.meta.dirname;

function findOwnPackage(): OwnPackage | undefined {
  for (let dir = HERE; ; dir = dirname(dir)) {
    // Tested first: a missing file would be a thrown ENOENT, with its stack, for each directory
    // between this module and the package root (two for the bundles in dist/bin/).
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        if (json['name'] === 'xenlint') return { root: dir, json };
      } catch {
        // unreadable or not JSON: keep walking up
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

let own: { found: OwnPackage | undefined } | undefined;

/**
 * Undefined only when this code runs outside its package (e.g. a file copied on its
 * own). The standalone build carries package.json's fields (cli/model/embedded.ts), so it
 * never reads a package.json it happens to sit below. Looked for on first use, not at load: a
 * lint or check that reads no schema, rule doc or project link (the common run) never walks up
 * for it (start-up, issue 14: three existsSync, a read and a JSON.parse on every start).
 */
export function ownPackage(): OwnPackage | undefined {
  own ??= { found: embedded ? { root: dirname(HERE), json: embedded.packageJson } : findOwnPackage() };
  return own.found;
}

/** The package's folder; outside the package, the folder above this module's. */
export function packageRoot(): string {
  return ownPackage()?.root ?? dirname(HERE);
}
