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
 */
import semver from 'semver';

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
    if (semver.valid(candidate)) return candidate;
  }
  const candidate = `${base}+${buildMetadata(tail)}`;
  return semver.valid(candidate) ? candidate : base;
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
  const key = `${version}\u0000${range}`;
  const known = satisfiedCache.get(key);
  if (known !== undefined) return known;
  if (satisfiedCache.size >= 4096) satisfiedCache.clear();
  const answer = decide(version, range);
  satisfiedCache.set(key, answer);
  return answer;
}

const satisfiedCache = new Map<string, boolean>();

function decide(version: string, range: string): boolean {
  const v = semver.valid(version) ?? parseXenVersionArg(version);
  if (v === undefined || v === null) return false;
  try {
    return semver.satisfies(v, range, { includePrerelease: true });
  } catch {
    return false;
  }
}

/** Whether `range` is a semver range that `satisfiesXen` can test. */
export function isXenRange(range: string): boolean {
  return semver.validRange(range, { includePrerelease: true }) !== null;
}
