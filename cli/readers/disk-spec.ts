/**
 * Disk specs, as xl and as xm read them (xen-facts.md B3).
 *
 * xl: an emulation of libxlu's flex scanner (tools/libs/util/libxlu_disk_l.l and
 * libxlu_disk.c). flex picks the rule with the longest match, counting trailing
 * context (`r/s`), and the earlier rule on a tie; the scanner then resumes after
 * `r`. That is what makes `raw:/x` a format prefix but `foo:bar` a target, and
 * `discard` a flag but `discard vdev` a (strange) target. Each command-line word
 * is scanned on its own, with the parse state carried over (xlu_disk_parse).
 *
 * xm: create.py splits on `,` into 3–5 fields (`preprocess_disk`); xend's
 * blkif.py then splits `type:params`, strips `ioemu:`, splits `vdev:devtype` and
 * checks the mode.
 *
 * Pure: text in, model and problems out; never throws.
 */
import { decodeVdev, isVdevError, type VdevInfo } from './vdev.js';

export type SpecDialect = 'xm' | 'xl';

export interface SpecProblem {
  message: string;
  /** 0-based offset into the spec (into `joinSpecWords(words)` when words were given). */
  offset: number;
  /** Stable kind for checks, e.g. "xl-disk-syntax", "vdev-invalid", "deprecated-prefix". */
  code?: string;
  /** xl vif specs: a config file only prints this, `xl network-attach` fails on it. */
  fatalOnAttach?: boolean;
}

export type DiskFormat = 'raw' | 'qcow' | 'qcow2' | 'vhd' | 'qed' | 'empty' | 'vmdk';
export type DiskBackendType = 'phy' | 'tap' | 'qdisk' | 'standalone';

export interface DiskColo {
  enable?: boolean;
  host?: string;
  port?: number;
  export?: string;
  activeDisk?: string;
  hiddenDisk?: string;
}

export interface DiskSpec {
  spec: string;
  dialect: SpecDialect;
  syntax: 'positional' | 'keyvalue' | 'deprecated';
  /** pdev_path. Absent: none given; '' : an empty drive (CD-ROM without media). */
  target?: string;
  /** The format as the toolstack settles it (xl: raw by default, empty for a CD-ROM without media). */
  format: DiskFormat;
  /** The bare vdev (no `ioemu:`, no `:cdrom`). */
  vdev?: string;
  vdevInfo?: VdevInfo;
  /** r / w, or w! (xm only: writable even when already in use). */
  access: 'r' | 'w' | 'w!';
  /** The access word as written (r, ro, w, rw, w!), when one was written. */
  accessText?: string;
  readwrite: boolean;
  devtype: 'disk' | 'cdrom';
  isCdrom: boolean;
  removable: boolean;
  /** Backend domain: xl `backend=`, xm's 4th field. */
  backend?: string;
  backendtype?: DiskBackendType;
  /** Hotplug script: `script=`, or block-<x> from an iscsi:/nbd:/enbd:/drbd: prefix. */
  script?: string;
  /** The prefix chain as written: phy, file, tap:aio, tap2:tapdisk:aio, iscsi, raw, ... */
  prefix?: string;
  specification?: 'xen' | 'virtio';
  directIoSafe: boolean;
  discard?: boolean;
  trusted?: boolean;
  grantUsage?: boolean;
  colo?: DiskColo;
  /** xm 5th field (blkif protocol, e.g. x86_32-abi). */
  protocol?: string;
  /** xm: the vdev carried `ioemu:` (HVM emulated disk). */
  ioemu?: boolean;
  /** False when xl rejects this spec; the reason says why ("breaks when you move to xl"). */
  xlCompatible: boolean;
  xlIncompatibility?: string;
}

export type DiskSpecResult =
  | { ok: true; disk: DiskSpec; warnings: SpecProblem[] }
  | { ok: false; error: SpecProblem; warnings: SpecProblem[]; moreErrors?: SpecProblem[] };

export interface SpecWord {
  text: string;
  /** Offset of the word in the joined spec. */
  offset: number;
}

/**
 * One spec string from several command-line words: a comma between words unless
 * the previous word already ends with one; empty words dropped. Parsing the
 * joined string gives what xl gives for the words, except that a `target=` in a
 * word that is not the last eats the following words too; pass the words
 * themselves to the parsers to get xl's word-by-word reading exactly.
 */
export function joinSpecWords(words: readonly string[]): string {
  return splitWords(words).reduce((acc, w) => acc + (acc === '' || acc.endsWith(',') ? '' : ',') + w.text, '');
}

/** The words with their offsets in `joinSpecWords(words)`. */
export function splitWords(words: readonly string[]): SpecWord[] {
  const out: SpecWord[] = [];
  let length = 0;
  let last = '';
  for (const text of words) {
    if (text === '') continue;
    if (length > 0 && !last.endsWith(',')) length += 1;
    out.push({ text, offset: length });
    length += text.length;
    last = text;
  }
  return out;
}

function wordsOf(spec: string | readonly string[]): { joined: string; words: SpecWord[] } {
  if (typeof spec === 'string') return { joined: spec, words: [{ text: spec, offset: 0 }] };
  return { joined: joinSpecWords(spec), words: splitWords(spec) };
}

export function parseDiskSpec(spec: string | readonly string[], dialect: SpecDialect): DiskSpecResult {
  try {
    return dialect === 'xm' ? parseXm(spec) : parseXl(spec);
  } catch (e) {
    // A parser must not throw; should a bug slip through, it becomes a finding.
    return { ok: false, error: { message: `internal error reading disk spec: ${String(e)}`, offset: 0, code: 'internal' }, warnings: [] };
  }
}

// ---------------------------------------------------------------------------
// xl: the libxlu scanner

type XlFormat = DiskFormat | 'unknown';

interface XlDisk {
  backendDomname: string | null;
  pdevPath: string | null;
  vdev: string | null;
  backend: DiskBackendType | 'unknown';
  format: XlFormat;
  script: string | null;
  removable: boolean;
  readwrite: boolean;
  isCdrom: boolean;
  directIoSafe: boolean;
  discard: boolean | undefined;
  specification: 'xen' | 'virtio' | 'unknown';
  coloEnable: boolean | undefined;
  coloHost: string | null;
  coloPort: number;
  coloExport: string | null;
  activeDisk: string | null;
  hiddenDisk: string | null;
  trusted: boolean | undefined;
  grantUsage: boolean | undefined;
}

interface ScanState {
  disk: XlDisk;
  hadDeprPrefix: boolean;
  accessSet: boolean;
  accessText: string | undefined;
  prefixes: Array<{ name: string; offset: number }>;
  sawPositional: boolean;
  sawDeprecatedVdev: boolean;
  errors: SpecProblem[];
  warnings: SpecProblem[];
  vdevOffset: number;
}

/** A matched token: `text` is flex's yytext (without trailing context). */
interface Token {
  text: string;
  start: number;
}

type Action = (st: ScanState, tok: Token) => 'stop' | void;

/**
 * Returns yytext's length, or -1 for no match; the total length with trailing
 * context is left in `matchedFull` (no pair allocated per try: every rule that
 * can start at a character of every disk spec is tried).
 */
type Matcher = ((s: string, pos: number) => number) & {
  /** The characters a match can start with; absent = any. */
  first?: string;
};

/** The total length of the last successful match, trailing context included. */
let matchedFull = 0;

interface Rule {
  name: string;
  match: Matcher;
  action: Action;
}

/** How many characters from `from` up to the next newline (or the end): flex's `.*`, i.e. DOT_STAR. */
function restOfLine(s: string, from: number): number {
  const nl = s.indexOf('\n', from);
  return (nl < 0 ? s.length : nl) - from;
}

/**
 * A literal head (`vdev=`, `discard`: `[-a-z0-9_=]+`) followed by VALUE (`[^,]*,?`), PARAM (`,?`)
 * or DOT_STAR, and which of the three; undefined for any other pattern. By hand, as firstChars:
 * the rules are made at load, and the regular expressions that read their patterns were compiled
 * (and tiered up to machine code) on every start (issue 14).
 */
export function literalHead(pattern: string): { word: string; rest: 'value' | 'param' | 'line' } | undefined {
  let end = 0;
  while (end < pattern.length && isHeadChar(pattern.charCodeAt(end))) end++;
  if (end === 0) return undefined;
  const tail = pattern.slice(end);
  const rest = tail === `[^,]*${PARAM}` ? 'value' : tail === PARAM ? 'param' : tail === DOT_STAR ? 'line' : undefined;
  return rest === undefined ? undefined : { word: pattern.slice(0, end), rest };
}

/** `[-a-z0-9_=]`. */
const isHeadChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95 || c === 61;

function re(pattern: string, trailing?: string): Matcher {
  const literal = trailing === undefined ? literalHead(pattern) : undefined;
  let match: Matcher;
  if (literal) {
    // The keyword rules, as plain string tests: the same matches as the regex, without a regex call per try.
    const { word, rest } = literal;
    match = (s, pos) => {
      if (!s.startsWith(word, pos)) return -1;
      let end = pos + word.length;
      if (rest === 'line') end += restOfLine(s, end);
      else {
        if (rest === 'value') while (end < s.length && s.charCodeAt(end) !== 44) end++;
        if (s.charCodeAt(end) === 44) end++;
      }
      matchedFull = end - pos;
      return matchedFull;
    };
  } else {
    const head = new RegExp(pattern, 'y');
    const tail = trailing === undefined || trailing === DOT_STAR ? undefined : new RegExp(trailing, 'y');
    // test(), not exec(): a sticky regex's lastIndex is where its match ends, and no match array is made.
    match = (s, pos) => {
      head.lastIndex = pos;
      if (!head.test(s)) return -1;
      const len = head.lastIndex - pos;
      if (trailing === undefined) matchedFull = len;
      else if (!tail) matchedFull = len + restOfLine(s, pos + len);
      else {
        tail.lastIndex = pos + len;
        matchedFull = len + (tail.test(s) ? tail.lastIndex - pos - len : 0);
      }
      return len;
    };
  }
  const first = firstChars(pattern);
  if (first !== undefined) match.first = first;
  return match;
}

/**
 * The characters a match of `pattern` must start with, when it plainly begins
 * with a literal (`format=…`) or a group of literal alternatives
 * (`(?:raw|qcow2?|vhd):`); undefined for anything else (classes, optional
 * first characters, top-level `|`), which is then tried at every position.
 */
export function firstChars(pattern: string): string | undefined {
  // Character tests, not regular expressions: see literalHead.
  const literalStart = (alt: string): boolean => isLiteralFirst(alt.charCodeAt(0)) && !isQuantifier(alt.charCodeAt(1));
  if (pattern.startsWith('(?:')) {
    const close = pattern.indexOf(')');
    if (close < 0) return undefined;
    const inner = pattern.slice(3, close);
    const after = pattern.slice(close + 1);
    if (inner.includes('(') || inner.includes('[') || inner.includes('\\') || isQuantifier(after.charCodeAt(0)) || after.includes('|')) return undefined;
    const alts = inner.split('|');
    if (!alts.every(literalStart)) return undefined;
    return [...new Set(alts.map((a) => a[0]))].join('');
  }
  if (pattern.includes('|') || !literalStart(pattern)) return undefined;
  return pattern[0];
}

/** `[a-z0-9_]`. */
const isLiteralFirst = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95;
/** `[?*+{]` (NaN past the end: no). */
const isQuantifier = (c: number): boolean => c === 63 || c === 42 || c === 43 || c === 123;

/** flex's `.` is any byte but newline; JS's also excludes \r and U+2028/9. */
const DOT_STAR = '[^\\n]*';

function err(st: ScanState, offset: number, erroneous: string | null, message: string): void {
  const near = erroneous === null ? '' : `: near \`${erroneous}'`;
  st.errors.push({ message: `${message}${near}`, offset, code: 'xl-disk-syntax' });
}

function strip(tok: Token, delim: string): string {
  return tok.text.endsWith(delim) ? tok.text.slice(0, -1) : tok.text;
}

/** The value after `key=`, stripped of one trailing comma, with its offset. */
function fromEquals(tok: Token): { value: string; offset: number } {
  const eq = tok.text.indexOf('=');
  return { value: strip(tok, ',').slice(eq + 1), offset: tok.start + eq + 1 };
}

type StringField = 'pdevPath' | 'vdev' | 'script' | 'backendDomname' | 'coloHost' | 'coloExport' | 'activeDisk' | 'hiddenDisk';

/** libxlu's savestring: a non-empty value may not be replaced ("<what> respecified"). */
function saveString(st: ScanState, what: string, field: StringField, value: string, offset: number): void {
  const current = st.disk[field];
  if (current) {
    err(st, offset, value, `${what} respecified`);
    return;
  }
  st.disk[field] = value;
}

/** libxlu's DSET: an enum may be set again only to the same value. */
function dset<K extends 'format' | 'backend' | 'specification'>(
  st: ScanState,
  member: K,
  value: XlDisk[K],
  text: string,
  offset: number,
): void {
  const current = st.disk[member];
  if (current !== 'unknown' && current !== value) {
    err(st, offset, text, `${member} respecified`);
    return;
  }
  st.disk[member] = value;
}

const FORMATS: Record<string, DiskFormat> = {
  '': 'raw',
  raw: 'raw',
  qcow: 'qcow',
  qcow2: 'qcow2',
  vhd: 'vhd',
  empty: 'empty',
  qed: 'qed',
};

function setFormat(st: ScanState, value: string, offset: number): void {
  const f = FORMATS[value];
  if (f === undefined) err(st, offset, value, 'unknown value for format');
  else dset(st, 'format', f, value, offset);
}

function setAccess(st: ScanState, value: string, offset: number): void {
  if (value === 'r' || value === 'ro') st.disk.readwrite = false;
  else if (value === 'rw' || value === 'w' || value === '') st.disk.readwrite = true;
  else err(st, offset, value, 'unknown value for access');
  st.accessText = value;
}

const BACKEND_TYPES: Record<string, DiskBackendType> = { phy: 'phy', tap: 'tap', qdisk: 'qdisk', standalone: 'standalone' };

/** `<vdev>:<devtype>` in a positional word; false (doing nothing) when there is no colon. */
function vdevAndDevtype(st: ScanState, text: string, offset: number): boolean {
  const colon = text.lastIndexOf(':');
  if (colon < 0) return false;
  st.sawDeprecatedVdev = true;
  st.vdevOffset = offset;
  saveString(st, 'vdev', 'vdev', text.slice(0, colon), offset);
  const type = text.slice(colon + 1);
  if (type === 'cdrom') st.disk.isCdrom = true;
  else if (type === 'disk') st.disk.isCdrom = false;
  else err(st, offset + colon + 1, type, 'unknown deprecated type');
  return true;
}

function keyValue(field: StringField, what: string): Action {
  return (st, tok) => {
    const { value, offset } = fromEquals(tok);
    if (field === 'vdev') st.vdevOffset = offset;
    saveString(st, what, field, value, offset);
  };
}

function ignoredPrefix(st: ScanState, tok: Token): void {
  st.hadDeprPrefix = true;
  st.prefixes.push({ name: strip(tok, ':'), offset: tok.start });
}

const PARAM = ',?';

const RULES: Rule[] = [
  { name: 'whitespace', match: re('[ \\t\\n]+', `(?:[^ \\t\\n]${DOT_STAR})?`), action: () => undefined },
  {
    name: 'format=',
    match: re(`format=[^,]*${PARAM}`),
    action: (st, tok) => {
      const { value, offset } = fromEquals(tok);
      setFormat(st, value, offset);
    },
  },
  { name: 'cdrom', match: re(`cdrom${PARAM}`), action: (st) => void (st.disk.isCdrom = true) },
  { name: 'devtype=cdrom', match: re(`devtype=cdrom${PARAM}`), action: (st) => void (st.disk.isCdrom = true) },
  { name: 'devtype=disk', match: re(`devtype=disk${PARAM}`), action: (st) => void (st.disk.isCdrom = false) },
  { name: 'devtype=', match: re(`devtype=[^,]*${PARAM}`), action: (st, tok) => err(st, tok.start, tok.text, 'unknown value for type') },
  {
    name: 'access=',
    match: re(`access=[^,]*${PARAM}`),
    action: (st, tok) => {
      const { value, offset } = fromEquals(tok);
      setAccess(st, value, offset);
    },
  },
  { name: 'backend=', match: re(`backend=[^,]*${PARAM}`), action: keyValue('backendDomname', 'backend') },
  {
    name: 'backendtype=',
    match: re(`backendtype=[^,]*${PARAM}`),
    action: (st, tok) => {
      const { value, offset } = fromEquals(tok);
      const b = BACKEND_TYPES[value];
      if (b === undefined) err(st, offset, value, 'unknown value for backendtype');
      else dset(st, 'backend', b, value, offset);
    },
  },
  {
    name: 'specification=',
    match: re(`specification=[^,]*${PARAM}`),
    action: (st, tok) => {
      const { value, offset } = fromEquals(tok);
      if (value === 'xen' || value === 'virtio') dset(st, 'specification', value, value, offset);
      else err(st, offset, value, 'unknown value for specification');
    },
  },
  { name: 'vdev=', match: re(`vdev=[^,]*${PARAM}`), action: keyValue('vdev', 'vdev') },
  { name: 'script=', match: re(`script=[^,]*${PARAM}`), action: keyValue('script', 'script') },
  { name: 'direct-io-safe', match: re(`direct-io-safe${PARAM}`), action: (st) => void (st.disk.directIoSafe = true) },
  { name: 'discard', match: re(`discard${PARAM}`), action: (st) => void (st.disk.discard = true) },
  { name: 'no-discard', match: re(`no-discard${PARAM}`), action: (st) => void (st.disk.discard = false) },
  // libxl marks the COLO settings unstable; they are read as libxlu reads them.
  { name: 'colo', match: re(`colo${PARAM}`), action: (st) => void (st.disk.coloEnable = true) },
  { name: 'no-colo', match: re(`no-colo${PARAM}`), action: (st) => void (st.disk.coloEnable = false) },
  { name: 'colo-host=', match: re(`colo-host=[^,]*${PARAM}`), action: keyValue('coloHost', 'colo-host') },
  {
    name: 'colo-port=',
    match: re(`colo-port=[^,]*${PARAM}`),
    action: (st, tok) => {
      const { value, offset } = fromEquals(tok);
      const port = atoi(value);
      if (port) st.disk.coloPort = port;
      else err(st, offset, value, 'unknown value for colo_port');
    },
  },
  { name: 'colo-export=', match: re(`colo-export=[^,]*${PARAM}`), action: keyValue('coloExport', 'colo-export') },
  { name: 'active-disk=', match: re(`active-disk=[^,]*${PARAM}`), action: keyValue('activeDisk', 'active-disk') },
  { name: 'hidden-disk=', match: re(`hidden-disk=[^,]*${PARAM}`), action: keyValue('hiddenDisk', 'hidden-disk') },
  { name: 'trusted', match: re(`trusted${PARAM}`), action: (st) => void (st.disk.trusted = true) },
  { name: 'untrusted', match: re(`untrusted${PARAM}`), action: (st) => void (st.disk.trusted = false) },
  { name: 'grant_usage=1', match: re(`grant_usage=1${PARAM}`), action: (st) => void (st.disk.grantUsage = true) },
  { name: 'grant_usage=0', match: re(`grant_usage=0${PARAM}`), action: (st) => void (st.disk.grantUsage = false) },
  // The magic parameter: eats the rest of the word.
  { name: 'target=', match: re(`target=${DOT_STAR}`), action: keyValue('pdevPath', 'target') },
  {
    name: 'unknown key=',
    match: re(`[a-z][-a-z0-9]*=[^,]${PARAM}`),
    action: (st, tok) => err(st, tok.start, tok.text, 'unknown parameter'),
  },
  // Deprecated prefixes: the trailing `.*` makes them win over a positional word.
  {
    name: 'format prefix',
    match: re('(?:raw|qcow2?|vhd):', DOT_STAR),
    action: (st, tok) => {
      const name = strip(tok, ':');
      st.hadDeprPrefix = true;
      st.prefixes.push({ name, offset: tok.start });
      setFormat(st, name, tok.start);
    },
  },
  {
    name: 'script prefix',
    match: re('(?:iscsi|e?nbd|drbd):', DOT_STAR),
    action: (st, tok) => {
      const name = strip(tok, ':');
      st.hadDeprPrefix = true;
      st.prefixes.push({ name, offset: tok.start });
      saveString(st, 'script', 'script', `block-${name}`, tok.start);
    },
  },
  { name: 'tapdisk:', match: re('tapdisk:', DOT_STAR), action: ignoredPrefix },
  { name: 'tap:', match: re('tap2?:', DOT_STAR), action: ignoredPrefix },
  { name: 'aio:', match: re('aio:', DOT_STAR), action: ignoredPrefix },
  { name: 'ioemu:', match: re('ioemu:', DOT_STAR), action: ignoredPrefix },
  { name: 'file:', match: re('file:', DOT_STAR), action: ignoredPrefix },
  { name: 'phy:', match: re('phy:', DOT_STAR), action: ignoredPrefix },
  {
    name: 'unknown prefix',
    match: re('[a-z][a-z0-9]*:', `(?:[^a-z0-9]${DOT_STAR})?`),
    action: (st, tok) => {
      err(st, tok.start, tok.text, 'unknown deprecated disk prefix');
      return 'stop';
    },
  },
  { name: 'positional', match: matchPositional, action: positional },
];

/**
 * The rules that can match at a character, in RULES order (flex breaks ties by
 * order): those whose literal start is that character, and those that can start
 * anywhere. Trying only these, instead of all ~35 rules at every position, is
 * the same longest match at a fraction of the cost.
 */
const ANYWHERE = RULES.filter((r) => r.match.first === undefined);
const BY_FIRST = new Map<string, Rule[]>();
for (const r of RULES) {
  for (const c of r.match.first ?? '') {
    if (!BY_FIRST.has(c)) BY_FIRST.set(c, RULES.filter((x) => x.match.first === undefined || x.match.first.includes(c)));
  }
}

function rulesAt(c: string): Rule[] {
  return BY_FIRST.get(c) ?? ANYWHERE;
}

/** `[^=,]*,|[^=,]+,?` — the longer of the two alternatives. */
function matchPositional(s: string, pos: number): number {
  let i = pos;
  // Never a read past the end (charCodeAt's NaN there deoptimised the scanner).
  while (i < s.length && s.charCodeAt(i) !== 61 && s.charCodeAt(i) !== 44) i++;
  if (i < s.length && s.charCodeAt(i) === 44) i++;
  else if (i === pos) return -1;
  matchedFull = i - pos;
  return matchedFull;
}

function positional(st: ScanState, tok: Token): 'stop' | void {
  const text = strip(tok, ',');
  const at = tok.start;
  st.sawPositional = true;
  const d = st.disk;
  if (st.errors.length > 0) {
    // libxlu: previous errors may just lead to subsequent ones.
  } else if (d.pdevPath === null) {
    saveString(st, 'target', 'pdevPath', text, at);
  } else if (!st.hadDeprPrefix && d.format === 'unknown') {
    if (d.pdevPath === '' && vdevAndDevtype(st, text, at)) d.format = 'empty';
    else setFormat(st, text, at);
  } else if (d.vdev === null) {
    if (!vdevAndDevtype(st, text, at)) {
      st.vdevOffset = at;
      saveString(st, 'vdev', 'vdev', text, at);
    }
  } else if (!st.accessSet) {
    st.accessSet = true;
    setAccess(st, text, at);
  } else {
    err(st, at, text, 'too many positional parameters');
    return 'stop';
  }
}

function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  if (!m) return 0;
  const n = parseInt(m[1] ?? '0', 10);
  // atoi on an out-of-range value is undefined in C; treat it as unusable.
  return Number.isSafeInteger(n) && Math.abs(n) <= 2147483647 ? n : 0;
}

function scanWord(st: ScanState, word: SpecWord): void {
  const s = word.text;
  let pos = 0;
  while (pos < s.length) {
    let best: Rule | undefined;
    let bestText = 0;
    let bestFull = 0;
    for (const rule of rulesAt(s[pos]!)) {
      const len = rule.match(s, pos);
      if (len >= 0 && (best === undefined || matchedFull > bestFull)) {
        best = rule;
        bestText = len;
        bestFull = matchedFull;
      }
    }
    if (best === undefined) {
      // flex's `.` rule: everything from here to the end of the line is "bad disk syntax".
      const nl = s.indexOf('\n', pos + 1);
      const rest = s.slice(pos, nl < 0 ? s.length : nl);
      if (rest.length === 1 && pos + 1 === s.length) {
        // At the end of the word the error state meets end-of-input and flex just stops.
        st.warnings.push({
          message: `xl silently ignores the trailing \`${rest}'`,
          offset: word.offset + pos,
          code: 'ignored-text',
        });
      } else {
        err(st, word.offset + pos, rest, 'bad disk syntax');
      }
      return;
    }
    const tok: Token = { text: s.slice(pos, pos + bestText), start: word.offset + pos };
    if (best.action(st, tok) === 'stop') return;
    pos += bestText;
  }
}

function newXlDisk(): XlDisk {
  return {
    backendDomname: null,
    pdevPath: null,
    vdev: null,
    backend: 'unknown',
    format: 'unknown',
    script: null,
    removable: false,
    readwrite: true,
    isCdrom: false,
    directIoSafe: false,
    discard: undefined,
    specification: 'unknown',
    coloEnable: undefined,
    coloHost: null,
    coloPort: 0,
    coloExport: null,
    activeDisk: null,
    hiddenDisk: null,
    trusted: undefined,
    grantUsage: undefined,
  };
}

const IGNORED_PREFIXES = new Set(['tapdisk', 'tap', 'tap2', 'aio', 'ioemu', 'file', 'phy']);

function parseXl(spec: string | readonly string[]): DiskSpecResult {
  const { joined, words } = wordsOf(spec);
  const st: ScanState = {
    disk: newXlDisk(),
    hadDeprPrefix: false,
    accessSet: false,
    accessText: undefined,
    prefixes: [],
    sawPositional: false,
    sawDeprecatedVdev: false,
    errors: [],
    warnings: [],
    vdevOffset: 0,
  };
  for (const word of words) {
    scanWord(st, word);
    if (st.errors.length > 0) return failed(st.errors, st.warnings);
  }

  const d = st.disk;
  if (d.format === 'unknown') d.format = 'raw';
  if (d.isCdrom) {
    d.removable = true;
    d.readwrite = false;
    if (!d.pdevPath) d.format = 'empty';
  }
  if (d.vdev === null) return failed([{ message: 'no vdev specified', offset: 0, code: 'xl-disk-syntax' }], st.warnings);
  if (d.pdevPath === null && !d.removable) {
    return failed([{ message: 'no target specified (and device not removable)', offset: 0, code: 'xl-disk-syntax' }], st.warnings);
  }

  const warnings = st.warnings;
  for (const { name: p, offset } of st.prefixes) {
    const advice = p === 'ioemu'
      ? "xl ignores the deprecated `ioemu:' prefix (an HVM guest's disks are emulated according to their vdev)"
      : IGNORED_PREFIXES.has(p)
      ? `xl ignores the deprecated \`${p}:' prefix (libxl picks the backend; backendtype= sets it)`
      : FORMATS[p] !== undefined
        ? `deprecated \`${p}:' prefix: write format=${p}`
        : `deprecated \`${p}:' prefix: write script=block-${p}`;
    warnings.push({ message: advice, offset, code: 'deprecated-prefix' });
  }

  const disk: DiskSpec = {
    spec: joined,
    dialect: 'xl',
    syntax: st.hadDeprPrefix || st.sawDeprecatedVdev ? 'deprecated' : st.sawPositional ? 'positional' : 'keyvalue',
    format: d.format,
    access: d.readwrite ? 'w' : 'r',
    readwrite: d.readwrite,
    devtype: d.isCdrom ? 'cdrom' : 'disk',
    isCdrom: d.isCdrom,
    removable: d.removable,
    directIoSafe: d.directIoSafe,
    xlCompatible: true,
  };
  if (d.pdevPath !== null) disk.target = d.pdevPath;
  disk.vdev = d.vdev;
  attachVdev(disk, d.vdev, st.vdevOffset, warnings, 'xl');
  if (st.accessText !== undefined) disk.accessText = st.accessText;
  if (d.backendDomname !== null) disk.backend = d.backendDomname;
  if (d.backend !== 'unknown') disk.backendtype = d.backend;
  if (d.script !== null) disk.script = d.script;
  if (st.prefixes.length > 0) disk.prefix = prefixText(st.prefixes);
  if (d.specification !== 'unknown') disk.specification = d.specification;
  if (d.discard !== undefined) disk.discard = d.discard;
  if (d.trusted !== undefined) disk.trusted = d.trusted;
  if (d.grantUsage !== undefined) disk.grantUsage = d.grantUsage;
  const colo: DiskColo = {};
  if (d.coloEnable !== undefined) colo.enable = d.coloEnable;
  if (d.coloHost !== null) colo.host = d.coloHost;
  if (d.coloPort !== 0) colo.port = d.coloPort;
  if (d.coloExport !== null) colo.export = d.coloExport;
  if (d.activeDisk !== null) colo.activeDisk = d.activeDisk;
  if (d.hiddenDisk !== null) colo.hiddenDisk = d.hiddenDisk;
  if (Object.keys(colo).length > 0) disk.colo = colo;
  return { ok: true, disk, warnings };
}

function failed(errors: SpecProblem[], warnings: SpecProblem[]): DiskSpecResult {
  const result: DiskSpecResult = { ok: false, error: errors[0] ?? { message: 'invalid disk spec', offset: 0 }, warnings };
  if (errors.length > 1) result.moreErrors = errors.slice(1);
  return result;
}

/** The prefixes joined with `:`, by a loop: map and join, inlined, deoptimised on the next elements kind met. */
function prefixText(prefixes: ReadonlyArray<{ name: string }>): string {
  let out = prefixes[0]!.name;
  for (let i = 1; i < prefixes.length; i++) out += `:${prefixes[i]!.name}`;
  return out;
}

function attachVdev(disk: DiskSpec, vdev: string, offset: number, warnings: SpecProblem[], dialect: SpecDialect): void {
  const info = decodeVdev(vdev);
  if (isVdevError(info)) {
    const who = dialect === 'xl' ? 'libxl' : 'xend';
    warnings.push({ message: `invalid vdev ${info.error}; ${who} refuses the disk when the domain is created`, offset, code: 'vdev-invalid' });
    return;
  }
  disk.vdevInfo = info;
  if (dialect === 'xm' && !info.xmSupported) {
    warnings.push({ message: `xm/xend does not know the ${vdev} form ("Unable to find number for device")`, offset, code: 'vdev-invalid' });
  }
}

// ---------------------------------------------------------------------------
// xm: create.py + xend blkif.py

/** blktap disk types that may follow `tap:` / `tap2:` (tapdisk is blktap2's driver name). */
const TAP_SUBTYPES: Record<string, DiskFormat> = {
  tapdisk: 'raw',
  aio: 'raw',
  sync: 'raw',
  ram: 'raw',
  ioemu: 'raw',
  remus: 'raw',
  vmdk: 'vmdk',
  qcow: 'qcow',
  qcow2: 'qcow2',
  vhd: 'vhd',
};

/** Types xend takes without a block-<type> script (blkif.py `_isValidProtocol`, 4.x). */
const XEND_BUILTIN_TYPES = new Set(['phy', 'file', 'tap', 'tap2']);
/** Block scripts shipped in tools/hotplug or commonly installed (xen-facts.md B3). */
const KNOWN_BLOCK_SCRIPTS = new Set(['iscsi', 'nbd', 'enbd', 'drbd', 'npiv', 'dmmd']);

function parseXm(spec: string | readonly string[]): DiskSpecResult {
  const { joined } = wordsOf(spec);
  const warnings: SpecProblem[] = [];
  const fields = joined.split(',');
  const starts: number[] = [];
  let at = 0;
  for (const f of fields) {
    starts.push(at);
    at += f.length + 1;
  }
  const field = (i: number): string => fields[i] ?? '';
  const start = (i: number): number => starts[i] ?? 0;

  if (fields.length < 3 || fields.length > 5) {
    return {
      ok: false,
      error: {
        message: `Invalid disk specifier: ${joined} (xm wants TYPE:TARGET,VDEV,MODE[,BACKEND-DOMAIN]; ${fields.length} field${fields.length === 1 ? '' : 's'} given)`,
        offset: 0,
        code: 'xm-disk-syntax',
      },
      warnings,
    };
  }
  if (fields.length === 5) {
    warnings.push({
      message: 'a 5th field (blkif protocol) is read by xm 4.x; xm 3.0.x rejects the spec ("Invalid disk specifier")',
      offset: start(4),
      code: 'xm-version',
    });
  }

  const uname = field(0);
  let dev = field(1);
  const mode = field(2);
  let ioemu = false;
  let devOffset = start(1);

  // blkif.py: `if 'ioemu:' in dev` drops everything up to the first colon.
  if (dev.includes('ioemu:')) {
    const colon = dev.indexOf(':');
    devOffset += colon + 1;
    dev = dev.slice(colon + 1);
    ioemu = true;
  }
  let devtype = 'disk';
  const typeColon = dev.indexOf(':');
  if (typeColon >= 0) {
    devtype = dev.slice(typeColon + 1);
    dev = dev.slice(0, typeColon);
    if (devtype !== 'cdrom' && devtype !== 'disk') {
      warnings.push({
        message: `unknown device type \`${devtype}' after the vdev (cdrom or disk)`,
        offset: devOffset + typeColon + 1,
        code: 'xm-disk-syntax',
      });
    }
  }
  const isCdrom = devtype === 'cdrom';

  let target: string | undefined;
  let prefix: string | undefined;
  let format: DiskFormat = 'raw';
  let script: string | undefined;
  if (uname === '') {
    if (!isCdrom) {
      return {
        ok: false,
        error: { message: 'Block device must have physical details specified', offset: 0, code: 'xm-disk-syntax' },
        warnings,
      };
    }
    target = '';
    format = 'empty';
  } else {
    const colon = uname.indexOf(':');
    if (colon < 0) {
      return {
        ok: false,
        error: {
          message: `Block device must have physical details specified (\`${uname}' has no TYPE: prefix such as phy: or file:)`,
          offset: 0,
          code: 'xm-disk-syntax',
        },
        warnings,
      };
    }
    const typ = uname.slice(0, colon);
    let params = uname.slice(colon + 1);
    const chain = [typ];
    if (typ === 'tap' || typ === 'tap2') {
      let m: RegExpExecArray | null;
      while ((m = /^([a-z0-9]+):/.exec(params)) && m[1] !== undefined && TAP_SUBTYPES[m[1]] !== undefined) {
        chain.push(m[1]);
        format = TAP_SUBTYPES[m[1]] ?? format;
        params = params.slice(m[0].length);
      }
      if (chain.length === 1) {
        warnings.push({ message: `\`${typ}:' without a disk type (aio:, qcow:, vhd:, ...)`, offset: 0, code: 'xm-disk-syntax' });
      }
    } else if (!XEND_BUILTIN_TYPES.has(typ)) {
      script = `block-${typ}`;
      if (!KNOWN_BLOCK_SCRIPTS.has(typ)) {
        warnings.push({
          message: `xend accepts \`${typ}:' only if /etc/xen/scripts/block-${typ} exists ("Block device type is invalid")`,
          offset: 0,
          code: 'xm-disk-type',
        });
      }
    }
    prefix = chain.join(':');
    target = params;
  }

  // xend looks at the mode after the physical device (blkif.py getDeviceDetails).
  if (mode !== 'r' && mode !== 'w' && mode !== 'w!') {
    return {
      ok: false,
      error: { message: `Invalid mode \`${mode}' (xend takes r, w or w!)`, offset: start(2), code: 'xm-disk-syntax' },
      warnings,
    };
  }

  const disk: DiskSpec = {
    spec: joined,
    dialect: 'xm',
    syntax: 'positional',
    format: isCdrom && target === '' ? 'empty' : format,
    access: mode,
    accessText: mode,
    readwrite: mode !== 'r',
    devtype: isCdrom ? 'cdrom' : 'disk',
    isCdrom,
    removable: isCdrom,
    directIoSafe: false,
    xlCompatible: true,
  };
  if (target !== undefined) disk.target = target;
  disk.vdev = dev;
  attachVdev(disk, dev, devOffset, warnings, 'xm');
  if (prefix !== undefined) disk.prefix = prefix;
  if (script !== undefined) disk.script = script;
  if (fields.length >= 4 && field(3) !== '') disk.backend = field(3);
  if (fields.length === 5 && field(4) !== '') disk.protocol = field(4);
  if (ioemu) disk.ioemu = true;

  const asXl = parseXl(joined);
  if (!asXl.ok) {
    disk.xlCompatible = false;
    disk.xlIncompatibility = `xl rejects this spec: ${asXl.error.message}`;
  } else {
    disk.syntax = asXl.disk.syntax;
  }
  return { ok: true, disk, warnings };
}

// ---------------------------------------------------------------------------

/**
 * The canonical xl key=value form of a disk. Parsing it with the xl dialect gives
 * the same libxl device (target= comes last because it eats the rest).
 */
export function diskSpecToString(disk: DiskSpec): string {
  const parts: string[] = [];
  parts.push(`format=${disk.format}`);
  if (disk.vdev !== undefined) parts.push(`vdev=${disk.vdev}`);
  parts.push(`access=${disk.readwrite ? 'rw' : 'ro'}`);
  if (disk.isCdrom) parts.push('devtype=cdrom');
  if (disk.backend !== undefined) parts.push(`backend=${disk.backend}`);
  if (disk.backendtype !== undefined) parts.push(`backendtype=${disk.backendtype}`);
  if (disk.script !== undefined) parts.push(`script=${disk.script}`);
  if (disk.specification !== undefined) parts.push(`specification=${disk.specification}`);
  if (disk.directIoSafe) parts.push('direct-io-safe');
  if (disk.discard !== undefined) parts.push(disk.discard ? 'discard' : 'no-discard');
  const colo = disk.colo;
  if (colo?.enable !== undefined) parts.push(colo.enable ? 'colo' : 'no-colo');
  if (colo?.host !== undefined) parts.push(`colo-host=${colo.host}`);
  if (colo?.port !== undefined) parts.push(`colo-port=${colo.port}`);
  if (colo?.export !== undefined) parts.push(`colo-export=${colo.export}`);
  if (colo?.activeDisk !== undefined) parts.push(`active-disk=${colo.activeDisk}`);
  if (colo?.hiddenDisk !== undefined) parts.push(`hidden-disk=${colo.hiddenDisk}`);
  if (disk.trusted !== undefined) parts.push(disk.trusted ? 'trusted' : 'untrusted');
  if (disk.grantUsage !== undefined) parts.push(`grant_usage=${disk.grantUsage ? 1 : 0}`);
  if (disk.target !== undefined) parts.push(`target=${disk.target}`);
  return parts.join(',');
}
