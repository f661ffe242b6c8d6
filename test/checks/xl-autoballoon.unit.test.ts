import t from 'tap';
import fc from 'fast-check';
import builtin, { readAutoballoon, strtolWhole, XL_CONF } from '../../checks/xl-autoballoon.js';
import type { Dom0Facts, HostFacts } from '../../cli/model/facts.js';
import { parseXlConf } from '../../cli/readers/xl-conf.js';
import { context, facts, findings, host, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

const INFO = '/var/lib/xenlint/xl-info.txt';

function xlInfo(cmdline: string | undefined, toolstack?: 'xl' | 'xm'): HostFacts {
  return host(undefined, { source: INFO, fieldLines: { xen_commandline: 27 }, toolstack, cmdline });
}

/** dom0 with xl.conf read from text, as the gatherer does. */
function withConf(text: string): Dom0Facts {
  const c = parseXlConf(text, XL_CONF);
  return { xlConf: { file: XL_CONF, values: c.values, lines: c.lines } };
}

const ctx = (xen: string | undefined) => context(check, { xen });

const DOM0_MEM = 'placeholder dom0_mem=2048M,max:2048M';

t.test('metadata: warning, Xen >= 4.1, needs host and dom0', async (t) => {
  t.equal(check.id, 'xl-autoballoon');
  t.equal(check.severity, 'warning');
  t.equal(check.xen, '>=4.1.0');
  t.same([...check.needs].sort(), ['dom0', 'host']);
});

t.test('the sample host: autoballoon=1 with dom0_mem on 4.4', async (t) => {
  const conf = '## Global XL config file ##\n\n# automatically balloon down dom0\n# when needed\nautoballoon=1\n';
  const f = findings(check.run(facts({ host: xlInfo(DOM0_MEM, 'xl'), dom0: withConf(conf) }), ctx('4.4.0')));
  t.equal(f.length, 1);
  t.equal(f[0]?.file, XL_CONF);
  t.equal(f[0]?.line, 5);
  t.equal(f[0]?.column, 1);
  t.equal(f[0]?.key, 'autoballoon');
  t.equal(f[0]?.severity, undefined, "the check's severity (warning)");
  t.equal(f[0]?.message, 'Xen 4.4.0: autoballoon=1 while dom0_mem=2048M,max:2048M is on the Xen command line: xl will shrink dom0 below the 2048 MiB set by dom0_mem whenever a guest does not fit in free memory, and a dom0 squeezed that way can run out of memory itself');
  t.match(f[0]?.remediation, /autoballoon="off"/);
  t.same(f[0]?.evidence, {
    dom0_mem: '2048M,max:2048M',
    xen_commandline: DOM0_MEM,
    xen_version: '4.4.0',
    autoballoon: '1',
    xl_reads_autoballoon_as: 'on|off|auto (4.3+), default auto',
    dom0_mem_mib: 2048,
  });
});

t.test('4.3+ table: strings compared as xl compares them', async (t) => {
  const table: Array<[string | undefined, 'warn' | 'info' | 'pass']> = [
    ['autoballoon=1', 'warn'],
    ['autoballoon="1"', 'warn'],
    ['autoballoon="on"', 'warn'],
    ["autoballoon='on'", 'warn'],
    ['autoballoon=0', 'pass'],
    ['autoballoon="off"', 'pass'],
    ['autoballoon="auto"', 'pass'],
    [undefined, 'pass'],
    ['autoballoon="yes"', 'info'],
    ['autoballoon="On"', 'info'],
    ['autoballoon=2', 'info'],
  ];
  for (const version of ['4.3.0', '4.17.4-pre', '4.21.0']) {
    for (const [line, want] of table) {
      const f = findings(check.run(facts({ host: xlInfo(DOM0_MEM, 'xl'), dom0: withConf(line ?? '#autoballoon="auto"\n') }), ctx(version)));
      const got = f.length === 0 ? 'pass' : f[0]?.severity === 'info' ? 'info' : 'warn';
      t.equal(got, want, `${version} ${line ?? '(unset)'}: ${f.map((x) => x.message).join(' | ')}`);
    }
  }
});

t.test('4.1/4.2 table: a number, default on; words are not numbers', async (t) => {
  const table: Array<[string | undefined, 'warn' | 'pass', RegExp?]> = [
    ['autoballoon=1', 'warn', /^Xen 4\.2\.5: autoballoon=1 while/],
    ['autoballoon=0', 'pass'],
    ['autoballoon="0"', 'pass'],
    ['autoballoon=0x0', 'pass'],
    ['autoballoon=00', 'pass'],
    ['autoballoon=0x10', 'warn'],
    ['autoballoon="off"', 'warn', /autoballoon="off" is not a number to xl of 4\.1\/4\.2 — it prints "parameter `autoballoon' is not a valid number" and keeps the default, 1 \(on\)/],
    ['autoballoon="auto"', 'warn', /not a number/],
    [undefined, 'warn', /not set in xl\.conf: xl of 4\.1\/4\.2 defaults to 1 \(on\)/],
  ];
  for (const version of ['4.1.2', '4.2.5']) {
    for (const [line, want, re] of table) {
      const f = findings(check.run(facts({ host: xlInfo('placeholder dom0_mem=1024M', 'xl'), dom0: withConf(line ?? '#autoballoon=1\n') }), ctx(version)));
      t.equal(f.length === 0 ? 'pass' : 'warn', want, `${version} ${line ?? '(unset)'}: ${f.map((x) => x.message).join(' | ')}`);
      if (re && version === '4.2.5') t.match(f[0]?.message, re);
      if (f[0]) t.match(f[0].remediation, /autoballoon=0 .*"off" is not one/);
    }
  }
});

t.test('the 4.2/4.3 boundary with autoballoon unset', async (t) => {
  const dom0 = withConf('#autoballoon=1\n');
  t.equal(findings(check.run(facts({ host: xlInfo(DOM0_MEM, 'xl'), dom0 }), ctx('4.2.5'))).length, 1);
  t.same(findings(check.run(facts({ host: xlInfo(DOM0_MEM, 'xl'), dom0 }), ctx('4.3.0'))), []);
  const f = findings(check.run(facts({ host: xlInfo(DOM0_MEM, 'xl'), dom0 }), ctx('4.2.0')));
  t.equal(f[0]?.file, XL_CONF);
  t.equal(f[0]?.line, undefined, 'no line: the key is absent');
  t.equal(f[0]?.evidence?.['autoballoon'], 'not set');
});

t.test('no xl.conf at all: xl runs on its defaults', async (t) => {
  const missing = [{ name: XL_CONF, status: 'skipped' as const, detail: 'not found', provides: 'dom0' as const }];
  const f42 = findings(check.run(facts({ host: xlInfo(DOM0_MEM, 'xl'), dom0: { modules: [] }, probes: missing }), ctx('4.2.5')));
  t.equal(f42.length, 1);
  t.equal(f42[0]?.file, INFO, 'points at the command line in the info output');
  t.equal(f42[0]?.line, 27);
  t.equal(f42[0]?.evidence?.['autoballoon'], `${XL_CONF} absent`);
  t.same(findings(check.run(facts({ host: xlInfo(DOM0_MEM, 'xl'), dom0: { modules: [] }, probes: missing }), ctx('4.4.0'))), []);
  const unread = check.run(facts({ host: xlInfo(DOM0_MEM, 'xl'), dom0: { modules: [] } }), ctx('4.4.0'));
  t.match(unread, { skip: /xl\.conf was not read/ });
});

t.test('no dom0_mem: nothing to protect', async (t) => {
  for (const cmdline of ['placeholder console=vga', '', 'placeholder -- dom0_mem=1G']) {
    t.same(findings(check.run(facts({ host: xlInfo(cmdline, 'xl'), dom0: withConf('autoballoon=1\n') }), ctx('4.4.0'))), [], cmdline);
  }
});

t.test('skips: xend host, command line unknown, version unknown', async (t) => {
  t.match(check.run(facts({ host: xlInfo(DOM0_MEM, 'xm'), dom0: withConf('autoballoon=1\n') }), ctx('4.4.0')), { skip: /toolstack is xm/ });
  t.match(check.run(facts({ host: xlInfo(undefined, 'xl'), dom0: withConf('autoballoon=1\n') }), ctx('4.4.0')), { skip: /Xen command line is unknown/ });
  t.match(check.run(facts({ host: xlInfo(DOM0_MEM, 'xl'), dom0: withConf('autoballoon=1\n') }), ctx(undefined)), { skip: /version unknown/ });
  const noDom0 = facts({ host: xlInfo(DOM0_MEM) });
  t.match(check.run(noDom0, ctx('4.4.0')), { skip: /host and dom0/ });
});

t.test('dom0_mem forms: the MiB figure when there is one', async (t) => {
  const table: Array<[string, number | undefined]> = [
    ['dom0_mem=524288', 512],
    ['dom0_mem=1G', 1024],
    ['dom0_mem=max:4096M', 4096],
    ['dom0_mem=-2G', undefined],
    ['dom0_mem=25%', undefined],
  ];
  for (const [opt, mib] of table) {
    const f = findings(check.run(facts({ host: xlInfo(`placeholder ${opt}`, 'xl'), dom0: withConf('autoballoon="on"\n') }), ctx('4.17.0')));
    t.equal(f.length, 1, opt);
    t.equal(f[0]?.evidence?.['dom0_mem_mib'], mib, opt);
    t.match(f[0]?.message, mib !== undefined ? new RegExp(`below the ${mib} MiB set by dom0_mem`) : /below the size set by dom0_mem/);
  }
});

t.test('readAutoballoon and strtolWhole', async (t) => {
  t.same(readAutoballoon(undefined, false).state, 'auto');
  t.same(readAutoballoon(1, false).state, 'on');
  t.same(readAutoballoon(0, true).state, 'off');
  t.same(readAutoballoon('07', true).state, 'on');
  t.same(readAutoballoon('-1', true).state, 'on');
  t.same(readAutoballoon('on', true), { state: 'invalid', why: 'autoballoon="on" is not a number', prints: "parameter `autoballoon' is not a valid number", uses: 'on' });
  t.equal(strtolWhole('0x1f'), 31);
  t.equal(strtolWhole('010'), 8);
  t.equal(strtolWhole('08'), undefined, '8 is not an octal digit');
  t.equal(strtolWhole(' 12 '), 12);
  t.equal(strtolWhole('1.5'), undefined);
  t.equal(strtolWhole(''), undefined);
});

t.test('property: strtolWhole agrees with a reference for integers it prints, never throws', async (t) => {
  fc.assert(fc.property(fc.integer({ min: -1e9, max: 1e9 }), (n) => strtolWhole(String(n)) === n && strtolWhole(`0x${Math.abs(n).toString(16)}`) === Math.abs(n)));
  fc.assert(fc.property(fc.string(), fc.boolean(), (s, numeric) => {
    const r = readAutoballoon(s, numeric);
    return ['on', 'off', 'auto', 'invalid'].includes(r.state);
  }));
  t.pass('held');
});

t.test('property: random xl.conf values and command lines never throw; a finding points at xl.conf or the info file', async (t) => {
  const value = fc.oneof(fc.constantFrom('1', '0', '"on"', '"off"', '"auto"', '"yes"', '0x1', '"0"'), fc.integer({ min: 0, max: 9 }).map(String));
  fc.assert(fc.property(
    fc.option(value, { nil: undefined }),
    fc.constantFrom('placeholder dom0_mem=1G', 'dom0_mem=512M,max:512M sched=credit', 'console=vga', ''),
    fc.constantFrom('4.1.2', '4.2.0', '4.3.0', '4.4.0', '4.17.4-pre', '4.21.0'),
    (v, cmdline, xen) => {
      const r = check.run(facts({ host: xlInfo(cmdline, 'xl'), dom0: withConf(v === undefined ? '# nothing\n' : `autoballoon=${v}\n`) }), ctx(xen));
      if (!Array.isArray(r)) return false;
      return r.every((f) => f.file === XL_CONF && f.key === 'autoballoon' && (f.line === undefined || f.line >= 1)) && r.length <= 1;
    },
  ), { numRuns: 300 });
  t.pass('held');
});

t.test('explain shows what xl makes of the setting', async (t) => {
  const lines = check.explain!(facts({ host: xlInfo(DOM0_MEM, 'xl'), dom0: withConf('autoballoon=1\n') }), ctx('4.4.0'));
  t.match(lines.join('\n'), /dom0_mem: 2048M,max:2048M/);
  t.match(lines.join('\n'), /xl makes of it: on/);
});
