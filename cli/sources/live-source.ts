/**
 * Evidence from the running host: files through node:fs (read-only), commands
 * through execa with an argv array, never a shell, each with a timeout, stdin
 * closed and a small fixed environment.
 *
 * Tests redirect both halves: `fsRoot` makes every path resolve under a fake
 * host tree (with the same in-root symlink rules as --root), and `path` is the
 * PATH searched for commands (fake `xl` scripts). The defaults are the real `/`
 * and the caller's PATH plus the sbin directories, where distributions install
 * `xl` and `xm` but which a non-root user's PATH often lacks.
 */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { blockDeviceSizeFromSysfs } from './block-size.js';
import { childPath, listDirectory, readCapped, regularFileSize, typeOf } from './fs-read.js';
import { type RootedPath, existingUnderRoot, resolveUnderRoot } from './root-path.js';
import {
  DEFAULT_TEXT_MAX_BYTES,
  DETAIL,
  type BytesResult,
  type CommandResult,
  type DirResult,
  type EvidenceSource,
  type Failure,
  type PathResult,
  type SizeResult,
  type TextResult,
  commandNotFound,
  commandOutcome,
  failure,
  fsFailure,
  isAbsoluteHostPath,
  toTextResult,
} from './source.js';

export interface LiveSourceOptions {
  /** Directory standing for the host's `/`; default `/`. */
  fsRoot?: string;
  /** PATH searched for commands; default the process's PATH plus /usr/local/sbin:/usr/sbin:/sbin. */
  path?: string;
}

const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export function defaultCommandPath(envPath: string | undefined): string {
  const dirs = (envPath ?? '').split(':').filter((d) => d !== '');
  for (const d of SBIN_DIRS) if (!dirs.includes(d)) dirs.push(d);
  return dirs.join(':');
}

export class LiveSource implements EvidenceSource {
  readonly kind = 'live' as const;
  private readonly fsRoot: string;
  private readonly commandPath: string;

  constructor(opts: LiveSourceOptions = {}) {
    this.fsRoot = path.resolve(opts.fsRoot ?? '/');
    this.commandPath = opts.path ?? defaultCommandPath(process.env['PATH']);
  }

  private get redirected(): boolean {
    return this.fsRoot !== '/';
  }

  /** The fs path for a host path, following symlinks as the host would. */
  private async locate(hostPath: string, followLast = true): Promise<RootedPath | Failure> {
    if (!isAbsoluteHostPath(hostPath)) return failure('error', DETAIL.relative);
    if (!this.redirected) return { ok: true, fsPath: path.posix.normalize(hostPath), hostPath: path.posix.normalize(hostPath) };
    return resolveUnderRoot(this.fsRoot, hostPath, followLast);
  }

  async readBytes(hostPath: string, maxBytes: number): Promise<BytesResult> {
    const at = await this.locate(hostPath);
    if (!at.ok) return at;
    return readCapped(at.fsPath, maxBytes);
  }

  async readText(hostPath: string, maxBytes = DEFAULT_TEXT_MAX_BYTES): Promise<TextResult> {
    return toTextResult(await this.readBytes(hostPath, maxBytes));
  }

  async listDir(hostPath: string): Promise<DirResult> {
    const at = await this.locate(hostPath);
    if (!at.ok) return at;
    return listDirectory(at.fsPath, async (name) => {
      if (!this.redirected) return typeOf(path.join(at.fsPath, name));
      const r = resolveUnderRoot(this.fsRoot, childPath(at.hostPath, name));
      return r.ok ? typeOf(r.fsPath) : 'broken';
    });
  }

  async realPath(hostPath: string): Promise<PathResult> {
    if (!isAbsoluteHostPath(hostPath)) return failure('error', DETAIL.relative);
    if (this.redirected) return existingUnderRoot(this.fsRoot, hostPath);
    try {
      return { ok: true, path: await realpath(hostPath) };
    } catch (err) {
      return fsFailure(err);
    }
  }

  async fileSize(hostPath: string): Promise<SizeResult> {
    const at = await this.locate(hostPath);
    if (!at.ok) return at;
    return regularFileSize(at.fsPath);
  }

  async blockDeviceSize(devicePath: string): Promise<SizeResult> {
    return blockDeviceSizeFromSysfs(
      {
        realPath: (p) => this.realPath(p),
        readText: (p, max) => this.readText(p, max),
        listDir: (p) => this.listDir(p),
        deviceNumber: async (p) => {
          const at = await this.locate(p);
          if (!at.ok) return undefined;
          try {
            const st = await stat(at.fsPath);
            if (!st.isBlockDevice()) return undefined;
            return deviceNumberText(st.rdev);
          } catch {
            return undefined;
          }
        },
      },
      devicePath,
    );
  }

  async run(argv: readonly string[], timeoutMs: number): Promise<CommandResult> {
    const [name, ...args] = argv;
    if (name === undefined || name === '') return commandNotFound(argv);
    const binary = await findOnPath(name, this.commandPath);
    if (binary === undefined) return commandNotFound(argv);
    const { execa } = await import('execa');
    const r = await execa(binary, args, {
      env: { PATH: this.commandPath, LC_ALL: 'C', LANG: 'C' },
      extendEnv: false,
      stdin: 'ignore',
      timeout: timeoutMs,
      forceKillAfterDelay: 1000,
      reject: false,
      stripFinalNewline: false,
      maxBuffer: MAX_OUTPUT_BYTES,
      cwd: '/',
      windowsHide: true,
    });
    const stdout = typeof r.stdout === 'string' ? r.stdout : '';
    const stderr = typeof r.stderr === 'string' ? r.stderr : '';
    const shown = `\`${argv.join(' ')}\``;
    if (r.timedOut) {
      return { status: 'error', detail: `${shown} timed out after ${timeoutMs} ms`, stdout, stderr };
    }
    if (typeof r.exitCode === 'number') return commandOutcome(argv, r.exitCode, stdout, stderr);
    if (r.signal) return { status: 'error', detail: `${shown} was killed by ${r.signal}`, stdout, stderr };
    const why = (r as { code?: string }).code ?? r.shortMessage ?? 'failed to start';
    return { status: 'error', detail: `${shown} could not run: ${why}`, stdout, stderr };
  }
}

/** The first executable regular file named `name` in the PATH directories. */
export async function findOnPath(name: string, searchPath: string): Promise<string | undefined> {
  if (name.includes('/')) return undefined;
  for (const dir of searchPath.split(':')) {
    if (dir === '' || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    try {
      const st = await stat(candidate);
      if (!st.isFile()) continue;
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** glibc's dev_t layout: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31. */
export function deviceNumberText(rdev: number): string {
  const low = rdev % 2 ** 32;
  const high = Math.floor(rdev / 2 ** 32);
  const major = ((low >>> 8) & 0xfff) | ((high & 0xfffff000) >>> 0);
  const minor = (low & 0xff) | ((low >>> 12) & 0xfffff00);
  return `${major >>> 0}:${minor >>> 0}`;
}
