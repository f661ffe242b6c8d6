/**
 * Pure readers for dom0's /proc and /sys evidence and the toolstack's domain
 * list: text in, parts of Dom0Facts out. They never throw; what they cannot read
 * they leave out (absent = unknown, never false or zero).
 */

/** /proc/modules: `name size refcount deps state address`; only the name matters. */
export function parseModules(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const name = /^([A-Za-z0-9_-]+)\s/.exec(line)?.[1] ?? /^([A-Za-z0-9_-]+)$/.exec(line.trim())?.[1];
    if (name) names.add(name);
  }
  return [...names].sort();
}

/**
 * /proc/cpuinfo: the union of every CPU's flags (x86 `flags`, Arm `Features`).
 * Under Xen, dom0's cpuinfo shows the flags Xen lets dom0 see (e.g. no `vmx`/`svm`
 * on most versions), which is still what the admin sees.
 */
export function parseCpuFlags(text: string): string[] {
  const flags = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^(flags|Features)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    for (const f of (m[2] ?? '').split(/\s+/)) if (f !== '') flags.add(f);
  }
  return [...flags].sort();
}

/**
 * /proc/cpuinfo `vendor_id` (x86: GenuineIntel, AuthenticAMD, ...). Dom0 runs on the
 * host's CPUs, so this is the host's vendor. Undefined when no CPU names one or they disagree.
 */
export function parseCpuVendor(text: string): string | undefined {
  const vendors = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^vendor_id\s*:\s*(\S+)\s*$/.exec(line);
    if (m) vendors.add(m[1]!);
  }
  return vendors.size === 1 ? [...vendors][0] : undefined;
}

/** /proc/xen/capabilities holds `control_d` in dom0 and is empty in a domU. */
export function parseXenCapabilities(text: string): boolean {
  return text.split(/[\s,]+/).includes('control_d');
}

/** /proc/PID/comm (Linux 2.6.33+): the name and a newline. */
export function parseComm(text: string): string | undefined {
  const name = text.replace(/\n$/, '');
  return name === '' || name.includes('\n') ? undefined : name;
}

/**
 * /proc/PID/stat: `pid (comm) state ...`. The name is between the first `(` and
 * the LAST `)`, since a name may itself contain parentheses. Xen 3.x dom0 kernels
 * (2.6.16, 2.6.18) have no /proc/PID/comm, only this.
 */
export function parseStatName(text: string): string | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close <= open) return undefined;
  const name = text.slice(open + 1, close);
  return name === '' ? undefined : name;
}

export function uniqueSorted(items: Iterable<string | undefined>): string[] {
  const set = new Set<string>();
  for (const i of items) if (i !== undefined && i !== '') set.add(i);
  return [...set].sort();
}

/** Trimmed single-line value of a sysfs/procfs attribute, or undefined when empty. */
export function sysValue(text: string): string | undefined {
  const v = text.trim();
  return v === '' ? undefined : v;
}

/** /proc/sys/kernel/osrelease and /proc/cmdline hold one line. */
export const parseOsRelease = sysValue;
export function parseCmdline(text: string): string | undefined {
  return sysValue(text.replace(/\0/g, ' '));
}

export function parseCount(text: string): number | undefined {
  const v = text.trim();
  if (!/^-?\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The dom0 side of netloop's loopback pairs is named `vif0.N` (the other side,
 * `vethN`, is renamed to `eth0` by network-bridge ≤ 3.1), so their count is the
 * number of pairs netloop created. The module parameter itself is not visible in
 * /sys (`module_param(nloopbacks, int, 0)` in netback/loopback.c).
 */
export function countLoopbackPairs(interfaces: readonly string[]): number {
  return interfaces.filter((i) => /^vif0\.\d+$/.test(i)).length;
}

export interface ListedDomain {
  name: string;
  id?: number;
  memoryMiB?: number;
  vcpus?: number;
  state?: string;
}

export interface DomainList {
  domains: ListedDomain[];
  /** Lines that did not look like a domain row (1-based line numbers). */
  skippedLines: number[];
}

/**
 * `xl list` / `xm list` table:
 *
 *     Name                                        ID   Mem VCPUs      State   Time(s)
 *     Domain-0                                     0  1024     2     r-----    5213.7
 *
 * Read from the right, since the columns after the name are fixed and a name is
 * the rest. A guest being built or dying may show no ID (`xm list` prints the
 * row with fewer columns); such rows keep what can be read.
 */
export function parseDomainList(text: string): DomainList {
  const domains: ListedDomain[] = [];
  const skippedLines: number[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\s+$/, '');
    if (line === '' || /^Name\s+ID\s+Mem/.test(line)) return;
    const full = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+([-rbpscd]{6})\s+(\d+(?:\.\d+)?)$/.exec(line);
    if (full) {
      domains.push({
        name: (full[1] ?? '').trim(),
        id: Number(full[2]),
        memoryMiB: Number(full[3]),
        vcpus: Number(full[4]),
        state: full[5] ?? '',
      });
      return;
    }
    const noId = /^(.*?)\s+(\d+)\s+(\d+)\s+([-rbpscd]{6})\s+(\d+(?:\.\d+)?)$/.exec(line);
    if (noId) {
      domains.push({ name: (noId[1] ?? '').trim(), memoryMiB: Number(noId[2]), vcpus: Number(noId[3]), state: noId[4] ?? '' });
      return;
    }
    if (!/^\s*(WARNING|Warning|libxl|xc:|Error)/.test(line)) skippedLines.push(i + 1);
  });
  return { domains: domains.filter((d) => d.name !== ''), skippedLines };
}

/** Dom0's own row: domain id 0, or the name Domain-0 when the id column is missing. */
export function isDom0Row(d: ListedDomain): boolean {
  return d.id === 0 || (d.id === undefined && d.name === 'Domain-0');
}
