/**
 * Adds what only the host knows to a guest built from its config: the ABI its
 * PV kernel image asks for (read from the image's Xen ELF notes) and the size of
 * each disk (an image file's size or header, a block device's size from sysfs).
 * Autostart is decided with the config directories (see gather.ts), not here.
 *
 * Host evidence wins over `# xenlint:` annotations when it can be read; when it
 * cannot, an annotation is kept and otherwise the reason is recorded.
 */
import type { DiskFacts, DomainFacts, GuestAbi, KernelFacts, Probe } from '../model/facts.js';
import { readKernelImage, type KernelImageInfo } from '../readers/kernel-image.js';
import { expandDevicePath } from './block-size.js';
import { DISK_HEADER_BYTES, headerFormatOf, virtualSizeFromHeader } from './disk-image.js';
import type { BytesResult, EvidenceSource, PathResult, SizeResult } from './source.js';

export const DEFAULT_KERNEL_MAX_BYTES = 64 * 1024 * 1024;

export interface EnrichOptions {
  /** Bytes of a kernel image read at most (default 64 MiB). */
  kernelMaxBytes?: number;
  /** Shared between guests of one gather so a kernel or disk used twice is read once. */
  cache?: EnrichCache;
}

export interface EnrichCache {
  kernels: Map<string, Promise<BytesResult>>;
  files: Map<string, Promise<SizeResult>>;
  blocks: Map<string, Promise<SizeResult>>;
  headers: Map<string, Promise<BytesResult>>;
  paths: Map<string, Promise<PathResult>>;
}

export function newEnrichCache(): EnrichCache {
  return { kernels: new Map(), files: new Map(), blocks: new Map(), headers: new Map(), paths: new Map() };
}

function cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = load();
    map.set(key, p);
  }
  return p;
}

export async function enrichDomain(
  domain: DomainFacts,
  source: EvidenceSource,
  opts: EnrichOptions = {},
): Promise<DomainFacts> {
  return (await enrichDomainWithProbes(domain, source, opts)).domain;
}

/** enrichDomain plus one Probe per kernel image and disk it tried to read. */
export async function enrichDomainWithProbes(
  domain: DomainFacts,
  source: EvidenceSource,
  opts: EnrichOptions = {},
): Promise<{ domain: DomainFacts; probes: Probe[] }> {
  const cache = opts.cache ?? newEnrichCache();
  const maxBytes = opts.kernelMaxBytes ?? DEFAULT_KERNEL_MAX_BYTES;
  const probes: Probe[] = [];
  const out: DomainFacts = { ...domain, disks: domain.disks.map((d) => ({ ...d })) };

  const kernelTask = (async () => {
    const k = domain.kernel;
    if (!k || domain.type === 'hvm' || !isKernelPath(k.path)) return;
    const r = await kernelFacts(k, source, maxBytes, cache);
    out.kernel = r.kernel;
    if (r.probe) probes.push(r.probe);
  })();
  const diskTasks = out.disks.map(async (disk, i) => {
    const r = await diskSize(disk, source, cache);
    let d = disk;
    if (r) {
      d = r.disk;
      probes.push(r.probe);
    }
    const real = await resolvedPath(d, source, cache);
    out.disks[i] = real !== undefined ? { ...d, resolvedPath: real } : d;
  });
  await Promise.all([kernelTask, ...diskTasks]);
  probes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { domain: out, probes };
}

/** `kernel = "(pygrub)"`-style placeholders from the domain builder are not files. */
function isKernelPath(p: string): boolean {
  return p !== '' && !p.startsWith('(');
}

async function kernelFacts(
  k: KernelFacts,
  source: EvidenceSource,
  maxBytes: number,
  cache: EnrichCache,
): Promise<{ kernel: KernelFacts; probe?: Probe }> {
  const probeName = `kernel:${k.path}`;
  const keepOrUnknown = (reason: string): KernelFacts => {
    if (k.source === 'annotation') return k;
    return withPosition({ path: k.path, source: 'unknown', reason }, k);
  };
  if (!k.path.startsWith('/')) {
    const reason = `the kernel path "${k.path}" is relative: the toolstack resolves it against its own working directory, which xenlint cannot know; use an absolute path`;
    return { kernel: keepOrUnknown(reason), probe: { name: probeName, status: 'skipped', detail: 'relative path' } };
  }
  const read = await cached(cache.kernels, k.path, () => source.readBytes(k.path, maxBytes));
  if (!read.ok) {
    const reason = `cannot read the kernel image ${k.path}: ${read.detail}`;
    return { kernel: keepOrUnknown(reason), probe: { name: probeName, status: 'error', detail: read.detail } };
  }
  const info: KernelImageInfo = readKernelImage(read.bytes);
  if (!info.ok) {
    const cut = read.truncated ? ` (only the first ${maxBytes} bytes were read)` : '';
    const reason = `${k.path}: ${info.reason}${cut}`;
    return { kernel: keepOrUnknown(reason), probe: { name: probeName, status: 'error', detail: info.reason + cut } };
  }
  const kernel: KernelFacts = { path: k.path, source: 'elf', bits: info.elfClass };
  if (isFactsAbi(info.abi)) kernel.abi = info.abi;
  if (info.pae !== undefined) kernel.pae = info.pae;
  return { kernel: withPosition(kernel, k), probe: { name: probeName, status: 'ok', detail: info.evidence } };
}

function isFactsAbi(abi: string): abi is GuestAbi | 'x86_32-bimodal' {
  return ['x86_32', 'x86_32p', 'x86_32-bimodal', 'x86_64', 'ia64', 'ia64be', 'aarch64', 'armv7l'].includes(abi);
}

function withPosition(k: KernelFacts, from: KernelFacts): KernelFacts {
  if (from.line !== undefined) k.line = from.line;
  if (from.column !== undefined) k.column = from.column;
  return k;
}

/** Backends whose target is not a dom0 path: block-<x> hotplug scripts (iscsi:, nbd:, drbd:, script=...). */
const SCRIPT_BACKENDS = /^(block-\S+|\/.*|iscsi|nbd|enbd|drbd)$/;

type DiskKind = 'block' | 'file';

/** `phy:` targets are devices (`phy:vg/lv` = /dev/vg/lv); otherwise a path under /dev is one too (tap:aio on an LV, xl's raw target). */
function diskKind(disk: DiskFacts, target: string): DiskKind {
  if ((disk.backend ?? '').toLowerCase() === 'phy') return 'block';
  return target.startsWith('/dev/') ? 'block' : 'file';
}

/** Where a disk's local path is on dom0: a device under /dev (`phy:vg/lv` is /dev/vg/lv) or an image file; undefined for script backends and relative paths. */
function localDiskPath(disk: DiskFacts): string | undefined {
  const target = disk.target;
  if (disk.invalid !== undefined || target === undefined || target === '') return undefined;
  if (SCRIPT_BACKENDS.test((disk.backend ?? '').toLowerCase())) return undefined;
  const path = diskKind(disk, target) === 'block' ? expandDevicePath(target) : target;
  return path.startsWith('/') ? path : undefined;
}

/**
 * The disk's device or image with its symlinks resolved, so that guests naming
 * one LV as /dev/vg/lv and /dev/mapper/vg-lv are seen to share it. Undefined
 * when the path does not resolve (the size probe already reports why).
 */
async function resolvedPath(disk: DiskFacts, source: EvidenceSource, cache: EnrichCache): Promise<string | undefined> {
  const path = localDiskPath(disk);
  if (path === undefined) return undefined;
  const r = await cached(cache.paths, path, () => source.realPath(path));
  return r.ok ? r.path : undefined;
}

async function diskSize(
  disk: DiskFacts,
  source: EvidenceSource,
  cache: EnrichCache,
): Promise<{ disk: DiskFacts; probe: Probe } | undefined> {
  const target = disk.target;
  if (disk.invalid !== undefined || disk.devtype === 'cdrom' || target === undefined || target === '') return undefined;
  const probeName = `disk:${target}`;
  const unknown = (why: string, status: Probe['status'], detail: string): { disk: DiskFacts; probe: Probe } => {
    const d = { ...disk };
    if (d.sizeSource !== 'annotation') {
      delete d.sizeBytes;
      delete d.sizeSource;
      d.sizeUnknown = why;
    }
    return { disk: d, probe: { name: probeName, status, detail } };
  };
  const backend = (disk.backend ?? '').toLowerCase();
  if (SCRIPT_BACKENDS.test(backend)) {
    return unknown(`${backend}: the disk is attached by the block-${backend} script; its size cannot be read from dom0's files`, 'skipped', `${backend} backend`);
  }
  const kind = diskKind(disk, target);
  const path = kind === 'block' ? expandDevicePath(target) : target;
  if (!path.startsWith('/')) {
    return unknown(`the image path "${target}" is relative: the toolstack resolves it against its own working directory; use an absolute path`, 'skipped', 'relative path');
  }
  const size =
    kind === 'block'
      ? await cached(cache.blocks, path, () => source.blockDeviceSize(path))
      : await cached(cache.files, path, () => source.fileSize(path));
  if (!size.ok) {
    return unknown(`cannot measure ${path}: ${size.detail}`, 'error', size.detail);
  }
  let bytes = size.bytes;
  let detail = `${bytes} bytes (${size.via})`;
  const header = kind === 'file' ? headerFormatOf(disk.format, disk.backend) : undefined;
  if (header) {
    const head = await cached(cache.headers, path, () => source.readBytes(path, DISK_HEADER_BYTES));
    const virtual = head.ok ? virtualSizeFromHeader(head.bytes) : undefined;
    if (virtual) {
      bytes = virtual.bytes;
      detail = `${bytes} bytes (${virtual.format} header; the file holds ${size.bytes})`;
    } else {
      detail += `; no ${header} header found, so this is the file's size`;
    }
  }
  const d: DiskFacts = { ...disk, sizeBytes: bytes, sizeSource: kind === 'block' ? 'block-device' : 'file' };
  delete d.sizeUnknown;
  return { disk: d, probe: { name: probeName, status: 'ok', detail } };
}
