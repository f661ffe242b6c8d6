/**
 * `xenlint lint --cache` (ESLint's --cache, --cache-location, --cache-strategy):
 * each file's per-guest result (the engine's GuestResult, what a worker thread
 * posts back) is kept in one cache file, its findings as the run reported them
 * on arrival (rendered, fingerprinted, matched against the file's own
 * directives: RunSession.addGuestSettling), so a file that has not changed since
 * the last run is neither read, parsed nor checked again, nor are its findings
 * rendered again: its result goes straight into the run
 * (RunSession.addGuestResult with its settled findings), in file order among the
 * files that did change, each entry read and parsed just before it goes in.
 * Cross-guest parts, statuses, suppressions, caps, the baseline and the report
 * then run as always, so the report is the one a run without --cache makes,
 * byte for byte (test/cli/lint-cache-property.ts: random corpora, random
 * edits).
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
import { TextSpill, type SpillRange } from '../model/text-spill.js';
import { basename, dirname, join, resolve } from 'node:path';
import type { CheckContext, HostSide } from '../model/contract.js';
import { hasParts, type Check } from '../model/contract.js';
import type { GuestResult, RunSession, SettledPart } from '../engine/engine.js';
import type { ReportedFinding } from '../model/contract.js';
import type { KeptReport, WrittenReport } from './pipeline.js';
import type { InputLimits, XenlintConfig } from '../settings/config.js';
import { UsageError } from '../settings/config.js';
import { formatBytes, inputLimit, readInputFile } from '../sources/read-input.js';
import type { ReadProblem } from '../sources/read-domains.js';
import { inWorkerBatches, threadsFor } from '../sources/read-parallel.js';
import { parseOptionsFor } from '../readers/reader-choice.js';
import { TOOL_VERSION } from '../model/tool-version.js';
import { BUILD_ID } from '../model/build-id.js';
import { FindingLine } from '../model/finding-store.js';
import type { Severity } from '../model/diagnostic.js';
import { redactReport } from '../sources/redact.js';
import type { MemoryGuest } from './memory-view.js';
import { lintWorkerScript, type GuestFeed, type LintBatchResult, type LintWorkerData } from './lint-parallel.js';
import { checkedGuest, plannedChecks, type PlannedCheck } from './guest-outcome.js';

export type CacheStrategy = 'metadata' | 'content';
export const CACHE_STRATEGIES: readonly CacheStrategy[] = ['metadata', 'content'];
/** ESLint's default is .eslintcache in the working directory. */
export const DEFAULT_CACHE_NAME = '.xenlintcache';
/** The cache file's own format: another number is another format, a miss. */
const FORMAT = 4;

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

/**
 * A file's entry: its GuestResult with every part's `findings` left empty, and
 * those findings as the run reported them on arrival (`settled`, per planned
 * check, null where none arrived): rendered, fingerprinted and matched against
 * the file's directives once, when the file was last checked.
 */
interface Entry {
  result: GuestResult;
  /** A shown finding is a string where it is kept as the finding spill's line (lineText). */
  settled: Array<{ shown: Array<ReportedFinding | FindingLine | string>; suppressedBy: number[] } | null>;
  memory?: MemoryGuest;
}

/** What a hit hands to the run. */
export interface Hit {
  guest: GuestResult;
  settled: Array<SettledPart | undefined>;
  memory: MemoryGuest | undefined;
}

/** Where a file's entry is in the cache file's bytes, and the signature it was made from. */
interface Slot {
  sig: Signature;
  start: number;
  end: number;
}

/** The report the last run wrote, kept whole (ReportMemo), with what it was written for. */
interface KeptRun extends Omit<KeptReport, 'text'> {
  outputKey: string;
  /** Digest of the run's files, in order, with their signatures. */
  files: string;
  textBytes: number;
  /** The report's bytes, read from the cache file only when they are written again, a window at a time. */
  text: () => Iterable<Buffer>;
}

/**
 * The cache file (format 4): a header line (this format, the key, the
 * strategy, the byte length of each section in fixed-width digits), then
 *  - the entries: each file's entry as one JSON line ({result, settled, memory}),
 *  - the index: one line per entry, in the same order: the file's name as a
 *    JSON string, the entry's byte length, the signature (size, mtimeMs, ino,
 *    sha256 or nothing), tab-separated,
 *  - the values: one JSON array of what many entries repeat (LintCache.shared),
 *    which entries name by index; a run appends to it, never reorders it,
 *    since unchanged entries are copied as they are; or nothing,
 *  - the kept report of the last run (ReportMemo), one JSON line, or nothing.
 * An entry is decoded and parsed only when its file is looked up, and an
 * unchanged entry is written back as the very bytes it was read as: the cache
 * of 100 000 guests is never one parsed object, nor one string. A run whose
 * every file is unchanged and whose report would be the kept one parses no
 * entry at all.
 */
type Loaded = { slots: () => Map<string, Slot>; kept: KeptRun | undefined; entries: ReadRange; values: () => OldValues | undefined } | { note: string };

/** The values section as read: the values, and the section's bytes (written back with new values appended). */
interface OldValues {
  list: unknown[];
  bytes: Buffer;
}

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
  if (end < 0 || sections.length !== 4 || !sections.every((n) => Number.isSafeInteger(n) && n >= 0)) return { note: 'not a xenlint cache of this format' };
  const [entryBytes, indexBytes, valueBytes, keptBytes] = sections as [number, number, number, number];
  const entriesAt = end + 1;
  const indexAt = entriesAt + entryBytes;
  const valuesAt = indexAt + indexBytes;
  const keptAt = valuesAt + valueBytes;
  if (keptAt + keptBytes !== file.size) return { note: 'not a xenlint cache (truncated or damaged?)' };
  let slots: Map<string, Slot> | undefined;
  let values: OldValues | null | undefined;
  return {
    // A run that writes the kept report again needs neither the index, the values nor the entries.
    slots: () => (slots ??= indexOf(file.read(indexAt, valuesAt).toString('utf8'), entryBytes)),
    kept: keptBytes > 0 ? keptRunOf(file, keptAt, keptBytes) : undefined,
    // Offsets in `slots` are from the start of the entries.
    entries: (start, end) => file.read(entriesAt + start, entriesAt + Math.min(end, entryBytes)),
    values: () => (values === undefined ? (values = valuesOf(file.read(valuesAt, keptAt)) ?? null) : values) ?? undefined,
  };
}

/** The values section: one JSON array, or nothing; undefined when it is neither (then no entry can be trusted). */
function valuesOf(bytes: Buffer): OldValues | undefined {
  if (bytes.length === 0) return { list: [], bytes };
  let list: unknown;
  try {
    list = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  return Array.isArray(list) && list.length <= MAX_VALUES && bytes[bytes.length - 1] === 10 && bytes[bytes.length - 2] === 93 ? { list, bytes } : undefined;
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

/**
 * The kept report's section (`bytes` at `at`): a JSON line (what it is for, its exit code, its length), then the
 * report's bytes as written, read only when they are written again (78 MB of stylish at 100 000 configs).
 */
function keptRunOf(file: { read: ReadRange }, at: number, bytes: number): KeptRun | undefined {
  const head = file.read(at, at + Math.min(bytes, HEADER_MAX));
  const nl = head.indexOf(10);
  if (nl < 0) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(head.toString('utf8', 0, nl));
  } catch {
    return undefined;
  }
  if (!isRecord(v) || !isString(v['outputKey']) || !isString(v['files']) || !isInt(v['code']) || !isInt(v['warnings']) || v['textBytes'] !== bytes - nl - 1) return undefined;
  return {
    outputKey: v['outputKey'] as string,
    files: v['files'] as string,
    code: v['code'] as number,
    warnings: v['warnings'] as number,
    textBytes: bytes - nl - 1,
    text: () => textPieces(file, at + nl + 1, at + bytes),
  };
}

/**
 * Bytes `start` to `end` of the cache file in pieces of at most WINDOW_BYTES,
 * each ending at a line's end, or else before a character's first byte, so
 * that each decodes as UTF-8 on its own.
 */
export function* textPieces(file: { read: ReadRange }, start: number, end: number, window = WINDOW_BYTES): Generator<Buffer> {
  let at = start;
  while (at < end) {
    let piece = file.read(at, Math.min(end, at + window));
    if (piece.length === 0) return;
    if (at + piece.length < end) {
      let cut = piece.lastIndexOf(10) + 1;
      if (cut === 0) {
        // No line's end in the window: stop before the last character's first byte (UTF-8 continuation bytes are 10xxxxxx).
        cut = piece.length - 1;
        while (cut > 0 && (piece[cut]! & 0xc0) === 0x80) cut--;
      }
      if (cut > 0) piece = piece.subarray(0, cut);
    }
    yield piece;
    at += piece.length;
  }
}

/** The header line: the sections' lengths in fixed-width digits, so it can be written first and filled in last. */
function headerLine(key: string, strategy: CacheStrategy, sections: readonly number[]): string {
  const digits = sections.map((n) => String(n).padStart(SECTION_DIGITS, '0')).join(' ');
  return `${HEADER_PREFIX}${FORMAT},"tool":${JSON.stringify(TOOL_VERSION)},"key":${JSON.stringify(key)},"strategy":${JSON.stringify(strategy)},"sections":"${digits}"}\n`;
}

export class LintCache {
  /** The last run's entries, by file (the index, parsed when first needed). */
  private readonly oldSlots: () => Map<string, Slot>;
  /** The entries' bytes, read a window at a time. */
  private readonly entries: EntryWindow;
  /** The values section (undefined: damaged, and then no old entry is used or kept). */
  private readonly oldValues: () => OldValues | undefined;
  /** Each value's JSON text -> its index (the old ones first), made at the first store. */
  private valueIndex: Map<string, number> | undefined;
  private valueCount = 0;
  /** Values this run added, as JSON text, in index order after the old ones. */
  private readonly newValues: string[] = [];
  private readonly keptRun: KeptRun | undefined;
  /** This run's entries: where the unchanged entry is in the old file (a hit), or the entry made in `made` (a miss). */
  private readonly fresh = new Map<string, Slot | SpillRange>();
  /** The entries this run made, written out as they are made (a cold run of 100 000 configs held them all: ~1 GB). */
  private made: TextSpill | undefined;
  /** Signatures taken at lookup, for the results of the files that missed. */
  private readonly sigs = new Map<string, Signature | null>();
  /** Files named twice in the run: never served (a settled entry holds on the file's directives being the guest's own). */
  private readonly twice = new Set<string>();
  /** The run's report to keep, when it may be replayed. */
  private newRun: KeptRun | undefined;
  /** Its bytes, as the run wrote them (pipeline.ts keeping). */
  private newReport: TextSpill | undefined;
  /** The kept report was written again: nothing was looked up, and the file stays as it is. */
  private replayedRun = false;
  hits = 0;
  /** Says once on stderr what is wrong with the cache file when only a lookup finds it (a damaged values section). */
  private note: ((line: string) => void) | undefined;
  /** The cache file as it was opened (kept open while its entries may be read, whatever replaces it meanwhile). */
  private closeFile: () => void = () => undefined;

  /** Lets the cache file and the entries made go. */
  close(): void {
    this.closeFile();
    this.made?.close();
    this.made = undefined;
    this.newReport?.close();
    this.newReport = undefined;
  }

  private constructor(
    readonly file: string,
    private readonly strategy: CacheStrategy,
    private readonly key: string,
    private readonly limits: InputLimits | undefined,
    /** The ids of the planned checks (RunSession.guestPlan), in order. */
    private readonly plan: readonly string[],
    loaded: Extract<Loaded, { slots: unknown }> | undefined,
    /** The run's files, in order: what a kept report is for. */
    private readonly files: readonly string[] = [],
  ) {
    const seen = new Set<string>();
    for (const f of files) {
      if (seen.has(f)) this.twice.add(f);
      seen.add(f);
    }
    this.oldSlots = loaded?.slots ?? (() => new Map());
    this.entries = new EntryWindow(loaded?.entries ?? (() => Buffer.alloc(0)));
    this.oldValues = loaded?.values ?? (() => ({ list: [], bytes: Buffer.alloc(0) }));
    this.keptRun = loaded?.kept;
  }

  /** The cache at `file`; anything wrong with it is an empty cache and a one-line note on stderr. */
  static open(file: string, strategy: CacheStrategy, key: string, limits: InputLimits | undefined, plan: readonly string[], note: (line: string) => void, files: readonly string[] = []): LintCache {
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
    const cache = new LintCache(file, strategy, key, limits, plan, loaded, files);
    if (close) cache.closeFile = close;
    if (loaded) cache.note = note;
    return cache;
  }

  /** ReportMemo: the kept report when the run's files are those it was written for, byte for byte, and so are its settings. */
  recall(outputKey: string): KeptReport | undefined {
    const kept = this.keptRun;
    if (!kept || kept.outputKey !== outputKey || this.files.length === 0) return undefined;
    const digest = this.filesDigest();
    if (digest === undefined || digest !== kept.files) return undefined;
    this.replayedRun = true;
    return { text: kept.text(), code: kept.code, warnings: kept.warnings };
  }

  /** ReportMemo: this run's report, kept when every file of the run has its entry. */
  keep(outputKey: string, report: WrittenReport): void {
    const spill = report.text;
    const digest = this.filesDigest();
    if (digest === undefined || !this.files.every((f) => this.fresh.has(f))) {
      spill.close();
      return;
    }
    this.newReport?.close();
    this.newReport = spill;
    // Read back from the spill a window at a time when the cache is saved (the 78 MB report of 100 000 configs is not held).
    this.newRun = { outputKey, files: digest, code: report.code, warnings: report.warnings, textBytes: spill.size, text: () => textPieces({ read: (start, end) => spill.bytes(start, end) }, 0, spill.size) };
  }

  /** filesDigest's answer: recall and keep both ask, and a file's signature is taken once per run (signatureOf), so it cannot change. */
  private digest: { of: string | undefined } | undefined;

  /** The run's files with their signatures, or undefined when one has none (unreadable). */
  private filesDigest(): string | undefined {
    return (this.digest ??= { of: this.digestFiles() }).of;
  }

  private digestFiles(): string | undefined {
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
    return this.probe(file) ? this.take(file) : undefined;
  }

  /** True when the file has an entry made from the bytes it has now (its entry is read by `take`). */
  probe(file: string): boolean {
    if (this.twice.has(file)) return false;
    const sig = this.signatureOf(file);
    if (!sig) return false;
    const slot = this.oldSlots().get(file);
    return slot !== undefined && sameSignature(slot.sig, sig, this.strategy);
  }

  /**
   * The entry of a file `probe` found, read and checked now, as the run takes
   * it (an entry is garbage once its guest is in the run: read one at a
   * time, the 10 000 of them are never all held at once); undefined when it
   * is not an entry of the shape `store` writes: read and check the file.
   */
  take(file: string): Hit | undefined {
    const slot = this.oldSlots().get(file);
    const values = this.oldValues();
    if (values === undefined && this.note) {
      this.note(`${this.file}: its shared values are damaged; linting every file again`);
      this.note = undefined;
    }
    if (slot === undefined || values === undefined || slot.end - slot.start > MAX_ENTRY) return undefined;
    let entry: unknown;
    try {
      entry = JSON.parse(this.entries.bytes(slot.start, slot.end).toString('utf8'));
    } catch {
      return undefined;
    }
    if (!withValues(entry, values.list) || !validEntry(entry, file, this.plan)) return undefined;
    this.fresh.set(file, slot);
    this.hits++;
    // An unknown autostart was left out of the file; memory-view only compares it with undefined and true.
    return { guest: decodeResult(entry.result), settled: entry.settled.map((p) => (p === null ? undefined : { shown: p.shown.map((f) => (typeof f === 'string' ? findingLine(f, file)! : f)), suppressedBy: p.suppressedBy })), memory: entry.memory };
  }

  /**
   * A missed file's result, with what it reported on arrival (RunSession.addGuestSettling),
   * kept for the next run when there is that and it survives JSON unchanged.
   */
  store(file: string, result: GuestResult, memory: MemoryGuest | undefined, settled: ReadonlyArray<SettledPart | undefined> | undefined): void {
    const sig = this.sigs.get(file);
    if (!sig || !settled || this.twice.has(file)) return;
    const encoded = encodeResult(result, settled);
    // An unknown autostart is undefined: absent in the file, read back as undefined (memory-view only compares it).
    const m = memory && memory.autostart === undefined ? (({ autostart: _, ...rest }) => rest)(memory) : memory;
    if (!encoded || !plainJson(encoded) || (m !== undefined && !plainJson(m))) return;
    const entry: Entry = { ...this.shared(encoded), ...(m !== undefined ? { memory: m as MemoryGuest } : {}) };
    this.fresh.set(file, (this.made ??= new TextSpill('xenlint-cache-', 'entries')).add(`${JSON.stringify(entry)}\n`));
  }

  /**
   * The entry with what many entries repeat as a number, the value's index in
   * the values section (withValues reads it back): a part with nothing of its
   * own (`{"findings":[]}`, a skip, a small summary), a finding's evidence
   * (mostly about the host: 205 different records among the 23 676 findings
   * of the bench's 10 000 configs) and its remediation. A third of the
   * entries' bytes, and as many objects fewer for the next run to parse.
   */
  private shared(e: Pick<Entry, 'result' | 'settled'>): Pick<Entry, 'result' | 'settled'> {
    const parts = e.result.parts.map((p) => {
      // Not one with a summary object: a fold may keep the very object it is given, and each guest's must be its own.
      if (p === null || p === undefined || ('summary' in p && p.summary !== null && typeof p.summary === 'object')) return p;
      const text = JSON.stringify(p);
      return text.length <= SHARED_PART_CHARS ? (this.intern(p, text) ?? p) : p;
    });
    const settled = e.settled.map((s) => {
      if (s === null) return s;
      const shown = s.shown.map((f) => {
        if (typeof f === 'string') return f;
        if (f instanceof FindingLine) return lineText(f);
        // As the finding spill's line, when that is the finding as reported (redaction leaves it): the next run writes it to the spill as it is.
        if ((f.file === undefined || f.file === e.result.file) && redactReport(f) === f) return lineText(new FindingLine(JSON.stringify(f), f.severity, f.file));
        const evidence = f.evidence !== undefined ? this.intern(f.evidence) : undefined;
        const remediation = f.remediation !== undefined ? this.intern(f.remediation) : undefined;
        if (evidence === undefined && remediation === undefined) return f;
        // In place, so the finding's keys keep their order (the JSON report lists them so).
        const copy: Record<string, unknown> = { ...f };
        if (evidence !== undefined) copy['evidence'] = evidence;
        if (remediation !== undefined) copy['remediation'] = remediation;
        return copy as unknown as ReportedFinding;
      });
      return { ...s, shown };
    });
    return { result: { ...e.result, parts: parts as GuestResult['parts'] }, settled };
  }

  /** The value's index in the values section, added when new; undefined when it cannot be shared. */
  private intern(value: unknown, text?: string): number | undefined {
    if (!this.valueIndex) {
      const old = this.oldValues();
      if (!old) return undefined;
      this.valueIndex = new Map();
      for (const v of old.list) this.valueIndex.set(JSON.stringify(v), this.valueCount++);
    }
    if (!plainJson(value)) return undefined;
    const t = text ?? JSON.stringify(value);
    let n = this.valueIndex.get(t);
    if (n === undefined) {
      if (this.valueCount >= MAX_VALUES) return undefined;
      n = this.valueCount++;
      this.valueIndex.set(t, n);
      this.newValues.push(t);
    }
    return n;
  }

  /**
   * Writes this run's entries, and keeps those of files not in this run that
   * still exist (a pre-commit hook lints a few files and must not empty the
   * cache of the rest); entries of deleted files are dropped.
   */
  save(inRun: ReadonlySet<string>): void {
    if (this.replayedRun) return;
    const old = this.oldSlots();
    const values = this.oldValues();
    // With its values section damaged, no old entry can be read right: none is kept.
    const keptOld = values === undefined ? [] : [...old].filter(([file]) => !this.fresh.has(file) && !inRun.has(file) && statSync(file, { throwIfNoEntry: false })?.isFile());
    const sameRun = this.newRun === undefined || (this.keptRun !== undefined && this.newRun.outputKey === this.keptRun.outputKey && this.newRun.files === this.keptRun.files);
    // Nothing new and nothing dropped: the file on disk is this run's cache already (writing 36 MB back cost ~150 ms of a warm run).
    if (this.hits === this.fresh.size && keptOld.length + this.fresh.size === old.size && sameRun) return;
    const tmp = join(dirname(this.file), `.${basename(this.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      const sections = [0, 0, 0, 0];
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
      // Entries lie one after another in the old file (unchanged) or among those made: copied a range at a time.
      let source: TextSpill | EntryWindow | undefined;
      let from = 0;
      let to = 0;
      const copy = (): void => {
        const s = source;
        if (s === undefined) return;
        for (let at = from; at < to; at += WINDOW_BYTES) put(s.bytes(at, Math.min(to, at + WINDOW_BYTES)));
        source = undefined;
      };
      const entry = (file: string, sig: Signature, e: Slot | SpillRange): void => {
        const from_ = 'sig' in e ? this.entries : this.made!;
        if (source !== from_ || e.start !== to) {
          copy();
          source = from_;
          from = e.start;
        }
        to = e.end;
        index.push(`${JSON.stringify(file)}\t${e.end - e.start}\t${sig.size}\t${sig.mtimeMs}\t${sig.ino}\t${sig.sha256 ?? ''}\n`);
      };
      for (const [file, slot] of keptOld) entry(file, slot.sig, slot);
      for (const [file, e] of this.fresh) entry(file, this.sigs.get(file)!, e);
      copy();
      section = 1;
      for (const line of index) put(line);
      section = 2;
      // The old values as they were (old entries point into them), this run's after them.
      const added = this.newValues.join(',');
      if (values && values.list.length > 0) {
        if (added === '') put(values.bytes);
        else put(`${values.bytes.toString('utf8', 0, values.bytes.length - 2)},${added}]\n`);
      } else if (added !== '') put(`[${added}]\n`);
      // The next run refuses a file over the limit: the entries are what matter; the kept report goes first.
      const limit = inputLimit('cache', this.limits);
      const size = header.length + sections[0]! + sections[1]! + sections[2]!;
      if (size > limit) throw new Error(`${tooLarge(size, limit)}; the next run would not use it`);
      const run = this.newRun ?? this.keptRun;
      const textBytes = run ? run.textBytes : 0;
      const runLine = run ? `${JSON.stringify({ outputKey: run.outputKey, files: run.files, code: run.code, warnings: run.warnings, textBytes })}\n` : '';
      if (run && size + Buffer.byteLength(runLine) + textBytes <= limit) {
        section = 3;
        put(runLine);
        for (const piece of run.text()) put(piece);
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
 * The entries section read a window at a time: entries are looked up, and
 * written back, mostly in the order they lie in the file, so a run reads each
 * byte about once without holding the section (36 MB at 10 000 configs) whole.
 * A window is a Buffer of its own: slices of an earlier one stay valid.
 */
class EntryWindow {
  private start = 0;
  private window: Buffer = Buffer.alloc(0);

  constructor(private readonly read: ReadRange) {}

  /** Bytes `start` to `end` of the entries (fewer when the section is shorter). */
  bytes(start: number, end: number): Buffer {
    if (start < this.start || end > this.start + this.window.length) {
      this.start = start;
      this.window = this.read(start, start + Math.max(end - start, WINDOW_BYTES));
    }
    return this.window.subarray(start - this.start, end - this.start);
  }
}

/** How much of the entries is read at once. */
const WINDOW_BYTES = 1 << 20;

/** An entry is some 4 KiB; a larger one than this is not read (a damaged index, a hostile file). */
const MAX_ENTRY = 16 << 20;
/** How many values the values section holds at most; more are written in their entries. */
const MAX_VALUES = 4096;
/** A part whose JSON is this short is shared through the values section. */
const SHARED_PART_CHARS = 96;

/**
 * Puts back, in a parsed entry, the values `shared` replaced by their index
 * (a part, a finding's evidence or remediation); false when an index is not
 * one of `values`. Anything else is left for validEntry to judge.
 */
function withValues(entry: unknown, values: readonly unknown[]): boolean {
  if (!isRecord(entry)) return true;
  const at = (n: number): unknown => (Number.isSafeInteger(n) && n >= 0 && n < values.length ? values[n] : NOT_A_VALUE);
  const result = entry['result'];
  if (isRecord(result) && Array.isArray(result['parts'])) {
    const parts = result['parts'] as unknown[];
    for (let i = 0; i < parts.length; i++) {
      if (typeof parts[i] === 'number' && (parts[i] = at(parts[i] as number)) === NOT_A_VALUE) return false;
    }
  }
  const settled = entry['settled'];
  if (Array.isArray(settled)) {
    for (const s of settled) {
      if (!isRecord(s) || !Array.isArray(s['shown'])) continue;
      for (const f of s['shown'] as unknown[]) {
        if (!isRecord(f)) continue;
        for (const k of SHARED_FIELDS) if (typeof f[k] === 'number' && (f[k] = at(f[k] as number)) === NOT_A_VALUE) return false;
      }
    }
  }
  return true;
}

const NOT_A_VALUE: unique symbol = Symbol('not a value');
const SHARED_FIELDS = ['evidence', 'remediation'] as const;

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
  return validFindingFields(f);
}

function validFindingFields(f: Record<string, unknown>): boolean {
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

/** A finding as the engine reported it (report in engine.ts), for check `id`: what the formats read. */
function validReported(f: unknown, id: string): boolean {
  return isRecord(f) && f['check'] === id && isString(f['message']) && isString(f['fingerprint']) && SEVERITIES.has(f['severity'] as string) && isOptional(f['unverified'], (u) => typeof u === 'boolean') && validFindingFields(f);
}

const SEVERITY_CODE: Record<Severity, string> = { error: 'e', warning: 'w', info: 'i' };
const SEVERITY_OF: Readonly<Record<string, Severity>> = { e: 'error', w: 'warning', i: 'info' };

/**
 * A shown finding kept as the finding spill's line: its severity's letter,
 * \`+\` when its file is the entry's file or \`-\` when it has none, then the
 * JSON text the spill writes for it. Checked here (a finding of check \`id\`,
 * what the prefix says, JSON that gives itself back) when \`id\` is given;
 * undefined when it is not such a line.
 */
function findingLine(text: string, file: string, id?: string): FindingLine | undefined {
  const severity = SEVERITY_OF[text.charAt(0)];
  const flag = text.charAt(1);
  if (severity === undefined || (flag !== '+' && flag !== '-')) return undefined;
  const line = text.slice(2);
  if (id !== undefined) {
    let f: unknown;
    try {
      f = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (!validReported(f, id) || !plainJson(f) || (f as ReportedFinding).severity !== severity || (f as ReportedFinding).file !== (flag === '+' ? file : undefined)) return undefined;
  }
  return new FindingLine(line, severity, flag === '+' ? file : undefined);
}

/** A FindingLine of the entry's file as the entry keeps it (findingLine reads it). */
function lineText(f: FindingLine): string {
  return `${SEVERITY_CODE[f.severity]}${f.file === undefined ? '-' : '+'}${f.line}`;
}

/** A check's settled findings of one guest (SettledPart), its directives' indexes within the guest's `count` directives. */
function validSettled(s: unknown, id: string, count: number, file: string): boolean {
  if (s === null) return true;
  return (
    isRecord(s) &&
    Object.keys(s).length === 2 &&
    Array.isArray(s['shown']) &&
    s['shown'].every((f) => (typeof f === 'string' ? findingLine(f, file, id) !== undefined : validReported(f, id))) &&
    Array.isArray(s['suppressedBy']) &&
    s['suppressedBy'].every((k) => isInt(k) && (k as number) >= 0 && (k as number) < count) &&
    s['shown'].length + s['suppressedBy'].length > 0
  );
}
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
  // The findings are in the entry's `settled`: here they are only there or not (the check examined the guest).
  return isOptional(p['findings'], (f) => Array.isArray(f) && f.length === 0) && isOptional(p['skip'], (s) => isRecord(s) && isString(s['skip'])) && Object.keys(p).every((k) => k === 'findings' || k === 'skip' || k === 'summary');
}

/** An entry of the shape `store` writes, for this file and this plan of checks. */
function validEntry(e: unknown, file: string, plan: readonly string[]): e is Entry {
  if (!isRecord(e) || !isRecord(e['result'])) return false;
  const r = e['result'];
  const okResult =
    isString(r['name']) &&
    r['file'] === file &&
    Array.isArray(r['suppressions']) &&
    r['suppressions'].every(validSuppression) &&
    typeof r['refused'] === 'boolean' &&
    Array.isArray(r['parts']) &&
    r['parts'].length === plan.length &&
    r['parts'].every(validPart);
  if (!okResult) return false;
  const settled = e['settled'];
  const parts = r['parts'] as unknown[];
  const count = (r['suppressions'] as unknown[]).length;
  // Settled findings only where the part says the check examined the guest.
  const okSettled =
    Array.isArray(settled) &&
    settled.length === plan.length &&
    settled.every((s, i) => validSettled(s, plan[i]!, count, file) && (s === null || (isRecord(parts[i]) && Array.isArray((parts[i] as Record<string, unknown>)['findings']))));
  if (!okSettled) return false;
  const m = e['memory'];
  return m === undefined || (isRecord(m) && isString(m['name']) && typeof m['mib'] === 'number' && Number.isFinite(m['mib']) && isOptional(m['autostart'], (a) => typeof a === 'boolean') && isOptional(m['refused'], (a) => a === true));
}

/**
 * The entry of a result and what it reported on arrival: each part's findings
 * left empty (they are in `settled`); JSON has no undefined in arrays, so a
 * part or settled list with nothing is null. Undefined when the settled lists
 * do not account for every finding of the parts.
 */
function encodeResult(r: GuestResult, settled: ReadonlyArray<SettledPart | undefined>): Pick<Entry, 'result' | 'settled'> | undefined {
  const parts = new Array<unknown>(r.parts.length);
  const lists: Entry['settled'] = new Array(r.parts.length);
  for (let i = 0; i < r.parts.length; i++) {
    const p = r.parts[i];
    const s = settled[i];
    const found = p !== undefined && 'findings' in p && p.findings ? p.findings.length : 0;
    if (found !== (s ? s.shown.length + s.suppressedBy.length : 0)) return undefined;
    parts[i] = p === undefined ? null : found > 0 ? { ...p, findings: [] } : p;
    // A finding the spill wrote as reported is kept as its line (findingLine reads it back).
    lists[i] = s ? { shown: s.shown.map((f) => (f instanceof FindingLine ? (f.file === undefined || f.file === r.file ? lineText(f) : (JSON.parse(f.line) as ReportedFinding)) : f)), suppressedBy: s.suppressedBy } : null;
  }
  return { result: { ...r, parts: parts as GuestResult['parts'] }, settled: lists };
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
  const cached = files.map((f) => cache.probe(f));
  const missed: number[] = [];
  cached.forEach((c, i) => {
    if (!c) missed.push(i);
  });
  const plan = session.guestPlan();
  let checks: PlannedCheck[] | undefined;
  /** A file read and checked here, on this thread. */
  const checkHere = (index: number): LintBatchResult['results'][number] => {
    checks ??= plannedChecks(plan, builtins);
    const ms = new Float64Array(plan.length);
    const item = checkedGuest(files[index]!, parseOptionsFor(readerFor(files[index]!)), limits, checks, host, memoryFor, ms);
    session.addDurations(ms);
    return item;
  };
  const problems: ReadProblem[] = [];
  const add = (index: number, item: LintBatchResult['results'][number]): void => {
    if ('problem' in item) {
      problems.push(item.problem);
      return;
    }
    cache.store(files[index]!, item.guest, item.memory, session.addGuestSettling(item.guest));
    seen(item.guest.name, item.memory);
  };
  let cursor = 0;
  const flushTo = (end: number): void => {
    for (; cursor < end; cursor++) {
      if (!cached[cursor]) continue;
      const h = cache.take(files[cursor]!);
      // An entry that turns out damaged is a miss like any other, found late: the file is checked now.
      if (!h) {
        add(cursor, checkHere(cursor));
        continue;
      }
      session.addGuestResult(h.guest, h.settled);
      seen(h.guest.name, h.memory);
    }
  };
  const take = (index: number, item: LintBatchResult['results'][number]): void => {
    flushTo(index);
    cursor = index + 1;
    add(index, item);
  };
  const missedFiles = missed.map((i) => files[i]!);
  const script = lintWorkerScript();
  const threads = missedFiles.length > 0 ? threadsFor(missedFiles.length, script) : 0;
  if (threads === 0) {
    for (const i of missed) take(i, checkHere(i));
  } else {
    const data: LintWorkerData = { host, plan, memory: memoryFor !== undefined, xen: memoryFor?.xen };
    let next = 0;
    await inWorkerBatches<LintBatchResult>(script, data, threads, missedFiles, readerFor, limits, (r) => {
      for (const item of r.results) take(missed[next++]!, item);
      session.addDurations(r.ms);
    });
  }
  flushTo(files.length);
  return problems;
}
