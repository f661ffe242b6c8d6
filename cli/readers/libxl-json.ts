/**
 * What `xl -N block-attach 0 SPEC` and `xl -N network-attach 0 SPEC` print:
 * `disk: ` / `vif: ` and libxl's JSON for the parsed device.
 *
 * libxl generates that JSON from its IDL (tools/libs/light/libxl_types.idl):
 * fields in IDL order, a field left out while it holds its default (NULL string,
 * 0, UNKNOWN enum, devid -1, all-zero MAC, unset defbool); enums as lower-case
 * names, defbools as "True"/"False". yajl's beautifier indents by four spaces
 * and ends the document with a newline, and xl adds one more. The expected
 * outputs in tools/xl/check-xl-disk-parse and check-xl-vif-parse (Xen's own
 * vectors) are the oracle for this; xl 4.2–4.4 printed every field instead.
 */
import type { DiskSpec } from './disk-spec.js';
import { COLO_NIC_KEYS, macText, type VifSpec } from './vif-spec.js';

/** yajl's string encoder: \" \\ \b \f \n \r \t, other control bytes as \u00XX; '/' left alone. */
export function yajlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20) out += `\\u00${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

type JsonField = [name: string, encoded: string];

/**
 * yajl_gen with yajl_gen_beautify. For an object with no fields this gives
 * "{\n\n}\n" (map_open and map_close each print a newline): derived from yajl's
 * generator, no Xen vector shows it.
 */
function beautify(fields: JsonField[]): string {
  if (fields.length === 0) return '{\n\n}\n';
  return `{\n${fields.map(([k, v]) => `    ${yajlString(k)}: ${v}`).join(',\n')}\n}\n`;
}

const defbool = (b: boolean): string => yajlString(b ? 'True' : 'False');

function add(fields: JsonField[], name: string, value: string | number | boolean | undefined, kind: 'string' | 'int' | 'bool' | 'defbool' = 'string'): void {
  if (value === undefined) return;
  switch (kind) {
    case 'string':
      fields.push([name, yajlString(String(value))]);
      break;
    case 'int':
      if (value !== 0) fields.push([name, String(value)]);
      break;
    case 'bool':
      if (value === true) fields.push([name, 'true']);
      break;
    case 'defbool':
      fields.push([name, defbool(value === true)]);
      break;
  }
}

/** The libxl_device_disk as xl's parser leaves it, in IDL order. */
export function diskJsonFields(disk: DiskSpec): JsonField[] {
  const f: JsonField[] = [];
  // backend_domid stays 0: the parser only records the backend's name.
  add(f, 'backend_domname', disk.backend);
  add(f, 'pdev_path', disk.target);
  add(f, 'vdev', disk.vdev);
  add(f, 'backend', disk.backendtype);
  add(f, 'format', disk.format);
  add(f, 'script', disk.script);
  add(f, 'removable', disk.removable ? 1 : 0, 'int');
  add(f, 'readwrite', disk.readwrite ? 1 : 0, 'int');
  add(f, 'is_cdrom', disk.isCdrom ? 1 : 0, 'int');
  add(f, 'direct_io_safe', disk.directIoSafe, 'bool');
  add(f, 'discard_enable', disk.discard, 'defbool');
  add(f, 'specification', disk.specification);
  // transport, irq, base: set by libxl itself, never by the spec.
  add(f, 'colo_enable', disk.colo?.enable, 'defbool');
  add(f, 'colo_host', disk.colo?.host);
  add(f, 'colo_port', disk.colo?.port, 'int');
  add(f, 'colo_export', disk.colo?.export);
  add(f, 'active_disk', disk.colo?.activeDisk);
  add(f, 'hidden_disk', disk.colo?.hiddenDisk);
  add(f, 'trusted', disk.trusted, 'defbool');
  // grant_usage follows trusted in the IDL of releases that have it (virtio disks).
  add(f, 'grant_usage', disk.grantUsage, 'defbool');
  return f;
}

/**
 * Exactly what `xl -N block-attach 0 SPEC` prints on stdout for this disk.
 * For a spec read with the xm dialect it is what xl would print for the same
 * device; whether xl accepts the spec at all is `disk.xlCompatible`.
 */
export function diskToLibxlJson(disk: DiskSpec): string {
  return `disk: ${beautify(diskJsonFields(disk))}\n`;
}

/** The libxl_device_nic as xl's parse_nic_config leaves it, in IDL order. */
export function vifJsonFields(vif: VifSpec): JsonField[] {
  const f: JsonField[] = [];
  add(f, 'backend_domname', vif.backend);
  if (vif.devid !== undefined && vif.devid !== -1) f.push(['devid', String(vif.devid)]);
  add(f, 'mtu', vif.mtu, 'int');
  // vlan sits after mtu (libxl_types.idl since the vlan series of May 2024; release unconfirmed).
  add(f, 'vlan', vif.vlan);
  add(f, 'model', vif.model);
  if (vif.macOctets !== undefined && vif.macOctets.some((o) => o !== 0)) {
    f.push(['mac', yajlString(macText(vif.macOctets))]);
  }
  add(f, 'ip', vif.ip);
  add(f, 'bridge', vif.bridge);
  add(f, 'ifname', vif.vifname);
  add(f, 'script', vif.script);
  if (vif.nictype !== undefined) f.push(['nictype', yajlString(vif.nictype)]);
  if (vif.rate !== undefined) {
    add(f, 'rate_bytes_per_interval', vif.rate.bytesPerInterval, 'int');
    add(f, 'rate_interval_usecs', vif.rate.intervalUsecs, 'int');
  }
  add(f, 'gatewaydev', vif.gatewaydev);
  add(f, 'coloft_forwarddev', vif.forwarddev);
  for (const k of COLO_NIC_KEYS) add(f, k, vif.colo?.[k]);
  add(f, 'trusted', vif.trusted, 'defbool');
  return f;
}

/**
 * Exactly what `xl -N network-attach 0 SPEC` prints on stdout for this vif
 * (no `vif.default.*` settings in xl.conf, as in Xen's test run).
 */
export function vifToLibxlJson(vif: VifSpec): string {
  return `vif: ${beautify(vifJsonFields(vif))}\n`;
}

export { joinSpecWords } from './disk-spec.js';
