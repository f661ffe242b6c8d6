/**
 * A block device's size from sysfs, the same way on a live host and in a tree
 * that has /dev and /sys (a test's fake host). sysfs reports sizes in 512-byte
 * sectors whatever the device's logical block size.
 *
 * The device path is first resolved through its symlinks: `/dev/vg/lv` and
 * `/dev/mapper/vg-lv` point at `../dm-N` on udev systems. On older LVM2 setups
 * `/dev/vg/lv` points at `/dev/mapper/vg-lv`, which is a device node itself; its
 * sysfs entry is then found by device number (`/sys/dev/block/MAJ:MIN`, Linux
 * 2.6.27+; before that by scanning `/sys/block/* /dev`). Xen 3.x dom0 kernels
 * (2.6.16/2.6.18) have no `/sys/class/block`, only `/sys/block/<disk>[/<part>]`.
 */
import type { DirResult, Failure, PathResult, SizeResult, TextResult } from './source.js';
import { failure } from './source.js';

export interface BlockOps {
  realPath(path: string): Promise<PathResult>;
  readText(path: string, maxBytes?: number): Promise<TextResult>;
  listDir(path: string): Promise<DirResult>;
  /** "MAJ:MIN" of a device node, or undefined when it is not a block device or cannot be stat'ed. */
  deviceNumber(path: string): Promise<string | undefined>;
}

/** `vg/lv` in `phy:vg/lv` means `/dev/vg/lv` (the block script's expand_dev). */
export function expandDevicePath(p: string): string {
  return p.startsWith('/') ? p : `/dev/${p}`;
}

/** sysfs names a device after its /dev path with `/` turned into `!` (`cciss/c0d0p1` → `cciss!c0d0p1`). */
export function sysfsName(devPath: string): string | undefined {
  if (!devPath.startsWith('/dev/')) return undefined;
  const rest = devPath.slice('/dev/'.length);
  return rest === '' ? undefined : rest.replace(/\//g, '!');
}

export function sectorsToBytes(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n * 512) ? n * 512 : undefined;
}

async function sizeFile(ops: BlockOps, sysPath: string): Promise<SizeResult | undefined> {
  const r = await ops.readText(sysPath, 64);
  if (!r.ok) return undefined;
  const bytes = sectorsToBytes(r.text);
  return bytes === undefined ? undefined : { ok: true, bytes, via: sysPath };
}

export async function blockDeviceSizeFromSysfs(ops: BlockOps, devicePath: string): Promise<SizeResult> {
  const requested = expandDevicePath(devicePath);
  const resolved = await ops.realPath(requested);
  if (!resolved.ok) return resolved satisfies Failure;
  const dev = resolved.path;
  const name = sysfsName(dev);
  if (name !== undefined) {
    for (const p of [`/sys/class/block/${name}/size`, `/sys/block/${name}/size`]) {
      const hit = await sizeFile(ops, p);
      if (hit) return hit;
    }
    const disks = await ops.listDir('/sys/block');
    if (disks.ok) {
      for (const d of disks.entries) {
        if (name.startsWith(d.name) && name !== d.name) {
          const hit = await sizeFile(ops, `/sys/block/${d.name}/${name}/size`);
          if (hit) return hit;
        }
      }
    }
  }
  const number = await ops.deviceNumber(dev);
  if (number !== undefined) {
    const hit = await sizeFile(ops, `/sys/dev/block/${number}/size`);
    if (hit) return hit;
    const byScan = await scanSysBlock(ops, number);
    if (byScan) return byScan;
  }
  const shown = dev === requested ? dev : `${requested} (-> ${dev})`;
  return failure('missing', `no sysfs size for block device ${shown}`);
}

async function scanSysBlock(ops: BlockOps, number: string): Promise<SizeResult | undefined> {
  const disks = await ops.listDir('/sys/block');
  if (!disks.ok) return undefined;
  for (const d of disks.entries) {
    const base = `/sys/block/${d.name}`;
    const candidates = [base];
    const parts = await ops.listDir(base);
    if (parts.ok) {
      for (const p of parts.entries) if (p.type === 'dir' && p.name.startsWith(d.name)) candidates.push(`${base}/${p.name}`);
    }
    for (const c of candidates) {
      const dev = await ops.readText(`${c}/dev`, 64);
      if (dev.ok && dev.text.trim() === number) {
        const hit = await sizeFile(ops, `${c}/size`);
        if (hit) return hit;
      }
    }
  }
  return undefined;
}
