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
import { Float64List, Int32List, KeyIndex, RecordLog, setKeyHashForTesting, setRecordOffsetLimitForTesting } from '../../cli/model/record-log.js';
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
  // Thousands of records, the offsets passing the limit in any chunk of the offset list (4 096 a chunk).
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 12_000 }), fc.integer({ min: 0, max: 40_000 }), fc.nat(), (n, bytes, seed) => {
      const was = setRecordOffsetLimitForTesting(bytes);
      try {
        const log = new RecordLog(4096);
        const text = (i: number) => 'r'.repeat((i * 7 + seed) % 5) + String(i);
        for (let i = 0; i < n; i++) log.add(text(i));
        let ok = log.length === n;
        for (let i = 0; i < n && ok; i++) ok = log.get(i) === text(i);
        log.close();
        return ok;
      } finally {
        setRecordOffsetLimitForTesting(was);
      }
    }),
    { numRuns: 25 },
  );
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

t.test('a key index filled past three quarters, with hashes that collide, answers as a Map of first entries does', async (t) => {
  // Keys from a small alphabet so that many repeat; a hash of 2 bits (every probe run long, every
  // match read back) or the real one; a few hundred keys grow the table several times, or
  // none when it was sized for them (`expected`, from none to more than come).
  const keys = fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 6 }), { maxLength: 700 });
  for (const hash of [(k: string) => (k.charCodeAt(0) | 0) & 3, undefined]) {
    const undo = hash ? setKeyHashForTesting(hash) : undefined;
    try {
      fc.assert(
        fc.property(keys, fc.integer({ min: 0, max: 900 }), (list, expected) => {
          const index = new KeyIndex((i) => list[i]!, expected);
          const first = new Map<string, number>();
          list.forEach((k, i) => {
            const want = first.get(k) ?? -1;
            if (want === -1) first.set(k, i);
            const got = index.firstOr(k, i);
            if (got !== want) throw new Error(`key ${JSON.stringify(k)} at ${i}: ${got}, expected ${want}`);
          });
        }),
        { numRuns: 150 },
      );
    } finally {
      if (undo) setKeyHashForTesting(undo);
    }
  }
  // Exactly at each load limit: 48 of 64 slots, then the 49th key grows the table.
  // 2 000 keys: the table grows five times.
  const distinct = Array.from({ length: 2000 }, (_, i) => `k${i}`);
  const index = new KeyIndex((i) => distinct[i]!);
  t.ok(distinct.every((k, i) => index.firstOr(k, i) === -1), 'distinct keys are each new');
  t.ok(distinct.every((k, i) => index.firstOr(k, 10_000 + i) === i), 'and each is found again after the table grew');
  index.close();
  t.throws(() => index.firstOr('k1', 1), /closed/, 'a closed index refuses to answer (its table is freed)');
});

t.test('number lists hold what was pushed and set, across their chunks', async (t) => {
  fc.assert(
    fc.property(fc.nat({ max: 13_000 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 40 }), (n, sets) => {
      const ints = new Int32List();
      const doubles = new Float64List();
      const want: number[] = [];
      for (let i = 0; i < n; i++) {
        if (ints.push(i * 3 - 7) !== i || doubles.push(i / 4) !== i) return false;
        want.push(i * 3 - 7);
      }
      for (const [at, v] of sets) {
        if (n === 0) break;
        ints.set(at % n, v);
        want[at % n] = v;
      }
      if (ints.length !== n || doubles.length !== n) return false;
      for (let i = 0; i < n; i++) if (ints.at(i) !== want[i] || doubles.at(i) !== i / 4) return false;
      return true;
    }),
    { numRuns: 60 },
  );
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
