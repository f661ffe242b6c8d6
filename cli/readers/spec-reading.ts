/**
 * Each disk and vif spec of a guest, parsed once per toolstack that reads it.
 *
 * The domain builder parses every spec in the file's dialect to fill DiskFacts
 * and VifFacts, and records that result here; the disk and vif checks ask for
 * the spec as the toolstack that will read the file sees it, which is the same
 * parse unless the host's toolstack differs from the file's dialect (an xm file
 * on an xl host): only then is the spec read a second time, once.
 *
 * Not a declared field of DiskFacts/VifFacts: facts are written out as JSON
 * (snapshots, `parse` output, a schema with no room for parser internals), and
 * facts that come back from JSON or a worker thread simply lack the parse and
 * are parsed on first use. A guest's facts dropped by the engine take their
 * parses with them.
 */
import type { DiskFacts, VifFacts } from '../model/facts.js';
import { parseDiskSpec, type DiskSpecResult, type SpecDialect } from './disk-spec.js';
import { parseVifSpec, type VifSpecResult } from './vif-spec.js';

type ByDialect<T> = { xm?: T; xl?: T };

/**
 * The parses ride on the facts object under a symbol: JSON.stringify, Object.keys,
 * schema validation and structured cloning all skip symbol keys, and unlike a
 * WeakMap entry it costs the garbage collector nothing extra per spec.
 */
const READ = Symbol('xenlint.spec-reading');
type Carrier<T> = { [READ]?: ByDialect<T> };

function remember<T>(item: object, dialect: SpecDialect, result: T): T {
  const carrier = item as Carrier<T>;
  const entry = carrier[READ];
  if (entry) entry[dialect] = result;
  else Object.defineProperty(carrier, READ, { value: { [dialect]: result }, enumerable: false, writable: true, configurable: true });
  return result;
}

function recalled<T>(item: object, dialect: SpecDialect): T | undefined {
  return (item as Carrier<T>)[READ]?.[dialect];
}

/** Parses a disk spec for the domain builder and keeps the result for the checks. */
export function readDiskSpec(disk: DiskFacts, dialect: SpecDialect): DiskSpecResult {
  return remember(disk, dialect, parseDiskSpec(disk.spec, dialect));
}

/** A disk's spec as `toolstack` reads it: the domain builder's parse when it read it the same way. */
export function diskSpecAs(disk: DiskFacts, toolstack: SpecDialect): DiskSpecResult {
  return recalled<DiskSpecResult>(disk, toolstack) ?? readDiskSpec(disk, toolstack);
}

/**
 * Parses a vif spec for the domain builder; the result is kept for the checks
 * only when it was read with the default options (the checks' reading): xl's
 * stale-ERANGE quirk changes what a rate reads as.
 */
export function readVifSpec(vif: VifFacts, dialect: SpecDialect, staleErange = false): VifSpecResult {
  const result = parseVifSpec(vif.spec, dialect, staleErange ? { staleErange } : {});
  return staleErange ? result : remember(vif, dialect, result);
}

/** A vif's spec as `toolstack` reads it (default options): the domain builder's parse when it read it the same way. */
export function vifSpecAs(vif: VifFacts, toolstack: SpecDialect): VifSpecResult {
  return recalled<VifSpecResult>(vif, toolstack) ?? readVifSpec(vif, toolstack);
}
