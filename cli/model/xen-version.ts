/**
 * Xen versions as semver, and the one way xenlint compares them.
 *
 * Xen reports `xen_major`, `xen_minor` and `xen_extra`; the full version is
 * major.minor + extra, where extra keeps its leading `.` or `-`
 * (`XEN_FULLVERSION` in xen/Makefile; xen-facts.md A7). 3.0.x point releases
 * keep minor 0 and carry the point in extra (`3`,`0`,`.4-1`).
 *
 * Mapping (decided here, relied on by every check's `xen` range):
 * - `.N` gives the patch; no leading number gives patch 0.
 * - A development tag after it (`-pre`, `-rc`, `-rc2`, `-unstable`, `-devel`,
 *   alpha/beta) becomes the semver prerelease: `.4-pre` -> 4.17.4-pre,
 *   `-unstable` -> 4.23.0-unstable, `.0-rc` -> 4.18.0-rc.
 * - Anything else is packaging or a build stamp and becomes build metadata,
 *   which semver ignores when comparing: `.4-1` -> 3.0.4+1 (so it satisfies
 *   `>=3.0.4`), `.3-12.el6` -> 4.1.3+12.el6, `.5.24.g87d90d51` -> 4.x.5+24.g87d90d51,
 *   `.1_02-1` -> 4.x.1+1-02-1 is NOT what happens: `_` is not allowed in
 *   semver, so it is replaced by `-`, giving 4.x.1+02-1.
 *
 * Ranges are always tested with `includePrerelease`: a 4.17.4-pre host (the
 * 4.17 stable branch after 4.17.3) is a 4.17 host, so it satisfies
 * `>=4.17 <4.18`, and `<4.18`, but not `>=4.17.4` (a fix first shipped in
 * 4.17.4 may be missing from a -pre build). Call `satisfiesXen`, never
 * `semver.satisfies` directly, so that every check agrees.
 *
 * The forms xenlint's own checks use — comparators `<`, `<=`, `>`, `>=`, `=` or
 * none, on `M`, `M.m` or `M.m.p`, joined by spaces and `||` — are read here,
 * with semver's own rules (strict-mode parsing, partial versions expanded as
 * semver expands them with includePrerelease, its prerelease ordering); any
 * other range (`^`, `~`, `x`, hyphens, what a plugin may write) goes to semver.
 * Why: semver builds about 40 regular expressions when it loads and parses each
 * range with a dozen more, a tenth of `lint one.cfg`'s start-up; the installed
 * bundle loads it only when such a range comes (build/load-bundle.cjs).
 * test/xen-version.test.ts holds the two to the same answers.
 */
import { satisfies, validRange } from 'semver';

const DEV_TAG = /^(pre|rc\d*|unstable|devel|dev|alpha\d*|beta\d*)(?![a-z])/i;

function buildMetadata(text: string): string {
  return text
    .replace(/[^0-9A-Za-z.-]/g, '-')
    .split('.')
    .filter((id) => id !== '')
    .join('.');
}

function prereleaseIds(text: string): string {
  // semver forbids leading zeros in numeric prerelease identifiers.
  return text
    .replace(/[^0-9A-Za-z.-]/g, '-')
    .split('.')
    .filter((id) => id !== '')
    .map((id) => (/^0\d+$/.test(id) ? id.replace(/^0+/, '') || '0' : id))
    .join('.');
}

/**
 * The semver for a Xen version triple as `xl info` prints it, or undefined
 * when major/minor are not numbers.
 */
export function xenSemver(major: string, minor: string, extra: string): string | undefined {
  const maj = major.trim();
  const min = minor.trim();
  if (!/^\d+$/.test(maj) || !/^\d+$/.test(min)) return undefined;
  const core = `${Number(maj)}.${Number(min)}`;
  const m = /^[.-]?(\d+)?(.*)$/s.exec(extra.trim());
  const patch = m?.[1] !== undefined ? Number(m[1]) : 0;
  if (!Number.isSafeInteger(patch)) return `${core}.0`;
  const base = `${core}.${patch}`;
  const tail = (m?.[2] ?? '').replace(/^[-._+~\s]+/, '');
  if (tail === '') return base;
  if (DEV_TAG.test(tail)) {
    const [pre, ...build] = tail.split('+');
    const candidate = `${base}-${prereleaseIds(pre ?? '')}` + (build.length ? `+${buildMetadata(build.join('-'))}` : '');
    if (validSemver(candidate)) return candidate;
  }
  const candidate = `${base}+${buildMetadata(tail)}`;
  return validSemver(candidate) ? candidate : base;
}

// `.4`, `.4-pre`, `.4-1`, `.5.24.g87d90d51`, `-unstable`; not `.x` or `foo`.
const CLI_EXTRA = /^(?:\.\d+(?:[-_+.~][0-9A-Za-z][\w.+~-]*)?|[-_+~][0-9A-Za-z][\w.+~-]*)?$/;

/**
 * A version given on the command line (`--xen 3.0.4`, `--xen 4.17`,
 * `--xen 3.1`, `--xen 4.17.4-pre`, `--xen 3.0.4-1`, `--xen 4.23-unstable`),
 * read with the same rules as `xen_extra`. `4.17` means 4.17.0; a bare `4`
 * means 4.0.0. A leading `v` or `xen-` is tolerated.
 */
export function parseXenVersionArg(text: string): string | undefined {
  const m = /^(?:xen-?)?v?(\d+)(?:\.(\d+))?(.*)$/is.exec(text.trim());
  if (!m || m[1] === undefined) return undefined;
  const extra = m[3] ?? '';
  if (m[2] === undefined && extra !== '') return undefined;
  if (!CLI_EXTRA.test(extra)) return undefined;
  return xenSemver(m[1], m[2] ?? '0', extra);
}

/**
 * Semver of the hypervisor from `xl info` / `xm info` fields: xen_major,
 * xen_minor and xen_extra, or xl's `xen_version` (4.4+) when the triple is
 * incomplete.
 */
export function versionFromInfoFields(fields: Record<string, string | undefined>): string | undefined {
  const major = fields['xen_major'];
  const minor = fields['xen_minor'];
  if (major !== undefined && minor !== undefined) {
    const v = xenSemver(major, minor, cleanExtra(fields['xen_extra']));
    if (v !== undefined) return v;
  }
  const full = fields['xen_version'];
  return full !== undefined ? parseXenVersionArg(full) : undefined;
}

/** The version as Xen prints it, e.g. "3.0.4-1", "4.17.4-pre". */
export function versionTextFromInfoFields(fields: Record<string, string | undefined>): string | undefined {
  const major = fields['xen_major']?.trim();
  const minor = fields['xen_minor']?.trim();
  if (major && minor && /^\d+$/.test(major) && /^\d+$/.test(minor)) {
    return `${major}.${minor}${cleanExtra(fields['xen_extra'])}`;
  }
  const full = fields['xen_version']?.trim();
  return full ? full : undefined;
}

function cleanExtra(extra: string | undefined): string {
  const e = (extra ?? '').trim();
  return e === '(none)' ? '' : e;
}

/**
 * Whether a Xen version satisfies a semver range, the way an admin reads it:
 * prerelease builds count as their branch (see the module comment). The
 * version may be a semver or anything `parseXenVersionArg` reads ("4.17").
 * False for an unreadable version or range.
 */
export function satisfiesXen(version: string, range: string): boolean {
  // Checks ask the same few questions for every guest; semver re-parses the range on every call.
  // Keyed by range, then version: two lookups of strings already hashed, where one key joined
  // from both was a new string to hash on every call (several per guest).
  let byVersion = satisfiedCache.get(range);
  if (byVersion === undefined) {
    if (satisfiedCache.size >= 1024) satisfiedCache.clear();
    byVersion = new Map();
    satisfiedCache.set(range, byVersion);
  }
  const known = byVersion.get(version);
  if (known !== undefined) return known;
  if (byVersion.size >= 1024) byVersion.clear();
  const answer = decide(version, range);
  byVersion.set(version, answer);
  return answer;
}

const satisfiedCache = new Map<string, Map<string, boolean>>();

function decide(version: string, range: string): boolean {
  const v = validSemver(version) ?? parseXenVersionArg(version);
  if (v === undefined || v === null) return false;
  const sets = simpleRange(range);
  if (sets === undefined) {
    try {
      return satisfies(v, range, { includePrerelease: true });
    } catch {
      return false;
    }
  }
  const parsed = parseSemver(v);
  return parsed !== undefined && sets.some((set) => set.every((c) => test(c, parsed)));
}

/** Whether `range` is a semver range that `satisfiesXen` can test. */
export function isXenRange(range: string): boolean {
  return simpleRange(range) !== undefined || validRange(range, { includePrerelease: true }) !== null;
}

// semver's strict grammar (semver/internal/re.js: FULL), and its limits (internal/constants.js).
const NUMERIC_ID = '0|[1-9]\\d*';
const PRERELEASE_ID = `(?:\\d*[a-zA-Z-][a-zA-Z0-9-]*|${NUMERIC_ID})`;
const FULL = new RegExp(
  `^v?(${NUMERIC_ID})\\.(${NUMERIC_ID})\\.(${NUMERIC_ID})(?:-(${PRERELEASE_ID}(?:\\.${PRERELEASE_ID})*))?(?:\\+[a-zA-Z0-9-]+(?:\\.[a-zA-Z0-9-]+)*)?$`,
);
const MAX_LENGTH = 256;

interface SemVer {
  main: [number, number, number];
  /** Numeric identifiers below MAX_SAFE_INTEGER as numbers, the rest as text (semver's SemVer). */
  pre: Array<number | string>;
}

function parseSemver(text: string): SemVer | undefined {
  if (text.length > MAX_LENGTH) return undefined;
  const m = FULL.exec(text.trim());
  if (!m) return undefined;
  const main: [number, number, number] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (main.some((n) => n > Number.MAX_SAFE_INTEGER)) return undefined;
  const pre = m[4] === undefined ? [] : m[4].split('.').map((id) => (/^[0-9]+$/.test(id) && Number(id) < Number.MAX_SAFE_INTEGER ? Number(id) : id));
  return { main, pre };
}

/** semver.valid: the version without build metadata, or null. */
export function validSemver(text: string): string | null {
  const v = parseSemver(text);
  return v === undefined ? null : v.main.join('.') + (v.pre.length ? `-${v.pre.join('.')}` : '');
}

function compareIds(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  const anum = /^[0-9]+$/.test(String(a));
  const bnum = /^[0-9]+$/.test(String(b));
  if (anum && bnum) {
    a = Number(a);
    b = Number(b);
  }
  return a === b ? 0 : anum && !bnum ? -1 : bnum && !anum ? 1 : a < b ? -1 : 1;
}

function compare(a: SemVer, b: SemVer): number {
  for (let i = 0; i < 3; i++) if (a.main[i] !== b.main[i]) return a.main[i]! < b.main[i]! ? -1 : 1;
  if (a.pre.length && !b.pre.length) return -1;
  if (!a.pre.length && b.pre.length) return 1;
  for (let i = 0; ; i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined && y === undefined) return 0;
    if (y === undefined) return 1;
    if (x === undefined) return -1;
    if (x !== y) return compareIds(x, y);
  }
}

type Op = '<' | '<=' | '>' | '>=' | '';
interface Comparator {
  op: Op;
  v: SemVer;
}

function test(c: Comparator, v: SemVer): boolean {
  const d = compare(v, c.v);
  return c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : c.op === '>=' ? d >= 0 : d === 0;
}

// Numbers of at most 15 digits: what semver would refuse as too large never takes this path.
const SIMPLE = /^(<=|>=|<|>|=)?(0|[1-9]\d{0,14})(?:\.(0|[1-9]\d{0,14})(?:\.(0|[1-9]\d{0,14}))?)?$/;

const at = (M: number, m: number, p: number, pre: Array<number | string> = []): SemVer => ({ main: [M, m, p], pre });
/** `-0`, the lowest prerelease: where semver's includePrerelease puts a partial version's bound. */
const LOWEST = [0];

/** One comparator as semver reads it (classes/range.js replaceXRange, with includePrerelease). */
function comparators(text: string): Comparator[] | undefined {
  const m = SIMPLE.exec(text);
  if (!m) return undefined;
  let op = (m[1] ?? '') as Op | '=';
  const M = Number(m[2]);
  if (m[4] !== undefined) return [{ op: op === '=' ? '' : op, v: at(M, Number(m[3]), Number(m[4])) }];
  const minorMissing = m[3] === undefined;
  let major = M;
  let minor = minorMissing ? 0 : Number(m[3]);
  if (op === '=' || op === '') {
    return minorMissing
      ? [{ op: '>=', v: at(M, 0, 0, LOWEST) }, { op: '<', v: at(M + 1, 0, 0, LOWEST) }]
      : [{ op: '>=', v: at(M, minor, 0, LOWEST) }, { op: '<', v: at(M, minor + 1, 0, LOWEST) }];
  }
  if (op === '>' || op === '<=') {
    if (minorMissing) major += 1;
    else minor += 1;
    op = op === '>' ? '>=' : '<';
  }
  return [{ op, v: at(major, minor, 0, LOWEST) }];
}

const parsedRanges = new Map<string, Comparator[][] | null>();

/** The range as sets of comparators (any set may match), or undefined when it is not one of the simple forms. */
function simpleRange(range: string): Comparator[][] | undefined {
  let sets = parsedRanges.get(range);
  if (sets === undefined) {
    sets = null;
    if (range.length <= MAX_LENGTH) {
      const read = range
        .trim()
        .split(/\s+/)
        .join(' ')
        .split('||')
        .map((part) => {
          const words = part.trim().split(' ');
          const cs = words.map(comparators);
          return words[0] === '' || cs.some((c) => c === undefined) ? undefined : cs.flatMap((c) => c!);
        });
      if (read.every((set) => set !== undefined)) sets = read as Comparator[][];
    }
    if (parsedRanges.size >= 1024) parsedRanges.clear();
    parsedRanges.set(range, sets);
  }
  return sets ?? undefined;
}

/** Whether `range` is one of the forms read without semver (see the module comment). */
export function isSimpleXenRange(range: string): boolean {
  return simpleRange(range) !== undefined;
}
