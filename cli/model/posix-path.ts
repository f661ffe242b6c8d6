/**
 * POSIX paths that are in normal form already. Reports name every finding's
 * file relative to cwd and shared-writable-disk compares every writable disk's
 * path normalised: node's resolve, relative and normalize walk the path segment
 * by segment each time (three walks for one relative path), while nearly every
 * such path (what the file list and the configs hold) is absolute and normal
 * already, which one native scan tells (issue 14).
 */
import { posix } from 'node:path';

/** A `//`, a `.` or `..` segment, or a trailing `/` after something: what normalize or resolve would change. */
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|[^]\/$/;

/** Whether posix.normalize and posix.resolve both give `p` back as it is: absolute, and normal. */
export function isNormalAbsolute(p: string): boolean {
  return p.charCodeAt(0) === 47 && !NOT_NORMAL.test(p);
}

/** A first segment `.` or `..`: what resolve would fold away (the rest is NOT_NORMAL's). */
const DOT_FIRST = /^\.\.?(?:\/|$)/;

/**
 * Whether `p` is relative and normal: resolved against a normal absolute cwd it
 * is that cwd, a `/` and `p`, and relative to cwd it is `p` again. The files a
 * lint is given on its command line (pre-commit, the bench) are mostly such.
 */
export function isNormalRelative(p: string): boolean {
  return p.length > 0 && p.charCodeAt(0) !== 47 && !DOT_FIRST.test(p) && !NOT_NORMAL.test(p);
}

/** posix.normalize(p), without the walk when `p` is normal and absolute. */
export function normalizePosix(p: string): string {
  return isNormalAbsolute(p) ? p : posix.normalize(p);
}
