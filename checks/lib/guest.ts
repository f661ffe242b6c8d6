/**
 * Small helpers for checks that look at one guest (DomainFacts) at a time:
 * which guests a check examines, where a finding about a config key or a list
 * item points, what a key's value reads as, how to name the guest's kind in a
 * message, and the host facts (xen_caps, version) guests are judged against.
 */
import type { Finding, Skip } from '../../cli/model/contract.js';
import type { DomainFacts, Facts } from '../../cli/model/facts.js';
import type { CapToken, KeyValue } from '../../cli/model/facts.js';

/** Both toolstacks start a guest with 128 MiB when `memory` is absent (3.0.4-branched:tools/python/xen/xm/create.py, RELEASE-4.22.0:docs/man/xl.cfg.5.pod.in). */
export const DEFAULT_MEMORY_MIB = 128;

export type FindingPlace = Pick<Finding, 'domain' | 'file' | 'line' | 'column' | 'key'>;

/**
 * The guest, its file and the position of `key` in it. When the key is absent
 * the finding still names the guest and the key (for the baseline fingerprint)
 * but no line.
 */
export function keyPlace(d: DomainFacts, key: string): FindingPlace {
  const place: FindingPlace = { domain: d.name, key };
  if (d.file !== undefined) place.file = d.file;
  const k = d.keys[key];
  if (k) {
    place.line = k.line;
    place.column = k.column;
  }
  return place;
}

/**
 * A finding at `place` with the members of `rest` after the place's: the object
 * `{ ...place, ...rest }` is. Not written as a spread followed by more members
 * (`{ ...keyPlace(d, k), severity, ... }`): V8 11 (Node 20) gives every object
 * made that way a hidden class of its own, as the spread's copy takes no
 * transitions, so each such finding made new maps and every later property
 * access on it (the engine reads a dozen) missed its inline cache (issue 14).
 * The same goes for a finding's data or evidence made from another record:
 * `Object.assign({}, evidence, { more })`, or its members written out.
 */
export function placed(place: Partial<Finding>, rest: Partial<Finding> & Pick<Finding, 'messageId'>): Finding {
  return Object.assign({}, place, rest);
}

/** The first of `keys` the config sets, else the first of them. */
export function firstKeyPlace(d: DomainFacts, keys: string[]): FindingPlace {
  const present = keys.find((k) => d.keys[k] !== undefined);
  return keyPlace(d, present ?? keys[0] ?? 'name');
}

/** The config key that decided the guest's type (type=, builder=, pvh=, kernel=hvmloader), if any. */
export function typeKey(d: DomainFacts): string | undefined {
  if (d.typeSource.startsWith('kernel')) return 'kernel';
  return d.keys[d.typeSource] !== undefined ? d.typeSource : undefined;
}

/** Where a finding about the guest's type points: the key that made it HVM/PVH, else `name`. */
export function typePlace(d: DomainFacts): FindingPlace {
  const key = typeKey(d);
  return key !== undefined && d.keys[key] ? keyPlace(d, key) : firstKeyPlace(d, ['name', 'memory']);
}

/** Where a finding about one item of a list key (a disk, a vif) points: the item's own line. */
export function itemPlace<K extends string>(d: Pick<DomainFacts, 'name' | 'file'>, item: { line: number; column: number }, key: K): {
  domain: string;
  file?: string;
  line: number;
  column: number;
  key: K;
} {
  return {
    domain: d.name,
    ...(d.file !== undefined ? { file: d.file } : {}),
    line: item.line,
    column: item.column,
    key,
  };
}

const KIND_LABELS: Record<DomainFacts['type'], 'PV' | 'HVM' | 'PVH'> = { pv: 'PV', hvm: 'HVM', pvh: 'PVH' };

export function kindLabel(d: DomainFacts): 'PV' | 'HVM' | 'PVH' {
  return KIND_LABELS[d.type];
}

/**
 * The guests of the given types, or the skip of a check that examines only
 * those ("no HVM or PVH guests among the given configs").
 */
export function guestsOfType(facts: Facts, types: ReadonlyArray<DomainFacts['type']>): DomainFacts[] | Skip {
  const guests = (facts.domains ?? []).filter((d) => types.includes(d.type));
  if (guests.length > 0) return guests;
  return { skip: `no ${types.map((t) => KIND_LABELS[t]).join(' or ')} guests among the given configs` };
}

/**
 * For a per-guest part: the skip of a check that examines only guests of the
 * given types when this guest is none of them (the same reason guestsOfType
 * gives when no guest is), else undefined.
 */
export function otherType(d: DomainFacts, types: ReadonlyArray<DomainFacts['type']>): Skip | undefined {
  return types.includes(d.type) ? undefined : { skip: `no ${types.map((t) => KIND_LABELS[t]).join(' or ')} guests among the given configs` };
}

/** A key's literal value as text (numbers printed), or undefined when absent or not a scalar. */
export function keyText(d: DomainFacts, key: string): string | undefined {
  const k = d.keys[key];
  if (!k) return undefined;
  return scalarText(k.value);
}

function scalarText(v: KeyValue): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * A key's value as an integer: a number, or a string holding one (`'512'`, as
 * both toolstacks accept; `0x` hex as xl's strtol does). Undefined when absent
 * or not a number.
 */
export function keyInteger(d: DomainFacts, key: string): number | undefined {
  const k = d.keys[key];
  if (!k) return undefined;
  const v = k.value;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^\d+$/.test(t)) return Number(t);
  return undefined;
}

/** True when the key is present but its value needs evaluation (xm Python the reader would not run). */
export function keyUnreadable(d: DomainFacts, key: string): boolean {
  const k = d.keys[key];
  return k !== undefined && (k.unreadable !== undefined || k.value === null);
}

/**
 * Where a host-level finding points: the info output the facts came from and
 * the line of `field` in it, when known.
 */
export function hostPlace(facts: Facts, field: string): Pick<Finding, 'file' | 'line' | 'column'> {
  const host = facts.host;
  if (!host) return {};
  const place: Pick<Finding, 'file' | 'line' | 'column'> = { file: host.source };
  const line = host.fieldLines?.[field];
  if (line !== undefined) {
    place.line = line;
    place.column = 1;
  }
  return place;
}

/**
 * The hypervisor's xen_caps tokens, or the skip of a check that cannot judge
 * guests without them (facts from --xen alone, or an info output without the field).
 */
export function knownCaps(facts: Facts): CapToken[] | Skip {
  const caps = facts.host?.caps;
  if (caps) return caps;
  return {
    skip: `xen_caps unknown (host facts from ${facts.host?.source ?? 'nowhere'} carry no xen_caps): run xenlint check on the host, or pass --facts with a snapshot or an xl/xm info output`,
  };
}

/** xen_caps as the info output prints it, for evidence. */
export function capsText(caps: CapToken[]): string {
  return caps.map((c) => c.token).join(' ');
}

/** "Xen 3.0.4" / "this Xen": how messages name the version being checked. */
export function xenLabel(version: string | undefined): string {
  if (version === undefined) return 'this Xen';
  // Asked for every guest with the run's one version: the last answer is kept.
  if (version !== lastLabelled) {
    // Build metadata (a distribution's packaging suffix, "3.0.4+1") means nothing to the reader.
    lastLabel = `Xen ${version.replace(/\+.*$/, '')}`;
    lastLabelled = version;
  }
  return lastLabel;
}

let lastLabelled: string | undefined;
let lastLabel = '';

/** The version under check: the context's (host, --xen, config), else the host facts'. */
export function versionOf(facts: Facts, ctx: { xenVersion?: string }): string | undefined {
  return ctx.xenVersion ?? facts.host?.version;
}

/**
 * The version as messages show it: Xen's own spelling ("3.0.4-1") when the
 * version under check is the host's, else the semver ("3.0.4" from --xen).
 */
export function shownVersion(facts: Facts, ctx: { xenVersion?: string }): string | undefined {
  const v = versionOf(facts, ctx);
  const host = facts.host;
  if (v !== undefined && host?.versionText !== undefined && host.version === v) return host.versionText;
  return v;
}

/** Joins names as "a, b and c". */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  if (names.length > NAMES_SHOWN) return `${names.slice(0, NAMES_SHOWN).join(', ')} and ${names.length - NAMES_SHOWN} more`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * How many names a finding lists before "and N more": a finding per guest that
 * names every other guest makes a fleet of 4000 copies of one config cost
 * half a gigabyte (README "Limits").
 */
export const NAMES_SHOWN = 20;

/** `a, b, c`, with at most NAMES_SHOWN names and then `and N more`. */
export function joinNames(names: readonly string[]): string {
  return joinCounted(names, names.length);
}

/**
 * `piece(0) + sep + piece(1) + … + piece(count - 1)`, made `chunk` pieces at a
 * time: a list of 75 000 guests (memory-fit's arithmetic at 100 000 configs)
 * made as one array of small strings kept every piece alive until the join,
 * long enough to be promoted (issue 14); a chunk's pieces die young. 64, not
 * 1 024: each of memory-fit's pieces reads and parses a record (~0.5 KB of
 * garbage), so 1 024 pieces outlived the streaming heap's small young
 * generation and were promoted anyway (old space +7.2 → +4.2 MB in its
 * finishing step at 100 000 configs).
 */
export function joinMany(count: number, piece: (i: number) => string, sep: string, chunk = 64): string {
  const chunks: string[] = [];
  let part: string[] = [];
  for (let i = 0; i < count; i++) {
    part.push(piece(i));
    if (part.length === chunk) {
      chunks.push(part.join(sep));
      part = [];
    }
  }
  if (part.length > 0 || chunks.length === 0) chunks.push(part.join(sep));
  return chunks.join(sep);
}

/** joinNames of `count` names of which only the first (at least NAMES_SHOWN, or all) are at hand. */
export function joinCounted(first: readonly string[], count: number): string {
  return count > NAMES_SHOWN ? `${first.slice(0, NAMES_SHOWN).join(', ')} and ${count - NAMES_SHOWN} more` : first.join(', ');
}

/**
 * A boolean key as the toolstacks read it: a number (non-zero is true, as
 * xl's xlu_cfg_get_defbool takes it), a string holding one, or yes/no,
 * true/false, on/off. Undefined when absent or none of these.
 */
export function keyBoolean(d: DomainFacts, key: string): boolean | undefined {
  const k = d.keys[key];
  if (!k) return undefined;
  return booleanOf(k.value);
}

/** The same reading for a value found elsewhere (a key=value inside a spec string). */
export function booleanOf(v: KeyValue | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v !== 'string') return undefined;
  const t = v.trim().toLowerCase();
  if (/^-?\d+$/.test(t)) return Number(t) !== 0;
  if (['yes', 'y', 'true', 'on'].includes(t)) return true;
  if (['no', 'n', 'false', 'off'].includes(t)) return false;
  return undefined;
}

/** `k=v,k2=v2` spec strings (vfb, vtpm) as key → value; a bare word reads as "1". */
export function specPairs(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq < 0) out[p] = '1';
    else out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}
