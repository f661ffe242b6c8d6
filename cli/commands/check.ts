/** `xenlint check`: one host — hypervisor, dom0 and every domU config — live, or from --root / --facts. */
import { UsageError } from '../settings/config.js';
import { applyDeploy, finish, freeMemoryNote, nameList, prepare, type ReportArgs } from './pipeline.js';
import { gatherProblems, hostFacts, type HostArgs } from './host-facts.js';
import { resolve } from 'node:path';
import type { Facts } from '../model/facts.js';
import type { LocationContext } from '../report/index.js';

/** The checked host's paths are its own (`/etc/xen/web.cfg`), wherever its tree is on this machine. */
function hostLocations(args: HostArgs, facts: Facts): Omit<LocationContext, 'sourceRoot'> {
  const commandOutputs = new Set(facts.probes.filter((p) => p.command !== undefined).map((p) => p.name));
  if (args.facts) {
    return {
      host: { description: `The root directory of the host described by the facts in ${args.facts} (not on this machine).` },
      localFiles: new Set([resolve(args.facts)]),
      commandOutputs,
    };
  }
  if (args.root) {
    return { host: { dir: resolve(args.root), description: `The root directory of the host tree read from --root ${args.root}.` }, commandOutputs };
  }
  return { host: { dir: '/', description: 'The root directory (/) of the host xenlint checked, live.' }, commandOutputs };
}

export default async function check(argv: Record<string, unknown>): Promise<number> {
  const roots = ([] as unknown[]).concat(argv['root'] ?? []).map(String);
  const args = { ...(argv as ReportArgs & HostArgs & { deploy?: string[] }), ...(roots.length > 0 ? { root: roots[0] } : {}) };
  const prepared = await prepare(args);
  const { isFleet } = await import('../fleet/hosts.js');
  if (roots.length > 0 && isFleet(roots)) {
    const { checkFleet } = await import('./fleet.js');
    return checkFleet(roots, args, prepared);
  }
  const facts = await hostFacts(args, prepared.loaded);
  if (!facts.host && !(facts.domains && facts.domains.length > 0) && !args.facts) {
    // Every check would be skipped: a gate that passes because nothing was looked at is worse than no gate.
    const where = args.root ? `under ${args.root}` : 'on this machine';
    const why = facts.probes
      .filter((p) => p.provides === 'host' || p.name === '/proc/xen/capabilities' || p.provides === 'domains')
      .map((p) => `${p.name}: ${p.detail ?? p.status}`)
      .join('; ');
    throw new UsageError(
      `found no Xen host ${where} to check (${why}).\n` +
        'Run it in dom0 (as root), point --root at a capture from `xenlint facts --capture`, pass --facts, or lint configs with `xenlint lint`.',
    );
  }
  const files = (facts.domains ?? []).map((d) => d.file).filter((f): f is string => f !== undefined);
  const deploy = applyDeploy(prepared, args.deploy, (facts.domains ?? []).map((d) => d.name));
  const note = freeMemoryNote(facts, nameList(deploy));
  return finish('check', facts, args, prepared, {
    files,
    problems: gatherProblems(facts),
    locations: hostLocations(args, facts),
    ...(note !== undefined ? { notes: [note] } : {}),
  });
}
