/**
 * The top-level config keys each toolstack reads, and which toolstack will read
 * a given guest's file. Used by the unknown-key, disk-spec and vif-spec checks.
 *
 * Sources:
 * - xm 3.0.4: the `gopts.var(...)` list of 3.0.4-branched:tools/python/xen/xm/create.py;
 *   xm 4.4 additions from the same file @RELEASE-4.4.0 (not a complete list for 4.x); older names from create.py at
 *   005cfd74fc (Xen 2.0/3.0.0 era).
 * - xl: RELEASE-4.22.0:docs/man/xl.cfg.5.pod.in plus the keys
 *   tools/xl/xl_parse.c (at 00535c8a74, parse_config_data) reads without documenting
 *   them; historical keys with the commits that added or removed them.
 */

function words(text: string): ReadonlySet<string> {
  return new Set(text.trim().split(/\s+/));
}

/** create.py@3.0.4-branched. */
export const XM_KEYS_3_0_4 = words(`
  vncpasswd vncviewer vncconsole name bootloader bootargs bootentry kernel ramdisk features builder
  memory maxmem shadow_memory cpu cpus pae acpi apic vcpus cpu_cap cpu_weight restart on_poweroff
  on_reboot on_crash blkif netif tpmif disk pci ioports irq usbport vfb vif vtpm access_control nics
  root extra ip gateway netmask hostname interface dhcp nfs_server nfs_root device_model fda fdb serial
  localtime keymap usb usbdevice stdvga isa boot nographic soundhw vnc vncdisplay vnclisten vncunused
  sdl display xauthority uuid on_xend_start on_xend_stop`);

/** Options xm 4.4 has and 3.0.4 lacks (create.py@RELEASE-4.4.0; not a complete list). */
export const XM_KEYS_ADDED_BY_4_4 = words(`
  loader memory_sharing rtc_timeoffset hpet timer_mode tsc_mode nomigrate vpt_align viridian
  vcpu_avail vhpt vscsi vusb vif2 parallel monitor description guest_os_type videoram gfx_passthru
  opengl target hap nestedhvm s3_integrity oos cpuid cpuid_check machine_address_size
  suppress_spurious_page_faults pool pci_msitranslate pci_power_mgmt xen_platform_pci superpages`);

/** Options of the Xen 2.0/3.0.0-era create.py (at 005cfd74fc) that later lists dropped. */
export const XM_KEYS_EARLY = words('ssidref memmap cdrom macaddr ipaddr');

export const XM_KEYS: ReadonlySet<string> = new Set([...XM_KEYS_3_0_4, ...XM_KEYS_ADDED_BY_4_4, ...XM_KEYS_EARLY]);

/** Every key documented in xl.cfg(5) at 024e7131be. */
export const XL_KEYS_DOCUMENTED = words(`
  name type builder pool vcpus maxvcpus cpus cpus_soft cpu_weight cap memory maxmem vnuma
  on_poweroff on_reboot on_watchdog on_crash on_soft_reset kernel ramdisk cmdline root extra firmware
  pvshim pvshim_path pvshim_cmdline pvshim_extra uuid seclabel init_seclabel max_grant_frames
  max_maptrack_frames max_grant_version nomigrate driver_domain device_tree passthrough
  xend_suspend_evtchn_compat vmtrace_buf_kb vpmu disk vif vtpm p9 pvcalls vfb channel rdm usbctrl
  usbdev pci pci_permissive pci_msitranslate pci_seize pci_power_mgmt gfx_passthru rdm_mem_boundary
  dtdev ioports iomem irqs max_event_channels vdispl dm_restrict device_model_user vsnd vkb virtio tee
  bootloader bootloader_args bootloader_restrict bootloader_user e820_host boot hdtype hap oos
  shadow_memory bios bios_path_override pae acpi acpi_s3 acpi_s4 acpi_laptop_slate apic nx hpet altp2m
  altp2mhvm nestedhvm cpuid acpi_firmware smbios_firmware smbios ms_vm_genid tsc_mode localtime
  rtc_timeoffset vpt_align timer_mode mmio_hole xen_platform_pci viridian hvm_pirq videoram stdvga vga
  vnc vnclisten vncdisplay vncunused vncpasswd keymap sdl opengl nographic display xauthority spice
  spicehost spiceport spicetls_port spicedisable_ticketing spicepasswd spiceagent_mouse spicevdagent
  spice_clipboard_sharing spiceusbredirection spice_image_compression spice_streaming_video serial
  soundhw vkb_device usb usbversion usbdevice vendor_device device_model_version device_model_override
  stubdomain_kernel stubdomain_cmdline stubdomain_ramdisk stubdomain_memory
  device_model_stubdomain_override device_model_stubdomain_seclabel device_model_args
  device_model_args_pv device_model_args_hvm gic_version vuart sve mca_caps msr_relaxed`);

/** Read by xl_parse.c (00535c8a74) but not in xl.cfg(5): scheduler parameters and an old override. */
export const XL_KEYS_UNDOCUMENTED = words('period slice latency extratime firmware_override');

/**
 * Keys xl reads only to print a warning and ignore them (xl_parse.c): the
 * finding says what xl prints and what to use instead.
 */
export const XL_WARNS_AND_IGNORES: ReadonlyMap<string, { prints: string; instead: string }> = new Map([
  ['device_model', { prints: 'WARNING: ignoring device_model directive', instead: 'device_model_override (and device_model_version), or nothing: libxl picks the device model itself' }],
  ['vncviewer', { prints: 'WARNING: ignoring "vncviewer" option', instead: '`xl create -V` to start a viewer' }],
  ['vif2', { prints: 'WARNING: vif2: netchannel2 is deprecated and not supported by xl', instead: 'vif' }],
]);

/** Keys xl still reads but documents as deprecated; reported as info. */
export const XL_DEPRECATED: ReadonlyMap<string, { instead: string; since?: string }> = new Map([
  ['builder', { instead: 'type = "hvm" or type = "pv"', since: '4.10.0' }],
  ['stdvga', { instead: 'vga = "stdvga"' }],
  ['altp2mhvm', { instead: 'altp2m' }],
  ['firmware_override', { instead: 'firmware = "PATH"' }],
]);

/** xl keys that exist only in some versions (commits cited per key). */
export const XL_KEY_VERSIONS: ReadonlyMap<string, { range: string; what: string }> = new Map([
  ['type', { range: '>=4.10.0', what: 'xl reads `type` from 4.10 (c7dfe4ac58)' }],
  ['maxvcpus', { range: '>=4.1.0', what: 'xl reads `maxvcpus` from 4.1 (7497632508)' }],
  ['xen_platform_pci', { range: '>=4.1.0', what: 'xl reads `xen_platform_pci` from 4.1 (e1e4abdf2a)' }],
  // cpu_weight and cap (read by xl only from 4.2, d9abcb8495) are the scheduler check's: one finding, not two.
  ['pvh', { range: '>=4.4.0 <4.9.0', what: 'PVHv1 (`pvh = 1`) existed in xl 4.4–4.8 (b5dda35f5a; removed by 33e5c32559); PVHv2 is `type = "pvh"` from 4.10' }],
]);

export const XL_KEYS: ReadonlySet<string> = new Set([
  ...XL_KEYS_DOCUMENTED,
  ...XL_KEYS_UNDOCUMENTED,
  ...XL_WARNS_AND_IGNORES.keys(),
  ...XL_KEY_VERSIONS.keys(),
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
  ['macaddr', 'mac= in the vif spec'],
  ['ipaddr', 'ip= in the vif spec'],
]);

/** xl keys xm never had, with what xm uses instead (RELEASE-4.4.0:tools/python/xen/xm/create.py has no maxvcpus, cap or type). */
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
  scored.sort((x, y) => x.d - y.d || x.key.localeCompare(y.key));
  return scored.slice(0, max).map((s) => s.key);
}

/** Whether a name is an identifier xl's lexer accepts (`[a-z][._0-9a-z]*`). */
export function isXlIdentifier(key: string): boolean {
  return /^[a-z][._0-9a-z]*$/.test(key);
}

export { toolstackFor, type ToolstackChoice } from './toolstack.js';
