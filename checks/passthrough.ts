/**
 * passthrough: PCI devices given to a guest (`pci = [ … ]`) where they cannot work.
 *
 * - No IOMMU: `xl info` prints `hvm_directio` / `pv_directio` in virt_caps only
 *   when the hypervisor has an IOMMU for device assignment
 *   (RELEASE-4.17.0:tools/xl/xl_info.c: both come from cap_hvm_directio;
 *   `pv_directio` is printed from 4.13). From 4.13 libxl refuses such a guest
 *   with "passthrough not supported on this platform"
 *   (RELEASE-4.13.0:tools/libxl/libxl_create.c); before that an HVM guest's
 *   device assignment fails in the hypervisor. RELEASE-4.22.0:SUPPORT.md: "Only systems using
 *   IOMMUs are supported". A PV guest before 4.13 is not judged (virt_caps
 *   had no PV token, and PV assignment without an IOMMU is unconfirmed).
 * - Populate-on-demand: an HVM or PVH guest with `maxmem` above `memory`
 *   starts pre-ballooned (PoD), and libxl refuses PoD with passthrough — from
 *   4.4 "PCI device assignment for HVM guest failed due to PoD enabled"
 *   (RELEASE-4.4.0:tools/libxl/libxl_create.c), from 4.17 "IOMMU required for
 *   device passthrough but not supported together with PoD". Before 4.4:
 *   unconfirmed, not reported.
 *
 * An HVM guest with `maxmem` above `memory` and no passthrough needs a balloon
 * driver or crashes: memory-fit reports that, not this check.
 */
import type { CheckContext, DomainFacts, Finding, GuestResult, HostSide } from './api.js';
import { tally, type Tally } from './lib/fold.js';
import { defineCheck, placed, satisfiesXen } from './api.js';
import { DEFAULT_MEMORY_MIB, keyPlace, kindLabel, shownVersion, versionOf, xenLabel } from './lib/guest.js';
import { readerOf } from './lib/toolstack.js';

/** libxl refuses PoD together with passthrough. */
export const POD_REFUSED = '>=4.4.0';
/** Its message changed in 4.17. */
const POD_MESSAGE_417 = '>=4.17.0';
/** libxl's own "passthrough not supported on this platform", and the pv_directio token. */
export const LIBXL_IOMMU_CHECK = '>=4.13.0';

/** The PCI devices a config asks for: `pci = [ 'BDF[,opts]', … ]` (a plain string counts as one). */
export function pciDevices(d: DomainFacts): string[] {
  const v = d.keys['pci']?.value;
  if (typeof v === 'string') return v.trim() === '' ? [] : [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [];
}

function iommuFinding(d: DomainFacts, devices: string[], caps: string[], version: string | undefined, xen: string): Finding | undefined {
  if (caps.includes('hvm_directio') || caps.includes('pv_directio')) return undefined;
  const libxlChecks = version === undefined || satisfiesXen(version, LIBXL_IOMMU_CHECK);
  if (d.type === 'pv' && !libxlChecks) return undefined;
  return placed(keyPlace(d, 'pci'), {
    messageId: 'no-iommu',
    data: {
      guest: d.name,
      devices: `${devices.length} PCI device${devices.length > 1 ? 's' : ''}`,
      pci: devices.join(', '),
      virt_caps: caps.join(' '),
      outcome: libxlChecks ? `xl of ${xen} stops with "passthrough not supported on this platform"` : 'assigning the device to the guest fails',
    },
    remediation: 'Enable VT-d / AMD-Vi (IOMMU) in the firmware and do not pass iommu=0 on the Xen command line, then check that `xl info` shows hvm_directio; or remove the pci line.',
    evidence: { pci: devices.join(' '), virt_caps: caps.join(' '), type: d.type },
  });
}

function podFinding(d: DomainFacts, devices: string[], version: string | undefined, xen: string): Finding | undefined {
  if (d.type === 'pv' || d.maxmemMiB === undefined) return undefined;
  const memory = d.memoryMiB ?? DEFAULT_MEMORY_MIB;
  if (d.maxmemMiB <= memory) return undefined;
  if (version !== undefined && !satisfiesXen(version, POD_REFUSED)) return undefined;
  const says = version !== undefined && !satisfiesXen(version, POD_MESSAGE_417)
    ? 'PCI device assignment for HVM guest failed due to PoD enabled'
    : 'IOMMU required for device passthrough but not supported together with PoD';
  return placed(keyPlace(d, 'maxmem'), {
    messageId: 'pod-with-passthrough',
    data: { guest: d.name, kind: kindLabel(d), maxmem: d.maxmemMiB, memory, xl: version === undefined ? 'xl (4.4 and later)' : `xl of ${xen}`, says },
    remediation: `Set maxmem = memory (${memory} MiB, or the size you mean) for a guest with PCI devices.`,
    evidence: { memory, maxmem: d.maxmemMiB, pci: devices.join(' '), type: d.type },
  });
}

/** A guest that passes devices through, and whether it had a finding: `across` counts them for its skips. */
function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): GuestResult<{ found: boolean }> {
  const devices = pciDevices(d);
  if (devices.length === 0) return { findings: [], summary: undefined };
  const version = versionOf(facts, ctx);
  const xen = xenLabel(shownVersion(facts, ctx));
  const caps = facts.host?.virtCaps;
  const out: Finding[] = [];
  if (caps !== undefined) {
    const f = iommuFinding(d, devices, caps, version, xen);
    if (f) out.push(f);
  }
  if (readerOf(d, facts, ctx).choice.toolstack === 'xl') {
    const f = podFinding(d, devices, version, xen);
    if (f) out.push(f);
  }
  return { findings: out, summary: { found: out.length > 0 } };
}

function across(withPci: Tally<'found'>, facts: HostSide): Finding[] | { skip: string } {
  if (withPci.guests === 0) return { skip: 'no guest passes PCI devices through (no pci = [ … ])' };
  if (!withPci.found && facts.host?.virtCaps === undefined) {
    return { skip: `virt_caps unknown (no xl info): ${withPci.guests} guest(s) with PCI devices were checked for populate-on-demand, not for an IOMMU` };
  }
  return [];
}

const check = defineCheck({
  id: 'passthrough',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['pci', 'maxmem'],
  title: 'PCI passthrough without an IOMMU, or together with populate-on-demand',
  severity: 'error',
  needs: ['domains'],
  messages: {
    'no-iommu':
      '{{guest}}: {{devices}} to pass through ({{pci}}), but this host has no IOMMU for device assignment ' +
      '(virt_caps "{{virt_caps}}" has no hvm_directio/pv_directio): {{outcome}}',
    'pod-with-passthrough':
      '{{guest}}: {{kind}} guest with maxmem {{maxmem}} MiB above memory {{memory}} MiB starts pre-ballooned (populate-on-demand), ' +
      'which device passthrough cannot work with: {{xl}} stops with "{{says}}"',
  },
  sources: [
    'RELEASE-4.17.0:tools/xl/xl_info.c — virt_caps hvm_directio / pv_directio from cap_hvm_directio (pv_directio from RELEASE-4.13.0:tools/xl/xl_info.c)',
    'RELEASE-4.13.0:tools/libxl/libxl_create.c, RELEASE-4.17.0:tools/libs/light/libxl_create.c — "passthrough not supported on this platform" without cap_hvm_directio',
    'RELEASE-4.4.0:tools/libxl/libxl_create.c — "PCI device assignment for HVM guest failed due to PoD enabled"; RELEASE-4.17.0:tools/libs/light/libxl_create.c — "IOMMU required for device passthrough but not supported together with PoD"',
    'RELEASE-4.22.0:SUPPORT.md — PCI passthrough: "Only systems using IOMMUs are supported"; not compatible with populate-on-demand',
    'RELEASE-4.17.0:docs/man/xl.cfg.5.pod.in — maxmem above memory starts an HVM guest pre-ballooned',
  ],
  perGuest,
  fold: tally({ found: (g: { found: boolean }) => g.found }),
  across,
});

export default check;
