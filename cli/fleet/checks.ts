/**
 * Checks across the hosts of a fleet: what no single host can see. Each finding
 * is placed on one host's guest config and names the other hosts involved, so
 * every host's report shows its half of the problem. docs/fleet.md explains
 * each; keep the two in step.
 *
 * One guest name on several hosts is how a pool is run: the same config on
 * every host, so the guest can run, or be migrated, anywhere. That is fine as
 * long as the copies agree and only one host starts the guest; a name whose
 * configs differ is config drift (or two different guests sharing a name, which
 * xenlint cannot tell apart without a uuid), and is reported as such. Two configs
 * are taken for the same guest when their names agree and their uuids (when
 * both set one) do.
 */
import type { DomainFacts, Facts, Severity } from '../../checks/api.js';
import type { TextFinding } from '../model/contract.js';
import type { KeyValue } from '../model/facts.js';
import { itemPlace, keyPlace, keyText, listNames } from '../../checks/lib/guest.js';

export interface FleetHostFacts {
  name: string;
  facts: Facts;
}

export interface FleetCheck {
  /** kebab-case, stable; also the anchor of its section in docs/fleet.md. */
  id: string;
  title: string;
  severity: Severity;
  /**
   * The kind of problem its findings report (each fleet check reports one): with
   * the check, the host, the guest and the key it makes a finding's fingerprint,
   * so a baseline keeps matching when the wording or the other hosts named change.
   */
  messageId: string;
  /** Findings, each with `host` set to the host it is placed on. */
  run(hosts: FleetHostFacts[]): TextFinding[];
}

interface Placed {
  host: string;
  d: DomainFacts;
}

function guests(hosts: FleetHostFacts[]): Placed[] {
  return hosts.flatMap((h) => (h.facts.domains ?? []).map((d) => ({ host: h.name, d })));
}

function uuidOf(d: DomainFacts): string | undefined {
  return keyText(d, 'uuid')?.trim().toLowerCase();
}

function sameGuest(a: DomainFacts, b: DomainFacts): boolean {
  if (a.name !== b.name) return false;
  const ua = uuidOf(a);
  const ub = uuidOf(b);
  return ua === undefined || ub === undefined || ua === ub;
}

function groupBy<T>(items: T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    if (k === undefined || k === '') continue;
    const list = out.get(k);
    if (list) list.push(i);
    else out.set(k, [i]);
  }
  return out;
}

const duplicateMac: FleetCheck = {
  id: 'fleet-duplicate-mac',
  title: 'A MAC address is used by different guests on different hosts',
  severity: 'error',
  messageId: 'mac-clash',
  run(hosts) {
    const vifs = guests(hosts).flatMap((p) => p.d.vifs.filter((v) => v.mac).map((v) => ({ ...p, v, mac: v.mac!.toLowerCase() })));
    const findings: TextFinding[] = [];
    for (const [mac, group] of groupBy(vifs, (x) => x.mac)) {
      if (new Set(group.map((g) => g.host)).size < 2) continue;
      for (const self of group) {
        const clash = group.filter((o) => o.host !== self.host && !sameGuest(o.d, self.d));
        if (clash.length === 0) continue;
        findings.push({
          ...itemPlace(self.d, self.v, 'vif'),
          host: self.host,
          message: `${self.d.name}: MAC ${mac} is also used by ${listNames(clash.map((o) => `${o.d.name} on ${o.host}`))}: on one network segment the two guests steal each other's traffic`,
          remediation: 'Give every guest its own MAC (the 00:16:3e Xen prefix with a unique suffix), or leave mac= out and let the toolstack pick one.',
          evidence: { mac, hosts: [...new Set(group.map((g) => g.host))].join(' ') },
        });
      }
    }
    return findings;
  },
};

const duplicateUuid: FleetCheck = {
  id: 'fleet-duplicate-uuid',
  title: 'A UUID is used by differently named guests on different hosts',
  severity: 'error',
  messageId: 'uuid-clash',
  run(hosts) {
    const findings: TextFinding[] = [];
    for (const [uuid, group] of groupBy(guests(hosts), (p) => uuidOf(p.d))) {
      for (const self of group) {
        const clash = group.filter((o) => o.host !== self.host && o.d.name !== self.d.name);
        if (clash.length === 0) continue;
        findings.push({
          ...keyPlace(self.d, 'uuid'),
          host: self.host,
          message: `${self.d.name}: uuid ${uuid} is also the uuid of ${listNames(clash.map((o) => `${o.d.name} on ${o.host}`))}: a migration of one onto the other's host is refused, and tools that key on the UUID mix them up`,
          remediation: 'Give each guest its own uuid (uuidgen), or leave uuid= out and let the toolstack generate one.',
          evidence: { uuid, hosts: [...new Set(group.map((g) => g.host))].join(' ') },
        });
      }
    }
    return findings;
  },
};

const duplicateName: FleetCheck = {
  id: 'fleet-duplicate-name',
  title: 'One guest, configured alike on several hosts, is started by more than one of them',
  severity: 'error',
  messageId: 'started-twice',
  run(hosts) {
    const findings: TextFinding[] = [];
    for (const [name, group] of groupBy(guests(hosts), (p) => p.d.name)) {
      for (const self of group) {
        if (self.d.autostart !== true) continue;
        const mine = canonicalConfig(self.d);
        const twins = group.filter((o) => o.host !== self.host && o.d.autostart === true && sameGuest(o.d, self.d) && canonicalConfig(o.d) === mine);
        if (twins.length === 0) continue;
        const others = [...new Set(twins.map((o) => o.host))];
        findings.push({
          ...keyPlace(self.d, 'name'),
          host: self.host,
          message: `${name}: the same config starts with ${self.host} and with ${listNames(others)}: two copies of the guest run at once, on the same disks where the storage is shared`,
          remediation: 'Start the guest with one host only (remove it from /etc/xen/auto, or xendomains, on the others); keep the config on the others for migrations.',
          evidence: { name, autostart: [self.host, ...others].join(' ') },
        });
      }
    }
    return findings;
  },
};

/** A config's meaning, not its text: every key and value, without positions or comments. */
function canonicalConfig(d: DomainFacts): string {
  return [...meaning(d).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('\n');
}

function meaning(d: DomainFacts): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(d.keys)) out.set(k, canonical(v.value));
  return out;
}

function canonical(v: KeyValue): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`).join(',')}}`;
  return JSON.stringify(v);
}

const configDrift: FleetCheck = {
  id: 'fleet-config-drift',
  title: 'A guest name is configured differently on different hosts',
  severity: 'warning',
  messageId: 'config-differs',
  run(hosts) {
    const findings: TextFinding[] = [];
    for (const [name, group] of groupBy(guests(hosts), (p) => p.d.name)) {
      for (const self of group) {
        const same = group.filter((o) => o === self || sameGuest(o.d, self.d));
        const mine = meaning(self.d);
        const differ = new Map<string, string[]>();
        for (const o of same) {
          if (o.host === self.host) continue;
          const theirs = meaning(o.d);
          const keys = [...new Set([...mine.keys(), ...theirs.keys()])].filter((k) => mine.get(k) !== theirs.get(k)).sort();
          if (keys.length > 0) differ.set(o.host, keys);
        }
        if (differ.size === 0) continue;
        const keys = [...new Set([...differ.values()].flat())].sort();
        findings.push({
          ...keyPlace(self.d, keys.find((k) => self.d.keys[k]) ?? 'name'),
          host: self.host,
          message: `${name}: configured differently on ${listNames([...differ.keys()])} (${keys.length === 1 ? 'key' : 'keys'} ${listNames(keys.slice(0, 8))}${keys.length > 8 ? ` and ${keys.length - 8} more` : ''}): after a migration or a failover the guest restarts with the other host's config — or these are different guests sharing a name, and moving one onto the other's host while it runs fails (libxl: "Domain with name … already exists")`,
          remediation: 'Keep one copy of each guest config for the whole pool (shared storage, or configuration management) and copy changes to every host; give different guests different names (and a uuid each).',
          evidence: Object.fromEntries([...differ.entries()].map(([h, k]) => [`differs on ${h}`, k.join(' ')])),
        });
      }
    }
    return findings;
  },
};

export const FLEET_CHECKS: readonly FleetCheck[] = [duplicateMac, duplicateUuid, duplicateName, configDrift];
