/**
 * A failure the user caused is a usage error (exit 2) that names the option or
 * the plugin and what was expected — never "internal error", which is kept for
 * xenlint's own bugs: a baseline of the wrong shape, an output path that cannot
 * be written, a plugin that throws what is not an Error or hands over what is
 * not plain data, and a reader that leaves before the report is written.
 */
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, scratch, xenlint } from './run.js';
import { loadPlugins } from '../../cli/settings/plugins.js';
import { UsageError } from '../../cli/settings/config.js';
import { runChecks } from '../../cli/engine/engine.js';
import { emptyFacts } from '../../cli/model/facts.js';

/** The installed bin (build/bundle.mjs) beside the tsc output BIN is. */
const BUNDLE = BIN.replace(/dist\/cli\/xenlint\.js$/, 'dist/bin/xenlint.cjs');

const GUEST = `name = "g"\nbuilder = "hvm"\nmemory = 512\nvif = [ 'model=e1000,bogus' ]\n`;

function noCrash(t: Test, r: { code: number | null; stderr: string }, what: string): void {
  t.equal(r.code, 2, `${what}: exit 2`);
  t.notMatch(r.stderr, /internal error/, `${what}: not an internal error`);
  t.notMatch(r.stderr, /\n\s+at /, `${what}: no stack trace`);
}

t.test('a baseline of the wrong shape names the file, the option and the shape expected', async (t) => {
  const dir = scratch({ 'g.cfg': GUEST });
  const cases: Array<[string, string, RegExp]> = [
    ['null.json', 'null', /the file holds null/],
    ['array.json', '[]', /the file holds an array/],
    ['number.json', '42', /the file holds a number/],
    ['no-findings.json', '{"baselineVersion": 1}', /"findings" is missing/],
    ['findings-object.json', '{"findings": {}}', /"findings" is an object/],
    ['null-entry.json', '{"findings": [null]}', /findings\[0\] is null/],
    ['no-fingerprint.json', '{"findings": [{"fingerprint": "ab"}, {"check": "x"}]}', /findings\[1\] has no "fingerprint" string/],
    ['invalid.json', '{"findings": [', /not valid JSON/],
  ];
  for (const [file, text, why] of cases) {
    writeFileSync(join(dir, file), text);
    const r = xenlint(['lint', 'g.cfg', '--xen', '4.17', '--baseline', file], { cwd: dir });
    noCrash(t, r, file);
    t.match(r.stderr, new RegExp(`--baseline ${file.replace('.', '\\.')}: `), `${file}: names the option and the file`);
    t.match(r.stderr, why, `${file}: says what is wrong`);
    t.match(r.stderr, /expected the JSON object --write-baseline writes/, `${file}: says what was expected`);
  }
  const missing = xenlint(['lint', 'g.cfg', '--xen', '4.17', '--baseline', 'nope.json'], { cwd: dir });
  noCrash(t, missing, 'a missing baseline');
  t.match(missing.stderr, /--baseline nope\.json: cannot read the baseline/);
  const isDir = xenlint(['lint', 'g.cfg', '--xen', '4.17', '--baseline', '.'], { cwd: dir });
  noCrash(t, isDir, 'a directory as the baseline');
  t.match(isDir.stderr, /--baseline \.: cannot read the baseline/);
  writeFileSync(join(dir, '.xenlintrc.yaml'), 'baseline: null.json\n');
  const fromConfig = xenlint(['lint', 'g.cfg', '--xen', '4.17'], { cwd: dir });
  noCrash(t, fromConfig, "the config's baseline");
  t.match(fromConfig.stderr, /\.xenlintrc\.yaml: baseline: .*null\.json: not a xenlint baseline/, 'names the config key when the config chose the file');
});

t.test('--output, --also-output and --write-baseline into a missing directory or onto a directory', async (t) => {
  const dir = scratch({ 'g.cfg': GUEST });
  mkdirSync(join(dir, 'adir'));
  const cases: Array<[string[], RegExp]> = [
    [['--output', 'missing/report.txt'], /--output missing\/report\.txt: cannot write: the directory missing does not exist/],
    [['--output', 'adir'], /--output adir: cannot write: it is a directory/],
    [['--write-baseline', 'missing/b.json'], /--write-baseline missing\/b\.json: cannot write: the directory missing does not exist/],
    [['--write-baseline', 'adir'], /--write-baseline adir: cannot write: it is a directory/],
    [['--also-output', 'sarif=missing/x.sarif'], /--also-output missing\/x\.sarif: cannot write: the directory missing does not exist/],
    [['--output', 'g.cfg/x'], /--output g\.cfg\/x: cannot write: a part of the path is not a directory/],
  ];
  for (const [args, why] of cases) {
    const r = xenlint(['lint', 'g.cfg', '--xen', '4.17', ...args], { cwd: dir });
    noCrash(t, r, args.join(' '));
    t.match(r.stderr, why, args.join(' '));
  }
  const facts = xenlint(['facts', '--root', `${BIN.replace(/dist\/cli\/xenlint\.js$/, '')}samples/hosts/xen-4.17-credit2`, '--output', 'missing/f.yaml'], { cwd: dir });
  noCrash(t, facts, 'facts --output');
  t.match(facts.stderr, /--output missing\/f\.yaml: cannot write: the directory missing does not exist/);
});

async function pluginDir(files: Record<string, string>): Promise<string> {
  return scratch(files);
}

const META = "id: 'site-x', title: 'A site check', severity: 'warning', needs: [], sources: ['site'], messages: { m: 'found {{what}}' }";

t.test('a plugin whose metadata cannot be read is a usage error naming the plugin and the check', async (t) => {
  const dir = await pluginDir({
    'getter.mjs': `export default [{ ${META}, get title() { throw new Error('no title for you'); }, run() { return []; } }];\n`,
    'getter-nonerror.mjs': `export default [{ ${META}, get needs() { throw 'a string'; }, run() { return []; } }];\n`,
    'cyclic.mjs': `const c = { ${META}, run() { return []; } }; c.defaults = { self: c }; export default [c];\n`,
    'null-item.mjs': `export default [null];\n`,
    'throws-null.mjs': `throw null;\n`,
    'throws-weird.mjs': `throw Object.create(null);\n`,
    'bad-schema.mjs': `export default [{ ${META}, options: { type: 'object', properties: { n: { type: 'nonsense' } } }, run() { return []; } }];\n`,
  });
  const cases: Array<[string, RegExp]> = [
    ['./getter.mjs', /plugin \.\/getter\.mjs: check 1: its metadata cannot be read as plain data: Error: no title for you \(expected a check object/],
    ['./getter-nonerror.mjs', /plugin \.\/getter-nonerror\.mjs: check 1: its metadata cannot be read as plain data: the string "a string"/],
    ['./cyclic.mjs', /plugin \.\/cyclic\.mjs: check 1: its metadata cannot be read as plain data: TypeError: Converting circular structure/],
    ['./null-item.mjs', /plugin \.\/null-item\.mjs: check 1: is not an object but null \(expected a check object/],
    ['./throws-null.mjs', /plugin \.\/throws-null\.mjs: cannot be loaded: null/],
    ['./throws-weird.mjs', /plugin \.\/throws-weird\.mjs: cannot be loaded: an object that is not an Error/],
    ['./bad-schema.mjs', /plugin \.\/bad-schema\.mjs: check 1 \(site-x\): its options schema cannot be compiled/],
  ];
  for (const [spec, why] of cases) {
    const err = await loadPlugins([{ spec, file: join(dir, spec) }]).then(() => undefined, (e: unknown) => e);
    t.ok(err instanceof UsageError, `${spec}: a usage error`);
    t.match((err as Error).message, why, spec);
  }
});

t.test('a plugin check that throws a non-Error or returns what is not findings: that check errors, naming the plugin', async (t) => {
  const dir = await pluginDir({
    'run.mjs': `const meta = { ${META} };
export default [
  { ...meta, id: 'site-string', run() { throw 'boom as a string'; } },
  { ...meta, id: 'site-null', run() { throw null; } },
  { ...meta, id: 'site-evil', run() { throw { get message() { throw new Error('evil'); }, toString() { throw new Error('evil'); } }; } },
  { ...meta, id: 'site-error-getter', run() { const e = new Error('x'); Object.defineProperty(e, 'message', { get() { throw 1; } }); throw e; } },
  { ...meta, id: 'site-null-item', run() { return [{ messageId: 'm', data: { what: 'a' } }, null]; } },
  { ...meta, id: 'site-cyclic', run() { const f = { messageId: 'm', data: { what: 'a' } }; f.self = f; return [f]; } },
  { ...meta, id: 'site-getter', run() { return [{ messageId: 'm', get data() { throw new Error('data getter'); } }]; } },
  { ...meta, id: 'site-bigint', run() { return [{ messageId: 'm', data: { what: 1n } }]; } },
  { ...meta, id: 'site-fine', run() { return [{ messageId: 'm', data: { what: 'it' } }]; }, explain() { throw 42; } },
];
`,
  });
  const checks = await loadPlugins([{ spec: './run.mjs', file: join(dir, 'run.mjs') }]);
  const report = runChecks(checks, emptyFacts('configs'), { command: 'lint' });
  const reason = (id: string) => report.checks.find((c) => c.id === id);
  const expected: Array<[string, RegExp]> = [
    ['site-string', /plugin \.\/run\.mjs: check 1 \(site-string\): run\(\) threw the string "boom as a string" \(expected an array of findings/],
    ['site-null', /check 2 \(site-null\): run\(\) threw null/],
    ['site-evil', /check 3 \(site-evil\): run\(\) threw an object that is not an Error/],
    ['site-error-getter', /check 4 \(site-error-getter\): run\(\) threw a value that cannot be described/],
    ['site-null-item', /check 5 \(site-null-item\): run\(\) returned item 2 that is null \(expected a finding object/],
    ['site-cyclic', /check 6 \(site-cyclic\): run\(\) returned what cannot be read as plain data: TypeError: Converting circular structure/],
    ['site-getter', /check 7 \(site-getter\): run\(\) returned what cannot be read as plain data: Error: data getter/],
    ['site-bigint', /check 8 \(site-bigint\): run\(\) returned what cannot be read as plain data: TypeError: Do not know how to serialize a BigInt/],
  ];
  for (const [id, why] of expected) {
    t.equal(reason(id)?.status, 'error', `${id}: the check errors`);
    t.match(reason(id)?.reason, why, id);
  }
  t.equal(reason('site-fine')?.status, 'fail', 'a well-behaved check of the same plugin still reports');
  t.equal(reason('site-fine')?.findings[0]?.message, 'found it');
  const fine = checks.find((c) => c.id === 'site-fine')!;
  t.throws(() => fine.explain!(emptyFacts('configs'), { mode: 'lint', options: {} } as never), /check 9 \(site-fine\): explain\(\) threw the number 42/);
});

t.test('a reader that leaves early (EPIPE): quiet, no stack trace, the exit code kept', async (t) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 200; i++) files[`g${i}.cfg`] = GUEST.replace('"g"', `"g${i}"`);
  const dir = scratch(files);
  // A real pipe: the shell's `| head -1` closes it after one line of a report far bigger than the pipe's buffer.
  const r = await new Promise<{ stdout: string; code: number | null }>((done) => {
    const child = spawn('sh', ['-c', `"${process.execPath}" "${BIN}" lint . --xen 4.17 --fail-on warning --format json 2>"$ERR" | head -1`], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', ERR: join(dir, 'stderr.txt') },
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('close', (code) => done({ stdout, code }));
  });
  t.equal(r.stdout.split('\n')[0], '{', 'head printed the first line');
  const stderr = readFileSync(join(dir, 'stderr.txt'), 'utf8');
  t.notMatch(stderr, /EPIPE|Error|\n\s+at /, 'nothing on stderr about the closed pipe');
  t.equal(stderr, '', 'stderr is empty');
  // Directly: a pipe whose reading end is closed before xenlint writes a byte.
  const direct = await new Promise<{ code: number | null; stderr: string }>((done) => {
    const child = spawn(process.execPath, [BIN, 'lint', '.', '--xen', '4.17', '--fail-on', 'warning'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => done({ code, stderr }));
  });
  t.equal(direct.stderr, '', 'no stack trace, no message');
  t.equal(direct.code, 1, "the run's own exit code (warnings at --fail-on warning)");
});

t.test('stdout that cannot take the report (/dev/full): one line naming the error, exit 2', { skip: existsSync('/dev/full') ? false : 'no /dev/full here' }, async (t) => {
  const dir = scratch({ 'g.cfg': GUEST });
  for (const bin of [BIN, BUNDLE]) {
    // The report is written to fd 1 directly (cli/commands/output.ts writeStdout), not through process.stdout.
    const r = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn('sh', ['-c', `"${process.execPath}" "${bin}" lint g.cfg --xen 4.17 >/dev/full`], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => done({ code, stderr }));
    });
    t.equal(r.stderr, 'xenlint: cannot write the output: ENOSPC\n', `${bin}: the error, no stack trace`);
    t.equal(r.code, 2, `${bin}: exit 2`);
  }
});
