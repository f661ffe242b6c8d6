/**
 * Small pieces every report format needs. Kept free of heavy imports so that
 * loading one formatter costs only that formatter.
 *
 * Checks may be plugins, so nothing here trusts a finding's shape beyond its
 * type: a line of 0 or NaN is treated as "no line", never passed on to a format
 * (SARIF, GitHub) that would reject the whole document for it.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { CheckOutcome, ReportedFinding, RunReport, Status } from '../model/contract.js';
import type { Severity } from '../model/diagnostic.js';
import type { LocationContext } from './options.js';
import { forEachSeverity } from '../model/finding-store.js';
import { isNormalAbsolute, isNormalRelative } from '../model/posix-path.js';

/** A finding's file without reading a spilled finding back (cli/model/finding-store.ts). */
export { findingAt, settledFile } from '../model/finding-store.js';

/** Keys to entry numbers in a typed array (stylish groups its files through one). */
export { KeyIndex } from '../model/key-index.js';
export { releaseNow } from '../model/release-buffer.js';

/** `disk-spec/duplicate-vdev`: how reports name a finding's kind (cli/model/messages.ts). */
export { findingCode } from '../model/messages.js';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
export const STATUSES: readonly Status[] = ['pass', 'fail', 'skipped', 'not-applicable', 'error'];

/** A 1-based line or column, or undefined when the value is not one. */
export function position(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/** Lone UTF-16 surrogates become U+FFFD: URI encoders throw on them and XML forbids them. */
export function wellFormed(s: string): string {
  // The built-ins (ES2024, in Node 20): a regex replace with a look-behind a call was ~2 % of writing SARIF at 10 000 configs (issue 14).
  const t = s as string & { isWellFormed(): boolean; toWellFormed(): string };
  return t.isWellFormed() ? s : t.toWellFormed();
}

/** Where a file sits relative to cwd, or undefined when it is outside it. */
export function insideCwd(file: string, cwd: string): string | undefined {
  // Nearly always both are absolute and normal: then resolve leaves the file as it is and relative is what
  // follows cwd's own path and a `/` (posix-path.ts; path.resolve and path.relative walk them three times).
  if (sep === '/' && isNormalAbsolute(cwd)) {
    if (isNormalAbsolute(file)) {
      if (cwd === '/') return file === '/' ? undefined : file.slice(1);
      return file.startsWith(cwd) && file.charCodeAt(cwd.length) === 47 ? file.slice(cwd.length + 1) : undefined;
    }
    // A normal relative path is its own answer: the very string, where resolve and relative made a new
    // one for every file (~6 MiB at 100 000 configs named relative to cwd, as the bench and pre-commit do).
    if (isNormalRelative(file)) return file;
  }
  const rel = relative(cwd, resolve(cwd, file));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** The path a person (or a CI annotation) should see: relative to cwd when inside it. */
export function displayPath(file: string, cwd: string): string {
  // A report of 100 000 guests names each file many times; path.resolve is the expensive part.
  // Keyed by the file's own string, which the run holds anyway (a key of cwd and file was ~100 bytes more
  // a file, at 100 000 configs ~10 MiB: issue 14); a path outside cwd is shown as the very string given, where it can be.
  if (cwd !== displayedCwd) {
    displayed.clear();
    displayedCwd = cwd;
  }
  let shown = displayed.get(file);
  if (shown === undefined) {
    if (displayed.size >= 65536) displayed.clear();
    shown = shownPath(file, cwd);
    displayed.set(file, shown);
  }
  return shown;
}

/** displayPath without its cache, for a caller that asks once a file (stylish's grouping: filling the cache was ~2 MiB of table at 100 000 configs). */
export function shownPath(file: string, cwd: string): string {
  return insideCwd(file, cwd) ?? (sep === '/' ? file : file.split(sep).join('/'));
}

const displayed = new Map<string, string>();
let displayedCwd: string | undefined;

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 passed, 2 failed, 7 skipped, 1 not applicable, 1 error": zero counts left out. */
export function statusCounts(summary: Record<Status, number>): string {
  const words: Record<Status, string> = {
    pass: 'passed',
    fail: 'failed',
    skipped: 'skipped',
    'not-applicable': 'not applicable',
    error: 'error',
  };
  const parts = STATUSES.filter((s) => (summary[s] ?? 0) > 0).map((s) =>
    s === 'error' ? plural(summary[s], 'error') : `${summary[s]} ${words[s]}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'no checks ran';
}

/** "2 errors, 1 warning, 1 info": zero counts left out. */
export function severityCounts(counts: Record<Severity, number>): string {
  const parts: string[] = [];
  if (counts.error) parts.push(plural(counts.error, 'error'));
  if (counts.warning) parts.push(plural(counts.warning, 'warning'));
  if (counts.info) parts.push(`${counts.info} info`);
  return parts.join(', ');
}

/** Counted from the checks themselves, so a hand-built or edited summary cannot mislead. */
export function countFindings(report: RunReport): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const o of report.checks) forEachSeverity(o.findings, (severity) => (counts[severity] = (counts[severity] ?? 0) + 1));
  return counts;
}

export function countStatuses(report: RunReport): Record<Status, number> {
  const counts: Record<Status, number> = { pass: 0, fail: 0, skipped: 0, 'not-applicable': 0, error: 0 };
  for (const o of report.checks) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}

export function totalSuppressed(report: RunReport): number {
  return report.checks.reduce((n, o) => n + (Number.isFinite(o.suppressed) ? o.suppressed : 0), 0);
}

/** By line, then column, then the checks' own order; findings without a line come first. */
export function byPosition(order: Map<string, number>) {
  return (a: ReportedFinding, b: ReportedFinding): number =>
    (position(a.line) ?? 0) - (position(b.line) ?? 0) ||
    (position(a.column) ?? 0) - (position(b.column) ?? 0) ||
    (order.get(a.check) ?? 0) - (order.get(b.check) ?? 0);
}

export function checkOrder(report: RunReport): Map<string, number> {
  return new Map(report.checks.map((o, i) => [o.id, i]));
}

export function outcomesWith(report: RunReport, status: Status): CheckOutcome[] {
  return report.checks.filter((o) => o.status === status);
}

/** Host evidence under these directories is kernel state, not a file a reader can open. */
const PSEUDO_FS = /^\/(?:proc|sys)(?:\/|$)/;

/**
 * Does a finding's `file` name a file someone can open? Not when it names a
 * command's output ("xl info"), nor, for a checked host, a /proc or /sys value.
 */
export function namesAFile(file: string, ctx: LocationContext | undefined): boolean {
  if (ctx?.commandOutputs?.has(file)) return false;
  return !(ctx?.host && PSEUDO_FS.test(file.replace(/\/{2,}/g, '/')));
}

/**
 * The largest `measure` over `items`, at least `floor`. Never `Math.max(...xs)`:
 * spreading a report's 300 000 rows into a call overflows the stack.
 */
export function maxOf<T>(items: Iterable<T>, measure: (item: T) => number, floor = 0): number {
  let max = floor;
  for (const item of items) {
    const m = measure(item);
    if (m > max) max = m;
  }
  return max;
}

/**
 * Pieces of a report are joined into strings of about this many characters before they are handed on.
 * At most 64 KiB of text even with a character beyond Latin-1 (two bytes each): at 64 Ki characters
 * a batch written out became a flat string of 128 KiB, past V8's largest regular object, and large
 * objects wait for a full GC — a 100 000-config stylish report piled up ~6 MiB of them (issue 14).
 */
export const BATCH = 1 << 15;

/**
 * A report's text in strings of about BATCH characters (issue 14): written one by one, a
 * report of 100 000 guests is never one string, and the writer is not asked to
 * write each of its hundreds of thousands of small pieces on its own.
 */
export function* batched(pieces: Iterable<string>): Generator<string> {
  let batch = '';
  for (const piece of pieces) {
    batch += piece;
    if (batch.length >= BATCH) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}

/** A typed array twice as long, starting with `a`'s values. */
export function grown<T extends Uint8Array | Int32Array>(a: T): T {
  const b = new (a.constructor as new (length: number) => T)(a.length * 2);
  b.set(a as ArrayLike<number> & T);
  return b;
}

/**
 * The members of each of `groups` groups, given each item's group (`groupOf`):
 * their indexes in order, as a view of one array sorted by group (a counting sort).
 */
export function membersOf(groupOf: Int32Array, groups: number): { of(g: number): Int32Array } {
  const start = new Int32Array(groups + 1);
  for (const g of groupOf) start[g + 1]!++;
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const next = start.slice(0, groups);
  const sorted = new Int32Array(groupOf.length);
  for (let i = 0; i < groupOf.length; i++) sorted[next[groupOf[i]!]!++] = i;
  return { of: (g) => sorted.subarray(start[g]!, start[g + 1]!) };
}
