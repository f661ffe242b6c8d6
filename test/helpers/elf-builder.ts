/**
 * Writes small synthetic kernel images for the kernel-image reader's tests:
 * ELF32/ELF64, either byte order, with Xen notes in a PT_NOTE segment and/or an
 * SHT_NOTE section, a legacy `__xen_guest` section, and the containers around
 * them (gzip, bzImage). The layouts follow the ELF spec and the x86 boot
 * protocol; the note sets mirror what Xen-enabled Linux kernels carry.
 */
import { gzipSync } from 'node:zlib';

export const EM = { SPARC: 2, I386: 3, PPC64: 21, ARM: 40, IA_64: 50, X86_64: 62, AARCH64: 183 } as const;

/** `xen/include/public/elfnote.h` */
export const XEN_ELFNOTE = {
  INFO: 0,
  ENTRY: 1,
  HYPERCALL_PAGE: 2,
  VIRT_BASE: 3,
  PADDR_OFFSET: 4,
  XEN_VERSION: 5,
  GUEST_OS: 6,
  GUEST_VERSION: 7,
  LOADER: 8,
  PAE_MODE: 9,
  FEATURES: 10,
  BSD_SYMTAB: 11,
  HV_START_LOW: 12,
  L1_MFN_VALID: 13,
  SUSPEND_CANCEL: 14,
} as const;

export interface NoteSpec {
  type: number;
  /** A string is written NUL-terminated; a number/bigint as `size` bytes; bytes as they are. */
  desc: string | number | bigint | Uint8Array;
  size?: 1 | 2 | 4 | 8;
  /** Defaults to "Xen". */
  name?: string;
}

export interface ElfSpec {
  elfClass: 32 | 64;
  bigEndian?: boolean;
  machine: number;
  /** Xen (or other) notes; a GNU build-id note always comes first, as in real kernels. */
  notes?: NoteSpec[];
  /** Where the notes are visible: a PT_NOTE segment, an SHT_NOTE section, or both (as in real kernels). */
  notesIn?: 'segment' | 'section' | 'both';
  /** Write the PT_NOTE p_offset as 0, as some binutils versions did. */
  noteSegmentOffsetZero?: boolean;
  /** Contents of a legacy `__xen_guest` section (written NUL-terminated). */
  xenGuest?: string;
  /** Size of the filler .text; `random: true` makes it incompressible. */
  textSize?: number;
  randomText?: boolean;
  /** Filler that looks like x86 code (calls and jumps with near targets), so x86 BCJ filters have work to do. */
  x86Text?: boolean;
}

export interface ElfLayout {
  /** End of the PT_NOTE/SHT_NOTE data. */
  notesEnd: number;
  /** End of the __xen_guest data (0 when absent). */
  guestEnd: number;
  /** Start and end of the section header table. */
  shoff: number;
  shEnd: number;
  /** End of the program header table. */
  phEnd: number;
}

class Writer {
  private readonly bytes: Uint8Array;
  private readonly dv: DataView;
  constructor(
    size: number,
    private readonly le: boolean,
  ) {
    this.bytes = new Uint8Array(size);
    this.dv = new DataView(this.bytes.buffer);
  }
  u8(at: number, v: number): void {
    this.dv.setUint8(at, v);
  }
  u16(at: number, v: number): void {
    this.dv.setUint16(at, v, this.le);
  }
  u32(at: number, v: number): void {
    this.dv.setUint32(at, v >>> 0, this.le);
  }
  u64(at: number, v: number | bigint): void {
    this.dv.setBigUint64(at, BigInt(v), this.le);
  }
  /** A word of the ELF class's size. */
  word(is64: boolean, at: number, v: number | bigint): void {
    if (is64) this.u64(at, v);
    else this.u32(at, Number(v));
  }
  put(at: number, b: Uint8Array): void {
    this.bytes.set(b, at);
  }
  done(): Uint8Array {
    return this.bytes;
  }
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const cstr = (s: string): Uint8Array => ascii(`${s}\0`);

function noteBlob(notes: NoteSpec[], is64: boolean, le: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const n of notes) {
    const name = cstr(n.name ?? 'Xen');
    let desc: Uint8Array;
    if (typeof n.desc === 'string') desc = cstr(n.desc);
    else if (n.desc instanceof Uint8Array) desc = n.desc;
    else {
      const size = n.size ?? (is64 ? 8 : 4);
      const w = new Writer(size, le);
      if (size === 1) w.u8(0, Number(n.desc));
      else if (size === 2) w.u16(0, Number(n.desc));
      else if (size === 4) w.u32(0, Number(n.desc));
      else w.u64(0, n.desc);
      desc = w.done();
    }
    const w = new Writer(12 + align(name.length, 4) + align(desc.length, 4), le);
    w.u32(0, name.length);
    w.u32(4, desc.length);
    w.u32(8, n.type);
    w.put(12, name);
    w.put(12 + align(name.length, 4), desc);
    parts.push(w.done());
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Seeded x86-looking code: prologues, `call rel32`/`jmp rel32` with small targets, moves and text. */
function x86Filler(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 0x1badb002;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const pieces = [
    () => [0x55, 0x48, 0x89, 0xe5],
    () => {
      const rel = (next() % 0x20000) - 0x10000;
      return [next() & 1 ? 0xe8 : 0xe9, rel & 0xff, (rel >> 8) & 0xff, (rel >> 16) & 0xff, (rel >> 24) & 0xff];
    },
    () => [0x48, 0x8b, 0x45, next() & 0xf8],
    () => [0xc3, 0x90, 0x90],
    () => Array.from('xen_domain_type', (c) => c.charCodeAt(0)),
  ];
  let k = 0;
  while (k < size) {
    for (const b of pieces[next() % pieces.length]!()) {
      if (k < size) out[k++] = b;
    }
  }
  return out;
}

function filler(size: number, random: boolean): Uint8Array {
  const out = new Uint8Array(size);
  let x = 0x2545f491;
  for (let k = 0; k < size; k++) {
    if (random) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[k] = x & 0xff;
    } else {
      out[k] = [0x55, 0x89, 0xe5, 0x90][k % 4] ?? 0x90; // push %ebp; mov %esp,%ebp; nop …
    }
  }
  return out;
}

const GNU_BUILD_ID: NoteSpec = {
  name: 'GNU',
  type: 3,
  desc: Uint8Array.from({ length: 20 }, (_, k) => (k * 37 + 11) & 0xff),
};

export function buildElfWithLayout(spec: ElfSpec): { bytes: Uint8Array; layout: ElfLayout } {
  const is64 = spec.elfClass === 64;
  const le = !spec.bigEndian;
  const where = spec.notesIn ?? 'both';
  const xenNotes = spec.notes ?? [];
  const notes = noteBlob([GNU_BUILD_ID, ...xenNotes], is64, le);
  const inSegment = where !== 'section';
  const inSection = where !== 'segment';
  const guest = spec.xenGuest === undefined ? undefined : cstr(spec.xenGuest);
  const text = spec.x86Text ? x86Filler(spec.textSize ?? 256) : filler(spec.textSize ?? 256, spec.randomText ?? false);

  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const phnum = 1 + (inSegment ? 1 : 0);

  const names = ['', '.text', ...(inSection ? ['.notes'] : []), ...(guest ? ['__xen_guest'] : []), '.shstrtab'];
  const nameOffsets: number[] = [];
  let strSize = 0;
  for (const n of names) {
    nameOffsets.push(strSize);
    strSize += n.length + 1;
  }
  const shstr = new Uint8Array(strSize);
  names.forEach((n, k) => shstr.set(ascii(n), nameOffsets[k] ?? 0));

  const phoff = ehsize;
  const phEnd = phoff + phnum * phentsize;
  const textOff = align(phEnd, 16);
  const notesOff = align(textOff + text.length, 4);
  const notesEnd = notesOff + notes.length;
  const guestOff = notesEnd;
  const guestEnd = guest ? guestOff + guest.length : 0;
  const shstrOff = guest ? guestEnd : notesEnd;
  const shoff = align(shstrOff + shstr.length, 8);
  const shnum = names.length;
  const shEnd = shoff + shnum * shentsize;

  const w = new Writer(shEnd, le);
  w.put(0, Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1, 0]));
  const virtBase = is64 ? 0xffffffff80000000n : 0xc0000000n;
  const entry = virtBase + 0x200000n;
  w.u16(16, 2); // ET_EXEC
  w.u16(18, spec.machine);
  w.u32(20, 1);
  w.word(is64, 24, entry);
  w.word(is64, is64 ? 32 : 28, phoff);
  w.word(is64, is64 ? 40 : 32, shoff);
  const h = is64 ? 52 : 40;
  w.u16(h, ehsize);
  w.u16(h + 2, phentsize);
  w.u16(h + 4, phnum);
  w.u16(h + 6, shentsize);
  w.u16(h + 8, shnum);
  w.u16(h + 10, shnum - 1);

  const phdr = (k: number, type: number, offset: number, vaddr: bigint, size: number, flags: number): void => {
    const at = phoff + k * phentsize;
    w.u32(at, type);
    if (is64) {
      w.u32(at + 4, flags);
      w.u64(at + 8, offset);
      w.u64(at + 16, vaddr);
      w.u64(at + 24, vaddr - virtBase);
      w.u64(at + 32, size);
      w.u64(at + 40, size);
      w.u64(at + 48, 4);
    } else {
      w.u32(at + 4, offset);
      w.u32(at + 8, Number(vaddr));
      w.u32(at + 12, Number(vaddr - virtBase));
      w.u32(at + 16, size);
      w.u32(at + 20, size);
      w.u32(at + 24, flags);
      w.u32(at + 28, 4);
    }
  };
  phdr(0, 1, textOff, entry, text.length, 5); // PT_LOAD R+X
  if (inSegment) phdr(1, 4, spec.noteSegmentOffsetZero ? 0 : notesOff, entry + 0x100000n, notes.length, 4);

  w.put(textOff, text);
  w.put(notesOff, notes);
  if (guest) w.put(guestOff, guest);
  w.put(shstrOff, shstr);

  const shdr = (k: number, type: number, offset: number, size: number): void => {
    const at = shoff + k * shentsize;
    w.u32(at, nameOffsets[k] ?? 0);
    w.u32(at + 4, type);
    if (is64) {
      w.u64(at + 24, offset);
      w.u64(at + 32, size);
    } else {
      w.u32(at + 16, offset);
      w.u32(at + 20, size);
    }
  };
  let k = 1;
  shdr(k++, 1, textOff, text.length); // SHT_PROGBITS
  if (inSection) shdr(k++, 7, notesOff, notes.length); // SHT_NOTE
  if (guest) shdr(k++, 1, guestOff, guest.length);
  shdr(k++, 3, shstrOff, shstr.length); // SHT_STRTAB

  return { bytes: w.done(), layout: { notesEnd, guestEnd, shoff, shEnd, phEnd } };
}

export function buildElf(spec: ElfSpec): Uint8Array {
  return buildElfWithLayout(spec).bytes;
}

/** A note set like the one a Xen-patched 2.6.18 x86 Linux kernel carries (head-xen.S), with the given PAE_MODE. */
export function linuxXenNotes(opts: { is64: boolean; pae?: string }): NoteSpec[] {
  const base = opts.is64 ? 0xffffffff80000000n : 0xc0000000n;
  const notes: NoteSpec[] = [
    { type: XEN_ELFNOTE.GUEST_OS, desc: 'linux' },
    { type: XEN_ELFNOTE.GUEST_VERSION, desc: '2.6' },
    { type: XEN_ELFNOTE.XEN_VERSION, desc: 'xen-3.0' },
    { type: XEN_ELFNOTE.VIRT_BASE, desc: base },
    { type: XEN_ELFNOTE.PADDR_OFFSET, desc: base },
    { type: XEN_ELFNOTE.ENTRY, desc: base + 0x200000n },
    { type: XEN_ELFNOTE.HYPERCALL_PAGE, desc: base + 0x201000n },
    {
      type: XEN_ELFNOTE.FEATURES,
      desc: 'writable_page_tables|writable_descriptor_tables|auto_translated_physmap|pae_pgdir_above_4gb|supervisor_mode_kernel',
    },
    { type: XEN_ELFNOTE.LOADER, desc: 'generic' },
    { type: XEN_ELFNOTE.SUSPEND_CANCEL, desc: 1, size: 4 },
  ];
  if (opts.pae !== undefined) notes.splice(8, 0, { type: XEN_ELFNOTE.PAE_MODE, desc: opts.pae });
  return notes;
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes);
}

export interface BzImageSpec {
  /** Boot protocol, e.g. 0x20a for 2.10. */
  version?: number;
  setupSects?: number;
  xloadflags?: number;
  /** Bytes of decompressor code before the payload. */
  stubSize?: number;
}

/** A bzImage around `payload` (Documentation/x86/boot.rst: setup header at 0x1f1, payload_offset/length at 0x248/0x24c). */
export function buildBzImage(payload: Uint8Array, spec: BzImageSpec = {}): Uint8Array {
  const setupSects = spec.setupSects ?? 4;
  const stub = spec.stubSize ?? 0x300;
  // setup_sects 0 means 4 (boot protocol).
  const pm = ((setupSects === 0 ? 4 : setupSects) + 1) * 512;
  const w = new Writer(pm + stub + payload.length + 4, true);
  w.u8(0x1f1, setupSects);
  w.u16(0x1fe, 0xaa55);
  w.put(0x202, ascii('HdrS'));
  w.u16(0x206, spec.version ?? 0x20a);
  w.u16(0x236, spec.xloadflags ?? 0);
  w.u32(0x248, stub);
  w.u32(0x24c, payload.length);
  w.put(pm, filler(stub, false));
  w.put(pm + stub, payload);
  w.u32(pm + stub + payload.length, 0x12345678); // the decompressed-size trailer some payloads end with
  return w.done();
}
