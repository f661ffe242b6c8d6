/**
 * The two hosts of `xenlint migrate`: each a capture directory (`facts
 * --capture`, read like --root), a facts snapshot, or a saved `xl info` /
 * `xm info` output — the same inputs `check --root` and `--facts` take.
 */
import { existsSync, statSync } from 'node:fs';
import type { Facts } from '../model/facts.js';
import { UsageError, type LoadedConfig } from '../settings/config.js';
import type { EvidenceSource } from '../sources/source.js';

export type SideKind = 'capture' | 'snapshot' | 'info';

export interface Side {
  /** "from" (A, where the guest runs) or "to" (B, where it is to go). */
  role: 'from' | 'to';
  /** As given on the command line. */
  spec: string;
  kind: SideKind;
  facts: Facts;
  /** A capture's files, for the paths a guest names (kernels, disks). */
  source?: EvidenceSource;
}

export async function loadSide(role: Side['role'], spec: string, loaded: LoadedConfig, timeout?: number): Promise<Side> {
  if (!existsSync(spec)) throw new UsageError(`--${role} ${spec}: no such file or directory`);
  let side: Side;
  if (statSync(spec).isDirectory()) {
    const [{ gatherFromRoot }, { RootSource }] = await Promise.all([import('../commands/host-facts.js'), import('../sources/root-source.js')]);
    side = { role, spec, kind: 'capture', facts: await gatherFromRoot(spec, loaded, timeout), source: new RootSource(spec) };
  } else {
    const { loadFactsFile } = await import('../sources/snapshot.js');
    const facts = await loadFactsFile(spec);
    side = { role, spec, kind: facts.origin === 'info-file' ? 'info' : 'snapshot', facts };
  }
  if (!side.facts.host) {
    throw new UsageError(
      `--${role} ${spec}: no xl info / xm info in this ${side.kind} (a migration is judged on both hosts' Xen facts); capture the host with \`xenlint facts --capture DIR\` or save \`xl info\``,
    );
  }
  return side;
}
