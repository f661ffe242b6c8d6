/**
 * Each disk and vif spec of a guest, parsed once per toolstack that reads it.
 *
 * The domain builder parses every spec in the file's dialect to fill DiskFacts
 * and VifFacts, and records that result here; the disk and vif checks ask for
 * the spec as the toolstack that will read the file sees it, which is the same
 * parse unless the host's toolstack differs from the file's dialect (an xm file
 * on an xl host): only then is the spec read a second time, once.
 *
 * A side table keyed by the facts object rather than a field of it: facts are
 * written out as JSON (snapshots, `parse` output, a schema with no room for
 * parser internals), and facts that come back from JSON or a worker thread
 * simply lack an entry and are parsed on first use. The table holds nothing
 * alive: a guest's facts dropped by the engine take their parses with them.
 */
import type { DiskFacts, VifFacts } from '../model/facts.js';
import { parseDiskSpec, type DiskSpecResult, type SpecDialect } from './disk-spec.js';
import { parseVifSpec, type VifSpecResult } from './vif-spec.js';

type ByDialect<T> = { xm?: T; xl?: T };

const disks = new WeakMap<DiskFacts, ByDialect<DiskSpecResult>>();
const vifs = new WeakMap<VifFacts, ByDialect<VifSpecResult>>();

function remember<K extends object, T>(table: WeakMap<K, ByDialect<T>>, item: K, dialect: SpecDialect, result: T): T {
  const entry = table.get(item);
  if (entry) entry[dialect] = result;
  else table.set(item, { [dialect]: result });
  return result;
}

/** Parses a disk spec for the domain builder and keeps the result for the checks. */
export function readDiskSpec(disk: DiskFacts, dialect: SpecDialect): DiskSpecResult {
  return remember(disks, disk, dialect, parseDiskSpec(disk.spec, dialect));
}

/** A disk's spec as `toolstack` reads it: the domain builder's parse when it read it the same way. */
export function diskSpecAs(disk: DiskFacts, toolstack: SpecDialect): DiskSpecResult {
  return disks.get(disk)?.[toolstack] ?? readDiskSpec(disk, toolstack);
}

/**
 * Parses a vif spec for the domain builder; the result is kept for the checks
 * only when it was read with the default options (the checks' reading): xl's
 * stale-ERANGE quirk changes what a rate reads as.
 */
export function readVifSpec(vif: VifFacts, dialect: SpecDialect, staleErange = false): VifSpecResult {
  const result = parseVifSpec(vif.spec, dialect, staleErange ? { staleErange } : {});
  return staleErange ? result : remember(vifs, vif, dialect, result);
}

/** A vif's spec as `toolstack` reads it (default options): the domain builder's parse when it read it the same way. */
export function vifSpecAs(vif: VifFacts, toolstack: SpecDialect): VifSpecResult {
  return vifs.get(vif)?.[toolstack] ?? readVifSpec(vif, toolstack);
}
