/**
 * Evidence from a directory standing for a host's `/`: a capture written by
 * `xenlint facts --capture` (or a sample under samples/hosts/), or a mounted
 * dom0 filesystem. Every path resolves inside the directory (resolveUnderRoot);
 * commands are never run, their captured output is read from
 * `.xenlint/commands/` instead, and a command that was not captured is
 * `skipped: not captured`. What the capture could not read on its host
 * (`.xenlint/unreadable.json`) and the sizes of what it could not copy
 * (`.xenlint/sizes.json`) answer first, so the read-back reports exactly what the
 * live run saw.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { blockDeviceSizeFromSysfs } from './block-size.js';
import {
  COMMANDS_DIR,
  KEEP_FILE,
  SIZES_FILE,
  type SizesFile,
  UNREADABLE_FILE,
  type UnreadableFile,
  type UnreadableOp,
  commandDirName,
  parseArgvFile,
} from './capture-layout.js';
import { childPath, listDirectorySync, readCappedSync, regularFileSizeSync, typeOfSync } from './fs-read.js';
import { deviceNumberText } from './live-source.js';
import { type RootedPath, TreeMemo, existingUnderRoot, resolveUnderRoot } from './root-path.js';
import {
  DEFAULT_TEXT_MAX_BYTES,
  type BytesResult,
  type CommandResult,
  type DirResult,
  type EvidenceSource,
  type Failure,
  type PathResult,
  type SizeResult,
  type TextResult,
  commandOutcome,
  decodeText,
  failure,
  toTextResult,
} from './source.js';

interface CaptureMeta {
  sizes: SizesFile;
  unreadable: UnreadableFile;
}

export class RootSource implements EvidenceSource {
  readonly kind = 'root' as const;
  readonly root: string;
  private meta: Promise<CaptureMeta> | undefined;
  /**
   * The tree is read with synchronous calls through one memo of what was looked
   * at: its files are local and small, and a thread-pool round trip for each
   * lstat, open, fstat, read and close cost more than the reads themselves.
   */
  private readonly memo = new TreeMemo();

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private at(hostPath: string): RootedPath | Failure {
    return resolveUnderRoot(this.root, hostPath, true, this.memo);
  }

  private loadMeta(): Promise<CaptureMeta> {
    this.meta ??= (async () => {
      const sizes = await this.readMetaJson(SIZES_FILE);
      const unreadable = await this.readMetaJson(UNREADABLE_FILE);
      return {
        sizes: {
          files: objectOr(isRecord(sizes) ? sizes['files'] : undefined),
          blockDevices: objectOr(isRecord(sizes) ? sizes['blockDevices'] : undefined),
        } as SizesFile,
        unreadable: (isRecord(unreadable) ? unreadable : {}) as UnreadableFile,
      };
    })();
    return this.meta;
  }

  private async readMetaJson(rel: string): Promise<unknown> {
    const r = await this.readBytesUnder(`/${rel}`, 16 * 1024 * 1024);
    if (!r.ok) return undefined;
    try {
      return JSON.parse(decodeText(r.bytes)) as unknown;
    } catch {
      return undefined;
    }
  }

  private async recordedFailure(op: UnreadableOp, hostPath: string): Promise<Failure | undefined> {
    const entry = (await this.loadMeta()).unreadable[op]?.[hostPath];
    if (!entry || !isRecord(entry)) return undefined;
    const status = entry.status === 'denied' || entry.status === 'missing' ? entry.status : 'error';
    return failure(status, typeof entry.detail === 'string' ? entry.detail : status);
  }

  private async readBytesUnder(hostPath: string, maxBytes: number): Promise<BytesResult> {
    const at = this.at(hostPath);
    if (!at.ok) return at;
    return readCappedSync(at.fsPath, maxBytes);
  }

  async readBytes(hostPath: string, maxBytes: number): Promise<BytesResult> {
    const recorded = await this.recordedFailure('read', hostPath);
    if (recorded) return recorded;
    const r = await this.readBytesUnder(hostPath, maxBytes);
    if (!r.ok || r.truncated) return r;
    // A capture may hold only the start of a big file; its real size says whether the host's was longer.
    const real = (await this.loadMeta()).sizes.files[hostPath];
    if (real && typeof real.bytes === 'number' && real.bytes > r.bytes.length && r.bytes.length >= maxBytes) {
      return { ok: true, bytes: r.bytes, truncated: true };
    }
    return r;
  }

  async readText(hostPath: string, maxBytes = DEFAULT_TEXT_MAX_BYTES): Promise<TextResult> {
    return toTextResult(await this.readBytes(hostPath, maxBytes));
  }

  async listDir(hostPath: string): Promise<DirResult> {
    const recorded = await this.recordedFailure('list', hostPath);
    if (recorded) return recorded;
    const at = this.at(hostPath);
    if (!at.ok) return at;
    return listDirectorySync(
      at.fsPath,
      (name) => {
        const r = this.at(childPath(at.hostPath, name));
        return r.ok ? typeOfSync(r.fsPath) : 'broken';
      },
      KEEP_FILE,
    );
  }

  async realPath(hostPath: string): Promise<PathResult> {
    const recorded = await this.recordedFailure('realpath', hostPath);
    if (recorded) return recorded;
    return existingUnderRoot(this.root, hostPath, this.memo);
  }

  async fileSize(hostPath: string): Promise<SizeResult> {
    const known = (await this.loadMeta()).sizes.files[hostPath];
    if (known && typeof known.bytes === 'number') return { ok: true, bytes: known.bytes, via: String(known.via) };
    const recorded = await this.recordedFailure('size', hostPath);
    if (recorded) return recorded;
    const at = this.at(hostPath);
    if (!at.ok) return at;
    return regularFileSizeSync(at.fsPath);
  }

  async blockDeviceSize(devicePath: string): Promise<SizeResult> {
    const known = (await this.loadMeta()).sizes.blockDevices[devicePath];
    if (known && typeof known.bytes === 'number') return { ok: true, bytes: known.bytes, via: String(known.via) };
    const recorded = await this.recordedFailure('block-size', devicePath);
    if (recorded) return recorded;
    return blockDeviceSizeFromSysfs(
      {
        realPath: (p) => this.realPath(p),
        readText: (p, max) => this.readText(p, max),
        listDir: (p) => this.listDir(p),
        deviceNumber: async (p) => {
          const at = this.at(p);
          if (!at.ok) return undefined;
          try {
            const st = statSync(at.fsPath);
            return st.isBlockDevice() ? deviceNumberText(st.rdev) : undefined;
          } catch {
            return undefined;
          }
        },
      },
      devicePath,
    );
  }

  async run(argv: readonly string[], _timeoutMs: number): Promise<CommandResult> {
    const dir = await this.findCommandDir(argv);
    if (dir === undefined) return { status: 'skipped', detail: 'not captured' };
    const read = async (name: string): Promise<string | undefined> => {
      const r = await this.readBytesUnder(`${dir}/${name}`, 16 * 1024 * 1024);
      return r.ok ? decodeText(r.bytes) : undefined;
    };
    const [statusText, stdout, stderr, exitText] = await Promise.all([
      read('status'),
      read('stdout'),
      read('stderr'),
      read('exit-code'),
    ]);
    const exitCode = exitText === undefined ? undefined : Number.parseInt(exitText.trim(), 10);
    if (statusText !== undefined && statusText.trim() !== '') {
      const m = /^\s*(ok|skipped|error)\s*:\s*([\s\S]*?)\s*$/.exec(statusText);
      const kind = m?.[1] ?? 'error';
      const detail = m?.[2] ?? statusText.trim();
      if (kind === 'skipped') return { status: 'skipped', detail };
      if (kind === 'error') {
        const r: CommandResult = { status: 'error', detail };
        if (exitCode !== undefined && Number.isFinite(exitCode)) r.exitCode = exitCode;
        if (stdout !== undefined) r.stdout = stdout;
        if (stderr !== undefined) r.stderr = stderr;
        return r;
      }
    }
    if (exitCode !== undefined && !Number.isFinite(exitCode)) {
      return { status: 'error', detail: `capture has an unreadable exit-code for \`${argv.join(' ')}\`` };
    }
    return commandOutcome(argv, exitCode ?? 0, stdout ?? '', stderr ?? '');
  }

  /** The host-style path (`/.xenlint/commands/<name>`) of the captured command with exactly this argv. */
  private async findCommandDir(argv: readonly string[]): Promise<string | undefined> {
    const matches = async (dir: string): Promise<boolean> => {
      const r = await this.readBytesUnder(`${dir}/argv`, 64 * 1024);
      if (!r.ok) return false;
      const recorded = parseArgvFile(decodeText(r.bytes));
      return recorded.length === argv.length && recorded.every((a, i) => a === argv[i]);
    };
    const preferred = `/${COMMANDS_DIR}/${commandDirName(argv)}`;
    if (await matches(preferred)) return preferred;
    const base = this.at(`/${COMMANDS_DIR}`);
    if (!base.ok) return undefined;
    let names: string[];
    try {
      names = readdirSync(base.fsPath).sort();
    } catch {
      return undefined;
    }
    for (const n of names) {
      const dir = `/${COMMANDS_DIR}/${n}`;
      if (dir !== preferred && (await matches(dir))) return dir;
    }
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectOr(v: unknown): Record<string, { bytes: number; via: string }> {
  if (!isRecord(v)) return {};
  const out: Record<string, { bytes: number; via: string }> = Object.create(null) as Record<string, { bytes: number; via: string }>;
  for (const [k, e] of Object.entries(v)) {
    if (isRecord(e) && typeof e['bytes'] === 'number' && Number.isFinite(e['bytes']) && e['bytes'] >= 0) {
      out[k] = { bytes: e['bytes'], via: typeof e['via'] === 'string' ? e['via'] : 'capture' };
    }
  }
  return out;
}
