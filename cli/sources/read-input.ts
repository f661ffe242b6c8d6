/**
 * The one road by which a command reads a file it was given: domU configs,
 * `--facts` snapshots and info texts, baselines, the `.xenlintrc` config and
 * `.xenlintignore`. Host gathering reads through the same primitive
 * (fs-read.ts: non-blocking open, fstat, a capped read loop); here a file that
 * is not a regular file, or is larger than its kind's limit, is refused with
 * the file, the kind and the limit named, before it is read. A FIFO, /dev/zero
 * or a 2 GB sparse file thus costs one open and one fstat, never a hang or a heap.
 *
 * Reads are synchronous: a command reads its inputs one at a time, and for a
 * small file one open/fstat/read/close on this thread beats four thread-pool
 * round trips (cli/sources/read-domains.ts).
 */
import { UsageError, type InputLimits } from '../settings/config.js';
import { readCappedSync } from './fs-read.js';
import { DETAIL } from './source.js';

export type InputKind = 'config' | 'facts' | 'baseline' | 'settings' | 'ignore' | 'cache';

interface KindRule {
  /** How messages name the file's role. */
  label: string;
  /** The `limits:` key that sets it; the config file itself cannot set its own limit. */
  key?: keyof InputLimits;
  bytes: number;
}

const MiB = 1024 * 1024;

/**
 * Default size limits per kind, documented in the README ("Limits"). A domU
 * config is a few kilobytes; a snapshot of a thousand guests is a few
 * megabytes; a baseline entry is some 200 bytes. Each limit keeps a single
 * input under 256 MiB of peak memory once parsed (measured: README "Limits"):
 * YAML costs some 24 bytes of heap per byte of text, JSON a third of that.
 */
export const INPUT_KINDS: Readonly<Record<InputKind, KindRule>> = {
  config: { label: 'domU config', key: 'configBytes', bytes: 1 * MiB },
  facts: { label: 'facts file', key: 'factsBytes', bytes: 4 * MiB },
  baseline: { label: 'baseline', key: 'baselineBytes', bytes: 16 * MiB },
  settings: { label: 'xenlint config', bytes: 1 * MiB },
  ignore: { label: 'ignore file', bytes: 1 * MiB },
  // `lint --cache`: some 4 KiB per config on the bench corpus (its entry, index line and share of the kept
  // report), so some 120 000 configs; over the limit the cache is not used (a note, never exit 2). The entries
  // are read a window at a time: what a run holds of the file is its index (~70 bytes a config) and a report
  // written again (~20 % of the file).
  cache: { label: 'lint cache', key: 'cacheBytes', bytes: 512 * MiB },
};

export function inputLimit(kind: InputKind, limits?: InputLimits): number {
  const rule = INPUT_KINDS[kind];
  return (rule.key !== undefined ? limits?.[rule.key] : undefined) ?? rule.bytes;
}

/** 1048576 -> "1 MiB", 1500 -> "1500 bytes". */
export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

export type InputResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: string };

/**
 * The whole file, or why it is refused (without the file name: the caller places it).
 * With `scratch`, the bytes may be a view of it (fs-read.ts readCappedSync): the
 * caller uses them before its next read into the same buffer.
 */
export function readInputFile(file: string, kind: InputKind, limits?: InputLimits, scratch?: Buffer): InputResult {
  const limit = inputLimit(kind, limits);
  const r = readCappedSync(file, limit, true, scratch);
  if (!r.ok) {
    const why = r.detail === DETAIL.denied ? 'permission denied' : r.detail === DETAIL.notRegular ? `${r.detail} (a FIFO, a device or a socket is never read)` : r.detail;
    return { ok: false, reason: `cannot read the ${INPUT_KINDS[kind].label}: ${why}` };
  }
  if (r.truncated) return { ok: false, reason: tooLarge(kind, limit) };
  return { ok: true, bytes: r.bytes };
}

function tooLarge(kind: InputKind, limit: number): string {
  const key = INPUT_KINDS[kind].key;
  const raise = key !== undefined ? `; \`limits: { ${key}: N }\` in the xenlint config raises it` : '';
  return `the ${INPUT_KINDS[kind].label} is larger than the limit of ${formatBytes(limit)}${raise}`;
}

/** readInputFile, where a refused file stops the command: exit 2 naming the file. */
export function readInputBytes(file: string, kind: InputKind, limits?: InputLimits): Uint8Array {
  const r = readInputFile(file, kind, limits);
  if (!r.ok) throw new UsageError(`${file}: ${r.reason}`);
  return r.bytes;
}

/** readInputBytes decoded as UTF-8 (invalid bytes become U+FFFD). */
export function readInputText(file: string, kind: InputKind, limits?: InputLimits): string {
  // Decoded where they lie, through a Buffer view of them: toString() with no encoding is Node's
  // UTF-8 slice itself. A copy (Buffer.from(bytes)) and toString('utf8') compiled Node's encoding
  // table and buffer-copying functions on every start with --facts (issue 14).
  const bytes = readInputBytes(file, kind, limits);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString();
}

/** The xenlint config's text: loadConfig's reader. */
export function readSettingsText(file: string): string {
  return readInputText(file, 'settings');
}

/** Standard input (`-`), read until EOF or the kind's limit: a pipe is what `-` is for, so only the size is limited. */
export async function readStdinText(kind: InputKind, limits?: InputLimits, stdin: AsyncIterable<Buffer | string> = process.stdin): Promise<string> {
  const limit = inputLimit(kind, limits);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += b.length;
    if (total > limit) throw new UsageError(`standard input: ${tooLarge(kind, limit)}`);
    chunks.push(b);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
