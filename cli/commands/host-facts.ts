/**
 * Facts of a host for `check`, `facts` and `explain`: from a captured or mounted
 * tree (--root), a snapshot (--facts), or this host, live. The gatherer is loaded
 * only here, so `lint` never pays for execa.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Facts } from '../model/facts.js';
import { UsageError, type LoadedConfig } from '../settings/config.js';
import type { GatherOptions } from '../sources/gather.js';
import type { ReaderInputs } from '../readers/reader-choice.js';
import { resolveXen } from './pipeline.js';

export interface HostArgs {
  root?: string;
  facts?: string;
  timeout?: number;
  /** `--xen`: also decides who reads the configs when the host's toolstack is unknown. */
  xen?: string;
}

function gatherOptions(loaded: LoadedConfig, timeout?: number, xen?: string): GatherOptions {
  return {
    ...(loaded.config.configDirs ? { configDirs: loaded.config.configDirs } : {}),
    ...(loaded.config.autostartDir ? { autoDir: loaded.config.autostartDir } : {}),
    ...(timeout !== undefined ? { timeoutMs: Math.max(1, timeout) * 1000 } : {}),
    // The reader of each config as for `lint` (cli/readers/reader-choice.ts): the host's
    // toolstack, else the Xen version the checks use (--xen, the host's, the config's).
    readerInputs: (host) => {
      const inputs: ReaderInputs = {};
      if (host?.toolstack) inputs.host = host.toolstack;
      const v = resolveXen({ ...(host ? { host } : {}) }, xen !== undefined ? { xen } : {}, loaded);
      if (v) inputs.xen = v;
      return inputs;
    },
  };
}

export async function gatherFromRoot(root: string, loaded: LoadedConfig, timeout?: number, xen?: string): Promise<Facts> {
  const dir = resolve(root);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--root ${root}: not a directory`);
  const [{ RootSource }, { gatherFacts }] = await Promise.all([import('../sources/root-source.js'), import('../sources/gather.js')]);
  return gatherFacts(new RootSource(dir), gatherOptions(loaded, timeout, xen));
}

export async function gatherLive(loaded: LoadedConfig, timeout?: number, xen?: string): Promise<Facts> {
  const [{ LiveSource }, { gatherFacts }] = await Promise.all([import('../sources/live-source.js'), import('../sources/gather.js')]);
  return gatherFacts(new LiveSource(), gatherOptions(loaded, timeout, xen));
}

export async function hostFacts(args: HostArgs, loaded: LoadedConfig): Promise<Facts> {
  if (args.facts) {
    const { loadFactsFile } = await import('../sources/snapshot.js');
    return loadFactsFile(args.facts);
  }
  if (args.root) return gatherFromRoot(args.root, loaded, args.timeout, args.xen);
  return gatherLive(loaded, args.timeout, args.xen);
}

/** Problems of the inputs themselves, for the report: what the gatherer could not read. */
export function gatherProblems(facts: Facts): Array<{ file?: string; message: string }> {
  return facts.probes
    .filter((p) => p.status === 'error')
    .map((p) => ({ file: p.name, message: `${p.detail ?? 'failed'}${p.exitCode !== undefined ? ` (exit ${p.exitCode})` : ''}` }));
}
