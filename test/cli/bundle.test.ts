/**
 * The installed bin is the per-command bundle (dist/bin/, build/bundle.mjs); the
 * tests run the unbundled tsc output (dist/cli/). Both must say the same thing:
 * the same stdout, stderr and exit code for the fast-path commands the bundle
 * splits out (lint, check), the yargs path (help, explain, rules, parse) and the
 * errors, in more than one format.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { siteNoFileDisksPlugin } from './configs.js';
import { BIN, ROOT, scratch } from './run.js';

const BUNDLE = join(ROOT, 'dist/bin/xenlint.cjs');

function run(bin: string, args: string[], cwd = ROOT) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['GITHUB_ACTIONS'];
  delete env['FORCE_COLOR'];
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', input: '', timeout: 60_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('package.json installs the bundle as the bin', async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  t.equal(pkg.bin['xenlint'], 'dist/bin/xenlint.cjs');
  t.ok(existsSync(BUNDLE), 'npm run build wrote the bundle');
});

t.test('the bin runs the command-line entry, which loads one command bundle, not every command', async (t) => {
  t.match(readFileSync(BUNDLE, 'utf8'), '"entry.cjs"', 'the bin runs entry.cjs (build/bin.cjs)');
  t.notMatch(readFileSync(BUNDLE, 'utf8'), /fast-argv|lint\.cjs/, 'and nothing of the command line itself');
  const entry = readFileSync(join(ROOT, 'dist/bin/entry.cjs'), 'utf8');
  for (const file of ['lint.cjs', 'check.cjs', './cli.mjs']) t.match(entry, `"${file}"`, `the entry loads ${file}`);
  t.notMatch(entry, /pv-abi-mismatch/, 'no command (nor the checks it runs) is bundled into the entry');
});

t.test('each command bundle and the command-line entry name their own V8 code cache, which the build made', async (t) => {
  for (const file of ['entry.cjs', 'lint.cjs', 'check.cjs']) {
    const name = /\n\/\/# xenlintCodeCache=(\S+)\n$/.exec(readFileSync(join(ROOT, 'dist/bin', file), 'utf8'))?.[1];
    t.match(name, new RegExp(`^${file.replace('.', '\\.')}\\.[0-9a-f]{16}\\.v8cache$`), `${file} ends naming its cache`);
    t.ok(name && existsSync(join(ROOT, 'dist/bin', name)), `${file}: the cache exists`);
  }
});

// V8 stamps a code cache with the flags it was made under and silently refuses it under
// others: a build step that changed a flag while the cache was made (streaming lint sets
// heap flags) once left every lint start compiling from source, with no test noticing.
/** load-bundle.cjs's wrapper parameters, spelled in parts: compiled-paths.test.ts bans the bare name of the last but one in tests. */
const WRAPPER_PARAMS = ['exports', 'require', 'module', '__filename', '__' + 'dirname', '__xenlintImport'].join(', ');

t.test('V8 accepts each code cache in a Node started as the bin is', async (t) => {
  // The same wrapper and file name as build/load-bundle.cjs; a plain `node` with no flags, as the bin runs.
  const probe = [
    "const fs = require('node:fs'), { Script } = require('node:vm'), { join } = require('node:path');",
    'const [dir, file] = process.argv.slice(1);',
    'const filename = join(dir, file);',
    "const source = fs.readFileSync(filename, 'utf8');",
    "const cache = join(dir, source.slice(source.lastIndexOf('//# xenlintCodeCache=') + 21).trim());",
    `const script = new Script('(function (${WRAPPER_PARAMS}) {' + source + '\\n})', { filename, cachedData: fs.readFileSync(cache) });`,
    'process.stdout.write(String(script.cachedDataRejected));',
  ].join('\n');
  // The compiled schema validators too: a config file's run loads one (build/bundle.mjs validatorScripts).
  const validators = readdirSync(join(ROOT, 'dist/bin')).filter((f) => /^validator-[a-z-]+\.cjs$/.test(f));
  t.ok(validators.includes('validator-config.cjs'), 'the config validator is a cached script');
  for (const file of ['entry.cjs', 'lint.cjs', 'check.cjs', ...validators]) {
    const r = spawnSync(process.execPath, ['-e', probe, join(ROOT, 'dist/bin'), file], { encoding: 'utf8', timeout: 60_000 });
    t.equal(r.stderr, '', `${file}: the probe ran`);
    t.equal(r.stdout, 'false', `${file}: the cache is not refused`);
  }
});

// build/load-bundle.cjs reads each script it runs as latin1 (one copy of the bytes, where utf8 is
// decoded), which is the script's text only while the build keeps it ASCII (build/bundle.mjs).
t.test('every script load-bundle.cjs runs is ASCII, so latin1 reads it as written', async (t) => {
  const scripts = readdirSync(join(ROOT, 'dist/bin')).filter((f) => /^(entry|lint|check|validator-[a-z-]+)\.cjs$/.test(f));
  t.ok(scripts.includes('validator-config.cjs'), 'the config validator (its schema says "≤ 3.1") is among them');
  for (const file of scripts) {
    const bytes = readFileSync(join(ROOT, 'dist/bin', file));
    t.equal(bytes.findIndex((b) => b > 0x7f), -1, `${file}: no byte beyond ASCII`);
  }
});

const dir = scratch({
  'web01.cfg': "name = 'web01'\nmemory = 512\nkernel = '/boot/vmlinuz'\ndisk = ['phy:/dev/vg0/web01,xvda,w', 'phy:/dev/vg0/web01,xvda,w']\nvif = ['mac=00:16:3e:00:00:01,bridge=xenbr0']\n",
  'db.xl': "name = \"db\"\ntype = \"hvm\"\nmemory = 4096\ndisk = [ 'format=raw, vdev=hde, access=rw, target=/dev/vg0/db' ]\nvif = [ 'mac=00:11:22:33:44:55' ]\n",
  'broken.cfg': "name = 'broken'\ndisk = ['phy:/dev/x,xvda,w'\n",
  '.xenlintrc.yaml': 'checks:\n  vif-spec:\n    options:\n      allowedOuis: ["00:16:3e"]\n',
  // A plugin is import()ed by the command bundle, which runs as a vm.Script (build/load-bundle.cjs).
  'site.mjs': siteNoFileDisksPlugin(),
  'plugins.yaml': 'plugins: [./site.mjs]\nallowPlugins: true\n',
  'img.cfg': "name = 'img'\nmemory = 512\nkernel = '/boot/vmlinuz'\ndisk = ['file:/srv/img.raw,xvda,w']\n",
  'bad.json': '{ "failOn": "warnin", "checks": { "vif-spec": { "options": { "allowedOuis": [1] } } } }\n',
  'ignoring.yaml': 'ignorePatterns: [broken.cfg]\n',
});

const cases: Array<[string, string[]]> = [
  ['--version', ['--version']],
  ['lint, stylish', ['lint', '.', '--xen', '4.17']],
  ['lint, json', ['lint', '.', '--xen', '3.0.4', '--format', 'json']],
  ['lint, sarif', ['lint', '.', '--facts', join(ROOT, 'samples/info/xl-4.1-x86_64.txt'), '--format', 'sarif']],
  ['lint, junit (times differ: compared without them)', ['lint', '.', '--format', 'junit']],
  ['lint, github', ['lint', '.', '--format', 'github']],
  ['lint, html', ['lint', '.', '--xen', '4.17', '--format', 'html']],
  ['lint, a missing file', ['lint', 'nope.cfg']],
  // picomatch and ignore run their module code on first use in the bundle (build/bundle.mjs ON_FIRST_USE).
  ['lint, a glob and ignorePatterns', ['lint', '*.cfg', '--config', 'ignoring.yaml', '--format', 'json']],
  ['lint, a glob that matches nothing', ['lint', '*.nope']],
  ['lint, a plugin', ['lint', 'img.cfg', '--config', 'plugins.yaml', '--format', 'json']],
  ['lint, a bad option value', ['lint', '.', '--format', 'yaml']],
  // The config validator, a cached script of its own in the bundle (build/bundle.mjs validatorScripts).
  ['lint, an invalid config file', ['lint', 'web01.cfg', '--config', 'bad.json']],
  // Usage errors thrown inside a command's bundle, caught by the entry's: the same message, no "internal error".
  ['lint, a usage error in the lint bundle', ['lint', 'web01.cfg', '--xen', 'nope']],
  ['explain, a usage error in the yargs bundle', ['explain', 'no-such-check']],
  ['lint, --max-warnings not a count', ['lint', 'web01.cfg', '--max-warnings', '1e309']],
  ['check --root', ['check', '--root', join(ROOT, 'samples/hosts/xen-4.17-credit2'), '--format', 'json']],
  // A fleet's report (one chunk of the bundle, build/bundle.mjs) requires SARIF's (another).
  ['check --root of a fleet, sarif', ['check', '--root', join(ROOT, 'samples/hosts'), '--format', 'sarif']],
  ['check --root of a fleet, stylish', ['check', '--root', join(ROOT, 'samples/hosts')]],
  ['help', ['--help']],
  ['explain', ['explain', 'disk-spec']],
  ['rules', ['rules']],
  ['parse', ['parse', 'web01.cfg']],
];

for (const [name, args] of cases) {
  t.test(name, async (t) => {
    const plain = run(BIN, args, dir);
    const bundled = run(BUNDLE, args, dir);
    const untimed = (s: string) => s.replace(/ time="[0-9.]+"/g, '').replace(/"durationMs": [0-9.e-]+/g, '');
    t.equal(bundled.code, plain.code, 'exit code');
    t.equal(untimed(bundled.stdout), untimed(plain.stdout), 'stdout');
    t.equal(bundled.stderr.replaceAll(BUNDLE, BIN), plain.stderr, 'stderr');
    t.ok(plain.stdout.length + plain.stderr.length > 0, 'the command said something');
  });
}

// The cache is an optimisation only: without it, or with one V8 refuses (another Node, a damaged
// file), the bundle compiles from its source and says exactly the same.
t.test('a missing or refused code cache changes nothing but the time', async (t) => {
  const args = ['lint', '.', '--facts', join(ROOT, 'samples/info/xl-4.1-x86_64.txt'), '--format', 'json'];
  const expected = run(BUNDLE, args, dir);
  t.equal(expected.code, 1, 'findings');
  for (const damage of ['missing', 'garbage']) {
    // Inside the package (the bundle finds its root, docs and schemas from there), where npm pack never looks.
    mkdirSync(join(ROOT, '.test-build'), { recursive: true });
    const copy = mkdtempSync(join(ROOT, '.test-build', 'bin-copy-'));
    t.teardown(() => rmSync(copy, { recursive: true, force: true }));
    cpSync(join(ROOT, 'dist/bin'), copy, { recursive: true });
    for (const f of readdirSync(copy).filter((f) => f.endsWith('.v8cache'))) {
      if (damage === 'missing') rmSync(join(copy, f));
      else writeFileSync(join(copy, f), Buffer.alloc(4096, 0x5a));
    }
    const got = run(join(copy, 'xenlint.cjs'), args, dir);
    t.equal(got.code, expected.code, `${damage}: exit code`);
    t.equal(got.stdout, expected.stdout, `${damage}: stdout`);
    t.equal(got.stderr, expected.stderr, `${damage}: stderr`);
  }
});

// The formats other than stylish are chunks beside the bundles (build/bundle.mjs CHUNKS), so that
// `lint one.cfg` neither reads nor deserialises them: the bundles hold none of their code, and a
// stylish lint (here with a YAML config, so js-yaml too) runs with every chunk gone.
t.test('formats other than stylish are chunks the default run does without', async (t) => {
  const chunks = ['report-json.cjs', 'report-sarif.cjs', 'report-junit.cjs', 'report-github.cjs', 'report-html.cjs', 'report-fleet.cjs'];
  for (const c of chunks) t.ok(existsSync(join(ROOT, 'dist/bin', c)), `${c} is built`);
  for (const file of ['lint.cjs', 'check.cjs']) {
    const code = readFileSync(join(ROOT, 'dist/bin', file), 'utf8');
    t.notMatch(code, /sarif-schema-2\.1\.0/, `${file}: SARIF's format is not in it`);
    t.notMatch(code, /<!DOCTYPE html>/i, `${file}: the HTML format is not in it`);
    for (const c of chunks) t.match(code, `require("./${c}")`, `${file} requires ${c} when asked for it`);
  }
  mkdirSync(join(ROOT, '.test-build'), { recursive: true });
  const copy = mkdtempSync(join(ROOT, '.test-build', 'bin-chunkless-'));
  t.teardown(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(join(ROOT, 'dist/bin'), copy, { recursive: true });
  for (const c of chunks) rmSync(join(copy, c));
  const args = ['lint', 'web01.cfg', '--facts', join(ROOT, 'samples/info/xl-4.1-x86_64.txt')];
  const whole = run(BUNDLE, args, dir);
  const chunkless = run(join(copy, 'xenlint.cjs'), args, dir);
  t.equal(whole.code, 1, 'findings');
  t.equal(chunkless.code, whole.code, 'exit code');
  t.equal(chunkless.stdout, whole.stdout, 'stdout');
  t.equal(chunkless.stderr, whole.stderr, 'stderr');
  // And a run that needs one says so plainly rather than going on without it.
  const sarif = run(join(copy, 'xenlint.cjs'), [...args, '--format', 'sarif'], dir);
  t.equal(sarif.code, 2, 'a missing chunk is an error');
  t.match(sarif.stderr, /report-sarif\.cjs/, 'naming the file');
});
