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

/** What a guest contributes: its name and file, and its `name` and `uuid` keys as written, with where. */
interface GuestIds {
  name: string;
  file?: string;
  /** The name as the config writes it (else the one the guest is known by). */
  nameText: string;
  keys: Partial<Record<'name' | 'uuid', { raw: string; place: FindingPlace }>>;
}

interface Entry {
  d: Pick<GuestIds, 'name' | 'file' | 'nameText'>;
  value: string;
  place: FindingPlace;
}

/** What the fold keeps of a guest's `name` or `uuid` key: the guest (shared, GuestRef) and the key as written, with where. */
interface KeyUse {
  g: GuestRef;
  nameText: string;
  raw: string;
  line: number | undefined;
  column: number | undefined;
}

/** Per name (trimmed) and per uuid (normalised): its first guest's key, or every guest's once it repeats. */
interface Seen {
  name: Map<string, KeyUse | KeyUse[]>;
  uuid: Map<string, KeyUse | KeyUse[]>;
}

function idsOf(d: DomainFacts): GuestIds {
  const keys: GuestIds['keys'] = {};
  for (const key of ['name', 'uuid'] as const) {
    const raw = keyText(d, key);
    if (raw === undefined || raw.trim() === '') continue;
    keys[key] = { raw, place: keyPlace(d, key) };
  }
  return { name: d.name, ...(d.file !== undefined ? { file: d.file } : {}), nameText: keyText(d, 'name')?.trim() ?? d.name, keys };
}

/** A uuid as libxl_uuid_from_string reads it: hex digits, case and dashes aside. */
export function normaliseUuid(v: string): string {
  return v.trim().toLowerCase().replace(/-/g, '');
}

/** `text`, or the guest's name when they are equal: one string kept instead of two. */
function sharing(text: string, g: GuestRef): string {
  return text === g.name ? g.name : text;
}

function step(seen: Seen, packed: Packed<GuestIds>, g: GuestRef): void {
  const d = unpack(packed);
  const nameText = sharing(d.nameText, g);
  for (const key of ['name', 'uuid'] as const) {
    const k = d.keys[key];
    if (k === undefined) continue;
    const value = key === 'uuid' ? normaliseUuid(k.raw) : sharing(k.raw.trim(), g);
    const use: KeyUse = { g, nameText, raw: sharing(k.raw, g), line: k.place.line, column: k.place.column };
    const had = seen[key].get(value);
    if (had === undefined) seen[key].set(value, use);
    else if (Array.isArray(had)) had.push(use);
    else seen[key].set(value, [had, use]);
  }
}

/** The guests of a name or uuid used more than once, in reading order. */
function group(kept: KeyUse | KeyUse[], key: 'name' | 'uuid'): Entry[] | undefined {
  if (!Array.isArray(kept)) return undefined;
  return kept.map(({ g, nameText, raw, line, column }) => {
    const place: FindingPlace = { domain: g.name, key };
    if (g.file !== undefined) place.file = g.file;
    if (line !== undefined) place.line = line;
    if (column !== undefined) place.column = column;
    return { d: { name: g.name, ...(g.file !== undefined ? { file: g.file } : {}), nameText }, value: raw.trim(), place };
  });
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
  for (const kept of seen.name.values()) {
    const g = group(kept, 'name');
    if (g) for (const e of g) out.push(nameFinding(g, e));
  }
  for (const kept of seen.uuid.values()) {
    const g = group(kept, 'uuid');
    // Two configs of one guest (same name) share its uuid by nature; the name finding covers them.
    if (!g || new Set(g.map((e) => e.d.nameText)).size < 2) continue;
    for (const e of g) out.push(uuidFinding(g, e));
  }
  return out;
}

const check = defineCheck({
  id: 'duplicate-guest',
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
  fold: { init: (): Seen => ({ name: new Map(), uuid: new Map() }), step },
  across,
});

export default check;
