/**
 * vcpu-limits: vCPU counts the toolstack or the hypervisor refuses, or that
 * the host cannot run at once.
 *
 * - `vcpus` above `maxvcpus` (xl): from 4.6 xl stops with "xl: maxvcpus < vcpus"
 *   (RELEASE-4.17.0:tools/xl/xl_parse.c; commit b642ed6775). xl reads
 *   `maxvcpus` from 4.1 (RELEASE-4.1.0:tools/libxl/xl_cmdimpl.c); what 4.1–4.5
 *   do is unconfirmed, so there it is a warning that says so.
 * - more than HVM_MAX_VCPUS (128) for an HVM or PVH guest
 *   (RELEASE-4.17.0:xen/include/public/hvm/hvm_info_table.h): the hypervisor
 *   refuses the domain from 4.6 (domain_max_vcpus(), commit 2f3dd9c8c6;
 *   arch_sanitise_domain_config at RELEASE-4.17.0:xen/arch/x86/domain.c). The
 *   constant is in 4.0's public headers; enforcement before 4.6 is unconfirmed.
 * - more vCPUs online at start than the host has physical CPUs (`nr_cpus`):
 *   warning; the guest's vCPUs cannot all run at once.
 */
import type { CheckContext, DomainFacts, Facts, Finding, GuestResult, HostSide } from './api.js';
import { tally, type Tally } from './lib/fold.js';
import { defineCheck, placed, satisfiesXen } from './api.js';
import { firstKeyPlace, kindLabel, shownVersion, versionOf, xenLabel } from './lib/guest.js';
import { type Reader, readerOf } from './lib/toolstack.js';

export const HVM_MAX_VCPUS = 128;
/** xl refuses vcpus > maxvcpus; the hypervisor enforces HVM_MAX_VCPUS. */
export const ENFORCED = '>=4.6.0';
/** xl reads maxvcpus (xm has vcpu_avail instead). */
export const MAXVCPUS_READ = '>=4.1.0';

function maxvcpusRule(r: Reader): Finding | undefined {
  const d = r.d;
  if (r.choice.toolstack !== 'xl' || d.vcpus === undefined || d.maxvcpus === undefined || d.vcpus <= d.maxvcpus) return undefined;
  if (r.version !== undefined && !satisfiesXen(r.version, MAXVCPUS_READ)) return undefined; // unknown-key: xl of this version ignores maxvcpus
  const refuses = r.version === undefined || satisfiesXen(r.version, ENFORCED);
  return placed(firstKeyPlace(d, ['maxvcpus']), {
    severity: refuses ? 'error' : 'warning',
    messageId: refuses ? 'vcpus-above-maxvcpus' : 'vcpus-above-maxvcpus-unchecked',
    data: { guest: d.name, vcpus: d.vcpus, maxvcpus: d.maxvcpus, xl: r.version === undefined ? 'xl (4.6 and later)' : `xl of ${xenLabel(r.shown)}` },
    remediation: `Set maxvcpus to at least ${d.vcpus} (the most vCPUs the guest may bring online), or lower vcpus (the vCPUs online at start).`,
    evidence: { vcpus: d.vcpus, maxvcpus: d.maxvcpus, ...(r.version !== undefined ? { xen_version: r.version } : {}) },
  });
}

function hvmLimitRule(r: Reader): Finding | undefined {
  const d = r.d;
  if (d.type === 'pv') return undefined;
  const most = Math.max(d.vcpus ?? 1, d.maxvcpus ?? 0);
  if (most <= HVM_MAX_VCPUS) return undefined;
  const key = (d.maxvcpus ?? 0) > HVM_MAX_VCPUS ? 'maxvcpus' : 'vcpus';
  const enforced = r.version === undefined || satisfiesXen(r.version, ENFORCED);
  return placed(firstKeyPlace(d, [key]), {
    severity: enforced ? 'error' : 'warning',
    messageId: enforced ? 'above-hvm-limit' : 'above-hvm-limit-unenforced',
    data: { guest: d.name, kind: kindLabel(d), key, vcpus: most, limit: HVM_MAX_VCPUS, xen: xenLabel(r.shown) },
    remediation: `Give the guest at most ${HVM_MAX_VCPUS} vCPUs (a PV guest may have more).`,
    evidence: { type: d.type, vcpus: d.vcpus ?? 1, ...(d.maxvcpus !== undefined ? { maxvcpus: d.maxvcpus } : {}), limit: HVM_MAX_VCPUS },
  });
}

function pcpuRule(d: DomainFacts, pcpus: number, source: string): Finding | undefined {
  const vcpus = d.vcpus;
  if (vcpus === undefined || vcpus <= pcpus) return undefined;
  return placed(firstKeyPlace(d, ['vcpus']), {
    severity: 'warning',
    messageId: 'more-than-host-cpus',
    data: { guest: d.name, vcpus, pcpus },
    remediation: `Give the guest at most ${pcpus} vCPUs online (vcpus); keep maxvcpus higher only if it may move to a bigger host.`,
    evidence: { vcpus, nr_cpus: pcpus, nr_cpus_from: source },
  });
}

/** What `across` needs of a guest: whether it asks for several vCPUs, and whether it had a finding. */
interface VcpuSummary {
  smp: boolean;
  found: boolean;
}

function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): GuestResult<VcpuSummary> {
  const pcpus = facts.host?.nrCpus;
  const r = readerOf(d, facts, ctx);
  const out: Finding[] = [];
  for (const f of [maxvcpusRule(r), hvmLimitRule(r), pcpus !== undefined ? pcpuRule(r.d, pcpus, facts.host?.source ?? 'host facts') : undefined]) {
    if (f) out.push(f);
  }
  return { findings: out, summary: { smp: (d.vcpus ?? 1) > 1, found: out.length > 0 } };
}

/** Nothing found while the host's CPU count is unknown and some guest has several vCPUs: the check could not do its main job. */
function across(guests: Tally<'found' | 'smp'>, facts: HostSide): Finding[] | { skip: string } {
  if (facts.host?.nrCpus === undefined && !guests.found && guests.smp) {
    return { skip: 'the host\'s nr_cpus is unknown (no xl info): vcpus was checked against maxvcpus and the 128-vCPU HVM/PVH limit, not against the host\'s CPUs' };
  }
  return [];
}

function explain(facts: Facts, ctx: CheckContext): string[] {
  const version = versionOf(facts, ctx);
  const lines = [`${xenLabel(shownVersion(facts, ctx))}; host nr_cpus: ${facts.host?.nrCpus ?? 'unknown'}; HVM/PVH limit ${HVM_MAX_VCPUS}${version !== undefined && !satisfiesXen(version, ENFORCED) ? ' (enforced from 4.6)' : ''}`];
  for (const d of facts.domains ?? []) {
    lines.push(`  ${d.name} (${kindLabel(d)}): vcpus ${d.vcpus ?? '1 (default)'}, maxvcpus ${d.maxvcpus ?? '= vcpus (default)'}`);
  }
  return lines;
}

const check = defineCheck({
  id: 'vcpu-limits',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['maxvcpus', 'vcpus'],
  title: 'vcpus above maxvcpus, more than 128 vCPUs for HVM/PVH, more vCPUs than the host has CPUs',
  severity: 'error',
  needs: ['domains'],
  messages: {
    'vcpus-above-maxvcpus': '{{guest}}: vcpus = {{vcpus}} is above maxvcpus = {{maxvcpus}}: {{xl}} stops with "xl: maxvcpus < vcpus" and creates nothing',
    'vcpus-above-maxvcpus-unchecked':
      '{{guest}}: vcpus = {{vcpus}} is above maxvcpus = {{maxvcpus}}; {{xl}} does not check this (xl refuses it from 4.6) and what it then gives the guest is unconfirmed',
    'above-hvm-limit':
      "{{guest}}: {{kind}} guest with {{key}} = {{vcpus}}, above Xen's limit of {{limit}} vCPUs for HVM and PVH guests (HVM_MAX_VCPUS): {{xen}} refuses to create the domain",
    'above-hvm-limit-unenforced':
      '{{guest}}: {{kind}} guest with {{key}} = {{vcpus}}, above HVM_MAX_VCPUS ({{limit}}); the hypervisor enforces it from 4.6, and what {{xen}} does with more is unconfirmed',
    'more-than-host-cpus':
      "{{guest}}: vcpus = {{vcpus}}, more than the {{pcpus}} physical CPUs of the host (nr_cpus): the guest's vCPUs cannot all run at once, so they wait for each other and a vCPU that holds a lock keeps the others spinning",
  },
  sources: [
    'RELEASE-4.17.0:tools/xl/xl_parse.c — "xl: maxvcpus < vcpus" (commit b642ed6775, first in 4.6); maxvcpus defaults to vcpus',
    'RELEASE-4.1.0:tools/libxl/xl_cmdimpl.c — maxvcpus first read',
    'RELEASE-4.0.0:xen/include/public/hvm/hvm_info_table.h, RELEASE-4.22.0:xen/include/public/hvm/hvm_info_table.h — HVM_MAX_VCPUS 128',
    'RELEASE-4.10.0:xen/include/asm-x86/domain.h, RELEASE-4.17.0:xen/arch/x86/domain.c — domain_max_vcpus() (commit 2f3dd9c8c6, 4.6) and arch_sanitise_domain_config enforce it',
    'RELEASE-4.17.0:docs/man/xl.cfg.5.pod.in — vcpus, maxvcpus',
  ],
  perGuest,
  fold: tally({ found: (g: VcpuSummary) => g.found, smp: (g: VcpuSummary) => g.smp }),
  across,
  explain,
});

export default check;
