/**
 * A FindingStore in a temporary file (issue 14; see finding-store.ts): a run of
 * many guests keeps only a few bytes of each settled finding in memory.
 */
import type { ReportedFinding } from './contract.js';
import { privateTempFile, type PrivateTempFile } from './private-temp-file.js';
import type { Severity } from './diagnostic.js';
import { FindingLine, spilledArray, type FindingNumbers, type FindingStore, type SpilledFindings } from './finding-store.js';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
const SEVERITY_CODE: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Bytes written to the file at once, and read from it at once. */
const BLOCK = 1 << 16;
/** One finding in this many has its offset kept (a power of two). */
const MARK = 64;
/** Blocks read back and kept: the report reads in about the order the findings settled (file order), from two or three places at a time. */
const CACHED_BLOCKS = 8;

/**
 * Findings in a temporary file, as JSON text: a finding whose every value JSON
 * writes back as it was (strings, finite numbers but -0, booleans, plain
 * objects and arrays of those, no undefined member) comes back equal, keys in
 * the same order; any other stays in memory. (v8.serialize would take every
 * value but cost four times the CPU: 8 µs a finding.) Each is redacted as it is
 * kept (`redact`, what the report would otherwise do at the end), so what
 * the file holds is what the report shows; the few that redaction changes are
 * also kept as reported, for matching.
 *
 * The file is a privateTempFile: readable by its owner only, gone when the
 * process ends, however it ends.
 */
export class FindingSpill implements FindingStore, SpilledFindings {
  readonly keepsObjects = false;
  private readonly temp: PrivateTempFile;
  private count = 0;
  /**
   * Where every MARK-th finding starts in the file; the others start where the one
   * before ends (offsetOf). An offset for each was 2 MiB at 100 000 configs (issue 14).
   */
  private marks = new Float64Array(1024 / MARK);
  private lengths = new Uint32Array(1024);
  private severities = new Uint8Array(1024);
  /** The number of each finding's file in `files` (reported), -1 for none. */
  private fileIds = new Int32Array(1024);
  /**
   * The findings' files, one entry a run of findings of one file: findings come
   * file by file (a guest's on arrival), so a file may have a few entries, each
   * the same string. A Map of file to number was 3.5 MiB at 100 000 configs (issue 14).
   */
  private readonly files: string[] = [];
  /** Findings redaction changed, as reported. */
  private readonly unredacted = new Map<number, ReportedFinding>();
  /** Findings V8 could not serialize. */
  private readonly held = new Map<number, ReportedFinding>();
  private pending = Buffer.allocUnsafe(BLOCK);
  private pendingBytes = 0;
  /** Bytes in the file before `pending`. */
  private written = 0;
  /** `bytes`: the block's bytes, the start of `room` (a BLOCK-sized buffer used again for the next block read once this one leaves the cache). */
  private readonly cache: Array<{ block: number; bytes: Buffer; room: Buffer }> = [];
  /** Where a read of one finding's bytes lands, grown to the longest (a new buffer each read was ~10 MiB of garbage outside the heap while settling 100 000 configs: issue 14). */
  private scratch = Buffer.allocUnsafe(0);
  /** The block of the last read that missed the cache. */
  private lastMiss = -1;
  private closed = false;
  /** The last finding `add` wrote as it was reported (redaction left it), for lineOf: its number (-1: none), text, severity and file. */
  private lastId = -1;
  private lastText = '';
  private lastSeverity: Severity = 'error';
  private lastFile: string | undefined;

  constructor(
    private readonly redact: (f: ReportedFinding) => ReportedFinding,
    /**
     * False when `redact` leaves a finding whose JSON text this is as it is
     * (redact.ts mayRedact: no string in it could hold a secret): one test of
     * the text `add` writes anyway, instead of a walk over every finding.
     */
    private readonly mayRedact: (json: string) => boolean = () => true,
  ) {
    this.temp = privateTempFile('xenlint-', 'findings');
  }

  add(f: ReportedFinding): number {
    const id = this.count++;
    if (id === this.lengths.length) this.grow();
    if (id % MARK === 0) this.marks[id / MARK] = this.written + this.pendingBytes;
    this.severities[id] = SEVERITY_CODE[f.severity] ?? 1;
    this.fileIds[id] = f.file === undefined ? -1 : this.fileId(f.file);
    let shown = f;
    let text: string | undefined;
    if (jsonExact(f, 0)) {
      text = JSON.stringify(f);
      if (this.mayRedact(text)) shown = this.redact(f);
    } else shown = this.redact(f);
    if (shown !== f) {
      this.unredacted.set(id, f);
      text = jsonExact(shown, 0) ? JSON.stringify(shown) : undefined;
    }
    if (text === undefined) {
      this.held.set(id, shown);
      this.lengths[id] = 0;
      this.lastId = -1;
      return id;
    }
    // Kept as the last one written as reported, for lineOf.
    this.lastId = shown === f ? id : -1;
    this.lastText = text;
    this.lastSeverity = f.severity;
    this.lastFile = f.file;
    this.lengths[id] = this.append(text);
    return id;
  }

  /** A finding given as the very line `add` would write for it (FindingLine: redaction leaves it as it is). */
  addLine(f: FindingLine): number {
    const id = this.count++;
    if (id === this.lengths.length) this.grow();
    if (id % MARK === 0) this.marks[id / MARK] = this.written + this.pendingBytes;
    this.severities[id] = SEVERITY_CODE[f.severity];
    this.fileIds[id] = f.file === undefined ? -1 : this.fileId(f.file);
    this.lengths[id] = this.append(f.line);
    return id;
  }

  lineOf(id: number): FindingLine | undefined {
    return id >= 0 && this.lastId === id ? new FindingLine(this.lastText, this.lastSeverity, this.lastFile) : undefined;
  }

  reported(id: number): ReportedFinding {
    return this.unredacted.get(id) ?? this.shown(id);
  }

  file(id: number): string | undefined {
    const n = this.fileIds[id]!;
    return n < 0 ? undefined : this.files[n];
  }

  /** Its `file` as the report shows it. */
  shownFile(id: number): string | undefined {
    return this.unredacted.has(id) ? this.shown(id).file : this.file(id);
  }

  severity(id: number): Severity {
    return SEVERITIES[this.severities[id]!]!;
  }

  /** The finding as the report shows it, read back from the file. */
  shown(id: number): ReportedFinding {
    const held = this.held.get(id);
    if (held) return held;
    return JSON.parse(this.text(this.offsetOf(id), this.lengths[id]!)) as ReportedFinding;
  }

  list(ids: FindingNumbers): ReportedFinding[] {
    return spilledArray(this, ids);
  }

  /** Closes (and where it is still there, removes) the file; nothing can be read after. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.temp.close();
  }

  private fileId(file: string): number {
    const last = this.files.length - 1;
    return last >= 0 && this.files[last] === file ? last : this.files.push(file) - 1;
  }

  /** Where finding `id` starts: findings are written one after another, a held one as 0 bytes. */
  private offsetOf(id: number): number {
    const from = id - (id % MARK);
    let offset = this.marks[from / MARK]!;
    for (let k = from; k < id; k++) offset += this.lengths[k]!;
    return offset;
  }

  private grow(): void {
    const n = this.lengths.length * 2;
    this.marks = doubled(this.marks, n / MARK);
    this.lengths = doubled(this.lengths, n);
    this.severities = doubled(this.severities, n);
    this.fileIds = doubled(this.fileIds, n);
  }

  /** Writes `text` after what is written; returns its length in bytes. */
  private append(text: string): number {
    // Written straight into the block when it fits whatever its encoding (at most 3 bytes a UTF-16 unit): no byteLength pass first.
    if (this.pendingBytes + text.length * 3 > this.pending.length) {
      const length = Buffer.byteLength(text);
      if (this.pendingBytes + length > this.pending.length) this.flush();
      if (length > this.pending.length) {
        this.writeAll(Buffer.from(text, 'utf8'));
        return length;
      }
    }
    const length = this.pending.write(text, this.pendingBytes, 'utf8');
    this.pendingBytes += length;
    return length;
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    this.writeAll(this.pending.subarray(0, this.pendingBytes));
    this.pendingBytes = 0;
  }

  private writeAll(bytes: Buffer): void {
    this.temp.writeAt(bytes, this.written);
    this.written += bytes.length;
  }

  private text(offset: number, length: number): string {
    if (offset >= this.written) return this.pending.toString('utf8', offset - this.written, offset - this.written + length);
    const block = Math.floor(offset / BLOCK);
    const start = offset - block * BLOCK;
    if (start + length > BLOCK) return this.readText(offset, length);
    let hit = this.cache.find((c) => c.block === block);
    let room: Buffer | undefined;
    if (hit !== undefined && start + length > hit.bytes.length) {
      // Cached while the file ended inside it; the spill has written on into that block since.
      this.cache.splice(this.cache.indexOf(hit), 1);
      room = hit.room;
      hit = undefined;
      this.lastMiss = block;
    }
    if (hit === undefined) {
      // A reader that jumps about the file (the baseline's and HTML's sorted orders) gets only the finding's
      // bytes: a block would be 64 KiB read for ~300. A second miss in a block, or one in the next, caches it.
      const near = block === this.lastMiss || block === this.lastMiss + 1;
      this.lastMiss = block;
      if (!near) return this.readText(offset, length);
      const size = Math.min(BLOCK, this.written - block * BLOCK);
      if (room === undefined && this.cache.length >= CACHED_BLOCKS) room = this.cache.pop()!.room;
      room ??= Buffer.allocUnsafe(BLOCK);
      this.temp.readInto(room, size, block * BLOCK);
      hit = { block, bytes: room.subarray(0, size), room };
      this.cache.unshift(hit);
    }
    return hit.bytes.toString('utf8', start, start + length);
  }

  /** `length` bytes from `offset` as text, read into `scratch`. */
  private readText(offset: number, length: number): string {
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(Math.max(length, this.scratch.length * 2, 1024));
    this.temp.readInto(this.scratch, length, offset);
    return this.scratch.toString('utf8', 0, length);
  }
}


/** Whether JSON.parse(JSON.stringify(value)) gives `value` back, equal value for value and key for key. */
function jsonExact(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth > 8) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!(i in value) || !jsonExact(value[i], depth + 1)) return false;
        return true;
      }
      // (What is not enumerable, JSON leaves out as every format does: they read members with Object.entries.)
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      const record = value as Record<string, unknown>;
      for (const k in record) {
        if (!Object.hasOwn(record, k) || k === '__proto__' || !jsonExact(record[k], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** A typed array of length `n` (the larger) that starts with `a`'s values. */
function doubled<T extends Float64Array | Uint32Array | Uint8Array | Int32Array>(a: T, n: number): T {
  const b = new (a.constructor as new (length: number) => T)(n);
  b.set(a as ArrayLike<number> & T);
  return b;
}
