/**
 * hvm-needs-vt: HVM (and PVH) guests need VT-x or AMD-V, enabled, and a
 * 64-bit HVM guest needs a 64-bit hypervisor.
 *
 * Xen advertises `hvm-3.0-*` tokens in xen_caps only when it could switch
 * hardware virtualisation on (`hvm_enabled`), and `hvm-3.0-x86_64` only on a
 * 64-bit build (RELEASE-4.17.0:xen/arch/x86/setup.c arch_get_xen_caps()). So xen_caps answers both questions; dom0's
 * /proc/cpuinfo is used only to tell "the CPU has it" from "the CPU lacks it".
 */
import { capsText, defineCheck, kindLabel, knownCaps, otherType, placed, typePlace, shownVersion, xenLabel, type CheckContext, type DomainFacts, type Finding, type HostSide, type Skip } from './api.js';
import { tally, type Tally } from './lib/fold.js';
import { CHOOSING_VIRTUALIZATION, XEN_LIMITATIONS } from './lib/field-notes.js';

function baseEvidence(facts: HostSide): Record<string, string> {
  const evidence: Record<string, string> = { xen_caps: capsText(facts.host?.caps ?? []) };
  const virt = facts.host?.virtCaps;
  if (virt !== undefined) evidence['virt_caps'] = virt.join(' ');
  const flags = facts.dom0?.cpuFlags;
  if (flags !== undefined) {
    const hw = flags.filter((f) => f === 'vmx' || f === 'svm');
    evidence['dom0 cpu flags'] = hw.length > 0 ? hw.join(' ') : 'no vmx/svm';
  }
  return evidence;
}

function noHvmRemedy(facts: HostSide): string {
  const flags = facts.dom0?.cpuFlags ?? [];
  if (flags.includes('vmx') || flags.includes('svm')) {
    return 'The CPU reports vmx/svm, so hardware virtualisation is switched off: enable Intel VT-x / AMD-V (SVM) in the BIOS or firmware setup, power the machine off and on, and check that xen_caps then lists hvm-3.0-* tokens. Otherwise run the guest as PV.';
  }
  return 'HVM needs a CPU with Intel VT-x or AMD-V, enabled in the BIOS or firmware setup (power-cycle after changing it). If the CPU has neither, run the guest as PV instead.';
}

/**
 * The guest OS's ABI when `# xenlint: guest-abi=` declares it (the last one
 * wins). An HVM guest's kernel= is hvmloader, not the OS, so only the
 * annotation can tell.
 */
function declaredAbi(d: DomainFacts): string | undefined {
  const a = [...d.annotations].reverse().find((x) => x.name === 'guest-abi');
  if (a) return a.value.trim();
  return d.kernel?.source === 'annotation' ? d.kernel.abi : undefined;
}

const check = defineCheck<boolean, Tally<'declares'>>({
  id: 'hvm-needs-vt',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['type', 'builder', 'pvh', 'kernel', 'name', 'memory'],
  title: 'HVM guests need VT-x/AMD-V enabled (hvm-* in xen_caps); 64-bit HVM guests need a 64-bit hypervisor',
  severity: 'error',
  needs: ['host', 'domains'],
  messages: {
    'no-hvm': '{{guest}}: {{kind}} guest, but xen_caps has no hvm-* token: {{xen}} on this host has no usable VT-x/AMD-V',
    'no-hvm-pvh':
      '{{guest}}: {{kind}} guest, but xen_caps has no hvm-* token: {{xen}} on this host has no usable VT-x/AMD-V (PVH guests run in an HVM container and need it too)',
    'guest-64-on-xen-32': '{{guest}}: 64-bit {{kind}} guest on a 32-bit hypervisor (xen_caps has no hvm-3.0-x86_64)',
    'bitness-unknown':
      "{{guest}}: the hypervisor is 32-bit (no hvm-3.0-x86_64 in xen_caps) and the guest's bitness is unknown; a 64-bit OS will not run",
  },
  sources: [
    `${XEN_LIMITATIONS}, "Xen HVM gotchas"; ${CHOOSING_VIRTUALIZATION} (full virtualisation needs VT/AMD-V)`,
    '3.1.0-branched:xen/arch/x86/setup.c arch_get_xen_caps(), RELEASE-4.22.0:xen/arch/x86/setup.c init_xen_cap_info() (hvm-3.0-* only when hvm_enabled; hvm-3.0-x86_64 only on 64-bit Xen)',
    'RELEASE-4.22.0:tools/xl/xl_info.c virt_caps (hvm token)',
  ],
  // The reasons to skip come in the order they always did: no HVM/PVH guest,
  // xen_caps unknown, then (lint on a 32-bit hypervisor) no guest declaring its
  // bitness. The last two need every guest or outrank the first, so `across`
  // gives them; each guest's summary is whether it declares its ABI.
  perGuest(d, host, ctx) {
    const other = otherType(d, ['hvm', 'pvh']);
    if (other) return other;
    return guestFindings(d, host, ctx);
  },
  summarize(d) {
    return otherType(d, ['hvm', 'pvh']) ? undefined : declaredAbi(d) !== undefined;
  },
  fold: tally({ declares: (declares: boolean) => declares }),
  across(guests: Tally<'declares'>, host, ctx) {
    if (guests.guests === 0) return { skip: 'no HVM or PVH guests among the given configs' };
    const caps = knownCaps(host);
    if ('skip' in caps) return caps;
    const hvmAbis = caps.filter((c) => c.kind === 'hvm').map((c) => c.abi);
    const on32 = hvmAbis.length > 0 && !hvmAbis.includes('x86_64') && hvmAbis.some((a) => a.startsWith('x86'));
    if (on32 && ctx.mode === 'lint' && !guests.declares) {
      return {
        skip: 'the hypervisor is 32-bit and no HVM guest declares its bitness: annotate each config with # xenlint: guest-abi=x86_32 (or x86_32p, x86_64)',
      };
    }
    return [];
  },
});

function guestFindings(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] | Skip {
  const caps = knownCaps(facts);
  if ('skip' in caps) return [];
  const shown = shownVersion(facts, ctx);
  const hvmAbis = caps.filter((c) => c.kind === 'hvm').map((c) => c.abi);
  if (hvmAbis.length === 0) {
    return [
      placed(typePlace(d), {
        messageId: d.type === 'pvh' ? 'no-hvm-pvh' : 'no-hvm',
        data: { guest: d.name, kind: kindLabel(d), xen: xenLabel(shown) },
        remediation: noHvmRemedy(facts),
        evidence: baseEvidence(facts),
      }),
    ];
  }
  if (hvmAbis.includes('x86_64')) return [];
  const x86 = hvmAbis.some((a) => a.startsWith('x86'));
  if (!x86) return [];
  // A 32-bit hypervisor: only guests known to be 32-bit are safe.
  const abi = declaredAbi(d);
  const evidence = baseEvidence(facts);
  if (abi === 'x86_64') {
    return [
      placed(typePlace(d), {
        messageId: 'guest-64-on-xen-32',
        data: { guest: d.name, kind: kindLabel(d) },
        remediation: 'Boot the 64-bit (x86_64) build of Xen on this host, or install a 32-bit OS in the guest.',
        evidence: Object.assign({}, evidence, { guest: 'x86_64 (annotation guest-abi)' }),
      }),
    ];
  }
  if (abi === undefined) {
    return [
      placed(typePlace(d), {
        severity: 'warning',
        unverified: true,
        messageId: 'bitness-unknown',
        data: { guest: d.name },
        remediation: 'Annotate the config with # xenlint: guest-abi=x86_32 (or x86_32p) once you know the guest OS is 32-bit; for a 64-bit OS boot the x86_64 build of Xen.',
        evidence,
      }),
    ];
  }
  return [];
}

export default check;
