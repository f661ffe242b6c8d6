/**
 * vif-limit: more network interfaces than the host's Xen handles.
 *
 * Three limits, each with its own Xen versions:
 * 1. vifs per guest on 3.0.3 — the field notes' "3 network interfaces" limit.
 *    Xen's history does not confirm it, so the number is an
 *    option and every finding says where it comes from.
 * 2. emulated (ioemu) NICs per HVM guest before 3.2 — qemu-dm's MAX_NICS is 8
 *    and a ninth made it exit with "Too Many NICs" (fixed by 06bdfbd284).
 * 3. netloop pairs on Xen ≤ 3.1 — network-bridge gives every bridge it sets up
 *    (xenbrN for vifnum=N) the pair vif0.N/vethN, and netloop creates only
 *    `nloopbacks` of them (default 4, netback/loopback.c@3.0.3-branched).
 *    Guests' own vifs (vifD.M) are netback devices and take no pair.
 */
import {
  type CheckContext,
  defaultBridgeIndex,
  defineCheck,
  type Dom0Facts,
  type DomainFacts,
  EXPLICIT_IOEMU_RANGE,
  type Facts,
  type Finding,
  type GuestResult,
  highestLoopbackSeen,
  type HostSide,
  isEmulatedVif,
  isLoopbackVif,
  isPhysicalBehindBridge,
  loopbackIndexOf,
  networkScriptLocation,
  networkSetup,
  type NetworkSetup,
  placed,
  satisfiesXen,
  type Skip,
  vifBridge,
  vifLocation,
  xenLabel,
} from './api.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';

export const PER_GUEST_RANGE = '>=3.0.3 <3.0.4';
export const QEMU_NICS_RANGE = '<3.2.0';
export const NETLOOP_RANGE = '<3.2.0';

const DEFAULTS = { maxVifsPerGuest: 3, maxEmulatedNics: 8, nloopbacks: 4 };


function intOption(ctx: CheckContext, name: keyof typeof DEFAULTS): number {
  const v = ctx.options[name];
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : DEFAULTS[name];
}

// ---------------------------------------------------------------------------
// 1. per guest (3.0.3, field notes)

function perGuest(domains: DomainFacts[], limit: number, version: string): Finding[] {
  if (limit === 0) return [];
  const out: Finding[] = [];
  for (const d of domains) {
    const first = d.vifs[limit];
    if (d.vifs.length <= limit || !first) continue;
    out.push(placed(vifLocation(d, first), {
      messageId: 'too-many-vifs',
      data: { guest: d.name, vifs: d.vifs.length, xen: xenLabel(version), limit, first: first.index },
      remediation:
        `Keep ${d.name} at ${limit} vifs on Xen 3.0.3 (put several addresses on one vif, or use VLANs inside the guest), ` +
        'or upgrade to 3.0.4 or later. If this host runs more vifs per guest without trouble, raise the vif-limit option maxVifsPerGuest.',
      evidence: {
        xen_version: version,
        vifs: d.vifs.length,
        limit,
        limit_source: 'field notes (Xen 3.x admin notes): "Xen 3.0.3 limits domUs to 3 network interfaces"; unconfirmed in Xen history',
      },
    }));
  }
  return out;
}

// ---------------------------------------------------------------------------
// 2. emulated NICs per HVM guest (< 3.2, qemu-dm MAX_NICS)

function pvOnlyHow(version: string): string {
  return satisfiesXen(version, EXPLICIT_IOEMU_RANGE)
    ? 'drop type=ioemu from the others so they stay PV-only'
    : 'mark the others type=netfront so they stay PV-only';
}

function qemuNics(domains: DomainFacts[], max: number, version: string): Finding[] {
  const out: Finding[] = [];
  for (const d of domains) {
    if (d.type !== 'hvm') continue;
    const emulated = d.vifs.filter((v) => isEmulatedVif(d, v, version));
    const first = emulated[max];
    if (!first) continue;
    out.push(placed(vifLocation(d, first), {
      messageId: 'too-many-emulated-nics',
      data: { guest: d.name, nics: emulated.length, xen: xenLabel(version), max },
      remediation:
        `Give ${d.name} at most ${max} emulated NICs (${pvOnlyHow(version)}; PV-only vifs need PV drivers in the guest), ` +
        'or upgrade to Xen 3.2, whose qemu-dm ignores the excess (06bdfbd284).',
      evidence: {
        xen_version: version,
        emulated_nics: emulated.length,
        max_nics: max,
        source: 'qemu-dm MAX_NICS; fixed in 3.2 (06bdfbd284)',
      },
    }));
  }
  return out;
}

// ---------------------------------------------------------------------------
// 3. netloop pairs (≤ 3.1)

interface Capacity {
  pairs: number;
  source: string;
}

function loopbackCapacity(dom0: Dom0Facts | undefined, fallback: number): Capacity {
  const n = dom0?.netloop?.nloopbacks;
  if (n !== undefined) return { pairs: n, source: `netloop nloopbacks=${n} (dom0)` };
  // netloop creates all its pairs when it loads; vif0.N keeps its name when
  // network-bridge renames vethN, so the highest index seen gives the count.
  const seen = highestLoopbackSeen(dom0);
  if (seen !== undefined) return { pairs: seen + 1, source: `vif0.0–vif0.${seen} / veth pairs seen in dom0` };
  return {
    pairs: fallback,
    source:
      fallback === DEFAULTS.nloopbacks
        ? 'netloop default nloopbacks=4 (netback/loopback.c@3.0.3-branched); dom0 did not report it'
        : `option nloopbacks=${fallback}; dom0 did not report it`,
  };
}

interface BridgeNeed {
  /** vifnum of the pair it takes, when known. */
  index?: number;
  from: string;
}

/** Bridges in dom0 that network-bridge set up: they carry its pethN or vif0.N. */
function dom0NetworkBridges(dom0: Dom0Facts | undefined): Map<string, BridgeNeed> {
  const out = new Map<string, BridgeNeed>();
  for (const b of dom0?.bridges ?? []) {
    const loop = b.ports.find(isLoopbackVif);
    if (!loop && !b.ports.some(isPhysicalBehindBridge)) continue;
    const index = loop !== undefined ? loopbackIndexOf(loop) : undefined;
    out.set(b.name, { ...(index !== undefined ? { index } : {}), from: `dom0 bridge (${b.ports.join(' ')})` });
  }
  return out;
}

/** Whether guests' `bridge=xenbrN` can be taken as network-bridge's bridges. */
function guestBridgesAreNetworkBridge(setup: NetworkSetup | null | undefined): boolean {
  if (setup === undefined) return true;
  if (setup === null) return false;
  return setup.kind === 'bridge' || setup.kind === 'other';
}

function setupEvidence(setup: NetworkSetup | null | undefined): string {
  if (setup === undefined) return 'unknown (xend-config.sxp not read); network-bridge assumed';
  if (setup === null) return 'none';
  return [setup.script, ...Object.entries(setup.args).map(([k, v]) => (v === '' ? k : `${k}=${v}`))].join(' ');
}

/** What the netloop rule knows before any guest: dom0's set-up, its pairs and the bridges network-bridge made. */
interface Netloop {
  setup: NetworkSetup | null | undefined;
  capacity: Capacity;
  /** Bridges that take a pair, in the order they were met: dom0's, the network-script's (guests' are added in `netloopTotal`). */
  needed: Map<string, BridgeNeed>;
  dom0Bridges: Set<string> | undefined;
}

function netloopOf(facts: HostSide, fallback: number): Netloop {
  const dom0 = facts.dom0;
  const setup = networkSetup(dom0);
  const capacity = loopbackCapacity(dom0, fallback);
  const needed = dom0NetworkBridges(dom0);
  if (setup && setup.kind === 'bridge') {
    const vifnum = setup.args['vifnum'];
    const index = vifnum !== undefined && /^\d+$/.test(vifnum) ? Number(vifnum) : undefined;
    const name = setup.args['bridge'] ?? (index !== undefined ? `xenbr${index}` : undefined);
    if (name !== undefined && !needed.has(name)) {
      const i = index ?? defaultBridgeIndex(name);
      needed.set(name, { ...(i !== undefined ? { index: i } : {}), from: 'network-script' });
    }
  }
  const dom0Bridges = dom0?.bridges ? new Set(dom0.bridges.map((b) => b.name)) : undefined;
  return { setup, capacity, needed, dom0Bridges };
}

/** A guest bridge that takes a netloop pair (xenbrN not in dom0): what the total needs of the guest. */
interface GuestBridge {
  name: string;
  index: number;
  from: string;
}

/** One guest's vifs on bridges beyond netloop's pairs, and the bridges it needs. */
function guestLoops(d: DomainFacts, n: Netloop, version: string): { findings: Finding[]; bridges: GuestBridge[] } {
  const { setup, capacity, dom0Bridges } = n;
  const findings: Finding[] = [];
  const bridges: GuestBridge[] = [];
  if (!guestBridgesAreNetworkBridge(setup)) return { findings, bridges };
  for (const vif of d.vifs) {
    const bridge = vifBridge(vif);
    const index = bridge !== undefined ? defaultBridgeIndex(bridge) : undefined;
    if (bridge === undefined || index === undefined) continue;
    if (dom0Bridges?.has(bridge)) continue; // it exists, however it was made
    if (!bridges.some((b) => b.name === bridge)) bridges.push({ name: bridge, index, from: `guest ${d.name}` });
    if (index < capacity.pairs) continue;
    findings.push(placed(vifLocation(d, vif), {
      messageId: 'bridge-beyond-netloop-pairs',
      data: { guest: d.name, vif: vif.index, bridge, xen: xenLabel(version), pair: index, pairs: capacity.pairs },
      remediation:
        `Raise netloop's pairs above ${index} (modprobe netloop nloopbacks=${index + 1}, or loopback.nloopbacks=${index + 1} ` +
        'on the dom0 kernel command line when netloop is built in), or attach the guest to a bridge network-bridge does set up.',
      evidence: {
        xen_version: version,
        bridge,
        pair: `vif0.${index}/veth${index}`,
        nloopbacks: capacity.pairs,
        nloopbacks_source: capacity.source,
        network_script: setupEvidence(setup),
      },
    }));
  }
  return { findings, bridges };
}

/** When no vif was reported: more bridges needed (dom0's, the script's, the guests') than netloop has pairs. */
function netloopTotal(n: Netloop, guestBridges: GuestBridge[], vifFindings: number, version: string): Finding[] {
  const { setup, capacity } = n;
  const needed = new Map(n.needed);
  for (const b of guestBridges) if (!needed.has(b.name)) needed.set(b.name, { index: b.index, from: b.from });
  const out: Finding[] = [];
  if (vifFindings === 0 && needed.size > capacity.pairs) {
    const names = [...needed.keys()].sort();
    out.push(placed(networkScriptLocation(setup), {
      messageId: 'too-few-netloop-pairs',
      data: { bridges: needed.size, names: names.join(', '), pairs: capacity.pairs, xen: xenLabel(version) },
      remediation:
        `Load netloop with nloopbacks=${needed.size} or more (modprobe netloop nloopbacks=${needed.size}, or ` +
        `loopback.nloopbacks=${needed.size} on the dom0 kernel command line), or set up fewer bridges.`,
      evidence: {
        xen_version: version,
        bridges: names.map((n) => `${n} [${needed.get(n)?.from ?? ''}]`).join('; '),
        nloopbacks: capacity.pairs,
        nloopbacks_source: capacity.source,
        network_script: setupEvidence(setup),
      },
    }));
  }
  return out;
}

// ---------------------------------------------------------------------------

/**
 * The rules report in order: vifs per guest (for each guest), then emulated
 * NICs, then netloop. The first is each guest's own; the others come after
 * every guest's first, so a guest's summary carries its findings under those
 * rules (rarely any) and the bridges it needs, and `across` reports them.
 */
interface VifSummary {
  nics: Finding[];
  loops: Finding[];
  bridges: GuestBridge[];
}

function hostOnly(_facts: HostSide, ctx: CheckContext): Finding[] | Skip {
  return ctx.xenVersion === undefined ? { skip: 'Xen version unknown; pass --xen' } : [];
}

function guestPart(d: DomainFacts, facts: HostSide, ctx: CheckContext): GuestResult<VifSummary> {
  const version = ctx.xenVersion!;
  const findings = satisfiesXen(version, PER_GUEST_RANGE) ? perGuest([d], intOption(ctx, 'maxVifsPerGuest'), version) : [];
  const nics = satisfiesXen(version, QEMU_NICS_RANGE) ? qemuNics([d], Math.max(1, intOption(ctx, 'maxEmulatedNics')), version) : [];
  const loops = satisfiesXen(version, NETLOOP_RANGE) ? guestLoops(d, netloopOf(facts, intOption(ctx, 'nloopbacks')), version) : { findings: [], bridges: [] };
  const any = nics.length > 0 || loops.findings.length > 0 || loops.bridges.length > 0;
  return { findings, summary: any ? { nics, loops: loops.findings, bridges: loops.bridges } : undefined };
}

function across(guests: VifSummary[], facts: HostSide, ctx: CheckContext): Finding[] {
  const version = ctx.xenVersion!;
  const findings = guests.flatMap((g) => g.nics);
  if (satisfiesXen(version, NETLOOP_RANGE)) {
    const loops = guests.flatMap((g) => g.loops);
    findings.push(...loops);
    findings.push(...netloopTotal(netloopOf(facts, intOption(ctx, 'nloopbacks')), guests.flatMap((g) => g.bridges), loops.length, version));
  }
  return findings;
}

function explain(facts: Facts, ctx: CheckContext): string[] {
  const version = ctx.xenVersion;
  if (version === undefined) return ['Xen version unknown: nothing to compare.'];
  const lines: string[] = [];
  const perGuestLimit = intOption(ctx, 'maxVifsPerGuest');
  const maxNics = Math.max(1, intOption(ctx, 'maxEmulatedNics'));
  for (const d of facts.domains ?? []) {
    const parts = [`${d.name} (${d.type}): ${d.vifs.length} vifs`];
    if (satisfiesXen(version, PER_GUEST_RANGE) && perGuestLimit > 0) parts.push(`per-guest limit ${perGuestLimit} (field notes, 3.0.3)`);
    if (d.type === 'hvm' && satisfiesXen(version, QEMU_NICS_RANGE)) {
      const n = d.vifs.filter((v) => isEmulatedVif(d, v, version)).length;
      parts.push(`${n} emulated NICs of at most ${maxNics}`);
    }
    lines.push(parts.join('; '));
  }
  if (satisfiesXen(version, NETLOOP_RANGE)) {
    const setup = networkSetup(facts.dom0);
    const capacity = loopbackCapacity(facts.dom0, intOption(ctx, 'nloopbacks'));
    const bridges = [...dom0NetworkBridges(facts.dom0).keys()];
    lines.push(`network-script: ${setupEvidence(setup)}`);
    lines.push(`netloop pairs: ${capacity.pairs} (${capacity.source})`);
    lines.push(`network-bridge bridges in dom0: ${bridges.length ? bridges.join(', ') : 'none seen'}`);
  }
  return lines;
}

const check = defineCheck({
  id: 'vif-limit',
  title: 'More network interfaces than this Xen handles: per guest (3.0.3), emulated NICs (< 3.2), netloop pairs (≤ 3.1)',
  severity: 'error',
  needs: ['domains'],
  xen: '<3.2.0',
  messages: {
    'too-many-vifs':
      "{{guest}}: {{vifs}} network interfaces; admins' field notes report that {{xen}} limits a guest to {{limit}} (not confirmed in Xen's history) — vif {{first}} and later may not come up",
    'too-many-emulated-nics':
      '{{guest}}: {{nics}} emulated (ioemu) NICs in an HVM guest; qemu-dm of {{xen}} handles at most {{max}} and exits with "Too Many NICs", so the guest does not start',
    'bridge-beyond-netloop-pairs':
      '{{guest}}: vif {{vif}} uses bridge {{bridge}}; on {{xen}} network-bridge sets up {{bridge}} with netloop\'s pair vif0.{{pair}}/veth{{pair}}, but dom0 has only {{pairs}} pairs, so the script stops with "Link veth{{pair}} is missing" and the bridge never exists',
    'too-few-netloop-pairs':
      'dom0 needs {{bridges}} bridges from network-bridge ({{names}}), each taking one netloop vif0.N/vethN pair, but netloop provides {{pairs}} on {{xen}}: the bridges beyond that are never set up',
  },
  sources: [
    `${XEN_LIMITATIONS} — "Xen 3.0.3 limits domUs to 3 network interfaces" (unconfirmed in Xen history)`,
    '06bdfbd284 — qemu-dm: more than 8 emulated NICs no longer fatal (first in 3.2)',
    '3.0.3-branched:linux-2.6-xen-sparse/drivers/xen/netback/loopback.c — nloopbacks default 4',
    '06809a93ad — network-bridge stops using netloop (first in 3.2)',
    'tools/examples/network-bridge (3.0.x; e.g. at 0070cb1f3a) — "Link vethN is missing … nloopbacks=<N>"',
  ],
  options: {
    type: 'object',
    properties: {
      maxVifsPerGuest: {
        type: 'integer',
        minimum: 0,
        description: 'vifs per guest on Xen 3.0.3 (field notes; 0 turns the rule off)',
      },
      maxEmulatedNics: { type: 'integer', minimum: 1, description: "qemu-dm's NIC limit before 3.2" },
      nloopbacks: {
        type: 'integer',
        minimum: 0,
        description: "netloop pairs assumed when dom0 does not report them (netloop's default is 4)",
      },
    },
    additionalProperties: false,
  },
  defaults: { ...DEFAULTS },
  hostOnly,
  perGuest: guestPart,
  across,
  explain,
});

export default check;
