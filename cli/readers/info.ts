/**
 * `xl info` / `xm info` output: the parser (text -> fields + diagnostics) and
 * the normalised host view built from it.
 *
 * The layout is `%-23s: value` in both toolstacks (xen-facts.md A1), but the
 * text xenlint gets is often a copy: from a forum (padding collapsed to
 * `key : value`), a mail (long values wrapped onto unkeyed lines, sometimes
 * quoted-printable), a terminal (a `[root@host ~]# xm info` prompt line,
 * CRLF). The parser takes all of those; what it cannot place becomes a
 * diagnostic with a position, never an exception.
 */
import { limitDiagnostic, READ_LIMITS } from './read-limits.js';
import type { CapToken, GuestAbi, HostFacts } from '../model/facts.js';
import { diag, type Diagnostic } from '../model/diagnostic.js';
import { parseXenCmdline } from './xen-cmdline.js';
import { versionFromInfoFields, versionTextFromInfoFields } from '../model/xen-version.js';

export interface CpuTopologyRow {
  cpu: number;
  core: number;
  socket: number;
  node: number;
}

export interface NumaInfoRow {
  node: number;
  /** MiB. */
  memsize: number;
  /** MiB. */
  memfree: number;
  /** Distance to each node, in node order; NaN where xm printed `-`. */
  distances: number[];
}

export interface DeviceTopologyRow {
  /** PCI address, `seg:bus:dev.fn`. */
  device: string;
  node: number;
}

export interface ParsedInfo {
  /** Every field, trimmed, wrapped lines joined (see parseInfo). Literal `(none)` is kept. */
  fields: Record<string, string>;
  /** 1-based line of each field's key. */
  fieldLines: Record<string, number>;
  /** Keys in the order they first appeared. */
  order: string[];
  /** The tables of `xl info -n` / `xm info -n` (4.1+). */
  tables: {
    cpu_topology?: CpuTopologyRow[];
    numa_info?: NumaInfoRow[];
    device_topology?: DeviceTopologyRow[];
  };
  /** The info command of a captured shell prompt, e.g. "xm info" or "xl info -n". */
  command?: string;
  /**
   * True when the keys are in reverse alphabetical order: what xm prints when it
   * talks to xend over Xen-API (3.1+, tools/python/xen/xm/main.py `xm_info`).
   */
  reverseAlphabetical: boolean;
  diagnostics: Diagnostic[];
}

/** Every key `xm info` or `xl info` has printed (xen-facts.md A2). */
export const KNOWN_INFO_KEYS: ReadonlySet<string> = new Set([
  'host', 'release', 'version', 'machine',
  'nr_cpus', 'max_cpu_id', 'nr_nodes', 'sockets_per_node', 'cores_per_socket', 'threads_per_core',
  'cpu_mhz', 'hw_caps', 'virt_caps', 'arm_sve_vector_length',
  'total_memory', 'free_memory', 'sharing_freed_memory', 'sharing_used_memory', 'outstanding_claims',
  'free_cpus', 'node_to_cpu', 'node_to_memory', 'node_to_dma32_mem', 'max_node_id',
  'cpu_topology', 'numa_info', 'device topology',
  'xen_major', 'xen_minor', 'xen_extra', 'xen_version', 'xen_caps', 'xen_scheduler', 'xen_pagesize',
  'platform_params', 'xen_changeset', 'xen_commandline',
  'cc_compiler', 'cc_compile_by', 'cc_compile_domain', 'cc_compile_date', 'build_id',
  'xenstore_features', 'xend_config_format',
]);

/** xm 3.2–4.0 print these over several lines, one `nodeN:` per line, indented 25 blanks. */
const MULTILINE_KEYS = new Set(['node_to_cpu', 'node_to_memory', 'node_to_dma32_mem']);

const INT_KEYS = [
  'nr_cpus', 'max_cpu_id', 'nr_nodes', 'sockets_per_node', 'cores_per_socket', 'threads_per_core',
  'total_memory', 'free_memory', 'sharing_freed_memory', 'sharing_used_memory', 'outstanding_claims',
  'free_cpus', 'max_node_id', 'xen_major', 'xen_minor', 'xen_pagesize', 'xend_config_format',
  'arm_sve_vector_length',
];

// ASCII letters spelled in both cases rather than the `i` flag: compiling a character class
// with `i` works out its Unicode case closure (~0.7 M instructions each, start-up, issue 14);
// without the `u` flag `i` matches exactly these (no non-ASCII character folds to ASCII).
const CAP_TOKEN = /^([xX][eE][nN]|[hH][vV][mM])-(\d+\.\d+)-([a-zA-Z0-9_]+(?:-[a-zA-Z0-9_]+)*)$/;

interface SourceLine {
  text: string;
  /** 1-based line in the original text. */
  line: number;
  /** Characters removed from the start (mail quoting), added back to columns. */
  shift: number;
}

// ---------------------------------------------------------------------------
// Pre-processing: line ends, mail quoting, quoted-printable.

function splitLines(text: string): SourceLine[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // One line past the limit says the text goes on; the rest is never split.
  return body.split(/\r\n|\r|\n/, READ_LIMITS.infoLines + 1).map((t, i) => ({ text: t, line: i + 1, shift: 0 }));
}

function stripMailQuotes(lines: SourceLine[]): SourceLine[] {
  const nonBlank = lines.filter((l) => l.text.trim() !== '');
  if (nonBlank.length === 0 || !nonBlank.every((l) => /^\s*>/.test(l.text))) return lines;
  return lines.map((l) => {
    const m = /^\s*(?:>\s?)+/.exec(l.text);
    const cut = m ? m[0].length : 0;
    return { text: l.text.slice(cut), line: l.line, shift: l.shift + cut };
  });
}

/**
 * Quoted-printable is recognised by its escapes: every `=` of a real info
 * output (platform_params always has one) turns into `=3D`, so the text must
 * contain `=3D` and have no `=` that is not an escape or a soft line break.
 * Plain output whose command line ends in `dom0_max_vcpus=20` is therefore not
 * mistaken for QP. Soft line breaks (a trailing `=`) join the next line; the
 * joined line keeps the first line's number.
 */
function looksQuotedPrintable(lines: SourceLine[]): boolean {
  if (!lines.some((l) => l.text.includes('=3D'))) return false;
  return lines.every((l) => /^(?:[^=]|=[0-9A-F]{2})*=?$/.test(l.text));
}

function decodeQuotedPrintable(lines: SourceLine[]): SourceLine[] {
  const out: SourceLine[] = [];
  let pending: SourceLine | undefined;
  for (const l of lines) {
    const current: SourceLine = pending ? { ...pending, text: pending.text + l.text } : { ...l };
    pending = undefined;
    if (current.text.endsWith('=')) {
      pending = { ...current, text: current.text.slice(0, -1) };
      continue;
    }
    out.push(current);
  }
  if (pending) out.push(pending);
  return out.map((l) => ({
    ...l,
    text: l.text.replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
  }));
}

// ---------------------------------------------------------------------------
// Line classification.

const INFO_PROMPT = /^(?:.*?[#$%>]\s*)?(?:sudo\s+)?(?:\S*\/)?(xl|xm)((?:\s+-\S+)*)\s+info\b(.*)$/;
const ANY_PROMPT = /^\s*(?:\[[^\]]*\]|[\w.-]+@[\w.-]+(?::\S*)?)\s*[#$]\s*(.*)$/;
const KEY_LINE = /^(\s*)([A-Za-z_][A-Za-z0-9_]*|device topology)([ \t]*):(.*)$/;

const CPU_HEADER = /^\s*cpu:\s+core\s+socket\s+node\s*$/;
const CPU_ROW = /^\s*(\d+):\s+(\d+)\s+(\d+)\s+(\d+)\s*$/;
const NUMA_HEADER_XL = /^\s*node:\s+memsize\s+memfree\s+distances\s*$/;
const NUMA_HEADER_XM = /^\s*node:\s+TotalMemory\s+FreeMemory\s+dma32Memory\s+NodeDist:[\s\d]*$/;
const NUMA_ROW_XL = /^\s*(\d+):\s+(\d+)\s+(\d+)\s+(\d+(?:,\d+)*)\s*$/;
const NUMA_ROW_XM = /^\s*(\d+):\s+(\d+)MB\s+(\d+)MB\s+(\d+)MB\s+:((?:\s+(?:\d+|-))*)\s*$/;
const DEVICE_HEADER = /^\s*device\s+node\s*$/;
const DEVICE_ROW = /^\s*([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])\s+(\d+)\s*$/;
const DEVICE_NONE = /^\s*No device topology data available\s*$/;

type TableKind = 'cpu_topology' | 'numa_info' | 'device topology';

function firstNonBlankColumn(text: string): number {
  const m = /\S/.exec(text);
  return m ? m.index + 1 : 1;
}

/**
 * Reads `xl info` / `xm info` text (see the module comment for the copies it
 * accepts). Rules:
 * - a field is `key : value`; the value is trimmed; `(none)` and empty values
 *   are kept as printed;
 * - a line without a key continues the field above it: joined with a newline
 *   for xm's multi-line `node_to_*` fields, with a space otherwise (a mail
 *   client wrapped it); a blank line ends a field, so prose after the output is
 *   not glued onto `xend_config_format`;
 * - `cpu_topology`, `numa_info` and `device topology` start tables (`-n`);
 * - a duplicated key: the last one wins, with a warning;
 * - text with no info fields at all gives one error, "does not look like
 *   xl/xm info output", and no fields.
 */
export function parseInfo(text: string): ParsedInfo {
  const result: ParsedInfo = {
    fields: {},
    fieldLines: {},
    order: [],
    tables: {},
    reverseAlphabetical: false,
    diagnostics: [],
  };
  const diagnostics = result.diagnostics;
  let lines = splitLines(typeof text === 'string' ? text : '');
  if (lines.length > READ_LIMITS.infoLines) {
    lines.length = READ_LIMITS.infoLines;
    diagnostics.push(limitDiagnostic('infoLines', { line: READ_LIMITS.infoLines + 1, column: 1 }));
  }
  lines = stripMailQuotes(lines);
  if (looksQuotedPrintable(lines)) {
    lines = decodeQuotedPrintable(lines);
    diagnostics.push(
      diag('info', 'decoded quoted-printable text (=3D escapes, soft line breaks)', { line: 1, column: 1 }, 'info-quoted-printable'),
    );
  }

  const valueColumns: Record<string, number> = {};
  let last: string | undefined;
  let table: TableKind | undefined;
  let foreign = false;
  let seenField = false;
  let preambleReported = false;

  const setField = (key: string, value: string, sl: SourceLine, keyCol: number, valueCol: number): void => {
    if (Object.prototype.hasOwnProperty.call(result.fields, key)) {
      const before = result.fieldLines[key];
      diagnostics.push(
        diag(
          'warning',
          `duplicate field "${key}" (first on line ${before}); the last one is used`,
          { line: sl.line, column: keyCol },
          'info-duplicate',
        ),
      );
    } else {
      result.order.push(key);
    }
    result.fields[key] = value;
    result.fieldLines[key] = sl.line;
    valueColumns[key] = valueCol;
  };

  const tryTableRow = (kind: TableKind, t: string): boolean => {
    let m: RegExpExecArray | null;
    if (kind === 'cpu_topology') {
      if (CPU_HEADER.test(t)) return true;
      if ((m = CPU_ROW.exec(t))) {
        (result.tables.cpu_topology ??= []).push({
          cpu: Number(m[1]), core: Number(m[2]), socket: Number(m[3]), node: Number(m[4]),
        });
        return true;
      }
      return false;
    }
    if (kind === 'numa_info') {
      if (NUMA_HEADER_XL.test(t) || NUMA_HEADER_XM.test(t)) return true;
      if ((m = NUMA_ROW_XL.exec(t))) {
        (result.tables.numa_info ??= []).push({
          node: Number(m[1]), memsize: Number(m[2]), memfree: Number(m[3]),
          distances: (m[4] ?? '').split(',').map(Number),
        });
        return true;
      }
      if ((m = NUMA_ROW_XM.exec(t))) {
        (result.tables.numa_info ??= []).push({
          node: Number(m[1]), memsize: Number(m[2]), memfree: Number(m[3]),
          distances: (m[5] ?? '').trim().split(/\s+/).filter((d) => d !== '').map((d) => (d === '-' ? NaN : Number(d))),
        });
        return true;
      }
      return false;
    }
    if (DEVICE_HEADER.test(t) || DEVICE_NONE.test(t)) return true;
    if ((m = DEVICE_ROW.exec(t))) {
      (result.tables.device_topology ??= []).push({ device: (m[1] ?? '').toLowerCase(), node: Number(m[2]) });
      return true;
    }
    return false;
  };

  for (const sl of lines) {
    const t = sl.text;
    if (t.trim() === '') {
      last = undefined;
      continue;
    }

    // The prompts' own words first: a regular expression run on most lines is compiled to machine
    // code (start-up, issue 14), and neither prompt can match a line without them.
    const prompt = t.includes('info') ? INFO_PROMPT.exec(t) : null;
    if (prompt && !KEY_LINE.test(t.replace(/^.*?[#$%>]\s*/, ''))) {
      result.command = `${prompt[1]}${prompt[2] ?? ''} info${(prompt[3] ?? '').replace(/\s+$/, '')}`.replace(/\s+/g, ' ');
      foreign = false;
      last = undefined;
      table = undefined;
      continue;
    }
    const other = t.includes('#') || t.includes('$') ? ANY_PROMPT.exec(t) : null;
    if (other) {
      const cmd = (other[1] ?? '').trim();
      if (cmd !== '') {
        foreign = true;
        diagnostics.push(
          diag('info', `ignored the output of "${cmd}" (not an info command)`, { line: sl.line, column: firstNonBlankColumn(t) + sl.shift }, 'info-foreign-output'),
        );
      }
      last = undefined;
      table = undefined;
      continue;
    }
    if (foreign) continue;

    if (table !== undefined) {
      if (tryTableRow(table, t)) continue;
      table = undefined;
    }

    const km = KEY_LINE.exec(t);
    const key = km?.[2];
    // `__proto__` cannot be an own key of a plain object; no info output has it.
    if (km && key !== undefined && key !== '__proto__' && (KNOWN_INFO_KEYS.has(key) || (km[3] ?? '') !== '')) {
      const keyCol = (km[1] ?? '').length + 1 + sl.shift;
      const rawValue = km[4] ?? '';
      const lead = rawValue.length - rawValue.trimStart().length;
      const valueCol = t.length - rawValue.length + lead + 1 + sl.shift;
      setField(key, rawValue.trim(), sl, keyCol, valueCol);
      seenField = true;
      last = key;
      table = key === 'cpu_topology' || key === 'numa_info' || key === 'device topology' ? key : undefined;
      continue;
    }

    if (!seenField) {
      if (!preambleReported) {
        preambleReported = true;
        diagnostics.push(
          diag('info', 'ignored text before the first info field', { line: sl.line, column: firstNonBlankColumn(t) + sl.shift }, 'info-preamble'),
        );
      }
      continue;
    }
    if (last === undefined) {
      diagnostics.push(
        diag('info', 'ignored a line without a key that follows a blank line', { line: sl.line, column: firstNonBlankColumn(t) + sl.shift }, 'info-stray-line'),
      );
      continue;
    }
    const part = t.trim();
    const prev = result.fields[last] ?? '';
    if (MULTILINE_KEYS.has(last) && /^node\d+:/.test(part)) {
      result.fields[last] = prev === '' ? part : `${prev}\n${part}`;
    } else {
      result.fields[last] = prev === '' ? part : `${prev} ${part}`;
      diagnostics.push(
        diag('info', `line without a key joined onto "${last}" (a wrapped line?)`, { line: sl.line, column: firstNonBlankColumn(t) + sl.shift }, 'info-wrapped'),
      );
    }
  }

  if (!looksLikeInfo(result)) {
    const first = lines.find((l) => l.text.trim() !== '');
    const pos = first ? { line: first.line, column: firstNonBlankColumn(first.text) + first.shift } : { line: 1, column: 1 };
    const hint = first && /^\s*[A-Za-z_]\w*\s*=/.test(first.text) ? ' (it looks like a config file)' : '';
    return {
      fields: {}, fieldLines: {}, order: [], tables: {}, reverseAlphabetical: false,
      diagnostics: [diag('error', `does not look like xl/xm info output${hint}`, pos, 'not-info')],
    };
  }

  result.reverseAlphabetical = isReverseAlphabetical(result.order);
  validateValues(result, valueColumns);
  return result;
}

function looksLikeInfo(info: ParsedInfo): boolean {
  const known = info.order.filter((k) => KNOWN_INFO_KEYS.has(k));
  return known.length >= 3 || 'xen_caps' in info.fields || 'xen_major' in info.fields;
}

function isReverseAlphabetical(order: string[]): boolean {
  const keys = order.filter((k) => KNOWN_INFO_KEYS.has(k));
  if (keys.length < 8) return false;
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] ?? '') <= (keys[i] ?? '')) return false;
  }
  return true;
}

function validateValues(info: ParsedInfo, valueColumns: Record<string, number>): void {
  const at = (key: string) => ({ line: info.fieldLines[key] ?? 1, column: valueColumns[key] ?? 1 });
  for (const key of INT_KEYS) {
    const v = info.fields[key];
    if (v === undefined || v === '' || v === '(none)') continue;
    if (!/^\d+$/.test(v)) {
      info.diagnostics.push(diag('warning', `"${key}" should be a whole number, got "${v}"`, at(key), 'info-value'));
    }
  }
  const mhz = info.fields['cpu_mhz'];
  if (mhz !== undefined && mhz !== '' && mhz !== '(none)' && !/^\d+(?:\.\d+)?$/.test(mhz)) {
    info.diagnostics.push(diag('warning', `"cpu_mhz" should be a number, got "${mhz}"`, at('cpu_mhz'), 'info-value'));
  }
  const caps = info.fields['xen_caps'];
  if (caps !== undefined && caps !== '(none)') {
    for (const token of caps.split(/\s+/).filter((s) => s !== '')) {
      if (!CAP_TOKEN.test(token)) {
        info.diagnostics.push(diag('warning', `unrecognised xen_caps token "${token}"`, at('xen_caps'), 'info-value'));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Normalised host view.

const GUEST_ABIS: ReadonlySet<string> = new Set(['x86_32', 'x86_32p', 'x86_64', 'ia64', 'ia64be', 'aarch64', 'armv7l']);

export interface DecodedCaps {
  caps: CapToken[];
  pvAbis: GuestAbi[];
  hvmAbis: GuestAbi[];
  bits?: 32 | 64;
  pae?: boolean;
  arch?: HostFacts['arch'];
}

/**
 * Decodes `xen_caps` (xen-facts.md A4). Bitness comes from here and only here:
 * any `x86_64` token (PV or HVM) exists only on a 64-bit hypervisor; a caps
 * string with 32-bit x86 tokens and no `x86_64` is a 32-bit hypervisor, PAE
 * when its PV token is `x86_32p` (or, with no PV token, when it offers HVM
 * `x86_32p`). `machine` is dom0's uname and says nothing about Xen.
 */
export function decodeCaps(xenCaps: string): DecodedCaps {
  const caps: CapToken[] = [];
  const pv: GuestAbi[] = [];
  const hvm: GuestAbi[] = [];
  for (const token of (xenCaps ?? '').split(/\s+/)) {
    const m = CAP_TOKEN.exec(token);
    if (!m) continue;
    const kind = (m[1] ?? '').toLowerCase() as 'xen' | 'hvm';
    const abi = (m[3] ?? '').toLowerCase();
    caps.push({ token, kind, abi });
    if (GUEST_ABIS.has(abi)) {
      const list = kind === 'xen' ? pv : hvm;
      if (!list.includes(abi as GuestAbi)) list.push(abi as GuestAbi);
    }
  }
  const out: DecodedCaps = { caps, pvAbis: pv, hvmAbis: hvm };
  const abis = caps.map((c) => c.abi);
  const has = (abi: string) => abis.includes(abi);
  if (abis.some((a) => a.startsWith('x86_'))) {
    out.arch = 'x86';
    if (has('x86_64')) out.bits = 64;
    else {
      out.bits = 32;
      if (pv.includes('x86_32p')) out.pae = true;
      else if (pv.includes('x86_32')) out.pae = false;
      else if (hvm.includes('x86_32p')) out.pae = true;
    }
  } else if (has('aarch64') || has('armv7l')) {
    out.arch = 'arm';
    out.bits = has('aarch64') ? 64 : 32;
  } else if (abis.some((a) => a.startsWith('ia64'))) {
    out.arch = 'ia64';
    out.bits = 64;
  } else if (abis.some((a) => a.startsWith('powerpc'))) {
    out.arch = 'powerpc';
    if (abis.some((a) => a.startsWith('powerpc64'))) out.bits = 64;
  }
  return out;
}

/** Fields only xl prints (xen-facts.md A2). */
const XL_ONLY_KEYS = [
  'max_cpu_id', 'sharing_freed_memory', 'sharing_used_memory', 'outstanding_claims', 'xen_version',
  'build_id', 'arm_sve_vector_length', 'xenstore_features', 'device topology',
];
/** Fields only xend ever printed. */
const XM_ONLY_KEYS = ['sockets_per_node', 'node_to_cpu', 'node_to_memory', 'node_to_dma32_mem', 'max_node_id'];

function present(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' || t === '(none)' ? undefined : t;
}

function int(v: string | undefined): number | undefined {
  const t = present(v);
  return t !== undefined && /^\d+$/.test(t) ? Number(t) : undefined;
}

/**
 * Which toolstack printed the output. Field evidence first (xl-only fields; xend-only
 * fields or Xen-API key order; a version before 4.0, when xl did not exist; a
 * 4.2+ field set between nr_cpus and nr_nodes without xl's max_cpu_id), then
 * the captured prompt, then the source name ("xl info", "xm-3.0.4.txt").
 * xl 4.1 and xm 4.1 print the same fields, so such output stays undefined.
 */
function guessToolstack(info: ParsedInfo, source: string): 'xl' | 'xm' | undefined {
  const f = info.fields;
  if (XL_ONLY_KEYS.some((k) => k in f)) return 'xl';
  if (XM_ONLY_KEYS.some((k) => k in f) || info.reverseAlphabetical) return 'xm';
  const major = int(f['xen_major']);
  const minor = int(f['xen_minor']);
  if (major !== undefined && major < 4) return 'xm';
  if (
    major !== undefined && minor !== undefined && (major > 4 || (major === 4 && minor >= 2)) &&
    'nr_cpus' in f && 'nr_nodes' in f
  ) {
    return 'xm';
  }
  const cmd = info.command?.slice(0, 2);
  if (cmd === 'xl' || cmd === 'xm') return cmd;
  const base = source.split(/[\\/]/).pop() ?? source;
  // Both cases spelled out, not the `i` flag: see CAP_TOKEN.
  const xl = /(^|[^a-zA-Z0-9])[xX][lL]([^a-zA-Z0-9]|$)/.test(base);
  const xm = /(^|[^a-zA-Z0-9])[xX][mM]([^a-zA-Z0-9]|$)/.test(base);
  if (xl !== xm) return xl ? 'xl' : 'xm';
  return undefined;
}

/** The normalised host view (cli/model/facts.ts HostFacts) of a parsed info output. */
export function hostFactsFromInfo(info: ParsedInfo, source: string): HostFacts {
  const f = info.fields;
  const host: HostFacts = { source, fields: { ...f }, fieldLines: { ...info.fieldLines } };

  const version = versionFromInfoFields(f);
  if (version !== undefined) host.version = version;
  const versionText = versionTextFromInfoFields(f);
  if (versionText !== undefined) host.versionText = versionText;
  const toolstack = guessToolstack(info, source);
  if (toolstack !== undefined) host.toolstack = toolstack;

  const capsText = present(f['xen_caps']);
  if (capsText !== undefined) {
    const decoded = decodeCaps(capsText);
    host.caps = decoded.caps;
    host.pvAbis = decoded.pvAbis;
    host.hvmAbis = decoded.hvmAbis;
    if (decoded.arch !== undefined) host.arch = decoded.arch;
    if (decoded.bits !== undefined) host.hypervisorBits = decoded.bits;
    if (decoded.pae !== undefined) host.hypervisorPae = decoded.pae;
  }

  const scheduler = present(f['xen_scheduler']);
  if (scheduler !== undefined) host.scheduler = scheduler;
  const nrCpus = int(f['nr_cpus']);
  if (nrCpus !== undefined) host.nrCpus = nrCpus;
  const mhz = present(f['cpu_mhz']);
  if (mhz !== undefined && /^\d+(?:\.\d+)?$/.test(mhz)) host.cpuMhz = Number(mhz);
  const total = int(f['total_memory']);
  if (total !== undefined) host.totalMemoryMiB = total;
  const free = int(f['free_memory']);
  if (free !== undefined) host.freeMemoryMiB = free;
  const claims = int(f['outstanding_claims']);
  if (claims !== undefined) host.outstandingClaimsMiB = claims;

  if ('virt_caps' in f) host.virtCaps = (present(f['virt_caps']) ?? '').split(/\s+/).filter((s) => s !== '');
  if ('xen_commandline' in f) {
    const raw = present(f['xen_commandline']) ?? '';
    host.commandline = { raw, options: parseXenCmdline(raw) };
  }
  const release = present(f['release']);
  if (release !== undefined) host.dom0Release = release;
  const machine = present(f['machine']);
  if (machine !== undefined) host.dom0Machine = machine;
  return host;
}

/** parseInfo + hostFactsFromInfo, with each diagnostic tagged with the source. */
export function hostFactsFromInfoText(text: string, source: string): { host: HostFacts; diagnostics: Diagnostic[] } {
  const info = parseInfo(text);
  const diagnostics = info.diagnostics.map((d) => ({ ...d, file: d.file ?? source }));
  return { host: hostFactsFromInfo(info, source), diagnostics };
}
