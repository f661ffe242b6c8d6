/**
 * The command line as linter users expect it, run in-process (the
 * shell-expansion comparison spawns the built CLI): quoted globs
 * (picomatch) that lint what the shell would have expanded, `.xenlintignore`
 * and `ignorePatterns` (gitignore syntax), `dialects` globs, `--quiet`,
 * `--max-warnings`, and "did you mean" for a mistyped option.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { BIN, scratch, inProcess } from './run.js';
import { HVM_ERROR, HVM_WARN } from './configs.js';

const pv = (name: string) => `name = "${name}"
kernel = "/boot/vmlinuz-2.6.16.33-xen"
memory = 256
vcpus = 1
vif = [ 'mac=00:16:3e:0a:15:${(name.length + 16).toString(16).padStart(2, '0')}, bridge=xenbr0' ]
disk = [ 'phy:/dev/vg0/${name},xvda1,w' ]
root = "/dev/xvda1 ro"
`;

const TREE = {
  'configs/a/web.cfg': pv('web'),
  'configs/b/db.cfg': pv('db'),
  'configs/b/old.xm': pv('old'),
  'configs/c/mail.cfg': pv('mail'),
  'configs/top.xl': pv('top'),
  'other/x.cfg': pv('x'),
};

/** The files a JSON report says were read. */
async function filesRead(dir: string, args: string[]): Promise<{ code: number | null; files: string[]; stderr: string; problems: string[] }> {
  const r = await inProcess(['lint', ...args, '--xen', '4.17', '--format', 'json'], { cwd: dir });
  if (r.stdout === '') return { code: r.code, files: [], stderr: r.stderr, problems: [] };
  const doc = JSON.parse(r.stdout);
  return { code: r.code, files: doc.files, stderr: r.stderr, problems: doc.problems.map((p: { file: string; message: string }) => `${p.file}: ${p.message}`) };
}

t.test('quoted globs: **, {a,b}, [ab], ./ prefixes', async (t) => {
  const dir = scratch(TREE);
  const ab = ['configs/a/web.cfg', 'configs/b/db.cfg'];
  const table: Array<[string, string[]]> = [
    ['configs/**/*.cfg', ['configs/a/web.cfg', 'configs/b/db.cfg', 'configs/c/mail.cfg']],
    ['./configs/**/*.cfg', ['configs/a/web.cfg', 'configs/b/db.cfg', 'configs/c/mail.cfg']],
    ['configs/{a,b}/*.cfg', ab],
    ['./configs/[ab]/*.cfg', ab],
    ['configs/?/*.{cfg,xm}', ['configs/a/web.cfg', 'configs/b/db.cfg', 'configs/b/old.xm', 'configs/c/mail.cfg']],
    ['configs/*.xl', ['configs/top.xl']],
    ['**/x.cfg', ['other/x.cfg']],
    ['configs/[!a]', ['configs/b/db.cfg', 'configs/b/old.xm', 'configs/c/mail.cfg']],
    ['configs/[^ab]/*', ['configs/c/mail.cfg']],
  ];
  for (const [glob, want] of table) {
    const r = await filesRead(dir, [glob]);
    t.same(r.files, want, `${glob} (${r.stderr})`);
    t.not(r.code, 2, `${glob}: no usage error`);
  }
  const abs = await filesRead(dir, [`${dir}/configs/{a,c}/*.cfg`]);
  t.same(abs.files, [`${dir}/configs/a/web.cfg`, `${dir}/configs/c/mail.cfg`], 'an absolute glob');
});

t.test('a quoted glob lints what the shell would have expanded', async (t) => {
  const dir = scratch(TREE);
  for (const glob of ['configs/*/*.cfg', 'configs/[bc]/*', 'configs/*', '*/?/{web,mail}.cfg']) {
    const quoted = (await filesRead(dir, [glob])).files;
    const shell = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" lint ${glob} --xen 4.17 --format json`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    t.same(quoted, JSON.parse(shell.stdout).files, `${glob}: quoted and shell-expanded agree`);
  }
});

t.test('a glob that matches nothing is a usage problem (exit 2), as in ESLint', async (t) => {
  const dir = scratch(TREE);
  const r = await filesRead(dir, ['configs/**/*.hvm', 'configs/a/web.cfg']);
  t.equal(r.code, 2);
  t.same(r.files, ['configs/a/web.cfg'], 'the rest is still linted');
  t.match(r.problems.join('\n'), /configs\/\*\*\/\*\.hvm: no file matches this pattern/);
});

t.test('.xenlintignore: gitignore syntax, relative to its directory, applies to files named too', async (t) => {
  const dir = scratch({ ...TREE, '.xenlintignore': '# generated guests\nconfigs/b/\n*.xl\n/other/*\n!/other/keep.cfg\n', 'other/keep.cfg': pv('keep') });
  t.same((await filesRead(dir, ['.'])).files, ['configs/a/web.cfg', 'configs/c/mail.cfg', 'other/keep.cfg'], 'a directory walk');
  t.same((await filesRead(dir, ['configs/**'])).files, ['configs/a/web.cfg', 'configs/c/mail.cfg'], 'a glob');
  const named = await filesRead(dir, ['configs/b/db.cfg', 'configs/top.xl', 'configs/a/web.cfg']);
  t.same(named.files, ['configs/a/web.cfg'], 'files named on the command line (pre-commit passes them) are left out too');
  t.equal(named.code, 0);
  t.match(named.stderr, /2 files ignored .*configs\/b\/db\.cfg, configs\/top\.xl/);
  const onlyIgnored = await filesRead(dir, ['configs/b/db.cfg']);
  t.equal(onlyIgnored.code, 0, 'a hook run on nothing but ignored files passes');
  t.same(onlyIgnored.files, []);
  const below = await filesRead(`${dir}/configs`, ['.']);
  t.same(below.files, ['a/web.cfg', 'c/mail.cfg'], 'found up to the repository root from a subdirectory, patterns still relative to it');
});

t.test('ignorePatterns in the config: relative to the config file; validated by the schema', async (t) => {
  const dir = scratch({ ...TREE, '.xenlintrc.yaml': 'ignorePatterns:\n  - "configs/c/"\n  - "old.*"\n' });
  t.same((await filesRead(dir, ['configs'])).files, ['configs/a/web.cfg', 'configs/b/db.cfg', 'configs/top.xl']);
  const bad = scratch({ ...TREE, '.xenlintrc.yaml': 'ignorePatterns: "configs/c/"\n' });
  const r = await inProcess(['lint', 'configs'], { cwd: bad });
  t.equal(r.code, 2);
  t.match(r.stderr, /ignorePatterns: must be array/);
});

t.test('dialects: a glob whose matching could run for minutes is refused, naming the entry', async (t) => {
  const cfg = (files: string) => scratch({ 'a.cfg': 'name = "a"\nmemory = 256\nkernel = "/boot/vmlinuz"\n', '.xenlintrc.yaml': `dialects:\n  - files: "legacy/*.cfg"\n    dialect: xm\n  - files: ${JSON.stringify(files)}\n    dialect: xm\n` });
  for (const [glob, why] of [
    ['*a*a*ab.cfg', /dialects\[1\]\.files: the glob "\*a\*a\*ab\.cfg" has 3 wildcards `\*` in the segment/],
    ['**/x/**/y/**/*.cfg', /dialects\[1\]\.files: .* has 3 `\*\*` \(at most 2/],
    [`${'a'.repeat(1100)}*.cfg`, /is 1105 characters long \(at most 1024\)/],
  ] as const) {
    const r = await inProcess(['lint', 'a.cfg', '--xen', '4.17'], { cwd: cfg(glob) });
    t.equal(r.code, 2, glob.slice(0, 40));
    t.match(r.stderr, why);
  }
  const ok = await inProcess(['lint', 'a.cfg', '--xen', '4.17'], { cwd: cfg('**/*web*/**/*-hvm*.cfg') });
  t.not(ok.code, 2, `two stars a segment and two \`**\` are read: ${ok.stderr}`);
});

t.test('dialects: picomatch globs, a bare name matching at any depth', async (t) => {
  // Any name is a Python variable to xm; xl (4.4 has both) reports a key it does not know.
  const guest = (name: string) => `name = "${name}"\nmemory = 256\nbogus_key = 1\nkernel = "/boot/vmlinuz"\n`;
  const dir = scratch({
    'legacy/a/one.cfg': guest('one'),
    'legacy/b/two.cfg': guest('two'),
    'legacy/c/four.cfg': guest('four'),
    'modern/deep/three.cfg': guest('three'),
    '.xenlintrc.yaml': 'dialects:\n  - files: "./legacy/{a,b}/*.cfg"\n    dialect: xm\n  - files: "three.cfg"\n    dialect: xm\n',
  });
  const r = await inProcess(['lint', '.', '--xen', '4.4', '--format', 'json'], { cwd: dir });
  const doc = JSON.parse(r.stdout);
  const unknown = doc.checks.find((c: { id: string }) => c.id === 'unknown-key');
  t.same(
    unknown.findings.map((f: { file: string }) => f.file),
    ['legacy/c/four.cfg'],
    'only the file no dialects entry matches is read as xl',
  );
});

t.test('--quiet reports errors only; --max-warnings N fails on more than N warnings', async (t) => {
  const dir = scratch({ 'warn.cfg': HVM_WARN });
  const plain = await inProcess(['lint', 'warn.cfg', '--xen', '3.0.4'], { cwd: dir });
  t.equal(plain.code, 0);
  t.match(plain.stdout, /warning/);
  const quiet = await inProcess(['lint', 'warn.cfg', '--xen', '3.0.4', '--quiet'], { cwd: dir });
  t.equal(quiet.code, 0);
  t.notMatch(quiet.stdout, /warning/, 'no warning printed');
  const json = JSON.parse((await inProcess(['lint', 'warn.cfg', '--xen', '3.0.4', '--quiet', '-f', 'json'], { cwd: dir })).stdout);
  t.same(json.summary.findings, { error: 0, warning: 0, info: 0 });
  t.equal((await inProcess(['lint', 'warn.cfg', '--xen', '3.0.4', '--quiet', '--fail-on', 'warning'], { cwd: dir })).code, 0, 'a quiet run fails on errors only');

  const over = await inProcess(['lint', 'warn.cfg', '--xen', '3.0.4', '--max-warnings', '0'], { cwd: dir });
  t.equal(over.code, 1, 'one warning, at most 0 allowed');
  t.match(over.stderr, /too many warnings \(1; --max-warnings 0\)/);
  t.equal((await inProcess(['lint', 'warn.cfg', '--xen', '3.0.4', '--max-warnings=1'], { cwd: dir })).code, 0, 'N warnings are allowed');
  t.equal((await inProcess(['lint', 'warn.cfg', '--xen', '3.0.4', '--max-warnings', '0', '--quiet'], { cwd: dir })).code, 0, 'with --quiet warnings are not counted (as ESLint)');
  const bad = await inProcess(['lint', 'warn.cfg', '--max-warnings', 'many'], { cwd: dir });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--max-warnings/);
  const both = scratch({ 'err.cfg': HVM_ERROR });
  const errors = await inProcess(['lint', 'err.cfg', '--xen', '3.0.4', '--quiet', '-f', 'json'], { cwd: both });
  t.equal(errors.code, 1);
  const kept = JSON.parse(errors.stdout).checks.flatMap((c: { findings: Array<{ severity: string }> }) => c.findings.map((f) => f.severity));
  t.ok(kept.length > 0 && kept.every((s: string) => s === 'error'), `errors kept, nothing else: ${kept.join(',')}`);
});

t.test('a mistyped option: exit 2 and the closest known option', async (t) => {
  const dir = scratch({ 'warn.cfg': HVM_WARN });
  const table: Array<[string[], string]> = [
    [['lint', 'warn.cfg', '--fial-on', 'warning'], '--fail-on'],
    [['lint', 'warn.cfg', '--max-warning', '3'], '--max-warnings'],
    [['lint', 'warn.cfg', '--quite'], '--quiet'],
    [['lint', 'warn.cfg', '--formt=json'], '--format'],
    [['check', '--roots', 'x'], '--root'],
    [['lint', 'warn.cfg', '--verbos'], '--verbose'],
  ];
  for (const [args, hint] of table) {
    const r = await inProcess(args, { cwd: dir });
    t.equal(r.code, 2, `${args.join(' ')}: exit 2`);
    t.match(r.stderr, `did you mean ${hint}?`, `${args.join(' ')}: suggests ${hint}\n${r.stderr}`);
    t.equal(r.stdout, '', 'no report');
  }
  const far = await inProcess(['lint', 'warn.cfg', '--zzzzzzzz'], { cwd: dir });
  t.equal(far.code, 2);
  t.notMatch(far.stderr, /did you mean/, 'nothing close: no guess');
});
