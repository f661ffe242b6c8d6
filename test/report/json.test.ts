import t from 'tap';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { fromRoot } from '../helpers/paths.js';
import { formatJson, toJsonReport } from '../../cli/report/json.js';
import { CWD, DOCS, WEB01, cleanReport, sampleReport, sampleRules } from '../fixtures/report/sample-report.js';
import { errorsOf, reportValidator } from '../fixtures/report/validators.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const opts = { color: false, cwd: CWD, rules: sampleRules() };

t.test('the schema is ajv-strict-clean and compiles the way the build compiles it', async (t) => {
  const { warnings } = reportValidator();
  t.same(warnings, [], 'strict mode logged nothing');
  const schema = JSON.parse(readFileSync(fromRoot('schemas/report.schema.json'), 'utf8'));
  // schemas/build-validators.mjs uses these options for the standalone validator.
  const built = new Ajv({ code: { source: true }, allErrors: true, strict: false }).compile(schema);
  t.ok(built(JSON.parse(formatJson(sampleReport()))), 'valid under the build options too');
});

t.test('the sample run and a clean run validate against report.schema.json', async (t) => {
  const { validate } = reportValidator();
  const doc = JSON.parse(formatJson(sampleReport(), opts));
  t.ok(validate(doc), errorsOf(validate));
  const clean = JSON.parse(formatJson(cleanReport(), opts));
  t.ok(validate(clean), errorsOf(validate));
});

t.test('shape: every key present, absent values are null', async (t) => {
  const doc = JSON.parse(formatJson(sampleReport()));
  t.same(Object.keys(doc), ['reportVersion', 'tool', 'command', 'xen', 'files', 'checks', 'problems', 'summary']);
  t.same(doc.tool, { name: 'xenlint', version: '0.1.0' });
  t.same(doc.xen, { version: '3.0.4', source: 'xl info' });
  t.equal(doc.files[0], WEB01, 'paths as read, not rewritten');
  const host = doc.checks.find((c: Json) => c.id === 'dom0-mem-max').findings[0];
  t.same(host, {
    check: 'dom0-mem-max',
    severity: 'warning',
    messageId: null,
    message: 'dom0_mem=2048M has no max: part; dom0 can balloon up and starve guests of memory',
    data: null,
    file: null,
    line: null,
    column: null,
    domain: null,
    key: null,
    remediation: 'Use dom0_mem=2048M,max:2048M on the Xen command line.',
    evidence: { xen_commandline: 'dom0_mem=2048M loglvl=all', autoballoon: true },
    unverified: false,
    fingerprint: sampleReport().checks[2]!.findings[0]!.fingerprint,
  });
  const pass = doc.checks.find((c: Json) => c.id === 'disk-vdev-unique');
  t.same(pass, { id: 'disk-vdev-unique', title: 'Disk vdevs are unique per guest', severity: 'error', xen: null, docs: null, status: 'pass', reason: null, findings: [], suppressed: 0 });
  const withDocs = JSON.parse(formatJson(sampleReport(), opts));
  t.equal(withDocs.checks[0].docs, `${DOCS}pv-abi-mismatch.md`, 'the rule page when the rule metadata has one');
  const fileDocs = new Map([...opts.rules].map(([id, m]) => [id, { ...m, helpUri: `file:///usr/lib/node_modules/xenlint/docs/rules/${id}.md` }]));
  t.equal(JSON.parse(formatJson(sampleReport(), { ...opts, rules: fileDocs })).checks[0].docs, null, 'never a file: link');
  t.same(doc.problems[1], { file: null, line: null, column: null, message: 'xend-config.sxp: not found under --root (xm host settings unknown)' });
  t.same(doc.summary, { pass: 3, fail: 5, skipped: 4, 'not-applicable': 2, error: 1, findings: { error: 3, warning: 3, info: 1 } });
  t.equal(doc.checks.find((c: Json) => c.id === 'maxmem-below-memory').suppressed, 2);
  t.same(JSON.parse(formatJson(cleanReport())).checks[2].reason, 'applies to Xen >=4.14; checking 3.0.4');
});

t.test('unicode and line breaks survive the round trip', async (t) => {
  const back = toJsonReport(JSON.parse(formatJson(sampleReport())));
  t.same(back, toJsonReport(sampleReport()));
  const text = formatJson(sampleReport());
  t.match(text, /内存 «memory»/, 'non-ASCII printed as is, not \\u-escaped');
  t.match(text, /could not be read\\n\(xen_caps/, 'a newline in a message is an escape inside the string');
  t.ok(text.endsWith('}\n'));
  t.match(text, /^\{\n {2}"reportVersion": 1,/, 'two-space indentation');
});

t.test('values a plugin got wrong are normalised so the document still validates', async (t) => {
  const report = sampleReport();
  const f = report.checks[0]!.findings[0]!;
  f.line = 0;
  f.column = 2.5;
  f.evidence = { ratio: Number.NaN, big: Number.POSITIVE_INFINITY, ok: 3 };
  report.checks[1]!.suppressed = -1;
  report.problems[0]!.line = -3;
  const doc = JSON.parse(formatJson(report));
  const { validate } = reportValidator();
  t.ok(validate(doc), errorsOf(validate));
  t.equal(doc.checks[0].findings[0].line, null);
  t.equal(doc.checks[0].findings[0].column, null);
  t.same(doc.checks[0].findings[0].evidence, { ratio: 'NaN', big: 'Infinity', ok: 3 });
  t.equal(doc.checks[1].suppressed, 0);
  t.equal(doc.problems[0].line, null);
});

t.test('the schema rejects documents that break the contract', async (t) => {
  const { validate } = reportValidator();
  const cases: Array<[string, (d: Json) => void]> = [
    ['a missing finding key (domain must be null, not absent)', (d) => delete d.checks[0].findings[0].domain],
    ['line 0', (d) => (d.checks[0].findings[0].line = 0)],
    ['a fractional column', (d) => (d.checks[0].findings[0].column = 1.5)],
    ['an unknown severity', (d) => (d.checks[0].findings[0].severity = 'fatal')],
    ['an unknown status', (d) => (d.checks[0].status = 'warn')],
    ['status fail without findings', (d) => (d.checks[0].findings = [])],
    ['status pass with findings', (d) => (d.checks[0].status = 'pass')],
    ['status skipped without a reason', (d) => (d.checks.find((c: Json) => c.status === 'skipped').reason = null)],
    ['status error with an empty reason', (d) => (d.checks.find((c: Json) => c.status === 'error').reason = '')],
    ['reportVersion 2', (d) => (d.reportVersion = 2)],
    ['an extra top-level key', (d) => (d.generatedAt = 'now')],
    ['an extra finding key', (d) => (d.checks[0].findings[0].col = 1)],
    ['a check id that is not kebab-case', (d) => (d.checks[0].id = 'PV_ABI')],
    ['negative suppressed', (d) => (d.checks[0].suppressed = -1)],
    ['evidence holding an object', (d) => (d.checks[0].findings[0].evidence = { nested: { a: 1 } })],
    ['xen without source', (d) => (d.xen = { version: '3.0.4' })],
    ['summary without not-applicable', (d) => delete d.summary['not-applicable']],
    ['command other than check/lint', (d) => (d.command = 'facts')],
  ];
  for (const [what, breakIt] of cases) {
    const doc = JSON.parse(formatJson(sampleReport()));
    breakIt(doc);
    t.notOk(validate(doc), `rejects: ${what}`);
  }
});
