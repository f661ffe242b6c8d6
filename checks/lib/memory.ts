/**
 * Memory arithmetic for Xen hosts: what a guest takes when it starts, how big
 * dom0 is, and whether dom0 can give memory back. Xen does not page, so these
 * figures must add up to no more than the host's RAM.
 */
import type { DomainFacts, Facts } from '../../cli/model/facts.js';
import { satisfiesXen } from '../../cli/model/xen-version.js';
import { dom0MemFromCmdline } from '../../cli/readers/xen-cmdline.js';
import { DEFAULT_MEMORY_MIB, keyPlace, type FindingPlace } from './guest.js';

export interface Footprint {
  /**
   * The guest, by name and autostart alone: a footprint outlives its guest (a
   * streaming run keeps footprints, memory-fit's cross-guest summary, and drops
   * the DomainFacts), so it holds nothing more of it.
   */
  domain: { name: string; autostart?: boolean };
  /** Where `startKey` is written, for a finding about what the guest takes. */
  place: FindingPlace;
  /** `memory`, or the toolstacks' 128 MiB default. */
  memoryMiB: number;
  memoryDefaulted: boolean;
  /** `maxmem`, or `memory` when absent. */
  maxmemMiB: number;
  /** What the guest takes when it starts, before overhead. */
  startMiB: number;
  /** The key whose value `startMiB` is: "memory" or "maxmem". */
  startKey: 'memory' | 'maxmem';
  /** `startMiB` plus the overhead percentage, rounded up. */
  totalMiB: number;
  /** How `startMiB` was arrived at, for the arithmetic: "HVM: maxmem taken at start, memory 2048". */
  note?: string;
}

/**
 * Before populate-on-demand an HVM guest gets maxmem at start: it cannot
 * balloon (field notes: "HVM domains allocate maxmem on start"). With PoD
 * (Xen 3.4, George Dunlap's "PoD memory" series, 2009 — release unconfirmed)
 * it starts with `memory` and needs a balloon driver to stay there.
 * With the version unknown, an xl config means 4.0 or later (PoD); an xm
 * config is taken at its worst.
 */
export function hvmTakesMaxmem(d: DomainFacts, version: string | undefined): boolean {
  if (version !== undefined) return satisfiesXen(version, '<3.4.0');
  return d.dialect === 'xm';
}

export function withOverhead(mib: number, overheadPercent: number): number {
  return Math.ceil((mib * (100 + overheadPercent)) / 100);
}

export function footprint(d: DomainFacts, version: string | undefined, overheadPercent: number): Footprint {
  const memoryDefaulted = d.memoryMiB === undefined;
  const memoryMiB = d.memoryMiB ?? DEFAULT_MEMORY_MIB;
  const maxmemMiB = d.maxmemMiB ?? memoryMiB;
  let startMiB = memoryMiB;
  let startKey: Footprint['startKey'] = 'memory';
  let note: string | undefined = memoryDefaulted ? `memory not set: ${DEFAULT_MEMORY_MIB} MiB default` : undefined;
  if (d.type === 'hvm' && maxmemMiB > memoryMiB && hvmTakesMaxmem(d, version)) {
    startMiB = maxmemMiB;
    startKey = 'maxmem';
    note = `HVM: maxmem taken at start, memory ${memoryMiB}`;
  }
  const fp: Footprint = {
    domain: { name: d.name, ...(d.autostart !== undefined ? { autostart: d.autostart } : {}) },
    place: keyPlace(d, startKey),
    memoryMiB,
    memoryDefaulted,
    maxmemMiB,
    startMiB,
    startKey,
    totalMiB: withOverhead(startMiB, overheadPercent),
  };
  if (note !== undefined) fp.note = note;
  return fp;
}

/** "db01 4096 (HVM: maxmem taken at start, memory 2048)", with the overhead shown when there is one. */
export function term(fp: Pick<Footprint, 'domain' | 'startMiB' | 'totalMiB' | 'note'>, overheadPercent: number): string {
  const notes: string[] = [];
  if (fp.note !== undefined) notes.push(fp.note);
  if (overheadPercent > 0) notes.push(`${fp.startMiB} + ${overheadPercent}%`);
  return `${fp.domain.name} ${fp.totalMiB}${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

export interface Dom0Size {
  /** Undefined when nothing tells dom0's size. */
  mib?: number;
  /** Where `mib` came from, as the arithmetic prints it: "dom0_mem", "option dom0MiB", "current size". */
  source: string;
  /** True when dom0_mem or the option pins the size; false for dom0's current (ballooning) size. */
  fixed: boolean;
  /** Remarks for the explanation, e.g. a dom0_mem xenlint could not resolve. */
  remarks: string[];
}

/**
 * dom0's memory: the dom0MiB option, else `dom0_mem=` on the Xen command line
 * (the amount clamped to min/max, or max: alone), else dom0's current size
 * (its own figure, or its Domain-0 row in the running list).
 */
export function dom0Size(facts: Facts, dom0MiBOption: number | undefined): Dom0Size {
  const remarks: string[] = [];
  if (dom0MiBOption !== undefined) return { mib: dom0MiBOption, source: 'option dom0MiB', fixed: true, remarks };
  const options = facts.host?.commandline?.options;
  const mem = options ? dom0MemFromCmdline(options) : undefined;
  if (mem) {
    let mib: number | undefined;
    if (mem.amountMiB !== undefined) {
      mib = mem.amountMiB;
      if (mem.minMiB !== undefined) mib = Math.max(mib, mem.minMiB);
      if (mem.maxMiB !== undefined) mib = Math.min(mib, mem.maxMiB);
    } else if (mem.maxMiB !== undefined && (mem.relative ?? []).length === 0) {
      mib = mem.maxMiB;
    }
    if (mib !== undefined) return { mib: Math.ceil(mib), source: 'dom0_mem', fixed: true, remarks };
    const raw = [...(mem.relative ?? []), ...(mem.invalid ?? [])].join(',');
    remarks.push(`dom0_mem${raw ? ` (${raw})` : ''} depends on the host's memory or could not be read`);
  }
  // `xl list` shows dom0 as Domain-0 when the gatherer did not record its size separately.
  const current = facts.dom0?.memoryMiB ?? facts.dom0?.running?.find((r) => r.name === 'Domain-0')?.memoryMiB;
  if (current !== undefined) return { mib: current, source: 'current size', fixed: false, remarks };
  return { source: 'unknown', fixed: false, remarks };
}

const OFF = new Set(['off', '0', 'no', 'false']);
const ON = new Set(['on', '1', 'yes', 'true']);

/**
 * Whether the toolstack may shrink dom0 to make room for a guest: xl's
 * `autoballoon` (xl.conf; "auto" = off when dom0_mem is set), xend's
 * `enable-dom0-ballooning` (3.3+) or, before 3.3, `dom0-min-mem 0` meaning
 * "never balloon" (54cdc383f1; xl.conf(5)).
 */
export function dom0MayBalloon(facts: Facts): { may: boolean; why: string } {
  const options = facts.host?.commandline?.options;
  if (options && dom0MemFromCmdline(options) !== undefined) {
    return { may: false, why: 'dom0_mem is set on the Xen command line' };
  }
  const xl = facts.dom0?.xlConf?.values['autoballoon'];
  if (xl !== undefined) {
    const v = String(xl).trim().replace(/^["']|["']$/g, '').toLowerCase();
    if (OFF.has(v)) return { may: false, why: `autoballoon=${v} in xl.conf` };
    if (ON.has(v) || v === 'auto') return { may: true, why: `autoballoon=${v} in xl.conf, no dom0_mem` };
  }
  const xend = facts.dom0?.xendConfig?.values;
  if (xend) {
    const enable = xend['enable-dom0-ballooning']?.trim().toLowerCase();
    if (enable !== undefined && OFF.has(enable)) return { may: false, why: 'enable-dom0-ballooning no in xend-config.sxp' };
    const min = xend['dom0-min-mem']?.trim();
    // 3.3 split "never balloon" out of dom0-min-mem 0, but keeps it as the default of the new key.
    if (min === '0' && enable === undefined) {
      return { may: false, why: 'dom0-min-mem 0 in xend-config.sxp (dom0 never balloons)' };
    }
  }
  return { may: true, why: 'no dom0_mem: the toolstack balloons dom0 down to make room' };
}
