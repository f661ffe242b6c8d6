/**
 * Read-only file primitives shared by both sources. Files are opened read-only
 * and non-blocking, and only regular files are read: a FIFO or a device node in a
 * mounted tree would otherwise block or read a disk.
 */
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DETAIL, type BytesResult, type DirEntry, type DirResult, type EntryType, type SizeResult, failure, fsFailure } from './source.js';

export async function readCapped(fsPath: string, maxBytes: number): Promise<BytesResult> {
  let handle;
  try {
    handle = await open(fsPath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return fsFailure(err);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) return failure('error', DETAIL.isDirectory);
    if (!st.isFile()) return failure('error', DETAIL.notRegular);
    const cap = Math.max(0, Math.floor(maxBytes));
    // /proc and /sys files report size 0 or 4096 whatever they hold: read until EOF.
    const chunk = st.size > 0 ? Math.min(st.size + 1, 1 << 20) : 1 << 16;
    const buf = Buffer.alloc(Math.max(1, Math.min(cap, chunk)));
    const chunks: Buffer[] = [];
    let total = 0;
    while (total < cap) {
      const want = Math.min(buf.length, cap - total);
      const { bytesRead } = await handle.read(buf, 0, want, null);
      if (bytesRead === 0) return { ok: true, bytes: concat(chunks, total), truncated: false };
      chunks.push(Buffer.from(buf.subarray(0, bytesRead)));
      total += bytesRead;
    }
    const probe = Buffer.alloc(1);
    const { bytesRead } = await handle.read(probe, 0, 1, null);
    return { ok: true, bytes: concat(chunks, total), truncated: bytesRead > 0 };
  } catch (err) {
    return fsFailure(err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function concat(chunks: Buffer[], total: number): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks, total));
}

/**
 * Entries sorted by name; each typed after following symlinks, with `follow`
 * deciding how a link is followed (the OS for a live host, resolveUnderRoot for a
 * root directory). Returns null from follow for a broken or refused link.
 */
export async function listDirectory(
  fsPath: string,
  follow: (name: string) => Promise<EntryType>,
  hide?: string,
): Promise<DirResult> {
  let dirents;
  try {
    dirents = await readdir(fsPath, { withFileTypes: true });
  } catch (err) {
    const f = fsFailure(err);
    if (f.status === 'missing' && (err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      return failure('error', DETAIL.notDirectory);
    }
    return f;
  }
  const entries: DirEntry[] = [];
  for (const d of dirents) {
    if (d.name === hide) continue;
    let type: EntryType;
    if (d.isSymbolicLink()) type = await follow(d.name);
    else if (d.isDirectory()) type = 'dir';
    else if (d.isFile()) type = 'file';
    else type = 'other';
    entries.push({ name: d.name, type });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ok: true, entries };
}

export async function typeOf(fsPath: string): Promise<EntryType> {
  try {
    const st = await stat(fsPath);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch {
    return 'broken';
  }
}

export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : path.posix.join(parent, name);
}

/** The size of a regular file by stat(); a directory or device is an error, not a size. */
export async function regularFileSize(fsPath: string): Promise<SizeResult> {
  try {
    const st = await stat(fsPath);
    if (st.isDirectory()) return failure('error', DETAIL.isDirectory);
    if (!st.isFile()) return failure('error', DETAIL.notRegular);
    return { ok: true, bytes: st.size, via: 'stat' };
  } catch (err) {
    return fsFailure(err);
  }
}
