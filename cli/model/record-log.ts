/**
 * Text records a run keeps until its end but rarely reads (issue 14: the
 * folded cross-guest state of the built-in checks, one record per guest or per
 * disk), appended to a temporary file rather than held on the heap: what stays
 * in memory is each record's offset. A record is read back when a finding
 * needs it, or to compare a key whose hash matched (KeyIndex).
 *
 * The file is opened only once the records outgrow one block (a run of a few
 * guests never touches the file system), and is a privateTempFile: readable
 * by its owner only, gone when the process ends. Where it cannot be created (no
 * TMPDIR folder, a read-only one) the blocks are held in memory, as the
 * finding spill does; a write that fails (TMPDIR full) exits 2 with
 * PrivateTempFile's message (isTempFileFailure).
 */
import { privateTempFile, type PrivateTempFile } from './private-temp-file.js';
import { releaseNow } from './release-buffer.js';

/** Bytes gathered before they are written; the file is created at the first full block. */
let blockBytes = 1 << 16;

/** For tests: a smaller block, so that a few records reach the temporary file (or its fallback). Returns the previous size. */
export function setRecordBlockForTesting(bytes: number): number {
  const was = blockBytes;
  blockBytes = bytes;
  return was;
}

/** The largest offset kept in 32 bits: a log's offsets move to doubles past it. */
let narrowLimit = 0xffff_ffff;

/** For tests: a lower limit, so that a few records move a log's offsets to doubles. Returns the previous one. */
export function setRecordOffsetLimitForTesting(bytes: number): number {
  const was = narrowLimit;
  narrowLimit = bytes;
  return was;
}

/** Closes a log's file once the log itself is gone (a run whose `across` never came: a check that threw, an aborted run). */
const orphans = new FinalizationRegistry<PrivateTempFile>((file) => file.close());

export class RecordLog {
  private count = 0;
  /**
   * Where each record ends; record i starts where i - 1 ends (0 for the
   * first). In 32 bits until an offset needs more (4 MiB of the folds'
   * offsets at 100 000 configs were doubles; issue 14), from there in doubles.
   */
  private readonly ends = new OffsetList();
  private pending: Buffer;
  private pendingBytes = 0;
  /** Bytes before `pending`: in the file, or in `held`. */
  private written = 0;
  private file: PrivateTempFile | undefined;
  /** The written blocks, when there is no temporary file, and where each starts. */
  private held: Buffer[] | undefined;
  private heldStarts: number[] = [];
  /** The block read last from the file, for reads in order: its bytes at the start of `room` (or a buffer of their own, for a record longer than a block). */
  private cached: { at: number; bytes: Buffer } | undefined;
  /** Where a block read from the file lands, the same buffer each time: a new one each read was garbage outside the heap until a GC (issue 14). */
  private room: Buffer | undefined;
  private closed = false;

  constructor(private readonly block: number = blockBytes) {
    // Grown as records come, up to a block: a log of a few records (a fold state made for one refused guest judged alone) takes no 64 KiB buffer.
    this.pending = Buffer.allocUnsafe(Math.min(256, Math.max(16, block)));
  }

  get length(): number {
    return this.count;
  }

  /** Appends one record; its number (0, 1, …). */
  add(text: string): number {
    const id = this.count++;
    const length = Buffer.byteLength(text);
    this.ends.push(this.written + this.pendingBytes + length);
    const full = Math.max(16, this.block);
    if (this.pendingBytes + length > this.pending.length && this.pending.length < full) this.grow(this.pendingBytes + length, full);
    if (this.pendingBytes + length > this.pending.length) this.flush();
    if (length > this.pending.length) this.keep(Buffer.from(text, 'utf8'));
    else this.pendingBytes += this.pending.write(text, this.pendingBytes, 'utf8');
    return id;
  }

  /** Record `id` as it was added. */
  get(id: number): string {
    if (this.closed) throw new Error('a record log was read after it was closed');
    const start = id === 0 ? 0 : this.ends.at(id - 1);
    const end = this.ends.at(id);
    if (start >= this.written) return this.pending.toString('utf8', start - this.written, end - this.written);
    return this.bytes(start, end).toString('utf8');
  }

  /** Lets go of the records (and their file); nothing can be read after. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Freed now, not at a full GC (issue 14): the checks' finishing steps come one after another, each making its own garbage.
    for (const block of this.held ?? []) releaseNow(block);
    releaseNow(this.pending);
    releaseNow(this.room);
    this.ends.close();
    this.held = undefined;
    this.cached = undefined;
    this.room = undefined;
    if (this.file) {
      orphans.unregister(this);
      this.file.close();
    }
  }

  /** A larger `pending` (twice as large, or what `needed` needs), at most `full`: only a full block is ever written. */
  private grow(needed: number, full: number): void {
    const next = Buffer.allocUnsafe(Math.min(full, Math.max(needed, 2 * this.pending.length)));
    this.pending.copy(next, 0, 0, this.pendingBytes);
    releaseNow(this.pending);
    this.pending = next;
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    this.keep(this.pending.subarray(0, this.pendingBytes));
    this.pendingBytes = 0;
  }

  /** Writes `bytes` after what is written (a copy where they are held in memory). */
  private keep(bytes: Buffer): void {
    if (this.file === undefined && this.held === undefined) {
      try {
        this.file = privateTempFile('xenlint-', 'records');
        orphans.register(this, this.file, this);
      } catch {
        // No TMPDIR folder to write to: memory, then.
        this.held = [];
      }
    }
    if (this.file) this.file.writeAt(bytes, this.written);
    else {
      this.heldStarts.push(this.written);
      this.held!.push(Buffer.from(bytes));
    }
    this.written += bytes.length;
  }

  private bytes(start: number, end: number): Buffer {
    if (this.held) return this.heldBytes(start, end);
    const cached = this.cached;
    if (cached && start >= cached.at && end <= cached.at + cached.bytes.length) return cached.bytes.subarray(start - cached.at, end - cached.at);
    // The block the record starts in, or the record alone when it is longer.
    const at = start;
    const length = Math.min(Math.max(end - start, Math.min(this.block, this.written - start)), this.written - start);
    // `get` makes its text at once: the block before is not read again from `room`.
    let out: Buffer;
    if (length <= this.block) {
      this.room ??= Buffer.allocUnsafe(this.block);
      this.file!.readInto(this.room, length, at);
      out = this.room.subarray(0, length);
    } else out = this.file!.readAt(length, at);
    this.cached = { at, bytes: out };
    return out.subarray(0, end - start);
  }

  private heldBytes(start: number, end: number): Buffer {
    const held = this.held!;
    const starts = this.heldStarts;
    // The last block that starts at or before `start`.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= start) lo = mid;
      else hi = mid - 1;
    }
    const first = held[lo]!;
    const from = start - starts[lo]!;
    if (end - starts[lo]! <= first.length) return first.subarray(from, end - starts[lo]!);
    const out = Buffer.allocUnsafe(end - start);
    let at = 0;
    for (let i = lo; at < out.length; i++) {
      const b = held[i]!;
      const base = starts[i]!;
      at += b.copy(out, at, Math.max(start, base) - base, Math.min(end, base + b.length) - base);
    }
    return out;
  }
}

export { KeyIndex, setKeyHashForTesting } from './key-index.js';

/** Values a NumberList chunk holds (a power of two): 16 KiB of Int32, 32 KiB of doubles. */
const CHUNK_SHIFT = 12;
const CHUNK = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK - 1;

/**
 * A growing list of numbers in typed arrays: one per guest, disk, MAC or
 * record, without an object for each. Kept in chunks of CHUNK values, the
 * first one grown from 64 by doubling (a fold state made for one refused guest
 * stays small): a list doubled as one array was up to half empty, 3 MiB of the
 * folds' lists and record offsets at 100 000 configs, and copied itself at
 * each doubling (issue 14).
 */
abstract class NumberList {
  private readonly chunks: Array<Int32Array | Uint32Array | Float64Array>;
  length = 0;

  constructor() {
    this.chunks = [this.chunkFor(64, 0)];
  }

  /** A chunk of `length` that can hold `v` (and what its list holds before it). */
  protected abstract chunkFor(length: number, v: number): Int32Array | Uint32Array | Float64Array;

  /** Whether `chunk` can hold `v` as it is (an offset past 32 bits cannot be held in a Uint32Array). */
  protected holds(_chunk: Int32Array | Uint32Array | Float64Array, _v: number): boolean {
    return true;
  }

  push(v: number): number {
    const n = this.length;
    const c = n >>> CHUNK_SHIFT;
    const chunks = this.chunks;
    if (c === chunks.length) chunks.push(this.chunkFor(CHUNK, v));
    else if ((c === 0 && n === chunks[0]!.length) || !this.holds(chunks[c]!, v)) {
      const old = chunks[c]!;
      const next = this.chunkFor(c === 0 && n === old.length ? 2 * n : old.length, v);
      next.set(old);
      chunks[c] = next;
      releaseNow(old);
    }
    chunks[c]![n & CHUNK_MASK] = v;
    return this.length++;
  }

  at(i: number): number {
    return this.chunks[i >>> CHUNK_SHIFT]![i & CHUNK_MASK]!;
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_SHIFT]![i & CHUNK_MASK] = v;
  }

  /** Lets go of the numbers' memory at once (issue 14); the list cannot be read after. */
  close(): void {
    for (const chunk of this.chunks) releaseNow(chunk);
    this.chunks.length = 0;
    this.length = 0;
  }
}

/** 32-bit integers (record numbers, union-find parents). */
export class Int32List extends NumberList {
  protected chunkFor(length: number): Int32Array {
    return new Int32Array(length);
  }
}

/** Doubles (MiB figures). */
export class Float64List extends NumberList {
  protected chunkFor(length: number): Float64Array {
    return new Float64Array(length);
  }
}

/** Byte offsets, rising: in 32 bits up to narrowLimit, in doubles from the chunk that first goes past it. */
class OffsetList extends NumberList {
  protected chunkFor(length: number, v: number): Uint32Array | Float64Array {
    return v > narrowLimit ? new Float64Array(length) : new Uint32Array(length);
  }

  protected override holds(chunk: Int32Array | Uint32Array | Float64Array, v: number): boolean {
    return v <= narrowLimit || chunk instanceof Float64Array;
  }
}
