/**
 * The top-level config keys each toolstack reads, and which toolstack will read
 * a given guest's file. Used by the unknown-key, disk-spec and vif-spec checks.
 *
 * Which keys each release reads comes from checks/data/config-keys.json, built
 * from Xen's source by checks/data/build-key-table.mjs (see ./key-table.ts).
 * The maps below add what a reading alone does not say: what xl prints for a
 * key it only warns about, what is deprecated, and what the other toolstack
 * uses instead.
 */
import { keysEverRead } from './key-table.js';
import { compareText } from '../../cli/model/order.js';

/** Every key xl reads in some release, 4.0 to 4.22. */
export const XL_KEYS: ReadonlySet<string> = keysEverRead('xl');

/** Every option xm reads in some release, 3.0.0 to 4.4. */
export const XM_KEYS: ReadonlySet<string> = keysEverRead('xm');

/**
 * Keys xl reads only to print a warning and ignore them (xl_parse.c): the
 * finding says what xl prints and what to use instead.
 */
export const XL_WARNS_AND_IGNORES: ReadonlyMap<string, { prints: string; instead: string; since: string }> = new Map([
  // 4.0 and 4.1 used device_model as the device model's path (RELEASE-4.1.0:tools/libxl/xl_cmdimpl.c).
  ['device_model', { prints: 'WARNING: ignoring device_model directive', instead: 'device_model_override (and device_model_version), or nothing: libxl picks the device model itself', since: '4.2.0' }],
  // 4.2–4.4 started a viewer for it (RELEASE-4.4.0:tools/libxl/xl_cmdimpl.c); c28219f035 made it a warning in 4.5.
  ['vncviewer', { prints: 'WARNING: ignoring "vncviewer" option', instead: '`xl create -V` to start a viewer', since: '4.5.0' }],
  // 4.1 set up netchannel2 devices from it (RELEASE-4.1.0:tools/libxl/xl_cmdimpl.c).
  ['vif2', { prints: 'WARNING: vif2: netchannel2 is deprecated and not supported by xl', instead: 'vif', since: '4.2.0' }],
]);

/** Keys xl still reads but documents as deprecated; reported as info. */
export const XL_DEPRECATED: ReadonlyMap<string, { instead: string; since?: string }> = new Map([
  // `since`: the release whose xl first reads the replacement (checks/data/config-keys.json); before it the old key is the only one.
  ['builder', { instead: 'type = "hvm" or type = "pv"', since: '4.10.0' }],
  ['stdvga', { instead: 'vga = "stdvga"', since: '4.3.0' }],
  ['altp2mhvm', { instead: 'altp2m', since: '4.9.0' }],
  ['firmware_override', { instead: 'firmware = "PATH"', since: '4.10.0' }],
]);

/** Commits that added or removed xl keys the findings explain in more words. */
export const XL_KEY_COMMITS: ReadonlyMap<string, string> = new Map([
  ['maxvcpus', 'xl reads `maxvcpus` from 4.1 (7497632508)'],
  ['xen_platform_pci', 'xl reads `xen_platform_pci` from 4.1 (e1e4abdf2a)'],
]);

/** xm keys with the xl spelling to use instead; xl ignores them without a word. */
export const XM_ONLY_INSTEAD: ReadonlyMap<string, string> = new Map([
  ['cpu_cap', 'cap (read from the config from xl 4.2)'],
  ['on_xend_start', 'nothing in the config: xl has no daemon; link the config into /etc/xen/auto so the xendomains script starts it at boot'],
  ['on_xend_stop', 'nothing in the config: xl has no daemon; the xendomains script saves or shuts down guests at host shutdown (XENDOMAINS_SAVE)'],
  ['vcpu_avail', 'vcpus (online at start) together with maxvcpus (the most the guest may bring up)'],
  ['nics', 'one entry per interface in vif, e.g. vif = [ "", "" ]'],
  ['restart', 'on_poweroff, on_reboot and on_crash'],
  ['vncconsole', '`xl create -V` or `xl vncviewer`'],
  ['bootentry', 'bootloader_args, e.g. [ "--entry=1" ] for pygrub'],
  ['bootargs', 'bootloader_args'],
  ['ip', 'the guest kernel command line: put ip=… into cmdline (or extra)'],
  ['netmask', 'the guest kernel command line: put ip=… into cmdline (or extra)'],
  ['gateway', 'the guest kernel command line: put ip=… into cmdline (or extra)'],
  ['hostname', 'the guest kernel command line: put ip=… into cmdline (or extra)'],
  ['interface', 'the guest kernel command line: put ip=… into cmdline (or extra)'],
  ['dhcp', 'the guest kernel command line: put ip=dhcp into cmdline (or extra)'],
  ['nfs_server', 'the guest kernel command line: put nfsroot=… into cmdline (or extra)'],
  ['nfs_root', 'the guest kernel command line: put nfsroot=… into cmdline (or extra)'],
  ['blkif', 'driver_domain = 1 in the backend domain, and backend= in the guests\' device specs'],
  ['netif', 'driver_domain = 1 in the backend domain, and backend= in the guests\' device specs'],
  ['tpmif', 'vtpm specs with backend='],
  ['access_control', 'seclabel'],
  ['cpu', 'cpus (pinning)'],
  ['irq', 'irqs'],
  ['usbport', 'usbdev / usbctrl'],
  ['loader', 'firmware = "PATH" (or bios =)'],
  ['cdrom', 'a disk entry with devtype=cdrom'],
  ['ipaddr', 'ip= in the vif spec'],
]);

/**
 * xl keys with what xm uses instead. xm never had most of them; `maxvcpus` it
 * reads only from 4.0 (68a94cf528), so there the entry advises older xm.
 */
export const XL_ONLY_INSTEAD: ReadonlyMap<string, string> = new Map([
  ['type', 'builder = "hvm" with kernel = "/usr/lib/xen/boot/hvmloader" and device_model = ".../qemu-dm" for HVM (PV is the default)'],
  ['maxvcpus', 'vcpus (xm 4.x: with vcpu_avail to start fewer online)'],
  ['cap', 'cpu_cap (xm 3.0.4 and later)'],
  ['device_model_version', 'device_model = ".../qemu-dm" (xm only has the traditional qemu-dm)'],
  ['device_model_override', 'device_model'],
  ['device_model_stubdomain_override', 'device_model = ".../stubdom-dm"'],
  ['firmware', 'kernel = "/usr/lib/xen/boot/hvmloader" for HVM guests'],
  ['cmdline', 'extra (and root)'],
  ['bootloader_args', 'bootargs'],
  ['seclabel', 'access_control'],
  ['vga', 'stdvga = 1'],
  ['irqs', 'irq'],
  ['driver_domain', 'blkif = 1 / netif = 1'],
  ['usbdev', 'usb / usbport'],
  ['usbctrl', 'usb / usbport'],
  ['cpus_soft', 'nothing: xm has no soft affinity'],
  ['on_watchdog', 'nothing: xm has no watchdog action'],
  ['on_soft_reset', 'nothing: xm has no soft reset'],
  ['max_grant_frames', 'nothing: xm cannot set it per guest'],
  ['max_maptrack_frames', 'nothing: xm cannot set it per guest'],
  ['max_event_channels', 'nothing: xm cannot set it per guest'],
  ['bios', 'nothing: xm always uses rombios through hvmloader'],
  ['hdtype', 'nothing: qemu-dm only emulates IDE'],
  ['channel', 'nothing: xm has no PV channels'],
  ['p9', 'nothing: xm has no 9pfs'],
  ['vdispl', 'nothing'],
  ['rdm', 'nothing'],
  ['dtdev', 'nothing (Arm only)'],
  ['iomem', 'nothing'],
  ['gic_version', 'nothing (Arm only)'],
  ['altp2m', 'nothing'],
  ['passthrough', 'nothing'],
  ['vnuma', 'nothing'],
  ['pvh', 'nothing: PVH guests need xl'],
]);

/** Metadata keys other tools keep in xm configs: Oracle VM Manager's `OVM_*`. */
const VENDOR_PREFIXES = ['OVM_'];

export function isVendorKey(key: string): boolean {
  return VENDOR_PREFIXES.some((p) => key.startsWith(p));
}

/** Site keys from the `extraKeys` option: exact names, or prefixes ending in `*`. */
export function matchesExtraKey(key: string, extra: readonly string[]): boolean {
  return extra.some((e) => (e.endsWith('*') ? key.startsWith(e.slice(0, -1)) : key === e));
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment), so
 * that `vpcus` is one step from `vcpus`.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

// Rows reused across calls: suggestKeys runs once per unknown key of every guest.
let rowA: number[] = [];
let rowB: number[] = [];
let rowC: number[] = [];

/**
 * `editDistance(a, b)` when it is at most `limit`, else some number above
 * `limit`: stops once two rows in a row are all beyond reach, since a row's
 * cells come only from itself and the two rows before it.
 */
export function editDistanceWithin(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const cols = b.length + 1;
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j < cols; j++) prev[j] = j;
  let prevMin = 0;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j < cols; j++) {
      const bj = b.charCodeAt(j - 1);
      let best = prev[j - 1]! + (ai === bj ? 0 : 1);
      const up = prev[j]! + 1;
      if (up < best) best = up;
      const left = cur[j - 1]! + 1;
      if (left < best) best = left;
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        const swap = prev2[j - 2]! + 1;
        if (swap < best) best = swap;
      }
      cur[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > limit && prevMin > limit) return limit + 1;
    prevMin = rowMin;
    const spare = prev2;
    prev2 = prev;
    prev = cur;
    cur = spare;
  }
  rowA = prev2;
  rowB = prev;
  rowC = cur;
  return prev[b.length]!;
}

/**
 * Known keys close enough to `name` to be what was meant: one edit for short
 * names, two for longer ones; case is ignored. Closest first, at most `max`.
 */
export function suggestKeys(name: string, known: Iterable<string>, max = 2): string[] {
  const lower = name.toLowerCase();
  const limit = lower.length <= 4 ? 1 : 2;
  const scored: Array<{ key: string; d: number }> = [];
  for (const key of known) {
    if (key === name) continue;
    if (Math.abs(key.length - lower.length) > limit) continue;
    const dist = editDistanceWithin(lower, key, limit);
    if (dist <= limit) scored.push({ key, d: dist });
  }
  scored.sort((x, y) => x.d - y.d || compareText(x.key, y.key));
  return scored.slice(0, max).map((s) => s.key);
}

/** Whether a name is an identifier xl's lexer accepts (`[a-z][._0-9a-z]*`). */
export function isXlIdentifier(key: string): boolean {
  return /^[a-z][._0-9a-z]*$/.test(key);
}

export { toolstackFor, type ToolstackChoice } from './toolstack.js';
