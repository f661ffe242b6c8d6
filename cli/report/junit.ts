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
import { batched, displayPath, grown, membersOf, namesAFile, position, wellFormed } from './shared.js';

/** A <testcase> as its opening tag's values, and its body (inner elements) as pieces of text; no body for a passing case with nothing to say. */
interface Case {
  classname: string;
  name: string;
  file?: string;
  line?: number;
  /** Seconds. */
  time: number;
  body?: () => Iterable<string>;
}

/** What a case counts as in the totals, which the suite's opening tag carries before any case is written. */
type Kind = 'pass' | 'failure' | 'skipped' | 'error';

/** A check's cases: how many of each kind, and the cases themselves, made only as they are written. */
interface CheckCases {
  kinds: Kind[];
  /** Seconds, each case's. */
  time: number;
  cases: () => Iterable<Case>;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function formatJunit(report: RunReport, opts: FormatOptions): string {
  return [...junitPieces(report, opts)].join('');
}

/**
 * formatJunit's text in pieces (issue 14). The suite's totals come first, so
 * the findings are read twice from the run's finding store: once to group
 * them into cases and count those, once to write each case as it comes.
 */
export function junitPieces(report: RunReport, opts: FormatOptions): Generator<string> {
  return batched(lines(report, opts));
}

function* lines(report: RunReport, opts: FormatOptions): Generator<string> {
  const checks = report.checks.map((o) => checkCases(o, opts));
  const problems = report.problems.map((p) => problemCase(p, opts));
  const counts: Record<Kind, number> = { pass: 0, failure: 0, skipped: 0, error: 0 };
  let tests = 0;
  let sum = 0;
  for (const c of checks) {
    for (const kind of c.kinds) {
      counts[kind]++;
      sum += c.time;
    }
    tests += c.kinds.length;
  }
  // (An input problem takes no time.)
  tests += problems.length;
  counts.error += problems.length;
  const totals = `tests="${tests}" failures="${counts.failure}" errors="${counts.error}" skipped="${counts.skipped}" time="${seconds(sum)}"`;
  const props: Array<[string, string]> = [['xenlint.version', report.tool.version]];
  if (report.xen) props.push(['xen.version', report.xen.version], ['xen.source', report.xen.source]);
  props.push(['xenlint.fail-on', opts.failOn ?? 'error']);
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites name="xenlint" ${totals}>\n`;
  yield `  <testsuite name="${xmlAttr(`xenlint ${report.command}`)}" ${totals}>\n`;
  yield '    <properties>\n';
  for (const [k, v] of props) yield `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>\n`;
  yield '    </properties>\n';
  for (const c of checks) for (const one of c.cases()) yield* casePieces(one);
  for (const one of problems) yield* casePieces(one);
  yield '  </testsuite>\n';
  yield '</testsuites>\n';
}

function* casePieces(c: Case): Generator<string> {
  const where = `${c.file !== undefined ? ` file="${xmlAttr(c.file)}"` : ''}${c.line !== undefined ? ` line="${c.line}"` : ''}`;
  const open = `    <testcase classname="${xmlAttr(c.classname)}" name="${xmlAttr(c.name)}"${where} time="${seconds(c.time)}"`;
  if (c.body === undefined) {
    yield `${open}/>\n`;
    return;
  }
  yield `${open}>\n      `;
  yield* c.body();
  yield '\n    </testcase>\n';
}

function seconds(s: number): string {
  return Number.isFinite(s) && s > 0 ? s.toFixed(3) : '0.000';
}

function checkCases(o: CheckOutcome, opts: FormatOptions): CheckCases {
  const classname = `xenlint.${o.id}`;
  const reason = o.reason ?? 'no reason given';
  const time = Number.isFinite(o.durationMs) && o.durationMs! > 0 ? o.durationMs! / 1000 : 0;
  const one = (body: string | undefined, kind: Kind): CheckCases => ({
    kinds: [kind],
    time,
    cases: () => [{ classname, name: o.title, time, ...(body !== undefined ? { body: () => [body] } : {}) }],
  });
  switch (o.status) {
    case 'pass':
      return one(undefined, 'pass');
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

const SEVERITY_OF: readonly Severity[] = ['info', 'warning', 'error'];

/**
 * Findings for no domU first, then one case per domU (and file) in the order
 * they first appear. The first reading groups the findings and keeps a few
 * numbers of each group (its worst severity, its first line, whether it is
 * about no domU) and of each finding (its group); a case's findings are read
 * again as it is written, its domU and file from the first of them.
 */
function failCases(o: CheckOutcome, classname: string, time: number, opts: FormatOptions): CheckCases {
  const findings = o.findings;
  const groupOf = new Int32Array(findings.length);
  const byKey = new Map<string, number>();
  let worst = new Uint8Array(64);
  let line = new Int32Array(64);
  let noDomain = new Uint8Array(64);
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    const key = `${f.domain ?? ''}\u0000${caseFile(f, opts) ?? ''}`;
    let g = byKey.get(key);
    if (g === undefined) {
      g = byKey.size;
      byKey.set(key, g);
      if (g === worst.length) [worst, line, noDomain] = [grown(worst), grown(line), grown(noDomain)];
      noDomain[g] = (f.domain ?? '') === '' ? 1 : 0;
    }
    // (RANK of a severity that is none of the three is undefined: never worse, as before.)
    if (RANK[f.severity] > worst[g]!) worst[g] = RANK[f.severity];
    if (line[g] === 0) line[g] = position(f.line) ?? 0;
    groupOf[i] = g;
  }
  const groups = byKey.size;
  byKey.clear();
  const order = Array.from({ length: groups }, (_, g) => g).sort((a, b) => -noDomain[a]! + noDomain[b]!);
  const threshold = RANK[opts.failOn ?? 'error'] ?? RANK.error;
  const share = time / groups;
  return {
    kinds: order.map((g) => (worst[g]! >= threshold ? 'failure' : 'pass')),
    time: share,
    cases: function* () {
      const members = membersOf(groupOf, groups);
      const docs = opts.rules.get(o.id)?.helpUri;
      const names = new Set<string>();
      for (const g of order) {
        const own = members.of(g);
        const first = findings[own[0]!]!;
        const domain = first.domain ?? '';
        const file = caseFile(first, opts);
        let name = domain !== '' ? `${o.title} [${domain}]` : file !== undefined ? `${o.title} [${file}]` : o.title;
        if (names.has(name) && file !== undefined) name = `${name} ${file}`;
        names.add(name);
        const fails = worst[g]! >= threshold;
        const c: Case = { classname, name, time: share, body: () => failureBody(first, findings, own, fails, SEVERITY_OF[worst[g]!]!, docs, opts) };
        if (file !== undefined) {
          c.file = file;
          if (line[g] !== 0) c.line = line[g]!;
        }
        yield c;
      }
    },
  };
}

/** The file a finding's case names: only one someone can open, as shown. */
function caseFile(f: ReportedFinding, opts: FormatOptions): string | undefined {
  return f.file && namesAFile(f.file, opts.locations) ? displayPath(f.file, opts.cwd) : undefined;
}

/**
 * A case's <failure> (or, below --fail-on, its <system-out>), its findings read
 * one at a time. Escaping the findings' texts one by one gives what escaping
 * them joined would: each ends where a line break follows, and xmlText maps each
 * character on its own but for a surrogate pair, which a line break cannot split.
 */
function* failureBody(first: ReportedFinding, findings: readonly ReportedFinding[], own: Int32Array, fails: boolean, worst: Severity, docs: string | undefined, opts: FormatOptions): Generator<string> {
  if (fails) {
    const message = own.length === 1 ? firstLine(first.message) : `${own.length} findings`;
    yield `<failure message="${xmlAttr(message)}" type="${worst}">`;
  } else {
    yield `<system-out>${xmlText(`below --fail-on ${opts.failOn ?? 'error'}, not a failure:\n`)}`;
  }
  yield xmlText(findingText(first, opts));
  for (let n = 1; n < own.length; n++) yield `\n\n${xmlText(findingText(findings[own[n]!]!, opts))}`;
  if (docs) yield xmlText(`\n\ndocs: ${docs}`);
  yield fails ? '</failure>' : '</system-out>';
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
  const body = `<error message="${xmlAttr(firstLine(p.message))}" type="input-problem">${xmlText(p.message)}</error>`;
  const c: Case = {
    classname: 'xenlint.input',
    name: shown !== undefined ? `${shown}${line !== undefined ? `:${line}` : ''}` : 'input',
    time: 0,
    body: () => [body],
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

/** What xmlText changes: without any of these a text is written as it is (one search instead of six replaces; issue 14). */
const XML_TEXT_CHANGES = /[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]/;
/** What xmlAttr changes. */
const XML_ATTR_CHANGES = /[&<>"'\t\n\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufffe\uffff]/;

export function xmlText(text: string): string {
  if (typeof text === 'string' && !XML_TEXT_CHANGES.test(text)) return text;
  return representable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#xD;')
    .replace(DISCOURAGED, charRef);
}

/** Tabs and line breaks as references: attribute-value normalisation would turn them into spaces. */
export function xmlAttr(text: string): string {
  if (typeof text === 'string' && !XML_ATTR_CHANGES.test(text)) return text;
  return representable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\t\n\r]/g, charRef)
    .replace(DISCOURAGED, charRef);
}
