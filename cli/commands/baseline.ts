/**
 * What `--write-baseline` writes: one entry per finding of the run, sorted by
 * check, domU and fingerprint, as `{ baselineVersion, tool, findings }` JSON
 * (readBaseline in pipeline.ts reads it back).
 *
 * Written piece by piece (issue 14): at 100 000 configs a run's findings are in
 * a spill (cli/model/finding-store.ts) and the baseline used to read them all
 * back at once, sort them and write one string. Now it takes one check at a
 * time, in order: a first reading of its findings keeps their domUs and
 * fingerprints (the sort keys) and nothing else, and each entry is made from
 * the finding read again as it is written.
 */
import type { ReportedFinding, RunReport } from '../model/contract.js';
import { isSpilledList } from '../model/finding-store.js';
import { compareText } from '../model/order.js';
import { jsonPieces, LazyArray } from '../report/json-pieces.js';

export interface BaselineEntry {
  fingerprint: string;
  check: string;
  /** The kind of problem (the check's message id); the fingerprint rests on it. */
  messageId?: string;
  domain?: string;
  key?: string;
  /** The text when the baseline was written: for the reader, never matched. */
  message: string;
}

/** The baseline's text, whole. */
export function baselineOf(report: RunReport): string {
  return [...baselinePieces(report)].join('');
}

/** The baseline's text in pieces of about 64 KiB, ending in a newline. */
export function* baselinePieces(report: RunReport): Generator<string> {
  const entries = sortedEntries(report);
  let next = 0;
  const findings = new LazyArray<BaselineEntry>(entries.length, (i) => {
    // jsonPieces asks for the entries in order, once each.
    if (i !== next++) throw new Error(`the baseline's entries were asked out of order (${i})`);
    return entryOf(entries.next());
  });
  yield* jsonPieces({ baselineVersion: 1, tool: 'xenlint', findings });
  yield '\n';
}

function entryOf(f: ReportedFinding): BaselineEntry {
  const e: BaselineEntry = { fingerprint: f.fingerprint, check: f.check, message: f.message };
  if (f.messageId !== undefined) e.messageId = f.messageId;
  if (f.domain) e.domain = f.domain;
  if (f.key) e.key = f.key;
  return e;
}

/**
 * The run's findings in the baseline's order — by check, domU ('' for none) and
 * fingerprint, findings alike in all three in the run's order — read one at a
 * time. A finding's check is its outcome's id in a spill (the engine made both);
 * in a list in memory (a report built elsewhere) each finding's own is asked.
 */
function sortedEntries(report: RunReport): { length: number; next(): ReportedFinding } {
  const byCheck = new Map<string, Array<{ findings: readonly ReportedFinding[]; at: number[] | undefined }>>();
  let length = 0;
  const add = (check: string, findings: readonly ReportedFinding[], at: number[] | undefined): void => {
    let lists = byCheck.get(check);
    if (!lists) byCheck.set(check, (lists = []));
    lists.push({ findings, at });
  };
  for (const o of report.checks) {
    const findings = o.findings;
    length += findings.length;
    if (findings.length === 0) continue;
    if (isSpilledList(findings)) {
      add(o.id, findings, undefined);
      continue;
    }
    const mine = new Map<string, number[]>();
    findings.forEach((f, i) => {
      let at = mine.get(f.check);
      if (!at) mine.set(f.check, (at = []));
      at.push(i);
    });
    for (const [check, at] of mine) add(check, findings, at);
  }
  const checks = [...byCheck.keys()].sort(compareText);
  const pending = (function* (): Generator<ReportedFinding> {
    for (const check of checks) yield* checkInOrder(check, byCheck.get(check)!);
  })();
  return {
    length,
    next(): ReportedFinding {
      const r = pending.next();
      if (r.done) throw new Error('the baseline ran out of findings');
      return r.value;
    },
  };
}

/** One check's findings (from one list or several), by domU and fingerprint. */
function* checkInOrder(check: string, lists: Array<{ findings: readonly ReportedFinding[]; at: number[] | undefined }>): Generator<ReportedFinding> {
  let count = 0;
  for (const { findings, at } of lists) count += at ? at.length : findings.length;
  // The n-th finding of the check is lists[list[n]].findings[index[n]].
  const list = new Int32Array(count);
  const index = new Int32Array(count);
  let n = 0;
  lists.forEach(({ findings, at }, l) => {
    const size = at ? at.length : findings.length;
    for (let k = 0; k < size; k++, n++) {
      list[n] = l;
      index[n] = at ? at[k]! : k;
    }
  });
  const finding = (n: number): ReportedFinding => lists[list[n]!]!.findings[index[n]!]!;
  const domains = new Array<string>(count);
  const prints = new Array<string>(count);
  for (let n = 0; n < count; n++) {
    const f = finding(n);
    if (f.check !== check) throw new Error(`a finding of ${check} names the check ${String(f.check)}`);
    domains[n] = f.domain ?? '';
    prints[n] = f.fingerprint;
  }
  const order = Int32Array.from({ length: count }, (_, n) => n).sort((a, b) => compareText(domains[a]!, domains[b]!) || compareText(prints[a]!, prints[b]!) || a - b);
  domains.length = 0;
  prints.length = 0;
  for (const n of order) yield finding(n);
}
