/**
 * What xl itself makes of a parsed xl config: the guest type, name, memory,
 * vCPUs, kernel, shutdown actions, VNC and PCI devices exactly as
 * parse_config_data() in xl_parse.c computes them (RELEASE-4.17.0:tools/xl/xl_parse.c),
 * and the point where xl gives up on the file with its own message.
 *
 * libxlu keeps every value as text — a number is a string until a setting is read
 * as a number, and then strtol(…, 0) converts it, quoted or not
 * (RELEASE-4.17.0:tools/libs/util/libxlu_cfg.c, xlu_cfg_get_bounded_long). A value
 * that does not convert is a warning and the setting is left out; a setting
 * written with `+=` never reads as a number. The differential test against the
 * real xl (test/integration/xl-oracle.test.ts) holds this module to xl's output.
 */
import type { ConfigEntry, ConfigValue } from '../model/config-model.js';
import { REFUSAL_CODES } from '../model/facts.js';
import { satisfiesXen } from '../model/xen-version.js';
import { isCSpace, isHexDigit } from './c-ctype.js';
import { legacyPciFailure, readLegacyPciEntry, readsLegacyPci } from './xl-pci-legacy.js';

/** Diagnostic codes that mean "xl refuses this file": xl exits before creating anything. */
export const XL_REFUSAL_CODES: ReadonlySet<string> = new Set([...REFUSAL_CODES].filter((c) => c.startsWith('xl-')));

export interface XlRefusal {
  /** xl's own words, as it prints them (without the file name). */
  message: string;
  /** Where in the config the refusal points; xl itself prints no position for these. */
  line: number;
  column: number;
}

/** The values xl derives, in xl's units. */
export interface XlView {
  type: 'pv' | 'hvm' | 'pvh';
  /** Which setting decided the type: "type", "builder" or "default". */
  typeSource: string;
  name?: string;
  /** b_info.target_memkb and max_memkb as xl stores them (uint64, KiB). */
  targetMemKb?: bigint;
  maxMemKb?: bigint;
  /** `memory` and `maxmem` alone, in KiB (xl's max_memkb falls back to memory). */
  memoryKb?: bigint;
  maxmemKb?: bigint;
  /** `maxvcpus` as read, when set. */
  maxvcpusKey?: number;
  /** The number of vCPUs brought up (`vcpus`) and the most the guest can have. */
  vcpus?: number;
  maxVcpus?: number;
  kernel?: string;
  vnc: boolean;
  /** Passed-through PCI devices as dddd:bb:dd.f. */
  pci: string[];
  on: { poweroff: string; reboot: string; crash: string };
  /** errno is ERANGE when xl reaches the devices: the last number it read overflowed (see parseXlRate). */
  staleErange: boolean;
  /**
   * What xl prints and goes on (a value it cannot read, a single value where it
   * wants a list); with a `code`, what xl does silently and xenlint says for it.
   */
  warnings: Array<{ message: string; line: number; column: number; code?: string }>;
  refusal?: XlRefusal;
}

/** One setting as libxlu holds it: text or a list, with how it was assigned. */
type Setting = ConfigEntry;

/** The text libxlu keeps for an atom: a number token's own digits, a string's unquoted value. */
export function atomText(v: ConfigValue): string | undefined {
  if (v.kind === 'string') return v.value;
  if (v.kind === 'number') return v.raw;
  return undefined;
}

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/**
 * strtol(s, &end, 0) as glibc computes it: leading white space, an optional sign,
 * `0x` hex, a leading `0` octal, else decimal. `rest` is what follows the digits;
 * `range` is set when the value does not fit a 64-bit long (strtol clamps it).
 */
export function strtol0(s: string): { value: bigint; rest: string; digits: boolean; range: boolean } {
  // By char code, not a regex per character: every number setting of every guest comes here.
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const sign = s.charCodeAt(i);
  if (sign === 43 || sign === 45) {
    neg = sign === 45;
    i++;
  }
  let base = 10;
  if (s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 32) === 120 && isDigitIn(s.charCodeAt(i + 2), 16)) {
    base = 16;
    i += 2;
  } else if (s.charCodeAt(i) === 48) {
    base = 8;
  }
  let j = i;
  while (j < s.length && isDigitIn(s.charCodeAt(j), base)) j++;
  if (j === i) return { value: 0n, rest: s, digits: false, range: false };
  const text = s.slice(i, j);
  let value = base === 16 ? BigInt(`0x${text}`) : base === 8 ? BigInt(`0o${text}`) : BigInt(text);
  if (neg) value = -value;
  const range = value > LONG_MAX || value < LONG_MIN;
  return { value: range ? (neg ? LONG_MIN : LONG_MAX) : value, rest: j === s.length ? '' : s.slice(j), digits: true, range };
}

/** A digit of base 8, 10 or 16. */
function isDigitIn(c: number, base: number): boolean {
  return base === 16 ? isHexDigit(c) : c >= 48 && c < 48 + base;
}

type LongResult = { ok: true; value: bigint } | { ok: false; absent: boolean };

class XlSettings {
  readonly warnings: XlView['warnings'] = [];
  constructor(private readonly entries: Map<string, Setting>) {}

  get(key: string): Setting | undefined {
    return this.entries.get(key);
  }

  private warn(s: Setting, message: string): void {
    this.warnings.push({ message, line: s.line, column: s.column });
  }

  /** xlu_cfg_get_string: the text of a single value, undefined when absent or a list. */
  string(key: string): string | undefined {
    const s = this.entries.get(key);
    if (!s) return undefined;
    const text = atomText(s.value);
    if (text === undefined) this.warn(s, `parameter \`${key}' is a list but should be a single value`);
    return text;
  }

  /** xlu_cfg_get_long. */
  long(key: string): LongResult {
    const s = this.entries.get(key);
    if (!s) return { ok: false, absent: true };
    const text = atomText(s.value);
    if (text === undefined) {
      this.warn(s, `parameter \`${key}' is a list but should be a single value`);
      return { ok: false, absent: false };
    }
    if (s.op === '+=') {
      this.warn(s, `can't use += with numbers for parameter \`${key}'`);
      return { ok: false, absent: false };
    }
    const n = strtol0(text);
    if (n.range) {
      this.warn(s, `parameter \`${key}' could not be parsed as a number: Numerical result out of range`);
      return { ok: false, absent: false };
    }
    if (!n.digits || n.rest !== '') {
      this.warn(s, `parameter \`${key}' is not a valid number`);
      return { ok: false, absent: false };
    }
    return { ok: true, value: n.value };
  }

  /** xlu_cfg_get_defbool: a number, true when not 0. */
  defbool(key: string): boolean | undefined {
    const l = this.long(key);
    return l.ok ? l.value !== 0n : undefined;
  }
}

/** libxl's action names (action_on_shutdown_names in xl_parse.c). */
const ACTIONS = new Set(['destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart', 'soft-reset']);

/** libxl_basename(): the part after the last `/`. */
function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/**
 * What xl reads differently by release, each from the release that first reads
 * it so. An unknown version reads as the newest (xl 4.17, whose parser this is).
 */
const XL_SINCE = {
  /** `type` read, `builder` checked against it, unknown values refused: c7dfe4ac58, RELEASE-4.10.0:tools/xl/xl_parse.c:904-940. */
  typeKey: '>=4.10.0',
  /** "xl: maxvcpus < vcpus": b642ed6775, RELEASE-4.6.0:tools/libxl/xl_cmdimpl.c:1380 (4.5 has no such check). */
  maxvcpusBelowVcpus: '>=4.6.0',
  /** `on_soft_reset` read (and an unknown action refused): RELEASE-4.7.0:tools/libxl/xl_cmdimpl.c:1489 (absent at RELEASE-4.6.0). */
  onSoftReset: '>=4.7.0',
} as const;

/** Whether the xl of `xen` (undefined: the newest) reads a setting the way XL_SINCE names. */
function reads(xen: string | undefined, since: keyof typeof XL_SINCE): boolean {
  return xen === undefined || satisfiesXen(xen, XL_SINCE[since]);
}

/**
 * Reads the effective settings (the last assignment of each key, `+=` already
 * applied) the way xl's parse_config_data() does, up to the first refusal: the
 * xl of `xen` when the version is known, else the newest.
 */
export function readAsXl(entries: Map<string, ConfigEntry>, xen?: string): XlView {
  const cfg = new XlSettings(entries);
  const view: XlView = { type: 'pv', typeSource: 'default', staleErange: false, vnc: false, pci: [], on: { poweroff: 'destroy', reboot: 'restart', crash: 'destroy' }, warnings: cfg.warnings };
  const at = (key: string): { line: number; column: number } | undefined => {
    const s = cfg.get(key);
    return s ? { line: s.line, column: s.column } : undefined;
  };
  // xl stops at the first refusal; the rest is still read, so that a check can say
  // more about a guest than "xl refuses it" (the refusal is always reported first).
  const refuse = (message: string, where: { line: number; column: number } | undefined): void => {
    view.refusal ??= { message, line: where?.line ?? 1, column: where?.column ?? 1 };
  };
  readInto(cfg, view, at, refuse, xen);
  return view;
}

/** The guest type from 4.10: `type`, then the deprecated `builder`, which must agree with it. */
function readType(cfg: XlSettings, view: XlView, at: (key: string) => { line: number; column: number } | undefined, refuse: Refuse): XlView['type'] | undefined {
  let type: XlView['type'] | undefined;
  const t = cfg.string('type');
  if (t !== undefined) {
    if (prefixOf(t, 'hvm')) type = 'hvm';
    else if (prefixOf(t, 'pv')) type = 'pv';
    else if (prefixOf(t, 'pvh')) type = 'pvh';
    else refuse(`Invalid domain type ${t}.`, at('type'));
    view.typeSource = 'type';
  }
  const b = cfg.string('builder');
  if (b !== undefined) {
    let builderType: XlView['type'] | undefined;
    if (prefixOf(b, 'hvm')) builderType = 'hvm';
    else if (prefixOf(b, 'generic')) builderType = 'pv';
    else refuse(`Invalid domain type ${b}.`, at('builder'));
    if (builderType !== undefined) {
      if (type !== undefined && type !== builderType) refuse('Contradicting "builder" and "type" options specified.', at('builder'));
      type = builderType;
      view.typeSource = 'builder';
    }
  }
  return type;
}

/**
 * The guest type before 4.10: `type` is not read at all, and a `builder` that is
 * a prefix of "hvm" makes an HVM guest; anything else is PV, never refused
 * (RELEASE-4.9.0:tools/xl/xl_parse.c:855-857, RELEASE-4.1.0:tools/libxl/xl_cmdimpl.c:644-646).
 */
function readBuilderBefore410(cfg: XlSettings, view: XlView): XlView['type'] | undefined {
  const b = cfg.string('builder');
  if (b === undefined) return undefined;
  view.typeSource = 'builder';
  return prefixOf(b, 'hvm') ? 'hvm' : 'pv';
}

/** strncmp(buf, word, strlen(buf)) == 0: libxl takes any prefix, the empty one included. */
function prefixOf(buf: string, word: string): boolean {
  return word.startsWith(buf);
}

/**
 * The shutdown actions in xl's order, each with the action it falls back to and
 * the `view.on` member it fills (on_watchdog and on_soft_reset are only checked).
 */
const ON_KEYS = ['on_poweroff', 'on_reboot', 'on_watchdog', 'on_crash', 'on_soft_reset'] as const;
const ON_FALLBACKS: readonly string[] = ['destroy', 'restart', 'destroy', 'destroy', 'soft-reset'];
const ON_SLOTS: ReadonlyArray<keyof XlView['on'] | undefined> = ['poweroff', 'reboot', undefined, 'crash', undefined];

type Refuse = (message: string, where: { line: number; column: number } | undefined) => void;

function readInto(cfg: XlSettings, view: XlView, at: (key: string) => { line: number; column: number } | undefined, refuse: Refuse, xen: string | undefined): void {
  const type = reads(xen, 'typeKey') ? readType(cfg, view, at, refuse) : readBuilderBefore410(cfg, view);
  view.type = type ?? 'pv';

  const name = cfg.string('name');
  if (name === undefined) refuse('Domain name must be specified.', at('name'));
  else view.name = name;

  const memory = cfg.long('memory');
  if (memory.ok) {
    view.targetMemKb = BigInt.asUintN(64, memory.value * 1024n);
    if (memory.value >= 0n) view.memoryKb = memory.value * 1024n;
  }
  const maxmem = cfg.long('maxmem');
  if (maxmem.ok) {
    view.maxMemKb = BigInt.asUintN(64, maxmem.value * 1024n);
    if (maxmem.value >= 0n) view.maxmemKb = maxmem.value * 1024n;
  }
  let vcpus = 0;
  const v = cfg.long('vcpus');
  if (v.ok) {
    vcpus = Number(BigInt.asIntN(32, v.value));
    // libxl_cpu_bitmap_alloc() refuses a negative count (libxl_utils.c).
    if (vcpus < 0) refuse('invalid number of cpus provided (vcpus is negative)', at('vcpus'));
    view.vcpus = Math.max(vcpus, 0);
  }
  const mv = cfg.long('maxvcpus');
  let maxVcpus = mv.ok ? Number(BigInt.asIntN(32, mv.value)) : 0;
  if (mv.ok && maxVcpus >= 0) view.maxvcpusKey = maxVcpus;
  if (view.maxMemKb === undefined && view.targetMemKb !== undefined) view.maxMemKb = view.targetMemKb;
  if (maxVcpus === 0) maxVcpus = vcpus;
  if (maxVcpus < vcpus && reads(xen, 'maxvcpusBelowVcpus')) refuse('maxvcpus < vcpus', at('maxvcpus') ?? at('vcpus'));
  if (maxVcpus !== 0) view.maxVcpus = maxVcpus;

  for (let i = 0; i < ON_KEYS.length; i++) {
    const key = ON_KEYS[i]!;
    if (key === 'on_soft_reset' && !reads(xen, 'onSoftReset')) continue;
    const action = cfg.string(key) ?? ON_FALLBACKS[i]!;
    const slot = ON_SLOTS[i];
    if (!ACTIONS.has(action)) refuse(`Unknown ${key} action "${action}" specified`, at(key));
    else if (slot !== undefined) view.on[slot] = action;
  }

  const pci = cfg.get('pci');
  if (pci && pci.value.kind === 'list') readPciList(pci.value.items, xen, view, refuse);

  let kernel = cfg.string('kernel');
  const bootloader = cfg.string('bootloader');
  if (view.type === 'hvm') {
    if (kernel !== undefined && basename(kernel) === 'hvmloader') kernel = undefined;
  } else if (bootloader === undefined && kernel === undefined) {
    // Before 4.10 an HVM guest written with `type` meets this refusal, and its cause is the `type` line.
    if (!reads(xen, 'typeKey') && cfg.string('type') !== undefined) {
      refuse(`Neither kernel nor bootloader specified: the xl of Xen ${xen} does not read \`type\` (read from 4.10), so it builds this guest PV; write builder = "hvm" for an HVM guest`, at('type'));
    } else refuse('Neither kernel nor bootloader specified', at('name'));
  }
  if (kernel !== undefined) view.kernel = kernel;

  view.staleErange = staleErangeAtDevices(cfg, view.type);

  // VNC: an HVM guest's own top-level setting; otherwise the first `vfb`, or for a
  // PV guest without one the top-level `vnc` (not 0) that makes a framebuffer.
  if (view.type === 'hvm') {
    view.vnc = cfg.defbool('vnc') === true;
    return;
  }
  const vfbs = vfbVnc(cfg.get('vfb'));
  if (vfbs.length > 0) view.vnc = vfbs[0] === true;
  else if (view.type === 'pv') view.vnc = cfg.defbool('vnc') === true;
}

/** The `pci` list as xl reads it: each device, or the refusal at the first it cannot parse (out of readInto: few guests have one). */
function readPciList(items: readonly ConfigValue[], xen: string | undefined, view: XlView, refuse: Refuse): void {
  for (const item of items) {
    const spec = atomText(item);
    if (spec === undefined) break;
    const where = { line: item.line, column: item.column };
    if (readsLegacyPci(xen)) {
      readLegacyPci(spec, xen, where, view, refuse);
      continue;
    }
    const { dev, why } = readPciSpec(spec);
    // libxlu prints its reason without a line break, so xl's own line reads "Unknown RDM policy: xunable to parse…".
    if (dev === undefined) refuse(`${why !== undefined ? `${why}; ` : ''}unable to parse PCI_SPEC_STRING \`${spec}' for passthrough`, where);
    else if (dev !== '') view.pci.push(dev);
  }
}

/**
 * The settings xl reads as numbers before it reads the vifs, in its order
 * (parse_config_data, RELEASE-4.17.0:tools/xl/xl_parse.c). Each read that reaches
 * strtol() first sets errno to 0, and strtol() sets ERANGE on an overflow.
 */
const NUMBERS_BEFORE_VIFS: ReadonlyArray<[string, 'pv' | 'pvh' | 'hvm' | 'any']> = [
  ...['hap', 'oos'].map((k) => [k, 'any'] as [string, 'any']),
  ['pvshim', 'pvh'],
  ...['cpu_weight', 'cap', 'period', 'slice', 'latency', 'extratime', 'memory', 'maxmem', 'vcpus', 'maxvcpus', 'max_grant_frames', 'max_maptrack_frames', 'max_grant_version'].map((k) => [k, 'any'] as [string, 'any']),
  ['e820_host', 'pv'],
  ...['pci_msitranslate', 'pci_power_mgmt', 'pci_permissive', 'pci_seize', 'shadow_memory', 'nomigrate', 'tsc_mode', 'rtc_timeoffset', 'vncviewer', 'localtime', 'videoram', 'max_event_channels', 'driver_domain', 'acpi', 'timer_mode', 'nestedhvm'].map((k) => [k, 'any'] as [string, 'any']),
  ...['pae', 'acpi_s3', 'acpi_s4', 'acpi_laptop_slate', 'nx', 'hpet', 'vpt_align', 'apic', 'mmio_hole', 'altp2mhvm', 'rdm_mem_boundary'].map((k) => [k, 'hvm'] as [string, 'hvm']),
  ...['altp2m', 'vmtrace_buf_kb'].map((k) => [k, 'any'] as [string, 'any']),
];

/** The keys of NUMBERS_BEFORE_VIFS and the guest type each is read for, as two flat arrays (no tuple per step). */
const ERANGE_KEYS: readonly string[] = NUMBERS_BEFORE_VIFS.map(([key]) => key);
const ERANGE_ONLY: ReadonlyArray<'pv' | 'pvh' | 'hvm' | 'any'> = NUMBERS_BEFORE_VIFS.map(([, only]) => only);

/** errno as the last of those reads leaves it: only the last setting read counts, so the list is walked from its end. */
function staleErangeAtDevices(cfg: XlSettings, type: XlView['type']): boolean {
  for (let i = ERANGE_KEYS.length - 1; i >= 0; i--) {
    const only = ERANGE_ONLY[i]!;
    if (only !== 'any' && only !== type) continue;
    const s = cfg.get(ERANGE_KEYS[i]!);
    if (!s || s.op === '+=') continue;
    const text = atomText(s.value);
    if (text === undefined) continue;
    return strtol0(text).range;
  }
  return false;
}

/**
 * glibc's atoi(): (int) strtol(s, NULL, 10) — white space, a sign, decimal digits
 * (0 when there are none), clamped to a 64-bit long, then cut to 32 bits.
 */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  if (!m) return 0;
  let v = BigInt(m[1]!);
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < LONG_MIN) v = LONG_MIN;
  return Number(BigInt.asIntN(32, v));
}

/**
 * Each `vfb` item's `vnc=` as xl reads it (strtok on `,`, leading blanks skipped,
 * the item ends at the first piece without `=`): true/false when set, undefined when not.
 */
function vfbVnc(setting: Setting | undefined): Array<boolean | undefined> {
  if (!setting || setting.value.kind !== 'list') return [];
  const out: Array<boolean | undefined> = [];
  for (const item of setting.value.items) {
    const text = atomText(item);
    if (text === undefined) break;
    let vnc: boolean | undefined;
    for (const raw of text.split(',').filter((p) => p !== '')) {
      const piece = raw.replace(/^ +/, '');
      const eq = piece.indexOf('=');
      if (eq < 0) break;
      if (piece.slice(0, eq) === 'vnc') vnc = atoi(piece.slice(eq + 1)) !== 0;
    }
    out.push(vnc);
  }
  return out;
}

/**
 * One `pci` entry under the xl of a release before 4.15 (xl-pci-legacy.ts):
 * its device, what xl prints about it, and what xl does when it cannot read it.
 */
function readLegacyPci(spec: string, xen: string, where: { line: number; column: number }, view: XlView, refuse: (message: string, where: { line: number; column: number }) => void): void {
  const entry = readLegacyPciEntry(spec, xen);
  for (const w of entry.warnings) view.warnings.push({ message: w, ...where });
  if (entry.bdf !== undefined) {
    view.pci.push(entry.bdf);
    return;
  }
  const failure = entry.loops ? 'loops' : legacyPciFailure(xen);
  if (failure === 'refused') refuse(`${entry.why !== undefined ? `${entry.why} ` : ''}unable to parse PCI BDF \`${spec}' for passthrough`, where);
  else if (failure === 'loops') refuse(`PCI entry \`${spec}' has no device: the xl of Xen ${xen} reads it again and again and never finishes (\`xl create\` hangs)`, where);
  // 4.1-4.5 drop the entry and print nothing: the guest starts without the device.
  else view.warnings.push({ message: `the xl of Xen ${xen} cannot read PCI entry \`${spec}' and drops it without a word: the guest starts without this device`, ...where, code: 'xl-pci-dropped' });
}

/** sscanf("%x"): white space, an optional sign, an optional 0x, hex digits; unsigned 32-bit. */
function scanHex(s: string, i: number): { value: number; end: number } | undefined {
  let j = i;
  while (j < s.length && ' \t\n\v\f\r'.includes(s.charAt(j))) j++;
  let neg = false;
  if (s.charAt(j) === '+' || s.charAt(j) === '-') {
    neg = s.charAt(j) === '-';
    j++;
  }
  if (s.charAt(j) === '0' && (s.charAt(j + 1) === 'x' || s.charAt(j + 1) === 'X') && /[0-9a-fA-F]/.test(s.charAt(j + 2))) j += 2;
  const start = j;
  while (j < s.length && /[0-9a-fA-F]/.test(s.charAt(j))) j++;
  if (j === start) return undefined;
  let v = BigInt.asUintN(32, BigInt(`0x${s.slice(start, j)}`));
  if (neg) v = BigInt.asUintN(32, -v);
  return { value: Number(v), end: j };
}

/** parse_bdf() of libxlu_pci.c: [dddd:]bb:dd.f or .*; the device and where it ends. */
function parseBdf(s: string): { bdf: string; end: number } | undefined {
  let colons = 0;
  let p = 0;
  while (p < s.length && (/[0-9a-fA-F]/.test(s.charAt(p)) || s.charAt(p) === ':')) {
    if (s.charAt(p) === ':') colons++;
    p++;
  }
  const fields: number[] = [];
  let i = 0;
  const want = colons === 1 ? 2 : colons === 2 ? 3 : 0;
  if (want === 0) return undefined;
  for (let k = 0; k < want; k++) {
    const h = scanHex(s, i);
    if (!h) return undefined;
    fields.push(h.value);
    i = h.end;
    const sep = k < want - 1 ? ':' : '.';
    if (s.charAt(i) !== sep) return undefined;
    i++;
  }
  const [domain, bus, dev] = want === 2 ? [0, fields[0]!, fields[1]!] : [fields[0]!, fields[1]!, fields[2]!];
  if (domain > 0xffff || bus > 0xff || dev > 0x1f) return undefined;
  let func = 0;
  if (s.charAt(i) === '*') {
    i++;
  } else {
    const f = scanHex(s, i);
    if (!f || f.value > 7) return undefined;
    func = f.value;
    i = f.end;
  }
  const h = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  return { bdf: `${h(domain, 4)}:${h(bus, 2)}:${h(dev, 2)}.${h(func, 1)}`, end: i };
}

const PCI_KEYS = new Set(['bdf', 'vslot', 'permissive', 'msitranslate', 'seize', 'power_mgmt', 'rdm_policy', 'name']);

/**
 * xlu_pci_parse_spec_string(): the device's BDF, '' for a device named by `name=`,
 * undefined when xl cannot parse the spec.
 */
export function parsePciSpec(spec: string): string | undefined {
  return readPciSpec(spec).dev;
}

/**
 * xlu_pci_parse_spec_string() (RELEASE-4.17.0:tools/libs/util/libxlu_pci.c) with
 * what libxlu prints before xl gives up: an unknown key, an rdm_policy libxl's
 * enum (case-insensitive: invalid, strict, relaxed) does not know.
 */
export function readPciSpec(spec: string): { dev: string | undefined; why?: string } {
  const fail = (why?: string): { dev: undefined; why?: string } => ({ dev: undefined, ...(why !== undefined ? { why } : {}) });
  let bdf: string | undefined;
  let named = false;
  let p = 0;
  const positional = parseBdf(spec);
  if (positional) {
    bdf = positional.bdf;
    p = positional.end;
    if (spec.charAt(p) === '@') {
      const v = scanHex(spec, p + 1);
      if (!v || v.value > 0x1f) return fail();
      p = v.end;
    }
    if (spec.charAt(p) === ',') p++;
    else if (p < spec.length) return fail();
  }
  while (p < spec.length) {
    const eq = spec.indexOf('=', p);
    if (eq < 0) return fail();
    const key = spec.slice(p, eq);
    let end = spec.indexOf(',', eq + 1);
    if (end < 0) end = spec.length;
    const val = spec.slice(eq + 1, end);
    p = end < spec.length ? end + 1 : end;
    if (!PCI_KEYS.has(key)) return fail(`Unknown PCI_SPEC_STRING option: ${key}`);
    if (key === 'bdf') {
      const b = parseBdf(val);
      if (!b) return fail();
      bdf = b.bdf;
    } else if (key === 'vslot') {
      const v = scanHex(val, 0);
      if (!v || v.value > 0x1f) return fail();
    } else if (key === 'rdm_policy') {
      if (!RDM_POLICIES.has(val.toLowerCase())) return fail(`Unknown RDM policy: ${val}`);
    } else if (key === 'name') {
      named = true;
    }
  }
  if ((bdf !== undefined) === named) return fail();
  return { dev: bdf ?? '' };
}

/** libxl_rdm_reserve_policy's names, matched with strcasecmp (libxl__enum_from_string). */
const RDM_POLICIES = new Set(['invalid', 'strict', 'relaxed']);
