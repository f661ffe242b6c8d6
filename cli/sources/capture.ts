/**
 * `xenlint facts --capture DIR`: the raw evidence of this host written into DIR
 * (layout: capture-layout.ts, docs/capture.md), so that `check --root DIR`
 * elsewhere reads exactly what a live run here would have read.
 *
 * The capture is a recording: the ordinary gatherer runs against a
 * RecordingSource wrapped around the live source, and every answer it got is
 * written down: the files it read at their paths (text redacted), the commands'
 * output under .xenlint/commands/, sizes it measured in .xenlint/sizes.json, and
 * what it could not read (and why) in .xenlint/unreadable.json. What the gatherer
 * did not look at is not captured, so the capture holds no more than the checks
 * use, and a later read-back through RootSource answers every call the same way.
 *
 * Writing is confined to DIR: DIR must be empty or new, every path is checked
 * component by component and never written through a symlink, and the only
 * symlinks created (where the host had them, e.g. /etc/xen/auto/web) are
 * relative and created last.
 */
import { chmod, lstat, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Facts } from '../model/facts.js';
import { TOOL_VERSION } from '../model/tool-version.js';
import {
  CAPTURE_FORMAT,
  COMMANDS_DIR,
  KEEP_FILE,
  type CaptureManifest,
  MANIFEST_FILE,
  META_DIR,
  SIZES_FILE,
  type SizesFile,
  UNREADABLE_FILE,
  type UnreadableFile,
  type UnreadableOp,
  argvFileText,
  commandDirName,
} from './capture-layout.js';
import { type GatherOptions, gatherFacts } from './gather.js';
import { redactBytes, redactSecrets } from './redact.js';
import {
  DEFAULT_TEXT_MAX_BYTES,
  type BytesResult,
  type CommandResult,
  type DirResult,
  type EvidenceSource,
  type PathResult,
  type SizeResult,
  type TextResult,
  toTextResult,
} from './source.js';

interface RecordedRead {
  result: BytesResult;
  /** Read as text: redacted when written. */
  text: boolean;
  /** For a cut read: the file's real size, so the read-back knows it was cut. */
  realSize?: number;
}

/** Passes every call through to the wrapped source and remembers each answer. */
export class RecordingSource implements EvidenceSource {
  readonly kind: EvidenceSource['kind'];
  readonly root?: string;
  readonly reads = new Map<string, RecordedRead>();
  readonly lists = new Map<string, DirResult>();
  readonly realPaths = new Map<string, PathResult>();
  readonly fileSizes = new Map<string, SizeResult>();
  readonly blockSizes = new Map<string, SizeResult>();
  readonly commands: Array<{ argv: string[]; result: CommandResult }> = [];

  constructor(private readonly inner: EvidenceSource) {
    this.kind = inner.kind;
    if (inner.root !== undefined) this.root = inner.root;
  }

  private async record(p: string, maxBytes: number, text: boolean): Promise<BytesResult> {
    const result = await this.inner.readBytes(p, maxBytes);
    const previous = this.reads.get(p);
    const longer = !previous || !previous.result.ok || (result.ok && result.bytes.length > previous.result.bytes.length);
    if (longer) {
      const rec: RecordedRead = { result, text: text || (previous?.text ?? false) };
      if (result.ok && result.truncated) {
        const size = await this.inner.fileSize(p);
        rec.realSize = Math.max(size.ok ? size.bytes : 0, result.bytes.length + 1);
      }
      this.reads.set(p, rec);
    } else if (text && previous) {
      previous.text = true;
    }
    return result;
  }

  readBytes(p: string, maxBytes: number): Promise<BytesResult> {
    return this.record(p, maxBytes, false);
  }

  async readText(p: string, maxBytes = DEFAULT_TEXT_MAX_BYTES): Promise<TextResult> {
    return toTextResult(await this.record(p, maxBytes, true));
  }

  async listDir(p: string): Promise<DirResult> {
    const r = await this.inner.listDir(p);
    this.lists.set(p, r);
    return r;
  }

  async realPath(p: string): Promise<PathResult> {
    const r = await this.inner.realPath(p);
    this.realPaths.set(p, r);
    return r;
  }

  async fileSize(p: string): Promise<SizeResult> {
    const r = await this.inner.fileSize(p);
    this.fileSizes.set(p, r);
    return r;
  }

  async blockDeviceSize(p: string): Promise<SizeResult> {
    const r = await this.inner.blockDeviceSize(p);
    this.blockSizes.set(p, r);
    return r;
  }

  async run(argv: readonly string[], timeoutMs: number): Promise<CommandResult> {
    const result = await this.inner.run(argv, timeoutMs);
    this.commands.push({ argv: [...argv], result });
    return result;
  }
}

export interface CaptureResult {
  dir: string;
  manifest: CaptureManifest;
  /** The Facts of the run that was recorded (what `check --root DIR` will see). */
  facts: Facts;
  /** Files written, relative to DIR. */
  files: string[];
}

export class CaptureError extends Error {
  override name = 'CaptureError';
}

export async function captureEvidence(
  live: EvidenceSource,
  dir: string,
  opts: GatherOptions & { now?: Date } = {},
): Promise<CaptureResult> {
  const target = path.resolve(dir);
  await prepareEmptyDir(target);
  const recorder = new RecordingSource(live);
  const facts = await gatherFacts(recorder, opts);
  const manifest: CaptureManifest = {
    format: CAPTURE_FORMAT,
    tool: { name: 'xenlint', version: TOOL_VERSION },
    capturedAt: (opts.now ?? new Date()).toISOString(),
    note: 'Raw evidence captured by `xenlint facts --capture`; read it with `xenlint check --root <this directory>`. Passwords are redacted. Layout: docs/capture.md.',
  };
  const hostname = facts.host?.fields['host'];
  if (hostname) manifest.hostname = hostname;
  const options: NonNullable<CaptureManifest['options']> = {};
  if (opts.configDirs) options.configDirs = [...opts.configDirs];
  if (opts.autoDir) options.autoDir = opts.autoDir;
  if (Object.keys(options).length > 0) manifest.options = options;
  const files = await writeRecording(target, recorder, manifest);
  return { dir: target, manifest, facts, files };
}

async function prepareEmptyDir(dir: string): Promise<void> {
  try {
    const st = await lstat(dir);
    if (!st.isDirectory()) throw new CaptureError(`${dir} exists and is not a directory`);
    if ((await readdir(dir)).length > 0) throw new CaptureError(`${dir} is not empty; capture into a new or empty directory`);
  } catch (err) {
    if (err instanceof CaptureError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  // A capture holds a host's configuration: readable by its owner alone, even in a directory made beforehand.
  await chmod(dir, 0o700);
}

/** Writes inside `root` only: every existing component must be a real directory, never a symlink. */
class ConfinedWriter {
  readonly written: string[] = [];
  private readonly madeDirs = new Set<string>();
  constructor(private readonly root: string) {}

  /** Host path → components; refuses anything that could climb out. */
  private parts(hostPath: string): string[] {
    const parts = hostPath.split('/').filter((c) => c !== '' && c !== '.');
    if (parts.some((c) => c === '..')) throw new CaptureError(`refusing to write ${hostPath}: it climbs out of the capture`);
    return parts;
  }

  async dir(hostPath: string): Promise<string> {
    let cur = this.root;
    for (const c of this.parts(hostPath)) {
      cur = path.join(cur, c);
      if (this.madeDirs.has(cur)) continue;
      try {
        const st = await lstat(cur);
        if (!st.isDirectory()) throw new CaptureError(`cannot create directory ${cur}: something else is there`);
      } catch (err) {
        if (err instanceof CaptureError) throw err;
        await mkdir(cur, { mode: 0o700 });
      }
      this.madeDirs.add(cur);
    }
    return cur;
  }

  /**
   * Git keeps no empty directories, and a capture is meant to be committed (for
   * CI): every directory left empty gets an empty KEEP_FILE, which --root never lists.
   */
  async markEmptyDirs(): Promise<void> {
    for (const d of [...this.madeDirs].sort()) {
      if ((await readdir(d)).length === 0) {
        await writeFile(path.join(d, KEEP_FILE), '', { flag: 'wx', mode: 0o600 });
        this.written.push(path.relative(this.root, path.join(d, KEEP_FILE)));
      }
    }
  }

  async exists(hostPath: string): Promise<boolean> {
    try {
      await lstat(path.join(this.root, ...this.parts(hostPath)));
      return true;
    } catch {
      return false;
    }
  }

  async file(hostPath: string, data: Uint8Array | string): Promise<void> {
    const parts = this.parts(hostPath);
    const name = parts.pop();
    if (name === undefined) throw new CaptureError('refusing to write the capture root as a file');
    const parent = await this.dir(parts.join('/'));
    const full = path.join(parent, name);
    // flag wx: never through an existing file or link.
    await writeFile(full, data, { flag: 'wx', mode: 0o600 });
    this.written.push(path.relative(this.root, full));
  }

  async link(hostPath: string, targetHostPath: string): Promise<boolean> {
    if (await this.exists(hostPath)) return false;
    const parts = this.parts(hostPath);
    const name = parts.pop();
    if (name === undefined) return false;
    const parent = await this.dir(parts.join('/'));
    const from = `/${parts.join('/')}`;
    const rel = path.posix.relative(from, targetHostPath) || '.';
    await symlink(rel, path.join(parent, name));
    this.written.push(path.relative(this.root, path.join(parent, name)));
    return true;
  }
}

function isMetaPath(hostPath: string): boolean {
  return hostPath === `/${META_DIR}` || hostPath.startsWith(`/${META_DIR}/`);
}

async function writeRecording(root: string, rec: RecordingSource, manifest: CaptureManifest): Promise<string[]> {
  const w = new ConfinedWriter(root);
  const unreadable: UnreadableFile = {};
  const note = (op: UnreadableOp, p: string, r: { ok: false; status: 'missing' | 'denied' | 'error'; detail: string }): void => {
    (unreadable[op] ??= {})[p] = { status: r.status, detail: r.detail };
  };
  const sizes: SizesFile = { files: {}, blockDevices: {} };

  // Files the gatherer read, at their host paths.
  for (const [p, r] of [...rec.reads].sort(byKey)) {
    if (isMetaPath(p)) continue;
    if (!r.result.ok) {
      if (r.result.status !== 'missing') note('read', p, r.result);
      continue;
    }
    await w.file(p, r.text ? redactBytes(r.result.bytes) : r.result.bytes);
    if (r.realSize !== undefined) sizes.files[p] = { bytes: r.realSize, via: 'capture: file cut at the read limit' };
  }

  // Directories it listed: their subdirectories, so the read-back lists the same
  // names (/proc/<pid>, /sys/class/net/<if>, bridge/, brif/<port>).
  const failedPaths = new Set<string>();
  for (const [p, r] of rec.reads) if (!r.result.ok && r.result.status !== 'missing') failedPaths.add(p);
  for (const [p, r] of rec.realPaths) if (!r.ok && r.status !== 'missing') failedPaths.add(p);
  const brokenLinks: string[] = [];
  for (const [p, r] of [...rec.lists].sort(byKey)) {
    if (isMetaPath(p)) continue;
    if (!r.ok) {
      if (r.status !== 'missing') note('list', p, r);
      continue;
    }
    await w.dir(p);
    for (const e of r.entries) {
      const child = p === '/' ? `/${e.name}` : `${p}/${e.name}`;
      if (isMetaPath(child)) continue;
      if (e.type === 'dir') await w.dir(child);
      else if (e.type === 'broken') brokenLinks.push(child);
      else if (failedPaths.has(child) && !(await w.exists(child))) await w.file(child, '');
    }
  }

  for (const [p, r] of [...rec.fileSizes].sort(byKey)) {
    if (r.ok) sizes.files[p] = { bytes: r.bytes, via: r.via };
    else note('size', p, r);
  }
  for (const [p, r] of [...rec.blockSizes].sort(byKey)) {
    if (r.ok) sizes.blockDevices[p] = { bytes: r.bytes, via: r.via };
    else note('block-size', p, r);
  }

  // Commands.
  const used = new Set<string>();
  for (const { argv, result } of rec.commands) {
    let name = commandDirName(argv);
    for (let k = 2; used.has(name); k++) name = `${commandDirName(argv)}-${k}`;
    used.add(name);
    const base = `/${COMMANDS_DIR}/${name}`;
    await w.file(`${base}/argv`, argvFileText(argv));
    if (result.status === 'ok') {
      await w.file(`${base}/stdout`, redactSecrets(result.stdout));
      await w.file(`${base}/stderr`, redactSecrets(result.stderr));
      await w.file(`${base}/exit-code`, `${result.exitCode}\n`);
      continue;
    }
    await w.file(`${base}/status`, `${result.status}: ${redactSecrets(result.detail)}\n`);
    if (result.status === 'error') {
      if (result.stdout !== undefined) await w.file(`${base}/stdout`, redactSecrets(result.stdout));
      if (result.stderr !== undefined) await w.file(`${base}/stderr`, redactSecrets(result.stderr));
      if (result.exitCode !== undefined) await w.file(`${base}/exit-code`, `${result.exitCode}\n`);
    }
  }

  // A resolved path's target stands in the capture even when nothing was read
  // from it (a disk's /dev/dm-N, an image measured by its size alone), so the
  // read-back resolves the path as the host did.
  for (const [p, r] of [...rec.realPaths].sort(byKey)) {
    if (isMetaPath(p) || !r.ok || isMetaPath(r.path)) continue;
    if (!(await w.exists(r.path))) await w.file(r.path, '');
  }

  // Symlinks last, so nothing above was written through one.
  for (const [p, r] of [...rec.realPaths].sort(byKey)) {
    if (isMetaPath(p)) continue;
    if (!r.ok) {
      if (r.status !== 'missing') note('realpath', p, r);
      continue;
    }
    if (r.path !== p) await w.link(p, r.path);
  }
  for (const p of brokenLinks) await w.link(p, `/${META_DIR}/broken-link`);

  await w.file(`/${SIZES_FILE}`, `${JSON.stringify(sortSizes(sizes), null, 2)}\n`);
  await w.file(`/${UNREADABLE_FILE}`, `${JSON.stringify(unreadable, null, 2)}\n`);
  await w.file(`/${MANIFEST_FILE}`, `${JSON.stringify(manifest, null, 2)}\n`);
  await w.markEmptyDirs();
  return w.written.sort();
}

function byKey<T>(a: [string, T], b: [string, T]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function sortSizes(s: SizesFile): SizesFile {
  const sort = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(byKey));
  return { files: sort(s.files), blockDevices: sort(s.blockDevices) };
}
