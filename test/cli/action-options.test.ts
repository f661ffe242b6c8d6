/**
 * The two options the GitHub Action relies on: `--also-output FORMAT=FILE` (one
 * run, two reports: annotations on stdout and SARIF in a file) and `--no-plugins`
 * (never import the config's plugin modules).
 */
import t from 'tap';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inProcess, scratch, xenlint } from './run.js';
import { siteNoFileDisksPlugin } from './configs.js';

// xl refuses db01 at its disk (and says nothing more about it); web01 has a typo.
const BAD = `name = "db01"
type = "hvm"
memory = 2048
disk = [ 'phy:/dev/vg0/db01,hda,w,extra' ]
`;
const TYPO = `name = "web01"
type = "hvm"
memory = 2048
memroy = 1
`;

t.test('annotations on stdout and SARIF in a file, from one run', async (t) => {
  const dir = scratch({ 'domains/db01.cfg': BAD, 'domains/web01.cfg': TYPO });
  const r = await inProcess(['lint', 'domains', '--xen', '4.17', '--format', 'github', '--also-output', 'sarif=out/xenlint.sarif'], { cwd: dir });
  t.equal(r.code, 2, 'the output directory does not exist: exit 2, not a silent loss');
  t.match(r.stderr, /out\/xenlint\.sarif/);

  const ok = await inProcess(['lint', 'domains', '--xen', '4.17', '--format', 'github', '--also-output', 'sarif=xenlint.sarif'], { cwd: dir });
  t.equal(ok.code, 1, 'the exit code is the lint result');
  t.match(ok.stdout, /^::error file=domains\/db01\.cfg,line=4,.*disk-spec/m);
  t.match(ok.stdout, /^::warning file=domains\/web01\.cfg,line=4,.*memroy/m);
  const sarif = JSON.parse(readFileSync(join(dir, 'xenlint.sarif'), 'utf8'));
  const alone = JSON.parse((await inProcess(['lint', 'domains', '--xen', '4.17', '--format', 'sarif'], { cwd: dir })).stdout);
  t.same(sarif, alone, 'the same SARIF as --format sarif');
  t.same(
    sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort(),
    ['disk-spec', 'unknown-key'],
  );

  // Both ways round, and with --output for the first.
  const swapped = await inProcess(['lint', 'domains', '--xen', '4.17', '--format', 'sarif', '--output', 'a.sarif', '--also-output', 'json=b.json'], { cwd: dir });
  t.equal(swapped.code, 1);
  t.equal(swapped.stdout, '');
  t.same(JSON.parse(readFileSync(join(dir, 'a.sarif'), 'utf8')), alone);
  t.match(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8')), { command: 'lint' });
});

t.test('a bad --also-output is a usage error', async (t) => {
  const dir = scratch({ 'web.cfg': 'name = "web"\nmemory = 512\n' });
  for (const bad of ['sarif', 'sarif=', 'xml=report.xml', '=x.sarif']) {
    const r = await inProcess(['lint', 'web.cfg', '--also-output', bad], { cwd: dir });
    t.equal(r.code, 2, bad);
    t.match(r.stderr, /--also-output .*expected FORMAT=FILE/, bad);
  }
  // Given twice, the full command line takes it (the fast path declines repeats).
  const twice = await inProcess(['lint', 'web.cfg', '--also-output', 'sarif=a', '--also-output', 'json=b'], { cwd: dir });
  t.equal(twice.code, 2);
  t.match(twice.stderr, /--also-output: give it once/);
});

t.test('--no-plugins: the built-in checks only; the plugin module is never imported', async (t) => {
  const plugin = `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./imported', import.meta.url), 'the plugin ran');
${siteNoFileDisksPlugin().slice(0, -1)}
`;
  const dir = scratch({
    'site.mjs': plugin,
    'img.cfg': "name = 'img'\nkernel = '/boot/vmlinuz'\nmemory = 256\ndisk = [ 'file:/srv/img.img,xvda,w' ]\n",
    '.xenlintrc.yaml': 'plugins: [./site.mjs]\nchecks:\n  site-no-file-disks: warning\n  disk-spec: error\n',
  });
  for (const argv of [
    ['lint', 'img.cfg', '--xen', '4.4', '--no-plugins'],
    ['lint', 'img.cfg', '--xen=4.4', '--no-plugins', '--dialect', 'xl', '--no-plugins'], // repeated: the yargs path
  ]) {
    const off = xenlint(argv, { cwd: dir });
    t.equal(off.code, 0, `${argv.join(' ')}: ${off.stderr}`);
    t.equal(off.stderr, '');
    t.notMatch(off.stdout, /image file/);
    t.notOk(existsSync(join(dir, 'imported')), 'the plugin module was not imported');
  }
  const on = xenlint(['lint', 'img.cfg', '--xen', '4.4'], { cwd: dir, env: { XENLINT_ALLOW_PLUGINS: '1' } });
  t.equal(on.code, 0, 'the plugin finding is a warning here');
  t.match(on.stdout, /disk xvda is an image file/);
  t.ok(existsSync(join(dir, 'imported')));

  // --no-plugins wins over every way of allowing them.
  rmSync(join(dir, 'imported'));
  writeFileSync(join(dir, 'named.yaml'), 'plugins: [./site.mjs]\nallowPlugins: true\nchecks:\n  site-no-file-disks: warning\n');
  const denied = xenlint(['lint', 'img.cfg', '--xen', '4.4', '--no-plugins', '--config', 'named.yaml'], { cwd: dir, env: { XENLINT_ALLOW_PLUGINS: '1' } });
  t.equal(denied.code, 0, denied.stderr);
  t.notOk(existsSync(join(dir, 'imported')), '--no-plugins beats allowPlugins and the environment');
  const both = xenlint(['lint', 'img.cfg', '--no-plugins', '--plugin', 'site.mjs'], { cwd: dir });
  t.equal(both.code, 2);
  t.match(both.stderr, /--plugin and --no-plugins contradict each other/);
  t.notOk(existsSync(join(dir, 'imported')));
});
