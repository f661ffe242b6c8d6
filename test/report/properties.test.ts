/**
 * Random runs — any text in messages, paths, domain names, titles and reasons,
 * positions a plugin may get wrong — must never break the machine formats:
 * JSON stays valid against report.schema.json, SARIF against the official
 * schema, JUnit stays well-formed XML, GitHub output one command per line, and
 * stylish free of control characters.
 */
import t from 'tap';
import fc from 'fast-check';
import type { CheckOutcome, ReportedFinding, RunReport, Status } from '../../checks/api.js';
import type { Severity } from '../../cli/model/diagnostic.js';
import { formatJson, toJsonReport } from '../../cli/report/json.js';
import { formatSarif } from '../../cli/report/sarif.js';
import { formatJunit } from '../../cli/report/junit.js';
import { formatGithub } from '../../cli/report/github.js';
import { formatStylish } from '../../cli/report/stylish.js';
import type { FormatOptions } from '../../cli/report/index.js';
import { CWD, summaryOf } from '../fixtures/report/sample-report.js';
import { parseXml, childElements } from '../fixtures/report/xml.js';
import { errorsOf, reportValidator, sarifValidator } from '../fixtures/report/validators.js';

const NASTY = ['<&>"\'', ']]>', '\u0000', '\u001b[31m', '\r\n', '%0A', '::error::x', ',:', '\ud800', '\udfff', '\ufffe', '内存', '😀', '\u0085', ' ', '..', '/'];

/** Any code point (lone surrogates included) with the known troublemakers mixed in. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 5 })), { maxLength: 6 }).map((parts) => parts.join('')),
);
const nonEmptyText = text.filter((s) => s !== '');
const segment = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), fc.constantFrom(...NASTY)).filter((s) => !s.includes('/') && s !== '.' && s !== '..');
const path = fc.tuple(fc.constantFrom(`${CWD}/`, '/etc/xen/', '', '../'), fc.array(segment, { minLength: 1, maxLength: 3 })).map(([base, segs]) => base + segs.join('/'));
const pos = fc.oneof(fc.integer({ min: 1, max: 100000 }), fc.constantFrom(0, -1, Number.NaN, 1.5, Number.POSITIVE_INFINITY));
const severity = fc.constantFrom<Severity>('error', 'warning', 'info');
const evidenceValue = fc.oneof(text, fc.double(), fc.boolean());

const findingShape = fc.record(
  {
    message: text,
    severity,
    file: path,
    line: pos,
    column: pos,
    domain: text,
    key: text,
    remediation: text,
    evidence: fc.dictionary(text, evidenceValue, { maxKeys: 3 }),
    unverified: fc.boolean(),
  },
  { requiredKeys: ['message', 'severity'] },
);

const outcomeShape = fc.record({
  title: text,
  severity,
  status: fc.constantFrom<Status>('pass', 'fail', 'skipped', 'not-applicable', 'error'),
  xen: fc.option(fc.constantFrom('>=4.14', '<3.1 || >=4.16', '>=3.0.0 <4.5'), { nil: undefined }),
  reason: nonEmptyText,
  findings: fc.array(findingShape, { minLength: 1, maxLength: 4 }),
  suppressed: fc.nat({ max: 5 }),
});

const reportArb = fc
  .record({
    outcomes: fc.array(outcomeShape, { minLength: 0, maxLength: 5 }),
    problems: fc.array(fc.record({ file: path, line: pos, column: pos, message: text }, { requiredKeys: ['message'] }), { maxLength: 2 }),
    files: fc.array(path, { maxLength: 3 }),
    xen: fc.option(fc.record({ version: fc.constantFrom('3.0.4', '4.17.4-pre', '4.19.0'), source: text }), { nil: undefined }),
    command: fc.constantFrom<'check' | 'lint'>('check', 'lint'),
  })
  .map(({ outcomes, problems, files, xen, command }): RunReport => {
    const checks: CheckOutcome[] = outcomes.map((o, i) => {
      const id = `check-${i}`;
      const base: CheckOutcome = { id, title: o.title, severity: o.severity, status: o.status, findings: [], suppressed: o.suppressed };
      if (o.xen) base.xen = o.xen;
      if (o.status === 'fail') {
        base.findings = o.findings.map((f, j): ReportedFinding => ({ ...f, check: id, fingerprint: `${i}-${j}-0123456789abcdef` }));
      } else if (o.status !== 'pass') {
        base.reason = o.reason;
      }
      return base;
    });
    return {
      reportVersion: 1,
      tool: { name: 'xenlint', version: '0.1.0' },
      command,
      ...(xen ? { xen } : {}),
      files,
      checks,
      problems,
      summary: summaryOf(checks),
    };
  });

const opts: FormatOptions = { color: false, cwd: CWD, rules: new Map(), verbose: true };
const RUNS = { numRuns: 150 };

t.test('json: always valid against report.schema.json, and parses back to the same data', async (t) => {
  const { validate } = reportValidator();
  fc.assert(
    fc.property(reportArb, (report) => {
      const doc = JSON.parse(formatJson(report));
      if (!validate(doc)) throw new Error(errorsOf(validate));
      t.same(doc, toJsonReport(report));
    }),
    RUNS,
  );
});

t.test('sarif: always valid against the official SARIF 2.1.0 schema', async (t) => {
  const validate = sarifValidator();
  fc.assert(
    fc.property(reportArb, (report) => {
      const log: { runs: Array<{ results: unknown[] }> } = JSON.parse(formatSarif(report, opts));
      if (!validate(log)) throw new Error(`${errorsOf(validate)}\n${JSON.stringify(report)}`);
      const findings = report.checks.reduce((n, c) => n + c.findings.length, 0);
      return log.runs[0]!.results.length === findings;
    }),
    RUNS,
  );
  t.pass('150 random runs validated');
});

t.test('junit: always well-formed, one testcase or more per check', async (t) => {
  fc.assert(
    fc.property(reportArb, (report) => {
      const root = parseXml(formatJunit(report, opts));
      const cases = childElements(childElements(root, 'testsuite')[0]!, 'testcase');
      return cases.length >= report.checks.length + report.problems.length;
    }),
    RUNS,
  );
  t.pass('150 random runs parsed');
});

t.test('github: one workflow command per line, the plain summary last', async (t) => {
  fc.assert(
    fc.property(reportArb, (report) => {
      const lines = formatGithub(report, opts).split('\n');
      const expected = report.checks.reduce((n, c) => n + c.findings.length + (c.status === 'error' ? 1 : 0), 0) + report.problems.length;
      if (lines.pop() !== '') return false;
      const summary = lines.pop()!;
      return lines.length === expected && lines.every((l) => /^::(error|warning|notice)( [^:]*)?::/.test(l) && !l.includes('\r')) && summary.startsWith('xenlint: ');
    }),
    RUNS,
  );
  t.pass('150 random runs annotated');
});

t.test('stylish: never writes a control character but newline, and never throws', async (t) => {
  fc.assert(
    fc.property(reportArb, fc.boolean(), (report, verbose) => {
      const out = formatStylish(report, { ...opts, verbose });
      return !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(out.replace(/\t/g, ''));
    }),
    RUNS,
  );
  t.pass('150 random runs printed');
});
