/**
 * Checks across the hosts of a fleet: what no single host can see. Each finding
 * is placed on one host's guest config and names the other hosts involved, so
 * every host's report shows its half of the problem. docs/fleet.md explains
 * each; keep the two in step.
 *
 * "The same guest" on several hosts — one config kept on every host of a pool
 * so the guest can run, or be migrated, anywhere — is not a duplicate: two
 * configs are the same guest when the names agree, the UUIDs do not disagree,
 * and they share what makes a guest itself: a UUID, a disk or a MAC. Same name
 * and nothing shared is two different guests that happen to share a name.
 */
import type { DomainFacts, Facts, Finding, Severity } from '../../checks/api.js';
import type { KeyValue } from '../facts.js';
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
  /** Findings, each with `host` set to the host it is placed on. */
  run(hosts: FleetHostFacts[]): Finding[];
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
  if (ua !== undefined && ub !== undefined) return ua === ub;
  const disks = new Set(a.disks.map((d) => d.target).filter((x) => x !== undefined && x !== ''));
  if (b.disks.some((d) => d.target !== undefined && disks.has(d.target))) return true;
  const macs = new Set(a.vifs.map((v) => v.mac?.toLowerCase()).filter((x) => x !== undefined));
  return b.vifs.some((v) => v.mac !== undefined && macs.has(v.mac.toLowerCase()));
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

/** "web on xen2 and db on xen3": the others of a group, as a finding names them. */
function others(group: Placed[], self: Placed): string {
  return listNames(group.filter((p) => p !== self).map((p) => `${p.d.name} on ${p.host}`));
}

const duplicateMac: FleetCheck = {
  id: 'fleet-duplicate-mac',
  title: 'A MAC address is used by different guests on different hosts',
  severity: 'error',
  run(hosts) {
    const vifs = guests(hosts).flatMap((p) => p.d.vifs.filter((v) => v.mac).map((v) => ({ ...p, v, mac: v.mac!.toLowerCase() })));
    const findings: Finding[] = [];
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
  run(hosts) {
    const findings: Finding[] = [];
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
  title: 'One guest name is started by several hosts, or names different guests',
  severity: 'error',
  run(hosts) {
    const findings: Finding[] = [];
    for (const [name, group] of groupBy(guests(hosts), (p) => p.d.name)) {
      if (new Set(group.map((g) => g.host)).size < 2) continue;
      for (const self of group) {
        const twinsStarting = group.filter((o) => o.host !== self.host && o.d.autostart === true && sameGuest(o.d, self.d));
        if (self.d.autostart === true && twinsStarting.length > 0) {
          const autoHosts = [...new Set(twinsStarting.map((o) => o.host))];
          findings.push({
            ...keyPlace(self.d, 'name'),
            host: self.host,
            message: `${name}: starts with ${self.host} and also with ${listNames(autoHosts)}: two copies of the guest run at once, on the same disks`,
            remediation: 'Start the guest with one host only (remove it from /etc/xen/auto, or xendomains, on the others).',
            evidence: { name, autostart: [self.host, ...autoHosts].join(' ') },
          });
          continue;
        }
        const different = group.filter((o) => o.host !== self.host && !sameGuest(o.d, self.d));
        if (different.length === 0) continue;
        findings.push({
          ...keyPlace(self.d, 'name'),
          host: self.host,
          severity: 'warning',
          message: `${name}: a different guest (no uuid, disk or MAC in common) has the same name on ${listNames([...new Set(different.map((o) => o.host))])}: moving either onto the other's host while the other runs fails (libxl: "Domain with name … already exists"), and reports mix them up`,
          remediation: 'Name every guest uniquely across the fleet.',
          evidence: { name, ...(uuidOf(self.d) ? { uuid: uuidOf(self.d)! } : {}), others: others(group, self) },
        });
      }
    }
    return findings;
  },
};

/** A config's meaning, not its text: every key and value, without positions or comments. */
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
  title: 'The same guest is configured differently on different hosts',
  severity: 'warning',
  run(hosts) {
    const findings: Finding[] = [];
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
          message: `${name}: configured differently on ${listNames([...differ.keys()])} (${keys.length === 1 ? 'key' : 'keys'} ${listNames(keys.slice(0, 8))}${keys.length > 8 ? ` and ${keys.length - 8} more` : ''}): after a migration or a failover the guest restarts with the other host's config`,
          remediation: 'Keep one copy of each guest config for the whole pool (shared storage, or configuration management), and copy changes to every host.',
          evidence: Object.fromEntries([...differ.entries()].map(([h, k]) => [`differs on ${h}`, k.join(' ')])),
        });
      }
    }
    return findings;
  },
};

export const FLEET_CHECKS: readonly FleetCheck[] = [duplicateMac, duplicateUuid, duplicateName, configDrift];
