/**
 * `xenlint migrate` as users run it: exit 0 when the guest can move, 1 when it
 * cannot, 2 for bad input; every report format; --verbose with both hosts'
 * facts side by side.
 */
import t from 'tap';
import { inProcess, scratch } from './run.js';
import { errorsOf, reportValidator, sarifValidator } from '../fixtures/report/validators.js';

const GUEST = 'name = "web"\nmemory = 1024\nkernel = "/boot/vmlinuz"\n# xenlint: guest-abi=x86_64\n';
const dir = scratch({ 'web.cfg': GUEST, 'bad.cfg': 'name = "web"\nmemory = = 3\n', 'notinfo.txt': 'hello\n' });
const run = (...args: string[]) => inProcess(['migrate', ...args], { cwd: dir });
const ROOTED = (p: string) => `${process.cwd()}/${p}`;
const X417 = ROOTED('samples/info/xl-4.17-x86_64.txt');
const X417N = ROOTED('samples/info/xl-4.17-numa-x86_64.txt');
const X412 = ROOTED('samples/info/xl-4.12-x86_64.txt');

t.test('exit 0 when the guest can move, 1 when it cannot', async (t) => {
  const ok = await run('web.cfg', '--from', X417, '--to', X417N);
  t.equal(ok.code, 0, ok.stdout + ok.stderr);
  t.match(ok.stdout, /No problems found/);
  const no = await run('web.cfg', '--from', X417, '--to', X412);
  t.equal(no.code, 1, no.stderr);
  t.match(no.stdout, /libxc-stream/);
  t.match(no.stdout, /web\.cfg/);
  // Warnings (a different vendor before 4.22) do not stop it unless asked to.
  const back = await run('web.cfg', '--from', X412, '--to', X417);
  t.equal(back.code, 0, back.stdout);
  t.match(back.stdout, /cpu-vendor/);
  t.equal((await run('web.cfg', '--from', X412, '--to', X417, '--fail-on', 'warning')).code, 1);
});

t.test('exit 2 for bad input, with a clear message', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['nosuch.cfg', '--from', X417, '--to', X412], /nosuch\.cfg: no such config file/],
    [['web.cfg', '--from', 'nosuch', '--to', X412], /--from nosuch: no such file or directory/],
    [['web.cfg', '--from', X417, '--to', 'notinfo.txt'], /notinfo\.txt/],
    [['web.cfg', '--from', X417], /Missing required argument: to/],
  ];
  for (const [args, says] of cases) {
    const r = await run(...args);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, says);
    t.notMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  }
  const bad = await run('bad.cfg', '--from', X417, '--to', X417N);
  t.equal(bad.code, 2, 'an unreadable config is bad input');
  t.match(bad.stdout, /bad\.cfg/);
});

t.test('every format', async (t) => {
  const json = await run('web.cfg', '--from', X417, '--to', X412, '-f', 'json');
  t.equal(json.code, 1);
  const report = JSON.parse(json.stdout);
  const v = reportValidator();
  t.ok(v.validate(report), errorsOf(v.validate));
  t.equal(report.command, 'migrate');
  const f = report.checks.find((c: { id: string }) => c.id === 'libxc-stream').findings[0];
  t.equal(f.evidence['from.xen_version'], '4.17.4-pre');
  t.match(f.evidence['to.xen_version'], /^4\.12/);

  const sarif = await run('web.cfg', '--from', X417, '--to', X412, '-f', 'sarif');
  const doc = JSON.parse(sarif.stdout);
  const sv = sarifValidator();
  t.ok(sv(doc), errorsOf(sv));
  const rule = doc.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'libxc-stream');
  t.match(rule.helpUri, /migrate\.md#libxc-stream$/, 'rules link to their section of docs/migrate.md');

  const junit = await run('web.cfg', '--from', X417, '--to', X412, '-f', 'junit');
  t.match(junit.stdout, /<testsuite name="xenlint migrate"/);
  t.match(junit.stdout, /<testcase classname="xenlint.libxc-stream"/);
  const github = await run('web.cfg', '--from', X417, '--to', X412, '-f', 'github');
  t.match(github.stdout, /^::error file=web\.cfg,line=1/m);
});

t.test('--verbose puts both hosts side by side', async (t) => {
  const r = await run('web.cfg', '--from', X417, '--to', X412, '--verbose');
  t.match(r.stdout, /fact\s+A \(from\)\s+B \(to\)/);
  t.match(r.stdout, /Xen version\s+4\.17\.4-pre\s+4\.12\.4/);
  t.match(r.stdout, /scheduler\s+credit2 \(xen_scheduler\)\s+credit2/);
  t.match(r.stdout, /CPU vendor\s+AMD \(SVM bit in hw_caps\)\s+Intel \(VMX bit in hw_caps\)/);
  t.match(r.stdout, /free_memory\s+42217 MiB\s+97325 MiB/);
});

t.test('a guest of a capture, by name', async (t) => {
  const r = await inProcess(['migrate', 'mail', '--from', 'samples/hosts/xen-4.17-credit2', '--to', 'samples/hosts/xen-4.4-xm-to-xl', '-f', 'json']);
  t.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  t.same(report.files, ['/etc/xen/mail.cfg']);
  t.equal(report.checks.find((c: { id: string }) => c.id === 'libxl-stream').status, 'fail');
  const none = await inProcess(['migrate', 'nosuch', '--from', 'samples/hosts/xen-4.17-credit2', '--to', 'samples/hosts/xen-4.4-xm-to-xl']);
  t.equal(none.code, 2);
  t.match(none.stderr, /guests on A: legacy32, mail, pvhtest, web, win/);
});

t.test('--verbose in the other formats: the compared facts as notes', async (t) => {
  const r = await run('web.cfg', '--from', X417, '--to', X412, '--verbose', '-f', 'json');
  const report = JSON.parse(r.stdout);
  t.ok(report.notes.some((n: string) => /^Xen version: A 4\.17\.4-pre \| B 4\.12/.test(n)), 'Xen version, A and B');
  t.ok(report.notes.some((n: string) => /^CPU vendor: A AMD .* \| B Intel/.test(n)), 'CPU vendor, A and B');
  const html = await run('web.cfg', '--from', X417, '--to', X412, '--verbose', '-f', 'html');
  t.match(html.stdout, /<ul class="notes"><li>input: A info /);
});
