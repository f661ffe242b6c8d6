import t from 'tap';
import { formatJunit, xmlAttr, xmlText } from '../../cli/report/junit.js';
import type { RunReport } from '../../checks/api.js';
import { CWD, DOCS, cleanReport, sampleReport, sampleRules, summaryOf } from '../fixtures/report/sample-report.js';
import { childElements, parseXml, textOf, type XmlElement } from '../fixtures/report/xml.js';

const opts = { color: false, cwd: CWD, rules: sampleRules() };
/** The sample's warnings fail too: the threshold the original shape tests were written for. */
const failOnInfo = { ...opts, failOn: 'info' as const };

function cases(root: XmlElement): XmlElement[] {
  return childElements(childElements(root, 'testsuite')[0]!, 'testcase');
}

t.test('the sample run is well-formed JUnit with the expected shape', async (t) => {
  const xml = formatJunit(sampleReport(), failOnInfo);
  t.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites '));
  const root = parseXml(xml);
  t.equal(root.name, 'testsuites');
  const suites = childElements(root, 'testsuite');
  t.equal(suites.length, 1, 'one testsuite per command');
  const suite = suites[0]!;
  t.same(suite.attrs, { name: 'xenlint check', tests: '18', failures: '6', errors: '3', skipped: '6', time: '0.000' });
  t.same(root.attrs, { name: 'xenlint', tests: '18', failures: '6', errors: '3', skipped: '6', time: '0.000' });
  const props = childElements(childElements(suite, 'properties')[0]!, 'property').map((p) => [p.attrs['name'], p.attrs['value']]);
  t.same(props, [
    ['xenlint.version', '0.1.0'],
    ['xen.version', '3.0.4'],
    ['xen.source', 'xl info'],
    ['xenlint.fail-on', 'info'],
  ]);
  const all = cases(root);
  t.equal(all.length, 18);
  t.same(
    all.map((c) => c.attrs['classname']),
    [
      'xenlint.pv-abi-mismatch',
      'xenlint.pv-abi-mismatch',
      'xenlint.maxmem-below-memory',
      'xenlint.dom0-mem-max',
      'xenlint.vif-bridge-exists',
      'xenlint.xl-conf-autoballoon',
      'xenlint.sched-credit-weights',
      'xenlint.disk-vdev-unique',
      'xenlint.hvm-virt-caps',
      'xenlint.dom0-cpufreq-governor',
      'xenlint.numa-placement',
      'xenlint.pvh-dom0-kernel',
      'xenlint.pv-32bit-shim',
      'xenlint.xend-removed',
      'xenlint.dom0-kernel-modules',
      'xenlint.unused-suppression',
      'xenlint.input',
      'xenlint.input',
    ],
    'one case per check, split per domU, then the input problems',
  );
});

t.test('fail: one testcase per domU, the findings as failure text', async (t) => {
  const all = cases(parseXml(formatJunit(sampleReport(), failOnInfo)));
  const [web, db, maxmem, dom0] = all;
  t.equal(web!.attrs['name'], 'PV guest kernel ABI is offered by the hypervisor [web01]');
  t.equal(db!.attrs['name'], 'PV guest kernel ABI is offered by the hypervisor [db01]');
  const failure = childElements(web!, 'failure')[0]!;
  t.same(failure.attrs, {
    message: 'web01: kernel /boot/vmlinuz-2.6.18-xen is 32-bit PAE (x86_32p) but this hypervisor runs only x86_64 PV guests',
    type: 'error',
  });
  t.equal(
    textOf(failure),
    [
      'domains/web01.cfg:4:1: error: web01: kernel /boot/vmlinuz-2.6.18-xen is 32-bit PAE (x86_32p) but this hypervisor runs only x86_64 PV guests',
      'fix: Boot a 64-bit PV kernel, or run the guest as HVM (builder = "hvm").',
      'evidence: xen_caps=xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64, kernel=x86_32p (ELF note PAE=yes)',
      '',
      `docs: ${DOCS}pv-abi-mismatch.md`,
    ].join('\n'),
  );
  t.equal(
    textOf(childElements(db!, 'failure')[0]!),
    `domains/db 01 (prod).cfg:12:9: error: db01: kernel ABI unknown — the ELF note could not be read\n(xen_caps: xen-3.0-x86_64)\nunverified: the check could not decide for this item\n\ndocs: ${DOCS}pv-abi-mismatch.md`,
  );
  t.same([web!.attrs['file'], web!.attrs['line'], db!.attrs['file'], db!.attrs['line']], ['domains/web01.cfg', '4', 'domains/db 01 (prod).cfg', '12'], 'file and first line');
  const mm = childElements(maxmem!, 'failure')[0]!;
  t.same(mm.attrs, { message: '2 findings', type: 'warning' }, 'the worst severity of the group is the type');
  t.match(textOf(mm), /maxmem = 512[^]*\n\ndomains\/web01\.cfg:9:1: info: web01: 内存 «memory» set twice/);
  t.equal(dom0!.attrs['name'], 'dom0_mem pins dom0 with max:', 'host finding: no domain suffix');
  t.match(textOf(childElements(dom0!, 'failure')[0]!), /^host: warning: dom0_mem=2048M/);
  t.match(textOf(childElements(all[4]!, 'failure')[0]!), /^domain mail02: error: /);
  t.match(textOf(childElements(all[5]!, 'failure')[0]!), /^\/etc\/xen\/xl\.conf:3:1: /, 'outside cwd: absolute path');
});

t.test('pass, skipped, not-applicable, error and input problems', async (t) => {
  const byClass = new Map(cases(parseXml(formatJunit(sampleReport(), opts))).map((c) => [c.attrs['classname']!, c]));
  t.same(byClass.get('xenlint.disk-vdev-unique')!.children, [], 'pass: an empty testcase');
  t.same(childElements(byClass.get('xenlint.pvh-dom0-kernel')!, 'skipped')[0]!.attrs, { message: 'Xen version unknown; pass --xen or --facts' });
  t.same(childElements(byClass.get('xenlint.xend-removed')!, 'skipped')[0]!.attrs, { message: 'not applicable: applies to Xen >=4.5; checking 3.0.4' });
  const error = childElements(byClass.get('xenlint.dom0-kernel-modules')!, 'error')[0]!;
  t.same(error.attrs, { message: 'lsmod failed (lsmod, exit 127): command not found', type: 'check-error' });
  t.equal(childElements(byClass.get('xenlint.dom0-kernel-modules')!, 'failure').length, 0, 'a failed probe is not a failed check');
  const inputs = cases(parseXml(formatJunit(sampleReport(), opts))).filter((c) => c.attrs['classname'] === 'xenlint.input');
  t.same(
    inputs.map((c) => [c.attrs['name'], childElements(c, 'error')[0]!.attrs['type']]),
    [
      ['domains/broken.cfg:2', 'input-problem'],
      ['input', 'input-problem'],
    ],
  );
});

t.test('--fail-on decides what fails: below it, a passed case that says so', async (t) => {
  const byFailOn = (failOn: 'error' | 'warning' | 'info') =>
    cases(parseXml(formatJunit(sampleReport(), { ...opts, failOn }))).filter((c) => c.attrs['classname'] !== 'xenlint.input');
  const failing = (failOn: 'error' | 'warning' | 'info') =>
    byFailOn(failOn)
      .filter((c) => childElements(c, 'failure').length > 0)
      .map((c) => c.attrs['name']);
  t.same(
    failing('error'),
    [
      'PV guest kernel ABI is offered by the hypervisor [web01]',
      'PV guest kernel ABI is offered by the hypervisor [db01]',
      'Every vif bridge exists in dom0 [mail02]',
    ],
    'default: only errors fail',
  );
  t.equal(failing('warning').length, 6, 'warnings fail at --fail-on warning');
  t.same(failing('info'), failing('warning'), 'the info finding shares its case with a warning');
  const maxmem = byFailOn('error').find((c) => c.attrs['classname'] === 'xenlint.maxmem-below-memory')!;
  t.same(childElements(maxmem, 'failure'), [], 'a warning below the threshold is not a failure');
  const out = textOf(childElements(maxmem, 'system-out')[0]!);
  t.match(out, /^below --fail-on error, not a failure:\ndomains\/web01\.cfg:7:10: warning: web01: maxmem = 512/);
  t.same([maxmem.attrs['file'], maxmem.attrs['line']], ['domains/web01.cfg', '7']);
  const suite = childElements(parseXml(formatJunit(sampleReport(), { ...opts, failOn: 'error' })), 'testsuite')[0]!;
  t.equal(suite.attrs['failures'], '3', 'the counts follow');
  t.equal(suite.attrs['errors'], '3', 'errors (checks that could not run, unreadable inputs) do not depend on it');
});

t.test('time: each check\'s run time, shared by its cases; summed on the suite', async (t) => {
  const report = sampleReport();
  for (const o of report.checks) o.durationMs = 10;
  report.checks[0]!.durationMs = 3;
  const root = parseXml(formatJunit(report, failOnInfo));
  const all = cases(root);
  t.same(all.slice(0, 3).map((c) => c.attrs['time']), ['0.002', '0.002', '0.010'], 'split in two: 1.5 ms each');
  t.ok(all.every((c) => /^\d+\.\d{3}$/.test(c.attrs['time']!)), 'every case has a time');
  t.equal(childElements(root, 'testsuite')[0]!.attrs['time'], (0.003 + 0.01 * (report.checks.length - 1)).toFixed(3));
  const host = all.find((c) => c.attrs['classname'] === 'xenlint.dom0-mem-max')!;
  t.notOk('file' in host.attrs, 'a host finding has no file to name');
});

t.test('a command output is no file: no file attribute, its name in the text', async (t) => {
  const report = sampleReport();
  const f = report.checks[2]!.findings[0]!;
  f.file = 'xl info';
  f.line = 12;
  const all = cases(parseXml(formatJunit(report, { ...failOnInfo, locations: { sourceRoot: CWD, commandOutputs: new Set(['xl info']) } })));
  const host = all.find((c) => c.attrs['classname'] === 'xenlint.dom0-mem-max')!;
  t.notOk('file' in host.attrs);
  t.match(textOf(childElements(host, 'failure')[0]!), /^xl info:12: warning: /);
});

t.test('a clean lint run', async (t) => {
  const root = parseXml(formatJunit(cleanReport(), opts));
  const suite = childElements(root, 'testsuite')[0]!;
  t.same(suite.attrs, { name: 'xenlint lint', tests: '3', failures: '0', errors: '0', skipped: '1', time: '0.000' });
});

t.test('an empty run is still a well-formed document', async (t) => {
  const empty: RunReport = { ...cleanReport(), checks: [], summary: summaryOf([]) };
  const { xen: _xen, ...noXen } = empty;
  const root = parseXml(formatJunit(noXen, opts));
  t.same(childElements(root, 'testsuite')[0]!.attrs['tests'], '0');
});

const NASTY: Array<[string, string]> = [
  ['markup', `<&>"'`],
  ['an entity lookalike', '&amp; &#0; &#xD800; &bogus;'],
  ['CDATA end', ']]> <![CDATA[x]]>'],
  ['NUL and ESC', 'a\u0000b\u001b[31mred'],
  ['vertical tab, form feed', 'a\u000bb\u000cc'],
  ['CR LF tab', 'line 1\r\nline 2\tend\r'],
  ['C1 and DEL', 'x\u0085y\u007fz\u009b'],
  ['noncharacters', 'a\ufffeb\uffffc'],
  ['lone surrogates', 'a\ud800b\udc00c'],
  ['a valid pair and CJK', 'emoji 😀, 内存'],
  ['comment open', '<!-- -- -->'],
];

t.test('nasty strings everywhere: still well-formed, nothing silently lost', async (t) => {
  for (const [what, nasty] of NASTY) {
    const report = sampleReport();
    report.xen = { version: nasty, source: nasty };
    report.command = 'lint';
    const o = report.checks[0]!;
    o.title = nasty;
    o.findings[0]!.message = nasty;
    o.findings[0]!.domain = nasty;
    o.findings[0]!.file = `${CWD}/${nasty}.cfg`;
    o.findings[0]!.remediation = nasty;
    o.findings[0]!.evidence = { [nasty]: nasty };
    report.checks[14]!.reason = nasty;
    report.checks[8]!.reason = nasty;
    report.problems[0]!.message = nasty;
    const xml = formatJunit(report, opts);
    let root: XmlElement | undefined;
    t.doesNotThrow(() => (root = parseXml(xml)), `${what}: parses`);
    if (!root) continue;
    const first = cases(root)[0]!;
    const failure = childElements(first, 'failure')[0]!;
    const expected = nasty
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    t.equal(failure.attrs['message'], expected.split(/\r?\n/)[0], `${what}: attribute value decodes back`);
    t.ok(first.attrs['name']!.startsWith(expected), `${what}: testcase name decodes back`);
    t.ok(textOf(failure).includes(`: error: ${expected}`), `${what}: text decodes back`);
  }
});

t.test('xmlAttr and xmlText escaping table', async (t) => {
  const attr: Array<[string, string]> = [
    ['plain', 'plain'],
    [`<&>"'`, '&lt;&amp;&gt;&quot;&apos;'],
    ['a\tb\nc\rd', 'a&#x9;b&#xA;c&#xD;d'],
    ['\u0000\u0001\u001f', '\\x00\\x01\\x1f'],
    ['\u007f\u0085', '&#x7F;&#x85;'],
    ['\ufffe\uffff', '\\xfffe\\xffff'],
    ['\ud800', '\ufffd'],
    ['😀', '😀'],
  ];
  for (const [input, out] of attr) t.equal(xmlAttr(input), out, `attr ${JSON.stringify(input)}`);
  const text: Array<[string, string]> = [
    [`<&>"'`, `&lt;&amp;&gt;"'`],
    ['a\tb\nc\rd', 'a\tb\nc&#xD;d'],
    [']]>', ']]&gt;'],
  ];
  for (const [input, out] of text) t.equal(xmlText(input), out, `text ${JSON.stringify(input)}`);
});

t.test('the well-formedness checker itself rejects broken XML', async (t) => {
  const bad: Array<[string, string]> = [
    ['unbalanced', '<a><b></a>'],
    ['unclosed', '<a><b/>'],
    ['raw <', '<a>1 < 2</a>'],
    ['raw & in text', '<a>R&D</a>'],
    ['raw & in attribute', '<a x="R&D"/>'],
    ['unknown entity', '<a>&nbsp;</a>'],
    ['unquoted attribute', '<a x=1/>'],
    ['duplicate attribute', '<a x="1" x="2"/>'],
    ['raw < in attribute', '<a x="<"/>'],
    ['control character', '<a>\u0001</a>'],
    ['reference to NUL', '<a>&#0;</a>'],
    ['lone surrogate', '<a>\ud800</a>'],
    ['two roots', '<a/><b/>'],
    ['CDATA end in text', '<a>]]></a>'],
    ['missing space between attributes', '<a x="1"y="2"/>'],
  ];
  for (const [what, xml] of bad) t.throws(() => parseXml(xml), `rejects ${what}`);
  t.same(parseXml('<a x="&lt;&#x41;&#66;&#10;"> t &amp; <b/></a>'), {
    name: 'a',
    attrs: { x: '<AB\n' },
    children: [' t & ', { name: 'b', attrs: {}, children: [] }],
  });
});
