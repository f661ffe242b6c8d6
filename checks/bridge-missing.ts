/**
 * bridge-missing: a guest's vif is to be plugged into a bridge dom0 does not
 * have, so the guest does not start.
 *
 * The toolstack hands every vif to its hotplug script; `vif-bridge` adds the
 * backend interface to the bridge named in the spec and fails when there is no
 * such bridge. xend then reports "Device N (vif) could not be connected" with
 * the script's reason, and xl reports the failed script ("Could not find
 * bridge device …") and destroys the half-built guest.
 *
 * Which bridge a vif gets when the spec names none (xl-network-configuration(5), xl.conf(5); xend's vif-bridge and image.py):
 * - xl: `vif.default.bridge` from xl.conf (older `defaultbridge`), else xenbr0;
 * - xm: vif-bridge takes the first bridge it finds in dom0, so any bridge does;
 *   but qemu-dm's emulated NIC of an HVM guest goes to xenbr0 (xend image.py).
 *
 * Only vifs handled by vif-bridge are examined: `script=vif-route`/`vif-nat`
 * (or xend's `vif-script`, xl.conf's `vif.default.script`) attach no bridge,
 * and a site script's needs are unknown. vifs served by another backend domain
 * have their bridge there, not in dom0. Unreadable or refused specs are
 * vif-spec's to report.
 *
 * Xen 3.2 changed the bridge's name: network-bridge names it after the NIC
 * (eth0, the NIC renamed peth0) instead of xenbr0 (06809a93ad). A 3.1-era
 * `bridge=xenbr0` then points at nothing; the finding says so when dom0 shows
 * a bridge named like a NIC.
 */
import {
  type Bridge,
  type CheckContext,
  defineCheck,
  type Dom0Facts,
  type DomainFacts,
  type Facts,
  type Finding,
  type HostSide,
  isEmulatedVif,
  listNames,
  networkSetup,
  placed,
  satisfiesXen,
  shownVersion,
  type Skip,
  type ToolstackChoice,
  toolstackFor,
  versionOf,
  vifBridge,
  type VifFacts,
  vifLocation,
  XEND_DEFAULTS,
  xenLabel,
} from './api.js';

/** network-bridge names the bridge after the NIC from 3.2 (06809a93ad). */
export const BRIDGE_NAMED_AFTER_NIC = '>=3.2.0';

/** xl's bridge when neither the spec nor xl.conf names one (xl.conf(5)). */
export const XL_DEFAULT_BRIDGE = 'xenbr0';

/** The bridge xend gives qemu-dm's emulated NIC when the spec names none (RELEASE-4.4.0:tools/python/xen/xend/image.py). */
export const XEND_HVM_DEFAULT_BRIDGE = 'xenbr0';

/** The script's base name: `'/etc/xen/scripts/vif-route'` → `vif-route`; arguments dropped. */
export function scriptName(text: string): string {
  const first = text.trim().replace(/^['"]|['"]$/g, '').trim().split(/\s+/)[0] ?? '';
  return first.split('/').pop() ?? first;
}

/** The hotplug script that will handle the vif, and where that choice came from. */
export function vifScript(vif: VifFacts, toolstack: 'xm' | 'xl', dom0: Dom0Facts): { script: string; from: string } {
  const own = vif.keys['script'];
  if (own !== undefined && own.trim() !== '') return { script: scriptName(own), from: 'the vif spec' };
  if (toolstack === 'xl') {
    const conf = dom0.xlConf?.values;
    for (const key of ['vif.default.script', 'vifscript']) {
      const v = conf?.[key];
      if (typeof v === 'string' && v.trim() !== '') return { script: scriptName(v), from: `${key} in xl.conf` };
    }
    return { script: 'vif-bridge', from: "xl's default" };
  }
  const xend = dom0.xendConfig?.values['vif-script'];
  if (xend !== undefined && xend.trim() !== '') return { script: scriptName(xend), from: 'vif-script in xend-config.sxp' };
  return { script: XEND_DEFAULTS['vif-script'] ?? 'vif-bridge', from: "xend's default" };
}

/** A vif served by a driver domain has its bridge there, not in dom0. */
function servedByDom0(vif: VifFacts): boolean {
  const backend = vif.keys['backend']?.trim();
  return backend === undefined || backend === '' || backend === '0' || backend === 'Domain-0';
}

/** xl's default bridge: xl.conf's `vif.default.bridge`, else the older `defaultbridge`, else xenbr0. */
export function xlDefaultBridge(dom0: Dom0Facts): { bridge: string; from: string } {
  const conf = dom0.xlConf?.values;
  for (const key of ['vif.default.bridge', 'defaultbridge']) {
    const v = conf?.[key];
    if (typeof v === 'string' && v.trim() !== '') return { bridge: v.trim(), from: `${key} in xl.conf` };
  }
  return { bridge: XL_DEFAULT_BRIDGE, from: "xl's default" };
}

/**
 * A bridge as network-bridge of 3.2+ makes it: named after the NIC it took
 * over (eth0, with the NIC renamed peth0 on it).
 */
export function isNicNamedBridge(b: Bridge): boolean {
  return /^eth\d+$/.test(b.name) || b.ports.includes(`p${b.name}`);
}

/** The NIC-named bridge to suggest for a missing `xenbrN`: ethN first, else the first one. */
export function renamedBridgeFor(missing: string, bridges: Bridge[]): string | undefined {
  const named = bridges.filter(isNicNamedBridge);
  const n = /^xenbr(\d+)$/.exec(missing)?.[1];
  if (n === undefined) return undefined;
  return (named.find((b) => b.name === `eth${n}`) ?? named[0])?.name;
}

interface Guest {
  d: DomainFacts;
  choice: ToolstackChoice;
}

interface Host {
  dom0: Dom0Facts;
  bridges: Bridge[];
  version: string | undefined;
  shown: string | undefined;
}

function failureText(toolstack: 'xm' | 'xl', vif: VifFacts, bridge: string, plainInterface: boolean): string {
  if (toolstack === 'xm') {
    return `xm create fails with "Device ${vif.index} (vif) could not be connected" (vif-bridge cannot ${plainInterface ? 'add the vif to' : 'find bridge'} ${bridge}) and the guest does not start`;
  }
  return plainInterface
    ? `the vif-bridge hotplug script cannot add the vif to ${bridge}, so xl cannot add the vif and destroys the guest`
    : `the vif-bridge hotplug script fails ("Could not find bridge device ${bridge}"), xl cannot add the vif and destroys the guest`;
}

/** The NIC-named bridge that replaced `missing`, on versions whose network-bridge renames it. */
function renameHint(host: Host, missing: string): string | undefined {
  if (host.version === undefined || !satisfiesXen(host.version, BRIDGE_NAMED_AFTER_NIC)) return undefined;
  return renamedBridgeFor(missing, host.bridges);
}

const MISSING = '{{guest}}: vif {{vif}} is to be attached to bridge {{bridge}} ({{how}}), but dom0 has {{has}} (bridges: {{bridges}}): {{effect}}';

function missingBridge(g: Guest, host: Host, vif: VifFacts, bridge: string, how: string, script: { script: string; from: string }, effect?: string): Finding {
  const { d, choice } = g;
  const ts = choice.toolstack;
  const existing = host.bridges.map((b) => b.name);
  const plainInterface = (host.dom0.interfaces ?? []).includes(bridge);
  const renamed = renameHint(host, bridge);
  const data = {
    guest: d.name,
    vif: vif.index,
    bridge,
    how,
    has: plainInterface ? `${bridge} only as a network interface, not a bridge` : 'no such bridge',
    bridges: existing.length ? listNames(existing) : 'none',
    effect: effect ?? failureText(ts, vif, bridge, plainInterface),
  };
  let message: Pick<Finding, 'messageId' | 'data'> = { messageId: 'missing-bridge', data };
  let remediation = existing.length
    ? `Name an existing bridge in the vif spec (bridge=${existing[0]}), or create ${bridge} in dom0 before the guest starts.`
    : `Create the bridge in dom0 (network-bridge in xend-config.sxp, or the distribution's network configuration) before the guest starts.`;
  if (renamed !== undefined) {
    message = { messageId: 'bridge-renamed', data: { ...data, xen: xenLabel(host.shown), renamed } };
    remediation = `Write bridge=${renamed} in the vif spec, or keep the old name by giving network-bridge bridge=${bridge} in xend-config.sxp: (network-script 'network-bridge bridge=${bridge}').`;
  }
  return placed(vifLocation(d, vif), {
    messageId: message.messageId,
    data: message.data,
    remediation,
    evidence: {
      vif: vif.spec,
      bridge,
      bridge_from: how,
      dom0_bridges: existing.join(' '),
      script: script.script,
      script_from: script.from,
      toolstack: ts,
      toolstack_reason: choice.reason,
      ...(host.version !== undefined ? { xen_version: host.version } : {}),
      ...(renamed !== undefined ? { nic_named_bridge: renamed } : {}),
    },
  });
}

function noBridgeAtAll(g: Guest, host: Host, vif: VifFacts, script: { script: string; from: string }): Finding {
  const { d, choice } = g;
  return placed(vifLocation(d, vif), {
    messageId: 'no-bridge-at-all',
    data: { guest: d.name, vif: vif.index },
    remediation:
      'Let xend build a bridge ((network-script network-bridge) in xend-config.sxp) or create one with the distribution\'s network configuration, and name it in the vif spec.',
    evidence: {
      vif: vif.spec,
      dom0_bridges: '',
      script: script.script,
      script_from: script.from,
      toolstack: choice.toolstack,
      toolstack_reason: choice.reason,
      ...(host.version !== undefined ? { xen_version: host.version } : {}),
    },
  });
}

function examine(g: Guest, host: Host): Finding[] {
  const { d, choice } = g;
  const ts = choice.toolstack;
  const names = new Set(host.bridges.map((b) => b.name));
  const out: Finding[] = [];
  for (const vif of d.vifs) {
    if (vif.invalid !== undefined || !servedByDom0(vif)) continue;
    const script = vifScript(vif, ts, host.dom0);
    if (script.script !== 'vif-bridge') continue;
    const named = vifBridge(vif);
    if (named !== undefined) {
      if (!names.has(named)) out.push(missingBridge(g, host, vif, named, 'named in the vif spec', script));
      continue;
    }
    if (ts === 'xl') {
      const def = xlDefaultBridge(host.dom0);
      if (!names.has(def.bridge)) out.push(missingBridge(g, host, vif, def.bridge, `no bridge= in the spec, so ${def.from}`, script));
      continue;
    }
    if (names.size === 0) {
      out.push(noBridgeAtAll(g, host, vif, script));
      continue;
    }
    // xend's own default for the emulated NIC; the PV side still finds the first bridge.
    if (host.version !== undefined && isEmulatedVif(d, vif, host.version) && !names.has(XEND_HVM_DEFAULT_BRIDGE)) {
      out.push({
        ...missingBridge(g, host, vif, XEND_HVM_DEFAULT_BRIDGE, "no bridge= in the spec, so xend's default for an HVM guest's emulated NIC", script,
          "qemu-dm's emulated NIC cannot join it and stays off the network (the PV interface still gets the first bridge vif-bridge finds)"),
        severity: 'warning',
      });
    }
  }
  return out;
}

function hostOnly(facts: HostSide): Finding[] | Skip {
  const dom0 = facts.dom0;
  if (!dom0) return { skip: 'dom0 facts were not gathered' };
  if (dom0.bridges === undefined) {
    return { skip: "dom0's bridges were not read (/sys/class/net), so whether the guests' bridges exist is unknown" };
  }
  return [];
}

function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] {
  // hostOnly made sure of dom0 and its bridges.
  const dom0 = facts.dom0!;
  const version = versionOf(facts, ctx);
  const host: Host = { dom0, bridges: dom0.bridges!, version, shown: shownVersion(facts, ctx) };
  return examine({ d, choice: toolstackFor(d.dialect, facts, version) }, host);
}

function explain(facts: Facts, ctx: CheckContext): string[] {
  const dom0 = facts.dom0;
  if (!dom0) return ['dom0 facts were not gathered.'];
  const version = versionOf(facts, ctx);
  const setup = networkSetup(dom0);
  const lines = [
    `Xen: ${shownVersion(facts, ctx) ?? 'unknown'}`,
    `dom0 bridges: ${dom0.bridges === undefined ? 'not read' : dom0.bridges.map((b) => `${b.name} [${b.ports.join(' ')}]`).join('; ') || 'none'}`,
    `network-script: ${setup === undefined ? 'unknown (xend-config.sxp not read)' : setup === null ? 'none' : setup.script}`,
    `xl default bridge: ${xlDefaultBridge(dom0).bridge} (${xlDefaultBridge(dom0).from})`,
  ];
  for (const d of facts.domains ?? []) {
    const choice = toolstackFor(d.dialect, facts, version);
    for (const vif of d.vifs) {
      if (vif.invalid !== undefined) {
        lines.push(`${d.name} vif ${vif.index}: not read (${vif.invalid})`);
        continue;
      }
      const script = vifScript(vif, choice.toolstack, dom0);
      const bridge = vifBridge(vif) ?? (choice.toolstack === 'xl' ? xlDefaultBridge(dom0).bridge : 'first bridge found');
      lines.push(`${d.name} vif ${vif.index}: ${choice.toolstack}, script ${script.script} (${script.from}), bridge ${bridge}${servedByDom0(vif) ? '' : `, backend ${vif.keys['backend']}`}`);
    }
  }
  return lines;
}

const check = defineCheck({
  id: 'bridge-missing',
  title: "A guest's vif names a bridge that dom0 does not have: the guest does not start",
  severity: 'error',
  needs: ['domains', 'dom0'],
  messages: {
    'missing-bridge': MISSING,
    'bridge-renamed': `${MISSING}. From Xen 3.2 (this is {{xen}}) network-bridge names the bridge after the NIC (here {{renamed}}) instead of xenbr0 (06809a93ad): a config written for 3.1 or earlier breaks after the upgrade`,
    'no-bridge-at-all':
      '{{guest}}: vif {{vif}} names no bridge, so vif-bridge takes the first bridge it finds in dom0 — and dom0 has none: xm create fails with "Device {{vif}} (vif) could not be connected" and the guest does not start',
  },
  sources: [
    'bridge defaults — xm: the first bridge vif-bridge finds (RELEASE-4.4.0:tools/hotplug/Linux/vif-bridge), xenbr0 for HVM (RELEASE-4.4.0:tools/python/xen/xend/image.py); xl: xenbr0 (RELEASE-4.22.0:docs/man/xl-network-configuration.5.pod.in)',
    'RELEASE-4.22.0:docs/man/xl.conf.5.pod.in: vif.default.bridge and vif.default.script in xl.conf; the older names defaultbridge/vifscript read by parse_global_config in RELEASE-4.4.0:tools/libxl/xl.c',
    'RELEASE-4.4.0:tools/python/xen/xend/XendOptions.py: vif-script vif-bridge/vif-route/vif-nat in xend-config.sxp',
    '06809a93ad: network-bridge names the bridge after the NIC (eth0, NIC renamed peth0) from Xen 3.2; bridge=xenbr0 configs break unless network-bridge is given bridge=xenbr0',
  ],
  hostOnly,
  perGuest,
  explain,
});

export default check;
