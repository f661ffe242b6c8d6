import t from 'tap';
import { formatSarif, ruleName, artifactLocation, toSarif } from '../../cli/report/sarif.js';
import type { RunReport } from '../../checks/api.js';
import type { FormatOptions } from '../../cli/report/index.js';
import { CWD, DB01, DOCS, HOME, XL_CONF, cleanReport, sampleReport, sampleRules } from '../fixtures/report/sample-report.js';
import { URI, URI_REFERENCE, errorsOf, sarifValidator } from '../fixtures/report/validators.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const opts = { color: false, cwd: CWD, rules: sampleRules(), home: HOME };

function sarifOf(report: RunReport, o: FormatOptions = opts): Json {
  return JSON.parse(formatSarif(report, o));
}

t.test('the sample run validates against the official SARIF 2.1.0 schema', async (t) => {
  const validate = sarifValidator();
  const log = sarifOf(sampleReport());
  t.ok(validate(log), errorsOf(validate));
  const clean = sarifOf(cleanReport());
  t.ok(validate(clean), errorsOf(validate));
  const bare = sarifOf(sampleReport(), { color: false, cwd: CWD, rules: new Map() });
  t.ok(validate(bare), `without rule metadata too: ${errorsOf(validate)}`);
});

t.test('the validation is real: broken logs are rejected', async (t) => {
  const validate = sarifValidator();
  const cases: Array<[string, (log: Json) => void]> = [
    ['missing tool.driver.name (kube-score#559)', (l) => delete l.runs[0].tool.driver.name],
    ['level outside the enum', (l) => (l.runs[0].results[0].level = 'info')],
    ['startLine 0', (l) => (l.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0)],
    ['a raw space in an artifact URI', (l) => (l.runs[0].results[1].locations[0].physicalLocation.artifactLocation.uri = 'domains/db 01.cfg')],
    ['a relative helpUri', (l) => (l.runs[0].tool.driver.rules[0].helpUri = 'docs/rules/pv-abi-mismatch.md')],
    ['executionSuccessful missing', (l) => delete l.runs[0].invocations[0].executionSuccessful],
    ['an unknown property on a result', (l) => (l.runs[0].results[0].severity = 'error')],
    ['a message without text', (l) => (l.runs[0].results[0].message = {})],
    ['duplicate rules', (l) => l.runs[0].tool.driver.rules.push(l.runs[0].tool.driver.rules[0])],
    ['wrong version', (l) => (l.version = '2.0.0')],
  ];
  for (const [what, breakIt] of cases) {
    const log = sarifOf(sampleReport());
    breakIt(log);
    t.notOk(validate(log), `rejects: ${what}`);
  }
});

t.test('tool.driver and rules', async (t) => {
  const log = sarifOf(sampleReport());
  t.equal(log.version, '2.1.0');
  t.equal(log.runs.length, 1);
  const driver = log.runs[0].tool.driver;
  t.equal(driver.name, 'xenlint');
  t.equal(driver.version, '0.1.0');
  t.equal(driver.semanticVersion, '0.1.0');
  t.equal(driver.informationUri, HOME, 'package.json homepage');
  t.notOk('informationUri' in sarifOf(sampleReport(), { color: false, cwd: CWD, rules: sampleRules() }).runs[0].tool.driver, 'no home given: none, not a placeholder');
  t.same(
    driver.rules.map((r: Json) => r.id),
    sampleReport().checks.map((c) => c.id),
    'every check of the run is a rule, in report order',
  );
  const dom0 = driver.rules.find((r: Json) => r.id === 'dom0-mem-max');
  t.match(dom0, {
    name: 'Dom0MemMax',
    shortDescription: { text: 'dom0_mem pins dom0 with max:' },
    fullDescription: { text: 'dom0_mem pins dom0 with max:.' },
    helpUri: `${DOCS}dom0-mem-max.md`,
    defaultConfiguration: { level: 'warning' },
    properties: { xen: '>=3.0.0', tags: ['xen', 'configuration'], sources: ['docs/man/xl.cfg.5.pod.in@RELEASE-4.17.0', 'xen-3.0-testing.hg: XendDomainInfo.py'] },
  });
  t.match(dom0.help.text, /How to fix: see the documentation page\.\n\nApplies to Xen >=3\.0\.0\.\n\nSources:\n- docs\/man/);
  t.match(dom0.help.markdown, /Applies to Xen `>=3\.0\.0`\./);
  t.ok(dom0.help.markdown.endsWith(`[Documentation](${DOCS}dom0-mem-max.md)`));
  const info = driver.rules.find((r: Json) => r.id === 'numa-placement');
  t.equal(info.defaultConfiguration.level, 'note', 'info severity is SARIF note');
});

t.test('results: level, location, fingerprints, properties', async (t) => {
  const log = sarifOf(sampleReport());
  const run = log.runs[0];
  t.equal(run.results.length, 7, 'one result per finding');
  t.same(Object.keys(run.originalUriBaseIds), ['%SRCROOT%', 'LOCALROOT'], 'the repository, and this machine for the file outside it');
  t.notOk('uri' in run.originalUriBaseIds['%SRCROOT%'], 'no file: URI of this machine');
  t.match(run.originalUriBaseIds['%SRCROOT%'].description.text, /repository/);
  const [web, db] = run.results;
  t.same(web, {
    ruleId: 'pv-abi-mismatch',
    ruleIndex: 0,
    level: 'error',
    message: { text: 'web01: kernel /boot/vmlinuz-2.6.18-xen is 32-bit PAE (x86_32p) but this hypervisor runs only x86_64 PV guests' },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: 'domains/web01.cfg', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 1 } },
        logicalLocations: [{ name: 'web01', fullyQualifiedName: 'domain/web01', kind: 'resource' }],
      },
    ],
    partialFingerprints: { 'xenlint/v1': sampleReport().checks[0]!.findings[0]!.fingerprint },
    properties: {
      domain: 'web01',
      key: 'kernel',
      remediation: 'Boot a 64-bit PV kernel, or run the guest as HVM (builder = "hvm").',
      evidence: { xen_caps: 'xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64', kernel: 'x86_32p (ELF note PAE=yes)' },
    },
  });
  t.equal(db.locations[0].physicalLocation.artifactLocation.uri, 'domains/db%2001%20(prod).cfg', 'spaces percent-encoded');
  t.equal(db.message.text, 'db01: kernel ABI unknown — the ELF note could not be read\n(xen_caps: xen-3.0-x86_64)', 'multi-line text kept');
  t.equal(db.properties.unverified, true);
  const note = run.results.find((r: Json) => r.message.text.includes('内存'));
  t.equal(note.level, 'note');
  const host = run.results.find((r: Json) => r.ruleId === 'dom0-mem-max');
  t.same(host.locations, [{ logicalLocations: [{ name: 'host', fullyQualifiedName: 'host', kind: 'resource' }] }], 'host finding: a logical location, no file');
  const live = run.results.find((r: Json) => r.ruleId === 'vif-bridge-exists');
  t.same(live.locations, [{ logicalLocations: [{ name: 'mail02', fullyQualifiedName: 'domain/mail02', kind: 'resource' }] }], 'domain without a file');
  const outside = run.results.find((r: Json) => r.ruleId === 'xl-conf-autoballoon');
  t.same(outside.locations[0].physicalLocation.artifactLocation, { uri: 'etc/xen/xl.conf', uriBaseId: 'LOCALROOT' }, 'outside the repository: relative to this machine\'s /');
});

t.test('invocation: errors and input problems are notifications', async (t) => {
  const run = sarifOf(sampleReport()).runs[0];
  const inv = run.invocations[0];
  t.equal(inv.executionSuccessful, false);
  t.same(inv.toolExecutionNotifications[0], {
    level: 'error',
    message: { text: 'dom0-kernel-modules could not run: lsmod failed (lsmod, exit 127): command not found' },
    associatedRule: { id: 'dom0-kernel-modules', index: 13 },
  });
  t.same(inv.toolExecutionNotifications[1].locations[0].physicalLocation, {
    artifactLocation: { uri: 'domains/broken.cfg', uriBaseId: '%SRCROOT%' },
    region: { startLine: 2, startColumn: 14 },
  });
  t.equal(inv.toolExecutionNotifications.length, 3);
  const clean = sarifOf(cleanReport()).runs[0];
  t.same(clean.invocations, [{ executionSuccessful: true }]);
  t.same(clean.results, [], 'an empty results array, not a missing one: the scan ran');
  t.same(
    run.properties.checks.filter((c: Json) => c.status === 'not-applicable'),
    [
      { id: 'pv-32bit-shim', status: 'not-applicable', reason: 'applies to Xen >=4.14; checking 3.0.4', suppressed: 0 },
      { id: 'xend-removed', status: 'not-applicable', reason: 'applies to Xen >=4.5; checking 3.0.4', suppressed: 0 },
    ],
    'statuses of checks without results are kept in run.properties',
  );
  t.same(run.properties.xen, { version: '3.0.4', source: 'xl info' });
});

t.test('positions that are not 1-based integers are left out, not passed on', async (t) => {
  const report = sampleReport();
  const f = report.checks[0]!.findings[0]!;
  f.line = 0;
  f.column = Number.NaN;
  const log = sarifOf(report);
  t.same(log.runs[0].results[0].locations[0].physicalLocation, { artifactLocation: { uri: 'domains/web01.cfg', uriBaseId: '%SRCROOT%' } });
  const validate = sarifValidator();
  t.ok(validate(log), errorsOf(validate));
});

t.test('a helpUri that is not a web address is dropped; one with spaces is encoded', async (t) => {
  const rules = sampleRules();
  rules.set('pv-abi-mismatch', { ...rules.get('pv-abi-mismatch')!, helpUri: 'docs/rules/pv-abi-mismatch.md' });
  rules.set('maxmem-below-memory', { ...rules.get('maxmem-below-memory')!, helpUri: 'file:///opt/my docs/maxmem.md' });
  rules.set('dom0-mem-max', { ...rules.get('dom0-mem-max')!, helpUri: 'https://example.org/my docs/dom0.md' });
  const driver = sarifOf(sampleReport(), { color: false, cwd: CWD, rules }).runs[0].tool.driver;
  t.notOk('helpUri' in driver.rules[0], 'relative');
  t.notOk('helpUri' in driver.rules[1], 'file: names a file on the machine that ran xenlint');
  t.notMatch(driver.rules[1].help.markdown, /file:/);
  t.equal(driver.rules[2].helpUri, 'https://example.org/my%20docs/dom0.md');
});

t.test('ruleName', async (t) => {
  const table: Array<[string, string | undefined]> = [
    ['pv-abi-mismatch', 'PvAbiMismatch'],
    ['dom0-mem-max', 'Dom0MemMax'],
    ['site/no-file-disks', 'SiteNoFileDisks'],
    ['x', undefined],
    ['scheduler', undefined],
    ['---', undefined],
  ];
  for (const [id, name] of table) t.equal(ruleName(id), name, id);
});

t.test('artifactLocation', async (t) => {
  const table: Array<[string, { uri: string; uriBaseId?: string }]> = [
    [`${CWD}/domains/web01.cfg`, { uri: 'domains/web01.cfg', uriBaseId: '%SRCROOT%' }],
    ['domains/web01.cfg', { uri: 'domains/web01.cfg', uriBaseId: '%SRCROOT%' }],
    [DB01, { uri: 'domains/db%2001%20(prod).cfg', uriBaseId: '%SRCROOT%' }],
    [`${CWD}/a:b/c#d?.cfg`, { uri: 'a%3Ab/c%23d%3F.cfg', uriBaseId: '%SRCROOT%' }],
    [`${CWD}/100%.cfg`, { uri: '100%25.cfg', uriBaseId: '%SRCROOT%' }],
    [`${CWD}/gäst.cfg`, { uri: 'g%C3%A4st.cfg', uriBaseId: '%SRCROOT%' }],
    [XL_CONF, { uri: 'etc/xen/xl.conf', uriBaseId: 'LOCALROOT' }],
    ['../elsewhere/x.cfg', { uri: 'srv/elsewhere/x.cfg', uriBaseId: 'LOCALROOT' }],
    [`${CWD}/bad\uD800.cfg`, { uri: 'bad%EF%BF%BD.cfg', uriBaseId: '%SRCROOT%' }],
  ];
  for (const [file, expected] of table) {
    const got = artifactLocation(file, CWD);
    t.same(got, expected, file);
    t.match(got.uri, URI_REFERENCE, `${file}: a valid URI reference`);
  }
});

t.test('the URI grammars used for validation accept and reject what RFC 3986 does', async (t) => {
  for (const ok of ['domains/web01.cfg', 'a%20b', '', '#frag', '?q=1', '//host/p', 'file:///etc/xen/xl.conf', '(x)']) {
    t.match(ok, URI_REFERENCE, `uri-reference: ${JSON.stringify(ok)}`);
  }
  for (const bad of ['a b', 'a%2', 'a"b', 'a<b', 'x\\y', 'a\u0000b', '1a:b']) {
    t.notMatch(bad, URI_REFERENCE, `not a uri-reference: ${JSON.stringify(bad)}`);
  }
  t.match(HOME, URI);
  t.notMatch('docs/rules/x.md', URI, 'relative is not a uri');
});

t.test('toSarif is pure: formatting twice gives the same text', async (t) => {
  t.equal(JSON.stringify(toSarif(sampleReport(), opts)), JSON.stringify(toSarif(sampleReport(), opts)));
});

t.test('check: host files under HOSTROOT, command outputs and /proc as logical locations, never a file: URI', async (t) => {
  const report = sampleReport();
  report.command = 'check';
  const [web, db] = report.checks[0]!.findings;
  web!.file = '/etc/xen/web01.cfg';
  db!.file = 'domains/db 01 (prod).cfg';
  const host = report.checks[2]!.findings[0]!;
  host.file = 'xl info';
  host.line = 12;
  host.column = 3;
  const proc = { ...host, file: '/proc/cpuinfo', line: 5 };
  delete (proc as { column?: number }).column;
  report.checks[2]!.findings.push(proc);
  report.problems.push({ file: 'xl info -n', message: 'exit 1' });
  const validate = sarifValidator();
  const cases: Array<[string, NonNullable<FormatOptions['locations']>, Json]> = [
    [
      '--root inside the repository: HOSTROOT is a directory under %SRCROOT%',
      { sourceRoot: CWD, host: { dir: `${CWD}/hosts/old box`, description: 'the --root tree' }, commandOutputs: new Set(['xl info', 'xl info -n']) },
      { uri: 'hosts/old%20box/', uriBaseId: '%SRCROOT%', description: { text: 'the --root tree' } },
    ],
    [
      'live: HOSTROOT has no URI (it would be this machine\'s file:///)',
      { sourceRoot: CWD, host: { dir: '/', description: 'live' }, commandOutputs: new Set(['xl info', 'xl info -n']) },
      { description: { text: 'live' } },
    ],
  ];
  for (const [what, locations, hostRoot] of cases) {
    const log = sarifOf(report, { ...opts, locations } );
    t.ok(validate(log), `${what}: ${errorsOf(validate)}`);
    const run = log.runs[0];
    t.same(run.originalUriBaseIds['HOSTROOT'], hostRoot, what);
    t.notMatch(JSON.stringify(log), /file:/, `${what}: no file: URI anywhere`);
    t.same(run.results[0].locations[0].physicalLocation.artifactLocation, { uri: 'etc/xen/web01.cfg', uriBaseId: 'HOSTROOT' }, 'the host\'s own path');
    const [info, cpu] = run.results.filter((r: Json) => r.ruleId === 'dom0-mem-max');
    t.same(info.locations, [{ logicalLocations: [{ name: 'xl info', fullyQualifiedName: 'host/xl info', kind: 'resource' }] }], 'a command output is no file');
    t.same([info.properties.evidenceLine, info.properties.evidenceColumn], [12, 3], 'its line is kept as a property');
    t.same(cpu.locations, [{ logicalLocations: [{ name: '/proc/cpuinfo', fullyQualifiedName: 'host//proc/cpuinfo', kind: 'resource' }] }], '/proc is kernel state');
    const notes = run.invocations[0].toolExecutionNotifications;
    t.same(notes[notes.length - 1].locations, [{ logicalLocations: [{ name: 'xl info -n', fullyQualifiedName: 'host/xl info -n', kind: 'resource' }] }]);
    t.same(run.results.find((r: Json) => r.ruleId === 'pv-abi-mismatch' && r.properties.domain === 'db01').locations[0].physicalLocation.artifactLocation, {
      uri: 'domains/db%2001%20(prod).cfg',
      uriBaseId: '%SRCROOT%',
    }, 'a relative path is still read on this machine, in the repository');
  }
  const snapshot = sarifOf(report, { ...opts, locations: { sourceRoot: CWD, host: { description: 'snapshot' }, localFiles: new Set([XL_CONF]) } } );
  const conf = snapshot.runs[0].results.find((r: Json) => r.ruleId === 'xl-conf-autoballoon');
  t.same(conf.locations[0].physicalLocation.artifactLocation, { uri: 'etc/xen/xl.conf', uriBaseId: 'LOCALROOT' }, 'a file read here (the --facts file) is not the host\'s');
  t.same(snapshot.runs[0].originalUriBaseIds['HOSTROOT'], { description: { text: 'snapshot' } });
});

t.test('lint: the repository root, not cwd, is %SRCROOT%', async (t) => {
  const log = sarifOf(sampleReport(), { ...opts, cwd: `${CWD}/domains`, locations: { sourceRoot: CWD } } );
  t.same(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation, { uri: 'domains/web01.cfg', uriBaseId: '%SRCROOT%' });
  t.notOk('HOSTROOT' in log.runs[0].originalUriBaseIds, 'lint names no checked host');
});
