import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/dom0-cpufreq.js';
import type { Dom0Facts, HostFacts } from '../../cli/model/facts.js';
import { context, facts, findings, host, skipReason, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

const xmInfo = (cmdline?: string): HostFacts => host(undefined, { source: '/root/xm-info.txt', fieldLines: { xen_commandline: 27 }, cmdline });

const ctx = (xen: string | undefined, options: Record<string, unknown> = {}) => context(check, { xen, options });

const quiet: Dom0Facts = {
  processes: ['init', 'xenstored', 'xenconsoled', 'sshd', 'python'],
  cpufreq: { drivers: [], governors: [] },
};

const powernowd: Dom0Facts = {
  processes: ['init', 'xenstored', 'powernowd', 'sshd', 'powernowd'],
  cpufreq: { drivers: ['powernow-k8'], governors: ['userspace', 'userspace'] },
};

t.test('metadata', async (t) => {
  t.equal(check.id, 'dom0-cpufreq');
  t.equal(check.severity, 'error');
  t.equal(check.xen, undefined);
  t.same(check.needs, ['dom0']);
});

t.test('a quiet dom0 passes on every version', async (t) => {
  for (const v of ['3.0.2', '3.3.1', '3.4.0', '4.17.0']) t.same(findings(check.run(facts({ dom0: quiet, host: xmInfo('dom0_mem=512M') }), ctx(v))), [], v);
});

t.test('daemon and governor: error before 3.4, warning from 3.4', async (t) => {
  const table: Array<[string, string]> = [
    ['3.0.3', 'error'],
    ['3.1.0', 'error'],
    ['3.2.1', 'error'],
    ['3.3.0', 'error'],
    ['3.3.2', 'error'],
    ['3.4.0', 'warning'],
    ['4.1.2', 'warning'],
  ];
  for (const [v, sev] of table) {
    const fs = findings(check.run(facts({ dom0: powernowd, host: xmInfo() }), ctx(v)));
    t.same(fs.map((f) => [f.key, f.severity]), [['dom0-process', sev], ['dom0-governor', sev]], `Xen ${v}`);
  }
  const [daemon, governor] = findings(check.run(facts({ dom0: powernowd, host: xmInfo() }), ctx('3.0.4')));
  t.match(daemon?.message, /dom0 runs powernowd.*drives Xen crazy/);
  t.match(governor?.message, /governor is userspace \(not performance\)/);
  t.equal(governor?.evidence?.['drivers'], 'powernow-k8');
  const [modern] = findings(check.run(facts({ dom0: powernowd, host: xmInfo() }), ctx('3.4.2')));
  t.match(modern?.message, /manages P-states itself/);
  t.match(modern?.remediation, /xenpm/);
  const [on33] = findings(check.run(facts({ dom0: powernowd, host: xmInfo() }), ctx('3.3.1')));
  t.match(on33?.remediation, /cpufreq=xen/, '3.3 offers cpufreq=xen');
});

t.test('cpufreq=dom0-kernel: error before 3.2, warning on 3.2/3.3 (and it sanctions dom0 scaling there), warning from 3.4', async (t) => {
  const cmd = 'dom0_mem=1024M cpufreq=dom0-kernel dom0_vcpus_pin';
  const table: Array<[string, string[]]> = [
    ['3.1.0', ['error', 'error', 'error']],
    ['3.2.0', ['warning', 'warning', 'warning']],
    ['3.3.1', ['warning', 'warning', 'warning']],
    ['3.4.0', ['warning', 'warning', 'warning']],
  ];
  for (const [v, sevs] of table) {
    const fs = findings(check.run(facts({ dom0: powernowd, host: xmInfo(cmd) }), ctx(v)));
    t.same(fs.map((f) => f.severity), sevs, `Xen ${v}`);
    t.equal(fs[0]?.key, 'xen_commandline');
    t.equal(fs[0]?.file, '/root/xm-info.txt');
    t.equal(fs[0]?.line, 27);
  }
  const only = findings(check.run(facts({ dom0: quiet, host: xmInfo(cmd) }), ctx('4.4.0')));
  t.equal(only.length, 1);
  t.match(only[0]?.message, /deprecated/);
  t.match(findings(check.run(facts({ dom0: quiet, host: xmInfo(cmd) }), ctx('3.0.4')))[0]?.message, /has no cpufreq= option/);
  t.same(findings(check.run(facts({ dom0: quiet, host: xmInfo('cpufreq=xen') }), ctx('3.3.0'))), [], 'cpufreq=xen is the cure, not a finding');
});

t.test('performance governor and other daemons are fine; the option names the daemons', async (t) => {
  const perf: Dom0Facts = { processes: ['cpuspeed'], cpufreq: { drivers: ['acpi-cpufreq'], governors: ['performance'] } };
  t.same(findings(check.run(facts({ dom0: perf, host: xmInfo() }), ctx('3.0.4'))).map((f) => f.message.slice(0, 20)), ['dom0 runs cpuspeed, ']);
  t.same(findings(check.run(facts({ dom0: perf, host: xmInfo() }), ctx('3.0.4', { daemons: ['cpufreqd'] }))), []);
});

t.test('unknown evidence: skip with the reason, not pass', async (t) => {
  t.match(skipReason(check.run(facts({ dom0: { cpufreq: { drivers: [], governors: [] } }, host: xmInfo() }), ctx('3.0.4'))), /processes were not gathered/);
  t.match(skipReason(check.run(facts({ dom0: { processes: ['init'] }, host: xmInfo() }), ctx('3.3.0'))), /governors were not gathered/);
  t.same(findings(check.run(facts({ dom0: { processes: ['init'] }, host: xmInfo() }), ctx('3.4.0'))), [], 'from 3.4 dom0 usually has no cpufreq sysfs: fine');
  t.match(skipReason(check.run(facts({ dom0: quiet, host: xmInfo() }), ctx(undefined))), /version unknown/);
  t.equal(findings(check.run(facts({ dom0: { processes: ['powernowd'] }, host: xmInfo() }), ctx('3.0.4'))).length, 1, 'a finding stands even when governors are unknown');
});

t.test('explain', async (t) => {
  const lines = check.explain?.(facts({ dom0: powernowd, host: xmInfo('cpufreq=dom0-kernel') }), ctx('3.2.0')) ?? [];
  t.match(lines.join('\n'), /cpufreq= on Xen's command line: dom0-kernel/);
  t.match(lines.join('\n'), /drivers powernow-k8, governors userspace userspace/);
});

t.test('property: never throws; severities follow the version', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(
        fc.record(
          {
            processes: fc.array(fc.constantFrom('powernowd', 'cpuspeed', 'cpufreqd', 'sshd', ''), { maxLength: 5 }),
            cpufreq: fc.record({ drivers: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }), governors: fc.array(fc.constantFrom('performance', 'ondemand', 'powersave', 'userspace'), { maxLength: 4 }) }),
          },
          { requiredKeys: [] },
        ),
        fc.option(fc.constantFrom('cpufreq=dom0-kernel', 'cpufreq=xen:ondemand', 'cpufreq', 'dom0_mem=512M', ''), { nil: undefined }),
        fc.constantFrom('3.0.4', '3.2.0', '3.3.1', '3.4.0', '4.17.4-pre'),
        (dom0, cmd, v) => {
          const r = check.run(facts({ dom0: dom0 as Dom0Facts, host: xmInfo(cmd) }), ctx(v));
          if (!Array.isArray(r)) return r.skip.length > 0;
          const modern = v.startsWith('4') || v.startsWith('3.4');
          return r.every((f) => f.message.length > 0 && (!modern || f.severity === 'warning'));
        },
      ),
    ),
  );
});
