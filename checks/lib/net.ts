/**
 * Networking facts shared by the vif and netloop checks: which of a guest's
 * vifs qemu-dm turns into emulated NICs, how xend sets up dom0's network, and
 * what dom0 shows of netloop's vif0.N/vethN pairs.
 */
import type { Dom0Facts, DomainFacts, VifFacts } from '../../cli/model/facts.js';
import { networkScriptOf } from '../../cli/readers/sxp.js';
import { satisfiesXen } from '../../cli/model/xen-version.js';
import { itemPlace } from './guest.js';

/** Where a finding about one vif points. */
export function vifLocation(domain: DomainFacts, vif: VifFacts) {
  return itemPlace(domain, vif, 'vif');
}

/** The vif's `type=` as written (lower case), or undefined. */
export function vifType(vif: VifFacts): string | undefined {
  const t = vif.type ?? vif.keys['type'];
  return t === undefined ? undefined : t.trim().toLowerCase();
}

/** The vif's `model=` as written (lower case), or undefined. */
export function vifModel(vif: VifFacts): string | undefined {
  const m = vif.model ?? vif.keys['model'];
  return m === undefined || m.trim() === '' ? undefined : m.trim().toLowerCase();
}

/** The vif's `bridge=`, or undefined. */
export function vifBridge(vif: VifFacts): string | undefined {
  const b = vif.bridge ?? vif.keys['bridge'];
  return b === undefined || b.trim() === '' ? undefined : b.trim();
}

/**
 * Xen versions where an HVM vif gets an emulated NIC only with an explicit
 * `type=ioemu` (image.py@3.0.3-branched; 3.0.4 made ioemu the default,
 * 7dc9afed06).
 */
export const EXPLICIT_IOEMU_RANGE = '<3.0.4';

/**
 * Whether qemu-dm gives this vif of an HVM guest an emulated NIC. Before 3.0.4
 * only `type=ioemu` does; from 3.0.4 every vif does unless it asks to be PV
 * only (`type=netfront` in xm configs, `type=vif` in xl).
 */
export function isEmulatedVif(domain: DomainFacts, vif: VifFacts, xenVersion: string): boolean {
  if (domain.type !== 'hvm') return false;
  const type = vifType(vif);
  if (satisfiesXen(xenVersion, EXPLICIT_IOEMU_RANGE)) return type === 'ioemu';
  return type !== 'netfront' && type !== 'vif';
}

export type NetworkKind = 'bridge' | 'route' | 'nat' | 'dummy' | 'other';

export interface NetworkSetup {
  /** network-bridge / network-route / network-nat / network-dummy, or a site script. */
  kind: NetworkKind;
  /** The script as written in xend-config.sxp. */
  script: string;
  args: Record<string, string>;
  file: string;
  line?: number;
}

/**
 * How xend sets up dom0's network, from `(network-script ...)`.
 * - undefined: xend-config.sxp was not read (unknown);
 * - null: the file has no network-script, so xend sets up no network at all.
 */
export function networkSetup(dom0: Dom0Facts | undefined): NetworkSetup | null | undefined {
  const xend = dom0?.xendConfig;
  if (!xend) return undefined;
  const parsed = networkScriptOf(xend.values);
  if (!parsed) return null;
  const base = parsed.script.replace(/^['"]|['"]$/g, '').split('/').pop() ?? parsed.script;
  const kind: NetworkKind =
    base === 'network-bridge'
      ? 'bridge'
      : base === 'network-route'
        ? 'route'
        : base === 'network-nat'
          ? 'nat'
          : base === 'network-dummy'
            ? 'dummy'
            : 'other';
  const line = xend.lines['network-script'];
  return { kind, script: parsed.script, args: parsed.args, file: xend.file, ...(line !== undefined ? { line } : {}) };
}

/** Where a host-level networking finding points: the network-script line, when known. */
export function networkScriptLocation(setup: NetworkSetup | null | undefined): {
  file?: string;
  line?: number;
  column?: number;
  key: 'network-script';
} {
  if (!setup) return { key: 'network-script' };
  return {
    file: setup.file,
    ...(setup.line !== undefined ? { line: setup.line, column: 1 } : {}),
    key: 'network-script',
  };
}

const LOOPBACK_VIF = /^vif0\.(\d+)$/;
const LOOPBACK_VETH = /^veth(\d+)$/;
const PHYSICAL_BEHIND_BRIDGE = /^peth(\d+)$/;
/** A guest's netback device (vifD.N, D >= 1) or an HVM guest's tap device. */
const GUEST_PORT = /^(vif[1-9]\d*\.\d+|tap\d+(\.\d+)?|vif[1-9]\d*\.\d+-emu)$/;

export function loopbackIndexOf(name: string): number | undefined {
  const m = LOOPBACK_VIF.exec(name) ?? LOOPBACK_VETH.exec(name);
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

export function isLoopbackVif(name: string): boolean {
  return LOOPBACK_VIF.test(name);
}

export function isPhysicalBehindBridge(name: string): boolean {
  return PHYSICAL_BEHIND_BRIDGE.test(name);
}

export function isGuestPort(name: string): boolean {
  return GUEST_PORT.test(name);
}

/**
 * The highest netloop pair index dom0 shows (vif0.N or vethN in its interfaces
 * or on a bridge), or undefined when it shows none or was not examined.
 */
export function highestLoopbackSeen(dom0: Dom0Facts | undefined): number | undefined {
  let max: number | undefined;
  const names = [...(dom0?.interfaces ?? []), ...(dom0?.bridges ?? []).flatMap((b) => b.ports)];
  for (const n of names) {
    const i = loopbackIndexOf(n);
    if (i !== undefined && (max === undefined || i > max)) max = i;
  }
  return max;
}

/** `xenbrN`, the name network-bridge (≤ 3.1) gives the bridge for vifnum=N. */
export function defaultBridgeIndex(bridge: string): number | undefined {
  const m = /^xenbr(\d+)$/.exec(bridge);
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}
