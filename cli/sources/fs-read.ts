/**
 * Read-only file primitives shared by both sources. Files are opened read-only
 * and non-blocking, and only regular files are read: a FIFO or a device node in a
 * mounted tree would otherwise block or read a disk.
 */
import { closeSync, constants, type Dirent, fstatSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DETAIL, type BytesResult, type DirEntry, type DirResult, type EntryType, type Failure, type SizeResult, failure, fsFailure } from './source.js';

/**
 * Up to `maxBytes` of a regular file, opened non-blocking: a FIFO, a device or a
 * directory is refused from fstat, before a single read, so it can neither block
 * nor stream forever. Gathering (async, many files at once) and the files a
 * command names (readCappedSync: one at a time, no thread-pool round trips) share
 * the checks and the read loop below; only the system calls differ.
 */
export async function readCapped(fsPath: string, maxBytes: number): Promise<BytesResult> {
  let handle;
  try {
    handle = await open(fsPath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return fsFailure(err);
  }
  try {
    const reads = cappedReads(await handle.stat(), maxBytes);
    let step = reads.next();
    while (!step.done) step = reads.next((await handle.read(step.value.buf, step.value.at, step.value.want, null)).bytesRead);
    return step.value;
  } catch (err) {
    return fsFailure(err);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * readCapped with synchronous calls, for a command's inputs. `wholeOrNothing`:
 * a file whose size is over the cap is not read at all (truncated, no bytes),
 * since the caller refuses it anyway. `scratch`: a buffer the bytes are read
 * into when they fit, returned as a view of it, valid until the caller reuses
 * it: a reader that decodes the bytes at once (a domU config) then allocates no
 * ArrayBuffer per file, which at 10 000 files was a backing store, a malloc and
 * a young-generation sweep entry each.
 */
export function readCappedSync(fsPath: string, maxBytes: number, wholeOrNothing = false, scratch?: Buffer): BytesResult {
  let fd: number;
  try {
    fd = openSync(fsPath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return fsFailure(err);
  }
  try {
    const reads = cappedReads(fstatSync(fd), maxBytes, wholeOrNothing, scratch);
    let step = reads.next();
    while (!step.done) step = reads.next(readSync(fd, step.value.buf, step.value.at, step.value.want, null));
    return step.value;
  } catch (err) {
    return fsFailure(err);
  } finally {
    closeSync(fd);
  }
}

/**
 * The read loop of readCapped, as the reads it wants: yields a buffer, where in it
 * to read and how much, takes back how many bytes came. /proc and /sys files
 * report size 0 or 4096 whatever they hold, so a file is read until EOF or the
 * cap, never by its size alone (a short read that ends exactly at the size is EOF). The bytes are read straight into the one buffer they
 * are returned in (sized from fstat, grown only for a file that lied about its
 * size): no zero-fill, no copy per read, no copy at the end, unless that buffer
 * is mostly empty (a /proc file read into 64 KiB), which would keep it alive.
 */
function* cappedReads(st: Stats, maxBytes: number, wholeOrNothing = false, scratch?: Buffer): Generator<{ buf: Buffer; at: number; want: number }, BytesResult, number> {
  if (st.isDirectory()) return failure('error', DETAIL.isDirectory);
  if (!st.isFile()) return failure('error', DETAIL.notRegular);
  const cap = Math.max(0, Math.floor(maxBytes));
  if (wholeOrNothing && st.size > cap) return { ok: true, bytes: new Uint8Array(0), truncated: true };
  const chunk = st.size > 0 ? Math.min(st.size + 1, 1 << 20) : 1 << 16;
  const first = Math.max(1, Math.min(cap, chunk));
  // The caller's scratch buffer, when the file fits it: no ArrayBuffer per file (see readCappedSync).
  const owner = scratch !== undefined && scratch.length >= first ? scratch : undefined;
  let buf = owner !== undefined ? owner.subarray(0, first) : Buffer.allocUnsafeSlow(first);
  let total = 0;
  while (total < cap) {
    if (total === buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.min(cap, total + Math.max(chunk, total)));
      buf.copy(grown, 0, 0, total);
      buf = grown;
    }
    const want = Math.min(buf.length, cap) - total;
    const bytesRead = yield { buf, at: total, want };
    if (bytesRead === 0) return { ok: true, bytes: owned(buf, total, owner), truncated: false };
    total += bytesRead;
    // A read that came short with exactly the size fstat gave is at the end: the read
    // that would return 0 is spared (one system call of five per config file). A
    // /proc or /sys file whose size says nothing (0, 4096) still reads to EOF.
    if (bytesRead < want && total === st.size) return { ok: true, bytes: owned(buf, total, owner), truncated: false };
  }
  const probed = yield { buf: Buffer.allocUnsafe(1), at: 0, want: 1 };
  return { ok: true, bytes: owned(buf, total, owner), truncated: probed > 0 };
}

/**
 * The first `total` bytes of buf as a Uint8Array: a view when that is most of it
 * or when buf is still the caller's scratch buffer (the caller copies what it keeps),
 * else a copy of their own.
 */
function owned(buf: Buffer, total: number, scratch: Buffer | undefined): Uint8Array {
  if (scratch !== undefined && buf.buffer === scratch.buffer) return buf.subarray(0, total);
  if (buf.length - total > 64 + (total >> 3)) return new Uint8Array(buf.subarray(0, total));
  return new Uint8Array(buf.buffer, buf.byteOffset, total);
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
    return listFailure(err);
  }
  const links = new Map<string, EntryType>();
  for (const d of dirents) if (d.name !== hide && d.isSymbolicLink()) links.set(d.name, await follow(d.name));
  return sortedEntries(dirents, (name) => links.get(name) ?? 'broken', hide);
}

/** listDirectory with synchronous calls, for a tree read back (RootSource): no thread-pool round trip per directory. */
export function listDirectorySync(fsPath: string, follow: (name: string) => EntryType, hide?: string): DirResult {
  let dirents;
  try {
    dirents = readdirSync(fsPath, { withFileTypes: true });
  } catch (err) {
    return listFailure(err);
  }
  return sortedEntries(dirents, follow, hide);
}

function listFailure(err: unknown): Failure {
  const f = fsFailure(err);
  if (f.status === 'missing' && (err as NodeJS.ErrnoException).code === 'ENOTDIR') return failure('error', DETAIL.notDirectory);
  return f;
}

function sortedEntries(dirents: readonly Dirent[], follow: (name: string) => EntryType, hide: string | undefined): DirResult {
  const entries: DirEntry[] = [];
  for (const d of dirents) {
    if (d.name === hide) continue;
    let type: EntryType;
    if (d.isSymbolicLink()) type = follow(d.name);
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
    return entryType(await stat(fsPath));
  } catch {
    return 'broken';
  }
}

export function typeOfSync(fsPath: string): EntryType {
  try {
    return entryType(statSync(fsPath));
  } catch {
    return 'broken';
  }
}

function entryType(st: Stats): EntryType {
  return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
}

export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : path.posix.join(parent, name);
}

/** The size of a regular file by stat(); a directory or device is an error, not a size. */
export async function regularFileSize(fsPath: string): Promise<SizeResult> {
  try {
    return sizeOf(await stat(fsPath));
  } catch (err) {
    return fsFailure(err);
  }
}

export function regularFileSizeSync(fsPath: string): SizeResult {
  try {
    return sizeOf(statSync(fsPath));
  } catch (err) {
    return fsFailure(err);
  }
}

function sizeOf(st: Stats): SizeResult {
  if (st.isDirectory()) return failure('error', DETAIL.isDirectory);
  if (!st.isFile()) return failure('error', DETAIL.notRegular);
  return { ok: true, bytes: st.size, via: 'stat' };
}
