/**
 * Plugins are code, so loading one is the user's decision: a config found by
 * walking up never runs its `plugins` on its own; `--plugin PATH`,
 * XENLINT_ALLOW_PLUGINS=1 or `allowPlugins: true` in a file named with `--config`
 * allow them; and a config's entries are files inside its directory, nothing else.
 * Every plugin here writes a canary file when imported, so "not loaded" is
 * observed, not assumed.
 */
import t from 'tap';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratch, xenlint } from './run.js';
import { planPlugins, pluginFile } from '../../cli/settings/plugins.js';
import { UsageError } from '../../cli/settings/config.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A plugin that leaves `canary` beside itself when imported, and reports every guest. */
function plugin(canary: string): string {
  return `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./${canary}', import.meta.url), 'the plugin ran');
export default [{
  id: 'site-every-guest', title: 'Every guest is seen', severity: 'warning',
  needs: ['domains'], sources: ['site policy'], messages: { seen: '{{guest}} seen by the site plugin' },
  run: (facts) => facts.domains.map((d) => ({ messageId: 'seen', data: { guest: d.name }, domain: d.name, file: d.file, line: 1, column: 1 })),
}];
`;
}

const GUEST = "name = 'web'\nkernel = '/boot/vmlinuz'\nmemory = 256\n";

function repo(config: string): string {
  return scratch({ 'site.mjs': plugin('imported'), 'web.cfg': GUEST, '.xenlintrc.yaml': config });
}

t.test('a config found by walking up does not load its plugins: one notice, the built-in checks run', async (t) => {
  const dir = repo('plugins: [./site.mjs]\nallowPlugins: true\nchecks:\n  site-every-guest: error\n');
  mkdirSync(join(dir, 'sub'));
  for (const cwd of [dir, join(dir, 'sub')]) {
    const r = xenlint(['lint', join(dir, 'web.cfg'), '--xen', '4.17', '--format', 'json'], { cwd });
    t.equal(r.code, 0, r.stderr);
    t.notOk(existsSync(join(dir, 'imported')), 'the plugin was not imported');
    t.notMatch(r.stdout, /site-every-guest/);
    const notes = r.stderr.split('\n').filter((l) => l !== '');
    t.equal(notes.length, 1, 'said once');
    t.match(notes[0], /^xenlint: note: 1 plugin listed in .*\.xenlintrc\.yaml not loaded: a config found by walking up cannot allow its own code/);
    t.match(notes[0], /--plugin PATH, XENLINT_ALLOW_PLUGINS=1, or allowPlugins: true in a file named with --config/);
    t.notMatch(r.stderr, /\n\s+at /);
  }
  for (const value of ['0', 'false', 'yes', '']) {
    const r = xenlint(['lint', 'web.cfg', '--xen', '4.17'], { cwd: dir, env: { XENLINT_ALLOW_PLUGINS: value } });
    t.equal(r.code, 0, `XENLINT_ALLOW_PLUGINS=${value} allows nothing`);
    t.notOk(existsSync(join(dir, 'imported')));
  }
  // `rules` and `explain` list checks: the same rule.
  const rules = xenlint(['rules'], { cwd: dir });
  t.equal(rules.code, 0);
  t.notMatch(rules.stdout, /site-every-guest/);
  t.match(rules.stderr, /not loaded/);
  t.notOk(existsSync(join(dir, 'imported')));
});

t.test('a config named with --config loads its plugins only when it says allowPlugins: true', async (t) => {
  const dir = repo('plugins: [./site.mjs]\n');
  const r = xenlint(['lint', 'web.cfg', '--xen', '4.17', '--config', '.xenlintrc.yaml'], { cwd: dir });
  t.equal(r.code, 0);
  t.match(r.stderr, /not loaded: it does not say allowPlugins: true/);
  t.notOk(existsSync(join(dir, 'imported')));

  writeFileSync(join(dir, 'site.yaml'), 'plugins: [./site.mjs]\nallowPlugins: true\nchecks:\n  site-every-guest: error\n');
  const on = xenlint(['lint', 'web.cfg', '--xen', '4.17', '--config', 'site.yaml'], { cwd: dir });
  t.equal(on.code, 1, 'the plugin ran and its finding is an error');
  t.equal(on.stderr, '');
  t.match(on.stdout, /web seen by the site plugin/);
  t.ok(existsSync(join(dir, 'imported')));
});

t.test('XENLINT_ALLOW_PLUGINS=1 (or true) allows the plugins of the config found', async (t) => {
  for (const value of ['1', 'true', 'TRUE']) {
    const dir = repo('plugins: [./site.mjs]\n');
    const r = xenlint(['lint', 'web.cfg', '--xen', '4.17'], { cwd: dir, env: { XENLINT_ALLOW_PLUGINS: value } });
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stderr, '');
    t.match(r.stdout, /web seen by the site plugin/);
    t.ok(existsSync(join(dir, 'imported')), `imported with XENLINT_ALLOW_PLUGINS=${value}`);
  }
});

t.test('--plugin PATH loads the file the user names, once, wherever it is', async (t) => {
  const dir = repo('plugins: [./site.mjs]\n');
  const r = xenlint(['lint', 'web.cfg', '--xen', '4.17', '--plugin', 'site.mjs', '--format', 'json'], { cwd: dir });
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, '', 'the config lists the same file: nothing left out, no notice');
  t.equal(JSON.parse(r.stdout).checks.filter((c: { id: string }) => c.id === 'site-every-guest').length, 1, 'loaded once');
  t.ok(existsSync(join(dir, 'imported')));

  // A plugin outside the working directory, named on the command line, with no config at all.
  const elsewhere = tempDir('xenlint-site-');
  t.teardown(() => rmSync(elsewhere, { recursive: true, force: true }));
  writeFileSync(join(elsewhere, 'other.mjs'), plugin('other-imported').replace(/site-every-guest/g, 'site-other'));
  const bare = scratch({ 'web.cfg': GUEST });
  const two = xenlint(['lint', 'web.cfg', '--xen', '4.17', '--plugin', join(elsewhere, 'other.mjs'), '--plugin', join(dir, 'site.mjs')], { cwd: bare });
  t.equal(two.code, 0, two.stderr);
  t.match(two.stdout, /site-other/);
  t.match(two.stdout, /site-every-guest/);
  t.ok(existsSync(join(elsewhere, 'other-imported')));

  // Named on the command line, a config's other plugins are still left out, and said so.
  writeFileSync(join(dir, 'second.mjs'), plugin('second-imported').replace(/site-every-guest/g, 'site-second'));
  writeFileSync(join(dir, '.xenlintrc.yaml'), 'plugins: [./site.mjs, ./second.mjs]\n');
  const partial = xenlint(['lint', 'web.cfg', '--xen', '4.17', '--plugin', './site.mjs'], { cwd: dir });
  t.equal(partial.code, 0, partial.stderr);
  t.match(partial.stderr, /note: 1 plugin listed in .* not loaded/);
  t.notOk(existsSync(join(dir, 'second-imported')));

  const missing = xenlint(['lint', 'web.cfg', '--plugin', 'nope.mjs'], { cwd: dir });
  t.equal(missing.code, 2);
  t.match(missing.stderr, /^xenlint: plugin nope\.mjs: cannot be loaded: no such file .*nope\.mjs$/m);
  for (const url of ['data:text/javascript,export default []', 'node:child_process']) {
    const r2 = xenlint(['lint', 'web.cfg', '--plugin', url], { cwd: dir });
    t.equal(r2.code, 2, url);
    t.match(r2.stderr, /is a (data|node): URL, not a file/);
  }
});

t.test("a config's entries are files inside its directory: everything else is refused, naming the entry", async (t) => {
  const outside = tempDir('xenlint-outside-');
  t.teardown(() => rmSync(outside, { recursive: true, force: true }));
  writeFileSync(join(outside, 'evil.mjs'), plugin('evil-imported'));
  const dir = repo('');
  mkdirSync(join(dir, 'lib'));
  symlinkSync(join(outside, 'evil.mjs'), join(dir, 'lib/link.mjs'));
  symlinkSync(outside, join(dir, 'lib/far'));
  const canary = join(dir, 'canary');
  const cases: Array<[string, RegExp]> = [
    [`data:text/javascript,import{writeFileSync}from'node:fs';writeFileSync('${canary}','x');export default []`, /is a data: URL, not a file/],
    ['node:child_process', /is a node: URL, not a file/],
    ['http://example.invalid/p.mjs', /is a http: URL, not a file/],
    ['https://example.invalid/p.mjs', /is a https: URL, not a file/],
    [`file://${join(outside, 'evil.mjs')}`, /resolves to .*evil\.mjs, outside /],
    ['fast-check', /is not a file path \(a package name\?\); name a file inside .*, e\.g\. \.\/fast-check/],
    ['site.mjs', /is not a file path/],
    ['../evil.mjs', /resolves to .*, outside /],
    ['./lib/../../evil.mjs', /resolves to .*, outside /],
    [join(outside, 'evil.mjs'), /resolves to .*evil\.mjs, outside /],
    ['./lib/link.mjs', /resolves to .*evil\.mjs through a symbolic link, outside /],
    ['./lib/far/evil.mjs', /resolves to .*evil\.mjs through a symbolic link, outside /],
    ['./lib', /cannot be loaded: .*lib is not a file/],
    ['./missing.mjs', /cannot be loaded: no such file/],
  ];
  for (const [entry, why] of cases) {
    writeFileSync(join(dir, 'named.yaml'), `plugins: [${JSON.stringify(entry)}]\nallowPlugins: true\n`);
    const r = xenlint(['lint', 'web.cfg', '--xen', '4.17', '--config', 'named.yaml'], { cwd: dir });
    t.equal(r.code, 2, `${entry}: exit 2`);
    t.match(r.stderr, `xenlint: plugin ${entry.length > 80 ? entry.slice(0, 60) : entry}`, `${entry}: the message names the entry`);
    t.match(r.stderr, why, entry);
    t.notMatch(r.stderr, /\n\s+at |internal error/, 'no stack trace');
  }
  t.notOk(existsSync(canary), 'the data: URL never ran');
  t.notOk(existsSync(join(outside, 'evil-imported')), 'nothing outside was imported');
  t.notOk(existsSync(join(dir, 'imported')));

  // Inside the directory, a file: URL and a path through a symlink that stays inside are fine.
  symlinkSync(join(dir, 'site.mjs'), join(dir, 'lib/inside.mjs'));
  writeFileSync(join(dir, 'named.yaml'), `plugins: ["./lib/inside.mjs", "file://${join(dir, 'site.mjs')}"]\nallowPlugins: true\n`);
  const ok = xenlint(['lint', 'web.cfg', '--xen', '4.17', '--config', 'named.yaml', '--format', 'json'], { cwd: dir });
  t.equal(ok.code, 0, ok.stderr);
  t.equal(JSON.parse(ok.stdout).checks.filter((c: { id: string }) => c.id === 'site-every-guest').length, 1, 'one module, loaded once');
});

t.test('planPlugins: which entries load, in-process', async (t) => {
  const dir = repo('');
  const loaded = { config: { plugins: ['./site.mjs'] }, file: join(dir, '.xenlintrc.yaml'), dir };
  const walked = planPlugins({}, loaded, dir, {});
  t.same(walked.load, []);
  t.equal(walked.skipped, true);
  t.match(walked.notice, /1 plugin listed in/);
  t.same(planPlugins({ config: '.xenlintrc.yaml' }, { ...loaded, config: { ...loaded.config, allowPlugins: true } }, dir, {}).load.map((p) => p.spec), ['./site.mjs']);
  t.same(planPlugins({}, { ...loaded, config: { ...loaded.config, allowPlugins: true } }, dir, {}).load, [], 'allowPlugins of a config found, not named, counts for nothing');
  t.same(planPlugins({}, loaded, dir, { XENLINT_ALLOW_PLUGINS: '1' }).load.map((p) => p.spec), ['./site.mjs']);
  t.same(planPlugins({ plugins: false }, loaded, dir, { XENLINT_ALLOW_PLUGINS: '1' }), { load: [], skipped: true });
  t.same(planPlugins({}, { config: {}, dir }, dir, {}), { load: [], skipped: false }, 'nothing listed: nothing to say');
  t.throws(() => pluginFile('node:fs', dir, dir), UsageError);
  t.throws(() => pluginFile('x'.repeat(5000), dir, dir), { message: /^plugin x{60}\.\.\. \(5000 characters\): is not a file path .{0,200}$/ }, 'a huge entry is shortened in the message');
  t.throws(() => pluginFile('./a\u001b[2Jb.mjs', dir, dir), { message: /^plugin "\.\/a\\u001b\[2Jb\.mjs"/ }, 'control characters are escaped');
});
