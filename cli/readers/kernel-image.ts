/**
 * Reads a PV guest kernel image and says which guest ABI it asks Xen for, the
 * way the domain builder decides it (so a mismatch with `xen_caps` can be
 * reported before `xm create` / `xl create` fails with "guest type ... not
 * supported by xen kernel").
 *
 * Where the decision comes from (xen-project/xen):
 *  - note types: `xen/include/public/elfnote.h`;
 *  - where notes are looked for, and in which order: `elf_xen_parse` in
 *    `xen/common/libelf/libelf-dominfo.c` — PT_NOTE segments (skipping any with
 *    p_offset 0, a binutils bug), then SHT_NOTE sections only if the segments had
 *    no Xen note, then the legacy `__xen_guest` section only if there was no Xen
 *    note at all;
 *  - PAE: `elf_xen_parse_note` (PAE_MODE note: "bimodal" anywhere in it means
 *    bimodal, "yes" means PAE) and `elf_xen_parse_guest_info` (`__xen_guest`:
 *    only values starting with "yes" mean PAE — `PAE=bimodal` there is NOT
 *    recognised and reads as non-PAE; the 3.0.4 loader in
 *    `tools/libxc/xc_load_elf.c` behaved the same way);
 *  - ABI: `xc_dom_guest_type` in `tools/libs/guest/xg_dom_elfloader.c`: EM_386
 *    with PAE → x86_32p, bimodal → x86_32p if the host offers it else x86_32,
 *    anything else (no note, "no") → x86_32; EM_X86_64 → x86_64.
 *
 * Containers: a plain ELF (vmlinux), a compressed ELF (the gzipped `vmlinuz` of
 * Xen-patched 2.6.16–2.6.18 kernels), and a bzImage whose boot protocol is ≥ 2.08
 * (payload_offset/payload_length at 0x248/0x24c, payload an ELF — Linux 2.6.31+;
 * Xen's own `xen/arch/x86/bzimage.c` requires the same). Payloads may be packed
 * with any compressor the kernel offers (gzip, bzip2, lzma, xz, lzo, lz4, zstd:
 * decompress.ts); only as much is decompressed as the ELF headers and the note
 * segments need.
 *
 * Pure and defensive: every offset is checked against the buffer, nothing throws,
 * and only the structures the decision needs are read.
 */
import { compressionAt, decompressPrefix, type Compression } from './decompress.js';

export type KernelAbi = 'x86_32' | 'x86_32p' | 'x86_32-bimodal' | 'x86_64' | 'ia64' | 'ia64be' | 'aarch64' | 'armv7l';

/** Where the Xen metadata came from, in libelf's order of preference. */
export type XenNoteSource = 'PT_NOTE' | 'SHT_NOTE' | '__xen_guest' | 'none';

export type KernelImageInfo =
  | {
      ok: true;
      /** The container: a plain ELF, a compressed ELF (`gzip-elf`, `xz-elf`, ...), or a bzImage. */
      format: 'elf' | `${Compression}-elf` | 'bzimage-elf';
      /** How the ELF was compressed, when it was. */
      compression?: Compression;
      elfClass: 32 | 64;
      /** ELF e_machine as its constant name, e.g. "EM_386", "EM_X86_64". */
      machine: string;
      abi: KernelAbi;
      /** The PAE text as written: PAE_MODE note ("yes", "no", "bimodal") or `__xen_guest` PAE= value ("yes[extended-cr3]"). */
      pae?: string;
      /**
       * Xen notes by name (ENTRY, PAE_MODE, ...; numeric notes as numbers, or as
       * "0x…" strings when above 2^53), or the `__xen_guest` KEY=VALUE pairs.
       */
      xenNotes: Record<string, string | number>;
      xenNoteSource: XenNoteSource;
      /** One line a finding can quote: container, ELF header, the note that decided. */
      evidence: string;
    }
  | { ok: false; reason: string };

/** Output cap for decompression; a real kernel is far smaller. */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;
/** Decompressed bytes read first: the ELF header and program headers are at the start. */
const FIRST_DECOMPRESSED_BYTES = 1024 * 1024;
const MAX_GZIP_CANDIDATES = 8;
const MAX_NOTES = 4096;

const EM_NAMES: Record<number, string> = {
  2: 'EM_SPARC',
  3: 'EM_386',
  8: 'EM_MIPS',
  20: 'EM_PPC',
  21: 'EM_PPC64',
  22: 'EM_S390',
  40: 'EM_ARM',
  43: 'EM_SPARCV9',
  50: 'EM_IA_64',
  62: 'EM_X86_64',
  183: 'EM_AARCH64',
  243: 'EM_RISCV',
};
const EM_386 = 3;
const EM_ARM = 40;
const EM_IA_64 = 50;
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

const PT_NOTE = 4;
const SHT_NOTE = 7;

/** Xen note types, `xen/include/public/elfnote.h`; `true` = string note. */
const XEN_NOTE_TYPES: Record<number, [string, boolean]> = {
  0: ['INFO', true],
  1: ['ENTRY', false],
  2: ['HYPERCALL_PAGE', false],
  3: ['VIRT_BASE', false],
  4: ['PADDR_OFFSET', false],
  5: ['XEN_VERSION', true],
  6: ['GUEST_OS', true],
  7: ['GUEST_VERSION', true],
  8: ['LOADER', true],
  9: ['PAE_MODE', true],
  10: ['FEATURES', true],
  11: ['BSD_SYMTAB', true],
  12: ['HV_START_LOW', false],
  13: ['L1_MFN_VALID', false],
  14: ['SUSPEND_CANCEL', false],
  15: ['INIT_P2M', false],
  16: ['MOD_START_PFN', false],
  17: ['SUPPORTED_FEATURES', false],
  18: ['PHYS32_ENTRY', false],
};

const ANNOTATE = 'annotate the guest with `# xenlint: guest-abi=...`';

// ---------------------------------------------------------------------------
// Entry point

export function readKernelImage(bytes: Uint8Array): KernelImageInfo {
  try {
    return readAnyImage(bytes);
  } catch (e) {
    // Defence in depth: every read is bounds-checked, but a parser must never throw.
    return { ok: false, reason: `could not read the image: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function readAnyImage(bytes: Uint8Array): KernelImageInfo {
  if (bytes.length === 0) return { ok: false, reason: 'the file is empty' };
  if (startsWith(bytes, 0, ELF_MAGIC) || isProperPrefix(bytes, ELF_MAGIC)) {
    return finish(readElf(bytes), 'elf', '');
  }
  if (bytes.length === 1 && bytes[0] === 0x1f) return { ok: false, reason: 'gzip-compressed image: truncated inside the gzip header' };
  if (bytes.length > 0x202 && startsWith(bytes, 0x202, HDRS)) return readBzImage(bytes);
  const kind = compressionAt(bytes, 0);
  if (kind) {
    return finish(decompressElf(kind, bytes), `${kind}-elf`, `${kind}-compressed `, `${kind}-compressed image: `, kind);
  }
  const found = scanForGzipElf(bytes);
  if (found) return found;
  return {
    ok: false,
    reason: `not a kernel image xenlint can read: no ELF header, gzip stream or bzImage setup header (starts with ${hex(bytes, 0, 8)})`,
  };
}

type ElfRead =
  | { ok: true; info: Omit<Extract<KernelImageInfo, { ok: true }>, 'format'> }
  | { ok: false; reason: string; truncated: boolean };

/** `prefix` leads the evidence on success; `failPrefix` (default: the same) leads the reason on failure. */
function finish(
  r: ElfRead,
  format: Extract<KernelImageInfo, { ok: true }>['format'],
  prefix: string,
  failPrefix = prefix,
  compression?: Compression,
): KernelImageInfo {
  if (!r.ok) return { ok: false, reason: failPrefix + r.reason };
  return { ...r.info, format, ...(compression ? { compression } : {}), evidence: prefix + r.info.evidence };
}

// ---------------------------------------------------------------------------
// Bytes

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const HDRS = [0x48, 0x64, 0x72, 0x53]; // "HdrS"

function startsWith(b: Uint8Array, at: number, magic: readonly number[]): boolean {
  if (at < 0 || at + magic.length > b.length) return false;
  return magic.every((m, k) => b[at + k] === m);
}

/** True when the whole buffer is a strict prefix of `magic` (a file cut inside it). */
function isProperPrefix(b: Uint8Array, magic: readonly number[]): boolean {
  return b.length < magic.length && Array.from(b).every((x, k) => x === magic[k]);
}

function hex(b: Uint8Array, at: number, n: number): string {
  const part = Array.from(b.subarray(at, at + n), (x) => x.toString(16).padStart(2, '0'));
  return part.length > 0 ? part.join(' ') : '(nothing)';
}

function hexNum(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

/** Little/big-endian reads that return undefined instead of reading past the end. */
class Bytes {
  private readonly dv: DataView;
  constructor(
    readonly b: Uint8Array,
    readonly le: boolean,
  ) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  get length(): number {
    return this.b.length;
  }
  has(at: number, n: number): boolean {
    return Number.isSafeInteger(at) && at >= 0 && n >= 0 && at + n <= this.b.length;
  }
  u8(at: number): number | undefined {
    return this.has(at, 1) ? this.dv.getUint8(at) : undefined;
  }
  u16(at: number): number | undefined {
    return this.has(at, 2) ? this.dv.getUint16(at, this.le) : undefined;
  }
  u32(at: number): number | undefined {
    return this.has(at, 4) ? this.dv.getUint32(at, this.le) : undefined;
  }
  u64(at: number): bigint | undefined {
    return this.has(at, 8) ? this.dv.getBigUint64(at, this.le) : undefined;
  }
  /** A 64-bit offset or size as a number; undefined when it cannot address a buffer. */
  off64(at: number): number | undefined {
    const v = this.u64(at);
    return v !== undefined && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  }
}

// ---------------------------------------------------------------------------
// ELF

interface ElfLayout {
  is64: boolean;
  headerSize: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

class ElfProblem {
  constructor(
    readonly reason: string,
    readonly truncated: boolean,
  ) {}
}

function cut(what: string, end: number, size: number): ElfProblem {
  return new ElfProblem(`truncated: ${what} ends at byte ${end}, but the image has only ${size} bytes`, true);
}

function readElf(raw: Uint8Array): ElfRead {
  try {
    return readElfOrThrow(raw);
  } catch (e) {
    if (e instanceof ElfProblem) return { ok: false, reason: e.reason, truncated: e.truncated };
    throw e;
  }
}

function readElfOrThrow(raw: Uint8Array): ElfRead {
  if (raw.length < 6) {
    if (isProperPrefix(raw, ELF_MAGIC) || startsWith(raw, 0, ELF_MAGIC)) throw cut('the ELF identification', 6, raw.length);
    throw new ElfProblem(`not an ELF image (starts with ${hex(raw, 0, 8)})`, false);
  }
  if (!startsWith(raw, 0, ELF_MAGIC)) throw new ElfProblem(`not an ELF image (starts with ${hex(raw, 0, 8)})`, false);
  const cls = raw[4];
  const data = raw[5];
  if (cls !== 1 && cls !== 2) throw new ElfProblem(`invalid ELF class ${cls ?? '?'} (expected 1 = 32-bit or 2 = 64-bit)`, false);
  if (data !== 1 && data !== 2) throw new ElfProblem(`invalid ELF data encoding ${data ?? '?'} (expected 1 = LSB or 2 = MSB)`, false);
  const is64 = cls === 2;
  const b = new Bytes(raw, data === 1);
  const layout = readHeader(b, is64);
  const machineCode = b.u16(18) ?? 0;
  const machine = EM_NAMES[machineCode] ?? `EM_${machineCode}`;
  const baseAbi = abiOfMachine(machineCode, data === 2);
  if (!baseAbi) {
    throw new ElfProblem(`ELF machine ${machine} (${machineCode}) is not an architecture Xen runs PV guests of`, false);
  }

  const meta = readXenMetadata(b, layout);
  const elfClass: 32 | 64 = is64 ? 64 : 32;
  const head = `ELF${elfClass} ${data === 1 ? 'LSB' : 'MSB'} ${machine}`;
  const decided = decideAbi(machineCode, baseAbi, meta);
  const info: Extract<ElfRead, { ok: true }>['info'] = {
    ok: true,
    elfClass,
    machine,
    abi: decided.abi,
    xenNotes: meta.notes,
    xenNoteSource: meta.source,
    evidence: `${head}; ${decided.evidence}`,
  };
  if (decided.pae !== undefined) info.pae = decided.pae;
  return { ok: true, info };
}

function readHeader(b: Bytes, is64: boolean): ElfLayout {
  const headerSize = is64 ? 64 : 52;
  if (b.length < headerSize) throw cut(`the ELF${is64 ? 64 : 32} header`, headerSize, b.length);
  const u16 = (at: number): number => b.u16(at) ?? 0;
  const phoff = is64 ? b.off64(32) : b.u32(28);
  const shoff = is64 ? b.off64(40) : b.u32(32);
  if (phoff === undefined || shoff === undefined) {
    throw new ElfProblem('malformed ELF header: a header table offset is beyond any file size', false);
  }
  const at = is64 ? 54 : 42;
  return {
    is64,
    headerSize,
    phoff,
    phentsize: u16(at),
    phnum: u16(at + 2),
    shoff,
    shentsize: u16(at + 4),
    shnum: u16(at + 6),
    shstrndx: u16(at + 8),
  };
}

function abiOfMachine(machine: number, bigEndian: boolean): KernelAbi | undefined {
  switch (machine) {
    case EM_386:
      return 'x86_32';
    case EM_X86_64:
      return 'x86_64';
    case EM_IA_64:
      return bigEndian ? 'ia64be' : 'ia64';
    case EM_ARM:
      return 'armv7l';
    case EM_AARCH64:
      return 'aarch64';
    default:
      return undefined;
  }
}

interface XenMetadata {
  source: XenNoteSource;
  notes: Record<string, string | number>;
}

function readXenMetadata(b: Bytes, l: ElfLayout): XenMetadata {
  const notes: Record<string, string | number> = Object.create(null) as Record<string, string | number>;
  const budget = { left: MAX_NOTES };
  const done = (source: XenNoteSource): XenMetadata => ({ source, notes: { ...notes } });

  for (const ph of programHeaders(b, l)) {
    if (ph.type !== PT_NOTE || ph.offset === 0) continue;
    readNotes(b, ph.offset, ph.size, `the PT_NOTE segment at ${hexNum(ph.offset)}`, notes, budget);
  }
  if (Object.keys(notes).length > 0) return done('PT_NOTE');

  const sections = sectionHeaders(b, l);
  for (const sh of sections) {
    if (sh.type !== SHT_NOTE) continue;
    readNotes(b, sh.offset, sh.size, `the SHT_NOTE section at ${hexNum(sh.offset)}`, notes, budget);
  }
  if (Object.keys(notes).length > 0) return done('SHT_NOTE');

  const guest = findSection(b, l, sections, '__xen_guest');
  if (guest) {
    for (const [k, v] of parseXenGuest(guestString(b, guest))) notes[k] = v;
    return done('__xen_guest');
  }
  return done('none');
}

interface Region {
  type: number;
  offset: number;
  size: number;
  name: number;
}

function tableRows(b: Bytes, what: string, off: number, entsize: number, num: number, minEnt: number): number[] {
  if (num === 0) return [];
  if (entsize < minEnt) throw new ElfProblem(`malformed ELF: ${what} entry size ${entsize} (< ${minEnt})`, false);
  const end = off + entsize * num;
  if (!Number.isSafeInteger(end)) throw new ElfProblem(`malformed ELF: ${what} table is beyond any file size`, false);
  if (end > b.length) throw cut(`the ${what} table (${num} entries at ${hexNum(off)})`, end, b.length);
  return Array.from({ length: num }, (_, k) => off + k * entsize);
}

function programHeaders(b: Bytes, l: ElfLayout): Region[] {
  const rows = tableRows(b, 'program header', l.phoff, l.phentsize, l.phnum, l.is64 ? 56 : 32);
  return rows.map((at) => ({
    type: b.u32(at) ?? 0,
    offset: (l.is64 ? b.off64(at + 8) : b.u32(at + 4)) ?? Number.MAX_SAFE_INTEGER,
    size: (l.is64 ? b.off64(at + 32) : b.u32(at + 16)) ?? Number.MAX_SAFE_INTEGER,
    name: 0,
  }));
}

function sectionHeaders(b: Bytes, l: ElfLayout): Region[] {
  const rows = tableRows(b, 'section header', l.shoff, l.shentsize, l.shnum, l.is64 ? 64 : 40);
  return rows.map((at) => ({
    name: b.u32(at) ?? 0,
    type: b.u32(at + 4) ?? 0,
    offset: (l.is64 ? b.off64(at + 24) : b.u32(at + 16)) ?? Number.MAX_SAFE_INTEGER,
    size: (l.is64 ? b.off64(at + 32) : b.u32(at + 20)) ?? Number.MAX_SAFE_INTEGER,
  }));
}

function regionEnd(b: Bytes, what: string, offset: number, size: number): number {
  const end = offset + size;
  if (!Number.isSafeInteger(end)) throw new ElfProblem(`malformed ELF: ${what} is beyond any file size`, false);
  if (end > b.length) throw cut(what, end, b.length);
  return end;
}

const align4 = (n: number): number => n + ((4 - (n % 4)) % 4);

function readNotes(
  b: Bytes,
  offset: number,
  size: number,
  what: string,
  out: Record<string, string | number>,
  budget: { left: number },
): void {
  const end = regionEnd(b, what, offset, size);
  let at = offset;
  while (at + 12 <= end) {
    if (budget.left-- <= 0) throw new ElfProblem(`malformed ELF: more than ${MAX_NOTES} notes`, false);
    const namesz = b.u32(at) ?? 0;
    const descsz = b.u32(at + 4) ?? 0;
    const type = b.u32(at + 8) ?? 0;
    const nameAt = at + 12;
    const descAt = nameAt + align4(namesz);
    const next = descAt + align4(descsz);
    if (descAt + descsz > end) {
      throw new ElfProblem(`malformed ELF: a note in ${what} runs past its end`, false);
    }
    if (cString(b.b, nameAt, namesz) === 'Xen') {
      const known = XEN_NOTE_TYPES[type];
      if (known) {
        const [name, isString] = known;
        out[name] = isString ? cString(b.b, descAt, descsz) : noteNumber(b, descAt, descsz);
      }
    }
    at = next;
  }
}

function cString(raw: Uint8Array, at: number, max: number): string {
  let s = '';
  for (let k = 0; k < max && at + k < raw.length; k++) {
    const c = raw[at + k] ?? 0;
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function noteNumber(b: Bytes, at: number, size: number): string | number {
  switch (size) {
    case 1:
      return b.u8(at) ?? 0;
    case 2:
      return b.u16(at) ?? 0;
    case 4:
      return b.u32(at) ?? 0;
    case 8: {
      const v = b.u64(at) ?? 0n;
      return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : hexNum(v);
    }
    default:
      // e.g. L1_MFN_VALID: mask/value pairs. libelf reads such notes as 0; keep the bytes.
      return `0x${Array.from(b.b.subarray(at, at + Math.min(size, 64)), (x) => x.toString(16).padStart(2, '0')).join('')}`;
  }
}

function findSection(b: Bytes, l: ElfLayout, sections: Region[], name: string): Region | undefined {
  if (sections.length === 0) return undefined;
  const strtab = sections[l.shstrndx];
  if (!strtab || l.shstrndx === 0) return undefined;
  const end = regionEnd(b, 'the section name table', strtab.offset, strtab.size);
  return sections.find((s) => {
    const at = strtab.offset + s.name;
    return at < end && cString(b.b, at, end - at) === name;
  });
}

function guestString(b: Bytes, s: Region): string {
  regionEnd(b, 'the __xen_guest section', s.offset, s.size);
  return cString(b.b, s.offset, s.size);
}

/** `GUEST_OS=linux,XEN_VER=xen-3.0,PAE=yes[extended-cr3]` → pairs; a bare word has an empty value. */
function parseXenGuest(s: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const item of s.split(',')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    pairs.push(eq < 0 ? [item, ''] : [item.slice(0, eq), item.slice(eq + 1)]);
  }
  return pairs;
}

function decideAbi(
  machine: number,
  base: KernelAbi,
  meta: XenMetadata,
): { abi: KernelAbi; pae?: string; evidence: string } {
  const isX86 = machine === EM_386 || machine === EM_X86_64;
  const where =
    meta.source === 'none'
      ? isX86
        ? 'no Xen ELF notes and no __xen_guest section: not a Xen PV kernel (libxc refuses it: "Not a Xen-ELF image")'
        : 'no Xen ELF notes (the domain builder does not require them on this architecture)'
      : meta.source === '__xen_guest'
        ? `__xen_guest section "${Object.entries(meta.notes)
            .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
            .join(',')}"`
        : `Xen notes in ${meta.source === 'PT_NOTE' ? 'a PT_NOTE segment' : 'an SHT_NOTE section'}`;

  if (machine !== EM_386) {
    const paeText = meta.notes[meta.source === '__xen_guest' ? 'PAE' : 'PAE_MODE'];
    const r: { abi: KernelAbi; pae?: string; evidence: string } = { abi: base, evidence: `${where} → ${base}` };
    if (typeof paeText === 'string') r.pae = paeText;
    return r;
  }

  if (meta.source === 'none') return { abi: 'x86_32', evidence: where };

  if (meta.source === '__xen_guest') {
    const v = meta.notes['PAE'];
    if (typeof v !== 'string') {
      return { abi: 'x86_32', evidence: `${where}: no PAE= entry, so libxc builds it as non-PAE → x86_32` };
    }
    if (v.startsWith('yes')) return { abi: 'x86_32p', pae: v, evidence: `${where}: PAE=${v} → x86_32p` };
    const bimodal = v.includes('bimodal')
      ? ' (libxc reads "bimodal" only from the PAE_MODE ELF note, not from __xen_guest)'
      : '';
    return { abi: 'x86_32', pae: v, evidence: `${where}: PAE=${v} is not "yes…", so libxc builds it as non-PAE${bimodal} → x86_32` };
  }

  const v = meta.notes['PAE_MODE'];
  if (typeof v !== 'string') {
    return { abi: 'x86_32', evidence: `${where}, none of them PAE_MODE: libxc builds it as non-PAE → x86_32` };
  }
  if (v.includes('bimodal')) {
    return {
      abi: 'x86_32-bimodal',
      pae: v,
      evidence: `${where}: PAE_MODE="${v}" → bimodal (x86_32p where the hypervisor offers it, else x86_32)`,
    };
  }
  if (v === 'yes') return { abi: 'x86_32p', pae: v, evidence: `${where}: PAE_MODE="yes" → x86_32p` };
  if (v.startsWith('yes')) {
    return {
      abi: 'x86_32p',
      pae: v,
      evidence: `${where}: PAE_MODE="${v}" → x86_32p (caution: libelf in Xen 3.1+ accepts only exactly "yes" in this note and would build the kernel as non-PAE x86_32)`,
    };
  }
  return { abi: 'x86_32', pae: v, evidence: `${where}: PAE_MODE="${v}" → non-PAE x86_32` };
}

// ---------------------------------------------------------------------------
// Compression

/**
 * Decompresses as little as the ELF needs: a first MiB for the headers, then up to
 * the end of the PT_NOTE segments, and everything (capped) only when the notes
 * must come from section headers at the end of the file.
 */
function decompressElf(kind: Compression, data: Uint8Array): ElfRead {
  let limit = FIRST_DECOMPRESSED_BYTES;
  for (;;) {
    const d = decompressPrefix(kind, data, limit);
    if (!d.ok) return { ok: false, reason: d.reason, truncated: false };
    const r = readDecompressedElf(d.bytes);
    if (r.ok || !r.truncated || d.complete) return r;
    if (limit >= MAX_DECOMPRESSED_BYTES) {
      return { ok: false, reason: `it decompresses to more than ${MAX_DECOMPRESSED_BYTES / 1024 / 1024} MiB before its notes`, truncated: false };
    }
    const notesEnd = noteSegmentsEnd(d.bytes);
    limit = notesEnd !== undefined && notesEnd > limit ? Math.min(notesEnd, MAX_DECOMPRESSED_BYTES) : MAX_DECOMPRESSED_BYTES;
  }
}

/** End of the last PT_NOTE segment, when the program headers are within `prefix`. */
function noteSegmentsEnd(prefix: Uint8Array): number | undefined {
  try {
    const is64 = prefix[4] === 2;
    const b = new Bytes(prefix, prefix[5] !== 2);
    const ends = programHeaders(b, readHeader(b, is64))
      .filter((ph) => ph.type === PT_NOTE && ph.offset !== 0)
      .map((ph) => ph.offset + ph.size);
    return ends.length > 0 ? Math.max(...ends) : undefined;
  } catch (e) {
    if (e instanceof ElfProblem) return undefined;
    throw e;
  }
}

function readDecompressedElf(out: Uint8Array): ElfRead {
  if (out.length >= 4 && !startsWith(out, 0, ELF_MAGIC)) {
    return { ok: false, reason: `the decompressed data is not an ELF image (starts with ${hex(out, 0, 8)})`, truncated: false };
  }
  return readElf(out);
}

/** Some vmlinuz files carry a gzip stream after a loader stub: look for one that inflates to an ELF. */
function scanForGzipElf(b: Uint8Array): KernelImageInfo | undefined {
  let tried = 0;
  for (let at = 1; at + 10 <= b.length && tried < MAX_GZIP_CANDIDATES; at++) {
    if (b[at] !== 0x1f || b[at + 1] !== 0x8b || b[at + 2] !== 8 || ((b[at + 3] ?? 0) & 0xe0) !== 0) continue;
    tried++;
    const r = decompressElf('gzip', b.subarray(at));
    if (r.ok) return finish(r, 'gzip-elf', `gzip stream at offset ${hexNum(at)}, `, undefined, 'gzip');
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// bzImage (Documentation/x86/boot.rst: setup header at 0x1f1)

function readBzImage(raw: Uint8Array): KernelImageInfo {
  const b = new Bytes(raw, true);
  const version = b.u16(0x206);
  if (version === undefined) return { ok: false, reason: cut('the bzImage setup header', 0x208, raw.length).reason };
  const vText = `${version >> 8}.${(version & 0xff).toString().padStart(2, '0')}`;
  if (version < 0x208) {
    return {
      ok: false,
      reason: `bzImage with boot protocol ${vText}: Xen needs 2.08+ (Linux 2.6.31+) to find the ELF payload, so this kernel cannot boot as a PV guest; kernels of that era that run on Xen were Xen-patched ELF images (vmlinux or gzipped vmlinuz)`,
    };
  }
  const setupSects = b.u8(0x1f1);
  const payloadOffset = b.u32(0x248);
  const payloadLength = b.u32(0x24c);
  if (setupSects === undefined || payloadOffset === undefined || payloadLength === undefined) {
    return { ok: false, reason: cut('the bzImage setup header', 0x250, raw.length).reason };
  }
  // setup_sects 0 means 4 (boot protocol); the protected-mode code follows the setup sectors.
  const start = ((setupSects === 0 ? 4 : setupSects) + 1) * 512 + payloadOffset;
  const end = start + payloadLength;
  const where = `bzImage (boot protocol ${vText}), payload at ${hexNum(start)}`;
  if (start >= raw.length) {
    return { ok: false, reason: `${where}: truncated: the payload starts beyond the ${raw.length}-byte file` };
  }
  // A zero payload_length is bogus; then read to the end of the file instead.
  const stop = payloadLength > 0 ? Math.min(end, raw.length) : raw.length;
  if (startsWith(raw, start, ELF_MAGIC)) {
    return finish(readElf(raw.subarray(start, stop)), 'bzimage-elf', `${where}, uncompressed: `, `${where}, uncompressed ELF payload: `);
  }
  const kind = compressionAt(raw, start);
  const hint = kernel64Hint(b, version);
  if (kind) {
    const r = decompressElf(kind, raw.subarray(start, stop));
    if (!r.ok) return { ok: false, reason: `${where}, ${kind} payload: ${r.reason} — ${ANNOTATE}${hint}` };
    return finish(r, 'bzimage-elf', `${where}, ${kind}: `, '', kind);
  }
  return {
    ok: false,
    reason: `${where}: unknown payload format (starts with ${hex(raw, start, 8)}) — ${ANNOTATE}${hint}`,
  };
}

/** xloadflags (2.12+) bit 0: the kernel has the 64-bit entry point, so it is an x86_64 kernel. */
function kernel64Hint(b: Bytes, version: number): string {
  if (version < 0x20c) return '';
  const flags = b.u16(0x236) ?? 0;
  return flags & 1 ? ' (its setup header marks a 64-bit kernel, XLF_KERNEL_64: most likely guest-abi=x86_64)' : '';
}
