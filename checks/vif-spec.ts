/**
 * vif-spec: network interface specs the toolstack refuses or misreads, and
 * MAC addresses that collide.
 *
 * Each spec is taken as the toolstack that will use the file reads it
 * (diskSpecAs/vifSpecAs: the domain builder's parse when it read the spec that
 * way, parsed once more only when the host's toolstack differs from the file's
 * dialect; cli/readers/vif-spec.ts): xm refuses a spec with an unknown key or a bad
 * MAC ("Invalid vif option"), xl prints a message for an unknown key, type or
 * MAC and carries on without it, and exits on a bad rate. On top of that: a
 * `vif` given as a plain string under xl (ignored whole), the same MAC twice
 * in one guest or in two of the guests being checked, and MACs outside Xen's
 * OUI.
 */
import {
  type CheckContext,
  defineCheck,
  type Finding,
  type GuestRef,
  type HostSide,
  joinNames,
  listNames,
  type MessageData,
  plainStringUnderXl,
  type Reader,
  readerOf,
  type ReaderRef,
  readerRef,
  satisfiesXen,
  type Severity,
  SPEC_MESSAGES,
  SPEC_PREFIX,
  specFinding,
  type SpecItem,
  type SpecProblem,
  unreadableSpec,
  type VifFacts,
  type VifSpec,
  vifSpecAs,
} from './api.js';
import { pack, unpack, type Packed } from './lib/packed.js';
import { GuestRecords, Int32List, KeyIndex } from './lib/guest-records.js';

const DEFAULTS = { allowedOuis: ['00:16:3e'] };
/** accel, policy and label are not among create.py's vif keys in 3.0.4. */
const XM_3_0_4_VIF_KEYS = '<=3.0.4';
/** xm 4.x has them (RELEASE-4.4.0:tools/python/xen/xm/create.py configure_vifs); for 3.1–3.4 xenlint cannot tell. */
const XM_4_VIF_KEYS = '>=4.0.0';

function allowedOuis(ctx: CheckContext): string[] {
  const v = ctx.options['allowedOuis'];
  const list = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : DEFAULTS.allowedOuis;
  return list.map((o) => o.trim().toLowerCase().replace(/-/g, ':'));
}

function vifFinding(c: ReaderRef, vif: SpecItem, severity: Severity, messageId: string, data: MessageData, remediation: string, extra: Record<string, string | number | boolean> = {}): Finding {
  return specFinding(c, 'vif', vif, severity, { messageId, data }, remediation, extra);
}

function rejected(c: Reader, vif: VifFacts, error: SpecProblem): Finding {
  const ts = c.choice.toolstack;
  if (error.code === 'mac-multicast') {
    return vifFinding(c, vif, 'error', 'mac-multicast', { problem: error.message }, 'Use a unicast MAC, e.g. 00:16:3e:xx:xx:xx.', { problem: error.message });
  }
  return vifFinding(c, vif, 'error', ts === 'xm' ? 'rejected-xm' : 'rejected-xl', { problem: error.message }, ts === 'xm'
    ? 'Fix the spec: comma-separated key=value pairs among backend, bridge, ip, mac, script, type, vifname, rate, model (xm 4.x also accel, policy, label).'
    : 'Fix the spec (xl-network-configuration(5)), e.g. "mac=00:16:3e:01:02:03,bridge=xenbr0,rate=10Mb/s".', { problem: error.message });
}


function warningsOf(c: Reader, vif: VifFacts, spec: VifSpec, warnings: SpecProblem[]): Finding[] {
  const out: Finding[] = [];
  const ts = c.choice.toolstack;
  for (const w of warnings) {
    switch (w.code) {
      case 'unknown-key':
      case 'vif-type':
        out.push(vifFinding(c, vif, 'warning', ts === 'xl' ? 'xl-ignores-setting' : 'xm-setting', { problem: w.message },
          ts === 'xl' ? 'Remove or fix the setting; `xl network-attach` refuses the same spec outright.' : 'Use type=ioemu (emulated NIC plus PV) or type=netfront (PV only).'));
        break;
      case 'mac-invalid':
        out.push(vifFinding(c, vif, 'warning', 'mac-invalid', { problem: w.message }, 'Write the MAC as six two-digit hex octets separated by colons.'));
        break;
      case 'deprecated-key':
        out.push(vifFinding(c, vif, 'info', 'deprecated-key', { problem: w.message }, 'Write gatewaydev= instead of netdev=.'));
        break;
      case 'xm-version':
        if (c.version !== undefined && satisfiesXen(c.version, XM_3_0_4_VIF_KEYS)) {
          out.push(vifFinding(c, vif, 'error', 'key-too-new', { problem: w.message, xen: c.shown ?? c.version ?? '' }, 'Remove the key on this version.'));
        } else if (c.version === undefined || !satisfiesXen(c.version, XM_4_VIF_KEYS)) {
          out.push(vifFinding(c, vif, 'warning', 'key-maybe-too-new', { problem: w.message, xen: c.version !== undefined ? `Xen ${c.shown}` : 'an unknown Xen version' },
            'Remove the key unless you know this xm reads it; pass --xen to let xenlint decide.'));
        }
        break;
      default:
        out.push(vifFinding(c, vif, 'warning', 'spec-warning', { problem: w.message }, 'Fix the spec so that it says what you mean.'));
    }
  }
  if (ts === 'xm' && !spec.xlCompatible) {
    out.push(vifFinding(c, vif, 'info', 'xl-incompatible', { why: spec.xlIncompatibility ?? 'xl reads it differently' },
      'Rewrite the spec with keys both toolstacks know (mac, bridge, ip, script, type, vifname, rate, model, backend).'));
  }
  return out;
}

interface MacUse {
  c: ReaderRef;
  vif: SpecItem;
  mac: string;
  /** The bridge as written or as the toolstack defaults it; undefined = xm's "first bridge found". */
  bridge?: string;
}

function macText(spec: VifSpec): string | undefined {
  if (spec.macInfo) return spec.macInfo.text;
  if (spec.macOctets) return spec.macOctets.map((o) => o.toString(16).padStart(2, '0')).join(':');
  return undefined;
}

function effectiveBridge(c: Reader, spec: VifSpec, xlDefault: string): string | undefined {
  if (spec.bridge !== undefined && spec.bridge.trim() !== '') return spec.bridge.trim();
  return c.choice.toolstack === 'xl' ? xlDefault : undefined;
}

function ouiFinding(c: Reader, vif: VifFacts, spec: VifSpec, allowed: string[]): Finding | undefined {
  const info = spec.macInfo;
  if (!info || info.multicast || info.locallyAdministered) return undefined;
  const oui = info.text.slice(0, 8);
  if (allowed.includes(oui)) return undefined;
  return vifFinding(c, vif, 'info', 'vendor-oui', { mac: info.text, oui },
    'Use 00:16:3e:xx:xx:xx (what the toolstacks generate) or a locally administered address (first octet with bit 1 set, e.g. 02:…); if the OUI is yours, add it to allowedOuis.',
    { mac: info.text, oui });
}

function sameGuestDuplicates(uses: MacUse[]): Finding[] {
  const out: Finding[] = [];
  const first = new Map<string, MacUse>();
  for (const u of uses) {
    const prev = first.get(u.mac);
    if (!prev) {
      first.set(u.mac, u);
      continue;
    }
    out.push(vifFinding(u.c, u.vif, 'error', 'duplicate-mac', { mac: u.mac, other: prev.vif.index },
      'Give each interface its own MAC.', { mac: u.mac }));
  }
  return out;
}

/**
 * A guest's summary: each MAC it uses once (its first vif with it), with what
 * a finding at that vif quotes. Guests are told apart by their summary (two
 * configs may carry one name). The guest's name and file are not in it: the
 * fold has them (GuestRef), and each copy cost a JSON round trip per guest.
 */
type UsesSummary = { c: Pick<ReaderRef, 'choice' | 'version'> & { dialect: ReaderRef['d']['dialect'] }; uses: Array<Omit<MacUse, 'c'>> };
type MacSummary = Packed<UsesSummary>;

/** A guest's MAC uses, packed (lib/packed.ts): a plain string to post from a worker thread and to cache. */
function packUses(uses: MacUse[]): MacSummary | undefined {
  if (uses.length === 0) return undefined;
  const { d, choice, version } = uses[0]!.c;
  return pack({ c: { dialect: d.dialect, choice, version }, uses: uses.map(({ c: _c, ...u }) => u) });
}

/**
 * The MACs seen so far: each guest's uses stay in its packed summary, in a
 * record off the heap (GuestRecords); what is held per use is its guest's
 * record and a 32-bit hash of its MAC (KeyIndex), and, for the few MACs a
 * second guest uses again, the uses after the first.
 */
interface MacsSeen {
  guests: GuestRecords<UsesSummary>;
  /** Per use: its guest's record. A guest's uses are consecutive, in its summary's order. */
  rec: Int32List;
  /** MAC -> its first use. */
  byMac: KeyIndex;
  /** A MAC's first use -> the uses of it after that one, in reading order. */
  again: Map<number, number[]>;
}

/** Use `i` as its guest's summary had it, with the guest's record. */
function useAt(seen: MacsSeen, i: number): { r: number; use: Omit<MacUse, 'c'> } {
  const r = seen.rec.at(i);
  let k = 0;
  while (i - k > 0 && seen.rec.at(i - k - 1) === r) k++;
  return { r, use: seen.guests.get(r).summary.uses[k]! };
}

function initMacs(): MacsSeen {
  const seen: MacsSeen = { guests: new GuestRecords(), rec: new Int32List(), byMac: new KeyIndex((i) => useAt(seen, i).use.mac), again: new Map() };
  return seen;
}

function foldUses(seen: MacsSeen, summary: MacSummary, g: GuestRef): void {
  const { uses } = unpack(summary);
  const r = seen.guests.add(summary, g);
  for (const u of uses) {
    const i = seen.rec.push(r);
    const first = seen.byMac.firstOr(u.mac, i);
    if (first === -1) continue;
    const later = seen.again.get(first);
    if (later) later.push(i);
    else seen.again.set(first, [i]);
  }
}

/** The uses of one MAC as the finding builders take them: one ReaderRef per guest (its record), as the guest's summary had it. */
function usesOf(seen: MacsSeen, mac: string, ids: number[]): MacUse[] {
  const refs = new Map<number, ReaderRef>();
  return ids.map((i) => {
    const { r, use } = useAt(seen, i);
    let c = refs.get(r);
    if (c === undefined) {
      const { g, summary } = seen.guests.get(r);
      const s = summary.c;
      c = { d: { name: g.name, dialect: s.dialect, ...(g.file !== undefined ? { file: g.file } : {}) }, choice: s.choice, version: s.version };
      refs.set(r, c);
    }
    return { c, vif: use.vif, mac, ...(use.bridge !== undefined ? { bridge: use.bridge } : {}) };
  });
}

function crossGuestDuplicates(seen: MacsSeen): Finding[] {
  const out: Finding[] = [];
  // MACs in the order first seen.
  const firsts = [...seen.again.keys()].sort((a, b) => a - b);
  const groups = firsts.map((first) => {
    const ids = [first, ...seen.again.get(first)!];
    return usesOf(seen, useAt(seen, first).use.mac, ids);
  });
  // Freed now, not at a full GC: the checks after this one make their own garbage (issue 14).
  seen.guests.close();
  seen.byMac.close();
  seen.rec.close();
  for (const list of groups) {
    const mac = list[0]!.mac;
    const guests = new Set(list.map((u) => u.c.d));
    if (guests.size < 2) continue;
    for (const u of list) {
      const others = list.filter((o) => o.c.d !== u.c.d);
      if (others.length === 0) continue;
      const apart = others.every((o) => u.bridge !== undefined && o.bridge !== undefined && o.bridge !== u.bridge);
      const names = [...new Set(others.map((o) => `${o.c.d.name} (vif ${o.vif.index}${o.bridge !== undefined ? `, bridge ${o.bridge}` : ''})`))];
      out.push(vifFinding(u.c, u.vif, apart ? 'warning' : 'error', apart ? 'shared-mac-other-bridge' : 'shared-mac', { mac, others: listNames(names) },
        'Give every guest interface its own MAC (a cloned config keeps the MAC of its template).',
        { mac, other_guests: joinNames(others.map((o) => o.c.d.name)), other_files: joinNames([...new Set(others.map((o) => o.c.d.file ?? ''))]) }));
    }
  }
  return out;
}

/** The guest's own findings, and into `uses` the first vif of each MAC it uses. */
function examine(c: Reader, allowed: string[], xlDefaultBridge: string, uses: MacUse[]): Finding[] {
  const { d } = c;
  if (!d.keys['vif']) return [];
  const plain = plainStringUnderXl(c, 'vif', 'no network interface');
  if (plain) return [plain];
  const ts = c.choice.toolstack;
  const out: Finding[] = [];
  const mine: MacUse[] = [];
  for (const vif of d.vifs) {
    const unreadable = unreadableSpec(c, 'vif', vif);
    if (unreadable) {
      out.push(unreadable);
      continue;
    }
    const result = vifSpecAs(vif, ts);
    if (!result.ok) {
      out.push(rejected(c, vif, result.error));
      continue;
    }
    // One by one: a spec of 200 000 items makes as many warnings, too many to spread into a call.
    for (const f of warningsOf(c, vif, result.vif, result.warnings)) out.push(f);
    const oui = ouiFinding(c, vif, result.vif, allowed);
    if (oui) out.push(oui);
    const mac = macText(result.vif);
    if (mac !== undefined) {
      const bridge = effectiveBridge(c, result.vif, xlDefaultBridge);
      mine.push({ c, vif, mac, ...(bridge !== undefined ? { bridge } : {}) });
    }
  }
  out.push(...sameGuestDuplicates(mine));
  const firstPerMac = new Map<string, MacUse>();
  for (const u of mine) if (!firstPerMac.has(u.mac)) firstPerMac.set(u.mac, u);
  const ref = readerRef(c);
  for (const u of firstPerMac.values()) {
    const { index, spec, line, column } = u.vif;
    uses.push({ c: ref, vif: { index, spec, line, column }, mac: u.mac, ...(u.bridge !== undefined ? { bridge: u.bridge } : {}) });
  }
  return out;
}

function xlDefaultBridge(facts: HostSide): string {
  const xlConf = facts.dom0?.xlConf?.values['vif.default.bridge'];
  return typeof xlConf === 'string' && xlConf !== '' ? xlConf : 'xenbr0';
}

const check = defineCheck({
  id: 'vif-spec',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['vif'],
  title: 'vif specs the toolstack refuses or misreads, and MAC addresses used twice',
  severity: 'error',
  messages: {
    ...SPEC_MESSAGES,
    'mac-multicast': `${SPEC_PREFIX}{{problem}}`,
    'rejected-xm': `${SPEC_PREFIX}{{problem}}: xm create stops with an error and creates nothing`,
    'rejected-xl': `${SPEC_PREFIX}{{problem}}: xl exits and creates nothing`,
    'xl-ignores-setting': `${SPEC_PREFIX}{{problem}}: xl prints this and creates the vif without it`,
    'xm-setting': `${SPEC_PREFIX}{{problem}}`,
    'mac-invalid': `${SPEC_PREFIX}{{problem}}: xl carries on, and the vif does not get the MAC that was meant`,
    'deprecated-key': `${SPEC_PREFIX}{{problem}}`,
    'key-too-new': `${SPEC_PREFIX}{{problem}}; on Xen {{xen}} xm create stops with an error`,
    'key-maybe-too-new': `${SPEC_PREFIX}{{problem}}; xenlint cannot tell whether xm of {{xen}} has it`,
    'spec-warning': `${SPEC_PREFIX}{{problem}}`,
    'xl-incompatible': `${SPEC_PREFIX}works with xm, but {{why}}; it changes meaning when the guest moves to xl (from Xen 4.5 xl is the only toolstack)`,
    'vendor-oui': `${SPEC_PREFIX}MAC {{mac}} is a universally administered address in OUI {{oui}}, not Xen's 00:16:3e: it belongs to some vendor's hardware range and may clash with a real NIC on the same network`,
    'duplicate-mac': `${SPEC_PREFIX}MAC {{mac}} is also the MAC of vif {{other}} of this guest: two interfaces with one address confuse every switch and bridge they reach`,
    'shared-mac': `${SPEC_PREFIX}MAC {{mac}} is also used by {{others}}: two guests with one MAC on one bridge break each other's networking`,
    'shared-mac-other-bridge': `${SPEC_PREFIX}MAC {{mac}} is also used by {{others}}, on another bridge: harmless only while the two bridges never meet on one network`,
  },
  needs: ['domains'],
  sources: [
    'RELEASE-4.4.0:tools/python/xen/xm/create.py configure_vifs: xm vif keys and "Invalid vif option"; RELEASE-4.4.0:tools/python/xen/xend/server/netif.py parseRate',
    'RELEASE-4.22.0:docs/man/xl-network-configuration.5.pod.in and parse_nic_config in RELEASE-4.22.0:tools/xl/xl_parse.c: xl keys, rate syntax and messages; random MACs from Xen\'s OUI 00:16:3e',
    'RELEASE-4.22.0:tools/libs/util/libxlu_cfg.c xlu_cfg_get_list: a list key given as a plain string: "parameter `vif\' is a single value but should be a list", the key is ignored',
    'IEEE 802: bit 0 of the first octet marks a group (multicast) address, bit 1 a locally administered one',
    '9e8672f1c3: xm removed in Xen 4.5',
  ],
  options: {
    type: 'object',
    properties: {
      allowedOuis: {
        type: 'array',
        items: { type: 'string', pattern: '^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){2}$' },
        description: 'OUIs (first three octets) whose MACs raise no info finding; default Xen\'s 00:16:3e',
      },
    },
    additionalProperties: false,
  },
  defaults: { allowedOuis: [...DEFAULTS.allowedOuis] },
  perGuest(d, facts, ctx) {
    const uses: MacUse[] = [];
    const findings = examine(readerOf(d, facts, ctx), allowedOuis(ctx), xlDefaultBridge(facts), uses);
    return { findings, summary: packUses(uses) };
  },
  // Every MAC must be kept (a later guest may use it), with its first use: nothing more until a second guest uses it.
  fold: {
    init: initMacs,
    step: foldUses,
  },
  across: crossGuestDuplicates,
});

export default check;
