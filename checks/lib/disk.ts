/**
 * Disk facts shared by the size checks: which disks an HVM guest's BIOS sees,
 * which of them it boots from, and how a disk's size is reported.
 */
import type { CheckContext } from '../../cli/model/contract.js';
import type { DiskFacts, DomainFacts, Facts, KeyFact } from '../../cli/model/facts.js';
import { itemPlace } from './guest.js';
import { toolstackFor } from './toolstack.js';
import { formatBytes } from '../../cli/readers/units.js';

export const GiB = 2 ** 30;
export const TiB = 2 ** 40;

/** A size option in bytes: a positive whole number, else `fallback`. */
export function bytesOption(ctx: CheckContext, name: string, fallback: number): number {
  const v = ctx.options[name];
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : fallback;
}

/** Where a finding about one disk points. */
export function diskLocation(domain: DomainFacts, disk: DiskFacts) {
  return itemPlace(domain, disk, 'disk');
}

/**
 * The vdev without xm's decorations: `ioemu:hda` (3.0.2 HVM syntax) → `hda`,
 * `hdc:cdrom` → `hdc`, lower case.
 */
export function plainVdev(vdev: string | undefined): string | undefined {
  if (vdev === undefined) return undefined;
  const v = vdev.trim().toLowerCase().replace(/^ioemu:/, '').replace(/:(cdrom|disk)$/, '');
  return v === '' ? undefined : v;
}

/** Bijective base 26 of a vdev's letters: a=0, z=25, aa=26. */
function letterNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 96);
  return n - 1;
}

/**
 * libxl's disk number of a vdev (libxl__device_disk_dev_number): `hdX`, `sdX`
 * and `xvdX` by their letters, `dN` by N; `scsi` for sdX. Undefined for others.
 */
export function libxlDiskNumber(vdev: string): { index: number; scsi: boolean } | undefined {
  const m = /^(hd|sd|xvd)([a-z]+)$/.exec(vdev);
  if (m?.[2] !== undefined) return { index: letterNumber(m[2]), scsi: m[1] === 'sd' };
  const d = /^d(\d+)$/.exec(vdev);
  if (d?.[1] !== undefined) return { index: Number(d[1]), scsi: false };
  return undefined;
}

/**
 * The emulated IDE position (0 = primary master … 3 = secondary slave) of an
 * HVM guest's disk, or undefined when qemu-dm gives it no IDE disk.
 * - `hda`–`hdd` are IDE in every toolstack.
 * - libxl (xl) also puts disk numbers 0–3 written as `xvda`–`xvdd` or `d0`–`d3`
 *   on IDE ("translate devices 0..3 into hd[a-d]", libxl__build_device_model_args
 *   in tools/libs/light/libxl_dm.c); xend gave `xvd*` to PV drivers only.
 * - `sd*` becomes emulated SCSI, which the HVM BIOS does not address: left out.
 */
export function ideIndex(disk: DiskFacts, libxl: boolean): number | undefined {
  const v = plainVdev(disk.vdev);
  if (v === undefined) return undefined;
  const hd = /^hd([a-d])$/.exec(v);
  if (hd?.[1] !== undefined) return hd[1].charCodeAt(0) - 97;
  if (!libxl || !/^(xvd[a-z]+|d\d+)$/.test(v)) return undefined;
  const n = libxlDiskNumber(v);
  return n !== undefined && n.index <= 3 ? n.index : undefined;
}

/**
 * Whether libxl (xl) builds this guest's device model, rather than xend (xm).
 * The host's toolstack decides when known; before 4.0 there is no libxl; else
 * the config's dialect is the best hint. The dialect alone is not enough: an
 * xm config without Python-only syntax reads as xl.
 */
export function builtByLibxl(domain: DomainFacts, facts: Facts, version: string): boolean {
  return toolstackFor(domain.dialect, facts, version).toolstack === 'xl';
}

/** A hard disk (not a CD-ROM) that parsed and names something to read. */
export function isUsableHardDisk(disk: DiskFacts): boolean {
  return disk.invalid === undefined && disk.devtype === 'disk' && disk.target !== undefined && disk.target !== '';
}

function keyText(k: KeyFact | undefined): string | undefined {
  if (!k) return undefined;
  return typeof k.value === 'string' ? k.value : undefined;
}

/**
 * Whether the guest's BIOS boots from its first hard disk. `boot=` is an order
 * of devices (a floppy, c disk, d CD-ROM, n network); xm's default is "c", xl's
 * "cd". A CD-ROM boot counts too: the installer on it puts the boot loader on
 * the first disk, which becomes the boot disk once `boot` is switched to c.
 * Only a floppy- or network-only order keeps the disks out of booting.
 */
export function bootsFromDisk(domain: DomainFacts): boolean {
  const boot = keyText(domain.keys['boot']);
  if (boot === undefined) return true;
  return /[cd]/i.test(boot);
}

/**
 * The boot disk of an HVM guest: the emulated IDE hard disk with the lowest
 * position, which the BIOS reports as its first hard drive (0x80).
 */
export function bootDisk(domain: DomainFacts, libxl: boolean): DiskFacts | undefined {
  if (domain.type !== 'hvm' || !bootsFromDisk(domain)) return undefined;
  let best: { disk: DiskFacts; index: number } | undefined;
  for (const disk of domain.disks) {
    if (!isUsableHardDisk(disk)) continue;
    const index = ideIndex(disk, libxl);
    if (index === undefined) continue;
    if (!best || index < best.index) best = { disk, index };
  }
  return best?.disk;
}

/** "200 GiB (214748364800 bytes)": exact enough to compare with a limit. */
export function describeSize(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes} bytes)`;
}

/** The evidence a size rests on, for a finding. */
export function sizeEvidence(disk: DiskFacts): Record<string, string | number | boolean> {
  const ev: Record<string, string | number | boolean> = { disk: disk.spec };
  if (disk.target !== undefined) ev['target'] = disk.target;
  if (disk.sizeBytes !== undefined) {
    ev['size_bytes'] = disk.sizeBytes;
    ev['size_source'] = disk.sizeSource ?? 'unknown';
  } else {
    ev['size'] = `unknown: ${disk.sizeUnknown ?? 'not gathered'}`;
  }
  if (disk.backend !== undefined) ev['backend'] = disk.backend;
  return ev;
}

/** The skip reason for a size check in lint mode when no disk size is known at all. */
export function noSizesSkip(what: string): { skip: string } {
  return {
    skip:
      `no size is known for ${what}; annotate the config with ` +
      '# xenlint: size=hda:200G or run check --root on the host',
  };
}
