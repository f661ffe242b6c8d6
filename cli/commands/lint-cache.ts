/**
 * `xenlint lint --cache` (ESLint's --cache, --cache-location, --cache-strategy):
 * each file's per-guest result (the engine's GuestResult, what a worker thread
 * posts back) is kept in one cache file, so a file that has not changed since
 * the last run is neither read, parsed nor checked again: its result goes
 * straight into the run (RunSession.addGuestResult), in file order among the
 * files that did change. Cross-guest parts, statuses, suppressions, caps, the
 * baseline and the report then run as always, so the report is the one a run
 * without --cache makes, byte for byte.
 *
 * One key covers the whole cache: anything that could change one guest's result
 * (the build of xenlint that made it, cli/model/build-id.ts; the checks and the context each runs with — options,
 * severities, --deploy, the Xen version —, the host side of --facts, the
 * dialect rules, --dialect, the limits, the working directory) changes the key,
 * and a cache with another key is not used at all.
 *
 * The cache also keeps the report the last run wrote (pipeline.ts ReportMemo):
 * when this run's files are that run's, each with the same signature, and the
 * report would be written with the same format, options, severities and
 * baseline, it is written again as it was and no guest is looked up at all.
 *
 * The cache file is read through the reading layer with its own size limit
 * (`limits.cacheBytes`); whatever is wrong with it — missing, not JSON,
 * truncated, another format, another key, an entry of the wrong shape — makes a
 * miss with a one-line note, never a crash. It is written atomically (a
 * temporary file in the same directory, then rename) and only when the run
 * finished (a refused run, exit 2 before a report, writes nothing).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CheckContext, HostSide } from '../model/contract.js';
import { hasParts, type Check } from '../model/contract.js';
import type { GuestResult, RunSession } from '../engine/engine.js';
import type { KeptReport } from './pipeline.js';
import type { InputLimits, XenlintConfig } from '../settings/config.js';
import { UsageError } from '../settings/config.js';
import { formatBytes, inputLimit, readInputFile } from '../sources/read-input.js';
import type { ReadProblem } from '../sources/read-domains.js';
import { inWorkerBatches, threadsFor, workerScript } from '../sources/read-parallel.js';
import { parseOptionsFor } from '../readers/reader-choice.js';
import { TOOL_VERSION } from '../model/tool-version.js';
import { BUILD_ID } from '../model/build-id.js';
import type { MemoryGuest } from './memory-view.js';
import type { GuestFeed, LintBatchResult, LintWorkerData } from './lint-parallel.js';
import { checkedGuest, plannedChecks } from './guest-outcome.js';

export type CacheStrategy = 'metadata' | 'content';
export const CACHE_STRATEGIES: readonly CacheStrategy[] = ['metadata', 'content'];
/** ESLint's default is .eslintcache in the working directory. */
export const DEFAULT_CACHE_NAME = '.xenlintcache';
/** The cache file's own format: another number is another format, a miss. */
const FORMAT = 2;

export interface CacheArgs {
  cache?: boolean;
  'cache-location'?: string;
  'cache-strategy'?: string;
}

/** Where the cache file is: --cache-location as given, or a file inside it when it names a directory (as ESLint does). */
export function cacheFileOf(location: string | undefined, cwd: string): string {
  if (location === undefined || location === '') return join(cwd, DEFAULT_CACHE_NAME);
  const path = resolve(cwd, location);
  if (location.endsWith('/')) return join(path, DEFAULT_CACHE_NAME);
  let st: Stats | undefined;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch {
    st = undefined;
  }
  return st?.isDirectory() ? join(path, DEFAULT_CACHE_NAME) : path;
}

export function cacheStrategyOf(value: string | undefined): CacheStrategy {
  if (value === undefined) return 'metadata';
  if ((CACHE_STRATEGIES as readonly string[]).includes(value)) return value as CacheStrategy;
  throw new UsageError(`--cache-strategy ${value}: expected metadata or content`);
}

/** Everything a guest's result depends on besides its file: hashed into the one key of the cache. */
export interface CacheKeyInputs {
  strategy: CacheStrategy;
  cwd: string;
  plan: Array<{ id: string; ctx: CheckContext }>;
  checks: string[];
  host: HostSide;
  dialect: string | undefined;
  dialects: XenlintConfig['dialects'];
  configDir: string;
  limits: InputLimits | undefined;
  /** The Xen version memory figures are judged against, when they are collected. */
  memory: { xen: string | undefined } | undefined;
}

/**
 * The code that made the results: the build id (cli/model/build-id.ts), which
 * changes with any change to the checks, readers or engine; run from source,
 * where there is no build, the version stands in.
 */
export function codeIdentity(buildId: string | undefined = BUILD_ID): string {
  return buildId !== undefined ? `build ${buildId}` : `unbuilt ${TOOL_VERSION}`;
}

export function cacheKey(k: CacheKeyInputs, code: string = codeIdentity()): string {
  const node = process.versions.node.split('.')[0];
  const text = JSON.stringify({ format: FORMAT, code, node, ...k });
  return createHash('sha256').update(text).digest('hex');
}

/** What identifies a file's bytes under the strategy: size, mtime and inode, or a hash of the bytes. */
interface Signature {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256?: string;
}

interface Entry {
  result: GuestResult;
  memory?: MemoryGuest;
}

/** What a hit hands to the run. */
export interface Hit {
  guest: GuestResult;
  memory: MemoryGuest | undefined;
}

/** Where a file's entry is in the cache file's bytes, and the signature it was made from. */
interface Slot {
  sig: Signature;
  start: number;
  end: number;
}

/** The report the last run wrote, kept whole (ReportMemo), with what it was written for. */
interface KeptRun extends KeptReport {
  outputKey: string;
  /** Digest of the run's files, in order, with their signatures. */
  files: string;
}

/**
 * The cache file (format 2): a header line (this format, the key, the
 * strategy, the byte length of each section in fixed-width digits), then
 *  - the entries: each file's entry as one JSON line ({result, memory}),
 *  - the index: one line per entry, in the same order: the file's name as a
 *    JSON string, the entry's byte length, the signature (size, mtimeMs, ino,
 *    sha256 or nothing), tab-separated,
 *  - the kept report of the last run (ReportMemo), one JSON line, or nothing.
 * An entry is decoded and parsed only when its file is looked up, and an
 * unchanged entry is written back as the very bytes it was read as: the cache
 * of 100 000 guests is never one parsed object, nor one string. A run whose
 * every file is unchanged and whose report would be the kept one parses no
 * entry at all.
 */
type Loaded = { slots: () => Map<string, Slot>; kept: KeptRun | undefined; entries: () => Buffer } | { note: string };

const SECTION_DIGITS = 15;
const HEADER_PREFIX = '{"xenlintCache":';
/** The header is some 250 bytes; what does not fit here is not a header. */
const HEADER_MAX = 4096;

/** Bytes `start` to `end` of the cache file (a positional read, or a slice of the bytes in a test). */
export type ReadRange = (start: number, end: number) => Buffer;

/** The cache file's bytes in memory as a ReadRange (tests, the fuzzer). */
export function rangesOf(bytes: Buffer): { size: number; read: ReadRange } {
  return { size: bytes.length, read: (start, end) => bytes.subarray(start, Math.min(end, bytes.length)) };
}

/**
 * Reads and checks the header, the index and the kept report of a cache file
 * of `size` bytes; the entries are read only when a file is looked up, and
 * checked one by one then (validEntry).
 */
export function parseCache(file: { size: number; read: ReadRange }, key: string): Loaded {
  const head = file.read(0, Math.min(file.size, HEADER_MAX));
  const end = head.indexOf(10);
  let header: unknown;
  try {
    header = JSON.parse(head.toString('utf8', 0, end < 0 ? head.length : end));
  } catch {
    return { note: 'not a xenlint cache (truncated or damaged?)' };
  }
  if (!isRecord(header) || header['xenlintCache'] !== FORMAT) return { note: 'not a xenlint cache of this format' };
  if (header['key'] !== key) return { note: 'made with other settings, checks, facts or another xenlint' };
  const sections = typeof header['sections'] === 'string' ? header['sections'].split(' ').map(Number) : [];
  if (end < 0 || sections.length !== 3 || !sections.every((n) => Number.isSafeInteger(n) && n >= 0)) return { note: 'not a xenlint cache of this format' };
  const [entryBytes, indexBytes, keptBytes] = sections as [number, number, number];
  const entriesAt = end + 1;
  const indexAt = entriesAt + entryBytes;
  const keptAt = indexAt + indexBytes;
  if (keptAt + keptBytes !== file.size) return { note: 'not a xenlint cache (truncated or damaged?)' };
  const tail = file.read(indexAt, file.size);
  let slots: Map<string, Slot> | undefined;
  let entries: Buffer | undefined;
  return {
    // A run that writes the kept report again needs neither the index nor the entries.
    slots: () => (slots ??= indexOf(tail.toString('utf8', 0, indexBytes), entryBytes)),
    kept: keptBytes > 0 ? keptRunOf(tail.subarray(indexBytes, indexBytes + keptBytes)) : undefined,
    // Offsets in `slots` are from the start of the entries.
    entries: () => (entries ??= file.read(entriesAt, indexAt)),
  };
}

/** The index section: each file's entry (its place among the `entryBytes` of entries) and signature. */
function indexOf(index: string, entryBytes: number): Map<string, Slot> {
  const slots = new Map<string, Slot>();
  let at = 0;
  for (const line of index.split('\n')) {
    if (line === '') continue;
    const cells = line.split('\t');
    const length = Number(cells[1]);
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > entryBytes) break;
    const name = nameOf(cells[0] ?? '');
    const sig: Signature = { size: Number(cells[2]), mtimeMs: Number(cells[3]), ino: Number(cells[4]) };
    if (cells[5]) sig.sha256 = cells[5];
    if (name !== undefined && cells.length === 6 && Number.isSafeInteger(sig.size) && Number.isFinite(sig.mtimeMs) && Number.isSafeInteger(sig.ino)) {
      slots.set(name, { sig, start: at, end: at + length });
    }
    at += length;
  }
  return slots;
}

/** A file name as the index holds it (a JSON string), or undefined when it is not one. */
function nameOf(cell: string): string | undefined {
  if (cell.length < 2 || cell[0] !== '"' || cell[cell.length - 1] !== '"') return undefined;
  if (!cell.includes('\\')) return cell.slice(1, -1);
  try {
    const v: unknown = JSON.parse(cell);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The kept report's section: a JSON line (what it is for, its exit code, its length), then the report's bytes as written. */
function keptRunOf(section: Buffer): KeptRun | undefined {
  const nl = section.indexOf(10);
  let v: unknown;
  try {
    v = JSON.parse(section.toString('utf8', 0, nl < 0 ? section.length : nl));
  } catch {
    return undefined;
  }
  if (!isRecord(v) || !isString(v['outputKey']) || !isString(v['files']) || !isInt(v['code']) || !isInt(v['warnings']) || v['textBytes'] !== section.length - nl - 1) return undefined;
  return { outputKey: v['outputKey'] as string, files: v['files'] as string, code: v['code'] as number, warnings: v['warnings'] as number, text: [section.subarray(nl + 1)] };
}

/** The header line: the sections' lengths in fixed-width digits, so it can be written first and filled in last. */
function headerLine(key: string, strategy: CacheStrategy, sections: readonly number[]): string {
  const digits = sections.map((n) => String(n).padStart(SECTION_DIGITS, '0')).join(' ');
  return `${HEADER_PREFIX}${FORMAT},"tool":${JSON.stringify(TOOL_VERSION)},"key":${JSON.stringify(key)},"strategy":${JSON.stringify(strategy)},"sections":"${digits}"}\n`;
}

export class LintCache {
  /** The last run's entries, by file (the index, parsed when first needed). */
  private readonly oldSlots: () => Map<string, Slot>;
  /** The entries' bytes, read at the first lookup. */
  private readonly entries: () => Buffer;
  private readonly keptRun: KeptRun | undefined;
  /** This run's entries: where the unchanged entry is (a hit) or the entry made (a miss). */
  private readonly fresh = new Map<string, Slot | Entry>();
  /** Signatures taken at lookup, for the results of the files that missed. */
  private readonly sigs = new Map<string, Signature | null>();
  /** The run's report to keep, when it may be replayed. */
  private newRun: KeptRun | undefined;
  /** The kept report was written again: nothing was looked up, and the file stays as it is. */
  private replayedRun = false;
  hits = 0;
  /** Lets the cache file go (it stays open while its entries may be read: the file as it was opened, whatever replaces it meanwhile). */
  close: () => void = () => undefined;

  private constructor(
    readonly file: string,
    private readonly strategy: CacheStrategy,
    private readonly key: string,
    private readonly limits: InputLimits | undefined,
    private readonly planLength: number,
    loaded: Extract<Loaded, { slots: unknown }> | undefined,
    /** The run's files, in order: what a kept report is for. */
    private readonly files: readonly string[] = [],
  ) {
    this.oldSlots = loaded?.slots ?? (() => new Map());
    this.entries = loaded?.entries ?? (() => Buffer.alloc(0));
    this.keptRun = loaded?.kept;
  }

  /** The cache at `file`; anything wrong with it is an empty cache and a one-line note on stderr. */
  static open(file: string, strategy: CacheStrategy, key: string, limits: InputLimits | undefined, planLength: number, note: (line: string) => void, files: readonly string[] = []): LintCache {
    let loaded: Extract<Loaded, { slots: unknown }> | undefined;
    let close: (() => void) | undefined;
    const opened = openCacheFile(file, limits);
    if ('reason' in opened) {
      // No cache yet is the first run, not a problem worth a line.
      if (!/not found|no such file/i.test(opened.reason)) note(`${file}: ${opened.reason}; linting without it`);
    } else {
      try {
        const parsed = parseCache(opened, key);
        if ('note' in parsed) note(`${file}: ${parsed.note}; linting every file again`);
        else loaded = parsed;
      } catch (err) {
        note(`${file}: cannot read the lint cache: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; linting without it`);
      }
      // Kept open while entries may be read (the file as it was opened, whatever replaces it meanwhile); close() lets it go.
      if (loaded) close = opened.close;
      else opened.close();
    }
    const cache = new LintCache(file, strategy, key, limits, planLength, loaded, files);
    if (close) cache.close = close;
    return cache;
  }

  /** ReportMemo: the kept report when the run's files are those it was written for, byte for byte, and so are its settings. */
  recall(outputKey: string): KeptReport | undefined {
    const kept = this.keptRun;
    if (!kept || kept.outputKey !== outputKey || this.files.length === 0) return undefined;
    const digest = this.filesDigest();
    if (digest === undefined || digest !== kept.files) return undefined;
    this.replayedRun = true;
    return { text: kept.text, code: kept.code, warnings: kept.warnings };
  }

  /** ReportMemo: this run's report, kept when every file of the run has its entry. */
  keep(outputKey: string, report: KeptReport): void {
    const digest = this.filesDigest();
    if (digest === undefined || !this.files.every((f) => this.fresh.has(f))) return;
    this.newRun = { outputKey, files: digest, ...report };
  }

  /** The run's files with their signatures, or undefined when one has none (unreadable). */
  private filesDigest(): string | undefined {
    const lines: string[] = [];
    for (const file of this.files) {
      const sig = this.signatureOf(file);
      if (!sig) return undefined;
      // NUL never occurs in a path.
      lines.push(`${file}\0${sig.size}\0${sig.mtimeMs}\0${sig.ino}\0${sig.sha256 ?? ''}`);
    }
    return createHash('sha256').update(lines.join('\n')).digest('hex');
  }

  /** The file's cached result when its bytes are the ones it was made from; undefined = read and check it. */
  lookup(file: string): Hit | undefined {
    const sig = this.signatureOf(file);
    if (!sig) return undefined;
    const slot = this.oldSlots().get(file);
    if (slot === undefined || !sameSignature(slot.sig, sig, this.strategy)) return undefined;
    let entry: unknown;
    try {
      entry = JSON.parse(this.entries().toString('utf8', slot.start, slot.end));
    } catch {
      return undefined;
    }
    if (!validEntry(entry, file, this.planLength)) return undefined;
    this.fresh.set(file, slot);
    this.hits++;
    // An unknown autostart was left out of the file; memory-view only compares it with undefined and true.
    return { guest: decodeResult(entry.result), memory: entry.memory };
  }

  /** A missed file's result, kept for the next run when it survives JSON unchanged. */
  store(file: string, result: GuestResult, memory: MemoryGuest | undefined): void {
    const sig = this.sigs.get(file);
    if (!sig) return;
    const encoded = encodeResult(result);
    // An unknown autostart is undefined: absent in the file, read back as undefined (memory-view only compares it).
    const m = memory && memory.autostart === undefined ? (({ autostart: _, ...rest }) => rest)(memory) : memory;
    if (!plainJson(encoded) || (m !== undefined && !plainJson(m))) return;
    this.fresh.set(file, { result: encoded, ...(m !== undefined ? { memory: m as MemoryGuest } : {}) });
  }

  /**
   * Writes this run's entries, and keeps those of files not in this run that
   * still exist (a pre-commit hook lints a few files and must not empty the
   * cache of the rest); entries of deleted files are dropped.
   */
  save(inRun: ReadonlySet<string>): void {
    if (this.replayedRun) return;
    const old = this.oldSlots();
    const keptOld = [...old].filter(([file]) => !this.fresh.has(file) && !inRun.has(file) && statSync(file, { throwIfNoEntry: false })?.isFile());
    const sameRun = this.newRun === undefined || (this.keptRun !== undefined && this.newRun.outputKey === this.keptRun.outputKey && this.newRun.files === this.keptRun.files);
    // Nothing new and nothing dropped: the file on disk is this run's cache already (writing 36 MB back cost ~150 ms of a warm run).
    if (this.hits === this.fresh.size && keptOld.length + this.fresh.size === old.size && sameRun) return;
    const tmp = join(dirname(this.file), `.${basename(this.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      const sections = [0, 0, 0];
      let section = 0;
      // Strings are written as strings (no Buffer made of each entry); slices of the old file as they are.
      let pending: Array<Buffer | string> = [];
      let pendingBytes = 0;
      const flush = (): void => {
        let text = '';
        for (const piece of pending) {
          if (typeof piece === 'string') text += piece;
          else {
            if (text !== '') writeSync(fd, text);
            text = '';
            writeSync(fd, piece);
          }
        }
        if (text !== '') writeSync(fd, text);
        pending = [];
        pendingBytes = 0;
      };
      const put = (piece: Buffer | string): void => {
        const bytes = typeof piece === 'string' ? Buffer.byteLength(piece, 'utf8') : piece.length;
        const last = pending[pending.length - 1];
        // Unchanged entries lie one after another in the old file: one slice of it, not a copy of each.
        if (typeof piece !== 'string' && last !== undefined && typeof last !== 'string' && last.buffer === piece.buffer && last.byteOffset + last.length === piece.byteOffset) {
          pending[pending.length - 1] = Buffer.from(piece.buffer, last.byteOffset, last.length + piece.length);
        } else pending.push(piece);
        pendingBytes += bytes;
        sections[section]! += bytes;
        if (pendingBytes >= 1 << 20) flush();
      };
      const header = headerLine(this.key, this.strategy, sections);
      writeSync(fd, header);
      const index: string[] = [];
      const entry = (file: string, sig: Signature, e: Slot | Entry): void => {
        const before = sections[0]!;
        put('start' in e ? this.entries().subarray(e.start, e.end) : `${JSON.stringify(e)}\n`);
        index.push(`${JSON.stringify(file)}\t${sections[0]! - before}\t${sig.size}\t${sig.mtimeMs}\t${sig.ino}\t${sig.sha256 ?? ''}\n`);
      };
      for (const [file, slot] of keptOld) entry(file, slot.sig, slot);
      for (const [file, e] of this.fresh) entry(file, this.sigs.get(file)!, e);
      section = 1;
      for (const line of index) put(line);
      section = 2;
      // The next run refuses a file over the limit: the entries are what matter; the kept report goes first.
      const limit = inputLimit('cache', this.limits);
      const size = header.length + sections[0]! + sections[1]!;
      if (size > limit) throw new Error(`${tooLarge(size, limit)}; the next run would not use it`);
      const run = this.newRun ?? this.keptRun;
      const textBytes = run ? run.text.reduce((n, b) => n + b.length, 0) : 0;
      const runLine = run ? `${JSON.stringify({ outputKey: run.outputKey, files: run.files, code: run.code, warnings: run.warnings, textBytes })}\n` : '';
      if (run && size + Buffer.byteLength(runLine) + textBytes <= limit) {
        put(runLine);
        for (const piece of run.text) put(piece);
      }
      flush();
      // The header was written with zeros; its digits are fixed-width, so the real lengths fit in place.
      writeSync(fd, headerLine(this.key, this.strategy, sections), 0, 'utf8');
      closeSync(fd);
      renameSync(tmp, this.file);
    } catch (err) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
      try {
        unlinkSync(tmp);
      } catch {
        // renamed or never made
      }
      throw err;
    }
  }

  /** The file's signature, taken once per run; undefined when it cannot be read. */
  private signatureOf(file: string): Signature | undefined {
    let sig = this.sigs.get(file);
    if (sig === undefined) {
      sig = this.signature(file) ?? null;
      this.sigs.set(file, sig);
    }
    return sig ?? undefined;
  }

  private signature(file: string): Signature | undefined {
    let st: Stats | undefined;
    try {
      st = statSync(file, { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
    if (!st?.isFile()) return undefined;
    const sig: Signature = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
    if (this.strategy === 'content') {
      const read = readInputFile(file, 'config', this.limits);
      if (!read.ok) return undefined;
      sig.sha256 = createHash('sha256').update(read.bytes).digest('hex');
    }
    return sig;
  }
}

/**
 * The cache file opened for positional reads, after the checks the reading
 * layer makes (a regular file, within `limits.cacheBytes`); when it refuses,
 * its reason, as readInputFile words it.
 */
function openCacheFile(file: string, limits: InputLimits | undefined): { size: number; read: ReadRange; close: () => void } | { reason: string } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return refusedRead(file, limits);
  }
  const st = fstatSync(fd);
  if (!st.isFile() || st.size > inputLimit('cache', limits)) {
    closeSync(fd);
    return refusedRead(file, limits);
  }
  let open = true;
  const read: ReadRange = (start, end) => {
    if (!open) throw new Error('the lint cache was closed');
    const buf = Buffer.allocUnsafe(Math.max(0, end - start));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  };
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  return { size: st.size, read, close };
}

function refusedRead(file: string, limits: InputLimits | undefined): { reason: string } {
  const r = readInputFile(file, 'cache', limits);
  return { reason: r.ok ? 'cannot read the lint cache: it changed while it was read' : r.reason };
}

/** Why a cache of `size` bytes is not written: the words of the reading layer's refusal. */
function tooLarge(size: number, limit: number): string {
  return `it would be ${formatBytes(size)}, larger than the limit of ${formatBytes(limit)}; \`limits: { cacheBytes: N }\` in the xenlint config raises it`;
}

function sameSignature(a: Signature, b: Signature, strategy: CacheStrategy): boolean {
  if (strategy === 'content') return a.sha256 === b.sha256;
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v);
const isOptional = (v: unknown, test: (v: unknown) => boolean): boolean => v === undefined || test(v);
const isString = (v: unknown): boolean => typeof v === 'string';
const SEVERITIES = new Set(['error', 'warning', 'info']);

function isPrimitiveRecord(v: unknown): boolean {
  return isRecord(v) && Object.values(v).every((x) => typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)));
}

/** A finding as a check makes it: what the engine renders and reports reads these fields. */
function validFinding(f: unknown): boolean {
  if (!isRecord(f)) return false;
  return (
    isOptional(f['messageId'], isString) &&
    isOptional(f['message'], isString) &&
    (f['messageId'] !== undefined || f['message'] !== undefined) &&
    isOptional(f['data'], isPrimitiveRecord) &&
    isOptional(f['evidence'], isPrimitiveRecord) &&
    isOptional(f['domain'], isString) &&
    isOptional(f['file'], isString) &&
    isOptional(f['key'], isString) &&
    isOptional(f['host'], isString) &&
    isOptional(f['remediation'], isString) &&
    isOptional(f['line'], isInt) &&
    isOptional(f['column'], isInt) &&
    isOptional(f['endLine'], isInt) &&
    isOptional(f['endColumn'], isInt) &&
    isOptional(f['severity'], (s) => SEVERITIES.has(s as string))
  );
}

const validFindings = (v: unknown): boolean => Array.isArray(v) && v.every(validFinding);

function validSuppression(s: unknown): boolean {
  return (
    isRecord(s) &&
    Array.isArray(s['ids']) &&
    s['ids'].every(isString) &&
    (s['scope'] === 'next-line' || s['scope'] === 'file') &&
    isInt(s['line']) &&
    isInt(s['column']) &&
    isOptional(s['directiveLine'], isInt) &&
    isOptional(s['directiveColumn'], isInt) &&
    isOptional(s['reason'], isString)
  );
}

function validPart(p: unknown): boolean {
  if (p === null) return true;
  if (!isRecord(p)) return false;
  if ('threw' in p) return isString(p['threw']) && Object.keys(p).length === 1;
  if ('aboutRefused' in p) return validFindings(p['aboutRefused']) && Object.keys(p).length === 1;
  return isOptional(p['findings'], validFindings) && isOptional(p['skip'], (s) => isRecord(s) && isString(s['skip'])) && Object.keys(p).every((k) => k === 'findings' || k === 'skip' || k === 'summary');
}

/** An entry of the shape `store` writes, for this file and this plan of checks. */
function validEntry(e: unknown, file: string, planLength: number): e is Entry {
  if (!isRecord(e) || !isRecord(e['result'])) return false;
  const r = e['result'];
  const okResult =
    isString(r['name']) &&
    r['file'] === file &&
    Array.isArray(r['suppressions']) &&
    r['suppressions'].every(validSuppression) &&
    typeof r['refused'] === 'boolean' &&
    Array.isArray(r['parts']) &&
    r['parts'].length === planLength &&
    r['parts'].every(validPart);
  if (!okResult) return false;
  const m = e['memory'];
  return m === undefined || (isRecord(m) && isString(m['name']) && typeof m['mib'] === 'number' && Number.isFinite(m['mib']) && isOptional(m['autostart'], (a) => typeof a === 'boolean') && isOptional(m['refused'], (a) => a === true));
}

/** JSON has no undefined in arrays: a part with nothing to add is null in the file. */
function encodeResult(r: GuestResult): GuestResult {
  return { ...r, parts: Array.from(r.parts, (p) => p ?? null) as unknown as GuestResult['parts'] };
}

function decodeResult(r: GuestResult): GuestResult {
  return { ...r, parts: r.parts.map((p) => p ?? undefined) };
}

/**
 * True when JSON gives `v` back unchanged: plain objects and arrays of strings,
 * finite numbers (not -0), booleans and null, no undefined property. A result
 * that is anything else (a Map in a summary, say) is not cached: the file is
 * read and checked every run rather than risk a different report.
 */
export function plainJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!(i in v) || !plainJson(v[i])) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in v) if (!plainJson((v as Record<string, unknown>)[k])) return false;
  return true;
}

/** Why the cache cannot serve these checks (a plugin's, or a whole-facts one), or undefined. */
export function cacheRefusal(session: RunSession, checks: readonly Check[], builtins: readonly Check[]): string | undefined {
  const foreign = checks.filter((c) => !builtins.includes(c) || !hasParts(c)).map((c) => c.id);
  if (foreign.length === 0 && !session.keepsGuests) return undefined;
  return foreign.join(', ');
}

/**
 * feedGuests with a cache: the files whose results are cached go to the run
 * as they are; the rest are read and checked (on worker threads above the
 * threshold), their results kept for the next run; all reach `session` in
 * file order. Every planned check runs on every missed guest (as on a worker
 * thread), so a cached result never lacks a part a later run needs.
 */
export async function feedGuestsCached(cache: LintCache, feed: GuestFeed): Promise<ReadProblem[]> {
  const { session, builtins, host, files, readerFor, limits, memoryFor, seen } = feed;
  const hits: Array<Hit | undefined> = files.map((f) => cache.lookup(f));
  const missed: number[] = [];
  hits.forEach((h, i) => {
    if (!h) missed.push(i);
  });
  let cursor = 0;
  const flushTo = (end: number): void => {
    for (; cursor < end; cursor++) {
      const h = hits[cursor];
      if (!h) continue;
      session.addGuestResult(h.guest);
      seen(h.guest.name, h.memory);
    }
  };
  const problems: ReadProblem[] = [];
  const take = (index: number, item: LintBatchResult['results'][number]): void => {
    flushTo(index);
    cursor = index + 1;
    if ('problem' in item) {
      problems.push(item.problem);
      return;
    }
    cache.store(files[index]!, item.guest, item.memory);
    session.addGuestResult(item.guest);
    seen(item.guest.name, item.memory);
  };
  const plan = session.guestPlan();
  const missedFiles = missed.map((i) => files[i]!);
  const url = new URL('./lint-worker.js', import.meta.url);
  const script = workerScript(url);
  const threads = missedFiles.length > 0 ? threadsFor(missedFiles.length, script, url) : 0;
  if (threads === 0) {
    const checks = plannedChecks(plan, builtins);
    const ms = new Float64Array(plan.length);
    for (const i of missed) take(i, checkedGuest(files[i]!, parseOptionsFor(readerFor(files[i]!)), limits, checks, host, memoryFor, ms));
    session.addDurations(ms);
  } else {
    const data: LintWorkerData = { host, plan, memory: memoryFor !== undefined, xen: memoryFor?.xen };
    let next = 0;
    await inWorkerBatches<LintBatchResult>(script!, data, threads, missedFiles, readerFor, limits, (r) => {
      for (const item of r.results) take(missed[next++]!, item);
      session.addDurations(r.ms);
    });
  }
  flushTo(files.length);
  return problems;
}
