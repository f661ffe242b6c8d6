/**
 * What `--write-baseline` writes: one entry per finding of the run, sorted by
 * check, domU and fingerprint, as `{ baselineVersion, tool, findings }` JSON
 * (readBaseline in pipeline.ts reads it back).
 *
 * Written piece by piece (issue 14): at 100 000 configs a run's findings are in
 * a spill (cli/model/finding-store.ts) and the baseline used to read them all
 * back at once, sort them and write one string. Now it takes one check at a
 * time, in order: a reading of its findings keeps their domUs and
 * fingerprints (the sort keys) and, up to heldText, each entry's text; the
 * entries are then written in order (a finding past heldText is read again).
 */
import type { ReportedFinding, RunReport } from '../model/contract.js';
import { isSpilledList } from '../model/finding-store.js';
import { compareText } from '../model/order.js';

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

/** Pieces are joined into strings of about this many characters before they are handed on (as report/shared.ts BATCH, whose comment says why 32 Ki). */
const BATCH = 1 << 15;

/**
 * The baseline's text in pieces of about 64 KiB, ending in a newline: what
 * `JSON.stringify(baseline, null, 2)` writes, with each entry's text as
 * checkInOrder made it.
 */
export function* baselinePieces(report: RunReport): Generator<string> {
  const entries = sortedEntries(report);
  const head = '{\n  "baselineVersion": 1,\n  "tool": "xenlint",\n  "findings": ';
  if (entries.length === 0) {
    yield `${head}[]\n}\n`;
    return;
  }
  let batch = `${head}[`;
  for (let i = 0; i < entries.length; i++) {
    batch += `${i === 0 ? '' : ','}\n    ${entries.next()}`;
    if (batch.length >= BATCH) {
      yield batch;
      batch = '';
    }
  }
  yield `${batch}\n  ]\n}\n`;
}

/** An entry as the baseline writes it, at its place in the findings array: JSON.stringify(…, null, 2), indented. */
function entryText(f: ReportedFinding): string {
  return JSON.stringify(entryOf(f), null, 2).replaceAll('\n', '\n    ');
}

function entryOf(f: ReportedFinding): BaselineEntry {
  const e: BaselineEntry = { fingerprint: f.fingerprint, check: f.check, message: f.message };
  if (f.messageId !== undefined) e.messageId = f.messageId;
  if (f.domain) e.domain = f.domain;
  if (f.key) e.key = f.key;
  return e;
}

/**
 * The run's entries in the baseline's order — by check, domU ('' for none) and
 * fingerprint, findings alike in all three in the run's order —, each as its
 * text in the baseline (entryText), one at a time. A finding's check is its
 * outcome's id in a spill (the engine made both); in a list in memory (a
 * report built elsewhere) each finding's own is asked.
 */
function sortedEntries(report: RunReport): { length: number; next(): string } {
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
  const pending = (function* (): Generator<string> {
    for (const check of checks) yield* checkInOrder(check, byCheck.get(check)!);
  })();
  return {
    length,
    next(): string {
      const r = pending.next();
      if (r.done) throw new Error('the baseline ran out of findings');
      return r.value;
    },
  };
}

/**
 * How many characters of entry text one check's write holds: its entries are
 * made as its findings are read (in the run's order) and written from there in
 * the baseline's. Past it (a check with ~20 000 findings), each finding is
 * read again as it is written instead, so that memory stays flat at 100 000
 * guests.
 */
let heldText = 8 << 20;

/** For tests: another bound (0 reads every finding again). Returns the previous one. */
export function setHeldTextForTesting(chars: number): number {
  const was = heldText;
  heldText = chars;
  return was;
}

/**
 * One check's entries (from one list or several), by domU and fingerprint.
 * Each finding is read once where the check's entries fit in heldText (issue
 * 14: the second reading, in the baseline's order, jumped about a spill, one
 * read of the temporary file per finding: +13 % CPU for `--write-baseline`).
 */
function* checkInOrder(check: string, lists: Array<{ findings: readonly ReportedFinding[]; at: number[] | undefined }>): Generator<string> {
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
  let texts: string[] | undefined = [];
  let held = 0;
  for (let n = 0; n < count; n++) {
    const f = finding(n);
    if (f.check !== check) throw new Error(`a finding of ${check} names the check ${String(f.check)}`);
    domains[n] = f.domain ?? '';
    prints[n] = f.fingerprint;
    if (texts) {
      const text = entryText(f);
      held += text.length;
      if (held > heldText) texts = undefined;
      else texts.push(text);
    }
  }
  const order = Int32Array.from({ length: count }, (_, n) => n).sort((a, b) => compareText(domains[a]!, domains[b]!) || compareText(prints[a]!, prints[b]!) || a - b);
  domains.length = 0;
  prints.length = 0;
  for (const n of order) yield texts ? texts[n]! : entryText(finding(n));
}
