/**
 * A host's memory as the HTML report draws it: what is committed (dom0 plus the
 * guests that start with the host) against its RAM, worked out the way
 * memory-fit works it out (checks/lib/memory.ts), so the picture and the
 * check agree.
 */
import type { Facts, MemoryView } from '../../checks/api.js';
import { dom0Size, footprint } from '../../checks/lib/memory.js';
import { refusalOf } from '../model/facts.js';

export function memoryView(facts: Facts, version: string | undefined): MemoryView | undefined {
  const total = facts.host?.totalMemoryMiB;
  if (total === undefined) return undefined;
  const dom0 = dom0Size(facts, undefined);
  // A guest whose config the toolstack refuses takes no memory: nothing is created from it.
  const guests = (facts.domains ?? []).filter((d) => refusalOf(d) === undefined);
  const anyKnown = guests.some((d) => d.autostart !== undefined);
  const view: MemoryView = {
    totalMiB: total,
    dom0Source: dom0.source,
    guests: guests.map((d) => ({
      name: d.name,
      mib: footprint(d, version, 0).totalMiB,
      // As memory-fit counts them: when no guest says, every given guest starts with the host.
      autostart: anyKnown ? d.autostart === true : true,
    })),
  };
  if (facts.host?.freeMemoryMiB !== undefined) view.freeMiB = facts.host.freeMemoryMiB;
  if (dom0.mib !== undefined) view.dom0MiB = dom0.mib;
  return view;
}
