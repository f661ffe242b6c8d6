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
export const REDACTED = 'REDACTED';

const MAYBE_SECRET = /passw|secret|ticket/i;

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

/** The value's text is [start, end); `quote` surrounds it; `requote` writes a bare value back as a quoted string. */
type Value = { start: number; end: number; quote: string; requote?: boolean } | undefined;

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
      const replacement = value.requote ? `"${REDACTED}"` : value.quote + REDACTED + value.quote;
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
  if (!statement && k !== keyEnd + 1) return undefined; // inside a string: `key=value`, no blanks
  if (statement) {
    while (k < text.length && isBlank(text.charCodeAt(k))) k++;
    const quoted = quotedValue(text, k);
    if (quoted) return quoted;
    // A statement's value: not starting with a quote or `[` (a list is no password), up to `#`, `;` or white space.
    if (k >= text.length || '\'"[#;'.includes(text[k]!)) return undefined;
    const end = scan(text, k, '#;');
    return end > k ? { start: k, end, quote: '', requote: true } : undefined;
  }
  const end = scan(text, k, ',\'"]');
  return end > k ? { start: k, end, quote: '' } : undefined;
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
function scan(text: string, at: number, stops: string): number {
  let end = at;
  while (end < text.length && !isSpace(text.charCodeAt(end)) && !stops.includes(text[end]!)) end++;
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
