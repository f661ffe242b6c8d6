/**
 * JUnit XML for CI test dashboards (Jenkins, GitLab, Azure DevOps). One
 * <testsuite> per command; one <testcase> per check, split per domU when its
 * findings name domUs, so a dashboard shows which guest fails which check.
 * skipped and not-applicable become <skipped>, a check that could not run an
 * <error> (not a failure: a failed probe says nothing about the host), and an
 * unreadable input an <error> under the pseudo-class `xenlint.input`.
 *
 * Every string from the inputs goes through xmlText/xmlAttr: characters XML 1.0
 * cannot carry at all (most C0 controls, U+FFFE/U+FFFF, lone surrogates) are
 * shown as `\xNN` text or U+FFFD instead of being dropped.
 */
import type { CheckOutcome, ReportedFinding, RunReport } from '../contract.js';
import type { Severity } from '../parse/diagnostic.js';
import type { FormatOptions } from './options.js';
import { displayPath, position, wellFormed } from './shared.js';

interface Case {
  classname: string;
  name: string;
  /** Inner element, already serialised; empty for a passing case. */
  body: string;
  kind: 'pass' | 'failure' | 'skipped' | 'error';
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function formatJunit(report: RunReport, opts: FormatOptions): string {
  const cases = [...report.checks.flatMap((o) => checkCases(o, opts.cwd)), ...report.problems.map((p) => problemCase(p, opts.cwd))];
  const count = (kind: Case['kind']) => cases.filter((c) => c.kind === kind).length;
  const totals = `tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}"`;
  const props: Array<[string, string]> = [['xenlint.version', report.tool.version]];
  if (report.xen) props.push(['xen.version', report.xen.version], ['xen.source', report.xen.source]);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="xenlint" ${totals}>`,
    `  <testsuite name="${xmlAttr(`xenlint ${report.command}`)}" ${totals}>`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`),
    '    </properties>',
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${xmlAttr(c.classname)}" name="${xmlAttr(c.name)}"`;
    out.push(c.body === '' ? `${open}/>` : `${open}>\n      ${c.body}\n    </testcase>`);
  }
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}

function checkCases(o: CheckOutcome, cwd: string): Case[] {
  const classname = `xenlint.${o.id}`;
  const reason = o.reason ?? 'no reason given';
  switch (o.status) {
    case 'pass':
      return [{ classname, name: o.title, body: '', kind: 'pass' }];
    case 'skipped':
      return [{ classname, name: o.title, body: `<skipped message="${xmlAttr(reason)}"/>`, kind: 'skipped' }];
    case 'not-applicable':
      return [{ classname, name: o.title, body: `<skipped message="${xmlAttr(`not applicable: ${reason}`)}"/>`, kind: 'skipped' }];
    case 'error':
      return [
        {
          classname,
          name: o.title,
          body: `<error message="${xmlAttr(reason)}" type="check-error">${xmlText(reason)}</error>`,
          kind: 'error',
        },
      ];
    case 'fail':
      return failCases(o, classname, cwd);
    default:
      return [{ classname, name: o.title, body: `<error message="${xmlAttr(`unknown status ${String(o.status)}`)}"/>`, kind: 'error' }];
  }
}

/** Findings for no domU first, then one case per domU in the order they first appear. */
function failCases(o: CheckOutcome, classname: string, cwd: string): Case[] {
  const byDomain = new Map<string, ReportedFinding[]>();
  for (const f of o.findings) {
    const key = f.domain ?? '';
    byDomain.set(key, [...(byDomain.get(key) ?? []), f]);
  }
  const keys = [...byDomain.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : 0));
  return keys.map((domain) => {
    const findings = byDomain.get(domain)!;
    const worst = findings.reduce<Severity>((w, f) => (RANK[f.severity] > RANK[w] ? f.severity : w), 'info');
    const message = findings.length === 1 ? firstLine(findings[0]!.message) : `${findings.length} findings`;
    const text = findings.map((f) => findingText(f, cwd)).join('\n\n');
    return {
      classname,
      name: domain === '' ? o.title : `${o.title} [${domain}]`,
      body: `<failure message="${xmlAttr(message)}" type="${worst}">${xmlText(text)}</failure>`,
      kind: 'failure',
    };
  });
}

function findingText(f: ReportedFinding, cwd: string): string {
  const line = position(f.line);
  const column = position(f.column);
  const where = f.file
    ? `${displayPath(f.file, cwd)}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}`
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

function problemCase(p: RunReport['problems'][number], cwd: string): Case {
  const line = position(p.line);
  const name = p.file ? `${displayPath(p.file, cwd)}${line !== undefined ? `:${line}` : ''}` : 'input';
  return {
    classname: 'xenlint.input',
    name,
    body: `<error message="${xmlAttr(firstLine(p.message))}" type="input-problem">${xmlText(p.message)}</error>`,
    kind: 'error',
  };
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
