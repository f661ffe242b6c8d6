/**
 * shared-writable-disk: one backing device or image writable in two guests of
 * the host. Two kernels caching and writing one filesystem corrupt it; only a
 * cluster filesystem (OCFS2, GFS2) is made for that.
 *
 * Xen's block hotplug script checks sharing for the devices it attaches
 * (`phy:`, loop-mounted files): the second guest to attach a device writable
 * fails with "… is mounted in a guest domain, and so cannot be mounted now",
 * unless its mode is `w!`, which turns the check off
 * (RELEASE-4.17.0:tools/hotplug/Linux/block, check_sharing/canonicalise_mode;
 * the same script in 3.0.4). Backends that do not run the script (qdisk, tap)
 * attach the disk twice without a word.
 *
 * Disks are compared across the given configs, by the path as written
 * (`phy:vg/lv` is /dev/vg/lv) and, on a host, by the path with its symlinks
 * resolved (DiskFacts.resolvedPath: /dev/vg/lv and /dev/mapper/vg-lv are one
 * dm device). Configs that carry one `name` are one guest (duplicate-guest
 * reports them): they cannot run at the same time.
 *
 * On purpose: a writer whose mode is `w!` (xend's and the block script's
 * "shared on purpose"), or every writer annotated `# xenlint: cluster-fs=…`.
 */
import { compareText, defineCheck, normalizePosix } from './api.js';
import type { DomainFacts, Finding, GuestRef } from './api.js';
import type { DiskFacts } from './api.js';
import { itemPlace, listNames } from './lib/guest.js';
import { pack, unpack, type Packed } from './lib/packed.js';
import { GuestRecords, Int32List, KeyIndex } from './lib/guest-records.js';

/** Backends attached by a block-<x> script: their target names no dom0 path. */
const SCRIPT_BACKENDS = /^(block-\S+|iscsi|nbd|enbd|drbd)$/i;

/**
 * A writable disk of a guest: the cross-guest summary, so it keeps of the
 * guest and the disk only what a finding quotes and points at.
 */
interface Writer {
  d: Pick<DomainFacts, 'name' | 'file'>;
  disk: Pick<DiskFacts, 'index' | 'spec' | 'line' | 'column' | 'vdev' | 'access' | 'clusterFs'>;
  given: string;
  resolved?: string;
}

/** The disk as written, normalised so that equal paths compare equal. */
export function givenKey(disk: DiskFacts): string | undefined {
  const target = disk.target?.trim();
  if (target === undefined || target === '') return undefined;
  const backend = (disk.backend ?? '').toLowerCase();
  if (SCRIPT_BACKENDS.test(backend)) return `${backend}:${target}`;
  const isDevice = backend === 'phy' || target.startsWith('/dev/');
  const path = isDevice && !target.startsWith('/') ? `/dev/${target}` : target;
  return path.startsWith('/') ? normalizePosix(path) : path;
}

function isWritable(disk: Pick<DiskFacts, 'access'>): boolean {
  return disk.access === undefined || disk.access.startsWith('w');
}

function onPurpose(w: Writer): boolean {
  return w.disk.access === 'w!';
}

/** A writer as its guest's summary keeps it: the guest's name and file are the fold's (GuestRef), not copied into every writer. */
type KeptWriter = Omit<Writer, 'd'>;

function writersOf(d: DomainFacts): KeptWriter[] {
  const out: KeptWriter[] = [];
  for (const disk of d.disks) {
    if (disk.invalid !== undefined || disk.devtype === 'cdrom' || !isWritable(disk)) continue;
    const given = givenKey(disk);
    if (given === undefined) continue;
    const { index, spec, line, column, vdev, access, clusterFs } = disk;
    const kept = { index, spec, line, column, ...(vdev !== undefined ? { vdev } : {}), ...(access !== undefined ? { access } : {}), ...(clusterFs !== undefined ? { clusterFs } : {}) };
    out.push({ disk: kept, given, ...(disk.resolvedPath !== undefined ? { resolved: disk.resolvedPath } : {}) });
  }
  return out;
}

/**
 * The writers seen so far, joined as they arrive when they share the path as
 * written or the resolved path (union-find over writer numbers): every
 * writable disk must be kept, as a later guest may write it. Each guest's
 * writers stay in its packed summary, in a record off the heap (GuestRecords);
 * what is held per writer is its guest's record, its parent in the union-find
 * and two 32-bit hashes of its paths (KeyIndex).
 */
interface Writers {
  guests: GuestRecords<KeptWriter[]>;
  /** Per writer: its guest's record. A guest's writers are consecutive, in its summary's order. */
  rec: Int32List;
  parent: Int32List;
  /** The path as written, and the resolved path -> the first writer with it. */
  byGiven: KeyIndex;
  byResolved: KeyIndex;
}

function root(ws: Writers, i: number): number {
  const parent = ws.parent;
  while (parent.at(i) !== i) {
    const up = parent.at(parent.at(i));
    parent.set(i, up);
    i = up;
  }
  return i;
}

/** Writer `i` as its guest's summary had it, with the guest's GuestRef. */
function writerAt(ws: Writers, i: number): Writer {
  const r = ws.rec.at(i);
  let k = 0;
  while (i - k > 0 && ws.rec.at(i - k - 1) === r) k++;
  const { g, summary } = ws.guests.get(r);
  return { ...summary[k]!, d: g };
}

function join(ws: Writers, i: number, by: KeyIndex, path: string): void {
  const j = by.firstOr(path, i);
  if (j === -1) return;
  const a = root(ws, i);
  const b = root(ws, j);
  if (a !== b) ws.parent.set(a, b);
}

/** The sets of two or more writers, each in reading order, in the order of their first writer. */
function groups(ws: Writers): Writer[][] {
  const n = ws.rec.length;
  const size = new Int32Array(n);
  for (let i = 0; i < n; i++) size[root(ws, i)]!++;
  const byRoot = new Map<number, Writer[]>();
  for (let i = 0; i < n; i++) {
    const r = root(ws, i);
    if (size[r]! < 2) continue;
    const w = writerAt(ws, i);
    const group = byRoot.get(r);
    if (group) group.push(w);
    else byRoot.set(r, [w]);
  }
  return [...byRoot.values()];
}

function describeOthers(group: Writer[], self: Writer): string {
  const others = group.filter((o) => o.d.name !== self.d.name);
  return listNames([...new Set(others.map((o) => `${o.d.name}${o.d.file !== undefined ? ` (${o.d.file})` : ''}`))]);
}

function finding(group: Writer[], w: Writer): Finding {
  const samePath = group.every((o) => o.given === w.given);
  const how = samePath ? w.given : `${w.given}, the same ${w.resolved !== undefined ? `device as ${w.resolved}` : 'device'}`;
  return {
    ...itemPlace(w.d, w.disk, 'disk'),
    messageId: 'shared-writable',
    data: { guest: w.d.name, n: w.disk.index + 1, spec: w.disk.spec, path: how, others: describeOthers(group, w) },
    remediation:
      'Give each guest its own device or image, or attach the shared one read-only to all but one guest. If the guests run a cluster ' +
      'filesystem (OCFS2, GFS2), say so with `# xenlint: cluster-fs=<fs>` on the line above the disk in every guest that writes it.',
    evidence: {
      disk: w.disk.spec,
      path: w.given,
      ...(w.resolved !== undefined ? { resolved: w.resolved } : {}),
      writers: group.map((o) => `${o.d.name}:${o.disk.vdev ?? o.disk.index + 1}:${o.disk.access ?? 'w'}${o.disk.clusterFs !== undefined ? `:${o.disk.clusterFs}` : ''}`).join(' '),
    },
  };
}

/** A guest's writable disks, packed (lib/packed.ts): a plain string to post from a worker thread and to cache. */
function summarize(d: DomainFacts): Packed<KeptWriter[]> | undefined {
  const writers = writersOf(d);
  return writers.length > 0 ? pack(writers) : undefined;
}

function initWriters(): Writers {
  const ws: Writers = {
    guests: new GuestRecords(),
    rec: new Int32List(),
    parent: new Int32List(),
    byGiven: new KeyIndex((i) => writerAt(ws, i).given),
    byResolved: new KeyIndex((i) => writerAt(ws, i).resolved ?? ''),
  };
  return ws;
}

const fold = {
  init: initWriters,
  step: (ws: Writers, guest: Packed<KeptWriter[]>, g: GuestRef): void => {
    const writers = unpack(guest);
    const r = ws.guests.add(guest, g);
    for (const w of writers) {
      const i = ws.rec.push(r);
      ws.parent.push(i);
      join(ws, i, ws.byGiven, w.given);
      if (w.resolved !== undefined) join(ws, i, ws.byResolved, w.resolved);
    }
  },
};

function across(ws: Writers): Finding[] {
  const out: Finding[] = [];
  const found = groups(ws);
  // Freed now, not at a full GC: the checks after this one make their own garbage (issue 14).
  ws.guests.close();
  for (const table of [ws.byGiven, ws.byResolved, ws.rec, ws.parent]) table.close();
  for (const group of found) {
    if (new Set(group.map((w) => w.d.name)).size < 2) continue;
    if (group.every((w) => w.disk.clusterFs !== undefined)) continue;
    const plain = group.filter((w) => !onPurpose(w));
    if (plain.length <= 1) continue;
    for (const w of plain) if (w.disk.clusterFs === undefined) out.push(finding(group, w));
  }
  return out.sort((a, b) => compareText(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
}

const check = defineCheck({
  id: 'shared-writable-disk',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['disk'],
  title: 'One backing device or image writable in two guests of the host',
  severity: 'error',
  needs: ['domains'],
  messages: {
    'shared-writable':
      '{{guest}}: disk {{n}} "{{spec}}" ({{path}}) is writable here and in {{others}}: ' +
      'two guests writing one filesystem corrupt it; the block hotplug script refuses the second guest while the first runs ' +
      '("is mounted in a guest domain"), and backends that skip the script (qdisk, tap) attach it twice without a word',
  },
  sources: [
    'RELEASE-4.17.0:tools/hotplug/Linux/block — check_sharing: a device writable in one guest "cannot be mounted now" in another; mode w! skips the check',
    'RELEASE-4.17.0:tools/hotplug/Linux/block-common.sh — canonicalise_mode: r, w, or ! (w!, rw!: no checks)',
    '3.0.4-branched:tools/examples/block — the same check_sharing in the xend era',
  ],
  summarize,
  fold,
  across,
});

export default check;
