/**
 * Every file a command is given goes through one reader (cli/sources/read-input.ts)
 * that refuses what is not a regular file and what is over its kind's limit, with
 * exit 2 naming the file: a FIFO, /dev/zero or a 2 GB sparse file end at once
 * (the spawn's timeout would turn a hang into a failure, not a pass).
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratch, xenlint } from './run.js';
import { formatBytes, inputLimit, readInputFile, readStdinText } from '../../cli/sources/read-input.js';

const GOOD = 'name = "web"\nmemory = 512\n';

function withFifo(): { dir: string; fifo: string } {
  const dir = scratch({ 'web.cfg': GOOD });
  const fifo = join(dir, 'pipe.cfg');
  execFileSync('mkfifo', [fifo]);
  return { dir, fifo };
}

t.test('the reader refuses a FIFO, a device and a directory without reading them', async (t) => {
  const { dir, fifo } = withFifo();
  for (const [file, why] of [
    [fifo, /not a regular file/],
    ['/dev/zero', /not a regular file/],
    [dir, /is a directory/],
  ] as const) {
    const r = readInputFile(file, 'config');
    t.equal(r.ok, false, file);
    if (!r.ok) t.match(r.reason, why, file);
  }
  const missing = readInputFile(join(dir, 'nope.cfg'), 'config');
  t.same(missing, { ok: false, reason: 'cannot read the domU config: not found' });
});

t.test('the reader refuses a file over its kind\'s limit by its size, and reads one at the limit', async (t) => {
  const dir = scratch({});
  const file = join(dir, 'big.json');
  writeFileSync(file, 'x'.repeat(1000));
  const at = readInputFile(file, 'baseline', { baselineBytes: 1000 });
  t.ok(at.ok && at.bytes.length === 1000, 'exactly at the limit is read');
  const over = readInputFile(file, 'baseline', { baselineBytes: 999 });
  t.same(over, { ok: false, reason: 'the baseline is larger than the limit of 999 bytes; `limits: { baselineBytes: N }` in the xenlint config raises it' });
  t.equal(inputLimit('config'), 1024 * 1024, 'a domU config: 1 MiB by default');
  t.equal(inputLimit('settings', { configBytes: 1 }), 1024 * 1024, 'the xenlint config is not limited by its own limits section');
  t.equal(formatBytes(16 * 1024 * 1024), '16 MiB');
  t.equal(formatBytes(1536), '1536 bytes');
});

t.test('standard input is read up to the limit and no further', async (t) => {
  async function* chunks(n: number, size: number): AsyncGenerator<Buffer> {
    for (let i = 0; i < n; i++) yield Buffer.alloc(size, 0x61);
  }
  t.equal((await readStdinText('config', undefined, chunks(4, 1000))).length, 4000);
  // An endless stream ends at the limit: the generator would never stop by itself.
  async function* endless(): AsyncGenerator<Buffer> {
    for (;;) yield Buffer.alloc(64 * 1024, 0x61);
  }
  await t.rejects(readStdinText('config', undefined, endless()), { name: 'UsageError', message: /^standard input: the domU config is larger than the limit of 1 MiB/ });
});

t.test('lint: a FIFO and /dev/zero among the configs are input problems (exit 2), the rest is linted', async (t) => {
  const { dir, fifo } = withFifo();
  const r = xenlint(['lint', '--format', 'json', 'web.cfg', fifo, '/dev/zero'], { cwd: dir });
  t.equal(r.code, 2, r.stderr);
  const report = JSON.parse(r.stdout) as { problems: Array<{ file: string; message: string }>; files: string[] };
  t.same(
    report.problems.map((p) => [p.file, p.message]),
    [
      [fifo, 'cannot read the domU config: not a regular file (a FIFO, a device or a socket is never read)'],
      ['/dev/zero', 'cannot read the domU config: not a regular file (a FIFO, a device or a socket is never read)'],
    ],
  );
});

t.test('lint: a 2 GB sparse config is refused by its size; limits.configBytes in the config moves the limit', async (t) => {
  const dir = scratch({ 'small.cfg': GOOD, '.xenlintrc.yaml': 'limits:\n  configBytes: 16\n' });
  writeFileSync(join(dir, 'huge.cfg'), '');
  truncateSync(join(dir, 'huge.cfg'), 2 * 1024 * 1024 * 1024);
  const r = xenlint(['lint', '--format', 'json', 'huge.cfg', 'small.cfg'], { cwd: dir });
  t.equal(r.code, 2, r.stderr);
  const problems = (JSON.parse(r.stdout) as { problems: Array<{ file: string; message: string }> }).problems;
  t.same(problems.map((p) => p.file), ['huge.cfg', 'small.cfg'], 'small.cfg (28 bytes) is over the configured 16');
  t.match(problems[0]!.message, 'larger than the limit of 16 bytes');
});

t.test('--config, --facts and --baseline naming a device or a FIFO: exit 2 naming the file and its kind', async (t) => {
  const { dir, fifo } = withFifo();
  const cases: Array<[string[], string]> = [
    [['--config', '/dev/zero', 'lint', 'web.cfg'], '/dev/zero: cannot read the xenlint config: not a regular file'],
    [['lint', '--facts', fifo, 'web.cfg'], `${fifo}: cannot read the facts file: not a regular file`],
    [['lint', '--baseline', '/dev/zero', 'web.cfg'], '/dev/zero: cannot read the baseline: not a regular file'],
    [['parse', 'info', '/dev/urandom'], '/dev/urandom: cannot read the facts file: not a regular file'],
    [['parse', 'config', fifo], `${fifo}: cannot read the domU config: not a regular file`],
  ];
  for (const [args, message] of cases) {
    const r = xenlint(args, { cwd: dir });
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, message, args.join(' '));
    t.notMatch(r.stderr, /internal error|\n\s+at /, 'no stack trace');
  }
});
