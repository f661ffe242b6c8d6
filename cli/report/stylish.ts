/**
 * The human report: findings grouped by file (file-less ones under "host"),
 * one aligned line each, then what the run amounted to — including the checks
 * that did not run and why, because a quiet report must never be mistaken for
 * a clean one.
 */
import type { CheckOutcome, ReportedFinding, RunReport } from '../model/contract.js';
import type { Severity } from '../model/diagnostic.js';
import type { FormatOptions } from './options.js';
import { displayWidth, padEnd, palette, severityPaint, visible, type Paint, type Palette } from './color.js';
import {
  checkOrder,
  countFindings,
  countStatuses,
  displayPath,
  findingAt,
  findingCode,
  maxOf,
  outcomesWith,
  plural,
  position,
  settledFile,
  severityCounts,
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

/** Pieces are joined into strings of about this many characters before they are handed on. */
const BATCH = 1 << 16;

/**
 * What one file's table is made of: its findings, each as its check's index in
 * the report times the number of checks plus its index in the check's findings
 * (read only when the table is written: a run's findings may be in a spill),
 * then its input problems.
 */
interface Items {
  findings: number[];
  problems: Array<RunReport['problems'][number]>;
}

/** The files in report order, each with a function that makes its rows (sorted) when its table is written. */
function groups(report: RunReport, opts: FormatOptions, p: Palette): Array<[string, () => Row[]]> {
  const order = checkOrder(report);
  const byFile = new Map<string, Items>();
  // A check's findings come file by file: the last file's items are asked for again and again.
  let lastFile: string | undefined;
  let lastItems: Items | undefined;
  const itemsOf = (file: string | undefined): Items => {
    if (lastItems !== undefined && file === lastFile) return lastItems;
    const key = file ? displayPath(file, opts.cwd) : HOST;
    let items = byFile.get(key);
    if (!items) byFile.set(key, (items = { findings: [], problems: [] }));
    lastFile = file;
    lastItems = items;
    return items;
  };
  const checks = report.checks.length;
  report.checks.forEach((o, c) => {
    for (let i = 0; i < o.findings.length; i++) itemsOf(settledFile(o.findings, i)).findings.push(i * checks + c);
  });
  for (const problem of report.problems) itemsOf(problem.file).problems.push(problem);
  // Sorted by position and then check order, stably over the checks' own order: as byPosition sorts the whole report.
  const rowsOf = (items: Items) => (): Row[] => {
    const rows = items.findings.map((ref) => {
      const f = findingAt(report.checks[ref % checks]!.findings, Math.floor(ref / checks));
      return findingRow(f, order.get(f.check) ?? 0, opts, p);
    });
    for (const problem of items.problems) rows.push(problemRow(problem, p));
    return rows.sort((a, b) => a.line - b.line || a.column - b.column || a.order - b.order);
  };
  const fileRank = new Map(report.files.map((f, i) => [displayPath(f, opts.cwd), i]));
  return [...byFile.entries()]
    .sort(([a], [b]) => {
      if (a === HOST || b === HOST) return a === HOST ? (b === HOST ? 0 : -1) : 1;
      const ra = fileRank.get(a) ?? Number.MAX_SAFE_INTEGER;
      const rb = fileRank.get(b) ?? Number.MAX_SAFE_INTEGER;
      return ra - rb || (a < b ? -1 : a > b ? 1 : 0);
    })
    .map(([key, items]) => [key, rowsOf(items)]);
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
  const locWidth = maxOf(rows, (r) => displayWidth(r.location));
  const labelWidth = maxOf(rows, (r) => r.label.length);
  const msgWidth = maxOf(rows, (r) => displayWidth(stripSgr(r.message[0] ?? '')));
  const indent = ' '.repeat(2 + locWidth + 2 + labelWidth + 2);
  const out: string[] = [];
  for (const r of rows) {
    const first = r.message[0] ?? '';
    const pad = ' '.repeat(Math.max(0, msgWidth - displayWidth(stripSgr(first))));
    const idPart = r.id ? `${pad}  ${p.dim(visible(r.id))}` : '';
    const location = ' '.repeat(locWidth - displayWidth(r.location)) + p.dim(r.location);
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
