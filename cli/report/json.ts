/**
 * The machine report, shaped by schemas/report.schema.json. Every key is always
 * present: an absent value is `null`, never a missing key, so consumers (jq, a
 * dashboard) do not need to tell "absent" from "forgot to print". Positions
 * that are not 1-based integers (a plugin's mistake) become null too, so the
 * document always validates against its schema.
 */
import type { CheckOutcome, ReportedFinding, RunReport, Status } from '../model/contract.js';
import type { Severity } from '../model/diagnostic.js';
import type { FormatOptions } from './options.js';
import { findingAt, position } from './shared.js';
import { jsonPieces, LazyArray } from './json-pieces.js';

export interface JsonFinding {
  check: string;
  severity: Severity;
  messageId: string | null;
  message: string;
  data: Record<string, string | number | boolean> | null;
  file: string | null;
  line: number | null;
  column: number | null;
  domain: string | null;
  key: string | null;
  remediation: string | null;
  evidence: Record<string, string | number | boolean> | null;
  unverified: boolean;
  fingerprint: string;
  /** Fleet runs only. */
  host?: string;
}

export interface JsonCheck {
  id: string;
  title: string;
  severity: Severity;
  xen: string | null;
  /** https address of the check's documentation page; null when it has none. */
  docs: string | null;
  status: Status;
  reason: string | null;
  findings: JsonFinding[];
  suppressed: number;
  /** Fleet runs only. */
  host?: string;
}

export interface JsonReport {
  reportVersion: 1;
  tool: { name: 'xenlint'; version: string };
  command: RunReport['command'];
  xen: { version: string; source: string } | null;
  /** How the run judged its inputs (free memory as of a saved capture, …); absent when there is nothing to say. */
  notes?: string[];
  files: string[];
  checks: JsonCheck[];
  problems: Array<{ file: string | null; line: number | null; column: number | null; message: string; host?: string }>;
  summary: RunReport['summary'];
  /** Fleet runs only. */
  hosts?: Array<{ name: string; root: string; xen: { version: string; source: string } | null; files: string[]; summary: RunReport['summary'] }>;
}

export function toJsonReport(report: RunReport, opts?: Pick<FormatOptions, 'rules'>): JsonReport {
  return jsonReportOf(report, opts, (o) => o.findings.map(jsonFinding));
}

/** The report, its findings made by `findings` (an array, or one made as it is written). */
function jsonReportOf<F>(report: RunReport, opts: Pick<FormatOptions, 'rules'> | undefined, findings: (o: CheckOutcome) => F): Omit<JsonReport, 'checks'> & { checks: Array<Omit<JsonCheck, 'findings'> & { findings: F }> } {
  return {
    reportVersion: 1,
    tool: { name: 'xenlint', version: report.tool.version },
    command: report.command,
    xen: report.xen ? { version: report.xen.version, source: report.xen.source } : null,
    ...(report.notes && report.notes.length > 0 ? { notes: [...report.notes] } : {}),
    files: [...report.files],
    checks: report.checks.map((o) => jsonCheck(o, opts?.rules.get(o.id)?.helpUri, findings(o))),
    problems: report.problems.map((p) => ({
      file: p.file ?? null,
      line: position(p.line) ?? null,
      column: position(p.column) ?? null,
      message: p.message,
      ...(p.host !== undefined ? { host: p.host } : {}),
    })),
    summary: {
      pass: report.summary.pass,
      fail: report.summary.fail,
      skipped: report.summary.skipped,
      'not-applicable': report.summary['not-applicable'],
      error: report.summary.error,
      findings: { ...report.summary.findings },
    },
    ...(report.hosts
      ? { hosts: report.hosts.map((h) => ({ name: h.name, root: h.root, xen: h.xen ? { ...h.xen } : null, files: [...h.files], summary: { ...h.summary, findings: { ...h.summary.findings } } })) }
      : {}),
  };
}

/** These statuses are explained by their reason; the schema requires one. */
const NEEDS_REASON = new Set<Status>(['skipped', 'not-applicable', 'error']);

function jsonCheck<F>(o: CheckOutcome, docs: string | undefined, findings: F): Omit<JsonCheck, 'findings'> & { findings: F } {
  return {
    id: o.id,
    title: o.title,
    severity: o.severity,
    xen: o.xen ?? null,
    docs: docs !== undefined && /^https:\/\//.test(docs) ? docs : null,
    status: o.status,
    reason: o.reason !== undefined && o.reason !== '' ? o.reason : NEEDS_REASON.has(o.status) ? 'no reason given' : null,
    findings,
    suppressed: Number.isSafeInteger(o.suppressed) && o.suppressed >= 0 ? o.suppressed : 0,
    ...(o.host !== undefined ? { host: o.host } : {}),
  };
}

function jsonFinding(f: ReportedFinding): JsonFinding {
  return {
    check: f.check,
    severity: f.severity,
    messageId: f.messageId ?? null,
    message: f.message,
    data: f.messageId !== undefined && f.data ? jsonEvidence(f.data) : null,
    file: f.file ?? null,
    line: position(f.line) ?? null,
    column: position(f.column) ?? null,
    domain: f.domain ?? null,
    key: f.key ?? null,
    remediation: f.remediation ?? null,
    evidence: f.evidence ? jsonEvidence(f.evidence) : null,
    unverified: f.unverified === true,
    fingerprint: f.fingerprint,
    ...(f.host !== undefined ? { host: f.host } : {}),
  };
}

/** NaN and Infinity would print as null, which the schema rejects: keep them as text. */
function jsonEvidence(evidence: Record<string, string | number | boolean>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(evidence)) out[k] = typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
  return out;
}

export function formatJson(report: RunReport, opts?: FormatOptions): string {
  return [...jsonReportPieces(report, opts)].join('');
}

/** formatJson's text in pieces, each finding made as it is written: the report is never held as one string. */
export function* jsonReportPieces(report: RunReport, opts?: FormatOptions): Generator<string> {
  yield* jsonPieces(jsonReportOf(report, opts, (o) => new LazyArray(o.findings.length, (i) => jsonFinding(findingAt(o.findings, i)))));
  yield '\n';
}
