/**
 * The top-level config keys xl and xm read, release by release, as
 * checks/data/build-key-table.mjs derived them from Xen's own source
 * (xl: parse_config_data in tools/xl/xl_parse.c, earlier tools/libxl/xl_cmdimpl.c
 * and tools/libxl/xl.c; xm: tools/python/xen/xm/create.py).
 */
import table from '../data/config-keys.json' with { type: 'json' };

export type KeyToolstack = 'xl' | 'xm';

export interface KeyRelease {
  /** `4.17`, or `3.0.4` for the 3.0.x releases. */
  version: string;
  /** The xen-project/xen tag read for it. */
  tag: string;
  /** The file read at that tag. */
  file: string;
  count: number;
}

interface KeyHistory {
  first: string;
  last: string;
  missing?: string[];
}

interface StackTable {
  releases: KeyRelease[];
  /**
   * A key's history as one line, `name first last [missing…]` (build-key-table.mjs format()): an
   * object per key was 300 objects and a 127-property one built at every start (issue 14).
   */
  keys: string[];
}

const TABLES: Record<KeyToolstack, StackTable> = table as unknown as Record<KeyToolstack, StackTable>;

function numbers(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function keyReleases(ts: KeyToolstack): readonly KeyRelease[] {
  return TABLES[ts].releases;
}

/** Each key's line by its name, made when a run first asks about the toolstack. */
const linesByKey: Partial<Record<KeyToolstack, Map<string, string>>> = {};

function keyLines(ts: KeyToolstack): Map<string, string> {
  let lines = linesByKey[ts];
  if (lines === undefined) {
    lines = new Map();
    for (const line of TABLES[ts].keys) lines.set(line.slice(0, line.indexOf(' ')), line);
    linesByKey[ts] = lines;
  }
  return lines;
}

function historyOf(line: string): KeyHistory {
  const [, first, last, ...missing] = line.split(' ');
  return missing.length > 0 ? { first: first!, last: last!, missing } : { first: first!, last: last! };
}

const everRead: Partial<Record<KeyToolstack, ReadonlySet<string>>> = {};

/** Every key the toolstack reads in at least one release. */
export function keysEverRead(ts: KeyToolstack): ReadonlySet<string> {
  return (everRead[ts] ??= new Set(keyLines(ts).keys()));
}

/**
 * The release of the table a Xen version belongs to: the newest release not
 * newer than it (4.17.4 → 4.17, 3.0.1 → 3.0.0, 4.23 → 4.22 for xl).
 * Undefined when the version is older than the first release of the table.
 */
export function releaseFor(ts: KeyToolstack, version: string): KeyRelease | undefined {
  // Asked for every key of every guest with the same one or two versions.
  const memo = releaseMemo[ts];
  if (memo.has(version)) return memo.get(version);
  if (memo.size >= 256) memo.clear();
  const found = findRelease(ts, version);
  memo.set(version, found);
  return found;
}

const releaseMemo: Record<KeyToolstack, Map<string, KeyRelease | undefined>> = { xl: new Map(), xm: new Map() };

function findRelease(ts: KeyToolstack, version: string): KeyRelease | undefined {
  const v = numbers(version);
  if (!v) return undefined;
  let found: KeyRelease | undefined;
  for (const r of TABLES[ts].releases) {
    if (compare(numbers(r.version)!, v) <= 0) found = r;
  }
  return found;
}

/** The release of the table named exactly (`4.10`, `3.0.4`). */
export function keyRelease(ts: KeyToolstack, version: string): KeyRelease | undefined {
  return TABLES[ts].releases.find((r) => r.version === version);
}

export type KeyStatus =
  | { read: true; release: KeyRelease }
  /** The toolstack reads it in no release. */
  | { read: false; never: true }
  /** Read from a later release on. */
  | { read: false; never: false; newIn: KeyRelease; release: KeyRelease }
  /** Read up to `lastRead`, no longer from `goneSince` (up to this release). */
  | { read: false; never: false; goneSince: KeyRelease; lastRead: KeyRelease; release: KeyRelease };

/** Whether the toolstack of the given release reads a key, and if not, since or until when. */
export function keyStatus(ts: KeyToolstack, key: string, release: KeyRelease): KeyStatus {
  const line = keyLines(ts).get(key);
  if (line === undefined) return { read: false, never: true };
  // Asked for every key of every guest against the same release or two: each answer is worked out once
  // (the answers are only read), for the keys of the table.
  let byKey = statusMemo[ts].get(release);
  if (!byKey) statusMemo[ts].set(release, (byKey = new Map()));
  let status = byKey.get(key);
  if (status === undefined) byKey.set(key, (status = statusIn(TABLES[ts].releases, historyOf(line), release)));
  return status;
}

const statusMemo: Record<KeyToolstack, WeakMap<KeyRelease, Map<string, KeyStatus>>> = { xl: new WeakMap(), xm: new WeakMap() };

function statusIn(releases: readonly KeyRelease[], h: KeyHistory, release: KeyRelease): KeyStatus {
  const at = releases.indexOf(release);
  const first = releases.findIndex((r) => r.version === h.first);
  const last = releases.findIndex((r) => r.version === h.last);
  if (at < first) return { read: false, never: false, newIn: releases[first]!, release: release };
  if (at > last) return { read: false, never: false, goneSince: releases[last + 1]!, lastRead: releases[last]!, release: release };
  if (h.missing?.includes(release.version)) {
    // A gap: the key came back later. Call it gone since the release after its last reading before the gap.
    const before = releases.slice(0, at).reverse().find((r) => !h.missing!.includes(r.version))!;
    return { read: false, never: false, goneSince: releases[releases.indexOf(before) + 1]!, lastRead: before, release: release };
  }
  return { read: true, release: release };
}

/** `RELEASE-4.10.0:tools/xl/xl_parse.c`: where the reading can be checked. */
export function releaseSource(r: KeyRelease): string {
  return `${r.tag}:${r.file}`;
}
