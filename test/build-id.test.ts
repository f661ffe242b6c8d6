/**
 * The build id (cli/model/build-id.ts, build/build-id.mjs): the `lint --cache`
 * key rests on it, so it must change with any compiled file or the locked
 * dependencies, stay the same for the same tree, and be in the build the
 * package runs (dist/cli, and the bundles made from it).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromRoot } from './helpers/paths.js';
import { cacheKey, codeIdentity, type CacheKeyInputs } from '../cli/commands/lint-cache.js';
import { tempDir } from './helpers/temp-dir.js';

const script = fromRoot('build/build-id.mjs');

function idOf(root: string): string {
  const r = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const m = /BUILD_ID = "([0-9a-f]+)"/.exec(readFileSync(join(root, 'dist/cli/model/build-id.js'), 'utf8'));
  if (!m) throw new Error('no id written');
  return m[1]!;
}

t.test('the id changes with any compiled file or the lock file, and only with them', async (t) => {
  const root = tempDir('xenlint-build-id-');
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'dist/cli/model'), { recursive: true });
  mkdirSync(join(root, 'dist/checks/data'), { recursive: true });
  writeFileSync(join(root, 'dist/cli/model/build-id.js'), 'export const BUILD_ID = undefined;\n');
  writeFileSync(join(root, 'dist/cli/engine.js'), 'export const a = 1;\n');
  writeFileSync(join(root, 'dist/checks/memory-fit.js'), 'export const b = 2;\n');
  writeFileSync(join(root, 'dist/checks/data/keys.json'), '{"k":1}\n');
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}\n');
  const first = idOf(root);
  t.match(first, /^[0-9a-f]{32}$/);
  t.equal(idOf(root), first, 'the same tree, the same id (the id file itself is not hashed)');
  const changes: Array<[string, string]> = [
    ['dist/checks/memory-fit.js', 'export const b = 3;\n'],
    ['dist/cli/engine.js', 'export const a = 1;\n// changed\n'],
    ['dist/checks/data/keys.json', '{"k":2}\n'],
    ['package-lock.json', '{"lockfileVersion":3,"packages":{}}\n'],
  ];
  const seen = new Set([first]);
  for (const [file, text] of changes) {
    writeFileSync(join(root, file), text);
    const id = idOf(root);
    t.notOk(seen.has(id), `${file} changed: a new id`);
    seen.add(id);
  }
  // Bytes moved from the end of one file to the start of the next make another tree.
  writeFileSync(join(root, 'dist/checks/memory-fit.js'), 'xy');
  writeFileSync(join(root, 'dist/checks/nx.js'), 'z');
  const before = idOf(root);
  writeFileSync(join(root, 'dist/checks/memory-fit.js'), 'x');
  writeFileSync(join(root, 'dist/checks/nx.js'), 'yz');
  t.not(idOf(root), before);
});

t.test('the package build carries an id, in dist/cli and in the lint bundle', async (t) => {
  const emitted = readFileSync(fromRoot('dist/cli/model/build-id.js'), 'utf8');
  const id = /BUILD_ID = "([0-9a-f]{32})"/.exec(emitted)?.[1];
  t.ok(id, 'dist/cli/model/build-id.js holds the id');
  t.ok(readFileSync(fromRoot('dist/bin/lint.cjs'), 'utf8').includes(id!), 'the lint bundle holds the same id');
});

t.test('the cache key rests on the build, not the version', async (t) => {
  const inputs: CacheKeyInputs = {
    strategy: 'metadata',
    cwd: '/w',
    plan: [],
    checks: [],
    host: { probes: [] } as unknown as CacheKeyInputs['host'],
    dialect: undefined,
    dialects: undefined,
    configDir: '/w',
    limits: undefined,
    memory: undefined,
  };
  t.not(cacheKey(inputs, codeIdentity('a'.repeat(32))), cacheKey(inputs, codeIdentity('b'.repeat(32))), 'another build, another key');
  t.equal(cacheKey(inputs, codeIdentity('a'.repeat(32))), cacheKey(inputs, codeIdentity('a'.repeat(32))));
  t.not(codeIdentity(undefined), codeIdentity('a'.repeat(32)), 'an unbuilt run never shares a key with a build');
});
