// Type-checks the whole project (tsconfig.json: cli, checks, test) and emits it into
// .test-build/, where `npm test` runs the tests as plain JavaScript. Loading tap's
// TypeScript loader cost about 4 s per test file on the project's machine; compiled
// tests start in well under 1 s. This run is also the type check (it replaces
// `tsc --noEmit` in `npm test`): any type error fails it.
//
// Incremental: a second run re-checks only what changed. Compiled files whose
// source is gone are deleted, so a removed or renamed test never runs from here.
// Plain JavaScript modules beside the TypeScript (e.g. checks/data/*.mjs, which a
// test imports) are copied, since tsc emits only what it compiles.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, '.test-build');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const r = spawnSync(
  process.execPath,
  [tsc, '-p', join(root, 'tsconfig.json'), '--outDir', out, '--incremental', '--tsBuildInfoFile', join(out, 'tsconfig.tsbuildinfo')],
  { stdio: 'inherit' },
);
if (r.status !== 0) process.exit(r.status ?? 1);

const JS = /\.(mjs|cjs|js)$/;
const skip = (name) => name === 'node_modules' || name === 'fixtures';

/** Copy the plain JavaScript modules under `rel` (relative to root) when newer than their copy. */
function copyJs(rel) {
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const from = join(root, rel, entry.name);
    const to = join(out, rel, entry.name);
    if (entry.isDirectory()) copyJs(join(rel, entry.name));
    else if (JS.test(entry.name) && (!existsSync(to) || statSync(to).mtimeMs < statSync(from).mtimeMs)) {
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(from, to);
    }
  }
}

/** Delete files under `dir` whose source (the .ts it was compiled from, or the copied module) is gone. */
function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      continue;
    }
    const src = join(root, relative(out, dir));
    const compiled = /^(.*)\.js(\.map)?$/.exec(entry.name);
    const kept = existsSync(join(src, entry.name)) || (compiled && existsSync(join(src, `${compiled[1]}.ts`)));
    if (!kept && (JS.test(entry.name) || entry.name.endsWith('.js.map'))) rmSync(path);
  }
}
for (const top of ['cli', 'checks', 'test']) {
  if (existsSync(join(root, top))) copyJs(top);
  if (existsSync(join(out, top))) prune(join(out, top));
}
