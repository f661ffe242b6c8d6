/**
 * pv-abi-mismatch: a PV guest's kernel must use an ABI the hypervisor offers.
 *
 * The hypervisor lists the PV ABIs it runs as `xen-3.0-<abi>` tokens in
 * `xen_caps`, and libxc refuses any other ("xc_dom_compat_check: guest type …
 * not supported by xen kernel, sorry"; RELEASE-4.22.0:tools/libs/guest/xg_dom_boot.c). xen_caps is therefore
 * the authority; the Xen version only explains *why* an ABI is missing
 * (32-on-64 arrived in 3.1, 32-bit PV became optional in 4.14 and off by
 * default outside the shim in 4.16).
 */
import {
  type CapToken,
  capsText,
  type CheckContext,
  cmdlineValue,
  defineCheck,
  type DomainFacts,
  type Finding,
  type FindingPlace,
  firstKeyPlace,
  type HostSide,
  type KernelFacts,
  knownCaps,
  otherType,
  placed,
  satisfiesXen,
  shownVersion,
  versionOf,
  xenLabel,
} from './api.js';
import { tally, type Tally } from './lib/fold.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';

type KernelAbi = NonNullable<KernelFacts['abi']>;

const ABI_NAMES: Record<string, string> = {
  x86_32: '32-bit non-PAE (x86_32)',
  x86_32p: '32-bit PAE (x86_32p)',
  x86_64: '64-bit (x86_64)',
  'x86_32-bimodal': '32-bit bimodal (x86_32 or x86_32p)',
};

function describeAbi(abi: string): string {
  return ABI_NAMES[abi] ?? abi;
}

/** A bimodal 32-bit kernel (ELF note PAE=bimodal) boots as either 32-bit kind. */
export function abiFits(abi: KernelAbi, pvAbis: readonly string[]): boolean {
  if (abi === 'x86_32-bimodal') return pvAbis.includes('x86_32') || pvAbis.includes('x86_32p');
  return pvAbis.includes(abi);
}

function is32(abi: string): boolean {
  return abi === 'x86_32' || abi === 'x86_32p' || abi === 'x86_32-bimodal';
}

function kernelEvidence(k: KernelFacts): string {
  const how = k.source === 'annotation' ? 'annotation guest-abi' : `ELF note${k.pae !== undefined ? ` PAE=${k.pae}` : ''}`;
  return `${k.abi ?? 'unknown'} (${how}${k.source === 'elf' ? `, ${k.path}` : ''})`;
}

/** The kernel= or bootloader= key; without either, the annotation that declared the ABI. */
function place(d: DomainFacts): FindingPlace {
  const p = firstKeyPlace(d, ['kernel', 'bootloader']);
  if (p.line === undefined && d.kernel?.line !== undefined) {
    p.line = d.kernel.line;
    if (d.kernel.column !== undefined) p.column = d.kernel.column;
  }
  return p;
}

/** Why this hypervisor lacks the guest's ABI, and what to do: the version-aware part. */
function explainMismatch(abi: KernelAbi, pvAbis: string[], facts: HostSide, version: string | undefined): string {
  const host = facts.host;
  const hv64 = pvAbis.includes('x86_64') || host?.hypervisorBits === 64;
  const is = (range: string): boolean => version !== undefined && satisfiesXen(version, range);
  if (pvAbis.length === 0) {
    return 'This hypervisor runs no PV guests at all (no xen-3.0-* token: built without CONFIG_PV, possible from 4.12): run the guest as PVH (type = "pvh") or HVM, or boot a Xen built with PV support.';
  }
  if (is32(abi) && hv64) {
    if (is('<3.1.0')) {
      return 'On Xen 3.0.x a 64-bit hypervisor runs only 64-bit PV guests; 32-bit PV guests on 64-bit Xen (32-on-64, PAE only) arrived in 3.1. Boot a 64-bit guest kernel, or upgrade Xen to 3.1 or later and use a PAE kernel.';
    }
    if (abi === 'x86_32') {
      return 'A 64-bit hypervisor runs 32-bit PV guests only in PAE mode (x86_32p, 32-on-64 since 3.1): boot a PAE or bimodal 32-bit kernel, or a 64-bit kernel.';
    }
    const pv = host?.commandline ? cmdlineValue(host.commandline.options, 'pv') : undefined;
    if (pv !== undefined && /no-32|32=(0|no|off|false)/i.test(pv)) {
      return `The Xen command line disables 32-bit PV guests (pv=${pv}): remove that, or run the guest in the PV shim (type = "pvh", pvshim = 1), or boot a 64-bit kernel.`;
    }
    return '32-bit PV is switched off on this hypervisor: built with CONFIG_PV32=n (the default outside the PV shim since 4.16), booted with pv=no-32, or disabled by CET shadow stacks (4.14+). Boot a 64-bit kernel, run the guest in the PV shim (type = "pvh", pvshim = 1), or rebuild Xen with PV32=y.';
  }
  if (abi === 'x86_64') {
    return 'A 64-bit PV kernel needs a 64-bit hypervisor: boot the x86_64 build of Xen, or give the guest a 32-bit kernel of the kind this hypervisor runs.';
  }
  if (abi === 'x86_32p' && pvAbis.includes('x86_32')) {
    return 'A 32-bit non-PAE hypervisor runs only non-PAE PV guests: boot a non-PAE (or bimodal) kernel, or a PAE build of Xen.';
  }
  if (abi === 'x86_32' && pvAbis.includes('x86_32p')) {
    return 'A 32-bit PAE hypervisor runs only PAE PV guests: boot a PAE (or bimodal) kernel.';
  }
  return `Boot a kernel built for one of: ${pvAbis.join(', ')}.`;
}

const check = defineCheck({
  id: 'pv-abi-mismatch',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['kernel', 'bootloader'],
  title: "A PV guest's kernel ABI (32-bit, PAE, 64-bit) must be one the hypervisor runs (xen_caps)",
  severity: 'error',
  needs: ['host', 'domains'],
  messages: {
    'abi-mismatch': '{{guest}}: PV kernel is {{abi}} but {{xen}} runs only {{abis}} PV guests (xen_caps: {{caps}})',
    'no-pv-guests': '{{guest}}: PV kernel is {{abi}} but {{xen}} runs no PV guests (xen_caps: {{caps}})',
    'no-pv-at-all': '{{guest}}: PV guest, but {{xen}} runs no PV guests at all (xen_caps: {{caps}})',
    'abi-unknown': '{{guest}}: PV kernel ABI unknown ({{why}}); cannot check it against the PV ABIs this Xen runs ({{abis}})',
  },
  sources: [
    `${XEN_LIMITATIONS}, "Xen modes of operation"`,
    '3.1.0-branched:xen/arch/x86/setup.c arch_get_xen_caps(), RELEASE-4.22.0:xen/arch/x86/setup.c init_xen_cap_info() (xen_caps tokens)',
    '8f2348c03c (32-on-64 PV compat, first in 3.1)',
    '68d757df8d (pv=no-32, 4.14); 1a0f2fe229 (PV32 off by default outside the shim, 4.16)',
    'c49894090c (CONFIG_PV=n: no xen-3.0-* tokens, 4.12)',
    'tools/libs/guest/xg_dom_boot.c xc_dom_compat_check (guest type not supported by xen kernel)',
  ],
  // The reasons to skip come in the order they always did: no PV guest,
  // xen_caps unknown, then (lint) no PV guest with a known kernel ABI; `across`
  // gives them, as they need every guest. A guest's summary: whether its ABI is known.
  perGuest(d, facts, ctx) {
    return otherType(d, ['pv']) ?? guestFindings(d, facts, ctx);
  },
  summarize(d) {
    return d.type === 'pv' ? d.kernel?.abi !== undefined && d.kernel.source !== 'unknown' : undefined;
  },
  fold: tally({ known: (known: boolean) => known }),
  across(pv: Tally<'known'>, facts, ctx) {
    if (pv.guests === 0) return { skip: 'no PV guests among the given configs' };
    const caps = knownCaps(facts);
    if ('skip' in caps) return caps;
    if (ctx.mode === 'lint' && !pv.known) {
      return {
        skip: 'no PV guest has a known kernel ABI: annotate each config with # xenlint: guest-abi=x86_64 (or x86_32p, x86_32) or run xenlint check --root on the host',
      };
    }
    return [];
  },
});

/** What every guest's findings say about the host: the same for all guests of a run. */
interface HostView {
  pvAbis: string[];
  capsShown: string;
  pvList: string;
  pv: string | undefined;
  annotateRemediation: string;
  /** What it was computed from: a host object changed since (a test's) is computed again. */
  from: { caps: CapToken[]; commandline: unknown };
}

/** Per host facts object (the engine hands every guest the same one), so 10 000 PV guests do not rebuild it each. */
const HOST_VIEWS = new WeakMap<object, HostView>();

function hostView(facts: HostSide, caps: CapToken[]): HostView {
  const host = facts.host;
  const cached = host ? HOST_VIEWS.get(host) : undefined;
  if (cached && cached.from.caps === caps && cached.from.commandline === host?.commandline) return cached;
  const pvAbis = caps.filter((c) => c.kind === 'xen').map((c) => c.abi);
  const view: HostView = {
    pvAbis,
    capsShown: capsText(caps),
    pvList: pvAbis.join(', '),
    pv: host?.commandline ? cmdlineValue(host.commandline.options, 'pv') : undefined,
    from: { caps, commandline: host?.commandline },
    annotateRemediation: `Annotate the config with # xenlint: guest-abi=<${pvAbis.join('|')}> after checking the guest's kernel (file vmlinuz, or readelf -n for the Xen PAE note), or run xenlint check --root where the kernel image is readable.`,
  };
  if (host) HOST_VIEWS.set(host, view);
  return view;
}

function guestFindings(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] {
  const caps = knownCaps(facts);
  if ('skip' in caps) return [];
  const version = versionOf(facts, ctx);
  const shown = shownVersion(facts, ctx);
  const { pvAbis, capsShown, pvList, pv, annotateRemediation } = hostView(facts, caps);
  const findings: Finding[] = [];
  const k = d.kernel;
  const abi = k && k.source !== 'unknown' ? k.abi : undefined;
  const evidence: Record<string, string> = { xen_caps: capsShown };
  if (shown !== undefined) evidence['xen_version'] = shown;
  if (pv !== undefined) evidence['xen_commandline pv'] = pv;
  if (abi === undefined) {
    if (pvAbis.length === 0) {
      findings.push(placed(place(d), {
        messageId: 'no-pv-at-all',
        data: { guest: d.name, xen: xenLabel(shown), caps: capsShown },
        remediation: explainMismatch('x86_64', pvAbis, facts, version),
        evidence,
      }));
      return findings;
    }
    const why = k?.reason ?? (d.bootloader !== undefined ? `booted by ${d.bootloader}: the kernel is inside the guest's disk` : 'no kernel image known');
    evidence['kernel'] = `unknown (${why})`;
    findings.push(placed(place(d), {
      severity: 'warning',
      unverified: true,
      messageId: 'abi-unknown',
      data: { guest: d.name, why, abis: pvList },
      remediation: annotateRemediation,
      evidence,
    }));
    return findings;
  }
  if (abiFits(abi, pvAbis)) return findings;
  if (k) evidence['kernel'] = kernelEvidence(k);
  const message: Pick<Finding, 'messageId' | 'data'> =
    pvAbis.length > 0
      ? { messageId: 'abi-mismatch', data: { guest: d.name, abi: describeAbi(abi), xen: xenLabel(shown), abis: pvList, caps: capsShown } }
      : { messageId: 'no-pv-guests', data: { guest: d.name, abi: describeAbi(abi), xen: xenLabel(shown), caps: capsShown } };
  findings.push(placed(place(d), { messageId: message.messageId, data: message.data, remediation: explainMismatch(abi, pvAbis, facts, version), evidence }));
  return findings;
}

export default check;
