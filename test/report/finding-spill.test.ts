/**
 * A run's settled findings kept in a temporary file (cli/model/finding-spill.ts,
 * issue 14): what the formats read back is what went in, value for value and
 * in order, redacted as the report would be; nothing of it stays on disk; and a
 * lint of enough configs to use it writes the same report as one that keeps its
 * findings in memory (the whole-facts path, XENLINT_STREAM=0), with no file left
 * behind, also when the run ends in a usage error.
 */
import t, { type Test } from 'tap';
import fc from 'fast-check';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import type { ReportedFinding } from '../../cli/model/contract.js';
import { FindingSpill } from '../../cli/model/finding-spill.js';
import { FindingMemory, forEachSeverity, isSpilledList, settledFile, withSeverities } from '../../cli/model/finding-store.js';
import { mayRedact, redactReport } from '../../cli/sources/redact.js';
import { xenlint } from '../cli/run.js';
import { writeSpillCorpus } from '../helpers/spill-corpus.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A spill made with TMPDIR pointing at a fresh directory, and that directory. */
function spillIn(redact: (f: ReportedFinding) => ReportedFinding = (f) => f, prefilter?: (json: string) => boolean): { spill: FindingSpill; dir: string } {
  const dir = tempDir('hmem-spill-test-');
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = dir;
  try {
    return { spill: new FindingSpill(redact, prefilter), dir };
  } finally {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
  }
}

const severity = fc.constantFrom('error' as const, 'warning' as const, 'info' as const);
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', 'vncpasswd = "hunter2"', '/etc/xen/a.cfg'));
const value = fc.oneof(text, fc.double(), fc.integer(), fc.boolean());
const finding: fc.Arbitrary<ReportedFinding> = fc
  .record(
    {
      check: fc.constantFrom('disk-spec', 'vif-spec', 'memory-fit'),
      severity,
      message: text,
      fingerprint: fc.stringMatching(/^[0-9a-f]{24}$/),
      messageId: fc.constantFrom('a', 'b-c'),
      data: fc.dictionary(fc.string({ maxLength: 6 }), value, { maxKeys: 4 }),
      file: fc.constantFrom('/x/a.cfg', '/x/b.cfg', 'rel/c.cfg'),
      line: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.constant(Number.NaN)),
      column: fc.integer({ min: 1, max: 80 }),
      domain: text,
      key: text,
      remediation: text,
      evidence: fc.dictionary(fc.string({ maxLength: 6 }), value, { maxKeys: 3 }),
      unverified: fc.boolean(),
      host: text,
    },
    { requiredKeys: ['check', 'severity', 'message', 'fingerprint'] },
  )
  // Plain objects, as the engine's report() makes them (fast-check's have no prototype).
  .map((f) => ({ ...f, ...(f.data ? { data: { ...f.data } } : {}), ...(f.evidence ? { evidence: { ...f.evidence } } : {}) }) as ReportedFinding);

/** The same values, keys in the same order, NaN and -0 included. */
function sameValues(t: Test, got: unknown, want: unknown, what: string): void {
  t.equal(inspect(got, { depth: 5 }), inspect(want, { depth: 5 }), what);
}

t.test('what is read back is what was kept, in order, whatever its values', async (t) => {
  fc.assert(
    // Up to 300: past several of the offsets the spill keeps (one a 64 findings), held findings among them.
    fc.property(fc.array(finding, { maxLength: 300 }), fc.array(fc.nat(), { maxLength: 60 }), (findings, picks) => {
      const { spill, dir } = spillIn();
      try {
        const ids = findings.map((f) => spill.add(f));
        const order = picks.filter((p) => p < ids.length).map((p) => ids[p]!);
        const list = spill.list(order);
        if (list.length !== order.length) return false;
        const want = order.map((id) => findings[id]!);
        if (inspect([...list], { depth: 5 }) !== inspect(want, { depth: 5 })) return false;
        if (JSON.stringify(list) !== JSON.stringify(want)) return false;
        // The engine hands its numbers over in an Int32Array (issue 14).
        const typed = spill.list(Int32Array.from(order));
        if (JSON.stringify(typed) !== JSON.stringify(want)) return false;
        if (JSON.stringify(withSeverities(typed, (s) => s !== 'info')) !== JSON.stringify(want.filter((f) => f.severity !== 'info'))) return false;
        if (order.some((id, i) => settledFile(list, i) !== findings[id]!.file)) return false;
        const severities: string[] = [];
        forEachSeverity(list, (s) => severities.push(s));
        if (severities.join() !== want.map((f) => f.severity).join()) return false;
        return readdirSync(dir).length === 0;
      } finally {
        spill.close();
      }
    }),
    { numRuns: 150 },
  );
});

t.test('findings far apart in the file (more than its blocks) come back', async (t) => {
  const { spill } = spillIn();
  const big = 'x'.repeat(70_000);
  const findings: ReportedFinding[] = [];
  for (let i = 0; i < 3000; i++) findings.push({ check: 'c', severity: i % 3 === 0 ? 'error' : 'warning', message: i % 500 === 0 ? big : `m${i}`, fingerprint: `f${i}`, file: `/x/${i % 7}.cfg` });
  const ids = findings.map((f) => spill.add(f));
  const backwards = [...ids].reverse();
  sameValues(t, [...spill.list(backwards)], [...findings].reverse(), 'read from the end to the start');
  sameValues(t, [...spill.list(ids)], findings, 'read in order');
  spill.close();
});

t.test('kept redacted, matched as reported; what JSON would not give back stays in memory', async (t) => {
  const { spill } = spillIn((f) => redactReport(f));
  const secret: ReportedFinding = { check: 'c', severity: 'warning', message: "vncpasswd = 'hunter2' is set", fingerprint: 'f1', file: '/x/a.cfg', line: 3 };
  const plain: ReportedFinding = { check: 'c', severity: 'info', message: 'fine', fingerprint: 'f2' };
  const odd = { check: 'c', severity: 'error', message: 'odd', fingerprint: 'f3', data: { fn: (() => 1) as unknown as string } } as ReportedFinding;
  const [a, b, c] = [spill.add(secret), spill.add(plain), spill.add(odd)];
  const list = spill.list([a!, b!, c!]);
  t.equal(list[0]!.message, redactReport(secret).message, 'shown redacted');
  t.notMatch(list[0]!.message, /hunter2/, 'the secret is not shown');
  t.equal(spill.reported(a!), secret, 'matched against the finding as reported');
  t.equal(list[2], odd, 'a finding JSON cannot write is kept as it is');
  t.equal(spill.severity(c!), 'error');
  spill.close();
});

t.test('redaction tested on the JSON text (mayRedact) keeps, shows and matches what the walk over every finding does', async (t) => {
  const secretish = fc.constantFrom("vncpasswd = 'hunter2'", 'x secret=abc y', 'spiceticket=q', 'PASSWORD: 1', 'spicedisable_ticketing=1');
  const withSecrets = finding.chain((f) =>
    fc.record({ message: fc.oneof(fc.constant(f.message), secretish), remediation: fc.oneof(fc.constant(f.remediation), secretish) }).map((m) => {
      const out = { ...f, message: m.message } as ReportedFinding;
      if (m.remediation !== undefined) out.remediation = m.remediation;
      return out;
    }),
  );
  fc.assert(
    fc.property(fc.array(withSecrets, { maxLength: 30 }), (findings) => {
      const walked = spillIn((f) => redactReport(f)).spill;
      const tested = spillIn((f) => redactReport(f), mayRedact).spill;
      try {
        const a = findings.map((f) => walked.add(f));
        const b = findings.map((f) => tested.add(f));
        if (inspect([...walked.list(a)], { depth: 5 }) !== inspect([...tested.list(b)], { depth: 5 })) return false;
        if (!a.every((id, i) => inspect(walked.reported(id), { depth: 5 }) === inspect(tested.reported(b[i]!), { depth: 5 }))) return false;
        // The last one added is handed to lint --cache as its line alike.
        return a.length === 0 || walked.lineOf(a.at(-1)!)?.line === tested.lineOf(b.at(-1)!)?.line;
      } finally {
        walked.close();
        tested.close();
      }
    }),
    { numRuns: 150 },
  );
});

t.test('a spilled list is an array to read, not to change', async (t) => {
  const { spill } = spillIn();
  const findings: ReportedFinding[] = [1, 2, 3].map((i) => ({ check: 'c', severity: i === 2 ? 'error' : 'info', message: `m${i}`, fingerprint: `f${i}` }));
  const list = spill.list(findings.map((f) => spill.add(f)));
  t.ok(Array.isArray(list), 'Array.isArray');
  t.ok(isSpilledList(list));
  t.notOk(isSpilledList([...list]), 'a copy is a plain array');
  t.same(list.map((f) => f.message), ['m1', 'm2', 'm3'], 'map');
  t.same(list.flatMap((f) => [f.fingerprint]), ['f1', 'f2', 'f3'], 'flatMap');
  t.same(Object.keys(list), ['0', '1', '2'], 'keys');
  // The length is the proxy's (its target stays empty: issue 14), and reads as an array's own.
  t.equal(list.length, 3, 'length');
  t.same(Object.getOwnPropertyDescriptor(list, 'length'), { value: 3, writable: true, enumerable: false, configurable: false }, 'length as an own property');
  t.same(Array.from(list).map((f) => f.message), ['m1', 'm2', 'm3'], 'Array.from');
  t.same(list.slice(1).map((f) => f.message), ['m2', 'm3'], 'slice');
  t.same([...[] as ReportedFinding[]].concat(list).map((f) => f.message), ['m1', 'm2', 'm3'], 'concat spreads it');
  t.equal(list.at(-1)!.message, 'm3', 'at');
  t.throws(() => {
    (list as unknown as { length: number }).length = 0;
  }, TypeError);
  t.equal(list[3], undefined, 'past the end');
  t.same(withSeverities(list, (s) => s === 'error').map((f) => f.message), ['m2'], 'filtered by severity, still spilled');
  t.ok(isSpilledList(withSeverities(list, (s) => s === 'error')));
  t.throws(() => {
    (list as unknown as unknown[])[0] = 1;
  }, TypeError);
  t.throws(() => list.push(findings[0]!), TypeError);
  spill.close();
  const memory = new FindingMemory();
  const plain = memory.list(findings.map((f) => memory.add(f)));
  t.notOk(isSpilledList(plain), 'FindingMemory hands over a plain array');
  t.equal(plain[1], findings[1]);
});

t.test('lint: the spilled report equals the one kept in memory, and leaves no file', async (t) => {
  const work = tempDir('hmem-spill-lint-');
  const tmp = join(work, 'tmp');
  mkdirSync(tmp);
  writeSpillCorpus(join(work, 'configs'));
  for (const format of ['stylish', 'json', 'sarif', 'junit', 'github', 'html']) {
    const run = (env: Record<string, string>) => xenlint(['lint', 'configs', '--xen', '4.17', '--format', format], { cwd: work, env: { TMPDIR: tmp, ...env } });
    const memory = run({ XENLINT_STREAM: '0' });
    const spilled = run({ XENLINT_STREAM: '1', XENLINT_WORKERS: '0' });
    const untimed = (s: string) => s.replace(/"durationMs": [0-9.e+-]+/g, '"durationMs": 0').replace(/ time="[0-9.]+"/g, ' time="0"');
    t.ok(memory.stdout.length > 1000, `${format}: a real report (${memory.stdout.length} bytes)`);
    t.equal(spilled.code, memory.code, `${format}: the same exit code`);
    t.ok(untimed(spilled.stdout) === untimed(memory.stdout), `${format}: byte-identical`);
    t.notMatch(spilled.stdout, /s3cr3t/, `${format}: the secret is redacted`);
  }
  t.same(readdirSync(tmp), [], 'nothing left in TMPDIR');
  const refused = xenlint(['lint', 'configs', '--xen', '4.17', '--output', join(work, 'no', 'such', 'dir', 'out.txt')], { cwd: work, env: { TMPDIR: tmp } });
  t.equal(refused.code, 2, 'an output that cannot be written is a usage error');
  t.same(readdirSync(tmp), [], 'nothing left in TMPDIR after it either');
});
