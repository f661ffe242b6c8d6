import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressionAt, decompressPrefix, type Compression } from '../../cli/readers/decompress.js';
import { x86BcjDecode } from '../../cli/readers/lzma.js';
import { readKernelImage } from '../../cli/readers/kernel-image.js';
import { EM, buildBzImage, buildElf, gzip, linuxXenNotes } from '../helpers/elf-builder.js';
import { fromRoot } from '../helpers/paths.js';

// Kernels compressed by each format's Debian tool with the kernel build's flags;
// test/integration/kernel-readnotes.test.ts made them and holds them to readnotes.
const dir = fromRoot('test/fixtures/kernels');
interface Fixture {
  file: string;
  compression: Compression;
  abi: string;
  bytes: number;
  sha256: string;
  notes: Record<string, string | number>;
}
const fixtures = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Fixture[];
const load = (f: Fixture): Uint8Array => new Uint8Array(readFileSync(join(dir, f.file)));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

t.test('every compressor the kernel offers, as its Debian tool writes it', async (t) => {
  t.same(new Set(fixtures.map((f) => f.compression)), new Set(['gzip', 'bzip2', 'lzma', 'xz', 'lzo', 'lz4', 'zstd']));
  for (const f of fixtures) {
    const packed = load(f);
    t.equal(compressionAt(packed, 0), f.compression, `${f.file}: magic`);
    const whole = decompressPrefix(f.compression, packed, 64 * 1024 * 1024);
    if (!whole.ok) {
      t.fail(`${f.file}: ${whole.reason}`);
      continue;
    }
    t.ok(whole.complete, `${f.file}: decoded to the end`);
    t.equal(whole.bytes.length, f.bytes, `${f.file}: size`);
    t.equal(sha256(whole.bytes), f.sha256, `${f.file}: byte for byte`);

    const prefix = decompressPrefix(f.compression, packed, 4099);
    t.ok(prefix.ok && !prefix.complete, `${f.file}: a prefix stops early`);
    t.equal(prefix.ok && sha256(prefix.bytes), sha256(whole.bytes.subarray(0, 4099)), `${f.file}: the prefix is the start`);

    for (const image of [packed, buildBzImage(packed, { version: 0x20f })]) {
      const info = readKernelImage(image);
      if (!info.ok) {
        t.fail(`${f.file}: ${info.reason}`);
        continue;
      }
      t.equal(info.abi, f.abi, `${f.file} (${info.format}): ABI`);
      t.equal(info.compression, f.compression, `${f.file} (${info.format}): compression named`);
      t.same(info.xenNotes, f.notes, `${f.file} (${info.format}): notes`);
    }
  }
});

t.test('x86 BCJ: calls and jumps get their relative targets back', async (t) => {
  // An encoder turned `call rel32 = 0x10` at offset 0 into the absolute 0x15 (0x10 + 0 + 5).
  const buf = Uint8Array.from([0xe8, 0x15, 0x00, 0x00, 0x00, 0x90, 0x90, 0x90, 0x90, 0x90]);
  x86BcjDecode(buf, 0);
  t.same([...buf.subarray(0, 5)], [0xe8, 0x10, 0x00, 0x00, 0x00]);
  // The start offset from the filter properties shifts every position.
  const shifted = Uint8Array.from([0xe9, 0x15, 0x01, 0x00, 0x00, 0x90, 0x90, 0x90, 0x90, 0x90]);
  x86BcjDecode(shifted, 0x100);
  t.same([...shifted.subarray(0, 5)], [0xe9, 0x10, 0x00, 0x00, 0x00]);
  // An operand whose top byte is neither 00 nor ff is no call target: left alone.
  const data = Uint8Array.from([0xe8, 1, 2, 3, 4, 0x90, 0x90, 0x90, 0x90, 0x90]);
  x86BcjDecode(data, 0);
  t.same([...data.subarray(0, 5)], [0xe8, 1, 2, 3, 4]);
});

t.test('notes past the first MiB: only as much is decoded as the note segment needs', async (t) => {
  const elf = buildElf({ elfClass: 64, machine: EM.X86_64, notes: linuxXenNotes({ is64: true }), textSize: 3 * 1024 * 1024 });
  const info = readKernelImage(buildBzImage(gzip(elf), { version: 0x20f }));
  t.equal(info.ok && info.abi, 'x86_64');
});

t.test('truncated and corrupt payloads are reasons, never exceptions', async (t) => {
  for (const f of fixtures) {
    const packed = load(f);
    for (const cut of [1, 7, 13, 64, Math.floor(packed.length / 3), packed.length - 5]) {
      const r = readKernelImage(packed.subarray(0, cut));
      t.ok(r.ok || r.reason.length > 0, `${f.file} cut at ${cut}: ${r.ok ? 'read' : r.reason}`);
      const d = decompressPrefix(f.compression, packed.subarray(0, cut), 1 << 20);
      t.ok(d.ok || d.reason.length > 0, `${f.file} cut at ${cut}: decoder answers`);
    }
  }
  t.match(
    readKernelImage(buildBzImage(Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]))),
    { ok: false, reason: /xz payload: .* — annotate the guest with `# xenlint: guest-abi=\.\.\.`/ },
  );
});

t.test('property: random damage to any compressed kernel never throws', async (t) => {
  const damaged = fc.record({
    which: fc.nat({ max: fixtures.length - 1 }),
    edits: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 8,
    }),
    cut: fc.double({ min: 0.05, max: 1, noNaN: true }),
  });
  fc.assert(
    fc.property(damaged, ({ which, edits, cut }) => {
      const f = fixtures[which]!;
      const bytes = load(f).slice();
      for (const [where, value] of edits) bytes[Math.floor(where * (bytes.length - 1))] = value;
      const part = bytes.subarray(0, Math.max(1, Math.floor(bytes.length * cut)));
      const d = decompressPrefix(f.compression, part, 1 << 20);
      const r = readKernelImage(part);
      return (d.ok || d.reason.length > 0) && (r.ok || r.reason.length > 0);
    }),
    { numRuns: 60 },
  );
});

t.test('property: any bytes behind a compressor magic never throw', async (t) => {
  const magics: Record<Compression, number[]> = {
    gzip: [0x1f, 0x8b, 0x08, 0x00],
    xz: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x01],
    bzip2: [0x42, 0x5a, 0x68, 0x39],
    lzma: [0x5d, 0x00, 0x00, 0x80, 0x00],
    lzo: [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a],
    lz4: [0x02, 0x21, 0x4c, 0x18],
    zstd: [0x28, 0xb5, 0x2f, 0xfd],
  };
  fc.assert(
    fc.property(fc.constantFrom(...(Object.keys(magics) as Compression[])), fc.uint8Array({ maxLength: 2048 }), (kind, tail) => {
      const bytes = Uint8Array.from([...magics[kind], ...tail]);
      const d = decompressPrefix(kind, bytes, 1 << 20);
      const r = readKernelImage(bytes);
      return (d.ok || d.reason.length > 0) && (r.ok || r.reason.length > 0);
    }),
    { numRuns: 300 },
  );
});
