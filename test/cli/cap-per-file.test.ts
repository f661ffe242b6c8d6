/**
 * The engine's per-file cap (cli/engine/engine.ts capPerFile) counts a check's
 * findings per file in typed arrays (cli/engine/file-counts.ts) and works in
 * place on an Int32Array of the findings' numbers (issue 14). The oracle is
 * the cap as it was, a Map keyed by file string over a JS array: the same
 * findings kept, in the same order, and the same summaries after them — with
 * a file's findings in runs that come back later, files told apart by their
 * text (not their string object), findings without a file, and the cap at 0.
 * FindingIds (cli/engine/finding-ids.ts) is held to a JS array.
 */
import t from 'tap';
import fc from 'fast-check';
import { capPerFile, fingerprint, MORE_FINDINGS_ID, SEVERITY_RANK } from '../../cli/engine/engine.js';
import { FindingIds } from '../../cli/engine/finding-ids.js';
import { FindingSpill } from '../../cli/model/finding-spill.js';
import { FindingMemory, type FindingStore } from '../../cli/model/finding-store.js';
import type { ReportedFinding } from '../../cli/model/contract.js';
import type { Severity } from '../../cli/model/diagnostic.js';
import { tempDir } from '../helpers/temp-dir.js';

/** capPerFile before issue 14's typed arrays, word for word but for fingerprintOf (the exported `fingerprint` of the same parts). */
function oracleCap(checkId: string, findings: readonly number[], perFile: number, store: FindingStore): number[] {
  const kept: number[] = [];
  const seen = new Map<string, number>();
  const over = new Map<string, { first: ReportedFinding; count: number; severity: Severity; domains: Set<string | undefined> }>();
  for (const id of findings) {
    const file = store.file(id) ?? '';
    const n = (seen.get(file) ?? 0) + 1;
    seen.set(file, n);
    if (n <= perFile) {
      kept.push(id);
      continue;
    }
    const f = store.reported(id);
    const o = over.get(file);
    if (!o) over.set(file, { first: f, count: 1, severity: f.severity, domains: new Set([f.domain]) });
    else {
      o.count++;
      if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[o.severity]) o.severity = f.severity;
      o.domains.add(f.domain);
    }
  }
  for (const { first, count, severity, domains } of over.values()) {
    const domain = domains.size === 1 ? first.domain : undefined;
    const message = `and ${count} more ${checkId} ${count === 1 ? 'finding' : 'findings'} in this file, not shown: xenlint reports ${perFile} per check per file (limits.findingsPerCheckPerFile)`;
    const f: ReportedFinding = {
      check: checkId,
      severity,
      messageId: MORE_FINDINGS_ID,
      data: { count, limit: perFile },
      message,
      fingerprint: fingerprint(checkId, { domain, key: undefined, messageId: MORE_FINDINGS_ID, message }),
    };
    if (first.file !== undefined) f.file = first.file;
    if (domain !== undefined) f.domain = domain;
    if (first.host !== undefined) f.host = first.host;
    kept.push(store.add(f));
  }
  return kept;
}

/** File names a test draws from: '' and none share the cap's count, as they always did. */
const NAMES = ['a.cfg', 'b.cfg', 'c.cfg', 'd/e.cfg', 'é.cfg', '', undefined];

interface Run {
  /** Index into NAMES. */
  file: number;
  findings: Array<{ severity: Severity; domain: number; host: boolean }>;
}

const run: fc.Arbitrary<Run> = fc.record({
  file: fc.nat({ max: NAMES.length - 1 }),
  findings: fc.array(fc.record({ severity: fc.constantFrom<Severity>('error', 'warning', 'info'), domain: fc.integer({ min: -1, max: 2 }), host: fc.boolean() }), { minLength: 1, maxLength: 6 }),
});

/** The findings of the runs, in order; each file name made afresh (another string object for the same text). */
function findingsOf(runs: Run[]): ReportedFinding[] {
  const out: ReportedFinding[] = [];
  let n = 0;
  for (const r of runs) {
    for (const g of r.findings) {
      const name = NAMES[r.file];
      const f: ReportedFinding = { check: 'c', severity: g.severity, message: `m${n}`, fingerprint: `f${n++}` };
      if (name !== undefined) f.file = ['/etc/xen', name].join('/');
      if (g.domain >= 0) f.domain = `g${g.domain}`;
      if (g.host) f.host = 'h';
      out.push(f);
    }
  }
  return out;
}

function spillStore(): FindingSpill {
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = tempDir('xenlint-cap-test-');
  try {
    return new FindingSpill((f) => f);
  } finally {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
  }
}

t.test('capPerFile keeps and sums up what the Map-keyed cap did', async (t) => {
  fc.assert(
    fc.property(fc.array(run, { maxLength: 40 }), fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(100)), fc.boolean(), (runs, perFile, spilled) => {
      const findings = findingsOf(runs);
      const want = new FindingMemory();
      const got = spilled ? spillStore() : new FindingMemory();
      try {
        // Numbers that are not 0, 1, 2 …: what came before in the store belongs to other checks.
        for (const store of [want, got]) store.add({ check: 'other', severity: 'info', message: '', fingerprint: 'x' });
        const wantIds = findings.map((f) => want.add(f));
        const ids = Int32Array.from(findings, (f) => got.add(f));
        const kept = capPerFile('c', ids, ids.length, perFile, got);
        const expected = JSON.stringify(want.list(oracleCap('c', wantIds, perFile, want)));
        return JSON.stringify(got.list(ids.subarray(0, kept))) === expected;
      } finally {
        if (got instanceof FindingSpill) got.close();
      }
    }),
    { numRuns: 400 },
  );
  t.pass('the same findings, summaries and order');
});

t.test('capPerFile over many files and runs of them (the table past its smallest size)', async (t) => {
  const store = new FindingMemory();
  const oracle = new FindingMemory();
  const findings: ReportedFinding[] = [];
  // 3 000 files, each in three runs far apart: the third run of each file passes a cap of 4.
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i < 3000; i++) {
      for (let k = 0; k < 2; k++) findings.push({ check: 'c', severity: k === 0 ? 'warning' : 'error', message: `m${pass}.${i}.${k}`, fingerprint: `f${pass}.${i}.${k}`, file: `/x/${i}.cfg`, domain: `g${i}` });
    }
  }
  const ids = Int32Array.from(findings, (f) => store.add(f));
  const kept = capPerFile('c', ids, ids.length, 4, store);
  const want = oracle.list(oracleCap('c', findings.map((f) => oracle.add(f)), 4, oracle));
  t.equal(kept, 4 * 3000 + 3000, 'four of each file and its summary');
  t.equal(JSON.stringify(store.list(ids.subarray(0, kept))), JSON.stringify(want), 'as the Map-keyed cap');
});

t.test('FindingIds holds what a JS array would', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { maxLength: 300 }), fc.nat({ max: 40 }), (values, capacity) => {
      const ids = new FindingIds(capacity);
      const views: Array<[Int32Array, number[]]> = [];
      values.forEach((v, i) => {
        ids.push(v);
        if (i % 37 === 0) views.push([ids.view(), values.slice(0, i + 1)]);
      });
      if (ids.length !== values.length || ids.view().join() !== values.join()) return false;
      // A view taken earlier still reads what was pushed up to then.
      return views.every(([view, want]) => view.join() === want.join());
    }),
    { numRuns: 200 },
  );
  t.pass('the same numbers in the same order');
});
