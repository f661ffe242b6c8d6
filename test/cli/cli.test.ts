/**
 * The command line as users meet it: every command's exit codes, config discovery
 * and validation, suppressions, baselines, plugins and report formats, run on the
 * CLI in scratch directories: in this process (inProcess), and --version from
 * the built binary in a child process, as users run it.
 */
import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { ROOT, inProcess, scratch, xenlint } from './run.js';
import { siteNoFileDisksPlugin } from './configs.js';

// An HVM guest asking for e1000 on Xen 3.0.4 is an error (emulated-nic); its two
// vCPUs are a warning (hvm-smp).
const HVM_E1000 = `name = "win"
builder = "hvm"
kernel = "/usr/lib/xen/boot/hvmloader"
memory = 1024
vcpus = 2
vif = [ 'type=ioemu, bridge=xenbr0, model=e1000' ]
disk = [ 'phy:/dev/vg0/win,ioemu:hda,w' ]
`;
const HVM_WARN_ONLY = HVM_E1000.replace("model=e1000", 'model=rtl8139');
const PV_CLEAN = `name = "web01"
kernel = "/boot/vmlinuz-2.6.16.33-xen"
memory = 512
vcpus = 1
vif = [ 'mac=00:16:3e:0a:15:01, bridge=xenbr0' ]
disk = [ 'phy:/dev/vg0/web01,xvda1,w' ]
root = "/dev/xvda1 ro"
`;

t.test('--version, --help, and usage errors', async (t) => {
  const v = xenlint(['--version']);
  t.equal(v.code, 0);
  t.match(v.stdout, /^\d+\.\d+\.\d+/);
  const h = await inProcess(['--help']);
  t.equal(h.code, 0);
  t.match(h.stdout, /lint <paths\.\.>/);
  t.match(h.stdout, /Exit codes/);
  t.equal((await inProcess([])).code, 2, 'no command');
  const bad = await inProcess(['frobnicate']);
  t.equal(bad.code, 2, 'unknown command');
  t.match(bad.stderr, /xenlint: /);
  t.equal((await inProcess(['lint', 'x.cfg', '--format', 'xml'])).code, 2, 'bad choice');
  t.equal((await inProcess(['lint', 'x.cfg', '--xen', 'banana'])).code, 2, 'bad --xen');
});

t.test('lint exit codes follow --fail-on', async (t) => {
  const dir = scratch({ 'win.cfg': HVM_E1000, 'win-warn.cfg': HVM_WARN_ONLY, 'web01.cfg': PV_CLEAN });
  const err = await inProcess(['lint', 'win.cfg', '--xen', '3.0.4'], { cwd: dir });
  t.equal(err.code, 1, 'an error finding exits 1');
  t.match(err.stdout, /e1000/);
  t.match(err.stdout, /win\.cfg/);
  t.equal((await inProcess(['lint', 'win-warn.cfg', '--xen', '3.0.4'], { cwd: dir })).code, 0, 'warnings alone pass by default');
  t.equal((await inProcess(['lint', 'win-warn.cfg', '--xen', '3.0.4', '--fail-on', 'warning'], { cwd: dir })).code, 1, '--fail-on warning');
  t.equal((await inProcess(['lint', 'web01.cfg', '--xen', '4.17'], { cwd: dir })).code, 0, 'a clean guest passes');
  const missing = await inProcess(['lint', 'web01.cfg', 'nope.cfg', '--xen', '4.17'], { cwd: dir });
  t.equal(missing.code, 2, 'a missing file is exit 2');
  t.match(missing.stdout + missing.stderr, /nope\.cfg/);
  const empty = await inProcess(['lint', '.', '--xen', '4.17'], { cwd: scratch({}) });
  t.equal(empty.code, 2, 'nothing to lint is a usage error');
});

t.test('--no-error-on-unmatched-pattern (ESLint\'s): nothing to lint passes, saying so; what there is still counts', async (t) => {
  const none = scratch({ 'README.md': 'no guests here\n' });
  const quiet = await inProcess(['lint', '.', '--xen', '4.17', '--no-error-on-unmatched-pattern'], { cwd: none });
  t.equal(quiet.code, 0, quiet.stderr);
  t.equal(quiet.stdout, '');
  t.equal(quiet.stderr, 'xenlint: nothing to lint: no domU config files under . (looked for *.cfg, *.xl, *.xm, *.hvm, *.pv)\n');
  const glob = await inProcess(['lint', 'guests/*.cfg', '--xen', '4.17', '--no-error-on-unmatched-pattern'], { cwd: none });
  t.equal(glob.code, 0, 'a glob that matches nothing, alone');
  const dir = scratch({ 'win.cfg': HVM_E1000, 'web01.cfg': PV_CLEAN });
  const found = await inProcess(['lint', 'win.cfg', 'guests/*.cfg', '--xen', '3.0.4', '--format', 'json', '--no-error-on-unmatched-pattern'], { cwd: dir });
  t.equal(found.code, 1, 'the findings of the files there still fail the run');
  t.same(JSON.parse(found.stdout).problems, [], 'the unmatched glob is no input problem');
  t.equal((await inProcess(['lint', 'web01.cfg', 'nope.cfg', '--xen', '4.17', '--no-error-on-unmatched-pattern'], { cwd: dir })).code, 2, 'a file named that is not there is still exit 2');
  t.equal((await inProcess(['lint', 'guests/*.cfg', '--xen', '4.17'], { cwd: none })).code, 2, 'without the option: exit 2, as before');
});

t.test('the xenlint-all pre-commit hook passes in a repository without domU configs, saying there is nothing to lint', async (t) => {
  const hooks = load(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{ id: string; entry: string; pass_filenames?: boolean; always_run?: boolean }>;
  const all = hooks.find((h) => h.id === 'xenlint-all')!;
  t.match(all, { pass_filenames: false, always_run: true }, 'it runs on every commit with no file names');
  const [bin, ...args] = all.entry.split(' ');
  t.equal(bin, 'xenlint');
  const r = await inProcess([...args, '--xen', '4.17'], { cwd: scratch({ 'README.md': 'no guests here\n' }) });
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /^xenlint: nothing to lint: no domU config files under \./);
  const blocked = await inProcess([...args, '--xen', '3.0.4'], { cwd: scratch({ 'win.cfg': HVM_E1000 }) });
  t.equal(blocked.code, 1, 'with configs it still blocks on an error');
});

t.test('one bad file does not stop the others', async (t) => {
  const dir = scratch({ 'a-broken.cfg': 'name = "broken"\nmemory = [ 1, 2\nvcpus = (\n', 'b-win.cfg': HVM_E1000 });
  const r = await inProcess(['lint', '.', '--xen', '3.0.4', '--format', 'json'], { cwd: dir });
  t.equal(r.code, 1);
  const report = JSON.parse(r.stdout);
  t.same(report.files.map((f: string) => f.replace(/^\.\//, '')), ['a-broken.cfg', 'b-win.cfg']);
  const nic = report.checks.find((c: { id: string }) => c.id === 'emulated-nic');
  t.equal(nic.status, 'fail', 'the good file is still checked');
  t.notMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
});

t.test('config discovery, validation and settings', async (t) => {
  const dir = scratch({ 'sub/win.cfg': HVM_E1000, '.xenlintrc.yaml': 'xen: "3.0.4"\nchecks:\n  emulated-nic: off\n' });
  const sub = join(dir, 'sub');
  const off = await inProcess(['lint', 'win.cfg', '--format', 'json'], { cwd: sub });
  t.equal(off.code, 0, 'found upward; check turned off; xen taken from the config');
  const report = JSON.parse(off.stdout);
  t.notOk(report.checks.some((c: { id: string }) => c.id === 'emulated-nic'));
  t.equal(report.xen.version, '3.0.4');

  writeFileSync(join(dir, '.xenlintrc.yaml'), 'checks:\n  emulated-nic: warning\n');
  t.equal((await inProcess(['lint', 'win.cfg', '--xen', '3.0.4'], { cwd: sub })).code, 0, 'severity lowered to warning');

  writeFileSync(join(dir, '.xenlintrc.yaml'), 'failon: warning\n');
  const unknown = await inProcess(['lint', 'win.cfg', '--xen', '3.0.4'], { cwd: sub });
  t.equal(unknown.code, 2, 'an unknown key is exit 2');
  t.match(unknown.stderr, /unknown key "failon"/);
  t.match(unknown.stderr, /\.xenlintrc\.yaml/);

  writeFileSync(join(dir, '.xenlintrc.yaml'), 'checks:\n  emulated-nic: loud\n');
  const badValue = await inProcess(['lint', 'win.cfg'], { cwd: sub });
  t.equal(badValue.code, 2);
  t.match(badValue.stderr, /\/checks\/emulated-nic/);

  writeFileSync(join(dir, '.xenlintrc.yaml'), 'checks:\n  emulated-nics: off\n');
  const typo = await inProcess(['lint', 'win.cfg'], { cwd: sub });
  t.equal(typo.code, 2);
  t.match(typo.stderr, /did you mean "emulated-nic"/);

  writeFileSync(join(dir, '.xenlintrc.yaml'), 'checks: [oops\n');
  const yaml = await inProcess(['lint', 'win.cfg'], { cwd: sub });
  t.equal(yaml.code, 2);
  t.match(yaml.stderr, /\.xenlintrc\.yaml:\d+:\d+: not valid YAML/);

  writeFileSync(join(dir, '.xenlintrc.yaml'), 'checks:\n  hvm-smp:\n    options: { nope: 1 }\n');
  const opts = await inProcess(['lint', 'win.cfg'], { cwd: sub });
  t.equal(opts.code, 2, 'options for a check without options');

  // The config schema carries each check's options schema (docs/build-metadata.mjs).
  writeFileSync(join(dir, '.xenlintrc.yaml'), 'checks:\n  vif-limit:\n    options: { maxVifsPerGuest: -1 }\n');
  const badOption = await inProcess(['lint', 'win.cfg'], { cwd: sub });
  t.equal(badOption.code, 2, 'a bad option value');
  t.match(badOption.stderr, /\/checks\/vif-limit\/options\/maxVifsPerGuest: must be >= 0/);
  t.notMatch(badOption.stderr, /must be one of/, 'no noise from the severity form of the entry');

  const named = await inProcess(['lint', 'win.cfg', '--config', 'missing.yaml'], { cwd: sub });
  t.equal(named.code, 2);
  t.match(named.stderr, /missing\.yaml/);
});

t.test('a config above the repository root is not used', async (t) => {
  const dir = scratch({ '.xenlintrc.yaml': 'checks:\n  emulated-nic: off\n', 'repo/win.cfg': HVM_E1000 });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'repo/.git'));
  t.equal((await inProcess(['lint', 'win.cfg', '--xen', '3.0.4'], { cwd: join(dir, 'repo') })).code, 1);
});

t.test('dialects from the config force a file dialect', async (t) => {
  const dir = scratch({ 'legacy/a.cfg': 'name = "a"\nmemory = 256\n', '.xenlintrc.yaml': 'dialects:\n  - files: "legacy/**/*.cfg"\n    dialect: xm\n' });
  const r = await inProcess(['lint', 'legacy', '--xen', '4.4', '--format', 'json'], { cwd: dir });
  t.equal(r.code, 0, r.stderr);
});

t.test('inline suppressions and unused ones', async (t) => {
  const suppressed = HVM_E1000.replace("vif = [", "# xenlint-disable-next-line emulated-nic -- e1000 backported by our vendor\nvif = [");
  const dir = scratch({ 'win.cfg': suppressed, 'stale.cfg': `# xenlint-disable-next-line vif-limit -- old\n${PV_CLEAN}` });
  const r = await inProcess(['lint', 'win.cfg', '--xen', '3.0.4', '--format', 'json'], { cwd: dir });
  t.equal(r.code, 0, 'the error is suppressed');
  const nic = JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'emulated-nic');
  t.equal(nic.suppressed, 1);
  const stale = await inProcess(['lint', 'stale.cfg', '--xen', '4.17', '--format', 'json'], { cwd: dir });
  const unused = JSON.parse(stale.stdout).checks.find((c: { id: string }) => c.id === 'unused-suppression');
  t.equal(unused.status, 'fail');
  t.match(unused.findings[0].message, /suppresses nothing/);
  t.equal(unused.findings[0].line, 1);
});

t.test('baseline: record today, show only new findings', async (t) => {
  const dir = scratch({ 'win.cfg': HVM_E1000 });
  const write = await inProcess(['lint', 'win.cfg', '--xen', '3.0.4', '--write-baseline', 'baseline.json'], { cwd: dir });
  t.equal(write.code, 1, 'writing a baseline still reports');
  const base = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8'));
  t.ok(base.findings.length >= 2);
  t.notOk(JSON.stringify(base).includes('"line"'), 'fingerprints, not line numbers');
  t.equal((await inProcess(['lint', 'win.cfg', '--xen', '3.0.4', '--baseline', 'baseline.json'], { cwd: dir })).code, 0, 'known findings hidden');
  writeFileSync(join(dir, 'win.cfg'), `# moved down by a comment\n\n${HVM_E1000}`);
  t.equal((await inProcess(['lint', 'win.cfg', '--xen', '3.0.4', '--baseline', 'baseline.json'], { cwd: dir })).code, 0, 'stable when lines move');
  // Its own disk: one LV in both would be a shared-writable-disk finding in win too.
  writeFileSync(join(dir, 'other.cfg'), HVM_E1000.replace('"win"', '"other"').replace('/dev/vg0/win', '/dev/vg0/other'));
  const fresh = await inProcess(['lint', '.', '--xen', '3.0.4', '--baseline', 'baseline.json', '--format', 'json'], { cwd: dir });
  t.equal(fresh.code, 1, 'a new guest with the same problem is new');
  const findings = JSON.parse(fresh.stdout).checks.flatMap((c: { findings: Array<{ domain: string }> }) => c.findings);
  t.ok(findings.length > 0 && findings.every((f: { domain: string }) => f.domain === 'other'));
  const bad = await inProcess(['lint', 'win.cfg', '--baseline', 'nope.json'], { cwd: dir });
  t.equal(bad.code, 2);
});

t.test('plugins: a good one runs, a broken one is a clear error', async (t) => {
  const good = siteNoFileDisksPlugin();
  const dir = scratch({
    'good.mjs': good,
    'no-run.mjs': "export default [{ id: 'x-y', title: 't', severity: 'error', needs: [], sources: ['s'], messages: { m: 't' } }];\n",
    'bad-meta.mjs': "export default [{ id: 'Bad Id', title: 't', severity: 'fatal', needs: [], sources: [], messages: { m: 't' }, run() { return []; } }];\n",
    'free-text.mjs': good.replace(/\n  messages: .*\n/, '\n').replace("messageId: 'image-file', data: { guest: d.name, vdev: k.vdev }", "message: d.name + ': disk ' + k.vdev + ' is an image file'"),
    'syntax.mjs': 'export default [ {\n',
    'throws.mjs': "export default [{ id: 'site-throws', title: 't', severity: 'error', needs: [], sources: ['s'], messages: { m: 't' }, run() { throw new Error('boom'); } }];\n",
    'img.cfg': "name = 'img'\nkernel = '/boot/vmlinuz'\nmemory = 256\ndisk = [ 'file:/srv/img.img,xvda,w' ]\n",
    '.xenlintrc.yaml': 'plugins: [./good.mjs]\nallowPlugins: true\n',
  });
  // Named with --config, the file may allow its own plugins (test/cli/plugin-trust.test.ts has the rules).
  const r = await inProcess(['lint', 'img.cfg', '--xen', '4.4', '--format', 'json', '--config', '.xenlintrc.yaml'], { cwd: dir });
  t.equal(r.code, 1, r.stderr);
  t.match(r.stdout, /disk xvda is an image file/);
  for (const [plugin, why] of [
    ['./no-run.mjs', /no run\(facts, ctx\) function/],
    ['./bad-meta.mjs', /invalid metadata/],
    ['./free-text.mjs', /check 1 \(site-no-file-disks\): declares no messages\. .*free-text `message` findings .* are no longer accepted/],
    ['./syntax.mjs', /cannot be loaded/],
    ['./missing.mjs', /cannot be loaded/],
  ] as const) {
    writeFileSync(join(dir, '.xenlintrc.yaml'), `plugins: [${plugin}]\nallowPlugins: true\n`);
    const broken = await inProcess(['lint', 'img.cfg', '--xen', '4.4', '--config', '.xenlintrc.yaml'], { cwd: dir });
    t.equal(broken.code, 2, `${plugin} is exit 2`);
    t.match(broken.stderr, new RegExp(`plugin ${plugin.replace('.', '\\.')}`));
    t.match(broken.stderr, why);
    t.notMatch(broken.stderr, /\n\s+at /, 'no stack trace');
  }
  writeFileSync(join(dir, '.xenlintrc.yaml'), 'plugins: [./throws.mjs]\nallowPlugins: true\n');
  const threw = await inProcess(['lint', 'img.cfg', '--xen', '4.4', '--format', 'json', '--config', '.xenlintrc.yaml'], { cwd: dir });
  t.equal(threw.code, 2, 'a check that throws makes the run incomplete');
  const outcome = JSON.parse(threw.stdout).checks.find((c: { id: string }) => c.id === 'site-throws');
  t.equal(outcome.status, 'error');
  t.match(outcome.reason, /boom/);
  t.ok(JSON.parse(threw.stdout).checks.some((c: { status: string }) => c.status === 'pass'), 'the other checks still ran');
});

t.test('report formats', async (t) => {
  const dir = scratch({ 'win.cfg': HVM_E1000 });
  const json = await inProcess(['lint', 'win.cfg', '--xen', '3.0.4', '--format', 'json'], { cwd: dir });
  const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8')));
  t.ok(validate(JSON.parse(json.stdout)), JSON.stringify(validate.errors));
  const sarif = JSON.parse((await inProcess(['lint', 'win.cfg', '--xen', '3.0.4', '--format', 'sarif'], { cwd: dir })).stdout);
  t.equal(sarif.version, '2.1.0');
  t.ok(sarif.runs[0].results.some((r: { ruleId: string }) => r.ruleId === 'emulated-nic'));
  const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'emulated-nic');
  t.match(rule.help.text, /\S/, 'help text from the docs page');
  const junit = (await inProcess(['lint', 'win.cfg', '--xen', '3.0.4', '--format', 'junit'], { cwd: dir })).stdout;
  t.match(junit, /^<\?xml/);
  t.match(junit, /<failure/);
  const gh = await inProcess(['lint', 'win.cfg', '--xen', '3.0.4'], { cwd: dir, env: { GITHUB_ACTIONS: 'true' } });
  t.match(gh.stdout, /^::error file=win\.cfg,line=\d+/m, 'github annotations chosen automatically');
  const out = await inProcess(['lint', 'win.cfg', '--xen', '3.0.4', '--format', 'json', '--output', 'r.json'], { cwd: dir });
  t.equal(out.code, 1);
  t.equal(out.stdout, '');
  t.ok(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).checks);
  const color = await inProcess(['lint', 'win.cfg', '--xen', '3.0.4', '--color'], { cwd: dir, env: { NO_COLOR: undefined } });
  t.match(color.stdout, /\u001b\[/, '--color forces color');
  const plain = await inProcess(['lint', 'win.cfg', '--xen', '3.0.4'], { cwd: dir });
  t.notMatch(plain.stdout, /\u001b\[/, 'NO_COLOR / not a terminal: plain');
});

t.test('an xm config is never executed', async (t) => {
  const marker = join(scratch({}), 'pwned');
  const dir = scratch({ 'evil.cfg': `import os; os.system("touch ${marker}")\nname = "evil"\nmemory = 256\n` });
  const r = await inProcess(['lint', 'evil.cfg', '--xen', '3.0.4', '--format', 'json'], { cwd: dir });
  t.notOk(existsSync(marker), 'the command in the config never ran');
  t.match(r.stdout, /not statically readable|needs evaluation|cannot be read/i);
});

t.test('rules, explain, init, completion', async (t) => {
  const rules = await inProcess(['rules']);
  t.equal(rules.code, 0);
  t.match(rules.stdout, /pv-abi-mismatch\s+error/);
  const json = JSON.parse((await inProcess(['rules', '--format', 'json'])).stdout);
  t.ok(json.every((r: { id: string; xen: string }) => r.id && r.xen));
  const ex = await inProcess(['explain', 'hvm-disk-limit']);
  t.equal(ex.code, 0);
  t.match(ex.stdout, /^# hvm-disk-limit/);
  const typo = await inProcess(['explain', 'hvm-disk-limt']);
  t.equal(typo.code, 2);
  t.match(typo.stderr, /did you mean "hvm-disk-limit"/);
  const dir = scratch({});
  t.equal((await inProcess(['init'], { cwd: dir })).code, 0);
  t.ok(existsSync(join(dir, '.xenlintrc.yaml')));
  const empty = await inProcess(['lint', '.', '--xen', '4.17'], { cwd: dir });
  t.equal(empty.code, 2, 'no configs to lint is a usage error');
  t.match(empty.stderr, /^xenlint: no domU config files under \./, 'and the starter config is not (init.test.ts lints with it)');
  t.equal((await inProcess(['init'], { cwd: dir })).code, 2, 'refuses to overwrite');
  t.equal((await inProcess(['init', '--force'], { cwd: dir })).code, 0);
  const completion = await inProcess(['completion']);
  t.equal(completion.code, 0);
  t.match(completion.stdout, /xenlint/);
});

t.test('parse commands', async (t) => {
  const info = await inProcess(['parse', 'info', 'samples/info/xm-3.0.4-x86_64.txt']);
  t.equal(info.code, 0);
  const parsed = JSON.parse(info.stdout);
  t.equal(parsed.fields.xen_major, '3');
  t.ok(parsed.version.startsWith('3.0.4'));
  t.equal(parsed.hypervisorBits, 64);
  const cfg = await inProcess(['parse', 'config', 'samples/domains/xm-pv-web01.cfg']);
  t.equal(cfg.code, 0);
  t.equal(JSON.parse(cfg.stdout).name, 'web01');
  const disk = await inProcess(['parse', 'disk', '/dev/vg/guest-volume,,hda']);
  t.equal(disk.code, 0);
  t.match(disk.stdout, /"pdev_path": "\/dev\/vg\/guest-volume"/);
  t.match(disk.stdout, /"vdev": "hda"/);
  const bad = await inProcess(['parse', 'disk', '/dev/vg/x,raw,xvda,w!']);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /access/);
  const vif = await inProcess(['parse', 'vif', 'rate=1MB/s@20ms']);
  t.equal(vif.code, 0);
  t.match(vif.stdout, /"rate_bytes_per_interval": 20000/);
  t.equal((await inProcess(['parse', 'vif', 'rate=0MB/s'])).code, 1);
  t.equal((await inProcess(['parse', 'info', 'nope.txt'])).code, 2);
});

t.test('parse disk: a spec of 20 000 bad items prints a screenful, each problem under a window of the spec', async (t) => {
  const spec = Array.from({ length: 20000 }, () => 'a=b').join(',');
  const r = await inProcess(['parse', 'disk', spec]);
  t.equal(r.code, 1);
  t.match(r.stderr, /and 19980 more errors not shown/);
  t.equal(r.stderr.match(/^xenlint: error: disk spec, column/gm)?.length, 20, 'the first 20 problems are shown');
  t.ok(r.stderr.length < 20 * 400, `stderr is ${r.stderr.length} characters, not a copy of the spec per problem`);
  const long = await inProcess(['parse', 'disk', `${'q'.repeat(300)},phy:/dev/vg/x,xvda,zz`]);
  const [, line, caret] = long.stderr.split('\n');
  t.ok(line!.startsWith('  …'), 'the spec is cut to a window before the problem');
  t.match(long.stderr, /column 316: /);
  t.equal(line!.slice(caret!.length - 1, caret!.length + 3), 'xvda', 'the caret still points at column 316 inside the window');
});

t.test('check --root, facts snapshots and --facts give the same verdict', async (t) => {
  const host = 'samples/hosts/xen-3.0.3-pae-legacy';
  const live = await inProcess(['check', '--root', host, '--format', 'json']);
  t.equal(live.code, 1, live.stderr);
  const fromRoot = JSON.parse(live.stdout);
  const dir = scratch({});
  const snap = join(dir, 'host.yaml');
  t.equal((await inProcess(['facts', '--root', host, '--output', snap])).code, 0);
  const text = readFileSync(snap, 'utf8');
  t.match(text, /^# xenlint facts snapshot/);
  t.match(text, /vncpasswd: REDACTED/, 'the password stays redacted in the snapshot');
  const viaSnapshot = JSON.parse((await inProcess(['check', '--facts', snap, '--format', 'json'])).stdout);
  const key = (r: { checks: Array<{ id: string; status: string; findings: unknown[] }> }) => r.checks.map((c) => `${c.id}:${c.status}:${c.findings.length}`);
  t.same(key(viaSnapshot), key(fromRoot), 'a saved snapshot judges the host exactly like the tree it came from');
  const json = join(dir, 'host.json');
  t.equal((await inProcess(['facts', '--root', host, '--output', json])).code, 0);
  t.ok(JSON.parse(readFileSync(json, 'utf8')).host.version.startsWith('3.0.3'));
  writeFileSync(join(dir, 'broken.yaml'), 'schemaVersion: 1\norigin: x\nprobes: []\ndiagnostics: []\nhost: { fields: 3 }\n');
  const bad = await inProcess(['check', '--facts', join(dir, 'broken.yaml')]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /not a valid xenlint facts snapshot/);
  t.match(bad.stderr, /\/host/);
  const notDir = await inProcess(['check', '--root', 'nope/']);
  t.equal(notDir.code, 2);
  const explain = await inProcess(['explain', 'memory-fit', '--root', host]);
  t.equal(explain.code, 0);
  t.match(explain.stdout, /## For this host/);
  t.match(explain.stdout, /4095/);
});

t.test('check refuses to pass a host it found nothing on', async (t) => {
  const empty = scratch({});
  const r = await inProcess(['check', '--root', empty]);
  t.equal(r.code, 2, 'nothing to check is not a pass');
  t.match(r.stderr, /found no Xen host under/);
  t.match(r.stderr, /xl info: not captured/);
});
