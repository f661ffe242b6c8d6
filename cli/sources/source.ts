/**
 * Where evidence comes from. The gatherer reads a live host and a captured or
 * mounted tree (`--root DIR`) through this one interface, so both take the same
 * code path from raw evidence to Facts.
 *
 * Every operation returns a value, never throws: a file that cannot be read is
 * `{ ok: false, status, detail }` and a command that cannot run is `skipped` or
 * `error`. The detail texts are built by the helpers below and never contain the
 * directory a root source maps paths into, so a live run and a read-back capture
 * of it describe the same failure with the same words.
 *
 * Paths are always host paths (`/proc/modules`, `/etc/xen/web.cfg`), absolute.
 */

export type FailureStatus = 'missing' | 'denied' | 'error';

export interface Failure {
  ok: false;
  status: FailureStatus;
  detail: string;
}

export type BytesResult = { ok: true; bytes: Uint8Array; truncated: boolean } | Failure;
export type TextResult = { ok: true; text: string; truncated: boolean } | Failure;

/** The type of a directory entry after following it if it is a symlink; `broken` = a dangling or refused link. */
export type EntryType = 'file' | 'dir' | 'other' | 'broken';

export interface DirEntry {
  name: string;
  type: EntryType;
}

export type DirResult = { ok: true; entries: DirEntry[] } | Failure;
/** `path` is the host path with every symlink resolved. */
export type PathResult = { ok: true; path: string } | Failure;
/** `via` says how the size was found (a sysfs file, `stat`, a capture's sizes.json entry). */
export type SizeResult = { ok: true; bytes: number; via: string } | Failure;

export type CommandResult =
  | { status: 'ok'; stdout: string; stderr: string; exitCode: number }
  | { status: 'skipped'; detail: string }
  | { status: 'error'; detail: string; exitCode?: number; stdout?: string; stderr?: string };

export interface EvidenceSource {
  readonly kind: 'live' | 'root';
  /** The --root directory, for a root source. */
  readonly root?: string;
  /** At most `maxBytes` bytes; `truncated` when the file holds more. Only regular files are read. */
  readBytes(path: string, maxBytes: number): Promise<BytesResult>;
  /** readBytes decoded as UTF-8 (invalid bytes become U+FFFD). */
  readText(path: string, maxBytes?: number): Promise<TextResult>;
  listDir(path: string): Promise<DirResult>;
  realPath(path: string): Promise<PathResult>;
  /** Size of a regular file (a disk image), following symlinks. */
  fileSize(path: string): Promise<SizeResult>;
  /** Size of a block device (`/dev/sdb1`, `/dev/vg/lv`, `/dev/mapper/vg-lv`, or `vg/lv` meaning `/dev/vg/lv`). */
  blockDeviceSize(path: string): Promise<SizeResult>;
  /** Runs argv[0] found on PATH with the rest as arguments; never through a shell. */
  run(argv: readonly string[], timeoutMs: number): Promise<CommandResult>;
}

export const DEFAULT_TEXT_MAX_BYTES = 4 * 1024 * 1024;

export const DETAIL = {
  missing: 'not found',
  denied: 'permission denied: run as root',
  notRegular: 'not a regular file',
  isDirectory: 'is a directory',
  notDirectory: 'not a directory',
  escapes: 'symlink leads outside the root directory; not followed',
  loop: 'too many levels of symlinks',
  relative: 'not an absolute path',
} as const;

export function failure(status: FailureStatus, detail: string): Failure {
  return { ok: false, status, detail };
}

/** Maps a Node fs error to a failure without the path (which differs between a live host and a capture). */
export function fsFailure(err: unknown): Failure {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return failure('missing', DETAIL.missing);
    case 'EACCES':
    case 'EPERM':
      return failure('denied', DETAIL.denied);
    case 'EISDIR':
      return failure('error', DETAIL.isDirectory);
    case 'ELOOP':
      return failure('error', DETAIL.loop);
    default:
      return failure('error', code ? `${code}: ${errorText(code)}` : 'read failed');
  }
}

function errorText(code: string): string {
  const known: Record<string, string> = {
    EIO: 'input/output error',
    ENXIO: 'no such device or address',
    ENODEV: 'no such device',
    EINVAL: 'invalid argument',
    EMFILE: 'too many open files',
    ENFILE: 'too many open files in system',
    EAGAIN: 'resource temporarily unavailable',
    EBUSY: 'device or resource busy',
    ENAMETOOLONG: 'file name too long',
  };
  return known[code] ?? 'read failed';
}

// Made on first use: a TextDecoder sets up Node's encoding support, and `lint one.cfg` decodes nothing here.
let decoder: { decode(bytes: Uint8Array): string } | undefined;

export function decodeText(bytes: Uint8Array): string {
  return (decoder ??= new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })).decode(bytes);
}

export function toTextResult(r: BytesResult): TextResult {
  if (!r.ok) return r;
  return { ok: true, text: decodeText(r.bytes), truncated: r.truncated };
}

/** How a command that ran and exited is reported, shared by the live runner and the capture reader. */
export function commandOutcome(
  argv: readonly string[],
  exitCode: number,
  stdout: string,
  stderr: string,
): CommandResult {
  if (exitCode === 0) return { status: 'ok', stdout, stderr, exitCode };
  return { status: 'error', detail: `\`${argv.join(' ')}\` exited with status ${exitCode}`, exitCode, stdout, stderr };
}

export function commandNotFound(argv: readonly string[]): CommandResult {
  return { status: 'skipped', detail: `${argv[0] ?? '(empty command)'} not found` };
}

export function isAbsoluteHostPath(p: string): boolean {
  return p.startsWith('/');
}
