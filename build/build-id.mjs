#!/usr/bin/env node
// Writes the build id (cli/model/build-id.ts explains what it is for) into what tsc
// emitted: dist/cli/model/build-id.js becomes `export const BUILD_ID = "<hash>";`.
// The hash covers every file under dist/cli and dist/checks (the compiled code, the
// schema validators, the checks' data) but this one, by path and bytes in code-unit
// order, and package-lock.json (the dependencies the bundles inline, such as js-yaml,
// read configs too). Run by `npm run build` after tsc and the validators, before
// build/bundle.mjs bundles dist/cli; the same tree gives the same id.
// Usage: node build/build-id.mjs [PACKAGE_ROOT]
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ? resolve(process.argv[2]) : join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'dist', 'cli', 'model', 'build-id.js');

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

const files = [...filesUnder(join(root, 'dist', 'cli')), ...filesUnder(join(root, 'dist', 'checks'))]
  .filter((f) => f !== target && f !== `${target.slice(0, -3)}.d.ts`)
  .map((f) => relative(root, f).split('\\').join('/'));
const lock = join(root, 'package-lock.json');
if (existsSync(lock)) files.push('package-lock.json');
files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const hash = createHash('sha256');
for (const f of files) {
  const bytes = readFileSync(join(root, f));
  // Each file as its path, its length and its bytes: no two trees hash alike by shifting bytes between files.
  hash.update(`${f}\0${bytes.length}\0`).update(bytes);
}
const id = hash.digest('hex').slice(0, 32);
writeFileSync(target, `/** Written by build/build-id.mjs: a hash of this build's code (cli/model/build-id.ts). */\nexport const BUILD_ID = ${JSON.stringify(id)};\n`);
console.error(`build id ${id} (${files.length} files)`);
