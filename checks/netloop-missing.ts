/**
 * netloop-missing: dom0 networking on Xen ≤ 3.1 without netloop in the path.
 *
 * On these versions a guest's transmitted frame reaches dom0 in a page the
 * guest granted; it is released only when dom0 is done with the frame. Frames
 * dom0 forwards leave at once, but frames for dom0's own processes wait for
 * them, and the field notes report that a busy network can then use up the
 * shared pages and panic Xen. netloop's vif0.N/vethN pair is where dom0 copies
 * such frames (network-bridge puts vif0.N on the bridge and dom0's address on
 * the renamed vethN). 3.2 stopped using netloop (06809a93ad): not applicable.
 *
 * How many pairs network-bridge needs for several bridges is vif-limit's job;
 * this check asks whether netloop is there and in the path at all.
 */
import { type CheckContext, defineCheck, type Dom0Facts, type Facts, type Finding, highestLoopbackSeen, isGuestPort, isLoopbackVif, isPhysicalBehindBridge, loopbackIndexOf, networkScriptLocation, networkSetup, type NetworkSetup, placed, type Skip, xenLabel } from './api.js';

const PANIC = "frames from guests that dom0's own processes handle hold the guests' shared pages until they are read; the field notes report a busy network can exhaust them and panic Xen";
import { XEN_LIMITATIONS } from './lib/field-notes.js';


type NetloopState =
  | { kind: 'present'; how: string }
  | { kind: 'absent'; how: string }
  | { kind: 'unknown'; why: string };

/**
 * Whether dom0 has netloop. Its interfaces are the best evidence: netloop
 * creates vif0.N/vethN when it loads, whether it is a module or built in.
 */
export function netloopState(dom0: Dom0Facts): NetloopState {
  const seen = highestLoopbackSeen(dom0);
  if (seen !== undefined) return { kind: 'present', how: `vif0.N/vethN interfaces in dom0 (up to index ${seen})` };
  if (dom0.netloop?.loaded === true) return { kind: 'present', how: 'netloop loaded' };
  if (dom0.modules?.includes('netloop')) return { kind: 'present', how: 'netloop in /proc/modules' };
  if (dom0.interfaces !== undefined) {
    return { kind: 'absent', how: 'no vif0.N or vethN among dom0\'s interfaces' + (dom0.modules ? ', netloop not in /proc/modules' : '') };
  }
  if (dom0.netloop?.loaded === false) return { kind: 'absent', how: 'netloop not loaded' };
  if (dom0.modules !== undefined) {
    return {
      kind: 'unknown',
      why: "netloop is not in /proc/modules, but it may be built into dom0's kernel and dom0's network interfaces were not read",
    };
  }
  return { kind: 'unknown', why: "dom0's modules and network interfaces were not read, so netloop's presence is unknown" };
}

function scriptText(setup: NetworkSetup): string {
  return [setup.script, ...Object.entries(setup.args).map(([k, v]) => (v === '' ? k : `${k}=${v}`))].join(' ');
}

function baseEvidence(version: string, setup: NetworkSetup, state: string): Record<string, string> {
  return { xen_version: version, network_script: scriptText(setup), netloop: state };
}

function absentFinding(version: string, setup: NetworkSetup, how: string): Finding {
  const bridge = setup.kind === 'bridge';
  return placed(networkScriptLocation(setup), {
    messageId: bridge ? 'bridge-without-netloop' : 'without-netloop',
    data: { xen: xenLabel(version), script: setup.script, how },
    remediation: bridge
      ? 'Load netloop (modprobe netloop, and add it to /etc/modules) before xend starts, so network-bridge can put vif0.0 on the bridge and give dom0 its address on veth0.'
      : 'Load netloop (modprobe netloop) and prefer network-bridge, where dom0 reaches the guests through vif0.0/veth0 and netloop copies the frames; keep daemons serving guests off a routed/NATed dom0 otherwise.',
    evidence: baseEvidence(version, setup, how),
  });
}

function bridgeFindings(version: string, setup: NetworkSetup, dom0: Dom0Facts, how: string): Finding[] | Skip {
  const out: Finding[] = [];
  const seen = highestLoopbackSeen(dom0);
  const pairs = dom0.netloop?.nloopbacks ?? (seen !== undefined ? seen + 1 : undefined);
  if (pairs === 0) {
    out.push(placed(networkScriptLocation(setup), {
      messageId: 'no-pairs',
      data: { xen: xenLabel(version) },
      remediation: 'Load netloop with at least one pair per bridge (modprobe netloop nloopbacks=4, the default).',
      evidence: { ...baseEvidence(version, setup, how), nloopbacks: 0 },
    }));
  }
  const vifnum = setup.args['vifnum'];
  if (pairs !== undefined && pairs > 0 && vifnum !== undefined && /^\d+$/.test(vifnum) && Number(vifnum) >= pairs) {
    const n = Number(vifnum);
    out.push(placed(networkScriptLocation(setup), {
      messageId: 'vifnum-beyond-pairs',
      data: { xen: xenLabel(version), vifnum: n, pairs, last: pairs - 1 },
      remediation: `Load netloop with nloopbacks=${n + 1} or more, or use a lower vifnum.`,
      evidence: { ...baseEvidence(version, setup, how), nloopbacks: pairs },
    }));
  }
  if (dom0.bridges === undefined) {
    if (out.length > 0) return out;
    return {
      skip: "netloop is present, but dom0's bridges were not read (brctl show), so whether vif0.N is on the bridge is unknown",
    };
  }
  for (const b of dom0.bridges) {
    if (b.ports.some(isLoopbackVif)) continue;
    const carries = b.ports.filter((p) => isPhysicalBehindBridge(p) || isGuestPort(p));
    if (carries.length === 0) continue;
    out.push(placed(networkScriptLocation(setup), {
      messageId: 'bridge-bypasses-netloop',
      data: { xen: xenLabel(version), bridge: b.name, ports: b.ports.join(', ') },
      remediation: `Add netloop's vif0.N to ${b.name} and give dom0 its address on the matching vethN (what network-bridge does), instead of an address on the bridge itself.`,
      evidence: { ...baseEvidence(version, setup, how), bridge: b.name, ports: b.ports.join(' ') },
    }));
  }
  return out;
}

function run(facts: Facts, ctx: CheckContext): Finding[] | Skip {
  const version = ctx.xenVersion;
  if (version === undefined) return { skip: 'Xen version unknown; pass --xen' };
  const dom0 = facts.dom0;
  if (!dom0) return { skip: 'dom0 facts were not gathered' };
  const setup = networkSetup(dom0);
  if (setup === undefined) {
    return { skip: 'xend-config.sxp was not read, so how dom0 networking is set up (network-bridge/route/nat) is unknown' };
  }
  if (setup === null) {
    return {
      skip: 'xend-config.sxp sets no network-script: xend sets up no dom0 networking, so it cannot be told whether guests reach dom0 through netloop',
    };
  }
  if (setup.kind === 'dummy') {
    return { skip: 'network-script is network-dummy: xend gives guests no network through dom0' };
  }
  if (setup.kind === 'other') {
    return {
      skip: `network-script ${setup.script} is a site script, not network-bridge/route/nat; what it sets up is unknown`,
    };
  }
  const state = netloopState(dom0);
  if (state.kind === 'unknown') return { skip: state.why };
  if (state.kind === 'absent') return [absentFinding(version, setup, state.how)];
  if (setup.kind !== 'bridge') return [];
  return bridgeFindings(version, setup, dom0, state.how);
}

function explain(facts: Facts, ctx: CheckContext): string[] {
  const dom0 = facts.dom0;
  if (!dom0) return ['dom0 facts were not gathered.'];
  const setup = networkSetup(dom0);
  const state = netloopState(dom0);
  const loops = (dom0.interfaces ?? []).filter((i) => loopbackIndexOf(i) !== undefined);
  return [
    `Xen: ${ctx.xenVersion ?? 'unknown'}`,
    `network-script: ${setup === undefined ? 'unknown (xend-config.sxp not read)' : setup === null ? 'none' : scriptText(setup)}`,
    `netloop: ${state.kind === 'unknown' ? `unknown — ${state.why}` : `${state.kind} — ${state.how}`}`,
    `loopback interfaces: ${dom0.interfaces === undefined ? 'not read' : loops.length ? loops.join(' ') : 'none'}`,
    `bridges: ${dom0.bridges === undefined ? 'not read' : dom0.bridges.map((b) => `${b.name} [${b.ports.join(' ')}]`).join('; ') || 'none'}`,
  ];
}

const check = defineCheck({
  id: 'netloop-missing',
  title: 'dom0 networking on Xen ≤ 3.1 without netloop: guest frames for dom0 can exhaust shared pages',
  severity: 'warning',
  needs: ['dom0'],
  xen: '<3.2.0',
  messages: {
    'bridge-without-netloop': `{{xen}}: dom0 networking through {{script}} without netloop ({{how}}). network-bridge needs netloop's vif0.N/vethN pair ("Link veth0 is missing") and, without it, ${PANIC}`,
    'without-netloop': `{{xen}}: dom0 networking through {{script}} without netloop ({{how}}). Without a copying hop, ${PANIC}`,
    'no-pairs': '{{xen}}: netloop is loaded with nloopbacks=0, so network-bridge finds no vif0.0/veth0 pair and sets up no bridge',
    'vifnum-beyond-pairs':
      '{{xen}}: network-script asks for vifnum={{vifnum}}, but netloop has {{pairs}} pairs (vif0.0–vif0.{{last}}): network-bridge stops with "Link veth{{vifnum}} is missing" and sets up no bridge',
    'bridge-bypasses-netloop':
      '{{xen}}: bridge {{bridge}} ({{ports}}) has no vif0.N port, so frames from guests to dom0 do not pass through netloop; the field notes report a busy network can then exhaust the shared pages and panic Xen',
  },
  sources: [
    `${XEN_LIMITATIONS} — "Xen has a potential DoS condition if netloop isn't used"`,
    '3.0.3-branched:linux-2.6-xen-sparse/drivers/xen/netback/loopback.c — the vif0.N/vethN pairs, nloopbacks default 4',
    'tools/examples/network-bridge (3.0.x; e.g. at 0070cb1f3a) — vif0.N on the bridge, dom0 address on the renamed vethN',
    '06809a93ad — network-bridge stops using netloop (first in 3.2)',
  ],
  hostOnly: run,
  explain,
});

export default check;
