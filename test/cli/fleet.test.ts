/**
 * `xenlint check --root A --root B` (and `--root DIR` of captures) as users run
 * it: every format says which host each finding is on.
 */
import t, { type Test } from 'tap';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, inProcess } from './run.js';
import { errorsOf, reportValidator, sarifValidator } from '../fixtures/report/validators.js';
import { tempDir } from '../helpers/temp-dir.js';

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

/** A copy of the two sample hosts, B's web.cfg edited, and a config; the fleet's JSON report. */
async function fleetWith(t: Test, opts: { config?: string; webB?: (text: string) => string; baseline?: string } = {}): Promise<{ code: number | null; report: { checks: Array<{ id: string; host: string; status: string; severity: string; suppressed: number; findings: Array<{ file?: string; line?: number; severity: string; fingerprint: string; messageId?: string; message: string }> }> }; stderr: string; dir: string }> {
  const dir = t.testdir({});
  cpSync(join(ROOT, A), join(dir, 'a'), { recursive: true, verbatimSymlinks: true });
  cpSync(join(ROOT, B), join(dir, 'b'), { recursive: true, verbatimSymlinks: true });
  if (opts.webB) {
    const web = join(dir, 'b/etc/xen/web.cfg');
    writeFileSync(web, opts.webB(readFileSync(web, 'utf8')));
  }
  const args = ['check', '--root', join(dir, 'a'), '--root', join(dir, 'b'), '-f', 'json'];
  if (opts.config !== undefined) {
    writeFileSync(join(dir, 'xenlint.yaml'), opts.config);
    args.push('--config', join(dir, 'xenlint.yaml'));
  }
  if (opts.baseline !== undefined) args.push('--baseline', opts.baseline);
  const r = await inProcess(args);
  return { code: r.code, report: JSON.parse(r.stdout || '{"checks":[]}'), stderr: r.stderr, dir };
}

const drift = (report: Awaited<ReturnType<typeof fleetWith>>['report'], host?: string) => report.checks.filter((c) => c.id === 'fleet-config-drift' && (host === undefined || c.host === host));

t.test("the config's checks: turns a fleet check off or sets its severity; options are refused", async (t) => {
  const off = await fleetWith(t, { config: 'checks:\n  fleet-config-drift: off\n' });
  t.same(drift(off.report), [], 'off: not run, like any check turned off');
  t.ok(off.report.checks.some((c) => c.id === 'fleet-duplicate-mac'), 'the other fleet checks still run');
  const info = await fleetWith(t, { config: 'checks:\n  fleet-config-drift: info\n' });
  const findings = drift(info.report).flatMap((c) => c.findings);
  t.equal(findings.length, 4);
  t.ok(findings.every((f) => f.severity === 'info') && drift(info.report).every((c) => c.severity === 'info'), 'every finding and outcome at the configured severity');
  const opts = await fleetWith(t, { config: 'checks:\n  fleet-config-drift:\n    options: { x: 1 }\n' });
  t.equal(opts.code, 2);
  t.match(opts.stderr, /checks\.fleet-config-drift\.options: this check takes no options/);
  const typo = await fleetWith(t, { config: 'checks:\n  fleet-config-drfit: off\n' });
  t.equal(typo.code, 2);
  t.match(typo.stderr, /checks\.fleet-config-drfit: no such check \(did you mean "fleet-config-drift"\?\)/);
});

t.test('a directive in the guest config suppresses a fleet finding, and no per-host run calls it unused', async (t) => {
  const plain = await fleetWith(t);
  const before = drift(plain.report, 'bookworm-xen')[0]!;
  t.equal(before.findings.filter((f) => f.file === '/etc/xen/web.cfg').length, 1);
  const marked = await fleetWith(t, { webB: (s) => s.replace('cmdline = ', '# xenlint-disable-next-line fleet-config-drift -- pool migration in progress\ncmdline = ') });
  const after = drift(marked.report, 'bookworm-xen')[0]!;
  t.same(after.findings.filter((f) => f.file === '/etc/xen/web.cfg'), [], 'suppressed on its line');
  t.equal(after.suppressed, 1);
  t.equal(drift(marked.report, 'xen1')[0]!.findings.length, 2, "xen1's half stays: the directive is bookworm-xen's");
  const unused = marked.report.checks.filter((c) => c.id === 'unused-suppression').flatMap((c) => c.findings);
  t.same(unused, [], 'the per-host run leaves a fleet directive alone');
  const byMessageId = await fleetWith(t, { webB: (s) => `# xenlint-disable fleet-config-drift/config-differs\n${s}` });
  t.equal(drift(byMessageId.report, 'bookworm-xen')[0]!.findings.filter((f) => f.file === '/etc/xen/web.cfg').length, 0, 'a file-wide directive by check/message-id');
});

t.test('fingerprints rest on the kind of problem, not its wording; a baseline accepts as many as it lists', async (t) => {
  const plain = await fleetWith(t);
  const fps = drift(plain.report).flatMap((c) => c.findings.map((f) => f.fingerprint)).sort();
  t.equal(new Set(fps).size, 4);
  t.ok(drift(plain.report).flatMap((c) => c.findings).every((f) => f.messageId === 'config-differs'));
  // Another differing key changes the message (it lists the keys), not the fingerprint.
  const more = await fleetWith(t, { webB: (s) => `${s}on_watchdog = "destroy"\n` });
  const webB = (r: typeof plain.report) => drift(r, 'bookworm-xen')[0]!.findings.find((f) => f.file === '/etc/xen/web.cfg')!;
  t.not(webB(more.report).message, webB(plain.report).message);
  t.equal(webB(more.report).fingerprint, webB(plain.report).fingerprint);
  // Outside the test's directory, which each run of fleetWith makes afresh.
  const baseline = join(tempDir('xenlint-fleet-baseline-'), 'baseline.json');
  writeFileSync(baseline, JSON.stringify({ findings: [{ fingerprint: webB(plain.report).fingerprint, check: 'fleet-config-drift' }] }));
  const accepted = await fleetWith(t, { baseline });
  t.equal(accepted.code === 2 ? accepted.stderr : '', '', 'the baseline is read');
  t.same(drift(accepted.report, 'bookworm-xen')[0]!.findings.filter((f) => f.file === '/etc/xen/web.cfg'), [], 'accepted');
  t.equal(drift(accepted.report, 'bookworm-xen')[0]!.suppressed, 1);
});

t.test('lint knows the fleet ids: accepted in checks:, and a directive naming one is not called unused', async (t) => {
  const dir = t.testdir({
    '.xenlintrc.yaml': 'checks:\n  fleet-duplicate-mac: warning\n',
    'web.cfg': 'name = "web"\ntype = "pvh"\nkernel = "/boot/vmlinuz"\nmemory = 1024\n# xenlint-disable-next-line fleet-duplicate-mac -- the DR copy on xen9 shares it\nvif = [ "mac=00:16:3e:00:00:01, bridge=xenbr0" ]\n# xenlint-disable-next-line vif-limit\nvcpus = 1\n',
  });
  const r = await inProcess(['lint', 'web.cfg', '--xen', '4.17', '-f', 'json'], { cwd: dir });
  t.not(r.code, 2, r.stderr);
  const unused = JSON.parse(r.stdout).checks.find((c: { id: string }) => c.id === 'unused-suppression').findings;
  t.same(unused.map((f: { line: number }) => f.line), [7], 'only the directive for a check of this run is judged');
});

t.test('the fleet ids lint knows are the fleet checks', async (t) => {
  const { FLEET_CHECKS } = await import('../../cli/fleet/checks.js');
  const { FLEET_CHECK_IDS } = await import('../../cli/fleet/ids.js');
  t.same([...FLEET_CHECK_IDS].sort(), FLEET_CHECKS.map((c) => c.id).sort());
  t.equal(new Set(FLEET_CHECKS.map((c) => c.messageId)).size, FLEET_CHECKS.length);
});
