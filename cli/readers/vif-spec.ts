/**
 * vif specs, as xl and as xm read them (xen-facts.md B5).
 *
 * xl (tools/xl/xl_parse.c `parse_nic_config`, tools/libs/util/libxlu_vif.c):
 * a config file's vif string is cut at every `,` (strtok: empty pieces vanish,
 * leading spaces go, trailing ones stay) and each piece is one `key=value` or
 * flag. The return value is not checked there, so an unknown key or a bad
 * `type`/`mac` only prints a message; `xl network-attach` takes one piece per
 * command-line word and fails on the same pieces. A bad `rate`, `devid` or
 * `mtu` exits in both cases.
 *
 * xm (create.py `comma_sep_kv_to_dict` and the key list of `configure_vifs`;
 * xend netif.py `parseRate`): every piece must be `key=value`, unknown keys are
 * "Invalid vif option", and an unreadable rate is silently "unlimited".
 *
 * Pure: text in, model and problems out; never throws.
 */
import { isCSpace, isHexDigit } from './c-ctype.js';
import { joinSpecWords, type SpecDialect, type SpecProblem } from './disk-spec.js';

export type { SpecProblem } from './disk-spec.js';

export interface VifRate {
  /** As written, e.g. "10Mb/s@20ms". */
  text: string;
  bytesPerSecond: number;
  bytesPerInterval: number;
  intervalUsecs: number;
}

export interface MacInfo {
  /** Normalised: six lower-case two-digit octets. */
  text: string;
  octets: number[];
  /** 00:16:3e, the OUI Xen's tools draw random MACs from. */
  xenOui: boolean;
  /** I/G bit of the first octet: a group address, unusable for an interface. */
  multicast: boolean;
  /** U/L bit: a locally administered address (the xl manual's recommended choice). */
  locallyAdministered: boolean;
}

export interface VifEntry {
  key: string;
  /** Absent for a flag (trusted, untrusted). */
  value?: string;
  offset: number;
}

export interface VifSpec {
  spec: string;
  dialect: SpecDialect;
  /** The pieces in order, as read. */
  entries: VifEntry[];
  /** key -> value, the last one winning (flags map to "true"). */
  keys: Record<string, string>;
  mac?: string;
  macInfo?: MacInfo;
  /** The MAC bytes as xl stores them (its reader is lenient; see parseXlMac). */
  macOctets?: number[];
  bridge?: string;
  ip?: string;
  /** `ip=` may hold several addresses separated by spaces. */
  ips: string[];
  script?: string;
  type?: string;
  /** libxl's nictype: type=ioemu / type=vif. */
  nictype?: 'vif_ioemu' | 'vif';
  model?: string;
  vifname?: string;
  /** Backend domain. */
  backend?: string;
  rate?: VifRate;
  mtu?: number;
  vlan?: string;
  /** gatewaydev (xl; `netdev` is its deprecated alias). */
  gatewaydev?: string;
  forwarddev?: string;
  accel?: string;
  trusted?: boolean;
  devid?: number;
  /** xm 4.x access-control keys. */
  policy?: string;
  label?: string;
  colo?: Record<string, string>;
  /** False when xl would reject or ignore part of this spec; the reason says which. */
  xlCompatible: boolean;
  xlIncompatibility?: string;
}

export type VifSpecResult =
  | { ok: true; vif: VifSpec; warnings: SpecProblem[] }
  | {
      ok: false;
      error: SpecProblem;
      warnings: SpecProblem[];
      moreErrors?: SpecProblem[];
      /** xl (config file): what xl reads anyway, since a bad piece there only prints a message. */
      vif?: VifSpec;
    };

export interface VifParseOptions {
  /**
   * xl only. `config` (default for a string): the vif= string of a config file.
   * `attach` (default for an array): `xl network-attach` words, one piece each.
   */
  context?: 'config' | 'attach';
  /**
   * xl 4.17 checks `errno == ERANGE` after strtoull without clearing errno: when the
   * last number xl read before the vifs overflowed, every rate reads as an overflow.
   */
  staleErange?: boolean;
}

export function parseVifSpec(spec: string | readonly string[], dialect: SpecDialect, options: VifParseOptions = {}): VifSpecResult {
  try {
    return dialect === 'xm' ? parseXm(spec) : parseXl(spec, options.context ?? (typeof spec === 'string' ? 'config' : 'attach'), options.staleErange ?? false);
  } catch (e) {
    return { ok: false, error: { message: `internal error reading vif spec: ${String(e)}`, offset: 0, code: 'internal' }, warnings: [] };
  }
}

// ---------------------------------------------------------------------------
// rate

const UINT32_MAX = 0xffffffffn;
const UINT64_MAX = 0xffffffffffffffffn;

/** strtoull(…, 0) on text the caller's regex already limited to digits first. */
function strtoull0(s: string): { value: bigint; rest: string } {
  const m = /^[0-9]*/.exec(s);
  const digits = m?.[0] ?? '';
  if (digits.startsWith('0')) {
    const oct = /^0[0-7]*/.exec(digits)?.[0] ?? '0';
    return { value: BigInt(`0o${oct.slice(1) || '0'}`), rest: s.slice(oct.length) };
  }
  const value = BigInt(digits || '0');
  // ERANGE: strtoull returns ULLONG_MAX.
  return { value: value > UINT64_MAX ? UINT64_MAX : value, rest: s.slice(digits.length) };
}

export type RateResult = { ok: true; rate: VifRate; warnings: string[] } | { ok: false; message: string };

/**
 * xl's `rate=` reader (libxlu_vif.c): RATE `<n>[GMK](B|b)/s`, optional
 * `@<n>[m|u][s]` (no unit = seconds), 50 ms by default. Numbers go through
 * strtoull base 0, so a leading 0 means octal. Zero, > 2^32-1 and products
 * that overflow 64 bits are rejected, as in Xen's vectors.
 */
export function parseXlRate(text: string, staleErange = false): RateResult {
  const warnings: string[] = [];
  const at = text.indexOf('@');
  const head = at < 0 ? text : text.slice(0, at);
  const tail = at < 0 ? undefined : text.slice(at + 1);
  if (head === '') return { ok: false, message: `no rate specified in \`${text}'` };
  if (!/^[0-9]+[GMK]?[Bb]\/s$/.test(head)) return { ok: false, message: `invalid rate in \`${head}'` };
  const b = strtoull0(head);
  // xl tests errno without clearing it first: an ERANGE left by an earlier number makes any rate "overflow".
  if (b.value === 0n || b.value > UINT32_MAX || staleErange) return { ok: false, message: `rate overflow in \`${head}'` };
  if (head.startsWith('0') && head.length > 1) warnings.push(`xl reads ${/^[0-9]+/.exec(head)?.[0]} as an octal number (${b.value})`);
  let bytesPerSec = b.value;
  const unit = b.rest[0];
  if (unit === 'G') bytesPerSec *= 1000000000n;
  else if (unit === 'M') bytesPerSec *= 1000000n;
  else if (unit === 'K') bytesPerSec *= 1000n;
  if (unit === 'b' || b.rest[1] === 'b') bytesPerSec /= 8n;

  let interval = 50000n;
  if (tail !== undefined) {
    if (!/^[0-9]+[mu]?s?$/.test(tail)) return { ok: false, message: `invalid replenishment interval in \`${tail}'` };
    const i = strtoull0(tail);
    if (i.value === 0n || i.value > UINT32_MAX) return { ok: false, message: `replenishment interval overflow in \`${tail}'` };
    if (tail.startsWith('0') && tail.length > 1) warnings.push(`xl reads ${/^[0-9]+/.exec(tail)?.[0]} as an octal number (${i.value})`);
    const u = i.rest[0];
    interval = i.value;
    if (u === 's' || u === undefined) interval *= 1000000n;
    else if (u === 'm') interval *= 1000n;
    if (interval > UINT32_MAX) return { ok: false, message: `replenishment interval overflow in \`${tail}'` };
    if (u === undefined) warnings.push(`an interval without a unit is read as seconds (${tail}s)`);
  }
  if (bytesPerSec > UINT64_MAX / interval) return { ok: false, message: `rate overflow in \`${text}'` };
  const perInterval = (bytesPerSec * interval) / 1000000n;
  return {
    ok: true,
    rate: { text, bytesPerSecond: Number(bytesPerSec), bytesPerInterval: Number(perInterval), intervalUsecs: Number(interval) },
    warnings,
  };
}

/**
 * xend's reader (netif.py parseRate): decimal only, the interval needs its `s`;
 * whatever does not match, or lands outside 1..2^32-1, becomes "unlimited".
 */
export function parseXmRate(text: string): VifRate | null {
  const m = /^([0-9]+)([GMK]?)([Bb])\/s(@([0-9]+)([mu]?)s)?$/.exec(text);
  if (!m) return null;
  let bytesPerSec = BigInt(m[1] ?? '0');
  if (m[2] === 'G') bytesPerSec *= 1000000000n;
  else if (m[2] === 'M') bytesPerSec *= 1000000n;
  else if (m[2] === 'K') bytesPerSec *= 1000n;
  if (m[3] === 'b') bytesPerSec /= 8n;
  let interval = 50000n;
  if (m[5] !== undefined) {
    interval = BigInt(m[5]);
    if (m[6] === '') interval *= 1000000n;
    else if (m[6] === 'm') interval *= 1000n;
  }
  const perInterval = (bytesPerSec * interval) / 1000000n;
  if (perInterval === 0n || perInterval > UINT32_MAX || interval === 0n || interval > UINT32_MAX) return null;
  return { text, bytesPerSecond: Number(bytesPerSec), bytesPerInterval: Number(perInterval), intervalUsecs: Number(interval) };
}

// ---------------------------------------------------------------------------
// MAC

const MAC = /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/;
let hexOctets: readonly string[] | undefined;

/** MAC octets as text: [0, 0x16, 0x3e, 1, 2, 3] -> "00:16:3e:01:02:03". */
export function macText(octets: readonly number[]): string {
  hexOctets ??= Array.from({ length: 256 }, (_, o) => o.toString(16).padStart(2, '0'));
  // A loop, not map and join: the arrays come from several readers, each with its own elements kind,
  // and the inlined builtins deoptimised on the next one met.
  let out = '';
  for (let i = 0; i < octets.length; i++) {
    const o = octets[i]!;
    out += (i === 0 ? '' : ':') + (hexOctets[o] ?? o.toString(16).padStart(2, '0'));
  }
  return out;
}

/** Six one- or two-digit hex octets separated by colons; null otherwise. */
export function parseMac(text: string): MacInfo | null {
  if (!MAC.test(text)) return null;
  // The pattern holds only hex digits and colons: read the octets without split, parseInt and padStart (every vif of every guest comes here).
  const octets: number[] = [];
  let octet = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) {
      octets.push(octet);
      octet = 0;
    } else {
      octet = octet * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
    }
  }
  octets.push(octet);
  const first = octets[0] ?? 0;
  return {
    text: macText(octets),
    octets,
    xenOui: octets[0] === 0x00 && octets[1] === 0x16 && octets[2] === 0x3e,
    multicast: (first & 1) === 1,
    locallyAdministered: (first & 2) === 2,
  };
}

/**
 * strtoul(s, &end, 16): white space, a sign, an optional 0x, hex digits. Read by
 * char code (six per MAC of every vif). The value is exact up to 2^53 and
 * Infinity above (no octet is that large): a value of up to 13 hex digits is
 * read as a number, without a BigInt per octet; a longer one, or a negative
 * one (which strtoul wraps modulo 2^64), goes through BigInt.
 */
function strtoulHex(s: string, pos: number): { value: number; end: number } | null {
  let i = pos;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const sign = s.charCodeAt(i);
  if (sign === 43 || sign === 45) {
    neg = sign === 45;
    i++;
  }
  if (s.charCodeAt(i) === 48 && (s.charCodeAt(i + 1) | 32) === 120 && isHexDigit(s.charCodeAt(i + 2))) i += 2;
  const start = i;
  let small = 0;
  for (; i < s.length && isHexDigit(s.charCodeAt(i)); i++) {
    const c = s.charCodeAt(i);
    small = small * 16 + (c <= 57 ? c - 48 : (c | 32) - 87);
  }
  if (i === start) return null;
  if (i - start <= 13 && (!neg || small === 0)) return { value: small, end: i };
  let value = i - start <= 13 ? BigInt(small) : BigInt(`0x${s.slice(start, i)}`);
  if (value > UINT64_MAX) value = UINT64_MAX;
  if (neg && value !== 0n) value = UINT64_MAX + 1n - value;
  return { value: value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : Number.POSITIVE_INFINITY, end: i };
}

/**
 * xl's MAC reader: six strtoul(…, 16) calls, each followed by skipping exactly
 * one character, whatever it is; text after the sixth octet is ignored. The
 * octets read before a failure stay written (config files carry on).
 */
export function parseXlMac(text: string, into: number[]): { ok: true; ignored: string } | { ok: false } {
  let pos = 0;
  for (let i = 0; i < 6; i++) {
    // Skipping past the terminating NUL would make xl read beyond the string.
    if (pos > text.length) return { ok: false };
    const r = strtoulHex(text, pos);
    if (r === null || r.value > 255) return { ok: false };
    into[i] = r.value;
    pos = r.end + 1;
  }
  return { ok: true, ignored: text.slice(pos - 1) };
}

// ---------------------------------------------------------------------------
// xl

interface Piece {
  text: string;
  offset: number;
  /**
   * Config files: what follows the piece's comma in xl's strtok buffer. xl's MAC
   * reader may run past the piece's end (strtok put a NUL where the comma was) and
   * read on into the next pieces; past the last one it would read beyond the string.
   * Where it starts in the spec (st.vif.spec): the text is sliced only for a MAC.
   */
  tailAt?: number;
}

/** strtok(buf, ","): the pieces between commas, empty ones dropped, leading spaces skipped. */
function configPieces(spec: string): Piece[] {
  const out: Piece[] = [];
  let start = 0;
  for (let i = 0; i <= spec.length; i++) {
    if (i === spec.length || spec[i] === ',') {
      if (i > start) {
        let s = start;
        while (s < i && spec[s] === ' ') s++;
        const piece: Piece = { text: spec.slice(s, i), offset: s };
        if (i < spec.length) piece.tailAt = i + 1;
        out.push(piece);
      }
      start = i + 1;
    }
  }
  return out;
}

function attachPieces(words: readonly string[]): Piece[] {
  const out: Piece[] = [];
  let length = 0;
  let last = '';
  for (const text of words) {
    if (text !== '' && length > 0 && !last.endsWith(',')) length += 1;
    out.push({ text, offset: length });
    length += text.length;
    if (text !== '') last = text;
  }
  return out;
}

/** parse_ulong: strtoul base 10, must read a digit, ULONG_MAX is an error; trailing text ignored. */
function parseUlong(s: string): { value: number; ignored: string } | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)/.exec(s);
  if (!m) return null;
  let value = BigInt(m[2] ?? '0');
  if (value > UINT64_MAX) return null;
  if (m[1] === '-' && value !== 0n) value = UINT64_MAX + 1n - value;
  if (value === UINT64_MAX) return null;
  // xl stores it in an int: keep the C conversion visible rather than a huge number.
  return { value: Number(BigInt.asIntN(32, value)), ignored: s.slice(m[0].length) };
}

/** The COLO keys xl's parse_nic_config takes (plain strings; libxl marks COLO unstable), in IDL order. */
export const COLO_NIC_KEYS: readonly string[] = [
  'colo_sock_mirror_id',
  'colo_sock_mirror_ip',
  'colo_sock_mirror_port',
  'colo_sock_compare_pri_in_id',
  'colo_sock_compare_pri_in_ip',
  'colo_sock_compare_pri_in_port',
  'colo_sock_compare_sec_in_id',
  'colo_sock_compare_sec_in_ip',
  'colo_sock_compare_sec_in_port',
  'colo_sock_compare_notify_id',
  'colo_sock_compare_notify_ip',
  'colo_sock_compare_notify_port',
  'colo_sock_redirector0_id',
  'colo_sock_redirector0_ip',
  'colo_sock_redirector0_port',
  'colo_sock_redirector1_id',
  'colo_sock_redirector1_ip',
  'colo_sock_redirector1_port',
  'colo_sock_redirector2_id',
  'colo_sock_redirector2_ip',
  'colo_sock_redirector2_port',
  'colo_filter_mirror_queue',
  'colo_filter_mirror_outdev',
  'colo_filter_redirector0_queue',
  'colo_filter_redirector0_indev',
  'colo_filter_redirector0_outdev',
  'colo_filter_redirector1_queue',
  'colo_filter_redirector1_indev',
  'colo_filter_redirector1_outdev',
  'colo_compare_pri_in',
  'colo_compare_sec_in',
  'colo_compare_out',
  'colo_compare_notify_dev',
  'colo_sock_sec_redirector0_id',
  'colo_sock_sec_redirector0_ip',
  'colo_sock_sec_redirector0_port',
  'colo_sock_sec_redirector1_id',
  'colo_sock_sec_redirector1_ip',
  'colo_sock_sec_redirector1_port',
  'colo_filter_sec_redirector0_queue',
  'colo_filter_sec_redirector0_indev',
  'colo_filter_sec_redirector0_outdev',
  'colo_filter_sec_redirector1_queue',
  'colo_filter_sec_redirector1_indev',
  'colo_filter_sec_redirector1_outdev',
  'colo_filter_sec_rewriter0_queue',
  'colo_checkpoint_host',
  'colo_checkpoint_port',
];

const COLO_KEYS: ReadonlySet<string> = new Set(COLO_NIC_KEYS);

/** The keys xl's parse_nic_config reads besides the string and COLO ones. */
const XL_OTHER_KEYS: ReadonlySet<string> = new Set(['type', 'mac', 'netdev', 'rate', 'accel', 'devid', 'mtu']);

const XL_STRING_KEYS: Record<string, keyof VifSpec> = {
  bridge: 'bridge',
  gatewaydev: 'gatewaydev',
  ip: 'ip',
  script: 'script',
  backend: 'backend',
  vifname: 'vifname',
  model: 'model',
  forwarddev: 'forwarddev',
  vlan: 'vlan',
};

type Severity = 'fatal' | 'attach' | 'warning';

interface XlState {
  vif: VifSpec;
  mac: number[];
  macSet: boolean;
  problems: Problem[];
  staleErange: boolean;
}

function problem(st: XlState, severity: Severity, message: string, offset: number, code: string): void {
  const p: Problem = { message, offset, code, severity };
  if (severity === 'attach') p.fatalOnAttach = true;
  st.problems.push(p);
}

function xlPiece(st: XlState, piece: Piece): void {
  const { text, offset } = piece;
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq);
  const value = eq < 0 ? undefined : text.slice(eq + 1);
  const valueAt = offset + eq + 1;
  const v = st.vif;

  if (value === undefined && (text === 'trusted' || text === 'untrusted')) {
    v.trusted = text === 'trusted';
    v.entries.push({ key: text, offset });
    v.keys[text] = 'true';
    return;
  }
  const known = value !== undefined && (key in XL_STRING_KEYS || COLO_KEYS.has(key) || XL_OTHER_KEYS.has(key));
  // Unknown pieces are recorded too: a check may want to name the xm-only key.
  v.entries.push(value === undefined ? { key, offset } : { key, value, offset });
  v.keys[key] = value ?? 'true';
  if (!known || value === undefined) {
    problem(st, 'attach', `unrecognized argument \`${text}'`, offset, 'unknown-key');
    return;
  }

  const stringField = XL_STRING_KEYS[key];
  if (stringField !== undefined) {
    (v as unknown as Record<string, unknown>)[stringField] = value;
    if (key === 'ip') v.ips = value.split(/\s+/).filter((s) => s !== '');
    if (key === 'vlan') checkVlan(st, value, valueAt);
    return;
  }
  if (COLO_KEYS.has(key)) {
    v.colo = { ...v.colo, [key]: value };
    return;
  }
  switch (key) {
    case 'type':
      v.type = value;
      if (value === 'vif') v.nictype = 'vif';
      else if (value === 'ioemu') v.nictype = 'vif_ioemu';
      else problem(st, 'attach', `Invalid parameter \`type': \`${value}' (xl knows ioemu and vif)`, valueAt, 'vif-type');
      return;
    case 'mac': {
      v.mac = value;
      st.macSet = true;
      const r = parseXlMac(piece.tailAt !== undefined ? `${value}\0${v.spec.slice(piece.tailAt)}` : value, st.mac);
      if (!r.ok) {
        problem(st, 'attach', `Invalid parameter \`mac': \`${value}'`, valueAt, 'mac-invalid');
        return;
      }
      const info = parseMac(value);
      if (info) {
        v.mac = info.text;
        v.macInfo = info;
      } else {
        const read = macText(st.mac);
        problem(st, 'warning', `unusual MAC \`${value}': xl reads it as ${read}; write six two-digit hex octets separated by colons`, valueAt, 'mac-format');
      }
      return;
    }
    case 'netdev':
      v.gatewaydev = value;
      problem(st, 'warning', 'the netdev parameter is deprecated, please use gatewaydev instead', offset, 'deprecated-key');
      return;
    case 'rate': {
      const r = parseXlRate(value, st.staleErange);
      if (!r.ok) {
        problem(st, 'fatal', r.message, valueAt, 'rate-invalid');
        return;
      }
      v.rate = r.rate;
      for (const w of r.warnings) problem(st, 'warning', w, valueAt, 'rate-octal');
      return;
    }
    case 'accel':
      v.accel = value;
      problem(st, 'warning', 'the accel parameter for vifs is currently not supported (xl ignores it)', offset, 'accel-ignored');
      return;
    case 'devid':
    case 'mtu': {
      const n = parseUlong(value);
      if (n === null) {
        problem(st, 'fatal', `xl: failed to convert "${value}" to number`, valueAt, 'number-invalid');
        return;
      }
      if (key === 'devid') v.devid = n.value;
      else v.mtu = n.value;
      if (n.ignored !== '') problem(st, 'warning', `xl ignores \`${n.ignored}' after the number`, valueAt, 'ignored-text');
      return;
    }
  }
}

/** vlan=: terms split by '/': `<id>[p|u]`, `<a>-<b>[u]`, `<id>+<step>x<count>[u]`; ids 1..4094 (xl-network-configuration.5). */
function checkVlan(st: XlState, value: string, offset: number): void {
  const terms = value.split('/');
  let pvids = 0;
  const bad = (why: string): void => problem(st, 'warning', `vlan=${value}: ${why}`, offset, 'vlan-invalid');
  const inRange = (n: number): boolean => n >= 1 && n <= 4094;
  for (const term of terms) {
    let m: RegExpExecArray | null;
    if ((m = /^([0-9]+)([pu]?)$/.exec(term))) {
      if (!inRange(Number(m[1]))) return bad(`VLAN id ${m[1]} is outside 1-4094`);
      if (m[2] === 'p') pvids++;
    } else if ((m = /^([0-9]+)-([0-9]+)u?$/.exec(term))) {
      const a = Number(m[1]);
      const b = Number(m[2]);
      if (!inRange(a) || !inRange(b) || a > b) return bad(`range ${m[1]}-${m[2]} is not within 1-4094 in ascending order`);
    } else if ((m = /^([0-9]+)\+([0-9]+)x([0-9]+)u?$/.exec(term))) {
      const last = Number(m[1]) + Number(m[2]) * Number(m[3]);
      if (!inRange(Number(m[1])) || !inRange(last)) return bad(`${term} reaches outside 1-4094`);
    } else {
      return bad(`\`${term}' is not a VLAN id, range or id+stepxcount`);
    }
  }
  if (terms.length > 1 && pvids !== 1) bad('exactly one VLAN must be marked as the PVID with `p\'');
}

function newVif(spec: string, dialect: SpecDialect): VifSpec {
  return { spec, dialect, entries: [], keys: {}, ips: [], xlCompatible: true };
}

function parseXl(spec: string | readonly string[], context: 'config' | 'attach', staleErange: boolean): VifSpecResult {
  const joined = typeof spec === 'string' ? spec : joinSpecWords(spec);
  const pieces = context === 'attach' ? attachPieces(typeof spec === 'string' ? [spec] : spec) : configPieces(joined);
  const st: XlState = { vif: newVif(joined, 'xl'), mac: [0, 0, 0, 0, 0, 0], macSet: false, problems: [], staleErange };
  for (const piece of pieces) {
    xlPiece(st, piece);
    // network-attach returns at the first failing word; a rate/devid/mtu error exits anywhere.
    const last = st.problems[st.problems.length - 1];
    if (last && (last.severity === 'fatal' || (context === 'attach' && last.severity === 'attach'))) break;
  }
  if (st.macSet) st.vif.macOctets = [...st.mac];
  st.problems.push(...lintMac(st.vif));
  return finish(st.vif, st.problems, context);
}

type Problem = SpecProblem & { severity: Severity };

/** Checks beyond the toolstacks' own: a group MAC, the all-zero MAC. */
function lintMac(vif: VifSpec): Problem[] {
  const info = vif.macInfo;
  if (!info) return [];
  const offset = vif.entries.find((e) => e.key === 'mac')?.offset ?? 0;
  if (info.multicast) {
    return [{
      message: `MAC ${info.text} has the multicast bit set (first octet odd): no interface can use a group address; clear bit 0 of the first octet`,
      offset,
      code: 'mac-multicast',
      severity: 'fatal',
    }];
  }
  if (info.octets.every((o) => o === 0)) {
    return [{
      message: vif.dialect === 'xl'
        ? 'MAC 00:00:00:00:00:00 counts as "not set": xl generates a random one in 00:16:3e'
        : 'MAC 00:00:00:00:00:00 is not a usable station address (xm passes it on as written)',
      offset,
      code: 'mac-zero',
      severity: 'warning',
    }];
  }
  return [];
}

function finish(vif: VifSpec, problems: Problem[], context: 'config' | 'attach'): VifSpecResult {
  const isError = (p: Problem): boolean => p.severity === 'fatal' || (context === 'attach' && p.severity === 'attach');
  const strip = ({ severity: _s, ...p }: Problem): SpecProblem => p;
  // One pass that keeps the first error apart: no filtered array whose elements kind
  // (empty or not) differs from guest to guest at the sites that read it.
  let first: SpecProblem | undefined;
  const more: SpecProblem[] = [];
  const warnings: SpecProblem[] = [];
  for (const p of problems) {
    if (!isError(p)) warnings.push(strip(p));
    else if (first === undefined) first = strip(p);
    else more.push(strip(p));
  }
  if (first) {
    const r: VifSpecResult = { ok: false, error: first, warnings };
    if (more.length > 0) r.moreErrors = more;
    if (vif.dialect === 'xl' && context === 'config') r.vif = vif;
    return r;
  }
  return { ok: true, vif, warnings };
}

// ---------------------------------------------------------------------------
// xm

/** create.py configure_vifs: 3.0.4's keys; accel, policy and label came later (4.x). */
export const XM_VIF_KEYS_3_0_4 = ['backend', 'bridge', 'ip', 'mac', 'script', 'type', 'vifname', 'rate', 'model'] as const;
export const XM_VIF_KEYS_4 = [...XM_VIF_KEYS_3_0_4, 'accel', 'policy', 'label'] as const;

/** Python's str.strip() with no argument (ASCII white space). */
function pyStrip(s: string): { text: string; lead: number } {
  const m = /^[ \t\n\r\v\f]*/.exec(s);
  const lead = m?.[0].length ?? 0;
  return { text: s.slice(lead).replace(/[ \t\n\r\v\f]+$/, ''), lead };
}

function parseXm(spec: string | readonly string[]): VifSpecResult {
  const joined = typeof spec === 'string' ? spec : joinSpecWords(spec);
  const vif = newVif(joined, 'xm');
  const problems: Problem[] = [];
  const fail = (message: string, offset: number, code: string): void => void problems.push({ message, offset, code, severity: 'fatal' });

  const whole = pyStrip(joined);
  if (whole.text !== '') {
    let at = whole.lead;
    for (const item of whole.text.split(',')) {
      const eq = item.indexOf('=');
      if (eq < 0) {
        fail(`${item} should be a pair, separated by an equals sign.`, at, 'xm-vif-syntax');
        return finish(vif, problems, 'attach');
      }
      const k = pyStrip(item.slice(0, eq));
      const v = pyStrip(item.slice(eq + 1));
      vif.entries.push({ key: k.text, value: v.text, offset: at + k.lead });
      vif.keys[k.text] = v.text;
      at += item.length + 1;
    }
  }

  const seen = new Set<string>();
  for (const e of vif.entries) {
    if (seen.has(e.key)) continue;
    seen.add(e.key);
    if (!(XM_VIF_KEYS_4 as readonly string[]).includes(e.key)) {
      fail(`Invalid vif option: ${e.key}`, e.offset, 'unknown-key');
      return finish(vif, problems, 'attach');
    }
    if (!(XM_VIF_KEYS_3_0_4 as readonly string[]).includes(e.key)) {
      problems.push({ message: `vif option ${e.key} is not in xm 3.0.4's list ("Invalid vif option" there)`, offset: e.offset, code: 'xm-version', severity: 'warning' });
    }
  }

  for (const [key, value] of Object.entries(vif.keys)) {
    const offset = [...vif.entries].reverse().find((e) => e.key === key)?.offset ?? 0;
    const valueAt = offset + key.length + 1;
    switch (key) {
      case 'mac': {
        const info = parseMac(value);
        vif.mac = info?.text ?? value;
        if (info) {
          vif.macInfo = info;
          vif.macOctets = info.octets;
        } else {
          fail(`invalid MAC \`${value}': six hex octets separated by colons, e.g. 00:16:3e:12:34:56`, valueAt, 'mac-invalid');
        }
        break;
      }
      case 'rate': {
        const r = parseXmRate(value);
        if (r) vif.rate = r;
        else {
          problems.push({
            message: `xend cannot read rate=${value} and silently leaves the vif unlimited (xm wants e.g. 10MB/s or 10Mb/s@20ms)`,
            offset: valueAt,
            code: 'rate-ignored',
            severity: 'warning',
          });
        }
        break;
      }
      case 'ip':
        vif.ip = value;
        vif.ips = value.split(/\s+/).filter((s) => s !== '');
        break;
      case 'type':
        vif.type = value;
        if (value === 'ioemu') vif.nictype = 'vif_ioemu';
        else if (value !== 'netfront') {
          problems.push({ message: `type=${value}: xend only tells ioemu apart (emulated + PV); anything else is PV only`, offset: valueAt, code: 'vif-type', severity: 'warning' });
        }
        break;
      case 'bridge':
      case 'script':
      case 'backend':
      case 'vifname':
      case 'model':
      case 'accel':
      case 'policy':
      case 'label':
        (vif as unknown as Record<string, unknown>)[key] = value;
        break;
    }
  }
  problems.push(...lintMac(vif));
  xlVerdict(vif);
  return finish(vif, problems, 'attach');
}

/** Would xl, reading the same string from a config file, start the vif as xm meant it? */
function xlVerdict(vif: VifSpec): void {
  const asXl = parseXl(vif.spec, 'config', false);
  const reasons: string[] = [];
  if (!asXl.ok) reasons.push(`xl refuses it: ${asXl.error.message}`);
  else {
    for (const w of asXl.warnings) {
      if (w.fatalOnAttach) reasons.push(`xl ignores part of it: ${w.message}`);
    }
  }
  if (reasons.length > 0) {
    vif.xlCompatible = false;
    vif.xlIncompatibility = reasons.join('; ');
  }
}

// ---------------------------------------------------------------------------

/** Xen version as "major.minor.micro" (or longer); compares the numeric prefix only. */
function versionBefore(version: string, major: number, minor: number, micro: number): boolean | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return undefined;
  const v = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  const w = [major, minor, micro];
  for (let i = 0; i < 3; i++) {
    if ((v[i] ?? 0) !== (w[i] ?? 0)) return (v[i] ?? 0) < (w[i] ?? 0);
  }
  return false;
}

/**
 * Does an HVM guest get an emulated NIC for this vif? PV/PVH guests never do.
 * xl: unless type=vif. xm: type=ioemu always; no type only from 3.0.4 on
 * (7dc9afed06; 3.0.2/3.0.3 needed an explicit type=ioemu). Undefined when the
 * answer depends on a version that was not given.
 */
export function vifIsEmulated(vif: VifSpec, guestType: 'pv' | 'pvh' | 'hvm', xenVersion?: string): boolean | undefined {
  if (guestType !== 'hvm') return false;
  if (vif.dialect === 'xl') return vif.type !== 'vif';
  if (vif.type === 'ioemu') return true;
  if (vif.type !== undefined) return false;
  if (xenVersion === undefined) return undefined;
  const before = versionBefore(xenVersion, 3, 0, 4);
  return before === undefined ? undefined : !before;
}

/** The canonical `key=value,...` form; reading it back gives the same device. */
export function vifSpecToString(vif: VifSpec): string {
  const parts: string[] = [];
  const put = (k: string, v: string | number | undefined): void => {
    if (v !== undefined) parts.push(`${k}=${v}`);
  };
  put('type', vif.type);
  put('mac', vif.mac);
  put('bridge', vif.bridge);
  put('ip', vif.ip);
  put('script', vif.script);
  put('backend', vif.backend);
  put('vifname', vif.vifname);
  put('model', vif.model);
  put('rate', vif.rate?.text);
  if (vif.dialect === 'xl') {
    put('gatewaydev', vif.gatewaydev);
    put('forwarddev', vif.forwarddev);
    put('devid', vif.devid);
    put('mtu', vif.mtu);
    put('vlan', vif.vlan);
    for (const [k, v] of Object.entries(vif.colo ?? {})) put(k, v);
    if (vif.trusted !== undefined) parts.push(vif.trusted ? 'trusted' : 'untrusted');
  } else {
    put('accel', vif.accel);
    put('policy', vif.policy);
    put('label', vif.label);
  }
  return parts.join(',');
}
