/**
 * From a parsed domU config to DomainFacts: what kind of guest it is, its memory
 * and vCPUs, kernel, disks and vifs, each with the position a finding can point
 * at. Pure: evidence that lives on the host (the kernel's ELF notes, disk sizes,
 * /etc/xen/auto) is added later by the gatherer, or comes from xenlint's own
 * annotations (`# xenlint: guest-abi=…`, `size=…`, `autostart=…`).
 */
import { basename } from 'node:path';
import type { Annotation, DiskFacts, DomainFacts, GuestAbi, KernelFacts, KeyFact, VifFacts, XlFacts } from '../model/facts.js';
import { isRefusal } from '../model/facts.js';
import type { ConfigEntry, ConfigValue, ParsedConfig } from '../model/config-model.js';
import { diag } from '../model/diagnostic.js';
import { entryMap, valueToPlain } from './config.js';
import { readDirectives } from './directives.js';
import { readDiskSpec, readVifSpec } from './spec-reading.js';
import { macText } from './vif-spec.js';
import { parseSize } from './units.js';
import { readAsXl, XL_REFUSAL_CODES, atomText, type XlView } from './xl-reading.js';

const ABIS: ReadonlySet<string> = new Set(['x86_32', 'x86_32p', 'x86_64', 'ia64', 'ia64be', 'aarch64', 'armv7l', 'x86_32-bimodal']);

export const NOT_GATHERED = 'the kernel image was not read (linting configs only); run `xenlint check` on the host or with --root, or annotate the guest with `# xenlint: guest-abi=x86_64|x86_32p|x86_32`';

export function buildDomain(parsed: ParsedConfig): DomainFacts {
  if (parsed.dialect === 'xl') return buildXlDomain(parsed);
  const entries = entryMap(parsed);
  const keys = keyFacts(entries);
  const directives = readDirectives(parsed);
  const annotations = directives.annotations;
  const diagnostics = parsed.diagnostics.concat(directives.diagnostics);

  const name = stringOf(entries.get('name')?.value) ?? basename(parsed.file).replace(/\.[^.]+$/, '');
  const { type, typeSource } = guestType(entries);
  const domain = newDomain(name, parsed.file, parsed.dialect, type, typeSource, keys, annotations, directives.suppressions, diagnostics);
  const memory = numberOf(entries.get('memory')?.value);
  if (memory !== undefined) domain.memoryMiB = memory;
  const maxmem = numberOf(entries.get('maxmem')?.value);
  if (maxmem !== undefined) domain.maxmemMiB = maxmem;
  const vcpus = numberOf(entries.get('vcpus')?.value);
  if (vcpus !== undefined) domain.vcpus = vcpus;
  const maxvcpus = numberOf(entries.get('maxvcpus')?.value);
  if (maxvcpus !== undefined) domain.maxvcpus = maxvcpus;
  const bootloader = stringOf(entries.get('bootloader')?.value);
  if (bootloader !== undefined) domain.bootloader = bootloader;
  const kernel = kernelOf(domain, entries, annotations);
  if (kernel) domain.kernel = kernel;
  const autostart = annotations.find((a) => a.name === 'autostart');
  if (autostart) domain.autostart = /^(yes|true|1|on)$/i.test(autostart.value);

  const disk = entries.get('disk');
  if (disk) domain.disks = listItems(disk).map((item, index) => diskOf(item, index, parsed.dialect, annotations));
  const vif = entries.get('vif');
  if (vif) domain.vifs = listItems(vif).map((item, index) => vifOf(item, index, parsed.dialect));

  for (const a of annotations) {
    if (a.name === 'guest-abi' && !ABIS.has(a.value)) {
      diagnostics.push(diag('warning', `unknown guest ABI "${a.value}" (expected one of ${[...ABIS].join(', ')})`, a, 'bad-directive', parsed.file));
    }
  }
  return domain;
}

/**
 * Each key's effective setting (`entries`, from entryMap) as a KeyFact, in the
 * order the keys first appear: a Map keeps the place of a key's first `set`, so
 * its values come in that order, each key once (no own-property test per entry).
 */
function keyFacts(entries: Map<string, ConfigEntry>): Record<string, KeyFact> {
  const keys: Record<string, KeyFact> = {};
  for (const entry of entries.values()) keys[entry.key] = keyFact(entry);
  return keys;
}

function keyFact(entry: ConfigEntry): KeyFact {
  const fact: KeyFact = { value: valueToPlain(entry.value), line: entry.line, column: entry.column };
  if (entry.value.kind === 'unreadable') fact.unreadable = entry.value.reason;
  return fact;
}

function guestType(entries: Map<string, ConfigEntry>): Pick<DomainFacts, 'type' | 'typeSource'> {
  const type = stringOf(entries.get('type')?.value)?.toLowerCase();
  if (type) {
    // libxl accepts abbreviations (it compares with strncmp).
    if ('hvm'.startsWith(type)) return { type: 'hvm', typeSource: 'type' };
    if ('pvh'.startsWith(type) && type.length >= 3) return { type: 'pvh', typeSource: 'type' };
    if ('pv'.startsWith(type)) return { type: 'pv', typeSource: 'type' };
  }
  const builder = stringOf(entries.get('builder')?.value)?.toLowerCase();
  if (builder === 'hvm' || builder === 'vmx') return { type: 'hvm', typeSource: 'builder' };
  if (numberOf(entries.get('pvh')?.value) === 1) return { type: 'pvh', typeSource: 'pvh' };
  const kernel = stringOf(entries.get('kernel')?.value);
  if (kernel && /hvmloader$/.test(kernel)) return { type: 'hvm', typeSource: 'kernel=hvmloader' };
  return { type: 'pv', typeSource: 'default' };
}

function kernelOf(domain: DomainFacts, entries: Map<string, ConfigEntry>, annotations: Annotation[]): KernelFacts | undefined {
  if (domain.type === 'hvm') return undefined;
  const entry = entries.get('kernel');
  const path = stringOf(entry?.value);
  const annotated = [...annotations].reverse().find((a) => a.name === 'guest-abi');
  const where = annotated ?? entry;
  let kernel: KernelFacts;
  if (annotated && ABIS.has(annotated.value)) {
    kernel = { path: path ?? `(${domain.bootloader ?? 'bootloader'})`, abi: annotated.value as GuestAbi, source: 'annotation' };
    if (annotated.value === 'x86_64') kernel.bits = 64;
    else if (annotated.value.startsWith('x86_32')) kernel.bits = 32;
  } else if (path) {
    kernel = { path, source: 'unknown', reason: NOT_GATHERED };
  } else if (domain.bootloader || entries.has('bootloader')) {
    kernel = {
      path: `(${domain.bootloader ?? 'bootloader'})`,
      source: 'unknown',
      reason: `the kernel is chosen by ${domain.bootloader ?? 'the bootloader'} inside the guest's disk; annotate the guest with \`# xenlint: guest-abi=...\``,
    };
  } else {
    return undefined;
  }
  if (where) {
    kernel.line = where.line;
    kernel.column = where.column;
  }
  return kernel;
}

/** Items of a list-valued key; a plain string counts as one item (xl ignores it, a check says so). */
function listItems(entry: ConfigEntry): ConfigValue[] {
  return entry.value.kind === 'list' ? entry.value.items : [entry.value];
}

function diskOf(item: ConfigValue, index: number, dialect: 'xm' | 'xl', annotations: Annotation[]): DiskFacts {
  const spec = item.kind === 'string' ? item.value : '';
  const disk: DiskFacts = { index, spec, line: item.line, column: item.column, devtype: 'disk' };
  if (item.kind !== 'string') {
    disk.invalid = item.kind === 'unreadable' ? `not statically readable: ${item.reason}` : `a disk spec must be a string, not a ${item.kind}`;
    return disk;
  }
  const result = readDiskSpec(disk, dialect);
  let vdev: string | undefined;
  if (!result.ok) {
    disk.invalid = result.error.message;
  } else {
    const d = result.disk;
    if (d.target !== undefined) disk.target = d.target;
    vdev = d.vdev;
    if (vdev !== undefined) disk.vdev = vdev;
    if (d.isCdrom) disk.devtype = 'cdrom';
    if (d.access !== undefined) disk.access = d.access;
    if (d.format !== undefined) disk.format = d.format;
    const backend = d.prefix ?? d.backendtype ?? d.script;
    if (backend !== undefined) disk.backend = backend;
  }
  // Matched against the vdev and line as read here, not read back from `disk`, whose
  // members (and so its hidden class) differ from disk to disk.
  const sizeText = diskAnnotation(vdev, item.line, annotations, 'size');
  const size = sizeText !== undefined ? parseSize(sizeText, 'B') : undefined;
  if (size !== undefined) {
    disk.sizeBytes = size;
    disk.sizeSource = 'annotation';
  } else {
    disk.sizeUnknown = disk.devtype === 'cdrom' ? 'a CD-ROM' : 'the disk was not measured (linting configs only); run `xenlint check` on the host or annotate `# xenlint: size=<vdev>:<size>`';
  }
  const clusterFs = diskAnnotation(vdev, item.line, annotations, 'cluster-fs');
  if (clusterFs !== undefined) disk.clusterFs = clusterFs;
  return disk;
}

/**
 * The value of a per-disk annotation (`size`, `cluster-fs`): `name=hda:200G`
 * names the disk by its vdev; a bare `name=200G` sits on the disk's line or the
 * line above it.
 */
function diskAnnotation(vdev: string | undefined, line: number, annotations: Annotation[], name: string): string | undefined {
  if (annotations.length === 0) return undefined;
  const bareVdev = vdev?.replace(/^ioemu:/, '').replace(/:.*$/, '');
  for (const a of annotations) {
    if (a.name !== name) continue;
    const m = /^([a-z0-9:]+):([^:]+)$/i.exec(a.value);
    if (m) {
      if (m[1] === vdev || m[1] === bareVdev) return m[2]!;
    } else if (a.line === line || a.line === line - 1) {
      return a.value;
    }
  }
  return undefined;
}

function vifOf(item: ConfigValue, index: number, dialect: 'xm' | 'xl'): VifFacts {
  const spec = item.kind === 'string' ? item.value : '';
  const vif: VifFacts = { index, spec, line: item.line, column: item.column, keys: {} };
  if (item.kind !== 'string') {
    vif.invalid = item.kind === 'unreadable' ? `not statically readable: ${item.reason}` : `a vif spec must be a string, not a ${item.kind}`;
    return vif;
  }
  const result = readVifSpec(vif, dialect);
  if (!result.ok) {
    vif.invalid = result.error.message;
    return vif;
  }
  vif.keys = { ...result.vif.keys };
  for (const k of ['type', 'model', 'bridge', 'mac'] as const) {
    const v = vif.keys[k];
    if (v !== undefined) vif[k] = v;
  }
  return vif;
}

export function stringOf(v: ConfigValue | undefined): string | undefined {
  return v?.kind === 'string' ? v.value : undefined;
}

/** Numbers, and quoted numbers (both toolstacks convert `memory = '512'`). */
export function numberOf(v: ConfigValue | undefined): number | undefined {
  if (!v) return undefined;
  if (v.kind === 'number') return v.value;
  if (v.kind === 'string' && /^\s*\d+\s*$/.test(v.value)) return Number(v.value);
  return undefined;
}

/** A MiB count that is a plain non-negative number, as checks compare them. */
function mibOf(kb: bigint | undefined): number | undefined {
  if (kb === undefined || kb % 1024n !== 0n || kb > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(kb / 1024n);
}

/**
 * A config xl reads, as xl reads it (cli/readers/xl-reading.ts): a file xl refuses yields
 * the refusal and nothing else, since xl creates nothing from it.
 */
function buildXlDomain(parsed: ParsedConfig): DomainFacts {
  const directives = readDirectives(parsed);
  const annotations = directives.annotations;
  // concat, not a spread: the inlined spread checked the arrays' elements kinds (empty or not) and
  // deoptimised at the first guest with a bad directive.
  const diagnostics = parsed.diagnostics.concat(directives.diagnostics);
  const fallbackName = basename(parsed.file).replace(/\.[^.]+$/, '');
  const refused = (): DomainFacts => newDomain(fallbackName, parsed.file, 'xl', 'pv', 'default', {}, annotations, directives.suppressions, diagnostics);
  if (parsed.diagnostics.some((d) => isRefusal(d) && XL_REFUSAL_CODES.has(d.code!))) return refused();

  const entries = entryMap(parsed);
  const view = readAsXl(entries, parsed.xen);
  for (const w of view.warnings) diagnostics.push(w.code === undefined ? diag('warning', `xl: ${w.message}`, w, 'xl-warning', parsed.file) : diag('warning', w.message, w, w.code, parsed.file));
  // A refusal of xl_parse.c (after libxlu read the file) is reported, and what xl
  // read up to and beyond it is kept, so other checks can still explain the guest.
  let refusedAlready = false;
  const refuse = (message: string, at: { line: number; column: number }, code = 'xl-refused'): void => {
    // xl prints the first and exits; the items after it are still listed for the checks.
    if (refusedAlready) return;
    refusedAlready = true;
    diagnostics.push(diag('error', `${message} (xl refuses this config)`, at, code, parsed.file));
  };
  if (view.refusal) refuse(view.refusal.message, view.refusal);

  const keys = keyFacts(entries);
  const domain = newDomain(view.name ?? fallbackName, parsed.file, 'xl', view.type, view.typeSource, keys, annotations, directives.suppressions, diagnostics);
  const memory = mibOf(view.memoryKb);
  if (memory !== undefined) domain.memoryMiB = memory;
  const maxmem = mibOf(view.maxmemKb);
  if (maxmem !== undefined) domain.maxmemMiB = maxmem;
  if (view.vcpus !== undefined) domain.vcpus = view.vcpus;
  if (view.maxvcpusKey !== undefined) domain.maxvcpus = view.maxvcpusKey;
  const bootloader = stringOf(entries.get('bootloader')?.value);
  if (bootloader !== undefined) domain.bootloader = bootloader;
  domain.xl = xlFacts(view);
  const kernel = kernelOf(domain, entries, annotations);
  if (kernel) domain.kernel = kernel;
  const autostart = annotations.find((a) => a.name === 'autostart');
  if (autostart) domain.autostart = /^(yes|true|1|on)$/i.test(autostart.value);

  // xl reads the string items of a list up to the first one that is not a string;
  // a plain string is no list at all (a check says so).
  const disks = xlListStrings(entries.get('disk'));
  for (const item of disks.items) {
    const disk = diskOf(item, domain.disks.length, 'xl', annotations);
    // xl exits at a disk it cannot parse; the disk stays listed so the disk checks can explain it.
    if (disk.invalid !== undefined) refuse(`config parsing error in disk specification: ${disk.invalid} in \`${disk.spec}'`, item, 'xl-refused-device');
    domain.disks.push(disk);
  }
  // The item xl stopped at (a list, not a string): listed so the disk checks can say so.
  if (disks.stopper && domain.disks.every((d) => d.invalid === undefined)) domain.disks.push(diskOf(disks.stopper, domain.disks.length, 'xl', annotations));
  const vifs = xlListStrings(entries.get('vif'));
  for (const item of vifs.items) {
    const vif = xlVifOf(item, domain.vifs.length, view.staleErange);
    if (vif.refusal !== undefined) refuse(vif.refusal, item, 'xl-refused-device');
    domain.vifs.push(vif.vif);
  }
  if (vifs.stopper) domain.vifs.push(vifOf(vifs.stopper, domain.vifs.length, 'xl'));
  return domain;
}

/**
 * A guest's facts with every member in place from the start, the optional ones
 * undefined, in the order the readers set them (JSON, YAML and the reports leave
 * an undefined member out, so what is written is as before): one hidden class
 * for every guest, where adding the optional members only when present made
 * some 13, and every check's load on a guest megamorphic.
 */
function newDomain(
  name: string,
  file: string,
  dialect: DomainFacts['dialect'],
  type: DomainFacts['type'],
  typeSource: string,
  keys: Record<string, KeyFact>,
  annotations: Annotation[],
  suppressions: DomainFacts['suppressions'],
  diagnostics: DomainFacts['diagnostics'],
): DomainFacts {
  return {
    name,
    file,
    dialect,
    type,
    typeSource,
    disks: [],
    vifs: [],
    keys,
    annotations,
    suppressions,
    diagnostics,
    memoryMiB: undefined,
    maxmemMiB: undefined,
    vcpus: undefined,
    maxvcpus: undefined,
    bootloader: undefined,
    xl: undefined,
    kernel: undefined,
    autostart: undefined,
  };
}

function xlFacts(view: XlView): XlFacts {
  const x: XlFacts = { vnc: view.vnc, pci: view.pci, on: { ...view.on } };
  if (view.targetMemKb !== undefined) x.targetMemKb = String(view.targetMemKb);
  if (view.maxMemKb !== undefined) x.maxMemKb = String(view.maxMemKb);
  if (view.maxVcpus !== undefined) x.maxVcpus = view.maxVcpus;
  if (view.kernel !== undefined) x.kernel = view.kernel;
  return x;
}

/** The string items xl reads from a list, and the first item that is not one (xl stops there). */
function xlListStrings(entry: ConfigEntry | undefined): { items: ConfigValue[]; stopper?: ConfigValue } {
  if (!entry || entry.value.kind !== 'list') return { items: [] };
  const items: ConfigValue[] = [];
  for (const item of entry.value.items) {
    if (atomText(item) === undefined) return { items, stopper: item };
    items.push(item.kind === 'number' ? { kind: 'string', value: item.raw, line: item.line, column: item.column } : item);
  }
  return { items };
}

/** Pieces xl stops at (a bad rate, devid or mtu); anything else only prints a message. */
const XL_VIF_EXIT = new Set(['rate-invalid', 'number-invalid']);

function xlVifOf(item: ConfigValue, index: number, staleErange: boolean): { vif: VifFacts; refusal?: string } {
  const spec = item.kind === 'string' ? item.value : '';
  const vif: VifFacts = { index, spec, line: item.line, column: item.column, keys: {} };
  const result = readVifSpec(vif, 'xl', staleErange);
  if (!result.ok && result.error.code !== 'mac-multicast') vif.invalid = result.error.message;
  if (!result.ok && XL_VIF_EXIT.has(result.error.code ?? '')) {
    return { vif, refusal: result.error.code === 'rate-invalid' ? `config parsing error in vif: ${result.error.message}` : result.error.message };
  }
  const read = result.vif;
  if (!read) return { vif };
  vif.keys = { ...read.keys };
  if (read.bridge !== undefined) vif.bridge = read.bridge;
  if (read.model !== undefined) vif.model = read.model;
  if (read.nictype !== undefined) vif.type = read.nictype === 'vif_ioemu' ? 'ioemu' : 'vif';
  if (read.macOctets && read.macOctets.some((o) => o !== 0)) vif.mac = macText(read.macOctets);
  return { vif };
}
