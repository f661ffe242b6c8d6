/**
 * The human report: findings grouped by file (file-less ones under "host"),
 * one aligned line each, then what the run amounted to — including the checks
 * that did not run and why, because a quiet report must never be mistaken for
 * a clean one.
 */
import type { CheckOutcome, ReportedFinding, RunReport } from '../model/contract.js';
import type { Severity } from '../model/diagnostic.js';
import type { FormatOptions } from './options.js';
import { KeyIndex, releaseNow } from './shared.js';
import { displayWidth, padEnd, palette, severityPaint, visible, type Paint, type Palette } from './color.js';
import {
  BATCH,
  checkOrder,
  countFindings,
  countStatuses,
  findingAt,
  findingCode,
  maxOf,
  outcomesWith,
  plural,
  position,
  settledFile,
  severityCounts,
  shownPath,
  statusCounts,
  totalSuppressed,
} from './shared.js';

interface Row {
  line: number;
  column: number;
  order: number;
  location: string;
  label: string;
  paint: Paint;
  message: string[];
  id: string;
  notes: string[];
}

const HOST = '\u0000host';

/** How many skip reasons the one-line summary names before it says "and N more". */
const SKIP_REASONS_SHOWN = 3;

export function formatStylish(report: RunReport, opts: FormatOptions): string {
  return [...stylishPieces(report, opts)].join('');
}

/** formatStylish's text in pieces, one file's table at a time: neither every row nor the whole text is held at once. */
export function* stylishPieces(report: RunReport, opts: FormatOptions): Generator<string> {
  const p = palette(opts.color);
  let batch = '';
  const emit = function* (group: Iterable<string>): Generator<string> {
    for (const line of group) {
      batch += `${line}\n`;
      if (batch.length >= BATCH) {
        yield batch;
        batch = '';
      }
    }
  };
  for (const [heading, rows] of groups(report, opts, p)) {
    yield* emit([heading === HOST ? p.underline('host') : p.underline(visible(heading))]);
    yield* emit(table(rows(), p));
    yield* emit(['']);
  }
  yield* emit(summary(report, opts, p));
  if (batch !== '') yield batch;
}

/**
 * The files in report order, each with a function that makes its rows (sorted)
 * when its table is written. A report of 100 000 files is grouped in typed
 * arrays (issue 14): each finding is its check's index in the report plus the
 * number of checks times its index in the check's findings, read only when its
 * table is written (a run's findings may be in a spill); a Map, an object and
 * two arrays a file were ~60 MiB of heap at 100 000 configs, the run's peak.
 */
function* groups(report: RunReport, opts: FormatOptions, p: Palette): Generator<[string, () => Row[]]> {
  const order = checkOrder(report);
  const checks = report.checks.length;
  const grouped = groupByFile(report, opts.cwd);
  const { heading, start, refs, problems } = grouped;
  const rowsOf = (g: number) => (): Row[] => {
    const rows: Row[] = [];
    for (let k = start[g]!; k < start[g + 1]!; k++) {
      const ref = refs[k]!;
      const f = findingAt(report.checks[ref % checks]!.findings, Math.floor(ref / checks));
      rows.push(findingRow(f, order.get(f.check) ?? 0, opts, p));
    }
    for (const problem of problems.get(g) ?? []) rows.push(problemRow(problem, p));
    // Sorted by position and then check order, stably over the checks' own order: as byPosition sorts the whole report.
    return rows.sort((a, b) => a.line - b.line || a.column - b.column || a.order - b.order);
  };
  for (const g of grouped.order) yield [heading(g), rowsOf(g)];
}

interface FileGroups {
  /** Group g's heading: the file as displayed, or HOST. */
  heading(g: number): string;
  /** The groups that have findings or problems, in report order: host first, then by the file's place in the run's files, then by name. */
  order: Int32Array;
  /** Group g's findings are refs[start[g]] up to refs[start[g + 1]], in check order and then each check's own. */
  start: Int32Array;
  refs: Int32Array | Float64Array;
  /** Each group's input problems, in report order. */
  problems: Map<number, Array<RunReport['problems'][number]>>;
}

/**
 * The groups are numbered by file: 0 the host, 1 + i the run's i-th file
 * (of the files shown alike, the last: a file's place is its last in the run's
 * files), then the files only findings or problems name, as they come. A
 * heading's group is found through a KeyIndex over the run's files as shown,
 * sized once; the headings are made again when asked, not kept. A Map of
 * heading to group and displayPath's cache were the 100 000-config run's peak
 * (the heap grew ~10 MiB for ~4 MiB live as they grew and refilled: issue 14).
 */
function groupByFile(report: RunReport, cwd: string): FileGroups {
  const checks = report.checks.length;
  const files = report.files;
  const listed = files.length;
  /** The headings of the files the run does not list, by their number after the listed ones. */
  const unlisted: string[] = [];
  const headingOf = (entry: number): string => (entry < listed ? shownPath(files[entry]!, cwd) : unlisted[entry - listed]!);
  const entries = new KeyIndex(headingOf, listed);
  // From the end: of the files shown alike, the last one is the first the index keeps.
  for (let i = listed - 1; i >= 0; i--) entries.firstOr(shownPath(files[i]!, cwd), i);
  // A check's findings come file by file: the last file's group is asked for again and again.
  let lastFile: string | undefined;
  let lastGroup = -1;
  const group = (file: string | undefined): number => {
    if (lastGroup >= 0 && file === lastFile) return lastGroup;
    let g = 0;
    if (file) {
      const shown = shownPath(file, cwd);
      const entry = entries.firstOr(shown, listed + unlisted.length);
      g = 1 + (entry >= 0 ? entry : listed + unlisted.push(shown) - 1);
    }
    lastFile = file;
    lastGroup = g;
    return g;
  };
  let total = 0;
  for (const o of report.checks) total += o.findings.length;
  // Each finding's group, in report order (check by check); its ref is not stored but made again below from
  // the same walk (a Float64Array of refs in report order was 8 bytes a finding more at the report's peak: issue 14).
  const groupOfRef = new Int32Array(total);
  let n = 0;
  report.checks.forEach((o) => {
    for (let i = 0; i < o.findings.length; i++, n++) groupOfRef[n] = group(settledFile(o.findings, i));
  });
  const problems = new Map<number, Array<RunReport['problems'][number]>>();
  for (const problem of report.problems) {
    const g = group(problem.file);
    const list = problems.get(g);
    if (list) list.push(problem);
    else problems.set(g, [problem]);
  }
  // Counting sort by group, stable: each group's findings keep the order above.
  const count = 1 + listed + unlisted.length;
  const start = new Int32Array(count + 1);
  for (let k = 0; k < total; k++) start[groupOfRef[k]! + 1]!++;
  for (let g = 0; g < count; g++) start[g + 1]! += start[g]!;
  const next = start.slice(0, count);
  // A ref fits in 32 bits while findings × checks stays below 2^31 (about 200 000 × 35 at 100 000 configs): 4 bytes a finding, not 8.
  const refs = total * checks <= 0x7fffffff ? new Int32Array(total) : new Float64Array(total);
  n = 0;
  report.checks.forEach((o, c) => {
    for (let i = 0; i < o.findings.length; i++, n++) refs[next[groupOfRef[n]!]!++] = i * checks + c;
  });
  // Freed now, not at a full GC: the report's pieces come next (issue 14).
  releaseNow(groupOfRef);
  releaseNow(next);
  entries.close();
  const heading = (g: number): string => (g === 0 ? HOST : headingOf(g - 1));
  // The host and the listed files in their numbers' order, each only if it has something to show; the unlisted ones by name.
  const shows = (g: number): boolean => start[g + 1]! > start[g]! || problems.has(g);
  let shownListed = 0;
  for (let g = 0; g <= listed; g++) if (shows(g)) shownListed++;
  const order = new Int32Array(shownListed + unlisted.length);
  let o = 0;
  for (let g = 0; g <= listed; g++) if (shows(g)) order[o++] = g;
  for (let u = 0; u < unlisted.length; u++) order[o + u] = 1 + listed + u;
  order.subarray(o).sort((x, y) => {
    const a = heading(x);
    const b = heading(y);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return { heading, order, start, refs, problems };
}

function problemRow(problem: RunReport['problems'][number], p: Palette): Row {
  const line = position(problem.line);
  const column = position(problem.column);
  return {
    line: line ?? 0,
    column: column ?? 0,
    order: -1,
    location: locationText(line, column, undefined),
    label: 'problem',
    paint: p.red,
    message: lines(problem.message),
    id: '',
    notes: [],
  };
}

function findingRow(f: ReportedFinding, order: number, opts: FormatOptions, p: Palette): Row {
  const line = position(f.line);
  const column = position(f.column);
  const message = lines(f.message);
  if (f.unverified && message.length > 0) message[0] = `${message[0]} ${p.dim('(unverified)')}`;
  const notes: string[] = [];
  if (opts.verbose) {
    if (f.remediation) notes.push(...prefixed('fix: ', lines(f.remediation)));
    if (f.evidence && Object.keys(f.evidence).length > 0) {
      const facts = Object.entries(f.evidence).map(([k, v]) => `${k}=${String(v)}`);
      notes.push(...prefixed('evidence: ', lines(facts.join(', '))));
    }
  }
  return {
    line: line ?? 0,
    column: column ?? 0,
    order,
    location: locationText(line, column, f.file ? undefined : f.domain),
    label: f.severity,
    paint: severityPaint(p, f.severity),
    message,
    id: findingCode(f),
    notes,
  };
}

function locationText(line: number | undefined, column: number | undefined, domain: string | undefined): string {
  if (line !== undefined) return column !== undefined ? `${line}:${column}` : `${line}`;
  return domain ? visible(domain) : '';
}

/** A message split into terminal-safe lines; an empty message still takes one line. */
function lines(text: string): string[] {
  const parts = visible(String(text)).split('\n');
  while (parts.length > 1 && parts[parts.length - 1]!.trim() === '') parts.pop();
  return parts;
}

function prefixed(prefix: string, body: string[]): string[] {
  return body.map((l, i) => (i === 0 ? prefix : ' '.repeat(prefix.length)) + l);
}

function oneLine(text: string): string {
  return lines(text)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
}

function table(rows: Row[], p: Palette): string[] {
  // Each width measured once (displayWidth walks the text): twice a row was ~a third of the table's time at 10 000 configs (issue 14).
  const locWidths = rows.map((r) => displayWidth(r.location));
  const msgWidths = rows.map((r) => displayWidth(stripSgr(r.message[0] ?? '')));
  const locWidth = maxOf(locWidths, (w) => w);
  const labelWidth = maxOf(rows, (r) => r.label.length);
  const msgWidth = maxOf(msgWidths, (w) => w);
  const indent = ' '.repeat(2 + locWidth + 2 + labelWidth + 2);
  const out: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const first = r.message[0] ?? '';
    const pad = ' '.repeat(Math.max(0, msgWidth - msgWidths[i]!));
    const idPart = r.id ? `${pad}  ${p.dim(visible(r.id))}` : '';
    const location = ' '.repeat(locWidth - locWidths[i]!) + p.dim(r.location);
    const label = r.paint(r.label) + ' '.repeat(labelWidth - r.label.length);
    out.push(`  ${location}  ${label}  ${first}${idPart}`.trimEnd());
    for (const more of r.message.slice(1)) out.push(`${indent}${more}`.trimEnd());
    for (const note of r.notes) out.push(`${indent}${p.dim(note)}`.trimEnd());
  }
  return out;
}

/** The width of a message that already carries a colour code (the "(unverified)" mark). */
function stripSgr(text: string): string {
  if (!text.includes('\u001b')) return text;
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function summary(report: RunReport, opts: FormatOptions, p: Palette): string[] {
  const out: string[] = [];
  const findings = countFindings(report);
  const total = findings.error + findings.warning + findings.info;
  if (total > 0) {
    const paint = worst(findings) === 'error' ? p.red : worst(findings) === 'warning' ? p.yellow : p.cyan;
    out.push(paint(p.bold(`\u2716 ${plural(total, 'finding')} (${severityCounts(findings)})`)));
  } else if (report.problems.length === 0) {
    out.push(p.green(p.bold('No problems found')));
  }
  if (report.problems.length > 0) out.push(p.red(p.bold(`\u2716 ${plural(report.problems.length, 'input problem')}`)));
  const suppressed = totalSuppressed(report);
  if (suppressed > 0) {
    out.push(p.dim(`${plural(suppressed, 'finding')} hidden by inline suppressions or the baseline`));
  }
  if (report.xen) out.push(`Checked against Xen ${visible(report.xen.version.replace(/\+.*$/, ""))} (from ${oneLine(report.xen.source)})`);
  for (const note of report.notes ?? []) out.push(oneLine(note));
  out.push(`Checks: ${statusCounts(countStatuses(report))}`);
  out.push(...skippedLines(outcomesWith(report, 'skipped'), opts, p));
  out.push(...notApplicableLines(outcomesWith(report, 'not-applicable'), report, opts, p));
  out.push(...errorLines(outcomesWith(report, 'error'), p));
  out.push(...docLines(report, opts, p));
  return out;
}

/** With --verbose: where to read about each check that reported something, each link once. */
function docLines(report: RunReport, opts: FormatOptions, p: Palette): string[] {
  if (!opts.verbose) return [];
  const ids = [...new Set(report.checks.filter((o) => o.findings.length > 0).map((o) => o.id))];
  const links = ids.flatMap((id) => {
    const uri = opts.rules.get(id)?.helpUri;
    return uri ? [[visible(id), visible(uri)] as const] : [];
  });
  if (links.length === 0) return [];
  const width = maxOf(links, ([id]) => displayWidth(id));
  return ['Documentation:', ...links.map(([id, uri]) => `  ${padEnd(id, width)}  ${p.dim(uri)}`)];
}

function worst(counts: Record<Severity, number>): Severity {
  return counts.error > 0 ? 'error' : counts.warning > 0 ? 'warning' : 'info';
}

/** One line normally; the full list with --verbose. */
function skippedLines(skipped: CheckOutcome[], opts: FormatOptions, p: Palette): string[] {
  if (skipped.length === 0) return [];
  const head = `${plural(skipped.length, 'check')} skipped`;
  if (opts.verbose) return [`${head}:`, ...idReasonTable(skipped, p)];
  const byReason = new Map<string, number>();
  for (const o of skipped) {
    const reason = oneLine(o.reason ?? 'no reason given');
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  const reasons = [...byReason.entries()].sort((a, b) => b[1] - a[1]);
  const shown = reasons.slice(0, SKIP_REASONS_SHOWN).map(([reason, n]) => (reasons.length > 1 ? `${reason} [${n}]` : reason));
  const rest = reasons.length - shown.length;
  if (rest > 0) shown.push(`${plural(rest, 'other reason')}`);
  return [p.dim(`${head}: ${shown.join('; ')} (--verbose lists them)`)];
}

/** Compact, and only with --verbose: the count is already on the "Checks:" line. */
function notApplicableLines(na: CheckOutcome[], report: RunReport, opts: FormatOptions, p: Palette): string[] {
  if (na.length === 0 || !opts.verbose) return [];
  const items = na.map((o) => `${visible(o.id)} (${o.xen ? visible(o.xen) : oneLine(o.reason ?? 'outside its Xen range')})`);
  const target = report.xen ? ` to Xen ${visible(report.xen.version)}` : '';
  return [p.dim(`Not applicable${target}: ${items.join(', ')}`)];
}

/** Always listed: a check that could not run leaves a gap the user must know about. */
function errorLines(errors: CheckOutcome[], p: Palette): string[] {
  if (errors.length === 0) return [];
  return [p.red(p.bold(`${plural(errors.length, 'check')} could not run:`)), ...idReasonTable(errors, p)];
}

function idReasonTable(outcomes: CheckOutcome[], p: Palette): string[] {
  const width = maxOf(outcomes, (o) => displayWidth(visible(o.id)));
  return outcomes.map((o) => `  ${padEnd(visible(o.id), width)}  ${p.dim(oneLine(o.reason ?? 'no reason given'))}`.trimEnd());
}
