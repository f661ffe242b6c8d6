/**
 * Resolves a host path inside a directory that stands for the host's `/` (a
 * capture, a mounted dom0 filesystem, or a test's fake host), the way the
 * kernel would inside a chroot, with one difference: a path or symlink that
 * climbs above the root is refused rather than clamped. Absolute link targets
 * (`/etc/xen/auto/web -> /etc/xen/web.cfg`) are re-rooted at the directory;
 * nothing is ever followed out of it.
 */
import { lstat, readlink, stat } from 'node:fs/promises';
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
 * `followLast: false` resolves every component but the last (like lstat), so a
 * caller can look at a symlink itself.
 */
export async function resolveUnderRoot(
  root: string,
  hostPath: string,
  followLast = true,
): Promise<RootedPath | Failure> {
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
      st = await lstat(joinUnder(root, candidate));
    } catch (err) {
      return fsFailure(err);
    }
    if (st.isSymbolicLink() && (!isLast || followLast)) {
      if (++links > MAX_LINKS) return failure('error', DETAIL.loop);
      let target: string;
      try {
        target = await readlink(joinUnder(root, candidate));
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
export async function existingUnderRoot(root: string, hostPath: string): Promise<{ ok: true; path: string } | Failure> {
  const r = await resolveUnderRoot(root, hostPath);
  if (!r.ok) return r;
  try {
    await stat(r.fsPath);
  } catch (err) {
    return fsFailure(err);
  }
  return { ok: true, path: r.hostPath };
}
