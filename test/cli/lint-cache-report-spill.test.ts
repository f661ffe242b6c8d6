/**
 * `lint --cache` keeps the report it writes for the next run (ReportMemo): the
 * report's bytes go to a private temporary file as they are written
 * (TextSpill), and the cache copies them from there when it is saved; they are
 * not held (HTML at 100 000 configs peaked at 631 MiB held, issue 14). A
 * temporary file that cannot be written leaves the run as it is and the cache
 * unwritten, with the usual note, as the cache's own entries do.
 */
import t from 'tap';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inProcess } from './run.js';
import { writeSpillCorpus } from '../helpers/spill-corpus.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TextSpill } from '../../cli/model/text-spill.js';
import { TempFileError } from '../../cli/model/temp-file-failure.js';

const work = tempDir('xenlint-report-spill-');
writeSpillCorpus(join(work, 'configs'));
const cache = join(work, 'cache');
const lint = (...extra: string[]) => inProcess(['lint', 'configs', '--xen', '4.17', ...extra], { cwd: work, env: { XENLINT_WORKERS: '0' } });

/** Runs `run` with every TextSpill's added text recorded, by spill; `onAdd` sees each spill first (before its text is added). */
async function watched<T>(run: () => Promise<T>, onAdd: (spill: TextSpill, first: string) => void = () => undefined): Promise<{ ran: T; texts: Map<TextSpill, string[]>; read: Set<TextSpill> }> {
  const texts = new Map<TextSpill, string[]>();
  const read = new Set<TextSpill>();
  const proto = TextSpill.prototype;
  const add = proto.add;
  const bytes = proto.bytes;
  proto.add = function (this: TextSpill, text: string) {
    if (!texts.has(this)) {
      texts.set(this, []);
      onAdd(this, text);
    }
    texts.get(this)!.push(text);
    return add.call(this, text);
  };
  proto.bytes = function (this: TextSpill, start: number, end: number) {
    read.add(this);
    return bytes.call(this, start, end);
  };
  try {
    return { ran: await run(), texts, read };
  } finally {
    proto.add = add;
    proto.bytes = bytes;
  }
}

for (const format of ['stylish', 'html']) {
  t.test(`${format}: the written report goes to a temporary file, and the cache copies it from there`, async (t) => {
    rmSync(cache, { force: true });
    const plain = await lint('--format', format);
    const { ran: cold, texts, read } = await watched(() => lint('--format', format, '--cache', '--cache-location', cache));
    t.ok(plain.stdout.length > 10_000, `a real report of 120 configs (${plain.stdout.length} characters)`);
    t.equal(cold.stdout, plain.stdout, 'the same report as without the cache');
    const report = [...texts].find(([, added]) => added.join('') === cold.stdout)?.[0];
    t.ok(report, 'the report was added to a spill, piece by piece, as it was written');
    t.ok(report?.spilled, 'in a temporary file, not in memory');
    t.ok(report && read.has(report), 'and read back from it when the cache was saved');
    t.ok(readFileSync(cache).subarray(-Buffer.byteLength(cold.stdout)).equals(Buffer.from(cold.stdout)), 'the cache ends with the report, byte for byte');
    const replay = await lint('--format', format, '--cache', '--cache-location', cache);
    t.equal(replay.stdout, plain.stdout, 'the next run writes it again as it was');
    t.equal(replay.code, plain.code);
  });
}

t.test('a report the temporary file cannot take: the lint goes on, the cache is not written', async (t) => {
  rmSync(cache, { force: true });
  const plain = await lint();
  const { ran } = await watched(
    () => lint('--cache', '--cache-location', cache),
    (spill, first) => {
      // The report's spill only (the entries' are JSON lines), as a full TMPDIR fails a write (privateTempFile's writeAt says it so).
      if (first.startsWith('{"result"')) return;
      const file = (spill as unknown as { file?: { writeAt: (b: Uint8Array, at: number) => void } }).file;
      if (file) file.writeAt = () => {
        throw new TempFileError('a temporary file in /tmp could not be written (ENOSPC): free some space there, or set TMPDIR to a folder with room');
      };
    },
  );
  t.equal(ran.stdout, plain.stdout, 'the same report');
  t.equal(ran.code, plain.code, 'the same exit code');
  t.match(ran.stderr, /xenlint: --cache: .*cache: not written: a temporary file in \/tmp could not be written \(ENOSPC\)/, 'said in the usual line');
  t.notMatch(ran.stderr, /internal error/);
  t.notOk(existsSync(cache), 'no cache written');
});
