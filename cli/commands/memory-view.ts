/**
 * A host's memory as the HTML report draws it: what is committed (dom0 plus the
 * guests that start with the host) against its RAM, worked out the way
 * memory-fit works it out (checks/lib/memory.ts), so the picture and the
 * check agree.
 */
import type { DomainFacts, Facts, HostSide, MemoryView } from '../../checks/api.js';
import { dom0Size, footprint } from '../../checks/lib/memory.js';
import { refusalOf } from '../model/facts.js';

/** What the view needs of one guest: taken as the guest is read, so a streaming run need not keep the guest. */
export interface MemoryGuest {
  name: string;
  mib: number;
  autostart: boolean | undefined;
  /** Its toolstack refuses its config (refusalOf): it takes no memory. */
  refused?: boolean;
}

export function memoryGuest(d: DomainFacts, version: string | undefined): MemoryGuest {
  return { name: d.name, mib: footprint(d, version, 0).totalMiB, autostart: d.autostart, ...(refusalOf(d) !== undefined ? { refused: true } : {}) };
}

export function memoryView(
  facts: HostSide | Facts,
  version: string | undefined,
  guests: MemoryGuest[] = ('domains' in facts ? facts.domains ?? [] : []).map((d) => memoryGuest(d, version)),
): MemoryView | undefined {
  const total = facts.host?.totalMemoryMiB;
  if (total === undefined) return undefined;
  const dom0 = dom0Size(facts, undefined);
  // A guest whose config the toolstack refuses takes no memory: nothing is created from it.
  guests = guests.filter((g) => !g.refused);
  const anyKnown = guests.some((g) => g.autostart !== undefined);
  const view: MemoryView = {
    totalMiB: total,
    dom0Source: dom0.source,
    guests: guests.map((g) => ({
      name: g.name,
      mib: g.mib,
      // As memory-fit counts them: when no guest says, every given guest starts with the host.
      autostart: anyKnown ? g.autostart === true : true,
    })),
  };
  if (facts.host?.freeMemoryMiB !== undefined) view.freeMiB = facts.host.freeMemoryMiB;
  if (dom0.mib !== undefined) view.dom0MiB = dom0.mib;
  return view;
}
