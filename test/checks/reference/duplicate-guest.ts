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
import { defineCheck } from '../../../checks/api.js';
import type { DomainFacts, Finding } from '../../../checks/api.js';
import { joinNames, keyPlace, keyText, type FindingPlace } from '../../../checks/lib/guest.js';
import { pack, unpack, type Packed } from '../../../checks/lib/packed.js';

/** What a guest contributes: its name and file, and its `name` and `uuid` keys as written, with where. */
interface GuestIds {
  name: string;
  file?: string;
  /** The name as the config writes it (else the one the guest is known by). */
  nameText: string;
  keys: Partial<Record<'name' | 'uuid', { raw: string; place: FindingPlace }>>;
}

interface Entry {
  d: GuestIds;
  value: string;
  place: FindingPlace;
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

function collect(guests: GuestIds[], key: 'name' | 'uuid'): Map<string, Entry[]> {
  const by = new Map<string, Entry[]>();
  for (const d of guests) {
    const k = d.keys[key];
    if (k === undefined) continue;
    const value = key === 'uuid' ? normaliseUuid(k.raw) : k.raw.trim();
    const list = by.get(value);
    const entry = { d, value: k.raw.trim(), place: k.place };
    if (list) list.push(entry);
    else by.set(value, [entry]);
  }
  return by;
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

function across(packed: Array<Packed<GuestIds>>): Finding[] {
  const domains = packed.map((p) => unpack(p));
  const out: Finding[] = [];
  const byName = collect(domains, 'name');
  for (const group of byName.values()) {
    if (group.length > 1) for (const e of group) out.push(nameFinding(group, e));
  }
  for (const group of collect(domains, 'uuid').values()) {
    if (group.length < 2) continue;
    // Two configs of one guest (same name) share its uuid by nature; the name finding covers them.
    if (new Set(group.map((e) => e.d.nameText)).size < 2) continue;
    for (const e of group) out.push(uuidFinding(group, e));
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
  // Packed (lib/packed.ts): every guest's is kept until the last guest is read.
  summarize: (d) => pack(idsOf(d)),
  across,
});

export default check;
