/**
 * Entry point for domU configs: decides whether a file is an xm (Python) or an
 * xl (libxlu) config, reads it with the matching reader, and turns values into
 * plain data.
 *
 * How the dialect is decided (when it is not forced):
 *  1. A file that only one reader accepts without errors is in that dialect
 *     (Python code, uppercase keys such as Oracle VM's `OVM_os_type` => xm).
 *  2. Most real configs are valid in both. Then keys and specs that only one
 *     toolstack reads decide: `type`, `maxvcpus`, `device_model_version`, xl disk
 *     keys (`vdev=`), `+=` on a key never set => xl; `on_xend_*`, `cpu_cap`,
 *     `vcpu_avail`, a `w!` disk, `kernel = …/hvmloader`, `device_model = …` => xm.
 *     Any xl-only hint wins: such a file was written for xl, and xm would only
 *     ignore the unknown key.
 *  3. With no hint at all the file is read as xl, the only toolstack since Xen
 *     4.5; the reason says so, so a report can show that it was a default. When
 *     the host's toolstack is known, callers should force it instead.
 */
import type { KeyValue } from '../model/facts.js';
import type { ConfigEntry, ConfigValue, Dialect, ParsedConfig } from '../model/config-model.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { parseXlConfig, pythonUnderXlMessage } from './xl-config.js';
import type { ReadOptions } from './reader-choice.js';
import { parseXmConfig, xmEntriesOnLines } from './xm-config.js';
import { strtol0 } from './xl-reading.js';

/** Keys only xm/xend reads; xl ignores them without a word (xen-facts.md B1, B2). */
const XM_ONLY_KEYS = new Set([
  'on_xend_start',
  'on_xend_stop',
  'cpu_cap',
  'vcpu_avail',
  'vncconsole',
  'vncviewer',
  'nics',
  'restart',
  'bootentry',
  'dhcp',
  'nfs_server',
  'nfs_root',
  'netmask',
  'gateway',
  'hostname',
  'interface',
  'ip',
  'blkif',
  'netif',
  'tpmif',
  'vif2',
  'vscsi',
  'access_control',
  'guest_os_type',
]);

/** Keys xm never had (xl.cfg(5), xen-facts.md B2, D). */
const XL_ONLY_KEYS = new Set([
  'type',
  'maxvcpus',
  'device_model_version',
  'device_model_override',
  'device_model_stubdomain_override',
  'firmware',
  'firmware_override',
  'cmdline',
  'cpus_soft',
  'on_watchdog',
  'on_soft_reset',
  'max_grant_frames',
  'max_maptrack_frames',
  'bios',
  'hdtype',
  'driver_domain',
  'bootloader_args',
  'cap',
  'p9',
  'vdispl',
  'channel',
  'usbctrl',
  'usbdev',
  'rdm',
  'dtdev',
  'iomem',
  'gic_version',
  'altp2m',
  'max_event_channels',
  'vcpu_hard_affinity',
  'vcpu_soft_affinity',
  'passthrough',
]);

/** Disk spec keys of xl's key=value syntax (xl-disk-configuration(5)). */
const XL_DISK_KEY = /(^|,)\s*(vdev|target|format|access|devtype|backendtype|specification)=/;

interface Hint {
  text: string;
  line: number;
  column: number;
}

function at(h: { line: number; column: number }): string {
  return `${h.line}:${h.column}`;
}

function strings(v: ConfigValue): Array<{ value: string; line: number; column: number }> {
  if (v.kind === 'string') return [v];
  if (v.kind === 'list') return v.items.flatMap(strings);
  return [];
}

function hintsOf(parsed: ParsedConfig): { xl: Hint[]; xm: Hint[] } {
  const xl: Hint[] = [];
  const xm: Hint[] = [];
  const seen = new Set<string>();
  let hasType = false;
  let builder: ConfigEntry | undefined;
  for (const e of parsed.entries) {
    if (XL_ONLY_KEYS.has(e.key)) xl.push({ text: `xl-only key \`${e.key}\``, line: e.line, column: e.column });
    if (XM_ONLY_KEYS.has(e.key)) xm.push({ text: `xm-only key \`${e.key}\``, line: e.line, column: e.column });
    if (e.op === '+=' && !seen.has(e.key)) xl.push({ text: `\`${e.key} +=\` with no earlier \`${e.key} =\` (a NameError in Python)`, line: e.line, column: e.column });
    if (e.key === 'type') hasType = true;
    if (e.key === 'builder') builder = e;
    if (e.key === 'disk') {
      for (const s of strings(e.value)) {
        if (XL_DISK_KEY.test(s.value)) xl.push({ text: 'xl key=value disk spec', line: s.line, column: s.column });
        if (/,\s*w!\s*(,|$)/.test(s.value)) xm.push({ text: "xm disk mode `w!` (xl rejects it)", line: s.line, column: s.column });
      }
    }
    if (e.key === 'kernel' && e.value.kind === 'string' && /hvmloader$/.test(e.value.value)) {
      xm.push({ text: 'HVM `kernel = …/hvmloader` (xl ignores it)', line: e.line, column: e.column });
    }
    if (e.key === 'device_model' && e.value.kind !== 'unreadable') xm.push({ text: '`device_model` (xl ignores it)', line: e.line, column: e.column });
    seen.add(e.key);
  }
  if (builder && !hasType) xm.push({ text: '`builder` without `type`', line: builder.line, column: builder.column });
  return { xl, xm };
}

function errors(d: Diagnostic[]): Diagnostic[] {
  return d.filter((x) => x.severity === 'error');
}

interface Detection {
  dialect: Dialect;
  reason: string;
  /** The reading in the detected dialect. */
  parsed: ParsedConfig;
}

/**
 * `exactReason: false` skips the Python reader when the xl reading alone already
 * decides: an xl-clean file is xl whatever Python makes of it, unless it has xm
 * hints and no xl hint (then Python's verdict decides). The dialect and the
 * reading are the same either way; only the reason is shorter. Most configs in
 * a repository are decided this way, and each reader costs about as much as
 * the rest of building a guest's facts (bench/README.md).
 */
function detect(text: string, file: string, exactReason = true): Detection {
  const xl = parseXlConfig(text, file);
  const xlErr = errors(xl.diagnostics);
  const list = (hs: Hint[]): string => hs.slice(0, 3).map((x) => `${x.text} at ${at(x)}`).join('; ');
  const h = xlErr.length === 0 ? hintsOf(xl) : undefined;
  if (!exactReason && h && (h.xl.length > 0 || h.xm.length === 0)) {
    const why = h.xl.length > 0 ? `xl hints: ${list(h.xl)}` : 'no toolstack-specific key: read as xl by default';
    return { dialect: 'xl', reason: `valid as xl (Python reading not needed); ${why}`, parsed: xl };
  }
  const xm = parseXmConfig(text, file);
  const xmErr = errors(xm.diagnostics);
  const firstXl = xlErr[0];
  const firstXm = xmErr[0];
  if (h && xmErr.length === 0) {
    if (h.xl.length > 0) return { dialect: 'xl', reason: `valid as xl and as Python; xl hints: ${list(h.xl)}`, parsed: xl };
    if (h.xm.length > 0) return { dialect: 'xm', reason: `valid as xl and as Python; xm hints: ${list(h.xm)}`, parsed: xm };
    return { dialect: 'xl', reason: 'valid as xl and as Python, with no toolstack-specific key: read as xl by default', parsed: xl };
  }
  if (firstXl && !firstXm) {
    return { dialect: 'xm', reason: `python syntax: xl cannot read it (${firstXl.message} at ${at(firstXl)})`, parsed: xm };
  }
  if (firstXm && !firstXl) {
    return { dialect: 'xl', reason: `xl syntax: Python cannot read it (${firstXm.message} at ${at(firstXm)})`, parsed: xl };
  }
  // libxlu's own Python hint (a `+-.():` character), or a line that opens a Python statement.
  const pythonish = xl.diagnostics.some((d) => d.code === 'python-under-xl') || /^[ \t]*(import|from|def|class|if|elif|else|for|while|try|except|print|return|with)\b/m.test(text);
  const dialect: Dialect = xmErr.length < xlErr.length || (xmErr.length === xlErr.length && pythonish) ? 'xm' : 'xl';
  return {
    dialect,
    reason: `neither dialect reads it cleanly (${xlErr.length} xl error(s), ${xmErr.length} Python error(s)); closer to ${dialect}`,
    parsed: dialect === 'xl' ? xl : xm,
  };
}

/** Which dialect a config is written in, and why. Never throws. */
export function detectDialect(text: string, file: string): { dialect: Dialect; reason: string } {
  const d = detect(text, file);
  return { dialect: d.dialect, reason: d.reason };
}

/**
 * Reads a domU config in the given or detected dialect. Never evaluates anything, never throws.
 * `exactReason: false` (for callers that do not show `dialectReason`, such as
 * lint) lets detection skip the second reader when the first decides; see detect.
 */
export function parseConfig(text: string, file: string, opts?: ReadOptions): ParsedConfig {
  if (opts?.dialect) {
    const parsed = opts.dialect === 'xl' ? parseXlConfig(text, file) : parseXmConfig(text, file);
    if (opts.dialect === 'xl') {
      const python = parsed.diagnostics.find((d) => d.code === 'python-under-xl');
      if (python) python.message = pythonUnderXlMessage(opts.by, opts.reason);
      parsed.diagnostics.push(...pythonHints(parsed, text, file));
    }
    return settled(parsed, opts.reason ?? 'forced', opts.xen);
  }
  const d = detect(text, file, opts?.exactReason ?? true);
  const parsed = settled(d.parsed, opts?.undecided ? `${opts.undecided}; by its syntax: ${d.reason}` : d.reason, opts?.xen);
  if ((opts?.exactReason ?? true) || mayDisagree(d.parsed)) parsed.diagnostics = [...parsed.diagnostics, ...disagreements(text, file)];
  return parsed;
}

/**
 * A reader's fresh result with the reason and Xen version it is read by, set in
 * place: its keys keep their order (file, dialect, dialectReason, entries,
 * comments, diagnostics[, xen]) as the object spread that used to copy it gave,
 * without a copy per file.
 */
function settled(parsed: ParsedConfig, reason: string, xen: string | undefined): ParsedConfig {
  parsed.dialectReason = reason;
  if (xen !== undefined) parsed.xen = xen;
  return parsed;
}

/** Settings read as numbers by both toolstacks, where xl's strtol(…, 0) and Python may differ. */
const NUMERIC_KEYS = ['memory', 'maxmem', 'vcpus', 'maxvcpus', 'shadow_memory', 'videoram'];

function numericReading(v: ConfigValue | undefined, dialect: Dialect): number | undefined {
  if (!v) return undefined;
  if (dialect === 'xm') {
    if (v.kind === 'number') return Math.trunc(v.value);
    if (v.kind === 'string' && /^\s*[+-]?\d+\s*$/.test(v.value)) return Number(v.value);
    return undefined;
  }
  const text = v.kind === 'number' ? v.raw : v.kind === 'string' ? v.value : undefined;
  if (text === undefined) return undefined;
  const n = strtol0(text);
  return n.digits && n.rest === '' && !n.range ? Number(n.value) : undefined;
}

/**
 * Whether the two readings can differ on a numeric setting: only where one is
 * written as anything but a plain decimal number set once (a string, `0512`,
 * `0x200`, a sign, an expression, `+=`, a repeated key). The shortcut of detect
 * reads one dialect only; this keeps the readings-differ diagnostic the same
 * without paying for both readers on every plain file.
 */
function mayDisagree(parsed: ParsedConfig): boolean {
  const seen = new Set<string>();
  for (const e of parsed.entries) {
    if (!NUMERIC_KEYS.includes(e.key)) continue;
    if (seen.has(e.key) || e.op === '+=' || e.value.kind !== 'number' || !/^(0|[1-9]\d*)$/.test(e.value.raw)) return true;
    seen.add(e.key);
  }
  return false;
}

/**
 * With the toolstack unknown and a file both readers accept: the settings the two
 * read differently (`memory = "0512"` is 330 MiB to xl, 512 to xm).
 */
function disagreements(text: string, file: string): Diagnostic[] {
  const xl = parseXlConfig(text, file);
  const xm = parseXmConfig(text, file);
  if (errors(xl.diagnostics).length > 0 || errors(xm.diagnostics).length > 0) return [];
  const xlMap = entryMap(xl);
  const xmMap = entryMap(xm);
  const out: Diagnostic[] = [];
  for (const key of NUMERIC_KEYS) {
    const a = xlMap.get(key);
    const b = xmMap.get(key);
    if (!a || !b) continue;
    const x = a.op === '+=' ? undefined : numericReading(a.value, 'xl');
    const y = numericReading(b.value, 'xm');
    if (x === y) continue;
    out.push({
      severity: 'info',
      message: `the toolstack is unknown and the readings disagree: \`${key}\` is ${x ?? 'not a number'} to xl and ${y ?? 'not a number'} to xm; give --xen or the host's facts to decide`,
      line: a.line,
      column: a.column,
      code: 'readings-differ',
      file,
    });
  }
  return out;
}

/** When xl refuses Python: what xm would have read on the lines xl stumbled on, as a hint. */
function pythonHints(xl: ParsedConfig, text: string, file: string): Diagnostic[] {
  if (!xl.diagnostics.some((d) => d.code === 'python-under-xl')) return [];
  const lines = new Set(errors(xl.diagnostics).map((d) => d.line));
  const out: Diagnostic[] = [];
  for (const e of xmEntriesOnLines(text, file, lines)) {
    // A value xm would compute when it runs the file (a name, a call) is no reading to show.
    if (hasUnreadable(e.value)) continue;
    out.push({ severity: 'info', message: `xm would have read ${e.key} = ${JSON.stringify(valueToPlain(e.value))}; xl reads Python as nothing`, line: e.line, column: e.column, code: 'xm-reading', file });
  }
  return out;
}

function hasUnreadable(v: ConfigValue): boolean {
  if (v.kind === 'unreadable') return true;
  if (v.kind === 'list') return v.items.some(hasUnreadable);
  if (v.kind === 'dict') return v.entries.some((e) => hasUnreadable(e.key) || hasUnreadable(e.value));
  return false;
}

/** A value as plain data; what needs evaluation (and Python's None) becomes null. */
export function valueToPlain(v: ConfigValue): KeyValue {
  switch (v.kind) {
    case 'string':
    case 'number':
      return v.value;
    case 'list':
      return v.items.map(valueToPlain);
    case 'dict': {
      const out: { [k: string]: KeyValue } = {};
      for (const { key, value } of v.entries) {
        const k = key.kind === 'string' || key.kind === 'number' ? String(key.value) : key.kind === 'unreadable' ? key.text : JSON.stringify(valueToPlain(key));
        out[k] = valueToPlain(value);
      }
      return out;
    }
    case 'unreadable':
      return null;
  }
}

function appended(prev: ConfigEntry, cur: ConfigEntry, dialect: Dialect): ConfigValue {
  const a = prev.value;
  const b = cur.value;
  const unreadable = (reason: string): ConfigValue => ({ kind: 'unreadable', text: `${prev.key} += …`, reason, line: b.line, column: b.column });
  if (a.kind === 'unreadable') return { ...a };
  if (b.kind === 'unreadable') return { ...b };
  // New values are written as the readers write theirs, member by member in the
  // same order, so they share the readers' hidden classes: a spread copy has one of
  // its own, and the first `+=` guest met late deoptimised every site that reads values.
  if (a.kind === 'list' && b.kind === 'list') {
    const v: ConfigValue = { kind: 'list', items: [...a.items, ...b.items], line: a.line, column: a.column };
    if (a.tuple !== undefined) v.tuple = a.tuple;
    return v;
  }
  if (dialect === 'xl') {
    // libxlu keeps numbers as text: `1 += 2` is "12"; a list and a single value do
    // not mix (the reader already refused the file for that).
    const text = (v: ConfigValue): string | undefined => (v.kind === 'string' ? v.value : v.kind === 'number' ? v.raw : undefined);
    const ta = text(a);
    const tb = text(b);
    if (ta !== undefined && tb !== undefined) return { kind: 'string', value: ta + tb, line: a.line, column: a.column };
    return unreadable(`\`+=\` mixes a ${a.kind} and a ${b.kind}`);
  }
  if (a.kind === 'string' && b.kind === 'string') return { kind: 'string', value: a.value + b.value, line: a.line, column: a.column };
  if (a.kind === 'number' && b.kind === 'number') {
    return { kind: 'number', value: a.value + b.value, raw: `${a.raw} + ${b.raw}`, line: a.line, column: a.column };
  }
  return unreadable(`\`+=\` mixes a ${a.kind} and a ${b.kind}`);
}

/**
 * The effective setting of each key: the last assignment wins (both toolstacks),
 * and `+=` appends to what was there (lists; strings are concatenated).
 */
export function entryMap(parsed: ParsedConfig): Map<string, ConfigEntry> {
  const map = new Map<string, ConfigEntry>();
  for (const e of parsed.entries) {
    const prev = map.get(e.key);
    // The setting keeps its `+=`: xl never reads it as a number (xlu_cfg_get_bounded_long).
    // A literal in the readers' member order, not a spread copy: one hidden class for every entry (see appended).
    if (e.op === '+=' && prev) map.set(e.key, { key: prev.key, op: parsed.dialect === 'xl' ? '+=' : prev.op, value: appended(prev, e, parsed.dialect), line: prev.line, column: prev.column });
    else map.set(e.key, e);
  }
  return map;
}
