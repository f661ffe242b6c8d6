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

export function joinUnder(root: string, hostComponents: readonly string[]): string {
  return hostComponents.length === 0 ? root : path.join(root, ...hostComponents);
}

/**
 * What a resolution looked at, kept for the next one: a tree read back is not
 * written while xenlint reads it, and every file under /proc/N or /etc/xen
 * would otherwise lstat the same directories again. A thrown error is kept
 * too, so a missing path answers the same way the second time.
 */
export class TreeMemo {
  private readonly lstats = new Map<string, Stats | Error>();
  private readonly links = new Map<string, string | Error>();

  lstat(fsPath: string): Stats {
    return remembered(this.lstats, fsPath, () => lstatSync(fsPath));
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

/** One resolution's worth of lstat and readlink, for callers that keep no memo. */
const uncached = { lstat: (p: string): Stats => lstatSync(p), readlink: (p: string): string => readlinkSync(p) };

/**
 * `followLast: false` resolves every component but the last (like lstat), so a
 * caller can look at a symlink itself. Synchronous: a handful of lstat calls on
 * a local tree cost less than one thread-pool round trip each would.
 */
export function resolveUnderRoot(
  root: string,
  hostPath: string,
  followLast = true,
  memo: Pick<TreeMemo, 'lstat' | 'readlink'> = uncached,
): RootedPath | Failure {
  if (!isAbsoluteHostPath(hostPath)) return failure('error', DETAIL.relative);
  const done: string[] = [];
  let todo = components(hostPath);
  let links = 0;
  while (todo.length > 0) {
    const [head, ...rest] = todo as [string, ...string[]];
    todo = rest;
    if (head === '..') {
      if (done.length === 0) return failure('error', DETAIL.escapes);
      done.pop();
      continue;
    }
    const candidate = [...done, head];
    const isLast = todo.length === 0;
    let st;
    try {
      st = memo.lstat(joinUnder(root, candidate));
    } catch (err) {
      return fsFailure(err);
    }
    if (st.isSymbolicLink() && (!isLast || followLast)) {
      if (++links > MAX_LINKS) return failure('error', DETAIL.loop);
      let target: string;
      try {
        target = memo.readlink(joinUnder(root, candidate));
      } catch (err) {
        return fsFailure(err);
      }
      todo = [...components(target), ...todo];
      if (isAbsoluteHostPath(target)) done.length = 0;
      continue;
    }
    if (!isLast && !st.isDirectory()) return failure('missing', DETAIL.missing);
    done.push(head);
  }
  return { ok: true, hostPath: `/${done.join('/')}`, fsPath: joinUnder(root, done) };
}

/**
 * `hostPath` resolved under `root` as realpath(3) would: every component must
 * exist, the last one included (resolveUnderRoot checks only the ones before it).
 */
export function existingUnderRoot(
  root: string,
  hostPath: string,
  memo?: Pick<TreeMemo, 'lstat' | 'readlink'>,
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
