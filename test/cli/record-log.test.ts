/**
 * The records the built-in checks' folds keep off the heap (cli/model/record-log.ts,
 * issue 14): read back as written from the pending block, the temporary file
 * or, without a TMPDIR folder, memory; keys joined by hash only when the key
 * read back is the same; and a temporary file that cannot be written ends the
 * run as a usage error even from inside a fold, never as the check's error.
 */
import t from 'tap';
import fc from 'fast-check';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Int32List, KeyIndex, RecordLog, setKeyHashForTesting, setRecordOffsetLimitForTesting } from '../../cli/model/record-log.js';
import { TempFileError } from '../../cli/model/temp-file-failure.js';
import { isUsageError } from '../../cli/settings/config.js';
import { defineCheck, keyText } from '../../checks/api.js';
import { runChecks } from '../../cli/engine/engine.js';
import { domainFromText, facts } from '../helpers/facts.js';

function withTmpdir<T>(dir: string | undefined, work: () => T): T {
  const saved = process.env['TMPDIR'];
  if (dir === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = dir;
  try {
    return work();
  } finally {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
  }
}

const texts = fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 10 }), fc.string({ minLength: 60, maxLength: 200 })), { maxLength: 60 });

t.test('records come back as written, in any order, whether in the pending block, the file or memory', async (t) => {
  for (const tmp of [tmpdir(), join(tmpdir(), 'xenlint-test-no-such-folder')]) {
    fc.assert(
      fc.property(texts, fc.constantFrom(16, 64, 4096), fc.array(fc.nat(), { maxLength: 30 }), (list, block, picks) =>
        withTmpdir(tmp, () => {
          const log = new RecordLog(block);
          if (list.some((text, i) => log.add(text) !== i) || log.length !== list.length) return false;
          for (const p of picks) if (list.length > 0 && log.get(p % list.length) !== list[p % list.length]) return false;
          for (let i = 0; i < list.length; i++) if (log.get(i) !== list[i]) return false;
          log.close();
          return true;
        }),
      ),
      { numRuns: 200 },
    );
  }
  // Offsets past 32 bits (here past 100 bytes) move to doubles mid-log; every record still comes back.
  const limit = setRecordOffsetLimitForTesting(100);
  try {
    fc.assert(
      fc.property(texts, fc.constantFrom(16, 64, 4096), (list, block) => {
        const log = new RecordLog(block);
        for (const text of list) log.add(text);
        const ok = list.every((text, i) => log.get(i) === text);
        log.close();
        return ok;
      }),
      { numRuns: 200 },
    );
  } finally {
    setRecordOffsetLimitForTesting(limit);
  }
  const log = new RecordLog(16);
  log.add('x'.repeat(40));
  log.close();
  t.throws(() => log.get(0), /after it was closed/);
});

t.test('keys are joined only when the key read back is the same, however their hashes collide', async (t) => {
  const undo = setKeyHashForTesting((k) => k.length % 3);
  try {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'ab', 'ba', 'abc', '', 'c'), { maxLength: 50 }), (keys) => {
        const index = new KeyIndex((i) => keys[i]!);
        keys.forEach((k, i) => {
          const first = index.firstOr(k, i);
          if (first !== (keys.indexOf(k) === i ? -1 : keys.indexOf(k))) throw new Error(`key ${k} at ${i}: ${first}`);
        });
      }),
      { numRuns: 200 },
    );
  } finally {
    setKeyHashForTesting(undo);
  }
  // Many keys, the real hash: the table grows and still finds each.
  const many = Array.from({ length: 5000 }, (_, i) => `/dev/vg/disk${i % 3000}`);
  const index = new KeyIndex((i) => many[i]!);
  const firsts = many.map((k, i) => index.firstOr(k, i));
  t.same(firsts.slice(2998, 3002), [-1, -1, 0, 1]);
  t.equal(firsts.filter((f) => f === -1).length, 3000);
  const list = new Int32List();
  for (let i = 0; i < 1000; i++) list.push(i * 7);
  list.set(5, -1);
  t.same([list.length, list.at(999), list.at(5)], [1000, 6993, -1]);
});

t.test('a temporary file that cannot be written, inside a fold, ends the run as a usage error', async (t) => {
  const failing = (err: Error) =>
    defineCheck({
      id: 'writes-records',
      title: 'A fold whose records cannot be written',
      severity: 'error',
      needs: ['domains'],
      sources: ['test'],
      messages: { never: 'never' },
      summarize: (d) => keyText(d, 'name'),
      fold: {
        init: () => 0,
        step: () => {
          throw err;
        },
      },
      across: () => [],
    });
  const f = { ...facts(), domains: [domainFromText("name = \"a\"\nbootloader = 'pygrub'\n", 'xl', '/etc/xen/a.cfg')] };
  let thrown: unknown;
  try {
    runChecks([failing(new TempFileError('a temporary file in /tmp could not be written (ENOSPC)'))], f, { command: 'lint' });
  } catch (err) {
    thrown = err;
  }
  t.ok(isUsageError(thrown), 'the run ends, exit 2, with the file\'s message');
  const other = runChecks([failing(new Error('a bug'))], f, { command: 'lint' }).checks[0]!;
  t.same([other.status, other.reason], ['error', 'the check failed: Error: a bug'], 'any other failure is the check\'s');
});
