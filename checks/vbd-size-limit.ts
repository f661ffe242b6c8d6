/**
 * vbd-size-limit: a virtual block device of 2 TiB or more on Xen ≤ 3.0.3.
 *
 * Xen's history confirms one cause: blktap's userspace kept sizes in 32-bit
 * types and wrapped on large disks, fixed in 3.0.4 (bc79267989). The field
 * notes report 2 TB limits "with Xen vbd volumes" in general up to 3.0.3, even
 * on 64-bit; that wider case and the exact ">= 2 TiB" threshold are not
 * confirmed, so the check covers every backend and each finding says which
 * evidence it rests on. CD-ROMs are left out: no medium comes near the limit.
 */
import {
  bytesOption,
  type CheckContext,
  defineCheck,
  describeSize,
  type DiskFacts,
  diskLocation,
  type DomainFacts,
  type Facts,
  type Finding,
  formatBytes,
  type GuestResult,
  type HostSide,
  isUsableHardDisk,
  noSizesSkip,
  placed,
  sizeEvidence,
  type Skip,
  TiB,
  xenLabel,
} from './api.js';
import { tally, type Tally } from './lib/fold.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';

const DEFAULTS = { limitBytes: 2 * TiB };

function limitOption(ctx: CheckContext): number {
  return bytesOption(ctx, 'limitBytes', DEFAULTS.limitBytes);
}

function isBlktap(disk: DiskFacts): boolean {
  return /^tap/i.test(disk.backend ?? '') || /^tap:/i.test(disk.spec.trim());
}

function basis(disk: DiskFacts): string {
  return isBlktap(disk)
    ? 'blktap userspace used 32-bit size types, fixed in 3.0.4 (bc79267989); the exact 2 TiB threshold is unconfirmed'
    : 'field notes: "numerous reports of 2TB limits with Xen vbd volumes in as late as Xen 3.0.3, even with 64bit" — not confirmed for this backend in Xen history';
}

/** What `across` needs of a guest: whether it has disks to judge, and whether any of their sizes is known. */
interface DiskSummary {
  disks: number;
  sized: boolean;
}

/** A guest's disks at or over the limit; in lint, `across` skips the check when no disk of any guest has a known size. */
function perGuest(domain: DomainFacts, _facts: HostSide, ctx: CheckContext): GuestResult<DiskSummary> {
  const version = ctx.xenVersion;
  const limit = limitOption(ctx);
  const list = domain.disks.filter(isUsableHardDisk).map((disk) => ({ domain, disk }));
  const summary = { disks: list.length, sized: list.some((c) => c.disk.sizeBytes !== undefined) };
  const out: Finding[] = [];
  for (const { domain, disk } of list) {
    const size = disk.sizeBytes;
    const name = disk.vdev ?? `#${disk.index}`;
    if (size === undefined) {
      out.push(placed(diskLocation(domain, disk), {
        severity: 'warning',
        unverified: true,
        messageId: 'size-unknown',
        data: { guest: domain.name, disk: name, why: disk.sizeUnknown ?? 'not gathered', limit: formatBytes(limit), xen: xenLabel(version) },
        remediation: `Annotate the config with # xenlint: size=${name}:<size>, or run xenlint check on the host where the image or device is readable.`,
        evidence: { xen_version: version ?? 'unknown', limit_bytes: limit, ...sizeEvidence(disk) },
      }));
      continue;
    }
    if (size < limit) continue;
    out.push(placed(diskLocation(domain, disk), {
      messageId: 'too-large',
      data: { guest: domain.name, disk: name, size: describeSize(size), limit: formatBytes(limit), xen: xenLabel(version) },
      remediation: `Split the storage into vbds under ${formatBytes(limit)} (several LVs, joined by LVM inside the guest), or upgrade to Xen 3.0.4 or later.`,
      evidence: { xen_version: version ?? 'unknown', limit_bytes: limit, ...sizeEvidence(disk), basis: basis(disk) },
    }));
  }
  return { findings: out, summary };
}

function across(guests: Tally<'disks' | 'sized'>, _facts: HostSide, ctx: CheckContext): Finding[] | Skip {
  if (!guests.disks) return [];
  if (ctx.mode === 'lint' && !guests.sized) return noSizesSkip("the guests' disks");
  return [];
}

function explain(facts: Facts, ctx: CheckContext): string[] {
  const limit = limitOption(ctx);
  const lines = [`Xen ${ctx.xenVersion ?? 'unknown'}: vbd limit ${describeSize(limit)} (a disk at or over it fails)`];
  for (const d of facts.domains ?? []) {
    for (const disk of d.disks.filter(isUsableHardDisk)) {
      const size = disk.sizeBytes;
      lines.push(
        `${d.name} ${disk.vdev ?? `#${disk.index}`}: ${size === undefined ? `size unknown (${disk.sizeUnknown ?? 'not gathered'})` : `${describeSize(size)} ${size >= limit ? '>= limit' : '< limit'}`}`,
      );
    }
  }
  return lines;
}

const check = defineCheck({
  id: 'vbd-size-limit',
  title: 'Virtual block device of 2 TiB or more on Xen ≤ 3.0.3',
  severity: 'error',
  needs: ['domains'],
  xen: '<3.0.4',
  messages: {
    'size-unknown':
      '{{guest}}: size of disk {{disk}} is unknown ({{why}}), so whether it stays under the {{limit}} vbd limit of {{xen}} is not verified',
    'too-large':
      '{{guest}}: disk {{disk}} is {{size}}, at or over the {{limit}} that virtual block devices of {{xen}} handle: the guest may see a wrapped, far smaller disk',
  },
  sources: [
    `${XEN_LIMITATIONS} — "numerous reports of 2TB limits with Xen vbd volumes in as late as Xen 3.0.3"`,
    'bc79267989 — blktap: 64-bit size types for large disks (first in 3.0.4); ">= 2 TiB" threshold unconfirmed',
  ],
  options: {
    type: 'object',
    properties: {
      limitBytes: { type: 'integer', minimum: 1, description: 'smallest vbd size that fails (default 2 TiB)' },
    },
    additionalProperties: false,
  },
  defaults: { ...DEFAULTS },
  perGuest,
  fold: tally({ disks: (g: DiskSummary) => g.disks > 0, sized: (g: DiskSummary) => g.sized }),
  across,
  explain,
});

export default check;
