/**
 * dom0-cpufreq: CPU frequency scaling driven from dom0.
 *
 * dom0 is a guest: its vCPUs move between physical CPUs and it is not the
 * owner of their P-states. The field notes: "Frequency Scaling kills Xen ...
 * it drives Xen crazy". Xen's history:
 * - 3.2 added `cpufreq=dom0-kernel` (407d514591), the one sanctioned way for
 *   dom0 to drive P-states (through platform hypercalls, vCPUs pinned);
 * - 3.3 added hypervisor-driven cpufreq (`cpufreq=xen`, opt-in; fb7a4925f3);
 * - 3.4 made it the default (119a6a6e07); dom0-kernel is now deprecated.
 *
 * So: dom0 daemons or governors are an error before 3.4 — a warning on 3.2/3.3
 * when `cpufreq=dom0-kernel` sanctions them — and a warning from 3.4, where
 * they fight the hypervisor. On 3.4+ dom0 usually has no cpufreq sysfs at all;
 * not having governors there is the healthy state, not missing evidence.
 */
import { type CheckContext, cmdlineValue, defineCheck, type Facts, type Finding, hostPlace, satisfiesXen, type Severity, type Skip, xenLabel } from './api.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';

/** Before Xen owned P-states by default (119a6a6e07, first in 3.4). */
export const BEFORE_XEN_PSTATES = '<3.4.0';
/** Versions where cpufreq=dom0-kernel exists and Xen does not drive P-states by default. */
export const DOM0_KERNEL_MODE = '>=3.2.0 <3.4.0';
/** Versions with no cpufreq= option at all (407d514591 is first in 3.2). */
export const NO_CPUFREQ_OPTION = '<3.2.0';

const DEFAULTS = { daemons: ['powernowd', 'cpuspeed', 'cpufreqd'] };

function daemonsOption(ctx: CheckContext): string[] {
  const v = ctx.options['daemons'];
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : DEFAULTS.daemons;
}

interface Situation {
  version: string;
  /** `cpufreq=` on Xen's command line: the value, '' for a bare flag, undefined when absent or unknown. */
  cpufreq?: string;
  cmdlineKnown: boolean;
  dom0Kernel: boolean;
}

/** Severity of dom0-driven scaling on this Xen. */
function scalingSeverity(s: Situation): Severity {
  if (!satisfiesXen(s.version, BEFORE_XEN_PSTATES)) return 'warning';
  return s.dom0Kernel && satisfiesXen(s.version, DOM0_KERNEL_MODE) ? 'warning' : 'error';
}

function why(s: Situation): string {
  if (!satisfiesXen(s.version, BEFORE_XEN_PSTATES)) {
    return `${xenLabel(s.version)} manages P-states itself (cpufreq=xen is the default from 3.4), so dom0 scaling fights the hypervisor`;
  }
  if (s.dom0Kernel && satisfiesXen(s.version, DOM0_KERNEL_MODE)) {
    return `cpufreq=dom0-kernel lets dom0 drive P-states on ${xenLabel(s.version)}, but only with dom0's vCPUs pinned and a dom0 kernel that reports changes to Xen`;
  }
  return `${xenLabel(s.version)} is not told of frequency changes made from dom0, and the field notes report that frequency scaling "drives Xen crazy"`;
}

function remedy(s: Situation, what: string): string {
  if (!satisfiesXen(s.version, BEFORE_XEN_PSTATES)) {
    return `Stop and disable ${what} in dom0 and leave P-states to Xen (inspect and tune them with xenpm).`;
  }
  const xen33 = satisfiesXen(s.version, '>=3.3.0 <3.4.0') ? ' or let Xen do it with cpufreq=xen on its command line' : '';
  return `Stop and disable ${what} in dom0 and keep dom0's governor at performance (or unload its cpufreq driver)${xen33}.`;
}

function run(facts: Facts, ctx: CheckContext): Finding[] | Skip {
  const version = ctx.xenVersion;
  if (version === undefined) return { skip: 'Xen version unknown; pass --xen (how frequency scaling is handled depends on it)' };
  const dom0 = facts.dom0;
  if (!dom0) return { skip: 'dom0 facts were not gathered' };
  const options = facts.host?.commandline?.options;
  const cpufreq = options ? cmdlineValue(options, 'cpufreq') : undefined;
  const s: Situation = {
    version,
    ...(cpufreq !== undefined ? { cpufreq } : {}),
    cmdlineKnown: options !== undefined,
    dom0Kernel: cpufreq === 'dom0-kernel',
  };
  const out: Finding[] = [];
  const severity = scalingSeverity(s);

  if (s.dom0Kernel) {
    const before32 = satisfiesXen(version, NO_CPUFREQ_OPTION);
    const modern = !satisfiesXen(version, BEFORE_XEN_PSTATES);
    out.push({
      ...(facts.host?.fieldLines?.['xen_commandline'] !== undefined ? hostPlace(facts, 'xen_commandline') : {}),
      key: 'xen_commandline',
      severity: before32 ? 'error' : 'warning',
      messageId: before32 ? 'dom0-kernel-no-option' : modern ? 'dom0-kernel-deprecated' : 'dom0-kernel',
      data: { xen: xenLabel(version) },
      remediation: modern
        ? 'Remove cpufreq=dom0-kernel and let Xen drive P-states (cpufreq=xen, the default).'
        : before32
          ? 'Remove cpufreq=dom0-kernel and turn frequency scaling off in dom0 (or upgrade to Xen 3.4, which drives P-states itself).'
          : satisfiesXen(version, '>=3.3.0')
            ? 'Prefer cpufreq=xen, which lets the hypervisor drive P-states (the default from 3.4).'
            : 'Keep dom0_vcpus_pin with it, or turn frequency scaling off in dom0; Xen 3.3 adds cpufreq=xen.',
      evidence: { xen_version: version, xen_commandline: facts.host?.commandline?.raw ?? 'cpufreq=dom0-kernel' },
    });
  }

  const processes = dom0.processes;
  if (processes !== undefined) {
    const running = [...new Set(processes.filter((p) => daemonsOption(ctx).includes(p)))].sort();
    for (const name of running) {
      out.push({
        key: 'dom0-process',
        severity,
        messageId: 'daemon',
        data: { daemon: name, why: why(s) },
        remediation: remedy(s, name),
        evidence: { xen_version: version, process: name, cpufreq_option: cpufreq ?? (s.cmdlineKnown ? 'absent' : 'unknown') },
      });
    }
  }

  const governors = dom0.cpufreq?.governors;
  if (governors !== undefined) {
    const scaling = [...new Set(governors.filter((g) => g !== 'performance'))].sort();
    if (scaling.length > 0) {
      out.push({
        key: 'dom0-governor',
        severity,
        messageId: 'governor',
        data: { governors: scaling.join(', '), why: why(s) },
        remediation: remedy(s, `the ${scaling.join('/')} governor`),
        evidence: {
          xen_version: version,
          governors: governors.join(' '),
          drivers: dom0.cpufreq?.drivers.join(' ') ?? 'unknown',
          cpufreq_option: cpufreq ?? (s.cmdlineKnown ? 'absent' : 'unknown'),
        },
      });
    }
  }

  if (out.length > 0) return out;
  const unknown: string[] = [];
  if (processes === undefined) unknown.push("dom0's processes");
  // From 3.4 Xen owns P-states and dom0 usually has no cpufreq sysfs: absence is the healthy state.
  if (governors === undefined && satisfiesXen(version, BEFORE_XEN_PSTATES)) unknown.push("dom0's cpufreq governors");
  if (unknown.length > 0) return { skip: `${unknown.join(' and ')} were not gathered, so dom0 frequency scaling cannot be ruled out` };
  return [];
}

function explain(facts: Facts, ctx: CheckContext): string[] {
  const options = facts.host?.commandline?.options;
  return [
    `Xen: ${ctx.xenVersion ?? 'unknown'}`,
    `cpufreq= on Xen's command line: ${options ? (cmdlineValue(options, 'cpufreq') ?? 'absent') : 'command line unknown'}`,
    `dom0 processes checked for: ${daemonsOption(ctx).join(', ')}; ${facts.dom0?.processes ? 'process list read' : 'process list not read'}`,
    `dom0 cpufreq: ${facts.dom0?.cpufreq ? `drivers ${facts.dom0.cpufreq.drivers.join(' ') || 'none'}, governors ${facts.dom0.cpufreq.governors.join(' ') || 'none'}` : 'not read'}`,
  ];
}

const check = defineCheck({
  id: 'dom0-cpufreq',
  title: 'CPU frequency scaling driven from dom0 (daemons, governors, cpufreq=dom0-kernel)',
  severity: 'error',
  needs: ['dom0'],
  messages: {
    'dom0-kernel-no-option':
      "cpufreq=dom0-kernel on the command line of {{xen}}, which has no cpufreq= option (added in 3.2): dom0 scaling happens behind the hypervisor's back",
    'dom0-kernel-deprecated':
      'cpufreq=dom0-kernel on {{xen}}: deprecated and not supported by all dom0 kernels; Xen drives P-states itself by default since 3.4',
    'dom0-kernel': 'cpufreq=dom0-kernel on {{xen}}: dom0 drives the P-states, which needs its vCPUs pinned and a dom0 kernel that supports it',
    daemon: 'dom0 runs {{daemon}}, a frequency-scaling daemon: {{why}}',
    governor: "dom0's cpufreq governor is {{governors}} (not performance): {{why}}",
  },
  sources: [
    `${XEN_LIMITATIONS} — "Frequency Scaling kills Xen"`,
    '407d514591 — cpufreq=dom0-kernel (first in 3.2)',
    'fb7a4925f3, 2fa7bee0a0 — hypervisor-driven cpufreq, cpufreq=xen (first in 3.3, opt-in)',
    '119a6a6e07 — "cpufreq: xen is default cpufreq" (first in 3.4); 876bb8d639 — xenpm (3.4)',
    'RELEASE-4.22.0:docs/misc/xen-command-line.pandoc — cpufreq: dom0-kernel "is deprecated and not supported by all Dom0 kernels"',
  ],
  options: {
    type: 'object',
    properties: {
      daemons: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'process names of dom0 frequency-scaling daemons',
      },
    },
    additionalProperties: false,
  },
  defaults: { daemons: [...DEFAULTS.daemons] },
  hostOnly: run,
  explain,
});

export default check;
