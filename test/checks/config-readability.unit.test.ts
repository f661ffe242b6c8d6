import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/config-readability.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import type { Dialect } from '../../cli/model/config-model.js';
import { domainFromText, runOnDomains, type Target, rendering, type RenderedFinding } from '../helpers/facts.js';
import { markerFindings, verifyCase, type CheckTestCase } from '../../checks/testing.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

const run = (domains: DomainFacts[], o: Target = {}): RenderedFinding[] => runOnDomains(check, domains, { mode: 'lint', ...o });

/** Forced-dialect cases (the fixture directories detect the dialect), stated finding by finding for the strict tester. */
t.test('xl forced on Python and on Oracle VM keys (lint --dialect xl)', async (t) => {
  const cases: CheckTestCase[] = [
    {
      name: 'xmexample.hvm leftovers, linted as xl',
      configs: {
        'hvm.cfg': [
          '# xmexample.hvm leftovers, linted as xl',
          'import os, re  # expect: config-readability/xl-syntax error @8',
          'arch = os.uname()[4]  # expect: config-readability/xl-syntax error @8, config-readability/xl-lexical error @16, config-readability/python-under-xl warning @16',
          'kernel = "/usr/lib/xen/boot/hvmloader"',
          'builder = "hvm"',
          'device_model = "/usr/" + "lib64" + "/xen/bin/qemu-dm"  # expect: config-readability/xl-lexical error @24, config-readability/other info @1',
          'memory = 1024',
          '',
        ].join('\n'),
      },
    },
    {
      name: 'Oracle VM keys, linted as xl',
      configs: { 'ovm.cfg': ["OVM_simple_name = 'db01'  # expect: config-readability/xl-lexical error @1", "name = 'db01'", 'memory = 2048', ''].join('\n') },
    },
  ];
  for (const c of cases) {
    const [file, text] = Object.entries(c.configs!)[0]!;
    const r = verifyCase(builtin, { ...c, dialect: 'xl', mode: 'lint', findings: markerFindings(text, file, 'config-readability') });
    t.same(r.problems, [], c.name);
    t.ok(r.outcome.findings.every((x) => x.file === file && x.domain !== undefined), `${c.name}: every finding names the file and guest`);
  }
});

t.test('one finding per diagnostic, with its position and severity', async (t) => {
  const text = 'name = "w"\nmemory = 512M\nvcpus = 2\nfoo = 0x\n';
  const d = domainFromText(text, 'xl');
  const f = run([d]);
  t.equal(f.length, d.diagnostics.length);
  for (const [i, diag] of d.diagnostics.entries()) {
    t.equal(f[i]?.line, diag.line);
    t.equal(f[i]?.column, diag.column);
    t.equal(f[i]?.severity, diag.severity);
    t.equal(f[i]?.evidence?.['code'], diag.code);
  }
});

t.test('xl errors say that xl refuses the file; warnings do not', async (t) => {
  const err = run([domainFromText('name = "a"\nmemory = 1024M\n', 'xl')]);
  t.match(err[0]?.message, /xl refuses the whole file/);
  const warn = run([domainFromText('name = "a"\nextra = "a\\101bc"\n', 'xl')]);
  t.equal(warn[0]?.severity, 'warning');
  t.notMatch(warn[0]?.message, /refuses/);
});

t.test('xm statements: xm runs them, xenlint does not; on an xl host the wording changes and one error is added', async (t) => {
  const text = 'import os\nname = "p"\nkernel = "/boot/vmlinuz-" + os.uname()[2]\nmemory = 256\n';
  const onXm = run([domainFromText(text, 'xm')], { toolstack: 'xm' });
  t.same(onXm.map((x) => x.severity), ['warning', 'info']);
  t.ok(onXm.every((x) => /xm runs it/.test(x.message)));
  const onXl = run([domainFromText(text, 'xm')], { toolstack: 'xl' });
  t.equal(onXl.length, 3);
  t.ok(onXl.slice(0, 2).every((x) => /runs no Python at all/.test(x.message)));
  t.equal(onXl[2]?.severity, 'error');
  t.equal(onXl[2]?.line, 1, 'the error points at the first thing xl cannot read');
});

t.test('an xm file that xl can read raises nothing on an xl host', async (t) => {
  const text = "name = 'web01'\nmemory = 512\nvif = [ 'bridge=xenbr0' ]\n";
  t.same(run([domainFromText(text, 'xm')], { xen: '4.17.0' }), []);
});

t.test('Python-only values xl cannot read: floats, negative numbers', async (t) => {
  const g = domainFromText('name = "n"\nmemory = 512\ncpu_weight = 1.5\n', 'xm');
  const f = run([g], { xen: '4.4.0', toolstack: 'xl' });
  t.equal(f.length, 1);
  t.match(f[0]?.message, /1\.5/);
  t.equal(f[0]?.line, 3);
  t.same(run([g], { xen: '4.6.0' }), [], 'from 4.5 xend-removed reports the file once');
});

t.test('dropped values are reported, except Oracle VM metadata', async (t) => {
  const f = run([domainFromText("OVM_high_availability = False\nname = 'o'\nacpi = True\n", 'xm')]);
  t.equal(f.length, 1);
  t.equal(f[0]?.line, 3);
  t.match(f[0]?.message, /acpi/);
});

t.test('bad xenlint directives', async (t) => {
  const text = 'name = "d"\nkernel = "/boot/vmlinuz"\n# xenlint: guest-abi=x86_33\n# xenlint-disable-nextline hvm-smp\nmemory = 256\n';
  const f = run([domainFromText(text, 'xl')]);
  t.same(f.map((x) => x.line), [3, 4]);
  t.ok(f.every((x) => x.severity === 'warning' && /^d: xenlint directive:/.test(x.message)));
});

t.test('never throws; every finding has a position and a known severity', async (t) => {
  const fragments = ['name = "a"', 'memory = 512', 'import os', 'x = os.uname()', 'OVM_a = 1', 'disk = [ "a",', "extra = u'x'", 'vcpus = 2 2', '# xenlint: size=', 'if 1:', '  y = 2', 'k = 0x', '\r'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 10 }), fc.constantFrom<Dialect | undefined>('xm', 'xl', undefined), fc.constantFrom('3.0.4', '4.4.0', '4.17.0'), (lines, dialect, xen) => {
      const d = domainFromText(lines.join('\n') + '\n', dialect);
      const f = run([d], { xen });
      const own = d.diagnostics.filter((x) => !(x.code === 'xm-dropped' && /`OVM_/.test(x.message))).length;
      return (f.length === own || f.length === own + 1) && f.every((x) => (x.line ?? 0) >= 1 && (x.column ?? 0) >= 1 && ['error', 'warning', 'info'].includes(x.severity ?? ''));
    }),
  );
  t.pass('ok');
});
