import t from 'tap';
import { formatStylish } from '../../cli/report/stylish.js';
import { displayWidth, palette, visible } from '../../cli/report/color.js';
import type { CheckOutcome, RunReport } from '../../checks/api.js';
import { CWD, DOCS, cleanReport, sampleReport, sampleRules, summaryOf } from '../fixtures/report/sample-report.js';

const plain = { color: false, cwd: CWD, rules: sampleRules() };
const verbose = { ...plain, verbose: true };

const SAMPLE = [
  'host',
  '          problem  xend-config.sxp: not found under --root (xm host settings unknown)',
  '          warning  dom0_mem=2048M has no max: part; dom0 can balloon up and starve guests of memory  dom0-mem-max',
  '  mail02  error    mail02: vif bridge=xenbr1 does not exist in dom0 (bridges: xenbr0, virbr0)        vif-bridge-exists',
  '',
  'domains/web01.cfg',
  '   4:1  error    web01: kernel /boot/vmlinuz-2.6.18-xen is 32-bit PAE (x86_32p) but this hypervisor runs only x86_64 PV guests  pv-abi-mismatch',
  '  7:10  warning  web01: maxmem = 512 is below memory = 1024 (MiB); xm raises maxmem silently, xl refuses to start the guest     maxmem-below-memory',
  '   9:1  info     web01: 内存 «memory» set twice; the last one (line 9) wins                                                     maxmem-below-memory',
  '',
  'domains/db 01 (prod).cfg',
  '  12:9  error  db01: kernel ABI unknown — the ELF note could not be read (unverified)  pv-abi-mismatch',
  '               (xen_caps: xen-3.0-x86_64)',
  '',
  '/etc/xen/xl.conf',
  '  3:1  warning  autoballoon="1" while dom0_mem is set: xl will shrink dom0 below its reservation  xl-conf-autoballoon',
  '',
  'domains/broken.cfg',
  '  2:14  problem  cannot read: EACCES: permission denied',
  '',
  '\u2716 7 findings (3 errors, 3 warnings, 1 info)',
  '\u2716 2 input problems',
  '2 findings hidden by inline suppressions or the baseline',
  'Checked against Xen 3.0.4 (from xl info)',
  'Checks: 3 passed, 5 failed, 4 skipped, 2 not applicable, 1 error',
  '4 checks skipped: needs host facts (pass --facts with a snapshot or an xl info output, or run on the host) [3]; Xen version unknown; pass --xen or --facts [1] (--verbose lists them)',
  '1 check could not run:',
  '  dom0-kernel-modules  lsmod failed (lsmod, exit 127): command not found',
  '',
].join('\n');

t.test('the sample run, plain', async (t) => {
  t.equal(formatStylish(sampleReport(), plain), SAMPLE);
});

t.test('the sample run, verbose: remediation, evidence, every skipped and not-applicable check', async (t) => {
  const out = formatStylish(sampleReport(), verbose);
  const lines = out.split('\n');
  const i = lines.indexOf('domains/web01.cfg');
  t.same(lines.slice(i, i + 7), [
    'domains/web01.cfg',
    '   4:1  error    web01: kernel /boot/vmlinuz-2.6.18-xen is 32-bit PAE (x86_32p) but this hypervisor runs only x86_64 PV guests  pv-abi-mismatch',
    '                 fix: Boot a 64-bit PV kernel, or run the guest as HVM (builder = "hvm").',
    '                 evidence: xen_caps=xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64, kernel=x86_32p (ELF note PAE=yes)',
    '  7:10  warning  web01: maxmem = 512 is below memory = 1024 (MiB); xm raises maxmem silently, xl refuses to start the guest     maxmem-below-memory',
    '                 fix: Set maxmem >= memory, or drop maxmem.',
    '   9:1  info     web01: 内存 «memory» set twice; the last one (line 9) wins                                                     maxmem-below-memory',
  ]);
  const tail = lines.slice(lines.indexOf('Checks: 3 passed, 5 failed, 4 skipped, 2 not applicable, 1 error'));
  t.same(tail, [
    'Checks: 3 passed, 5 failed, 4 skipped, 2 not applicable, 1 error',
    '4 checks skipped:',
    '  hvm-virt-caps          needs host facts (pass --facts with a snapshot or an xl info output, or run on the host)',
    '  dom0-cpufreq-governor  needs host facts (pass --facts with a snapshot or an xl info output, or run on the host)',
    '  numa-placement         needs host facts (pass --facts with a snapshot or an xl info output, or run on the host)',
    '  pvh-dom0-kernel        Xen version unknown; pass --xen or --facts',
    'Not applicable to Xen 3.0.4: pv-32bit-shim (>=4.14), xend-removed (>=4.5)',
    '1 check could not run:',
    '  dom0-kernel-modules  lsmod failed (lsmod, exit 127): command not found',
    'Documentation:',
    `  pv-abi-mismatch      ${DOCS}pv-abi-mismatch.md`,
    `  maxmem-below-memory  ${DOCS}maxmem-below-memory.md`,
    `  dom0-mem-max         ${DOCS}dom0-mem-max.md`,
    `  vif-bridge-exists    ${DOCS}vif-bridge-exists.md`,
    `  xl-conf-autoballoon  ${DOCS}xl-conf-autoballoon.md`,
    '',
  ]);
  t.notMatch(formatStylish(sampleReport(), plain), /https:/, 'links only with --verbose');
});

t.test('no findings: "No problems found", and still the statuses', async (t) => {
  t.equal(formatStylish(cleanReport(), plain), ['No problems found', 'Checked against Xen 3.0.4 (from --xen)', 'Checks: 2 passed, 1 not applicable', ''].join('\n'));
  t.equal(
    formatStylish(cleanReport(), verbose),
    [
      'No problems found',
      'Checked against Xen 3.0.4 (from --xen)',
      'Checks: 2 passed, 1 not applicable',
      'Not applicable to Xen 3.0.4: pv-32bit-shim (>=4.14)',
      '',
    ].join('\n'),
  );
  const empty: RunReport = { ...cleanReport(), checks: [], summary: summaryOf([]) };
  const { xen: _xen, ...noXen } = empty;
  t.equal(formatStylish(noXen, plain), 'No problems found\nChecks: no checks ran\n');
});

t.test('skipped checks: one line, however many and however varied', async (t) => {
  const skipped = (id: string, reason: string): CheckOutcome => ({ id, title: id, severity: 'warning', status: 'skipped', reason, findings: [], suppressed: 0 });
  const reasons = ['needs dom0 facts (run on the host or with --root)', 'needs domU configs', 'no PV guests to examine', 'Xen version unknown; pass --xen or --facts', 'needs host facts'];
  const checks = Array.from({ length: 9 }, (_, i) => skipped(`check-${i}`, reasons[i % reasons.length]!));
  const report: RunReport = { ...cleanReport(), checks, summary: summaryOf(checks) };
  const lines = formatStylish(report, plain).split('\n');
  const skipLines = lines.filter((l) => l.includes('skipped'));
  t.same(skipLines, [
    'Checks: 9 skipped',
    '9 checks skipped: needs dom0 facts (run on the host or with --root) [2]; needs domU configs [2]; no PV guests to examine [2]; 2 other reasons (--verbose lists them)',
  ]);
  const one: RunReport = { ...cleanReport(), checks: [skipped('a', 'needs host facts\n(pass --facts)')], summary: summaryOf([skipped('a', 'x')]) };
  t.match(formatStylish(one, plain), /\n1 check skipped: needs host facts \(pass --facts\) \(--verbose lists them\)\n/, 'singular, reason on one line');
  const noReason: CheckOutcome = { id: 'b', title: 'b', severity: 'info', status: 'skipped', findings: [], suppressed: 0 };
  t.match(formatStylish({ ...cleanReport(), checks: [noReason], summary: summaryOf([noReason]) }, plain), /1 check skipped: no reason given/);
});

t.test('color: severities in plain ANSI, and off means no escape codes at all', async (t) => {
  const out = formatStylish(sampleReport(), { ...plain, color: true });
  t.match(out, '\u001b[31merror\u001b[39m', 'error red');
  t.match(out, '\u001b[33mwarning\u001b[39m', 'warning yellow');
  t.match(out, '\u001b[36minfo\u001b[39m', 'info cyan');
  t.match(out, '\u001b[4mdomains/web01.cfg\u001b[24m', 'file underlined');
  t.match(out, '\u001b[2mpv-abi-mismatch\u001b[22m', 'check id dim');
  t.match(out, '\u001b[31m\u001b[1m\u2716 7 findings', 'summary red when there are errors');
  t.equal(out.replace(/\u001b\[[0-9;]*m/g, ''), SAMPLE, 'the same text once the codes are removed');
  t.notMatch(formatStylish(sampleReport(), plain), /\u001b/);
  t.match(formatStylish(cleanReport(), { ...plain, color: true }), '\u001b[32m\u001b[1mNo problems found');
});

t.test('control characters from the inputs reach the terminal as text', async (t) => {
  const report = sampleReport();
  const f = report.checks[0]!.findings[0]!;
  f.message = 'evil \u001b]0;pwned\u0007 title\u009b2J and \r\nnext';
  f.file = `${CWD}/x\u001b[2J.cfg`;
  const out = formatStylish(report, plain);
  t.notMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, 'no control characters but newline');
  t.match(out, 'evil \\x1b]0;pwned\\x07 title\\x9b2J and ');
  t.match(out, 'x\\x1b[2J.cfg');
  t.match(out, /\n {14}next\n/, 'the line break is kept, indented under the message');
});

t.test('helpers: visible, displayWidth, palette', async (t) => {
  t.equal(visible('a\tb\nc'), 'a\tb\nc');
  t.equal(visible('a\r\nb'), 'a\nb');
  t.equal(visible('\u0000\u007f\u0085'), '\\x00\\x7f\\x85');
  t.equal(displayWidth('abc'), 3);
  t.equal(displayWidth('内存'), 4);
  t.equal(displayWidth('e\u0301'), 1, 'combining accent takes no cell');
  t.equal(displayWidth('😀'), 2);
  t.equal(displayWidth('caf\u00e9 \u02ff'), 6, 'below U+0300 each unit is one cell');
  t.equal(displayWidth('abc\u0301内'), 5, 'a text that starts plain and goes on wide or combining is walked');
  t.equal(visible('plain text'), 'plain text');
  t.equal(palette(true).red(''), '', 'nothing to colour, no codes');
  t.equal(palette(false).bold('x'), 'x');
});
