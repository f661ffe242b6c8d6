/**
 * The standalone single-file build (build/standalone.mjs, esbuild): built into an
 * empty directory with no node_modules anywhere above it, it must report exactly
 * what the package's CLI (dist/, as npm installs it) reports.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isBuiltin } from 'node:module';
import { BIN, ROOT } from '../cli/run.js';
import { tempDir } from '../helpers/temp-dir.js';

t.setTimeout(300_000);

const tmp = tempDir('xenlint-standalone-');
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
const bundle = join(tmp, 'xenlint.mjs');

function node(args: string[], cwd = tmp) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['GITHUB_ACTIONS'];
  delete env['FORCE_COLOR'];
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same command through the bundle and through the package's CLI. */
function both(args: string[], cwd = tmp) {
  return { bundled: node([bundle, ...args], cwd), unbundled: node([BIN, ...args], cwd) };
}

t.before(() => {
  const built = node([join(ROOT, 'build/standalone.mjs'), bundle], ROOT);
  if (built.code !== 0) throw new Error(`build/standalone.mjs failed: ${built.stderr}`);
});

t.test('one file, alone in its directory, with nothing to resolve beside it', async (t) => {
  t.same(readdirSync(tmp), ['xenlint.mjs']);
  for (let dir = tmp; dir !== dirname(dir); dir = dirname(dir)) t.notOk(existsSync(join(dir, 'node_modules')), `no node_modules in ${dir}`);
  const text = readFileSync(bundle, 'utf8');
  t.match(text, /^#!\/usr\/bin\/env node\n/);
  // Only Node's own modules are imported; everything else is inside. (Bundled
  // CommonJS calls require() for built-ins only; a missing package would show up
  // in the runs below.)
  const specifiers = [...text.matchAll(/\bimport\s*(?:[\w$*{},\s]+?from\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\)/g)].map((m) => m[1] ?? m[2] ?? '');
  t.ok(specifiers.length > 0);
  // (The pattern also meets Python keyword lists such as "import","from": only names count.)
  const modules = specifiers.filter((s) => /^[@\w][\w@./:-]*$/.test(s));
  t.ok(modules.includes('node:module'));
  t.same(modules.filter((s) => !isBuiltin(s)), []);
  const version = node([bundle, '--version']);
  t.equal(version.stdout, `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
});

t.test('check --root of every sample host: the same JSON, SARIF and stylish reports and exit code', async (t) => {
  const hosts = readdirSync(join(ROOT, 'samples/hosts')).sort();
  t.ok(hosts.length >= 4);
  for (const host of hosts) {
    const root = join(ROOT, 'samples/hosts', host);
    const json = both(['check', '--root', root, '--format', 'json']);
    t.equal(json.bundled.stderr, json.unbundled.stderr, `${host}: stderr`);
    t.equal(json.bundled.code, json.unbundled.code, `${host}: exit code`);
    t.ok(json.unbundled.stdout.length > 1000, `${host}: a real report`);
    t.same(JSON.parse(json.bundled.stdout), JSON.parse(json.unbundled.stdout), `${host}: JSON report`);
    const sarif = both(['check', '--root', root, '--format', 'sarif']);
    t.same(JSON.parse(sarif.bundled.stdout), JSON.parse(sarif.unbundled.stdout), `${host}: SARIF (rule help text and https links included)`);
    const stylish = both(['check', '--root', root, '--verbose']);
    t.equal(stylish.bundled.stdout, stylish.unbundled.stdout, `${host}: stylish --verbose`);
  }
});

t.test('lint with saved host facts, explain, the config file, and a usage error', async (t) => {
  const work = join(tmp, 'work');
  mkdirSync(work);
  for (const f of readdirSync(join(ROOT, 'samples/domains'))) copyFileSync(join(ROOT, 'samples/domains', f), join(work, f));
  copyFileSync(join(ROOT, 'samples/info/xl-4.17-x86_64.txt'), join(work, 'info.txt'));
  const lint = both(['lint', '.', '--facts', 'info.txt', '--format', 'json'], work);
  t.equal(lint.bundled.code, lint.unbundled.code);
  t.equal(lint.unbundled.code, 1, 'the samples have findings');
  t.same(JSON.parse(lint.bundled.stdout), JSON.parse(lint.unbundled.stdout));

  const explain = both(['explain', 'memory-fit', '--facts', 'info.txt'], work);
  t.equal(explain.bundled.code, 0);
  t.equal(explain.bundled.stdout, explain.unbundled.stdout, 'explain reads the rule docs carried in the bundle');

  // The config schema's compiled validator is inside too.
  writeFileSync(join(work, 'bad.yaml'), 'failOn: sometimes\nchecks: []\n');
  const bad = both(['lint', '.', '--config', 'bad.yaml'], work);
  t.equal(bad.bundled.code, 2);
  t.match(bad.bundled.stderr, /invalid configuration/);
  t.equal(bad.bundled.stderr, bad.unbundled.stderr);
  t.equal(node([bundle, 'init'], work).code, 0);
  // A check's options are validated against its own schema, compiled by the build and carried inside.
  writeFileSync(join(work, 'options.yaml'), 'checks:\n  hvm-disk-limit:\n    options: { limitBytes: 171798691840 }\n');
  const options = both(['lint', '.', '--facts', 'info.txt', '--config', 'options.yaml'], work);
  t.equal(options.bundled.stderr, '');
  t.equal(options.bundled.stdout, options.unbundled.stdout, 'lint with check options');
  writeFileSync(join(work, 'bad-options.yaml'), 'checks:\n  hvm-disk-limit:\n    options: { limitBytes: lots }\n');
  const badOptions = both(['lint', '.', '--config', 'bad-options.yaml'], work);
  t.equal(badOptions.bundled.code, 2);
  t.match(badOptions.bundled.stderr, /limitBytes/);
  t.equal(badOptions.bundled.stderr, badOptions.unbundled.stderr);
  const configured = both(['lint', '.', '--facts', 'info.txt'], work);
  t.equal(configured.bundled.stderr, '');
  t.equal(configured.bundled.stdout, configured.unbundled.stdout, 'lint under the starter config');

  const usage = both(['lint', '--fail-on', 'sometimes'], work);
  t.equal(usage.bundled.code, 2);
  t.equal(usage.bundled.stderr, usage.unbundled.stderr);
});
