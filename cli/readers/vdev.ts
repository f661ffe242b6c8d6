/**
 * Virtual disk names (the `vdev` of a disk spec) and the xenstore device
 * numbers they stand for.
 *
 * Rules follow libxl's decoder (`libxl__device_disk_dev_number` in
 * tools/libs/light/libxl_device.c, documented in docs/man/xen-vbd-interface.7.pandoc;
 * summarised in xen-facts.md B4). The checks are tried in libxl's order: `d<N>p<M>`
 * and `xvd*` first, then a bare number, then `hd*`, then `sd*`.
 */

export type VdevKind = 'xvd' | 'hd' | 'sd' | 'd-p' | 'number';

export interface VdevInfo {
  /** The name as written. */
  name: string;
  kind: VdevKind;
  /** Disk index (0 = a). Null for a bare number: libxl does not decode those. */
  disk: number | null;
  /** Partition number, 0 = the whole disk. Null for a bare number. */
  partition: number | null;
  /** The xenstore `virtual-device` number the frontend sees. */
  devNumber: number;
  /** True when the number uses the extended `1<<28` encoding (xvdq+, or partitions > 15). */
  extended: boolean;
  /** xm/xend never learnt the `d<N>p<M>` form (xen-facts.md B4). */
  xmSupported: boolean;
}

export interface VdevError {
  error: string;
}

export interface VdevLimit {
  maxDisk: number;
  maxPartition: number;
}

/** Inclusive limits per naming scheme (B4). */
export const VDEV_LIMITS: Readonly<Record<'xvd' | 'hd' | 'sd' | 'd-p', VdevLimit>> = {
  xvd: { maxDisk: (1 << 20) - 1, maxPartition: 255 },
  'd-p': { maxDisk: (1 << 20) - 1, maxPartition: 255 },
  hd: { maxDisk: 3, maxPartition: 63 },
  sd: { maxDisk: 15, maxPartition: 15 },
};

const INT_MAX = 2147483647;

/** Drive letters for a disk index: 0 -> a, 25 -> z, 26 -> aa (bijective base 26). */
export function diskLetters(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(97 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

type Match = { disk: number; partition: number } | { error: string } | null;

/**
 * `<prefix><letters>[<partition>]`. Returns null when the prefix does not match
 * (so the next scheme is tried), an error when it matches but is out of range.
 */
function matchLettered(name: string, prefix: 'xvd' | 'hd' | 'sd'): Match {
  if (!name.startsWith(prefix)) return null;
  const limit = VDEV_LIMITS[prefix];
  let i = prefix.length;
  let index = -1;
  while (i < name.length) {
    const c = name.charCodeAt(i);
    if (c < 97 || c > 122) break;
    // Bijective base 26, checked after every letter exactly as libxl does.
    index = (index + 1) * 26 + (c - 97);
    i++;
    if (index > limit.maxDisk) {
      return { error: `${name}: disk letters beyond ${prefix}${diskLetters(limit.maxDisk)} are not supported` };
    }
  }
  if (index < 0) return { error: `${name}: no drive letter after "${prefix}"` };
  const rest = name.slice(i);
  if (rest === '') return { disk: index, partition: 0 };
  if (rest.startsWith('0')) return { error: `${name}: leading zero in the partition number is rejected` };
  if (!/^[1-9][0-9]*$/.test(rest)) return { error: `${name}: "${rest}" is not a partition number` };
  const partition = Number(rest);
  if (partition > limit.maxPartition) {
    return { error: `${name}: partition ${rest} is beyond the ${prefix} limit of ${limit.maxPartition}` };
  }
  return { disk: index, partition };
}

/** C `%i`/`strtoul(…, 0)` number syntax: 0x hex, leading-0 octal, else decimal. */
function parseCInteger(text: string): number | null {
  // C's number readers skip leading white space (isspace) first.
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return null;
  const body = m[2] ?? '';
  let value: number;
  if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
  else if (body.startsWith('0')) value = body.length === 1 ? 0 : parseInt(body.slice(1), 8);
  else value = parseInt(body, 10);
  return m[1] === '-' ? -value : value;
}

function xvdNumber(disk: number, partition: number): { devNumber: number; extended: boolean } {
  if (disk <= 15 && partition <= 15) {
    return { devNumber: (202 << 8) | (disk << 4) | partition, extended: false };
  }
  // 1<<28 | disk<<8 | part; disk < 2^20 keeps this below 2^31.
  return { devNumber: 2 ** 28 + disk * 256 + partition, extended: true };
}

function decodeDp(name: string): VdevInfo | VdevError | null {
  const m = /^d([^p]*)p(.*)$/.exec(name);
  if (!m) return null;
  const disk = parseCInteger(m[1] ?? '');
  const partition = parseCInteger(m[2] ?? '');
  if (disk === null || partition === null) return null;
  const limit = VDEV_LIMITS['d-p'];
  if (disk < 0 || partition < 0) return { error: `${name}: negative disk or partition number` };
  if (disk > limit.maxDisk) return { error: `${name}: disk ${disk} is beyond the limit of ${limit.maxDisk}` };
  if (partition > limit.maxPartition) {
    return { error: `${name}: partition ${partition} is beyond the limit of ${limit.maxPartition}` };
  }
  return { name, kind: 'd-p', disk, partition, ...xvdNumber(disk, partition), xmSupported: false };
}

/**
 * Decodes a vdev name. Never throws; an unusable name gives `{ error }` with the
 * reason (libxl itself only says "Invalid or unsupported virtual disk identifier").
 */
export function decodeVdev(name: string): VdevInfo | VdevError {
  if (name === '') return { error: 'empty vdev' };

  const dp = decodeDp(name);
  if (dp) return dp;

  const xvd = matchLettered(name, 'xvd');
  if (xvd && 'disk' in xvd) {
    return { name, kind: 'xvd', disk: xvd.disk, partition: xvd.partition, ...xvdNumber(xvd.disk, xvd.partition), xmSupported: true };
  }
  if (xvd) return xvd;

  const num = parseCInteger(name);
  if (num !== null) {
    if (num < 0) return { error: `${name}: negative device number` };
    if (num > INT_MAX) return { error: `${name}: device number above ${INT_MAX}` };
    return { name, kind: 'number', disk: null, partition: null, devNumber: Math.abs(num), extended: false, xmSupported: true };
  }

  const hd = matchLettered(name, 'hd');
  if (hd && 'disk' in hd) {
    const major = hd.disk < 2 ? 3 : 22;
    const devNumber = (major << 8) | ((hd.disk & 1) << 6) | hd.partition;
    return { name, kind: 'hd', disk: hd.disk, partition: hd.partition, devNumber, extended: false, xmSupported: true };
  }
  if (hd) return hd;

  const sd = matchLettered(name, 'sd');
  if (sd && 'disk' in sd) {
    const devNumber = (8 << 8) | (sd.disk << 4) | sd.partition;
    return { name, kind: 'sd', disk: sd.disk, partition: sd.partition, devNumber, extended: false, xmSupported: true };
  }
  if (sd) return sd;

  return { error: `${name}: not a Xen virtual disk name (xvd*, hd*, sd*, d<N>p<M> or a device number)` };
}

export function isVdevError(v: VdevInfo | VdevError): v is VdevError {
  return 'error' in v;
}

/**
 * How qemu-xen presents a disk of an HVM guest (libxl_dm.c, xen-facts.md B2):
 * `sd*` names become SCSI disks; otherwise the disk *index* decides, whatever the
 * prefix, so `xvda` is emulated as IDE disk 0 too: index 0–3 IDE, 0–5 with
 * `hdtype="ahci"`. Anything else is reachable through PV drivers only (null).
 * Bare numbers are not decoded by libxl and so never emulated.
 */
export function emulatedDiskBus(info: VdevInfo, hdtype: 'ide' | 'ahci' = 'ide'): 'scsi' | 'ide' | 'ahci' | null {
  if (info.disk === null) return null;
  if (info.kind === 'sd') return 'scsi';
  if (hdtype === 'ahci' && info.disk < 6) return 'ahci';
  if (info.disk < 4) return 'ide';
  return null;
}

/** The names an HVM admin means as "emulated" disks: `hd*` (IDE) and `sd*` (SCSI). */
export function isEmulatedCandidate(info: VdevInfo): boolean {
  return info.kind === 'hd' || info.kind === 'sd';
}
