/**
 * Resolves a host path inside a directory that stands for the host's `/` (a
 * capture, a mounted dom0 filesystem, or a test's fake host), the way the
 * kernel would inside a chroot, with one difference: a path or symlink that
 * climbs above the root is refused rather than clamped. Absolute link targets
 * (`/etc/xen/auto/web -> /etc/xen/web.cfg`) are re-rooted at the directory;
 * nothing is ever followed out of it.
 */
import { lstatSync, readlinkSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { DETAIL, type Failure, failure, fsFailure, isAbsoluteHostPath } from './source.js';

const MAX_LINKS = 40;

export interface RootedPath {
  ok: true;
  /** The host path with symlinks resolved, e.g. `/etc/xen/web.cfg`. */
  hostPath: string;
  /** The same file inside the root directory. */
  fsPath: string;
}

/** Splits a host path into components, dropping empty ones and `.`. */
function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/**
 * What a resolution looked at, kept for the next one: a tree read back is not
 * written while xenlint reads it, and every file under /proc/N or /etc/xen
 * would otherwise lstat the same directories again. A failure is kept too, so
 * a missing path answers the same way the second time; so is each whole
 * answer (a config is resolved for realPath, then again to be read).
 */
export class TreeMemo implements Lookups {
  private readonly lstats = new Map<string, Stats | null | Error>();
  private readonly links = new Map<string, string | Error>();
  readonly answers = new Map<string, RootedPath | Failure>();

  lstat(fsPath: string): Stats | undefined {
    return remembered(this.lstats, fsPath, () => lstatOrMissing(fsPath) ?? null) ?? undefined;
  }

  readlink(fsPath: string): string {
    return remembered(this.links, fsPath, () => readlinkSync(fsPath));
  }
}

function remembered<T>(memo: Map<string, T | Error>, key: string, get: () => T): T {
  let v = memo.get(key);
  if (v === undefined) {
    try {
      v = get();
    } catch (err) {
      v = err instanceof Error ? err : new Error(String(err));
    }
    memo.set(key, v);
  }
  if (v instanceof Error) throw v;
  return v;
}

/** lstat, with a missing path as undefined rather than a thrown ENOENT: a capture misses many files, and an Error records a stack each time. */
function lstatOrMissing(fsPath: string): Stats | undefined {
  return lstatSync(fsPath, { throwIfNoEntry: false });
}

interface Lookups {
  /** undefined: no such file (ENOENT); other errors are thrown. */
  lstat(fsPath: string): Stats | undefined;
  readlink(fsPath: string): string;
  readonly answers?: Map<string, RootedPath | Failure>;
}

/** One resolution's worth of lstat and readlink, for callers that keep no memo. */
const uncached: Lookups = { lstat: lstatOrMissing, readlink: (p) => readlinkSync(p) };

/** path.normalize of the last root resolved under: every path of a run is under the same one. */
let lastRoot: { root: string; base: string } | undefined;

function normalisedRoot(root: string): string {
  if (lastRoot?.root !== root) lastRoot = { root, base: path.normalize(root) };
  return lastRoot.base;
}

/**
 * `followLast: false` resolves every component but the last (like lstat), so a
 * caller can look at a symlink itself. Synchronous: a handful of lstat calls on
 * a local tree cost less than one thread-pool round trip each would.
 */
export function resolveUnderRoot(root: string, hostPath: string, followLast = true, memo: Lookups = uncached): RootedPath | Failure {
  const key = followLast ? hostPath : `\u0000${hostPath}`;
  const known = memo.answers?.get(key);
  if (known !== undefined) return known;
  const answer = resolve(root, hostPath, followLast, memo);
  memo.answers?.set(key, answer);
  return answer;
}

function resolve(root: string, hostPath: string, followLast: boolean, memo: Lookups): RootedPath | Failure {
  if (!isAbsoluteHostPath(hostPath)) return failure('error', DETAIL.relative);
  // The components are plain names (no `/`, `.` or `..`), so the paths under the root are built by
  // appending, each one the normalised path path.join(root, ...done) would give.
  const base = normalisedRoot(root);
  const under = (rel: string): string => (rel === '' ? base : base.endsWith('/') ? base + rel : `${base}/${rel}`);
  const done: string[] = [];
  let rel = '';
  let todo = components(hostPath);
  let links = 0;
  while (todo.length > 0) {
    const [head, ...rest] = todo as [string, ...string[]];
    todo = rest;
    if (head === '..') {
      if (done.length === 0) return failure('error', DETAIL.escapes);
      done.pop();
      rel = done.join('/');
      continue;
    }
    const candidate = under(rel === '' ? head : `${rel}/${head}`);
    const isLast = todo.length === 0;
    let st;
    try {
      st = memo.lstat(candidate);
    } catch (err) {
      return fsFailure(err);
    }
    if (st === undefined) return failure('missing', DETAIL.missing);
    if (st.isSymbolicLink() && (!isLast || followLast)) {
      if (++links > MAX_LINKS) return failure('error', DETAIL.loop);
      let target: string;
      try {
        target = memo.readlink(candidate);
      } catch (err) {
        return fsFailure(err);
      }
      todo = [...components(target), ...todo];
      if (isAbsoluteHostPath(target)) {
        done.length = 0;
        rel = '';
      }
      continue;
    }
    if (!isLast && !st.isDirectory()) return failure('missing', DETAIL.missing);
    done.push(head);
    rel = rel === '' ? head : `${rel}/${head}`;
  }
  return { ok: true, hostPath: `/${rel}`, fsPath: rel === '' ? root : under(rel) };
}

/**
 * `hostPath` resolved under `root` as realpath(3) would: every component must
 * exist, the last one included (resolveUnderRoot checks only the ones before it).
 */
export function existingUnderRoot(
  root: string,
  hostPath: string,
  memo?: Lookups,
): { ok: true; path: string } | Failure {
  const r = resolveUnderRoot(root, hostPath, true, memo);
  if (!r.ok) return r;
  try {
    statSync(r.fsPath);
  } catch (err) {
    return fsFailure(err);
  }
  return { ok: true, path: r.hostPath };
}
