/**
 * duplicate-guest: two configs of one host with one `name` or one `uuid`.
 *
 * - name: libxl keeps names unique — the second `xl create` stops with
 *   `Domain with name "…" already exists.` (RELEASE-4.1.0:tools/libxl/libxl.c,
 *   RELEASE-4.17.0:tools/libs/light/libxl_domain.c, libxl__domain_rename), and
 *   xend with "VM name '…' already exists" / "Domain '…' already exists with ID …"
 *   (RELEASE-4.4.0:tools/python/xen/xend/XendDomainInfo.py). Which of the two
 *   starts at boot depends on the order the configs are read.
 * - uuid: xend refuses a second domain whose uuid is running
 *   (XendDomainInfo.create looks it up by uuid too). libxl does not check: it
 *   removes and rewrites /vm/<uuid> in xenstore for the new domain
 *   (RELEASE-4.17.0:tools/libs/light/libxl_create.c, libxl__domain_make), so the
 *   two guests share one /vm node, and tools that key guests by uuid (libvirt,
 *   backup and monitoring agents) take one for the other.
 *
 * Only names and uuids written in the configs are compared: a config without
 * `name` is refused by both toolstacks anyway, and one without `uuid` gets a
 * fresh one at each start.
 */
import { defineCheck } from './api.js';
import type { DomainFacts, Finding, GuestRef } from './api.js';
import { joinNames, keyPlace, keyText, type FindingPlace } from './lib/guest.js';
import { pack, unpack, type Packed } from './lib/packed.js';
import { GuestRecords, KeyIndex } from './lib/guest-records.js';

/**
 * What a guest contributes: its `name` and `uuid` keys as written, with where.
 * Its name and file are the fold's (GuestRef), not copied in: each copy cost a
 * JSON round trip per guest.
 */
interface GuestIds {
  /** The name as the config writes it (else the one the guest is known by). */
  nameText: string;
  keys: Partial<Record<'name' | 'uuid', { raw: string; line?: number; column?: number }>>;
}

interface Entry {
  d: { name: string; file?: string; nameText: string };
  value: string;
  place: FindingPlace;
}

/**
 * The names (trimmed) and uuids (normalised) seen so far: each guest's ids
 * stay in its packed summary, in a record off the heap (GuestRecords); what is
 * held per name and uuid is a 32-bit hash and its first guest's record
 * (KeyIndex), and, for the few used again, the guests after the first.
 */
interface Seen {
  guests: GuestRecords<GuestIds>;
  name: KeyIndex;
  uuid: KeyIndex;
  /** A name's or uuid's first guest -> the guests after it with that name or uuid, in reading order. */
  again: Record<'name' | 'uuid', Map<number, number[]>>;
}

function idsOf(d: DomainFacts): GuestIds {
  const keys: GuestIds['keys'] = {};
  for (const key of ['name', 'uuid'] as const) {
    const raw = keyText(d, key);
    if (raw === undefined || raw.trim() === '') continue;
    const { line, column } = keyPlace(d, key);
    keys[key] = { raw, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) };
  }
  return { nameText: keyText(d, 'name')?.trim() ?? d.name, keys };
}

/** A uuid as libxl_uuid_from_string reads it: hex digits, case and dashes aside. */
export function normaliseUuid(v: string): string {
  return v.trim().toLowerCase().replace(/-/g, '');
}

/** The value a key is compared by: a name trimmed, a uuid normalised. */
function valueOf(d: GuestIds, key: 'name' | 'uuid'): string | undefined {
  const k = d.keys[key];
  if (k === undefined) return undefined;
  return key === 'uuid' ? normaliseUuid(k.raw) : k.raw.trim();
}

function initSeen(): Seen {
  const seen: Seen = {
    guests: new GuestRecords(),
    name: new KeyIndex((r) => valueOf(seen.guests.get(r).summary, 'name')!),
    uuid: new KeyIndex((r) => valueOf(seen.guests.get(r).summary, 'uuid')!),
    again: { name: new Map(), uuid: new Map() },
  };
  return seen;
}

function step(seen: Seen, packed: Packed<GuestIds>, g: GuestRef): void {
  const d = unpack(packed);
  if (d.keys.name === undefined && d.keys.uuid === undefined) return;
  const r = seen.guests.add(packed, g);
  for (const key of ['name', 'uuid'] as const) {
    const value = valueOf(d, key);
    if (value === undefined) continue;
    const first = seen[key].firstOr(value, r);
    if (first === -1) continue;
    const later = seen.again[key].get(first);
    if (later) later.push(r);
    else seen.again[key].set(first, [r]);
  }
}

/** The guests of each name or uuid used more than once, in reading order; the names or uuids in the order first seen. */
function groups(seen: Seen, key: 'name' | 'uuid'): Entry[][] {
  const again = seen.again[key];
  return [...again.keys()]
    .sort((a, b) => a - b)
    .map((first) =>
      [first, ...again.get(first)!].map((r) => {
        const { g, summary } = seen.guests.get(r);
        const k = summary.keys[key]!;
        const place: FindingPlace = { domain: g.name, key };
        if (g.file !== undefined) place.file = g.file;
        if (k.line !== undefined) place.line = k.line;
        if (k.column !== undefined) place.column = k.column;
        return { d: { name: g.name, ...(g.file !== undefined ? { file: g.file } : {}), nameText: summary.nameText }, value: k.raw.trim(), place };
      }),
    );
}

function others(group: Entry[], self: Entry): string {
  return joinNames(group.filter((e) => e !== self).map((e) => e.d.file ?? e.d.name));
}

function nameFinding(group: Entry[], e: Entry): Finding {
  return {
    ...e.place,
    messageId: 'duplicate-name',
    data: { guest: e.d.name, name: e.value, others: others(group, e) },
    remediation: 'Give each guest its own name, or move the config that is not in use out of the config directory (a backup copy belongs elsewhere).',
    evidence: { name: e.value, configs: group.map((x) => x.d.file ?? x.d.name).join(' ') },
  };
}

function uuidFinding(group: Entry[], e: Entry): Finding {
  return {
    ...e.place,
    messageId: 'duplicate-uuid',
    data: { guest: e.d.name, uuid: e.value, guests: joinNames(group.filter((x) => x !== e).map((x) => x.d.name)), others: others(group, e) },
    remediation: 'Give each guest its own uuid (`uuidgen`), or drop the uuid line and let the toolstack make one; keep a cloned guest\'s uuid only in the original.',
    evidence: { uuid: e.value, configs: group.map((x) => x.d.file ?? x.d.name).join(' ') },
  };
}

function across(seen: Seen): Finding[] {
  const out: Finding[] = [];
  const byName = groups(seen, 'name');
  const byUuid = groups(seen, 'uuid');
  // Freed now, not at a full GC: the checks after this one make their own garbage (issue 14).
  seen.guests.close();
  seen.name.close();
  seen.uuid.close();
  for (const g of byName) for (const e of g) out.push(nameFinding(g, e));
  for (const g of byUuid) {
    // Two configs of one guest (same name) share its uuid by nature; the name finding covers them.
    if (new Set(g.map((e) => e.d.nameText)).size < 2) continue;
    for (const e of g) out.push(uuidFinding(g, e));
  }
  return out;
}

const check = defineCheck({
  id: 'duplicate-guest',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['name', 'uuid'],
  title: 'Two configs with one guest name or one uuid',
  severity: 'error',
  needs: ['domains'],
  messages: {
    'duplicate-name':
      '{{guest}}: the guest name "{{name}}" is also the name in {{others}}: only one of them can run; ' +
      'xl stops the second with `Domain with name "{{name}}" already exists.` (xend: "VM name \'{{name}}\' already exists"), ' +
      'and which one starts at boot depends on the order the configs are read',
    'duplicate-uuid':
      '{{guest}}: uuid {{uuid}} is also the uuid of {{guests}} ({{others}}): ' +
      'xend refuses the second guest while the first runs; xl starts both and gives them one /vm/<uuid> node in xenstore, ' +
      'so tools that know guests by uuid take one for the other',
  },
  sources: [
    'RELEASE-4.1.0:tools/libxl/libxl.c, RELEASE-4.17.0:tools/libs/light/libxl_domain.c — libxl__domain_rename: `Domain with name "%s" already exists.`',
    'RELEASE-4.17.0:tools/libs/light/libxl_create.c — libxl__domain_make: xs_rm and rewrite of /vm/<uuid> for the new domain',
    'RELEASE-4.4.0:tools/python/xen/xend/XendDomainInfo.py — create(): "Domain \'%s\' already exists with ID \'%d\'" by name or uuid; _checkName(): "VM name \'%s\' already exists"',
  ],
  // Packed (lib/packed.ts): a plain string to post from a worker thread and to cache.
  summarize: (d) => pack(idsOf(d)),
  // Every name and uuid must be kept (any may be written again later), with where it is written: nothing more.
  fold: { init: initSeen, step },
  across,
});

export default check;
