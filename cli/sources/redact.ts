/**
 * Takes secrets out of text before it leaves the host or reaches a report: the
 * value of every key whose name holds `passwd`, `password` or `secret`, or a
 * `ticket` (not `ticketing`: `spicedisable_ticketing` is a switch the console
 * checks must see) becomes `REDACTED`, wherever the key is written —
 * - a statement: `vncpasswd = 'x'`, `spicepasswd="x"`, `password = 1234`;
 * - inside a string or a command line: `vfb = [ 'type=vnc,vncpasswd=x' ]`, a
 *   disk or vif spec's `password=x`, `... secret=x console=hvc0`;
 * - an S-expression: `(vncpasswd 'x')` in xend-config.sxp.
 *
 * The gatherer applies it to every text it reads and the capture to every text
 * file it writes, so a capture read back with --root yields the same Facts as
 * the live run, and neither a capture nor a facts snapshot carries a password.
 * An empty password stays empty, so "no VNC password" can still be checked.
 *
 * One pass over the text, no backtracking: linear in its length whatever it
 * holds. Idempotent. Only ASCII is matched, so it works the same on UTF-8 text
 * and on raw bytes read as latin1.
 */
import { isSpilledList } from '../model/finding-store.js';

export const REDACTED = 'REDACTED';

// Each letter as a class of its two cases, not under the `i` flag: the same matches (non-Unicode `i` folds
// nothing beyond ASCII to these letters), and V8 searches the text faster (issue 14: every config's text and
// every finding's JSON is tested).
const MAYBE_SECRET = /[Pp][Aa][Ss][Ss][Ww]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Ii][Cc][Kk][Ee][Tt]/;

/** Whether a key's value is a secret. */
export function isSecretKey(name: string): boolean {
  const n = name.toLowerCase();
  if (n.includes('passwd') || n.includes('password') || n.includes('secret')) return true;
  const t = n.indexOf('ticket');
  return t >= 0 && !n.startsWith('ticketing', t);
}

const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdent = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45;
const isBlank = (c: number): boolean => c === 32 || c === 9;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;

/**
 * The value's text is [start, end); `quote` surrounds it; `requote` writes a
 * bare value back as a quoted string; `tail` follows the replacement (the line
 * breaks of a value written over several lines, so the lines after it keep
 * their numbers).
 */
type Value = { start: number; end: number; quote: string; requote?: boolean; tail?: string } | undefined;

export function redactSecrets(text: string): string {
  if (!MAYBE_SECRET.test(text)) return text;
  let out = '';
  let copied = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isIdentStart(c) || (i > 0 && isIdent(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && isIdent(text.charCodeAt(j))) j++;
    const name = text.slice(i, j);
    const value = isSecretKey(name) ? secretValue(text, i, j) : undefined;
    if (value && value.end > value.start) {
      const replacement = (value.requote ? `"${REDACTED}"` : value.quote + REDACTED + value.quote) + (value.tail ?? '');
      out += text.slice(copied, value.start - value.quote.length) + replacement;
      copied = value.end + value.quote.length;
      i = copied;
    } else {
      i = j;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Where the value of the key at [keyStart, keyEnd) is, in whichever of the three forms it is written. */
function secretValue(text: string, keyStart: number, keyEnd: number): Value {
  let before = keyStart - 1;
  while (before >= 0 && isBlank(text.charCodeAt(before))) before--;
  const prev = before >= 0 ? text[before] : '\n';
  if (prev === '(') return sxpValue(text, keyEnd);
  let k = keyEnd;
  while (k < text.length && isBlank(text.charCodeAt(k))) k++;
  if (text[k] === '+' && text[k + 1] === '=') k += 2;
  else if (text[k] === '=' && text[k + 1] !== '=') k += 1;
  else return undefined;
  const statement = prev === '\n' || prev === '\r' || prev === ';';
  if (!statement && k !== keyEnd + 1) {
    // Inside a string with blanks around `=`: a statement quoted in a message ("near `vncpasswd = 'x'`").
    while (k < text.length && isBlank(text.charCodeAt(k))) k++;
    const quoted = quotedValue(text, k);
    if (quoted) return quoted;
    if (k >= text.length || '\'"[#;'.includes(text[k]!)) return undefined;
    const end = scan(text, k, ',\'"]`');
    return end > k ? { start: k, end, quote: '' } : undefined;
  }
  if (statement) {
    while (k < text.length && isBlank(text.charCodeAt(k))) k++;
    // `(` or a backslash: Python joins the lines that follow into the value, and the secret may be on any of them.
    if (text[k] === '(' || text[k] === '\\') return logicalValue(text, k);
    const quoted = quotedValue(text, k);
    if (quoted) {
      // `'a' + s3cr3t`, `'%s' % x`, `'a' \<newline> 'b'`: an expression, whose every part may be the secret: the whole value.
      let after = quoted.end + quoted.quote.length;
      while (after < text.length && isBlank(text.charCodeAt(after))) after++;
      if (after >= text.length || '\n\r#;'.includes(text[after]!)) return quoted;
      return logicalValue(text, k);
    }
    // A string never closed on its line (a syntax error the report will quote): the rest of the line.
    if (text[k] === "'" || text[k] === '"') return { start: k + 1, end: scan(text, k + 1, '\n\r', false), quote: '' };
    // A statement's value: not starting with a quote or `[` (a list is no password), up to `#`, `;` or white space.
    if (k >= text.length || '\'"[#;'.includes(text[k]!)) return undefined;
    const end = scan(text, k, '#;');
    return end > k ? { start: k, end, quote: '', requote: true } : undefined;
  }
  const end = scan(text, k, ',\'"]`');
  return end > k ? { start: k, end, quote: '' } : undefined;
}

/**
 * A statement's value from `at` to the end of its logical line, as Python
 * joins lines: inside brackets and after a backslash the statement goes on;
 * strings and comments are skipped. An unclosed bracket runs to the end of the
 * text (a syntax error, whose secret still must not leak). One pass, no
 * backtracking. The line breaks inside stay after the replacement.
 */
function logicalValue(text: string, at: number): Value {
  const n = text.length;
  let depth = 0;
  let i = at;
  while (i < n) {
    const c = text[i]!;
    if (c === '\\') {
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
    } else if (c === "'" || c === '"') {
      i = stringEnd(text, i);
    } else if (c === '#') {
      if (depth === 0) break;
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if ((c === '\n' || c === '\r' || c === ';') && depth === 0) {
      break;
    } else {
      if (c === '(' || c === '[' || c === '{') depth++;
      else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
      i++;
    }
  }
  let end = Math.min(i, n);
  while (end > at && isBlank(text.charCodeAt(end - 1))) end--;
  let tail = '';
  for (let j = at; j < end; j++) if (text[j] === '\n' || text[j] === '\r') tail += text[j];
  return { start: at, end, quote: '', requote: true, ...(tail !== '' ? { tail } : {}) };
}

/** Just past the Python string starting at `at` (its quote), escapes skipped; a short string ends at its line's end when never closed. */
function stringEnd(text: string, at: number): number {
  const n = text.length;
  const q = text[at]!;
  const triple = text.startsWith(q + q + q, at);
  let i = at + (triple ? 3 : 1);
  while (i < n) {
    const c = text[i]!;
    if (c === '\\') i += 2;
    else if (triple ? text.startsWith(q + q + q, i) : c === q) return i + (triple ? 3 : 1);
    else if (!triple && (c === '\n' || c === '\r')) return i;
    else i++;
  }
  return n;
}

function quotedValue(text: string, at: number): Value {
  for (const q of ["'''", '"""']) {
    if (text.startsWith(q, at)) {
      const end = text.indexOf(q, at + 3);
      return end < 0 ? undefined : { start: at + 3, end, quote: q };
    }
  }
  const q = text[at];
  if (q !== "'" && q !== '"') return undefined;
  let end = at + 1;
  while (end < text.length && text[end] !== q && text[end] !== '\n') end++;
  return text[end] === q ? { start: at + 1, end, quote: q } : undefined;
}

/** The end of an unquoted value starting at `at`: the first white space or one of `stops`. */
function scan(text: string, at: number, stops: string, spaceStops = true): number {
  let end = at;
  while (end < text.length && !(spaceStops && isSpace(text.charCodeAt(end))) && !stops.includes(text[end]!)) end++;
  return end;
}

/** `(key value)` or `(key 'value')` in an S-expression. */
function sxpValue(text: string, keyEnd: number): Value {
  let k = keyEnd;
  if (!isBlank(text.charCodeAt(k))) return undefined;
  while (k < text.length && isBlank(text.charCodeAt(k))) k++;
  const quoted = quotedValue(text, k);
  if (quoted) return quoted;
  const end = scan(text, k, '()\'"');
  return end > k ? { start: k, end, quote: '' } : undefined;
}

/** Redacts raw bytes without decoding them as UTF-8, so bytes outside the secrets are kept exactly. */
export function redactBytes(bytes: Uint8Array): Uint8Array {
  const latin1 = Buffer.from(bytes).toString('latin1');
  const redacted = redactSecrets(latin1);
  return redacted === latin1 ? bytes : new Uint8Array(Buffer.from(redacted, 'latin1'));
}

/** Fields that say where a value is written, kept as numbers inside a secret's structured value. */
const POSITION_FIELDS = new Set(['line', 'column', 'endLine', 'endColumn', 'offset', 'index']);
/** Key -> line number maps beside parsed values (xendConfig.lines, host.fieldLines): a secret key's line is no secret. */
const LINE_MAPS = new Set(['lines', 'fieldLines']);
const isLineMap = (v: unknown): boolean =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((n) => typeof n === 'number');

/**
 * The same rule over structured data, for everything xenlint prints or writes
 * (facts, snapshots, `parse` output, reports, baselines): a property whose name
 * is a secret key has its value replaced — a string or number becomes
 * `REDACTED` (an empty string stays empty), and in an object or list under it
 * every such leaf does, positions (`line`, `column`, ...) kept; so does the
 * `value` of a `{ name, value }` or `{ key, value }` pair with a secret name —
 * and every other string goes through redactSecrets, which takes the `password=` fields
 * out of disk and vif specs and any `key=value` text. What changes is copied
 * (the input is never modified); what does not is returned as it is, as is
 * anything but plain objects, arrays and primitives.
 */
export function redactDeep<T>(value: T): T {
  return walk(value, false, true) as T;
}

/**
 * A report (every format, the baseline): every string through redactSecrets.
 * Its property names are the checks' own (console-exposed's evidence says
 * `password: none | empty | set`), describing a secret, never holding one: the
 * facts the checks read went through redactDeep where they were read.
 */
export function redactReport<T>(report: T): T {
  return walk(report, false, false) as T;
}

/**
 * False when redactReport leaves every string of a report as it is, given a
 * text that holds each of them as written (a JSON text of it: JSON escapes no
 * letter, so a secret's key name shows in the text as it does in the string).
 */
export function mayRedact(text: string): boolean {
  return MAYBE_SECRET.test(text);
}

/** A name/value pair's name that makes its value a secret. */
function secretName(n: unknown): boolean {
  return typeof n === 'string' && isSecretKey(n);
}

/** Returns `value` itself when nothing in it changes, so a guest with no secret keeps its identity (and what rides on it). */
function walk(value: unknown, secret: boolean, byKey: boolean): unknown {
  if (typeof value === 'string') return secret ? (value === '' ? value : REDACTED) : redactSecrets(value);
  if (typeof value === 'number' || typeof value === 'bigint') return secret ? REDACTED : value;
  if (value === null || typeof value !== 'object') return value;
  // A run's spilled findings were redacted as they were kept (FindingSpill).
  if (isSpilledList(value)) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const w = walk(v, secret, byKey);
      if (w !== v && !out) out = value.slice(0, i);
      if (out) out.push(w);
    }
    return out ?? value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  // A name/value pair ({ name: 'secret', value: 'x' }, a Xen command-line option; { key, value }, a config entry).
  const pair = byKey && (secretName(record['name']) || secretName(record['key']));
  let out: Record<string, unknown> | undefined;
  // for-in, not Object.entries: no entry list per object (every guest's facts pass here).
  for (const k in record) {
    if (!Object.hasOwn(record, k)) continue;
    const v = record[k];
    const under = secret || (byKey && isSecretKey(k)) || (pair && (k === 'value' || k === 'raw'));
    const keep = (under && POSITION_FIELDS.has(k) && typeof v === 'number') || (LINE_MAPS.has(k) && isLineMap(v));
    const w = keep ? v : walk(v, under, byKey);
    if (w !== v && !out) out = { ...record };
    if (out) out[k] = w;
  }
  return out ?? value;
}

/**
 * A domain read from a config's text: redactDeep, and then the readers'
 * diagnostics on a statement that sets a secret key lose every word of its
 * value. A syntax error quotes the text it stopped at ("near `"s3cr3t'", "uses
 * the variable `s3cr3t`") with no key name before it for redactSecrets to see.
 * Words shorter than three characters are left: they would blank out prose.
 */
export function redactDomain<D extends RedactableDomain>(domain: D, text: string): D {
  if (!MAYBE_SECRET.test(text)) return spelledOut(domain, text) || !holdsMaybeSecret(domain) ? domain : redactDeep(domain);
  const redacted = redactDeep(domain);
  const words = secretWordsByLine(text);
  if (words.size === 0) return redacted;
  const diagnostics = redacted.diagnostics.map((d) => {
    const hidden = words.get(d.line);
    return hidden ? { ...d, message: hideWords(d.message, hidden) } : d;
  });
  return { ...redacted, diagnostics };
}

/** What redactDomain looks at beyond the text: the strings a reader composes rather than slices from it. */
interface RedactableDomain {
  file?: string;
  diagnostics: Array<{ line: number; message: string }>;
  disks?: Array<{ invalid?: string }>;
  vifs?: Array<{ invalid?: string }>;
}

/**
 * What every text mayCompose says yes to holds: a backslash, `+` or `*`, or a
 * quote followed, past white space, by a quote or the `#` that starts a comment
 * (the adjacent-literals walk below starts only so). Most configs hold none, and
 * the native scan clears them without the walk over every character. Linear: the
 * white space after a quote is scanned once, from that quote.
 */
const MAY_COMPOSE = /[\\+*]|['"][\t\n\v\f\r ]*['"#]/;

/**
 * Whether the text may spell a string only once read: a backslash (an escape),
 * `+` or `*` on a line that is not a comment (`'pas' + 'swd'`, `+=`, `'x' * 2`),
 * or two quotes with only white space and comments between them (adjacent
 * literals, which Python joins, even across a comment inside brackets). One
 * pass, linear whatever the text holds (a regex for the adjacent quotes would
 * backtrack from every quote of a file of commented-out quotes).
 */
export function mayCompose(text: string): boolean {
  if (!MAY_COMPOSE.test(text)) return false;
  if (text.includes('\\')) return true;
  let lineStart = true;
  let commentLine = false;
  // The adjacent-literals pattern `quote (blank | #...newline)* quote`, followed as the two states it can be in at once.
  let afterQuote = false;
  let inComment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const blank = c === 32 || (c >= 9 && c <= 13);
    const newline = c === 10 || c === 13;
    if (c === 10) {
      lineStart = true;
      commentLine = false;
    } else if (lineStart && c !== 32 && c !== 9) {
      lineStart = false;
      commentLine = c === 35;
    }
    if ((c === 43 || c === 42) && !commentLine) return true;
    const quote = c === 39 || c === 34;
    if (quote && afterQuote) return true;
    const nextAfterQuote: boolean = quote || (afterQuote && blank) || (inComment && newline);
    inComment = (afterQuote && c === 35) || (inComment && !newline);
    afterQuote = nextAfterQuote;
  }
  return false;
}

/**
 * Whether walk would leave this domain as it is, known from its text alone, so
 * most guests skip the walk (0.25 s of 10 000 configs' lint). With no
 * MAYBE_SECRET match in the text, a string or key of the domain can match only
 * if a reader composed it: decoded an escape, joined strings (`+`, `+=`, `*`,
 * adjacent literals), or built a message or a fallback name around pieces of
 * the text or the file's path; the readers' own words hold none of passw,
 * secret or ticket. So: no escape and no joining operator in the text, and
 * none in the path and the composed messages (diagnostics, invalid specs);
 * else the walk decides.
 */
function spelledOut(domain: RedactableDomain, text: string): boolean {
  if (mayCompose(text) || MAYBE_SECRET.test(domain.file ?? '')) return false;
  for (const d of domain.diagnostics) if (MAYBE_SECRET.test(d.message)) return false;
  for (const d of domain.disks ?? []) if (d.invalid !== undefined && MAYBE_SECRET.test(d.invalid)) return false;
  for (const v of domain.vifs ?? []) if (v.invalid !== undefined && MAYBE_SECRET.test(v.invalid)) return false;
  return true;
}

/**
 * Whether anything walk looks at in the domain (a string, a property name) could
 * match MAYBE_SECRET: walk changes nothing without such a match (isSecretKey and
 * redactSecrets both need one). The domain's JSON holds every string and name
 * walk visits, letters unescaped and contiguous, so one native serialisation and
 * one regex decide for the guests spelledOut cannot (a `+` in the text: some 7%
 * of a fleet's configs), instead of a walk of the whole guest. A value JSON
 * cannot write (a BigInt) leaves it to the walk.
 */
function holdsMaybeSecret(domain: unknown): boolean {
  try {
    return MAYBE_SECRET.test(JSON.stringify(domain));
  } catch {
    return true;
  }
}

const STATEMENT = /^[ \t]*([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*\+?=(?!=)/;
const WORD_SEPARATORS = /[\s'"`+,()[\]{};]+/;

/** Line number -> the words of the value of a secret key's statement written on it (its continuation lines too). */
function secretWordsByLine(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const lines = text.split('\n');
  let current: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = STATEMENT.exec(line);
    if (m) {
      current = isSecretKey(m[1]!) ? [] : undefined;
      if (current) addWords(current, line.slice(m[0].length));
    } else if (current) {
      addWords(current, line);
    }
    if (current) out.set(i + 1, current);
  }
  return out;
}

function addWords(into: string[], text: string): void {
  for (const w of text.split(WORD_SEPARATORS)) if (w.length >= 3 && w !== REDACTED && !into.includes(w)) into.push(w);
}

const isWordChar = (c: number): boolean => isIdent(c) && c !== 46 && c !== 45;

function hideWords(message: string, words: readonly string[]): string {
  let out = message;
  for (const w of [...words].sort((a, b) => b.length - a.length)) {
    let from = 0;
    for (let at = out.indexOf(w, from); at >= 0; at = out.indexOf(w, from)) {
      const end = at + w.length;
      const bounded = (at === 0 || !isWordChar(out.charCodeAt(at - 1))) && (end === out.length || !isWordChar(out.charCodeAt(end)));
      if (bounded) {
        out = out.slice(0, at) + REDACTED + out.slice(end);
        from = at + REDACTED.length;
      } else {
        from = at + 1;
      }
    }
  }
  return out;
}
