/**
 * Xen's own `readnotes` (xen-utils-4.17) is the oracle for what a kernel's Xen
 * notes say. readnotes opens only plain and gzipped ELF files, so each kernel is
 * handed to it uncompressed, while xenlint reads the same kernel compressed by each
 * format's Debian tool, with the kernel build's flags, bare and inside a bzImage.
 * A real Debian kernel package (fetched by .ci/fetch-debian-kernel) is checked the
 * same way: its vmlinuz as shipped against readnotes on the vmlinux that
 * `xz`/`zstd`/... extract from it, as the kernel's scripts/extract-vmlinux does.
 *
 * XENLINT_WRITE_KERNEL_FIXTURES=1 also writes the compressed kernels and a manifest
 * to test/fixtures/kernels/, which the unit tests (no tools needed) read.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readKernelImage, type KernelImageInfo } from '../../cli/readers/kernel-image.js';
import { compressionAt, decompressPrefix, type Compression } from '../../cli/readers/decompress.js';
import { EM, buildBzImage, buildElf, linuxXenNotes } from '../helpers/elf-builder.js';
import { requireTool } from '../helpers/external-tool.js';
import { tempDir } from '../helpers/temp-dir.js';

const here = dirname(fileURLToPath(import.meta.url));
const READNOTES = '/usr/lib/xen-4.17/bin/readnotes';
const FIXTURES = join(here, '..', 'fixtures', 'kernels');
const KERNEL_CACHE = join(here, '.cache');

/** The kernel build's own flags for each compressor (arch/x86/boot/compressed/Makefile, scripts/Makefile.lib). */
const COMPRESSORS: Record<Compression, { argv: string[]; ext: string; pkg: string }> = {
  gzip: { argv: ['gzip', '-n', '-9', '-c'], ext: 'gz', pkg: 'gzip' },
  bzip2: { argv: ['bzip2', '-9', '-c'], ext: 'bz2', pkg: 'bzip2' },
  lzma: { argv: ['xz', '--format=lzma', '-9', '-c'], ext: 'lzma', pkg: 'xz-utils' },
  xz: { argv: ['xz', '--check=crc32', '--x86', '--lzma2=dict=32MiB', '-c'], ext: 'xz', pkg: 'xz-utils' },
  lzo: { argv: ['lzop', '-9', '-c'], ext: 'lzo', pkg: 'lzop' },
  lz4: { argv: ['lz4', '-l', '-12', '--favor-decSpeed', '-c'], ext: 'lz4', pkg: 'lz4' },
  zstd: { argv: ['zstd', '-22', '--ultra', '-q', '-c'], ext: 'zst', pkg: 'zstd' },
};

function run(argv: string[], input?: Uint8Array): Buffer {
  const r = spawnSync(argv[0]!, argv.slice(1), { input, maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr?.toString()}`);
  return r.stdout;
}

/** readnotes' lines "NAME: value", as a map; "unknown note type 0xN" lines are kept by number. */
function readnotes(elfPath: string): Map<string, string> {
  const notes = new Map<string, string>();
  for (const line of run([READNOTES, elfPath]).toString('latin1').split('\n')) {
    const unknown = /^unknown note type (0x[0-9a-f]+)/.exec(line);
    if (unknown) {
      notes.set(`type ${Number(unknown[1])}`, '');
      continue;
    }
    const m = /^([A-Z0-9_]+):\s*(.*)$/.exec(line);
    if (m) notes.set(m[1]!, m[2]!.trim());
  }
  return notes;
}

/** readnotes prints numbers as `0x1f (8 bytes)` or `   0 (8 bytes)`; strings as they are. */
function sameValue(name: string, theirs: string, ours: string | number | undefined): boolean {
  if (ours === undefined) return false;
  if (name === 'L1_MFN_VALID') return typeof ours === 'string' && /^mask=0x[0-9a-f]+ value=0x[0-9a-f]+$/.test(theirs);
  const num = /^(0x[0-9a-f]+|\d+) \(\d bytes\)$/.exec(theirs);
  if (num) return BigInt(num[1]!) === BigInt(ours);
  return theirs === String(ours);
}

const NOTE_TYPES_READNOTES_CALLS_UNKNOWN: Record<string, string> = { 'type 15': 'INIT_P2M', 'type 16': 'MOD_START_PFN', 'type 17': 'SUPPORTED_FEATURES' };

function compareWithReadnotes(t: Test, elfPath: string, info: KernelImageInfo, label: string): void {
  if (!info.ok) {
    t.fail(`${label}: xenlint could not read it: ${info.reason}`);
    return;
  }
  const oracle = readnotes(elfPath);
  t.ok(oracle.size > 0, `${label}: readnotes found notes`);
  const ours = new Map(Object.entries(info.xenNotes));
  for (const [name, value] of oracle) {
    const ourName = NOTE_TYPES_READNOTES_CALLS_UNKNOWN[name] ?? name;
    if (ourName !== name) {
      // readnotes 4.17 prints only the type of these: xenlint must have read the note, whatever its value.
      t.ok(ours.has(ourName), `${label}: note ${name} (${ourName}) read`);
      ours.delete(ourName);
      continue;
    }
    t.ok(sameValue(name, value, ours.get(ourName)), `${label}: ${ourName} — readnotes "${value}", xenlint ${JSON.stringify(ours.get(ourName))}`);
    ours.delete(ourName);
  }
  t.same([...ours.keys()], [], `${label}: xenlint reads no note readnotes does not`);
}

/** Small kernels become the unit tests' fixtures; the large one puts its notes past the first MiB xenlint decodes. */
const KERNELS: Array<{ name: string; abi: string; fixture: boolean; build: () => Uint8Array }> = [
  {
    name: 'x86_64',
    abi: 'x86_64',
    fixture: true,
    build: () => buildElf({ elfClass: 64, machine: EM.X86_64, notes: linuxXenNotes({ is64: true }), textSize: 120_000, x86Text: true }),
  },
  {
    name: 'x86_32p',
    abi: 'x86_32p',
    fixture: true,
    build: () =>
      buildElf({ elfClass: 32, machine: EM.I386, notes: linuxXenNotes({ is64: false, pae: 'yes' }), textSize: 80_000, x86Text: true }),
  },
  {
    name: 'x86_64-notes-past-1MiB',
    abi: 'x86_64',
    fixture: false,
    build: () => buildElf({ elfClass: 64, machine: EM.X86_64, notes: linuxXenNotes({ is64: true }), textSize: 3_000_000, x86Text: true }),
  },
];

t.test('synthetic kernels, compressed by each Debian tool, read as readnotes reads them uncompressed', async (t) => {
  if (!requireTool(t, READNOTES, 'Debian package xen-utils-4.17')) return;
  const dir = tempDir('xenlint-kernels-');
  const manifest: Record<string, unknown>[] = [];
  for (const { name, abi, fixture, build } of KERNELS) {
    const elf = build();
    const elfPath = join(dir, `vmlinux-${name}`);
    writeFileSync(elfPath, elf);
    for (const [kind, tool] of Object.entries(COMPRESSORS) as Array<[Compression, (typeof COMPRESSORS)[Compression]]>) {
      if (!requireTool(t, tool.argv[0]!, `Debian package ${tool.pkg}`)) continue;
      const packed = run(tool.argv, elf);
      t.equal(compressionAt(packed, 0), kind, `${kind}: recognised by its magic`);
      const whole = decompressPrefix(kind, packed, 64 * 1024 * 1024);
      t.ok(whole.ok && whole.complete && Buffer.compare(Buffer.from(whole.bytes), Buffer.from(elf)) === 0, `${name} ${kind}: decompresses byte for byte to the kernel`);
      const bare = readKernelImage(packed);
      compareWithReadnotes(t, elfPath, bare, `${name} ${kind}`);
      t.equal(bare.ok && bare.abi, abi, `${name} ${kind}: ABI`);
      const bz = readKernelImage(buildBzImage(packed, { version: 0x20f }));
      compareWithReadnotes(t, elfPath, bz, `${name} bzImage ${kind}`);
      if (fixture && process.env.XENLINT_WRITE_KERNEL_FIXTURES === '1') {
        mkdirSync(FIXTURES, { recursive: true });
        const file = `vmlinux-${name}.${tool.ext}`;
        writeFileSync(join(FIXTURES, file), packed);
        manifest.push({
          file,
          compression: kind,
          abi,
          bytes: elf.length,
          sha256: createHash('sha256').update(elf).digest('hex'),
          notes: bare.ok ? bare.xenNotes : {},
        });
      }
    }
  }
  if (manifest.length > 0) writeFileSync(join(FIXTURES, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
});

/** The payload of a bzImage, found by magic as scripts/extract-vmlinux does, decompressed by the Debian tool. */
function extractVmlinux(vmlinuz: Buffer): { kind: Compression; elf: Buffer } | undefined {
  for (let at = 0; at < vmlinuz.length - 8; at++) {
    const kind = compressionAt(vmlinuz, at);
    if (!kind) continue;
    const tool = COMPRESSORS[kind];
    const decompress = kind === 'xz' || kind === 'lzma' ? ['xz', '-d', '--single-stream', '-c'] : [tool.argv[0]!, '-d', '-c'];
    const r = spawnSync(decompress[0]!, decompress.slice(1), { input: vmlinuz.subarray(at), maxBuffer: 512 * 1024 * 1024 });
    if (r.stdout.length > 4 && r.stdout.subarray(0, 4).toString('latin1') === '\x7fELF') return { kind, elf: r.stdout };
  }
  return undefined;
}

t.test('a real Debian kernel package, as shipped', async (t) => {
  if (!requireTool(t, READNOTES, 'Debian package xen-utils-4.17')) return;
  const cached = (): string[] => (existsSync(KERNEL_CACHE) ? readdirSync(KERNEL_CACHE).filter((f) => f.startsWith('vmlinuz-')) : []);
  // In CI the kernel is fetched here when .ci/run has not done it, so `npm run test:integration` alone suffices there too.
  if (cached().length === 0 && process.env.CI === 'true') {
    spawnSync('bash', [join(here, '..', '..', '.ci', 'fetch-debian-kernel')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  }
  const images = cached();
  if (images.length === 0) {
    const message = `no Debian kernel in ${KERNEL_CACHE} (run .ci/fetch-debian-kernel)`;
    if (process.env.CI === 'true') t.fail(`${message}; .ci/run fetches it`);
    else t.test(message, { skip: `skipped: ${message}` }, () => {});
    return;
  }
  for (const image of images) {
    const vmlinuz = readFileSync(join(KERNEL_CACHE, image));
    const extracted = extractVmlinux(vmlinuz);
    if (!extracted) {
      t.fail(`${image}: no payload the Debian tools could extract`);
      continue;
    }
    const dir = tempDir('xenlint-vmlinux-');
    const elfPath = join(dir, 'vmlinux');
    writeFileSync(elfPath, extracted.elf);
    const info = readKernelImage(vmlinuz);
    t.equal(info.ok && info.format, 'bzimage-elf', `${image}: read as a bzImage`);
    t.equal(info.ok && info.compression, extracted.kind, `${image}: payload compression`);
    t.equal(info.ok && info.abi, 'x86_64', `${image}: a 64-bit PV-capable kernel`);
    compareWithReadnotes(t, elfPath, info, image);
  }
});
