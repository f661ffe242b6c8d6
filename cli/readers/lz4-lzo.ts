/**
 * The two byte-oriented LZ77 formats Linux can compress a kernel with: LZ4 in its
 * legacy frame (`lz4 -l`, what the kernel's build and lib/decompress_unlz4.c use)
 * and LZO1X inside an lzop file (`lzop -9`, lib/decompress_unlzo.c). Both decoders
 * are small enough that a dependency would cost more than it saves: npm's lz4
 * packages read only the modern frame, and its LZO packages are native bindings
 * or unmaintained. Written from the format descriptions (lz4_Block_format.md,
 * LZO1X as documented in lzo's LZO.TXT and the kernel's Documentation/staging/lzo.rst)
 * and tested byte for byte against Debian's `lz4` and `lzop`.
 */
import { CorruptData, decodeInto, type Decoded, type Output } from './lzma.js';

// ---------------------------------------------------------------------------
// LZ4 legacy frame: magic 0x184C2102, then blocks of [u32 LE compressed size][data]

const LZ4_LEGACY_MAGIC = 0x184c2102;
const LZ4_LEGACY_BLOCK_MAX = 8 * 1024 * 1024;

export function decodeLz4Legacy(input: Uint8Array, limit: number): Decoded {
  return decodeInto(limit, (out) => {
    const dv = new DataView(input.buffer, input.byteOffset, input.byteLength);
    if (input.length < 4 || dv.getUint32(0, true) !== LZ4_LEGACY_MAGIC) throw new CorruptData('not an LZ4 legacy frame');
    let pos = 4;
    while (pos + 4 <= input.length) {
      const size = dv.getUint32(pos, true);
      pos += 4;
      if (size === LZ4_LEGACY_MAGIC) continue; // concatenated frames
      // The kernel build appends the uncompressed size as four bytes: a "block
      // size" that does not fit in what is left ends the stream, as in the kernel.
      if (size > LZ4_LEGACY_BLOCK_MAX || pos + size > input.length) break;
      lz4Block(input, pos, pos + size, out);
      pos += size;
    }
  });
}

function lz4Block(input: Uint8Array, start: number, end: number, out: Output): void {
  let pos = start;
  const byte = (): number => {
    if (pos >= end) throw new CorruptData('an LZ4 block ends inside a sequence');
    return input[pos++] as number;
  };
  const extend = (n: number): number => {
    if (n !== 15) return n;
    let b: number;
    do {
      b = byte();
      n += b;
    } while (b === 255);
    return n;
  };
  while (pos < end) {
    const token = byte();
    const literals = extend(token >>> 4);
    if (pos + literals > end) throw new CorruptData('LZ4 literals run past the block');
    out.pushAll(input.subarray(pos, pos + literals));
    pos += literals;
    if (pos === end) return; // the last sequence has literals only
    const offset = byte() | (byte() << 8);
    if (offset === 0) throw new CorruptData('an LZ4 match with offset 0');
    out.copyMatch(offset, extend(token & 15) + 4);
  }
}

// ---------------------------------------------------------------------------
// lzop container with LZO1X blocks

const LZOP_MAGIC = [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a];
const F_ADLER32_D = 0x1;
const F_ADLER32_C = 0x2;
const F_H_EXTRA_FIELD = 0x40;
const F_CRC32_D = 0x100;
const F_CRC32_C = 0x200;
const F_H_FILTER = 0x800;
const LZOP_BLOCK_MAX = 64 * 1024 * 1024;

export function decodeLzop(input: Uint8Array, limit: number): Decoded {
  return decodeInto(limit, (out) => {
    const dv = new DataView(input.buffer, input.byteOffset, input.byteLength);
    const need = (at: number, n: number): void => {
      if (at + n > input.length) throw new CorruptData('truncated inside the lzop data');
    };
    need(0, LZOP_MAGIC.length);
    if (!LZOP_MAGIC.every((m, i) => input[i] === m)) throw new CorruptData('not an lzop file');
    let p = LZOP_MAGIC.length;
    need(p, 6);
    const version = dv.getUint16(p);
    p += 4; // version, library version
    if (version >= 0x0940) p += 2; // version needed to extract
    need(p, 1);
    const method = input[p++] as number;
    if (method < 1 || method > 3) throw new CorruptData(`unsupported lzop method ${method} (only LZO1X)`);
    if (version >= 0x0940) p += 1; // level
    need(p, 4);
    const flags = dv.getUint32(p);
    p += 4;
    if (flags & F_H_FILTER) p += 4;
    p += 4 + 4; // mode, mtime low
    if (version >= 0x0940) p += 4; // mtime high
    need(p, 1);
    p += 1 + (input[p] as number); // file name
    p += 4; // header checksum
    if (flags & F_H_EXTRA_FIELD) {
      need(p, 4);
      p += 4 + dv.getUint32(p) + 4;
    }
    for (;;) {
      need(p, 4);
      const dstLen = dv.getUint32(p);
      p += 4;
      if (dstLen === 0) return;
      need(p, 4);
      const srcLen = dv.getUint32(p);
      p += 4;
      if (dstLen > LZOP_BLOCK_MAX || srcLen > dstLen) throw new CorruptData('an lzop block has impossible sizes');
      if (flags & F_ADLER32_D) p += 4;
      if (flags & F_CRC32_D) p += 4;
      if (srcLen < dstLen) {
        if (flags & F_ADLER32_C) p += 4;
        if (flags & F_CRC32_C) p += 4;
      }
      need(p, srcLen);
      const blockEnd = out.length + dstLen;
      if (srcLen === dstLen) out.pushAll(input.subarray(p, p + srcLen));
      else lzo1x(input, p, p + srcLen, out);
      if (out.length !== blockEnd) throw new CorruptData('an LZO block decompresses to the wrong size');
      p += srcLen;
    }
  });
}

/** LZO1X decompression of one block; follows the instruction encoding of LZO1X-1/999. */
function lzo1x(input: Uint8Array, start: number, end: number, out: Output): void {
  let ip = start;
  const byte = (): number => {
    if (ip >= end) throw new CorruptData('an LZO block ends inside an instruction');
    return input[ip++] as number;
  };
  const literals = (n: number): void => {
    if (ip + n > end) throw new CorruptData('LZO literals run past the block');
    out.pushAll(input.subarray(ip, ip + n));
    ip += n;
  };
  /** A length with zero-byte extension: each 0 adds 255, the first non-zero byte ends it. */
  const extended = (base: number): number => {
    let n = 0;
    let b = byte();
    while (b === 0) {
      n += 255;
      b = byte();
    }
    return n + base + b;
  };

  // `state` is the number of literals the previous instruction copied (0..3), or 4
  // after a literal run of four or more: it decides what a small opcode means.
  let state = 0;
  let t = byte();
  if (t > 17) {
    literals(t - 17);
    state = t - 17 < 4 ? t - 17 : 4;
    t = byte();
  }
  for (;;) {
    let distance: number;
    let length: number;
    let next: number;
    if (t < 16) {
      if (state === 0) {
        const n = t === 0 ? extended(15) : t;
        literals(n + 3);
        state = 4;
        t = byte();
        continue;
      }
      next = t & 3;
      if (state === 4) {
        distance = 1 + 0x800 + (t >>> 2) + (byte() << 2);
        length = 3;
      } else {
        distance = 1 + (t >>> 2) + (byte() << 2);
        length = 2;
      }
    } else if (t >= 64) {
      next = t & 3;
      distance = 1 + ((t >>> 2) & 7) + (byte() << 3);
      length = (t >>> 5) + 1;
    } else if (t >= 32) {
      length = (t & 31) === 0 ? extended(31) + 2 : (t & 31) + 2;
      const lo = byte();
      const hi = byte();
      next = lo & 3;
      distance = 1 + (lo >>> 2) + (hi << 6);
    } else {
      length = (t & 7) === 0 ? extended(7) + 2 : (t & 7) + 2;
      const lo = byte();
      const hi = byte();
      next = lo & 3;
      const d = ((t & 8) << 11) + (lo >>> 2) + (hi << 6);
      if (d === 0) return; // end of stream
      distance = d + 0x4000;
    }
    out.copyMatch(distance, length);
    literals(next);
    state = next;
    t = byte();
  }
}
