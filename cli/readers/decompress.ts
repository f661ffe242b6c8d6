/**
 * Every compressor a Linux kernel image (vmlinuz, or a bzImage payload) can be
 * packed with — gzip, bzip2, lzma, xz, lzo, lz4 and zstd, the KERNEL_* choices of
 * the kernel's `init/Kconfig` — behind one synchronous call that decodes only the
 * first `limit` bytes: the ELF notes xenlint reads sit in the first tens of MiB.
 *
 * gzip uses node:zlib; zstd uses fzstd and bzip2 seek-bzip (pure JavaScript, both
 * widely used and synchronous); lzma/xz and lz4/lzo are decoded by this project's
 * own small decoders (lzma.ts, lz4-lzo.ts), which say why.
 */
import { inflateRawSync, constants as zlibConstants } from 'node:zlib';
import { Decompress as ZstdStream } from 'fzstd';
import Bunzip from 'seek-bzip';
import { CorruptData, decodeInto, decodeLzmaAlone, decodeXz, type Decoded } from './lzma.js';
import { decodeLz4Legacy, decodeLzop } from './lz4-lzo.js';

export type { Decoded };

export type Compression = 'gzip' | 'bzip2' | 'lzma' | 'xz' | 'lzo' | 'lz4' | 'zstd';

/** Leading bytes of each format as the kernel's own decompressors (lib/decompress.c) recognise them. */
const MAGIC: Array<[Compression, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['lzma', [0x5d, 0x00, 0x00]],
  ['lzo', [0x89, 0x4c, 0x5a, 0x4f]],
  ['lz4', [0x02, 0x21, 0x4c, 0x18]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

export function compressionAt(b: Uint8Array, at: number): Compression | undefined {
  return MAGIC.find(([, m]) => at >= 0 && at + m.length <= b.length && m.every((x, k) => b[at + k] === x))?.[0];
}

/** The first `limit` bytes of the decompressed data (all of it when shorter), or why it cannot be read. */
export function decompressPrefix(kind: Compression, input: Uint8Array, limit: number): Decoded {
  try {
    switch (kind) {
      case 'gzip':
        return gunzipPrefix(input, limit);
      case 'xz':
        return decodeXz(input, limit);
      case 'lzma':
        return decodeLzmaAlone(input, limit);
      case 'lz4':
        return decodeLz4Legacy(input, limit);
      case 'lzo':
        return decodeLzop(input, limit);
      case 'zstd':
        return zstdPrefix(input, limit);
      case 'bzip2':
        return bzip2Prefix(input, limit);
    }
  } catch (e) {
    // The pure-JavaScript decoders throw plain Errors on corrupt data.
    return { ok: false, reason: `the ${kind} data is corrupt (${e instanceof Error ? e.message : String(e)})` };
  }
}

// ---------------------------------------------------------------------------
// gzip (RFC 1952) through node:zlib

function gzipBodyStart(b: Uint8Array): number | string {
  if (b.length < 10) return 'truncated inside the gzip header';
  if (b[0] !== 0x1f || b[1] !== 0x8b) return 'no gzip magic';
  if (b[2] !== 8) return `unsupported gzip method ${b[2] ?? '?'}`;
  const flags = b[3] ?? 0;
  if (flags & 0xe0) return 'reserved gzip flags set';
  let p = 10;
  if (flags & 0x04) {
    if (p + 2 > b.length) return 'truncated inside the gzip header';
    p += 2 + ((b[p] as number) | ((b[p + 1] as number) << 8));
  }
  for (const bit of [0x08, 0x10]) {
    if (flags & bit) {
      while (p < b.length && b[p] !== 0) p++;
      p++;
    }
  }
  if (flags & 0x02) p += 2;
  return p <= b.length ? p : 'truncated inside the gzip header';
}

function inflate(body: Uint8Array, maxOutput: number): Uint8Array | string {
  try {
    return inflateRawSync(body, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: maxOutput });
  } catch (e) {
    if (e instanceof RangeError) return 'too-large';
    return `the gzip data is corrupt (${e instanceof Error ? e.message : String(e)})`;
  }
}

/** zlib cannot stop at an output size, so it is fed a compressed prefix first: deflate rarely shrinks data. */
function gunzipPrefix(input: Uint8Array, limit: number): Decoded {
  const start = gzipBodyStart(input);
  if (typeof start === 'string') return { ok: false, reason: start };
  const body = input.subarray(start);
  const cap = Math.max(limit, 1);
  if (body.length > limit) {
    const first = inflate(body.subarray(0, limit), Number.MAX_SAFE_INTEGER);
    if (typeof first !== 'string' && first.length >= limit) return { ok: true, bytes: first.subarray(0, limit), complete: false };
  }
  const all = inflate(body, cap + 1);
  if (all === 'too-large') {
    // More than asked for: decode the prefix again, bounded.
    const some = inflate(body.subarray(0, Math.min(body.length, cap)), cap * 4);
    if (typeof some === 'string') return { ok: false, reason: some === 'too-large' ? 'the gzip data expands beyond any kernel' : some };
    return { ok: true, bytes: some.subarray(0, limit), complete: false };
  }
  if (typeof all === 'string') return { ok: false, reason: all };
  return all.length > limit ? { ok: true, bytes: all.subarray(0, limit), complete: false } : { ok: true, bytes: all, complete: true };
}

// ---------------------------------------------------------------------------
// zstd and bzip2 through their npm decoders

const ZSTD_FEED = 64 * 1024;

function zstdPrefix(input: Uint8Array, limit: number): Decoded {
  return decodeInto(limit, (out) => {
    const stream = new ZstdStream((chunk) => out.pushAll(chunk));
    // The kernel appends the uncompressed size after the frame; fzstd stops at the frame's end.
    for (let at = 0; at < input.length; at += ZSTD_FEED) {
      const end = Math.min(input.length, at + ZSTD_FEED);
      stream.push(input.subarray(at, end), end === input.length);
    }
  });
}

function bzip2Prefix(input: Uint8Array, limit: number): Decoded {
  return decodeInto(limit, (out) => {
    let pos = 0;
    const source = {
      readByte(): number {
        if (pos >= input.length) throw new CorruptData('the bzip2 data ends early');
        return input[pos++] as number;
      },
      read(buffer: Uint8Array, offset: number, length: number): number {
        if (pos >= input.length) return -1;
        const n = Math.min(length, input.length - pos);
        buffer.set(input.subarray(pos, pos + n), offset);
        pos += n;
        return n;
      },
      seek(to: number): void {
        pos = to;
      },
      eof(): boolean {
        return pos >= input.length;
      },
    };
    Bunzip.decode(source, { writeByte: (b: number) => out.push(b) });
  });
}
