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
 * (xenlint's version, the checks and the context each runs with — options,
 * severities, --deploy, the Xen version —, the host side of --facts, the
 * dialect rules, --dialect, the limits, the working directory) changes the key,
 * and a cache with another key is not used at all.
 *
 * The cache file is read through the reading layer with its own size limit
 * (`limits.cacheBytes`); whatever is wrong with it — missing, not JSON,
 * truncated, another format, another key, an entry of the wrong shape — makes a
 * miss with a one-line note, never a crash. It is written atomically (a
 * temporary file in the same directory, then rename) and only when the run
 * finished (a refused run, exit 2 before a report, writes nothing).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CheckContext, HostSide } from '../model/contract.js';
import { hasParts, type Check } from '../model/contract.js';
import type { GuestResult, RunSession } from '../engine/engine.js';
import type { InputLimits, XenlintConfig } from '../settings/config.js';
import { UsageError } from '../settings/config.js';
import { readInputFile } from '../sources/read-input.js';
import type { ReadProblem } from '../sources/read-domains.js';
import { inWorkerBatches, threadsFor, workerScript } from '../sources/read-parallel.js';
import { parseOptionsFor } from '../readers/reader-choice.js';
import { TOOL_VERSION } from '../model/tool-version.js';
import type { MemoryGuest } from './memory-view.js';
import type { GuestFeed, LintBatchResult, LintWorkerData } from './lint-parallel.js';
import { checkedGuest, plannedChecks } from './guest-outcome.js';

export type CacheStrategy = 'metadata' | 'content';
export const CACHE_STRATEGIES: readonly CacheStrategy[] = ['metadata', 'content'];
/** ESLint's default is .eslintcache in the working directory. */
export const DEFAULT_CACHE_NAME = '.xenlintcache';
/** The cache file's own format: another number is another format, a miss. */
const FORMAT = 1;

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

export function cacheKey(k: CacheKeyInputs): string {
  const node = process.versions.node.split('.')[0];
  const text = JSON.stringify({ format: FORMAT, tool: TOOL_VERSION, node, ...k });
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
  sig: Signature;
  result: GuestResult;
  memory?: MemoryGuest;
}

/** What a hit hands to the run. */
export interface Hit {
  guest: GuestResult;
  memory: MemoryGuest | undefined;
}

/**
 * The cache file: a header line (this format, the key, the strategy), then one
 * line per file: the file's name as a JSON string, a tab, and its entry as
 * JSON. A line is parsed only when its file is looked up, and an unchanged
 * entry is written back as the very text it was read as: the cache of 100 000
 * guests is never one parsed object.
 */
type Loaded = { lines: Map<string, string> } | { note: string };

/** Reads and checks the header of a cache file's text; the entries are checked one by one when looked up (validEntry). */
export function parseCacheText(text: string, key: string): Loaded {
  const end = text.indexOf('\n');
  let header: unknown;
  try {
    header = JSON.parse(end < 0 ? text : text.slice(0, end));
  } catch {
    return { note: 'not a xenlint cache (truncated or damaged?)' };
  }
  if (!isRecord(header) || header['xenlintCache'] !== FORMAT) return { note: 'not a xenlint cache of this format' };
  if (header['key'] !== key) return { note: 'made with other settings, checks, facts or another xenlint' };
  const lines = new Map<string, string>();
  for (let at = end + 1; end >= 0 && at < text.length; ) {
    let next = text.indexOf('\n', at);
    if (next < 0) next = text.length;
    const tab = text.indexOf('\t', at);
    if (tab > at && tab < next) {
      try {
        const file: unknown = JSON.parse(text.slice(at, tab));
        if (typeof file === 'string') lines.set(file, text.slice(tab + 1, next));
      } catch {
        // a damaged line is a miss for its file
      }
    }
    at = next + 1;
  }
  return { lines };
}

export class LintCache {
  private readonly old: Map<string, string>;
  /** This run's entries: the line as read (a hit) or the entry made (a miss). */
  private readonly fresh = new Map<string, string | Entry>();
  /** Signatures taken at lookup, for the results of the files that missed. */
  private readonly sigs = new Map<string, Signature>();
  hits = 0;

  private constructor(
    readonly file: string,
    private readonly strategy: CacheStrategy,
    private readonly key: string,
    private readonly limits: InputLimits | undefined,
    private readonly planLength: number,
    old: Map<string, string>,
  ) {
    this.old = old;
  }

  /** The cache at `file`; anything wrong with it is an empty cache and a one-line note on stderr. */
  static open(file: string, strategy: CacheStrategy, key: string, limits: InputLimits | undefined, planLength: number, note: (line: string) => void): LintCache {
    let old = new Map<string, string>();
    const read = readInputFile(file, 'cache', limits);
    if (!read.ok) {
      // No cache yet is the first run, not a problem worth a line.
      if (!/not found|no such file/i.test(read.reason)) note(`${file}: ${read.reason}; linting without it`);
    } else {
      const loaded = parseCacheText(Buffer.from(read.bytes).toString('utf8'), key);
      if ('note' in loaded) note(`${file}: ${loaded.note}; linting every file again`);
      else old = loaded.lines;
    }
    return new LintCache(file, strategy, key, limits, planLength, old);
  }

  /** The file's cached result when its bytes are the ones it was made from; undefined = read and check it. */
  lookup(file: string): Hit | undefined {
    const sig = this.signature(file);
    if (!sig) return undefined;
    this.sigs.set(file, sig);
    const line = this.old.get(file);
    if (line === undefined) return undefined;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (!validEntry(entry, file, this.planLength, this.strategy)) return undefined;
    if (!sameSignature(entry.sig, sig, this.strategy)) return undefined;
    this.fresh.set(file, line);
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
    this.fresh.set(file, { sig, result: encoded, ...(m !== undefined ? { memory: m as MemoryGuest } : {}) });
  }

  /**
   * Writes this run's entries, and keeps those of files not in this run that
   * still exist (a pre-commit hook lints a few files and must not empty the
   * cache of the rest); entries of deleted files are dropped.
   */
  save(inRun: ReadonlySet<string>): void {
    // Nothing new and nothing dropped: the file on disk is this run's cache already (writing 36 MB back cost ~150 ms of a warm run).
    if (this.hits === this.fresh.size && [...this.old.keys()].every((file) => this.fresh.has(file) || (!inRun.has(file) && statSync(file, { throwIfNoEntry: false })?.isFile()))) return;
    const tmp = join(dirname(this.file), `.${basename(this.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      let chunk = `${JSON.stringify({ xenlintCache: FORMAT, tool: TOOL_VERSION, key: this.key, strategy: this.strategy })}\n`;
      const put = (file: string, entry: string): void => {
        chunk += `${JSON.stringify(file)}\t${entry}\n`;
        if (chunk.length >= 1 << 16) {
          writeSync(fd, chunk);
          chunk = '';
        }
      };
      for (const [file, line] of this.old) {
        if (!inRun.has(file) && statSync(file, { throwIfNoEntry: false })?.isFile()) put(file, line);
      }
      for (const [file, entry] of this.fresh) put(file, typeof entry === 'string' ? entry : JSON.stringify(entry));
      writeSync(fd, chunk);
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
function validEntry(e: unknown, file: string, planLength: number, strategy: CacheStrategy): e is Entry {
  if (!isRecord(e) || !isRecord(e['sig']) || !isRecord(e['result'])) return false;
  const sig = e['sig'];
  const okSig = strategy === 'content' ? isString(sig['sha256']) : isInt(sig['size']) && typeof sig['mtimeMs'] === 'number' && isInt(sig['ino']);
  if (!okSig) return false;
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
