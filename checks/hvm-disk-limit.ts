/**
 * hvm-disk-limit: HVM emulated disks beyond what the HVM BIOS can address.
 *
 * Before 3.2 the HVM BIOS (rombios) read disks through INT13 with 28-bit LBA:
 * 2^28 sectors of 512 bytes = 128 GiB. f8dc2a2051 (first in 3.2) added LBA48
 * ("The new limit should be 2TB"). The field notes give 160G; the limit is an
 * option so either can be used.
 *
 * Which disks: only those qemu-dm presents as IDE (see lib/disk.ts ideIndex);
 * CD-ROMs never. The boot disk is the first IDE hard disk (what the BIOS calls
 * drive 0x80) unless `boot=` orders only floppy/network.
 */
import {
  bootDisk,
  builtByLibxl,
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
  GiB,
  type GuestResult,
  type HostSide,
  ideIndex,
  isUsableHardDisk,
  noSizesSkip,
  placed,
  satisfiesXen,
  sizeEvidence,
  type Skip,
  TiB,
  xenLabel,
} from './api.js';
import { tally, type Tally } from './lib/fold.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';

/** Versions whose HVM BIOS has no LBA48 (f8dc2a2051 is first in 3.2). */
export const LBA28_RANGE = '<3.2.0';

const DEFAULTS = { limitBytes: 128 * GiB, bootLimitBytes: 2 * TiB };


/** Without LBA48 every emulated disk has the limit; with it only the boot disk has one. */
function limitOf(ctx: CheckContext, lba28: boolean): number {
  const name = lba28 ? 'limitBytes' : 'bootLimitBytes';
  return bytesOption(ctx, name, DEFAULTS[name]);
}

interface Candidate {
  domain: DomainFacts;
  disk: DiskFacts;
  boot: boolean;
}

/** The disks the rule for this version looks at. */
function candidates(facts: Facts, version: string, lba28: boolean): Candidate[] {
  return (facts.domains ?? []).flatMap((d) => guestCandidates(d, facts, version, lba28));
}

function guestCandidates(d: DomainFacts, facts: HostSide, version: string, lba28: boolean): Candidate[] {
  const out: Candidate[] = [];
  if (d.type !== 'hvm') return out;
  const libxl = builtByLibxl(d, facts, version);
  const boot = bootDisk(d, libxl);
  for (const disk of d.disks) {
    if (!isUsableHardDisk(disk) || ideIndex(disk, libxl) === undefined) continue;
    const isBoot = disk === boot;
    if (lba28 || isBoot) out.push({ domain: d, disk, boot: isBoot });
  }
  return out;
}

function label(c: Candidate): string {
  return `${c.boot ? 'boot disk' : 'disk'} ${c.disk.vdev ?? `#${c.disk.index}`}`;
}

function unknownSize(c: Candidate, version: string, limit: number): Finding {
  return placed(diskLocation(c.domain, c.disk), {
    severity: 'warning',
    unverified: true,
    messageId: 'size-unknown',
    data: { guest: c.domain.name, disk: label(c), why: c.disk.sizeUnknown ?? 'not gathered', limit: formatBytes(limit), xen: xenLabel(version) },
    remediation: `Annotate the config with # xenlint: size=${c.disk.vdev ?? 'hda'}:<size>, or run xenlint check on the host where the image or device is readable.`,
    evidence: { xen_version: version, limit_bytes: limit, ...sizeEvidence(c.disk) },
  });
}

/** What `across` needs of a guest: whether it is HVM, and whether the rule has disks of it to judge, sized or not. */
interface DiskSummary {
  hvm: boolean;
  candidates: number;
  sized: boolean;
}

function rule(facts: HostSide, ctx: CheckContext): { version: string; lba28: boolean; limit: number } | undefined {
  const version = ctx.xenVersion;
  if (version === undefined) return undefined;
  const lba28 = satisfiesXen(version, LBA28_RANGE);
  return { version, lba28, limit: limitOf(ctx, lba28) };
}

/**
 * Each guest's disks over the limit; `across` then decides what needs every
 * guest: no version with an HVM guest given, and (lint) no size known for any
 * disk the rule looks at, skip the check.
 */
function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): GuestResult<DiskSummary> {
  const r = rule(facts, ctx);
  const list = r ? guestCandidates(d, facts, r.version, r.lba28) : [];
  const summary = { hvm: d.type === 'hvm', candidates: list.length, sized: list.some((c) => c.disk.sizeBytes !== undefined) };
  return { findings: r ? judge(list, r.version, r.lba28, r.limit) : [], summary };
}

function across(guests: Tally<'hvm' | 'candidates' | 'sized'>, facts: HostSide, ctx: CheckContext): Finding[] | Skip {
  if (!guests.hvm) return [];
  if (ctx.xenVersion === undefined) return { skip: 'Xen version unknown; pass --xen (the HVM BIOS limit depends on it)' };
  if (!guests.candidates) return [];
  if (ctx.mode === 'lint' && !guests.sized) return noSizesSkip("the HVM guests' emulated disks");
  return [];
}

function judge(list: Candidate[], version: string, lba28: boolean, limit: number): Finding[] {
  const out: Finding[] = [];
  for (const c of list) {
    const size = c.disk.sizeBytes;
    if (size === undefined) {
      out.push(unknownSize(c, version, limit));
      continue;
    }
    if (size <= limit) continue;
    const evidence = { xen_version: version, limit_bytes: limit, ...sizeEvidence(c.disk) };
    if (lba28) {
      out.push(placed(diskLocation(c.domain, c.disk), {
        severity: c.boot ? 'error' : 'warning',
        messageId: c.boot ? 'lba28-boot' : 'lba28',
        data: { guest: c.domain.name, disk: label(c), size: describeSize(size), limit: formatBytes(limit), xen: xenLabel(version) },
        remediation:
          `Keep ${c.domain.name}'s emulated disks at ${formatBytes(limit)} or less (put data on a second disk the OS drives itself, ` +
          'or use PV block drivers), or upgrade to Xen 3.2, whose BIOS has LBA48 (f8dc2a2051).',
        evidence: Object.assign({}, evidence, { source: 'rombios INT13 LBA48 added in 3.2 (f8dc2a2051)' }),
      }));
    } else {
      out.push(placed(diskLocation(c.domain, c.disk), {
        severity: 'warning',
        messageId: 'lba48-boot',
        data: { guest: c.domain.name, disk: label(c), size: describeSize(size), limit: formatBytes(limit) },
        remediation: `Boot ${c.domain.name} from a disk of ${formatBytes(limit)} or less and keep large data on another disk.`,
        evidence: Object.assign({}, evidence, { source: 'f8dc2a2051: "The new limit should be 2TB"' }),
      }));
    }
  }
  return out;
}

function explain(facts: Facts, ctx: CheckContext): string[] {
  const version = ctx.xenVersion;
  if (version === undefined) return ['Xen version unknown.'];
  const lba28 = satisfiesXen(version, LBA28_RANGE);
  const limit = limitOf(ctx, lba28);
  const lines = [
    lba28
      ? `${xenLabel(version)}: HVM BIOS without LBA48; limit ${describeSize(limit)} for every emulated disk (error for the boot disk)`
      : `${xenLabel(version)}: HVM BIOS with LBA48; boot disk limit ${describeSize(limit)}`,
  ];
  for (const c of candidates(facts, version, lba28)) {
    const size = c.disk.sizeBytes;
    lines.push(
      `${c.domain.name} ${label(c)}: ${size === undefined ? `size unknown (${c.disk.sizeUnknown ?? 'not gathered'})` : describeSize(size)}` +
        (size === undefined ? '' : size > limit ? ' > limit' : ' <= limit'),
    );
  }
  return lines;
}

const check = defineCheck({
  id: 'hvm-disk-limit',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['disk'],
  title: 'HVM emulated disk beyond what the HVM BIOS addresses: 128 GiB before 3.2, 2 TiB boot disk after',
  severity: 'error',
  needs: ['domains'],
  messages: {
    'size-unknown':
      '{{guest}}: size of {{disk}} is unknown ({{why}}), so whether it stays within the {{limit}} the HVM BIOS of {{xen}} can address is not verified',
    'lba28-boot':
      '{{guest}}: {{disk}} is {{size}}, beyond the {{limit}} the HVM BIOS of {{xen}} addresses (28-bit LBA, no LBA48 before 3.2): the BIOS and the boot loader see a truncated disk',
    lba28:
      '{{guest}}: {{disk}} is {{size}}, beyond the {{limit}} the HVM BIOS of {{xen}} addresses (28-bit LBA, no LBA48 before 3.2): a guest that relies on the BIOS for it sees it truncated',
    'lba48-boot':
      '{{guest}}: {{disk}} is {{size}}, over the {{limit}} the HVM BIOS addresses even with LBA48 (32-bit sector counts) — the guest may not boot from the space beyond it',
  },
  sources: [
    `${XEN_LIMITATIONS} — "the qemu bios used by xen is not patched for lba48, and you are limited to 160G disks"`,
    'f8dc2a2051 — rombios INT13 LBA48 for disks over 128 GB, new limit 2 TB (first in 3.2, in 3.2.0-rc4)',
    'tools/libs/light/libxl_dm.c — libxl__build_device_model_args: disks 0..3 become IDE hd[a-d], sd* SCSI',
  ],
  options: {
    type: 'object',
    properties: {
      limitBytes: {
        type: 'integer',
        minimum: 1,
        description: 'largest emulated disk before 3.2 (default 128 GiB, LBA28; the field notes say 160G = 171798691840)',
      },
      bootLimitBytes: { type: 'integer', minimum: 1, description: 'largest boot disk from 3.2 (default 2 TiB)' },
    },
    additionalProperties: false,
  },
  defaults: { ...DEFAULTS },
  perGuest,
  fold: tally({ hvm: (g: DiskSummary) => g.hvm, candidates: (g: DiskSummary) => g.candidates > 0, sized: (g: DiskSummary) => g.sized }),
  across,
  // Only lint skips, and only while no disk it looks at has a size.
  mayStillSkip: (guests, _facts, ctx) => ctx.mode === 'lint' && !guests.sized,
  explain,
});

export default check;
