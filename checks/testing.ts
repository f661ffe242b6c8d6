/**
 * xenlint's check tester (`import … from 'xenlint/testing'`), shipped with the
 * check API for plugin authors; ESLint's RuleTester is the model. A case gives
 * the inputs (domU configs, `xl info` text, dom0 facts, the Xen version) and
 * states every finding it expects: where (file and line, the column where it
 * matters), which kind (`messageId`) and how severe. The case runs through the
 * real pipeline — config reader, domain builder, engine — and fails on a
 * missing finding, an extra one, a duplicated one, a different one, and on a
 * status other than the one the case expects.
 *
 * ```ts
 * import { test } from 'node:test';
 * import { runCheckTests } from 'xenlint/testing';
 * import check from './site-no-file-disks.js';
 *
 * runCheckTests(check, [
 *   { name: 'LVM disks pass', configs: { 'web.cfg': "name = 'web'\ndisk = [ 'phy:/dev/vg/web,xvda,w' ]\n" } },
 *   {
 *     name: 'an image file is reported',
 *     configs: { 'img.cfg': "name = 'img'\ndisk = [ 'file:/srv/img.img,xvda,w' ]\n" },
 *     findings: [{ file: 'img.cfg', line: 2, messageId: 'image-file', severity: 'warning' }],
 *   },
 * ], test);
 * ```
 *
 * Fixture directories (one directory per case, findings marked in the configs
 * with `# expect: <check>/<message-id> <severity>`) are read by `fixtureCases`;
 * the format is described there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { Check, CheckOutcome, MessageData, ReportedFinding, Status } from '../cli/model/contract.js';
import { emptyFacts, type Dom0Facts, type Facts } from '../cli/model/facts.js';
import type { Dialect } from '../cli/model/config-model.js';
import type { Severity } from '../cli/model/diagnostic.js';
import { parseConfig } from '../cli/readers/config.js';
import { hostFactsFromInfo, parseInfo } from '../cli/readers/info.js';
import { buildDomain } from '../cli/readers/domain.js';
import { decideReader, hostReaderInputs, parseOptionsFor } from '../cli/readers/reader-choice.js';
import { parseXenVersionArg } from '../cli/model/xen-version.js';
import { runChecks } from '../cli/engine/engine.js';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** One finding a case expects. Every finding the check reports must be expected, once. */
export interface ExpectedFinding {
  /**
   * The config file (a key of `configs`). Absent: a finding about the host,
   * which points at no config (at `xl info` output, xend-config.sxp, or nothing).
   */
  file?: string;
  /** Required for a finding in a config file; compared when given for a host finding. */
  line?: number;
  /** Compared when given: where the column matters. */
  column?: number;
  /** The kind of problem: one of the check's `messages`. Required (a case without it fails). */
  messageId?: string;
  /** Required (a case without it fails). */
  severity?: Severity;
  /** Compared when given. */
  domain?: string;
  key?: string;
  /** Compared when given: every entry must equal the finding's data. */
  data?: MessageData;
  /** The rendered text: equal to a string, or matching a RegExp. */
  message?: string | RegExp;
}

export interface CheckTestCase {
  name: string;
  /** domU configs: file name -> text. */
  configs?: Record<string, string>;
  /** `xl info` / `xm info` output of the host. */
  info?: string;
  /** dom0 facts (what `xenlint check` gathers on the host). */
  dom0?: Dom0Facts;
  /** Read every config in this dialect, as `lint --dialect` does. */
  dialect?: Dialect;
  /** The Xen version to check against; defaults to the one in `info`. */
  xen?: string;
  /** "check" (default) as on a host, or "lint". */
  mode?: 'check' | 'lint';
  /** The check's options, as the config file would give them. */
  options?: Record<string, unknown>;
  /** Defaults to "fail" when findings are expected, else "pass". */
  status?: Status;
  /** For a skipped, not-applicable or error status: its reason must match. */
  reason?: string | RegExp;
  findings?: ExpectedFinding[];
}

export interface CaseResult {
  outcome: CheckOutcome;
  facts: Facts;
  /** Empty when the case holds; otherwise one line per difference. */
  problems: string[];
}

/** Builds the facts of a case the way the CLI would from the same files. */
export function caseFacts(c: CheckTestCase): Facts {
  const facts = emptyFacts(`test case ${c.name}`);
  if (c.info !== undefined) facts.host = hostFactsFromInfo(parseInfo(c.info), 'host.info');
  if (c.dom0 !== undefined) facts.dom0 = c.dom0;
  const files = Object.keys(c.configs ?? {}).sort();
  if (files.length > 0) {
    // Each config read as the toolstack of the case's host reads it, as `lint --facts` and `check` do.
    const inputs = hostReaderInputs(facts.host);
    const xen = c.xen !== undefined ? parseXenVersionArg(c.xen) : undefined;
    if (xen !== undefined) inputs.xen = { version: xen, source: 'test case' };
    if (c.dialect) inputs.forced = c.dialect;
    const choice = decideReader(inputs);
    facts.domains = files.map((file) => buildDomain(parseConfig(c.configs![file]!, file, parseOptionsFor(choice))));
  }
  return facts;
}

/** Runs one case through the engine and compares what the check reported with what the case states. */
export function verifyCase(check: Check, c: CheckTestCase): CaseResult {
  const facts = caseFacts(c);
  const version = c.xen !== undefined ? parseXenVersionArg(c.xen) : facts.host?.version;
  const problems: string[] = [];
  if (c.xen !== undefined && version === undefined) problems.push(`xen: "${c.xen}" is not a Xen version`);
  const report = runChecks([check], facts, {
    command: c.mode ?? 'check',
    ...(version !== undefined ? { xen: { version, source: c.xen !== undefined ? 'test case' : 'host.info' } } : {}),
    settings: new Map([[check.id, c.options ? { options: c.options } : {}]]),
  });
  const outcome = report.checks[0]!;
  const expected = c.findings ?? [];
  problems.push(...expectationProblems(check, expected));
  const wantStatus = c.status ?? (expected.length > 0 ? 'fail' : 'pass');
  if (outcome.status !== wantStatus) {
    problems.push(`status: expected ${wantStatus}, got ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}`);
  } else if (c.reason !== undefined && !textMatches(outcome.reason ?? '', c.reason)) {
    problems.push(`reason: expected ${String(c.reason)}, got ${JSON.stringify(outcome.reason ?? '')}`);
  }
  problems.push(...compareFindings(expected, outcome.findings, { configs: new Set(Object.keys(c.configs ?? {})) }));
  return { outcome, facts, problems };
}

/** Like verifyCase, but throws an Error listing every difference. */
export function assertCase(check: Check, c: CheckTestCase): CaseResult {
  const result = verifyCase(check, c);
  if (result.problems.length > 0) throw new Error(`${check.id}: case "${c.name}":\n  ${result.problems.join('\n  ')}`);
  return result;
}

/**
 * One test per case, with the test function of your framework (node:test's
 * `test`, or `t.test` bound to tap's root): `runCheckTests(check, cases, test)`.
 */
export function runCheckTests(check: Check, cases: CheckTestCase[], test: (name: string, fn: () => void) => unknown): void {
  for (const c of cases) test(`${check.id}: ${c.name}`, () => void assertCase(check, c));
}

/** What is wrong with the expectations themselves: a case must say what it means. */
function expectationProblems(check: Check, expected: ExpectedFinding[]): string[] {
  const out: string[] = [];
  const declared = check.messages ?? {};
  const ids = Object.keys(declared);
  for (const e of expected) {
    const at = describeExpected(e);
    if (!SEVERITIES.includes(e.severity!)) out.push(`expected finding ${at}: severity must be error, warning or info`);
    if (e.file !== undefined && e.line === undefined) out.push(`expected finding ${at}: a finding in a file needs its line`);
    if (e.messageId === undefined) out.push(`expected finding ${at}: name its messageId (${ids.length > 0 ? `the check declares ${ids.join(', ')}` : 'the check declares no messages, which every check must'})`);
    if (e.messageId !== undefined && !Object.hasOwn(declared, e.messageId)) {
      out.push(`expected finding ${at}: messageId "${e.messageId}" is not among the check's messages`);
    }
  }
  return out;
}

function textMatches(text: string, want: string | RegExp): boolean {
  return typeof want === 'string' ? text === want : want.test(text);
}

/** The same place: the config file and line, or (no file expected) anywhere outside the configs. */
function samePlace(e: ExpectedFinding, f: ReportedFinding, configs: ReadonlySet<string>): boolean {
  if (e.file === undefined) return !(f.file !== undefined && configs.has(f.file)) && (e.line === undefined || f.line === e.line);
  return f.file === e.file && f.line === e.line;
}

function matches(e: ExpectedFinding, f: ReportedFinding, configs: ReadonlySet<string>): boolean {
  if (!samePlace(e, f, configs)) return false;
  if (e.column !== undefined && f.column !== e.column) return false;
  if (e.messageId !== f.messageId) return false;
  if (e.severity !== undefined && e.severity !== f.severity) return false;
  if (e.domain !== undefined && f.domain !== e.domain) return false;
  if (e.key !== undefined && f.key !== e.key) return false;
  if (e.message !== undefined && !textMatches(f.message, e.message)) return false;
  if (e.data !== undefined && !Object.entries(e.data).every(([k, v]) => f.data?.[k] === v)) return false;
  return true;
}

function describeExpected(e: ExpectedFinding): string {
  const where = e.file !== undefined ? `${e.file}:${e.line ?? '?'}${e.column !== undefined ? `:${e.column}` : ''}` : '(no file)';
  return `${where} ${e.messageId ?? '(no messageId)'} ${e.severity ?? '(any severity)'}${e.domain !== undefined ? ` domain ${e.domain}` : ''}${e.key !== undefined ? ` key ${e.key}` : ''}`;
}

function describeActual(f: ReportedFinding): string {
  const where = f.file !== undefined ? `${f.file}:${f.line ?? '?'}:${f.column ?? '?'}` : '(no file)';
  return `${where} ${f.messageId ?? '(no messageId)'} ${f.severity}${f.domain !== undefined ? ` domain ${f.domain}` : ''}${f.key !== undefined ? ` key ${f.key}` : ''}: ${f.message}`;
}

/** The same finding twice: every field the report shows is equal. */
function sameFinding(a: ReportedFinding, b: ReportedFinding): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column && a.messageId === b.messageId && a.severity === b.severity && a.domain === b.domain && a.key === b.key && a.message === b.message;
}

/**
 * Pairs each expected finding with one reported finding. Left over on either
 * side: a missing finding, an extra one, a duplicate of one already matched, or
 * (the same place, another kind or severity) a different one.
 */
export function compareFindings(
  expected: ExpectedFinding[],
  actual: ReportedFinding[],
  context: { configs?: ReadonlySet<string> } = {},
): string[] {
  const configs = context.configs ?? new Set(expected.flatMap((e) => (e.file !== undefined ? [e.file] : [])));
  const problems: string[] = [];
  const left = [...actual];
  const matched: ReportedFinding[] = [];
  const unmatched: ExpectedFinding[] = [];
  for (const e of expected) {
    const i = left.findIndex((f) => matches(e, f, configs));
    if (i < 0) {
      unmatched.push(e);
      continue;
    }
    matched.push(left[i]!);
    left.splice(i, 1);
  }
  for (const e of unmatched) {
    const j = left.findIndex((f) => samePlace(e, f, configs));
    if (j >= 0) {
      problems.push(`different finding at ${describeExpected(e)}: got ${describeActual(left[j]!)}`);
      left.splice(j, 1);
    } else {
      problems.push(`missing finding: ${describeExpected(e)}`);
    }
  }
  for (const f of left) {
    if (matched.some((m) => sameFinding(m, f)) || left.some((g) => g !== f && sameFinding(g, f) && left.indexOf(g) < left.indexOf(f))) {
      problems.push(`duplicated finding: ${describeActual(f)}`);
    } else {
      problems.push(`extra finding: ${describeActual(f)}`);
    }
  }
  for (const f of actual) if (f.messageId === undefined) problems.push(`finding without a messageId: ${describeActual(f)}`);
  return problems;
}

// ---------------------------------------------------------------------------
// Fixture directories

/**
 * The cases in `dir`, one directory each (`fail-…`, `pass-…`, `na-…`, `skip-…`:
 * the prefix gives the expected status unless case.yaml says otherwise):
 *
 * - `case.yaml`: `description`; optional `xen`, `mode`, `dialect`, `options`,
 *   `status`, `reason` (a regular expression), and `expect`: the findings that
 *   point at no config line, each `{messageId, severity, domain?, key?, message?}`
 *   (`message` a regular expression);
 * - `host.info`: `xl info` / `xm info` output; `dom0.yaml`: dom0 facts;
 * - `*.cfg`: domU configs with the expected findings marked inline:
 *   `# expect: <check>/<message-id> <severity> [@<column>]` at the end of the
 *   line, or `# expect-next-line: …` on a line of its own (the next line that is
 *   not blank or a comment). Several findings: comma-separated; markers for
 *   other checks are left alone.
 */
export function fixtureCases(dir: string, checkId: string): CheckTestCase[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return names.map((name) => fixtureCase(join(dir, name), name, checkId));
}

interface CaseYaml {
  description?: string;
  xen?: string;
  mode?: 'check' | 'lint';
  dialect?: Dialect;
  options?: Record<string, unknown>;
  status?: Status;
  reason?: string;
  expect?: Array<{ messageId?: string; severity?: Severity; domain?: string; key?: string; message?: string }>;
}

const PREFIX_STATUS: Array<[string, Status]> = [
  ['fail', 'fail'],
  ['pass', 'pass'],
  ['na', 'not-applicable'],
  ['skip', 'skipped'],
];

function fixtureCase(caseDir: string, name: string, checkId: string): CheckTestCase {
  const spec = (load(readFileSync(join(caseDir, 'case.yaml'), 'utf8')) ?? {}) as CaseYaml;
  const c: CheckTestCase = { name };
  const infoPath = join(caseDir, 'host.info');
  if (existsSync(infoPath)) c.info = readFileSync(infoPath, 'utf8');
  const dom0Path = join(caseDir, 'dom0.yaml');
  if (existsSync(dom0Path)) c.dom0 = (load(readFileSync(dom0Path, 'utf8')) ?? {}) as Dom0Facts;
  const files = readdirSync(caseDir).filter((f) => f.endsWith('.cfg')).sort();
  const findings: ExpectedFinding[] = [];
  if (files.length > 0) {
    c.configs = {};
    for (const f of files) {
      const path = join(caseDir, f);
      const text = readFileSync(path, 'utf8');
      c.configs[path] = text;
      findings.push(...markerFindings(text, path, checkId));
    }
  }
  for (const e of spec.expect ?? []) {
    const x: ExpectedFinding = {};
    if (e.severity !== undefined) x.severity = e.severity;
    if (e.messageId !== undefined) x.messageId = e.messageId;
    if (e.domain !== undefined) x.domain = e.domain;
    if (e.key !== undefined) x.key = e.key;
    if (e.message !== undefined) x.message = new RegExp(e.message);
    findings.push(x);
  }
  if (findings.length > 0) c.findings = findings;
  if (spec.xen !== undefined) c.xen = String(spec.xen);
  if (spec.mode !== undefined) c.mode = spec.mode;
  if (spec.dialect !== undefined) c.dialect = spec.dialect;
  if (spec.options !== undefined) c.options = spec.options;
  if (spec.reason !== undefined) c.reason = new RegExp(spec.reason);
  const byPrefix = PREFIX_STATUS.find(([p]) => name.startsWith(`${p}-`))?.[1];
  const status = spec.status ?? byPrefix;
  if (status !== undefined) c.status = status;
  return c;
}

const MARKER = /#\s*expect(-next-line)?:\s*(.+?)\s*$/;

/** One item of a marker: `disk-spec/duplicate-vdev error @12`. */
export interface Marker {
  check: string;
  messageId?: string;
  severity?: Severity;
  column?: number;
}

/**
 * Reads one marker item for `checkId`: the check id is taken as given (a
 * plugin's `site/rule` included), the rest as message id, severity and column.
 * Undefined for an item about another check.
 */
export function parseMarkerItem(item: string, checkId: string): Marker | undefined {
  const text = item.trim();
  if (text !== checkId && !text.startsWith(`${checkId}/`) && !text.startsWith(`${checkId} `)) return undefined;
  const rest = text.slice(checkId.length);
  const m = /^(?:\/([a-z0-9][a-z0-9-]*))?(?:\s+(error|warning|info))?(?:\s+@(\d+))?$/.exec(rest);
  if (!m) return { check: checkId, messageId: `(unreadable marker "${text}")` };
  const marker: Marker = { check: checkId };
  if (m[1] !== undefined) marker.messageId = m[1];
  if (m[2] !== undefined) marker.severity = m[2] as Severity;
  if (m[3] !== undefined) marker.column = Number(m[3]);
  return marker;
}

/** The findings the inline markers of one config state for `checkId`. */
export function markerFindings(text: string, file: string, checkId: string): ExpectedFinding[] {
  const out: ExpectedFinding[] = [];
  let pending: Marker[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    const line = i + 1;
    const trimmed = lineText.trim();
    if (pending.length > 0 && trimmed !== '' && !trimmed.startsWith('#')) {
      for (const m of pending) out.push(expectedAt(m, file, line));
      pending = [];
    }
    const found = MARKER.exec(lineText);
    if (!found) return;
    const markers = found[2]!.split(',').flatMap((item) => parseMarkerItem(item, checkId) ?? []);
    if (found[1] !== undefined) pending.push(...markers);
    else for (const m of markers) out.push(expectedAt(m, file, line));
  });
  return out;
}

function expectedAt(m: Marker, file: string, line: number): ExpectedFinding {
  const e: ExpectedFinding = { file, line };
  if (m.severity !== undefined) e.severity = m.severity;
  if (m.messageId !== undefined) e.messageId = m.messageId;
  if (m.column !== undefined) e.column = m.column;
  return e;
}
