/**
 * `xenlint check --root A --root B` (and `--root DIR` of captures) as users run
 * it: every format says which host each finding is on.
 */
import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, inProcess } from './run.js';
import { errorsOf, reportValidator, sarifValidator } from '../fixtures/report/validators.js';

const A = 'samples/hosts/xen-3.0.3-pae-legacy';
const B = 'samples/hosts/xen-4.17-credit2';
const HOSTS = ['xen1', 'bookworm-xen'];

t.test('json: a host on every outcome and finding, the hosts listed', async (t) => {
  const r = await inProcess(['check', '--root', A, '--root', B, '-f', 'json']);
  t.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  const v = reportValidator();
  t.ok(v.validate(report), errorsOf(v.validate));
  t.same(report.hosts.map((h: { name: string }) => h.name), HOSTS);
  t.ok(report.checks.every((c: { host?: string }) => HOSTS.includes(c.host ?? '')), 'every outcome names its host');
  const findings = report.checks.flatMap((c: { findings: Array<{ host?: string }> }) => c.findings);
  t.ok(findings.length > 0 && findings.every((f: { host?: string }) => HOSTS.includes(f.host ?? '')), 'every finding names its host');
  t.ok(
    report.checks.some((c: { id: string; status: string }) => c.id === 'fleet-config-drift' && c.status === 'fail'),
    'the cross-host checks ran',
  );
});

t.test('a directory of captures is the same fleet as the captures one by one', async (t) => {
  const dir = JSON.parse((await inProcess(['check', '--root', 'samples/hosts', '-f', 'json'])).stdout);
  const names = readdirSync(join(ROOT, 'samples/hosts')).sort();
  const each = JSON.parse((await inProcess(['check', ...names.flatMap((h) => ['--root', `samples/hosts/${h}`]), '-f', 'json'])).stdout);
  t.same(dir.checks, each.checks);
  t.equal(dir.hosts.length, names.length);
});

t.test('sarif: a run per host', async (t) => {
  const r = await inProcess(['check', '--root', A, '--root', B, '-f', 'sarif']);
  const log = JSON.parse(r.stdout);
  const sv = sarifValidator();
  t.ok(sv(log), errorsOf(sv));
  t.same(log.runs.map((run: { properties: { host: string } }) => run.properties.host), HOSTS);
  for (const run of log.runs) {
    t.ok(run.results.length > 0 && run.results.every((res: { properties?: { host?: string } }) => res.properties?.host === run.properties.host), `${run.properties.host}: results carry the host`);
  }
});

t.test('junit: a testsuite per host', async (t) => {
  const r = await inProcess(['check', '--root', A, '--root', B, '-f', 'junit']);
  t.match(r.stdout, /<testsuite name="xenlint check xen1"/);
  t.match(r.stdout, /<testsuite name="xenlint check bookworm-xen"/);
  t.equal((r.stdout.match(/<testsuite /g) ?? []).length, 2);
  const total = Number(/<testsuites name="xenlint" tests="(\d+)"/.exec(r.stdout)?.[1]);
  const parts = [...r.stdout.matchAll(/<testsuite name="[^"]*" tests="(\d+)"/g)].map((m) => Number(m[1]));
  t.equal(total, parts[0]! + parts[1]!, 'the totals add up');
});

t.test('stylish: grouped by host; github: titled with the host', async (t) => {
  const r = await inProcess(['check', '--root', A, '--root', B]);
  const xen1 = r.stdout.indexOf('━━ xen1');
  const bookworm = r.stdout.indexOf('━━ bookworm-xen');
  t.ok(xen1 >= 0 && bookworm > xen1, 'a section per host, in order');
  t.ok(r.stdout.indexOf('devel: PV kernel is 64-bit') > xen1 && r.stdout.indexOf('devel: PV kernel is 64-bit') < bookworm, "xen1's finding in xen1's section");
  t.match(r.stdout, /Fleet: 2 hosts, \d+ findings/);
  const g = await inProcess(['check', '--root', A, '--root', B, '-f', 'github']);
  t.match(g.stdout, /^::error file=\/etc\/xen\/devel\.cfg,line=3,[^:]*::\[xen1\] devel: PV kernel/m);
});

t.test('bad input', async (t) => {
  const r = await inProcess(['check', '--root', A, '--root', 'nosuch']);
  t.equal(r.code, 2);
  t.match(r.stderr, /--root nosuch: not a directory/);
  const facts = await inProcess(['check', '--root', A, '--root', B, '--facts', 'samples/info/xl-4.17-x86_64.txt']);
  t.equal(facts.code, 2, '--root and --facts exclude each other');
});
