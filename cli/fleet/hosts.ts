/**
 * The hosts of a fleet run: every `--root` given, where a directory that is not
 * itself a host tree but holds captures stands for each of them (what the
 * Ansible playbook fetches: one capture per host under one directory).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UsageError } from '../settings/config.js';
import { MANIFEST_FILE } from '../sources/capture-layout.js';

export interface FleetMember {
  /** The capture's hostname, else the directory's name; made unique with "#2", "#3". */
  name: string;
  root: string;
}

/** A host tree: a capture (its manifest) or a mounted root (/etc/xen or /proc/xen). */
function isHostTree(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE)) || existsSync(join(dir, 'etc/xen')) || existsSync(join(dir, 'proc/xen'));
}

function hostnameOf(dir: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as { hostname?: unknown };
    return typeof manifest.hostname === 'string' && manifest.hostname.trim() !== '' ? manifest.hostname.trim() : undefined;
  } catch {
    return undefined;
  }
}

export function fleetMembers(roots: readonly string[]): FleetMember[] {
  const dirs: string[] = [];
  for (const root of roots) {
    const dir = resolve(root);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--root ${root}: not a directory`);
    if (isHostTree(dir)) {
      dirs.push(dir);
      continue;
    }
    const inside = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && isHostTree(join(dir, e.name)))
      .map((e) => join(dir, e.name))
      .sort();
    if (inside.length === 0) {
      throw new UsageError(`--root ${root}: neither a host tree (no ${MANIFEST_FILE}, etc/xen or proc/xen) nor a directory of captures`);
    }
    for (const d of inside) dirs.push(d);
  }
  const seen = new Map<string, number>();
  return dirs.map((root) => {
    const base = hostnameOf(root) ?? basename(root);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { name: n === 1 ? base : `${base}#${n}`, root };
  });
}

/** Whether these --root values make a fleet run rather than one host's. */
export function isFleet(roots: readonly string[]): boolean {
  if (roots.length > 1) return true;
  const dir = resolve(roots[0] ?? '.');
  if (!existsSync(dir) || !statSync(dir).isDirectory() || isHostTree(dir)) return false;
  return readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && isHostTree(join(dir, e.name)));
}
