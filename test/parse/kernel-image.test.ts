import t from 'tap';
import fc from 'fast-check';
import { readKernelImage, type KernelImageInfo } from '../../cli/readers/kernel-image.js';
import {
  EM,
  XEN_ELFNOTE,
  buildBzImage,
  buildElf,
  buildElfWithLayout,
  gzip,
  linuxXenNotes,
  type ElfSpec,
} from '../helpers/elf-builder.js';

const ABIS = ['x86_32', 'x86_32p', 'x86_32-bimodal', 'x86_64', 'ia64', 'ia64be', 'aarch64', 'armv7l'];

function ok(r: KernelImageInfo): Extract<KernelImageInfo, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got: ${r.reason}`);
  return r;
}

function failReason(r: KernelImageInfo): string {
  if (r.ok) throw new Error(`expected a failure, got ${r.abi} (${r.evidence})`);
  return r.reason;
}

const elf32 = (pae: string | undefined, extra: Partial<ElfSpec> = {}): Uint8Array =>
  buildElf({ elfClass: 32, machine: EM.I386, notes: linuxXenNotes({ is64: false, pae }), ...extra });
const elf64 = (extra: Partial<ElfSpec> = {}): Uint8Array =>
  buildElf({ elfClass: 64, machine: EM.X86_64, notes: linuxXenNotes({ is64: true }), ...extra });

const xenGuest = (pae?: string): string =>
  'GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,ELF_PADDR_OFFSET=0xC0000000,HYPERCALL_PAGE=0x2,LOADER=generic' +
  (pae === undefined ? '' : `,PAE=${pae}`);

t.test('ELF32 x86 with a PAE_MODE note', async (t) => {
  const cases: Array<{ pae: string | undefined; abi: string; evidence: RegExp }> = [
    { pae: 'yes', abi: 'x86_32p', evidence: /PAE_MODE="yes" → x86_32p$/ },
    { pae: 'no', abi: 'x86_32', evidence: /PAE_MODE="no" → non-PAE x86_32/ },
    { pae: 'bimodal', abi: 'x86_32-bimodal', evidence: /bimodal \(x86_32p where the hypervisor offers it, else x86_32\)/ },
    { pae: 'yes,bimodal', abi: 'x86_32-bimodal', evidence: /PAE_MODE="yes,bimodal"/ },
    { pae: 'yes[extended-cr3]', abi: 'x86_32p', evidence: /caution: libelf in Xen 3\.1\+ accepts only exactly "yes"/ },
    { pae: undefined, abi: 'x86_32', evidence: /none of them PAE_MODE: libxc builds it as non-PAE → x86_32/ },
  ];
  for (const c of cases) {
    const r = ok(readKernelImage(elf32(c.pae)));
    t.equal(r.abi, c.abi, `PAE_MODE=${c.pae}: abi`);
    t.equal(r.pae, c.pae, `PAE_MODE=${c.pae}: pae text`);
    t.match(r.evidence, c.evidence, `PAE_MODE=${c.pae}: evidence`);
    t.equal(r.format, 'elf');
    t.equal(r.elfClass, 32);
    t.equal(r.machine, 'EM_386');
    t.equal(r.xenNoteSource, 'PT_NOTE');
    t.match(r.evidence, /^ELF32 LSB EM_386; Xen notes in a PT_NOTE segment/);
  }
  const r = ok(readKernelImage(elf32('yes')));
  t.same(r.xenNotes, {
    GUEST_OS: 'linux',
    GUEST_VERSION: '2.6',
    XEN_VERSION: 'xen-3.0',
    VIRT_BASE: 0xc0000000,
    PADDR_OFFSET: 0xc0000000,
    ENTRY: 0xc0200000,
    HYPERCALL_PAGE: 0xc0201000,
    FEATURES:
      'writable_page_tables|writable_descriptor_tables|auto_translated_physmap|pae_pgdir_above_4gb|supervisor_mode_kernel',
    PAE_MODE: 'yes',
    LOADER: 'generic',
    SUSPEND_CANCEL: 1,
  });
});

t.test('where notes are looked for (libelf order)', async (t) => {
  t.test('SHT_NOTE section only', async (t) => {
    const r = ok(readKernelImage(elf32('yes', { notesIn: 'section' })));
    t.equal(r.xenNoteSource, 'SHT_NOTE');
    t.equal(r.abi, 'x86_32p');
    t.match(r.evidence, /an SHT_NOTE section/);
  });
  t.test('a PT_NOTE with p_offset 0 is skipped, the section is used', async (t) => {
    const r = ok(readKernelImage(elf32('yes', { notesIn: 'both', noteSegmentOffsetZero: true })));
    t.equal(r.xenNoteSource, 'SHT_NOTE');
    t.equal(r.abi, 'x86_32p');
  });
  t.test('notes win over __xen_guest', async (t) => {
    const r = ok(readKernelImage(elf32('no', { xenGuest: xenGuest('yes[extended-cr3]') })));
    t.equal(r.xenNoteSource, 'PT_NOTE');
    t.equal(r.abi, 'x86_32');
    t.equal(r.pae, 'no');
  });
  t.test('notes named other than "Xen" are not Xen notes', async (t) => {
    const bytes = buildElf({
      elfClass: 32,
      machine: EM.I386,
      notes: [
        { name: 'Xen2', type: XEN_ELFNOTE.PAE_MODE, desc: 'yes' },
        { name: 'Linux', type: XEN_ELFNOTE.PAE_MODE, desc: 'yes' },
      ],
      xenGuest: xenGuest('no'),
    });
    const r = ok(readKernelImage(bytes));
    t.equal(r.xenNoteSource, '__xen_guest');
    t.equal(r.abi, 'x86_32');
  });
  t.test('numeric notes of every width, and an unknown type', async (t) => {
    const bytes = buildElf({
      elfClass: 32,
      machine: EM.I386,
      notes: [
        { type: XEN_ELFNOTE.GUEST_OS, desc: 'linux' },
        { type: XEN_ELFNOTE.SUSPEND_CANCEL, desc: 1, size: 1 },
        { type: XEN_ELFNOTE.HV_START_LOW, desc: 0xf580, size: 2 },
        { type: XEN_ELFNOTE.VIRT_BASE, desc: 0xc0000000n, size: 8 },
        { type: XEN_ELFNOTE.L1_MFN_VALID, desc: Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]) },
        { type: 999, desc: 'ignored' },
      ],
    });
    const r = ok(readKernelImage(bytes));
    t.same(r.xenNotes, {
      GUEST_OS: 'linux',
      SUSPEND_CANCEL: 1,
      HV_START_LOW: 0xf580,
      VIRT_BASE: 0xc0000000,
      L1_MFN_VALID: '0x01000000000000000100000000000000',
    });
    t.equal(r.abi, 'x86_32', 'no PAE_MODE among the notes');
  });
});

t.test('ELF32 with only a __xen_guest section', async (t) => {
  const cases: Array<{ pae: string | undefined; abi: string; evidence: RegExp }> = [
    { pae: 'yes[extended-cr3]', abi: 'x86_32p', evidence: /PAE=yes\[extended-cr3\] → x86_32p$/ },
    { pae: 'yes', abi: 'x86_32p', evidence: /PAE=yes → x86_32p$/ },
    { pae: 'no', abi: 'x86_32', evidence: /PAE=no is not "yes…", so libxc builds it as non-PAE → x86_32/ },
    {
      pae: 'bimodal',
      abi: 'x86_32',
      evidence: /libxc reads "bimodal" only from the PAE_MODE ELF note, not from __xen_guest\) → x86_32/,
    },
    { pae: undefined, abi: 'x86_32', evidence: /no PAE= entry, so libxc builds it as non-PAE → x86_32/ },
  ];
  for (const c of cases) {
    const bytes = buildElf({ elfClass: 32, machine: EM.I386, xenGuest: xenGuest(c.pae) });
    const r = ok(readKernelImage(bytes));
    t.equal(r.abi, c.abi, `PAE=${c.pae}: abi`);
    t.equal(r.pae, c.pae, `PAE=${c.pae}: pae`);
    t.equal(r.xenNoteSource, '__xen_guest');
    t.match(r.evidence, c.evidence, `PAE=${c.pae}: evidence`);
  }
  const r = ok(readKernelImage(buildElf({ elfClass: 32, machine: EM.I386, xenGuest: `${xenGuest('yes')},BSD_SYMTAB` })));
  t.same(r.xenNotes, {
    GUEST_OS: 'linux',
    GUEST_VER: '2.6',
    XEN_VER: 'xen-3.0',
    VIRT_BASE: '0xC0000000',
    ELF_PADDR_OFFSET: '0xC0000000',
    HYPERCALL_PAGE: '0x2',
    LOADER: 'generic',
    PAE: 'yes',
    BSD_SYMTAB: '',
  });
  t.match(r.evidence, /^ELF32 LSB EM_386; __xen_guest section "GUEST_OS=linux,/);
});

t.test('ELF32 without any Xen notes is not a PV kernel', async (t) => {
  const r = ok(readKernelImage(buildElf({ elfClass: 32, machine: EM.I386 })));
  t.equal(r.abi, 'x86_32');
  t.equal(r.xenNoteSource, 'none');
  t.same(r.xenNotes, {});
  t.equal(r.pae, undefined);
  t.match(r.evidence, /not a Xen PV kernel \(libxc refuses it: "Not a Xen-ELF image"\)/);
});

t.test('ELF64 x86_64', async (t) => {
  const r = ok(readKernelImage(elf64()));
  t.equal(r.abi, 'x86_64');
  t.equal(r.elfClass, 64);
  t.equal(r.machine, 'EM_X86_64');
  t.equal(r.xenNotes['ENTRY'], '0xffffffff80200000', 'addresses above 2^53 are kept exact as hex text');
  t.equal(r.xenNotes['GUEST_OS'], 'linux');
  t.match(r.evidence, /^ELF64 LSB EM_X86_64; Xen notes in a PT_NOTE segment → x86_64$/);
  const plain = ok(readKernelImage(buildElf({ elfClass: 64, machine: EM.X86_64 })));
  t.equal(plain.abi, 'x86_64');
  t.equal(plain.xenNoteSource, 'none');
  t.match(plain.evidence, /not a Xen PV kernel/);
});

t.test('other architectures and byte orders', async (t) => {
  t.test('big-endian ia64 reads its notes in big-endian', async (t) => {
    const bytes = buildElf({
      elfClass: 64,
      bigEndian: true,
      machine: EM.IA_64,
      notes: [
        { type: XEN_ELFNOTE.GUEST_OS, desc: 'linux' },
        { type: XEN_ELFNOTE.VIRT_BASE, desc: 0x1234_5678n, size: 8 },
        { type: XEN_ELFNOTE.HV_START_LOW, desc: 0xf580, size: 4 },
      ],
    });
    const r = ok(readKernelImage(bytes));
    t.equal(r.abi, 'ia64be');
    t.equal(r.machine, 'EM_IA_64');
    t.same(r.xenNotes, { GUEST_OS: 'linux', VIRT_BASE: 0x12345678, HV_START_LOW: 0xf580 });
    t.match(r.evidence, /^ELF64 MSB EM_IA_64/);
  });
  t.test('little-endian ia64', async (t) => {
    t.equal(ok(readKernelImage(buildElf({ elfClass: 64, machine: EM.IA_64 }))).abi, 'ia64');
  });
  t.test('aarch64, both byte orders', async (t) => {
    const le = ok(readKernelImage(buildElf({ elfClass: 64, machine: EM.AARCH64 })));
    t.equal(le.abi, 'aarch64');
    t.match(le.evidence, /does not require them on this architecture/);
    const be = ok(readKernelImage(buildElf({ elfClass: 64, bigEndian: true, machine: EM.AARCH64 })));
    t.equal(be.abi, 'aarch64');
  });
  t.test('32-bit ARM', async (t) => {
    const r = ok(readKernelImage(buildElf({ elfClass: 32, machine: EM.ARM })));
    t.equal(r.abi, 'armv7l');
    t.equal(r.machine, 'EM_ARM');
  });
  t.test('big-endian ELF32 x86 (odd, but read by its header)', async (t) => {
    const r = ok(readKernelImage(elf32('yes', { bigEndian: true })));
    t.equal(r.abi, 'x86_32p');
    t.equal(r.xenNotes['VIRT_BASE'], 0xc0000000);
  });
  t.test('an architecture without Xen PV guests', async (t) => {
    t.match(failReason(readKernelImage(buildElf({ elfClass: 64, machine: EM.PPC64 }))), /EM_PPC64 \(21\) is not an architecture/);
    t.match(failReason(readKernelImage(buildElf({ elfClass: 32, machine: 4242 }))), /EM_4242 \(4242\)/);
  });
});

t.test('gzip-compressed ELF (vmlinuz of Xen-patched 2.6.16-2.6.18 kernels)', async (t) => {
  const inner = elf32('yes');
  const r = ok(readKernelImage(gzip(inner)));
  t.equal(r.format, 'gzip-elf');
  t.equal(r.abi, 'x86_32p');
  t.match(r.evidence, /^gzip-compressed ELF32 LSB EM_386/);

  const trailing = new Uint8Array([...gzip(inner), ...new Uint8Array(100).fill(0x41)]);
  t.equal(ok(readKernelImage(trailing)).abi, 'x86_32p', 'bytes after the gzip stream do no harm');

  const stub = new Uint8Array(777).fill(0x90);
  const embedded = new Uint8Array([...stub, ...gzip(elf64())]);
  const e = ok(readKernelImage(embedded));
  t.equal(e.format, 'gzip-elf');
  t.equal(e.abi, 'x86_64');
  t.match(e.evidence, /^gzip stream at offset 0x309, ELF64/);

  t.match(
    failReason(readKernelImage(gzip(new TextEncoder().encode('070701 this is an initrd, not a kernel')))),
    /gzip-compressed image: the decompressed data is not an ELF image \(starts with 30 37 30 37/,
  );
  t.match(failReason(readKernelImage(Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2]))), /truncated inside the gzip header/);
  t.match(failReason(readKernelImage(Uint8Array.from([0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 3, 1, 2]))), /unsupported gzip method 7/);
  const corrupt = gzip(inner);
  corrupt.fill(0xff, 10, 40);
  t.match(failReason(readKernelImage(corrupt)), /corrupt/);
});

t.test('an ELF whose notes lie beyond the first inflated slice', async (t) => {
  // 1.5 MiB of incompressible .text pushes the notes past the first 1 MiB of compressed input.
  const inner = buildElf({
    elfClass: 32,
    machine: EM.I386,
    notes: linuxXenNotes({ is64: false, pae: 'yes' }),
    textSize: 1536 * 1024,
    randomText: true,
  });
  const packed = gzip(inner);
  t.ok(packed.length > 1024 * 1024, 'the compressed image is larger than the first slice');
  const r = ok(readKernelImage(packed));
  t.equal(r.abi, 'x86_32p');
  const cutShort = packed.subarray(0, 1024 * 1024 + 100);
  t.match(failReason(readKernelImage(cutShort)), /^gzip-compressed image: truncated: the PT_NOTE segment/);
});

t.test('bzImage', async (t) => {
  t.test('gzip payload holding an ELF64', async (t) => {
    const r = ok(readKernelImage(buildBzImage(gzip(elf64()), { version: 0x20a })));
    t.equal(r.format, 'bzimage-elf');
    t.equal(r.abi, 'x86_64');
    t.match(r.evidence, /^bzImage \(boot protocol 2\.10\), payload at 0xd00, gzip: ELF64 LSB EM_X86_64/);
  });
  t.test('gzip payload holding a 32-bit PAE ELF, setup_sects 0 meaning 4', async (t) => {
    const r = ok(readKernelImage(buildBzImage(gzip(elf32('yes')), { setupSects: 0, version: 0x208 })));
    t.equal(r.abi, 'x86_32p');
    t.match(r.evidence, /payload at 0xd00/);
  });
  t.test('uncompressed ELF payload', async (t) => {
    const r = ok(readKernelImage(buildBzImage(elf64(), { version: 0x20f })));
    t.equal(r.format, 'bzimage-elf');
    t.match(r.evidence, /uncompressed: ELF64/);
  });
  t.test('a payload that cannot be decompressed says so, with the 64-bit hint', async (t) => {
    const xz = Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46]);
    t.match(
      failReason(readKernelImage(buildBzImage(xz, { version: 0x20d }))),
      /^bzImage \(boot protocol 2\.13\), payload at 0x[0-9a-f]+, xz payload: .+ — annotate the guest with `# xenlint: guest-abi=\.\.\.`$/,
    );
    t.match(
      failReason(readKernelImage(buildBzImage(xz, { version: 0x20d, xloadflags: 0x1f }))),
      /annotate the guest with `# xenlint: guest-abi=\.\.\.` \(its setup header marks a 64-bit kernel, XLF_KERNEL_64: most likely guest-abi=x86_64\)$/,
    );
    t.notMatch(
      failReason(readKernelImage(buildBzImage(xz, { version: 0x20a, xloadflags: 1 }))),
      /XLF_KERNEL_64/,
      'xloadflags means nothing before boot protocol 2.12',
    );
  });
  t.test('every compressor is recognised and named when its data is bad', async (t) => {
    const magics: Array<[string, number[]]> = [
      ['bzip2', [0x42, 0x5a, 0x68, 0x39]],
      ['lzma', [0x5d, 0x00, 0x00, 0x80]],
      ['lzo', [0x89, 0x4c, 0x5a, 0x4f]],
      ['lz4', [0x02, 0x21, 0x4c, 0x18]],
      ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
    ];
    for (const [name, m] of magics) {
      t.match(failReason(readKernelImage(buildBzImage(Uint8Array.from([...m, 1, 2, 3, 4])))), new RegExp(`, ${name} payload: `), name);
    }
    t.match(
      failReason(readKernelImage(buildBzImage(Uint8Array.from([9, 9, 9, 9, 9, 9])))),
      /unknown payload format \(starts with 09 09 09/,
    );
  });
  t.test('boot protocol before 2.08 has no ELF payload', async (t) => {
    t.match(
      failReason(readKernelImage(buildBzImage(gzip(elf32('yes')), { version: 0x206 }))),
      /boot protocol 2\.06: Xen needs 2\.08\+/,
    );
  });
  t.test('a cut payload says where it was cut', async (t) => {
    const img = buildBzImage(gzip(elf64()), { version: 0x20a });
    t.match(
      failReason(readKernelImage(img.subarray(0, 0xd00 + 12))),
      /^bzImage \(boot protocol 2\.10\), payload at 0xd00, gzip payload: truncated: /,
    );
    const raw = buildBzImage(elf64(), { version: 0x20f });
    t.match(
      failReason(readKernelImage(raw.subarray(0, 0xd00 + 40))),
      /^bzImage \(boot protocol 2\.15\), payload at 0xd00, uncompressed ELF payload: truncated: the ELF64 header ends at byte 64, but the image has only 40 bytes$/,
    );
  });
  t.test('payload offset beyond the file', async (t) => {
    const img = buildBzImage(gzip(elf64()));
    t.match(failReason(readKernelImage(img.subarray(0, 0xa00))), /truncated: the payload starts beyond the 2560-byte file/);
  });
});

t.test('not a kernel at all', async (t) => {
  t.equal(failReason(readKernelImage(new Uint8Array(0))), 'the file is empty');
  t.match(
    failReason(readKernelImage(new TextEncoder().encode('#!/bin/sh\necho not a kernel\n'))),
    /^not a kernel image xenlint can read: .*\(starts with 23 21 2f 62/,
  );
  t.match(failReason(readKernelImage(Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2]))), /^xz-compressed image: /);
  const badClass = elf32('yes');
  badClass[4] = 3;
  t.match(failReason(readKernelImage(badClass)), /invalid ELF class 3/);
  const badData = elf32('yes');
  badData[5] = 0;
  t.match(failReason(readKernelImage(badData)), /invalid ELF data encoding 0/);
});

t.test('malformed tables are reported, not thrown', async (t) => {
  const bytes = elf32('yes');
  const smallEnt = bytes.slice();
  new DataView(smallEnt.buffer).setUint16(42, 8, true); // e_phentsize
  t.match(failReason(readKernelImage(smallEnt)), /program header entry size 8/);

  const hugeOff = bytes.slice();
  new DataView(hugeOff.buffer).setUint32(28, 0xfffffff0, true); // e_phoff
  t.match(failReason(readKernelImage(hugeOff)), /truncated: the program header table/);

  const badNote = bytes.slice();
  // The first note (GNU build-id) claims a desc far larger than the segment.
  const dv = new DataView(badNote.buffer);
  const phNote = 52 + 32; // second program header
  const noteOff = dv.getUint32(phNote + 4, true);
  dv.setUint32(noteOff + 4, 0x7fffffff, true);
  t.match(failReason(readKernelImage(badNote)), /a note in the PT_NOTE segment at 0x[0-9a-f]+ runs past its end/);

  const e64 = elf64();
  new DataView(e64.buffer).setBigUint64(32, 0xffffffffffffff00n, true); // e_phoff
  t.match(failReason(readKernelImage(e64)), /beyond any file size/);
});

t.test('truncated at every length: never throws, fails until the notes are whole, then agrees', async (t) => {
  const images: Array<{ name: string; spec: ElfSpec; needed: (l: ReturnType<typeof buildElfWithLayout>['layout']) => number }> = [
    {
      name: 'ELF32 notes in PT_NOTE',
      spec: { elfClass: 32, machine: EM.I386, notes: linuxXenNotes({ is64: false, pae: 'yes' }) },
      needed: (l) => l.notesEnd,
    },
    {
      name: 'ELF64 notes in PT_NOTE',
      spec: { elfClass: 64, machine: EM.X86_64, notes: linuxXenNotes({ is64: true }) },
      needed: (l) => l.notesEnd,
    },
    {
      name: 'ELF32 notes in SHT_NOTE only (section table at the end)',
      spec: { elfClass: 32, machine: EM.I386, notes: linuxXenNotes({ is64: false, pae: 'bimodal' }), notesIn: 'section' },
      needed: (l) => l.shEnd,
    },
    {
      name: 'ELF32 __xen_guest',
      spec: { elfClass: 32, machine: EM.I386, xenGuest: xenGuest('yes[extended-cr3]') },
      needed: (l) => l.shEnd,
    },
  ];
  for (const img of images) {
    const { bytes, layout } = buildElfWithLayout(img.spec);
    const full = ok(readKernelImage(bytes));
    const need = img.needed(layout);
    let failures = 0;
    let agreements = 0;
    for (let len = 0; len < bytes.length; len++) {
      const r = readKernelImage(bytes.subarray(0, len));
      if (len < need) {
        if (!r.ok && /truncated|empty/.test(r.reason)) failures++;
      } else if (r.ok && r.abi === full.abi && r.pae === full.pae) {
        agreements++;
      }
    }
    t.equal(failures, need, `${img.name}: every cut before byte ${need} fails as truncated`);
    t.equal(agreements, bytes.length - need, `${img.name}: every cut from byte ${need} on reads the same ABI`);
  }
});

t.test('truncated containers at every length never throw', async (t) => {
  const containers = [
    { name: 'gzip', bytes: gzip(elf32('yes')) },
    { name: 'bzImage', bytes: buildBzImage(gzip(elf64()), { setupSects: 1, stubSize: 16 }) },
  ];
  for (const c of containers) {
    let results = 0;
    for (let len = 0; len <= c.bytes.length; len++) {
      const r = readKernelImage(c.bytes.subarray(0, len));
      if (r.ok ? ABIS.includes(r.abi) : r.reason.length > 0) results++;
    }
    t.equal(results, c.bytes.length + 1, `${c.name}: a well-formed answer at every length`);
    t.ok(readKernelImage(c.bytes).ok, `${c.name}: whole image reads`);
  }
});

const wellFormed = (r: KernelImageInfo): boolean =>
  r.ok ? ABIS.includes(r.abi) && typeof r.evidence === 'string' : typeof r.reason === 'string' && r.reason.length > 0;

t.test('property: random bytes never throw', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), (b) => wellFormed(readKernelImage(b))),
    { numRuns: 2000 },
  );
  // Random bytes behind real magics reach the deeper paths.
  const prefixes = [
    [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1],
    [0x7f, 0x45, 0x4c, 0x46, 2, 2, 1],
    [0x1f, 0x8b, 8, 0],
  ];
  fc.assert(
    fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 2048 }), (p, rest) =>
      wellFormed(readKernelImage(Uint8Array.from([...p, ...rest]))),
    ),
    { numRuns: 2000 },
  );
  t.pass('no counterexample');
});

t.test('property: mutated valid images never throw', async (t) => {
  const bases = [
    elf32('yes'),
    elf32('bimodal', { notesIn: 'section' }),
    buildElf({ elfClass: 32, machine: EM.I386, xenGuest: xenGuest('yes') }),
    elf64(),
    elf64({ bigEndian: true }),
    gzip(elf32('yes')),
    buildBzImage(gzip(elf64()), { setupSects: 1, stubSize: 16 }),
  ];
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.constant(0) }),
    fc.record({ kind: fc.constant('word' as const), at: fc.nat(), value: fc.constantFrom(0, 0xff, 0x7f) }),
  );
  fc.assert(
    fc.property(fc.constantFrom(...bases), fc.array(mutation, { minLength: 1, maxLength: 8 }), (base, muts) => {
      let b = Uint8Array.from(base); // Buffer#slice would share memory with the base
      for (const m of muts) {
        const at = m.at % Math.max(1, b.length);
        if (m.kind === 'cut') b = b.slice(0, at);
        else if (m.kind === 'set') b[at] = m.value;
        else b.fill(m.value, at, at + 4);
      }
      return wellFormed(readKernelImage(b));
    }),
    { numRuns: 1500 },
  );
  t.pass('no counterexample');
});
