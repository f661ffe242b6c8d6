/**
 * Where a run keeps its settled findings until the report is written (issue
 * 14). JSON and SARIF list findings check by check and stylish file by file,
 * so every finding shown must outlive the guest it came from: at 100 000
 * configs that was ~237 000 objects of ~580 B each, most of the heap. A
 * `FindingSpill` (finding-spill.ts, loaded only by a run that uses one) writes each one to a temporary file as it settles and keeps
 * only a few bytes of it in memory (where it is in the file, its severity, its
 * file's number); the report reads the findings back one at a time. A
 * `FindingMemory` keeps the objects, as before, for the small runs where a
 * temporary file is not worth its cost.
 *
 * The engine refers to a kept finding by the number `add` returns and hands the
 * report a list of them (`list`): for a spill, an array whose elements are read
 * from the file when asked, so the formats read it as any array. Code that only
 * needs each finding's severity or file asks `forEachSeverity` / `settledFile`,
 * which do not read the file.
 */
import type { ReportedFinding } from './contract.js';
import type { Severity } from './diagnostic.js';

/** Findings by the numbers a FindingStore knows them by (the engine hands over an Int32Array: issue 14). */
export type FindingNumbers = Int32Array | readonly number[];

export interface FindingStore {
  /** False when the store keeps no finding object but writes each one out as it is added (FindingSpill). */
  readonly keepsObjects?: boolean;
  /** Keeps a finding as the engine reported it; returns the number it is known by. */
  add(f: ReportedFinding): number;
  /** Keeps a finding given as the line a FindingSpill writes for it (FindingLine), when the store takes it so. */
  addLine?(f: FindingLine): number;
  /** The finding just added (`id`, the last number `add` returned) as a FindingLine, when the store wrote it as one unchanged by redaction. */
  lineOf?(id: number): FindingLine | undefined;
  /** The finding as reported (before redaction): what suppressions, caps and the baseline match. */
  reported(id: number): ReportedFinding;
  /** Its `file` as reported, without reading it back. */
  file(id: number): string | undefined;
  severity(id: number): Severity;
  /** The findings, in this order, as the report's `findings` array. */
  list(ids: FindingNumbers): ReportedFinding[];
}

/**
 * A settled finding as `lint --cache` keeps it: the JSON text FindingSpill
 * writes for it (JSON.stringify of the finding as reported, which redaction
 * leaves as it is), with the two things the spill keeps of it beside the text,
 * so a cached finding reaches the spill with no parse, redaction or stringify.
 */
export class FindingLine {
  constructor(
    readonly line: string,
    readonly severity: Severity,
    readonly file: string | undefined,
  ) {}
}

/** The findings themselves, in memory. */
export class FindingMemory implements FindingStore {
  private readonly kept: ReportedFinding[] = [];

  add(f: ReportedFinding): number {
    return this.kept.push(f) - 1;
  }
  reported(id: number): ReportedFinding {
    return this.kept[id]!;
  }
  file(id: number): string | undefined {
    return this.kept[id]!.file;
  }
  severity(id: number): Severity {
    return this.kept[id]!.severity;
  }
  list(ids: FindingNumbers): ReportedFinding[] {
    return Array.from(ids, (id) => this.kept[id]!);
  }
}

/** A store whose findings are read back one at a time (FindingSpill). */
export interface SpilledFindings {
  /** The finding as the report shows it (redacted), read back. */
  shown(id: number): ReportedFinding;
  /** Its `file` as the report shows it, without reading it back. */
  shownFile(id: number): string | undefined;
  severity(id: number): Severity;
}

/** What a spilled list is made of: the store and the findings' numbers. */
const spilled = new WeakMap<object, { store: SpilledFindings; ids: FindingNumbers }>();

/**
 * An array of `ids.length` findings read from the spill as each is asked
 * for: indexing, length, iteration and the Array methods work on it as on any
 * array (each read makes a new object). It cannot be changed.
 */
export function spilledArray(store: SpilledFindings, ids: FindingNumbers): ReportedFinding[] {
  // The length is the proxy's answer, not the target's: an array of length ids.length allocated a holey
  // store of 8 bytes a finding, ~2 MiB live through the report at 100 000 configs (issue 14).
  const target: ReportedFinding[] = [];
  const at = (prop: string | symbol): number => {
    if (typeof prop !== 'string') return -1;
    const c = prop.charCodeAt(0);
    if (!(c >= 48 && c <= 57)) return -1;
    const n = Number(prop);
    return Number.isSafeInteger(n) && n < ids.length && String(n) === prop ? n : -1;
  };
  const readOnly = (): boolean => {
    throw new TypeError('a run\'s settled findings cannot be changed');
  };
  const list = new Proxy(target, {
    get(t, prop, receiver) {
      if (prop === 'length') return ids.length;
      const i = at(prop);
      return i >= 0 ? store.shown(ids[i]!) : Reflect.get(t, prop, receiver);
    },
    has(t, prop) {
      return at(prop) >= 0 || Reflect.has(t, prop);
    },
    getOwnPropertyDescriptor(t, prop) {
      // Writable as the target's own (a proxy may report another value only for a writable one); `set` refuses.
      if (prop === 'length') return { value: ids.length, writable: true, enumerable: false, configurable: false };
      const i = at(prop);
      if (i < 0) return Reflect.getOwnPropertyDescriptor(t, prop);
      return { value: store.shown(ids[i]!), writable: false, enumerable: true, configurable: true };
    },
    ownKeys(t) {
      const keys: Array<string | symbol> = [];
      for (let i = 0; i < ids.length; i++) keys.push(String(i));
      return [...keys, ...Reflect.ownKeys(t)];
    },
    set: readOnly,
    defineProperty: readOnly,
    deleteProperty: readOnly,
  });
  spilled.set(list, { store, ids });
  return list;
}

/** Whether `value` is a list of findings read from a spill (already redacted: see FindingSpill). */
export function isSpilledList(value: unknown): boolean {
  return typeof value === 'object' && value !== null && spilled.has(value);
}

/** Each finding's severity, in order, without reading a spilled finding back. */
export function forEachSeverity(findings: readonly ReportedFinding[], visit: (severity: Severity) => void): void {
  const s = spilled.get(findings);
  if (s) for (const id of s.ids) visit(s.store.severity(id));
  else for (const f of findings) visit(f.severity);
}

/** The findings of `findings` at the severities `keep` accepts: a list of the same kind. */
export function withSeverities(findings: readonly ReportedFinding[], keep: (severity: Severity) => boolean): ReportedFinding[] {
  const s = spilled.get(findings);
  if (s) {
    const kept: number[] = [];
    for (const id of s.ids) if (keep(s.store.severity(id))) kept.push(id);
    return spilledArray(s.store, kept);
  }
  return findings.filter((f) => keep(f.severity));
}

/** The i-th finding, as shown: a spilled one read back directly, not through the list's proxy (which makes a text of the index and a number of the text). */
export function findingAt(findings: readonly ReportedFinding[], i: number): ReportedFinding {
  const s = spilled.get(findings);
  return s ? s.store.shown(s.ids[i]!) : findings[i]!;
}

/** The `file` of the i-th finding, as shown, without reading a spilled finding back. */
export function settledFile(findings: readonly ReportedFinding[], i: number): string | undefined {
  const s = spilled.get(findings);
  return s ? s.store.shownFile(s.ids[i]!) : findings[i]!.file;
}
