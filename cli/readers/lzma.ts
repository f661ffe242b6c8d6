/**
 * LZMA, LZMA2, the .lzma ("alone") and .xz containers, and xz's x86 BCJ filter —
 * just enough to read the start of a compressed kernel synchronously.
 *
 * Linux builds xz-compressed kernels with `xz --check=crc32 --x86 --lzma2`
 * (scripts/xz_wrap.sh) and lzma ones with `lzma -9`; Debian's and Ubuntu's
 * vmlinuz payloads are xz. Node has no LZMA, and the npm decoders are either
 * asynchronous (WebAssembly streams) or handle only one container, so the decoder
 * is written here from the format descriptions (the LZMA SDK's
 * lzma-specification.txt and the .xz file format specification 1.1.0), and
 * tested byte for byte against Debian's `xz` and `lzma`.
 *
 * Every decoder writes into an output that stops at a byte limit: the caller asks
 * for as much of the image as the ELF notes need, never more. Nothing throws out
 * of the exported functions; corrupt input is a reason.
 */

export type Decoded = { ok: true; bytes: Uint8Array; complete: boolean } | { ok: false; reason: string };

/** Raised inside a decoder when the output holds as many bytes as were asked for. */
class Enough {}
/** Raised inside a decoder on corrupt or unsupported input. */
export class CorruptData {
  constructor(readonly reason: string) {}
}

/** A growing output buffer that doubles as the LZ77 dictionary (the whole output is kept). */
export class Output {
  private buf: Uint8Array;
  length = 0;
  constructor(readonly limit: number) {
    this.buf = new Uint8Array(Math.min(limit, 1 << 16));
  }
  private grow(need: number): void {
    let size = this.buf.length;
    while (size < need) size *= 2;
    const next = new Uint8Array(Math.min(size, this.limit));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  push(byte: number): void {
    if (this.length >= this.limit) throw new Enough();
    if (this.length === this.buf.length) this.grow(this.length + 1);
    this.buf[this.length++] = byte;
  }
  pushAll(bytes: Uint8Array): void {
    const n = Math.min(bytes.length, this.limit - this.length);
    if (this.length + n > this.buf.length) this.grow(this.length + n);
    this.buf.set(bytes.subarray(0, n), this.length);
    this.length += n;
    if (n < bytes.length) throw new Enough();
  }
  /** The byte `distance` back from the end (1 = the last one written). */
  back(distance: number): number {
    const at = this.length - distance;
    if (at < 0) throw new CorruptData(`a match reaches ${distance} bytes back, before the start of the data`);
    return this.buf[at] as number;
  }
  copyMatch(distance: number, length: number): void {
    if (distance > this.length || distance <= 0) {
      throw new CorruptData(`a match reaches ${distance} bytes back, before the start of the data`);
    }
    const n = Math.min(length, this.limit - this.length);
    if (this.length + n > this.buf.length) this.grow(this.length + n);
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < n; i++, at++) buf[at] = buf[at - distance] as number;
    this.length = at;
    if (n < length) throw new Enough();
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Runs a decoder into an Output of `limit` bytes; turns its stop signals into a result. */
export function decodeInto(limit: number, decode: (out: Output) => void): Decoded {
  const out = new Output(limit);
  try {
    decode(out);
    return { ok: true, bytes: out.bytes(), complete: true };
  } catch (e) {
    if (e instanceof Enough) return { ok: true, bytes: out.bytes(), complete: false };
    if (e instanceof CorruptData) return { ok: false, reason: e.reason };
    if (e instanceof RangeError) return { ok: false, reason: `the data is corrupt (${e.message})` };
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Range decoder

class RangeDecoder {
  private range = 0xffffffff;
  private code = 0;
  constructor(
    private readonly input: Uint8Array,
    private pos: number,
    private readonly end: number,
  ) {
    if (this.byte() !== 0) throw new CorruptData('the LZMA range coder does not start with a zero byte');
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.byte()) >>> 0;
    if (this.code === this.range) throw new CorruptData('the LZMA range coder starts in an impossible state');
  }
  private byte(): number {
    if (this.pos >= this.end) throw new CorruptData('the LZMA data ends early');
    return this.input[this.pos++] as number;
  }
  get position(): number {
    return this.pos;
  }
  get finishedOk(): boolean {
    return this.code === 0;
  }
  private normalize(): void {
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.byte()) >>> 0;
    }
  }
  bit(probs: Uint16Array, i: number): number {
    const p = probs[i] as number;
    const bound = (this.range >>> 11) * p;
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      bit = 0;
    } else {
      this.range -= bound;
      this.code -= bound;
      probs[i] = p - (p >>> 5);
      bit = 1;
    }
    this.normalize();
    return bit;
  }
  direct(count: number): number {
    let result = 0;
    for (let i = 0; i < count; i++) {
      this.range >>>= 1;
      let bit = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        bit = 1;
      }
      result = result * 2 + bit;
      this.normalize();
    }
    return result;
  }
  tree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(probs, base + m);
    return m - (1 << bits);
  }
  reverseTree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let symbol = 0;
    for (let i = 0; i < bits; i++) {
      const bit = this.bit(probs, base + m);
      m = (m << 1) | bit;
      symbol |= bit << i;
    }
    return symbol;
  }
}

// ---------------------------------------------------------------------------
// LZMA

const PROB_INIT = 1024;
const STATES = 12;
const POS_STATES_MAX = 16;
const END_POS_MODEL_INDEX = 14;
const FULL_DISTANCES = 128;
const MATCH_MIN_LEN = 2;

export interface LzmaProps {
  lc: number;
  lp: number;
  pb: number;
}

export function propsFromByte(d: number): LzmaProps {
  if (d >= 9 * 5 * 5) throw new CorruptData(`invalid LZMA properties byte ${d}`);
  return { lc: d % 9, lp: Math.floor(d / 9) % 5, pb: Math.floor(d / 45) };
}

class LengthDecoder {
  // choice, choice2, low[16][8], mid[16][8], high[256]
  private readonly probs = new Uint16Array(2 + POS_STATES_MAX * 8 * 2 + 256);
  reset(): void {
    this.probs.fill(PROB_INIT);
  }
  decode(rc: RangeDecoder, posState: number): number {
    if (rc.bit(this.probs, 0) === 0) return rc.tree(this.probs, 2 + posState * 8, 3);
    if (rc.bit(this.probs, 1) === 0) return 8 + rc.tree(this.probs, 2 + POS_STATES_MAX * 8 + posState * 8, 3);
    return 16 + rc.tree(this.probs, 2 + POS_STATES_MAX * 8 * 2, 8);
  }
}

/** One LZMA decoder state: probabilities, the state machine and the four repeat distances. */
export class LzmaDecoder {
  private props: LzmaProps = { lc: 3, lp: 0, pb: 2 };
  private literal = new Uint16Array(0x300 << 3);
  private readonly isMatch = new Uint16Array(STATES * POS_STATES_MAX);
  private readonly isRep = new Uint16Array(STATES);
  private readonly isRepG0 = new Uint16Array(STATES);
  private readonly isRepG1 = new Uint16Array(STATES);
  private readonly isRepG2 = new Uint16Array(STATES);
  private readonly isRep0Long = new Uint16Array(STATES * POS_STATES_MAX);
  private readonly posSlot = new Uint16Array(4 * 64);
  private readonly posSpecial = new Uint16Array(1 + FULL_DISTANCES - END_POS_MODEL_INDEX);
  private readonly align = new Uint16Array(16);
  private readonly len = new LengthDecoder();
  private readonly repLen = new LengthDecoder();
  private state = 0;
  private reps = [0, 0, 0, 0];

  setProps(props: LzmaProps): void {
    if (props.lc + props.lp > 12) throw new CorruptData('LZMA lc + lp is above 12');
    this.props = props;
    const size = 0x300 << (props.lc + props.lp);
    if (this.literal.length !== size) this.literal = new Uint16Array(size);
  }

  resetState(): void {
    for (const p of [this.literal, this.isMatch, this.isRep, this.isRepG0, this.isRepG1, this.isRepG2, this.isRep0Long, this.posSlot, this.posSpecial, this.align]) {
      p.fill(PROB_INIT);
    }
    this.len.reset();
    this.repLen.reset();
    this.state = 0;
    this.reps = [0, 0, 0, 0];
  }

  /**
   * Decodes until `stopAt` bytes of output (LZMA2 chunks, .lzma with a known size)
   * or the end marker; returns true when the end marker was seen.
   */
  decode(rc: RangeDecoder, out: Output, stopAt: number, endMarkerAllowed: boolean): boolean {
    const { lc, lp, pb } = this.props;
    const pbMask = (1 << pb) - 1;
    const lpMask = (1 << lp) - 1;
    while (out.length < stopAt) {
      const posState = out.length & pbMask;
      const s = this.state;
      if (rc.bit(this.isMatch, (s << 4) + posState) === 0) {
        const prev = out.length > 0 ? out.back(1) : 0;
        const base = 0x300 * (((out.length & lpMask) << lc) + (prev >>> (8 - lc)));
        let symbol = 1;
        if (s >= 7) {
          let matchByte = out.back(this.reps[0]! + 1);
          while (symbol < 0x100) {
            const matchBit = (matchByte >>> 7) & 1;
            matchByte <<= 1;
            const bit = rc.bit(this.literal, base + ((1 + matchBit) << 8) + symbol);
            symbol = (symbol << 1) | bit;
            if (matchBit !== bit) break;
          }
        }
        while (symbol < 0x100) symbol = (symbol << 1) | rc.bit(this.literal, base + symbol);
        out.push(symbol - 0x100);
        this.state = s < 4 ? 0 : s < 10 ? s - 3 : s - 6;
        continue;
      }
      let length: number;
      if (rc.bit(this.isRep, s) === 0) {
        length = this.len.decode(rc, posState);
        this.state = s < 7 ? 7 : 10;
        const distance = this.distance(rc, length);
        if (distance === 0xffffffff) {
          if (!endMarkerAllowed) throw new CorruptData('an LZMA end marker where none is allowed');
          return true;
        }
        this.reps = [distance, this.reps[0]!, this.reps[1]!, this.reps[2]!];
      } else {
        if (out.length === 0) throw new CorruptData('an LZMA repeat match before any data');
        if (rc.bit(this.isRepG0, s) === 0) {
          if (rc.bit(this.isRep0Long, (s << 4) + posState) === 0) {
            this.state = s < 7 ? 9 : 11;
            out.push(out.back(this.reps[0]! + 1));
            continue;
          }
        } else {
          let distance: number;
          if (rc.bit(this.isRepG1, s) === 0) {
            distance = this.reps[1]!;
          } else {
            if (rc.bit(this.isRepG2, s) === 0) {
              distance = this.reps[2]!;
            } else {
              distance = this.reps[3]!;
              this.reps[3] = this.reps[2]!;
            }
            this.reps[2] = this.reps[1]!;
          }
          this.reps[1] = this.reps[0]!;
          this.reps[0] = distance;
        }
        length = this.repLen.decode(rc, posState);
        this.state = s < 7 ? 8 : 11;
      }
      out.copyMatch(this.reps[0]! + 1, Math.min(length + MATCH_MIN_LEN, stopAt - out.length));
    }
    return false;
  }

  private distance(rc: RangeDecoder, length: number): number {
    const lenState = Math.min(length, 3);
    const slot = rc.tree(this.posSlot, lenState * 64, 6);
    if (slot < 4) return slot;
    const directBits = (slot >>> 1) - 1;
    let dist = (2 | (slot & 1)) * 2 ** directBits;
    if (slot < END_POS_MODEL_INDEX) {
      return dist + rc.reverseTree(this.posSpecial, dist - slot, directBits);
    }
    dist += rc.direct(directBits - 4) * 16;
    dist += rc.reverseTree(this.align, 0, 4);
    return dist;
  }
}

// ---------------------------------------------------------------------------
// .lzma ("alone"): props byte, 4-byte dictionary size, 8-byte uncompressed size

export function decodeLzmaAlone(input: Uint8Array, limit: number): Decoded {
  return decodeInto(limit, (out) => {
    if (input.length < 13) throw new CorruptData('truncated inside the .lzma header');
    const dec = new LzmaDecoder();
    dec.setProps(propsFromByte(input[0] as number));
    dec.resetState();
    const dv = new DataView(input.buffer, input.byteOffset, input.byteLength);
    const lo = dv.getUint32(5, true);
    const hi = dv.getUint32(9, true);
    const known = !(lo === 0xffffffff && hi === 0xffffffff);
    const size = known ? hi * 2 ** 32 + lo : Number.POSITIVE_INFINITY;
    const rc = new RangeDecoder(input, 13, input.length);
    const ended = dec.decode(rc, out, Math.min(size, Number.MAX_SAFE_INTEGER), true);
    if (!known && !ended) throw new CorruptData('the .lzma stream has no end marker');
  });
}

// ---------------------------------------------------------------------------
// LZMA2 chunks

function decodeLzma2(input: Uint8Array, start: number, end: number, out: Output): number {
  const dec = new LzmaDecoder();
  let pos = start;
  let needProps = true;
  const at = (i: number): number => {
    if (i >= end) throw new CorruptData('the LZMA2 data ends early');
    return input[i] as number;
  };
  for (;;) {
    const control = at(pos++);
    if (control === 0x00) return pos;
    if (control === 0x01 || control === 0x02) {
      const size = ((at(pos) << 8) | at(pos + 1)) + 1;
      pos += 2;
      if (pos + size > end) throw new CorruptData('an uncompressed LZMA2 chunk runs past the data');
      out.pushAll(input.subarray(pos, pos + size));
      pos += size;
      continue;
    }
    if (control < 0x80) throw new CorruptData(`invalid LZMA2 control byte 0x${control.toString(16)}`);
    const unpacked = (control & 0x1f) * 0x10000 + ((at(pos) << 8) | at(pos + 1)) + 1;
    const packed = ((at(pos + 2) << 8) | at(pos + 3)) + 1;
    pos += 4;
    const reset = (control >>> 5) & 3;
    if (reset >= 2) {
      dec.setProps(propsFromByte(at(pos++)));
      needProps = false;
    } else if (needProps) {
      throw new CorruptData('the first LZMA2 chunk does not set the LZMA properties');
    }
    if (reset >= 1) dec.resetState();
    if (pos + packed > end) throw new CorruptData('an LZMA2 chunk runs past the data');
    const rc = new RangeDecoder(input, pos, pos + packed);
    dec.decode(rc, out, out.length + unpacked, false);
    pos += packed;
  }
}

// ---------------------------------------------------------------------------
// .xz

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const CHECK_SIZES: Record<number, number> = { 0: 0, 1: 4, 4: 8, 10: 32 };
const FILTER_DELTA = 0x03;
const FILTER_X86 = 0x04;
const FILTER_LZMA2 = 0x21;

function varint(input: Uint8Array, pos: number, end: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (pos >= end) throw new CorruptData('truncated inside an xz block header');
    const b = input[pos++] as number;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [value, pos];
  }
  throw new CorruptData('an xz integer is longer than nine bytes');
}

interface XzFilter {
  id: number;
  props: Uint8Array;
}

export function decodeXz(input: Uint8Array, limit: number): Decoded {
  // BCJ looks four bytes ahead of each position: decode a little past the limit
  // so the bytes handed back are final.
  const r = decodeInto(limit + 8, (out) => {
    if (input.length < 12 || !XZ_MAGIC.every((m, i) => input[i] === m)) throw new CorruptData('not an xz stream');
    if (input[6] !== 0) throw new CorruptData('unsupported xz stream flags');
    const checkSize = CHECK_SIZES[(input[7] as number) & 0x0f];
    if (checkSize === undefined) throw new CorruptData(`unsupported xz check type ${(input[7] as number) & 0x0f}`);
    let pos = 12;
    for (;;) {
      if (pos >= input.length) throw new CorruptData('the xz stream ends before its index');
      const headerByte = input[pos] as number;
      if (headerByte === 0x00) return; // the index: no more blocks
      const headerEnd = pos + (headerByte + 1) * 4;
      if (headerEnd > input.length) throw new CorruptData('truncated inside an xz block header');
      const flags = input[pos + 1] as number;
      if (flags & 0x3c) throw new CorruptData('reserved xz block flags set');
      let p = pos + 2;
      if (flags & 0x40) p = varint(input, p, headerEnd)[1];
      if (flags & 0x80) p = varint(input, p, headerEnd)[1];
      const chain: XzFilter[] = [];
      for (let i = 0; i < (flags & 3) + 1; i++) {
        const [id, p1] = varint(input, p, headerEnd);
        const [size, p2] = varint(input, p1, headerEnd);
        if (p2 + size > headerEnd) throw new CorruptData('truncated inside xz filter properties');
        chain.push({ id, props: input.subarray(p2, p2 + size) });
        p = p2 + size;
      }
      const last = chain[chain.length - 1];
      if (!last || last.id !== FILTER_LZMA2) throw new CorruptData('the xz block does not end with LZMA2');
      let bcjStart: number | undefined;
      for (const f of chain.slice(0, -1)) {
        if (f.id !== FILTER_X86 || bcjStart !== undefined) {
          throw new CorruptData(
            f.id === FILTER_DELTA ? 'the xz delta filter is not supported' : `unsupported xz filter chain (0x${f.id.toString(16)})`,
          );
        }
        if (f.props.length !== 0 && f.props.length !== 4) throw new CorruptData('invalid xz x86 filter properties');
        bcjStart = f.props.length === 4 ? new DataView(f.props.buffer, f.props.byteOffset, 4).getUint32(0, true) : 0;
      }
      const blockStart = out.length;
      try {
        pos = decodeLzma2(input, headerEnd, input.length, out);
        while (pos % 4 !== 0) pos++;
        pos += checkSize;
      } finally {
        // Also on Enough: the prefix decoded so far is handed back filtered.
        if (bcjStart !== undefined) x86BcjDecode(out.bytes().subarray(blockStart), bcjStart);
      }
    }
  });
  if (!r.ok) return r;
  if (r.bytes.length > limit) return { ok: true, bytes: r.bytes.subarray(0, limit), complete: false };
  return r;
}

/** xz's x86 branch-call-jump decoder: turns the absolute call/jump targets the encoder wrote back into relative ones. */
export function x86BcjDecode(buf: Uint8Array, startOffset: number): void {
  const allowed = [true, true, true, false, true, false, false, false];
  const bitNumber = [0, 1, 2, 2, 3, 3, 3, 3];
  const isMsByte = (b: number): boolean => b === 0 || b === 0xff;
  let prevMask = 0;
  let prevPos = -5;
  const limit = buf.length - 5;
  let i = 0;
  while (i <= limit) {
    const op = buf[i] as number;
    if (op !== 0xe8 && op !== 0xe9) {
      i++;
      continue;
    }
    const offset = i - prevPos;
    prevPos = i;
    if (offset > 5) {
      prevMask = 0;
    } else {
      for (let k = 0; k < offset; k++) {
        prevMask &= 0x77;
        prevMask <<= 1;
      }
    }
    let b = buf[i + 4] as number;
    if (isMsByte(b) && allowed[(prevMask >>> 1) & 7] && prevMask >>> 1 < 0x10) {
      let src = (b * 0x1000000 + ((buf[i + 3] as number) << 16) + ((buf[i + 2] as number) << 8) + (buf[i + 1] as number)) >>> 0;
      let dest: number;
      for (;;) {
        dest = (src - (startOffset + i + 5)) >>> 0;
        if (prevMask === 0) break;
        const n = bitNumber[prevMask >>> 1] as number;
        b = (dest >>> (24 - n * 8)) & 0xff;
        if (!isMsByte(b)) break;
        src = (dest ^ (2 ** (32 - n * 8) - 1)) >>> 0;
      }
      buf[i + 4] = (dest >>> 24) & 1 ? 0xff : 0x00;
      buf[i + 3] = (dest >>> 16) & 0xff;
      buf[i + 2] = (dest >>> 8) & 0xff;
      buf[i + 1] = dest & 0xff;
      i += 5;
      prevMask = 0;
    } else {
      i++;
      prevMask |= 1;
      if (isMsByte(b)) prevMask |= 0x10;
    }
  }
}
