/**
 * JUnit XML for CI test dashboards (Jenkins, GitLab, Azure DevOps). One
 * <testsuite> per command; one <testcase> per check, split per domU and file
 * when its findings name them, so a dashboard shows which guest fails which check.
 *
 * A case fails only with a finding at or above --fail-on (the exit code's
 * threshold): findings below it leave the case passed, listed in its
 * <system-out>, so the dashboard and the exit code never disagree.
 * skipped and not-applicable become <skipped>, a check that could not run an
 * <error> (not a failure: a failed probe says nothing about the host), and an
 * unreadable input an <error> under the pseudo-class `xenlint.input`.
 * A case about a file carries `file` (and `line`, its first finding's); a case
 * about the host or a whole check has none rather than a made-up one. `time` is
 * the check's run time, shared evenly by the cases it is split into.
 *
 * Every string from the inputs goes through xmlText/xmlAttr: characters XML 1.0
 * cannot carry at all (most C0 controls, U+FFFE/U+FFFF, lone surrogates) are
 * shown as `\xNN` text or U+FFFD instead of being dropped.
 */
import type { CheckOutcome, ReportedFinding, RunReport } from '../model/contract.js';
import type { Severity } from '../model/diagnostic.js';
import type { FormatOptions } from './options.js';
import { displayPath, namesAFile, position, wellFormed } from './shared.js';

interface Case {
  classname: string;
  name: string;
  file?: string;
  line?: number;
  /** Seconds. */
  time: number;
  /** Inner elements, already serialised; empty for a passing case with nothing to say. */
  body: string;
  kind: 'pass' | 'failure' | 'skipped' | 'error';
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function formatJunit(report: RunReport, opts: FormatOptions): string {
  const cases = [...report.checks.flatMap((o) => checkCases(o, opts)), ...report.problems.map((p) => problemCase(p, opts))];
  const count = (kind: Case['kind']) => cases.filter((c) => c.kind === kind).length;
  const time = seconds(cases.reduce((sum, c) => sum + c.time, 0));
  const totals = `tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${time}"`;
  const props: Array<[string, string]> = [['xenlint.version', report.tool.version]];
  if (report.xen) props.push(['xen.version', report.xen.version], ['xen.source', report.xen.source]);
  props.push(['xenlint.fail-on', opts.failOn ?? 'error']);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="xenlint" ${totals}>`,
    `  <testsuite name="${xmlAttr(`xenlint ${report.command}`)}" ${totals}>`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`),
    '    </properties>',
  ];
  for (const c of cases) {
    const where = `${c.file !== undefined ? ` file="${xmlAttr(c.file)}"` : ''}${c.line !== undefined ? ` line="${c.line}"` : ''}`;
    const open = `    <testcase classname="${xmlAttr(c.classname)}" name="${xmlAttr(c.name)}"${where} time="${seconds(c.time)}"`;
    out.push(c.body === '' ? `${open}/>` : `${open}>\n      ${c.body}\n    </testcase>`);
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}

function seconds(s: number): string {
  return Number.isFinite(s) && s > 0 ? s.toFixed(3) : '0.000';
}

function checkCases(o: CheckOutcome, opts: FormatOptions): Case[] {
  const classname = `xenlint.${o.id}`;
  const reason = o.reason ?? 'no reason given';
  const time = Number.isFinite(o.durationMs) && o.durationMs! > 0 ? o.durationMs! / 1000 : 0;
  const one = (body: string, kind: Case['kind']): Case[] => [{ classname, name: o.title, time, body, kind }];
  switch (o.status) {
    case 'pass':
      return one('', 'pass');
    case 'skipped':
      return one(`<skipped message="${xmlAttr(reason)}"/>`, 'skipped');
    case 'not-applicable':
      return one(`<skipped message="${xmlAttr(`not applicable: ${reason}`)}"/>`, 'skipped');
    case 'error':
      return one(`<error message="${xmlAttr(reason)}" type="check-error">${xmlText(reason)}</error>`, 'error');
    case 'fail':
      return failCases(o, classname, time, opts);
    default:
      return one(`<error message="${xmlAttr(`unknown status ${String(o.status)}`)}"/>`, 'error');
  }
}

/** Findings for no domU first, then one case per domU (and file) in the order they first appear. */
function failCases(o: CheckOutcome, classname: string, time: number, opts: FormatOptions): Case[] {
  const groups = new Map<string, { domain: string; file: string | undefined; findings: ReportedFinding[] }>();
  for (const f of o.findings) {
    const file = f.file && namesAFile(f.file, opts.locations) ? displayPath(f.file, opts.cwd) : undefined;
    const key = `${f.domain ?? ''}\u0000${file ?? ''}`;
    const group = groups.get(key) ?? { domain: f.domain ?? '', file, findings: [] };
    group.findings.push(f);
    groups.set(key, group);
  }
  const ordered = [...groups.values()].sort((a, b) => (a.domain === '' ? -1 : 0) - (b.domain === '' ? -1 : 0));
  const threshold = RANK[opts.failOn ?? 'error'] ?? RANK.error;
  const docs = opts.rules.get(o.id)?.helpUri;
  const names = new Set<string>();
  return ordered.map(({ domain, file, findings }) => {
    const worst = findings.reduce<Severity>((w, f) => (RANK[f.severity] > RANK[w] ? f.severity : w), 'info');
    const message = findings.length === 1 ? firstLine(findings[0]!.message) : `${findings.length} findings`;
    const text = [...findings.map((f) => findingText(f, opts)), ...(docs ? [`docs: ${docs}`] : [])].join('\n\n');
    let name = domain !== '' ? `${o.title} [${domain}]` : file !== undefined ? `${o.title} [${file}]` : o.title;
    if (names.has(name) && file !== undefined) name = `${name} ${file}`;
    names.add(name);
    const fails = RANK[worst] >= threshold;
    const c: Case = {
      classname,
      name,
      time: time / groups.size,
      body: fails
        ? `<failure message="${xmlAttr(message)}" type="${worst}">${xmlText(text)}</failure>`
        : `<system-out>${xmlText(`below --fail-on ${opts.failOn ?? 'error'}, not a failure:\n${text}`)}</system-out>`,
      kind: fails ? 'failure' : 'pass',
    };
    if (file !== undefined) {
      c.file = file;
      const line = findings.map((f) => position(f.line)).find((l) => l !== undefined);
      if (line !== undefined) c.line = line;
    }
    return c;
  });
}

function findingText(f: ReportedFinding, opts: FormatOptions): string {
  const line = position(f.line);
  const column = position(f.column);
  const where = f.file
    ? `${namesAFile(f.file, opts.locations) ? displayPath(f.file, opts.cwd) : f.file}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}`
    : f.domain !== undefined
      ? `domain ${f.domain}`
      : 'host';
  const out = [`${where}: ${f.severity}: ${f.message}`];
  if (f.remediation) out.push(`fix: ${f.remediation}`);
  if (f.evidence && Object.keys(f.evidence).length > 0) {
    out.push(`evidence: ${Object.entries(f.evidence).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
  }
  if (f.unverified) out.push('unverified: the check could not decide for this item');
  return out.join('\n');
}

function problemCase(p: RunReport['problems'][number], opts: FormatOptions): Case {
  const line = position(p.line);
  const isFile = p.file !== undefined && p.file !== '' && namesAFile(p.file, opts.locations);
  const shown = p.file ? (isFile ? displayPath(p.file, opts.cwd) : p.file) : undefined;
  const c: Case = {
    classname: 'xenlint.input',
    name: shown !== undefined ? `${shown}${line !== undefined ? `:${line}` : ''}` : 'input',
    time: 0,
    body: `<error message="${xmlAttr(firstLine(p.message))}" type="input-problem">${xmlText(p.message)}</error>`,
    kind: 'error',
  };
  if (isFile && shown !== undefined) {
    c.file = shown;
    if (line !== undefined) c.line = line;
  }
  return c;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}

/** Characters XML 1.0 has no way to carry, not even as a character reference. */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
/** Allowed but invisible or discouraged: kept, as character references. */
const DISCOURAGED = /[\u007f-\u009f]/g;

function representable(text: string): string {
  return wellFormed(String(text)).replace(NOT_XML, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function charRef(c: string): string {
  return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
}

export function xmlText(text: string): string {
  return representable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#xD;')
    .replace(DISCOURAGED, charRef);
}

/** Tabs and line breaks as references: attribute-value normalisation would turn them into spaces. */
export function xmlAttr(text: string): string {
  return representable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\t\n\r]/g, charRef)
    .replace(DISCOURAGED, charRef);
}
