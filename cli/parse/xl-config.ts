/**
 * Reader for xl domU configs (and xl.conf): the grammar of libxlu, xl's config
 * library, which is a small key = value language and not Python.
 *
 * Lexer: tools/libxl/libxlu_cfg_l.l@a30910bfd7 (tools/libs/util/ since 4.15);
 * grammar: tools/libxl/libxlu_cfg_y.y@a30910bfd7; string unquoting and error
 * reporting: tools/libs/util/libxlu_cfg.c. See xen-facts.md B2.
 *
 * The CR, last-line-comment and numeric-escape behaviours below follow from
 * reading the lexer rules and xlu__cfgl_dequote(); they were not confirmed by
 * running xl.
 *
 * xl refuses the whole file on any lexical or syntax error. This reader reports
 * each error with its position and then keeps reading (resynchronising at the
 * next top-level newline or `;`), so that one typo does not hide the rest.
 */
import type { Diagnostic, Position, Severity } from './diagnostic.js';
import type { ConfigComment, ConfigEntry, ConfigValue, ParsedConfig } from './config-model.js';

type TokKind =
  | 'ident'
  | 'number'
  | 'string'
  | ','
  | '['
  | ']'
  | '='
  | '+='
  | ';'
  | 'newline'
  /** A run of characters libxlu's lexer rejects; already reported. */
  | 'bad'
  | 'eof';

interface Tok extends Position {
  kind: TokKind;
  text: string;
  /** Unquoted value of a string token. */
  value?: string;
  start: number;
  end: number;
}

/** Characters that make libxlu print its "looks like Python" warning (`[+-.():]` in the lexer). */
const PYTHON_CHARS = '+-.():';
/** Statement openers that only make sense in Python; an extra hint beyond libxlu's own. */
const PYTHON_KEYWORDS = new Set(['import', 'from', 'def', 'if', 'elif', 'else', 'for', 'while', 'class', 'try', 'except', 'print', 'return', 'with']);

export const CR_MESSAGE = "carriage return (DOS/CRLF line ending): xl's lexer rejects it; convert the file to Unix line endings";

export const PYTHON_UNDER_XL_MESSAGE =
  'this file looks like Python (xm syntax), but xl does not run Python: "Arbitrary Python is no longer supported" ' +
  '(libxlu_cfg.c). Convert it to plain key = value syntax, or lint it as an xm config (--dialect xm).';

interface LexResult {
  toks: Tok[];
  comments: ConfigComment[];
  diagnostics: Diagnostic[];
  /** Where the first Python-looking character was met, if any. */
  python?: Position;
}

function isLower(c: string): boolean {
  return c >= 'a' && c <= 'z';
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isIdentChar(c: string): boolean {
  return isLower(c) || isDigit(c) || c === '_' || c === '.';
}
function isNumberChar(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || c === 'x';
}

function mkDiag(file: string, severity: Severity, message: string, pos: Position, code: string): Diagnostic {
  return { severity, message, line: pos.line, column: pos.column, code, file };
}

function lex(text: string, file: string): LexResult {
  const toks: Tok[] = [];
  const comments: ConfigComment[] = [];
  const diagnostics: Diagnostic[] = [];
  let python: Position | undefined;
  let crReported = false;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;
  const pos = (off: number): Position => ({ line, column: off - lineStart + 1 });
  const push = (kind: TokKind, start: number, end: number, value?: string): void => {
    const t: Tok = { kind, text: text.slice(start, end), start, end, ...pos(start) };
    if (value !== undefined) t.value = value;
    toks.push(t);
  };
  const lexError = (message: string, p: Position): void => {
    diagnostics.push(mkDiag(file, 'error', message, p, 'xl-lexical'));
  };

  while (i < n) {
    const c = text.charAt(i);
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\r') {
      // libxlu has no rule for CR: each one is a lexical error, so a file with DOS
      // line endings is refused. Said once; the rest of the file is read as if LF.
      if (!crReported) {
        crReported = true;
        lexError(CR_MESSAGE, pos(i));
      }
      i++;
      continue;
    }
    if (c === '\n') {
      push('newline', i, i + 1);
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === '#') {
      let j = i + 1;
      while (j < n && text.charAt(j) !== '\n') j++;
      let textEnd = j;
      if (textEnd > i + 1 && text.charAt(textEnd - 1) === '\r') textEnd--;
      comments.push({ text: text.slice(i + 1, textEnd), ...pos(i) });
      if (j >= n) {
        // The lexer's comment rule is `#.*\n`: without the newline it does not match.
        lexError('comment on the last line has no newline after it: xl\'s lexer only accepts a comment that ends with a newline', pos(i));
        i = j;
        continue;
      }
      push('newline', j, j + 1);
      i = j + 1;
      line++;
      lineStart = i;
      continue;
    }
    if (isLower(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text.charAt(j))) j++;
      push('ident', i, j);
      i = j;
      continue;
    }
    if (isDigit(c)) {
      let j = i + 1;
      while (j < n && isNumberChar(text.charAt(j))) j++;
      push('number', i, j);
      i = j;
      continue;
    }
    if (c === '+' && text.charAt(i + 1) === '=') {
      push('+=', i, i + 2);
      i += 2;
      continue;
    }
    if (c === ',' || c === '[' || c === ']' || c === '=' || c === ';') {
      push(c, i, i + 1);
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const s = lexString(text, i, c);
      if (s.end > 0) {
        const start = pos(i);
        const u = unquote(text, i, s.end, line, lineStart);
        for (const e of u.problems) diagnostics.push(mkDiag(file, e.severity, e.message, e.pos, 'xl-lexical'));
        toks.push({ kind: 'string', text: text.slice(i, s.end), value: u.value, start: i, end: s.end, ...start });
        i = s.end;
        continue;
      }
      // No closing quote before the end of the line: libxlu sees a stray quote.
      let j = i;
      while (j < n && text.charAt(j) !== '\n') j++;
      if (j > i && text.charAt(j - 1) === '\r') j--;
      lexError(`string starting with ${c} is not closed on this line (xl strings cannot span lines)`, pos(i));
      push('bad', i, Math.max(j, i + 1));
      i = Math.max(j, i + 1);
      continue;
    }
    // Anything else starts a run that libxlu rejects up to the next blank or newline.
    let j = i + 1;
    while (j < n && !' \t\n\r'.includes(text.charAt(j))) j++;
    const run = text.slice(i, j);
    let hint = '';
    const prev = toks.at(-1);
    if (prev?.kind === 'number' && prev.end === i) {
      hint = ': xl numbers are plain digits without a unit suffix; quote the value if it is meant as a string';
    } else if (PYTHON_CHARS.includes(c)) {
      python ??= pos(i);
      hint = ': xl has no operators, calls or attribute access (this looks like Python)';
    } else if (c >= 'A' && c <= 'Z') {
      hint = ': xl names are lowercase only ([a-z][._0-9a-z]*)';
    } else if (c.charCodeAt(0) > 127) {
      hint = ': non-ASCII characters are only allowed inside quotes';
    }
    lexError(`lexical error near \`${run}\`${hint}`, pos(i));
    push('bad', i, j);
    i = j;
  }
  toks.push({ kind: 'eof', text: '', start: n, end: n, ...pos(n) });
  const res: LexResult = { toks, comments, diagnostics };
  if (python) res.python = python;
  return res;
}

/** End offset (after the closing quote) of a quoted string starting at `start`, or -1. */
function lexString(text: string, start: number, quote: string): { end: number } {
  let j = start + 1;
  while (j < text.length) {
    const c = text.charAt(j);
    if (c === '\n') return { end: -1 };
    if (c === '\\') {
      // `\\.` in the lexer: the escaped character may be anything but a newline.
      if (j + 1 >= text.length || text.charAt(j + 1) === '\n') return { end: -1 };
      j += 2;
      continue;
    }
    if (c === quote) return { end: j + 1 };
    j++;
  }
  return { end: -1 };
}

interface UnquoteProblem {
  severity: Severity;
  message: string;
  pos: Position;
}

/**
 * The string's value as libxlu's xlu__cfgl_dequote() computes it, quirks included:
 * its `\x` branch can never succeed (it demands more than the two digits it reads),
 * and a `\<octal digit>` escape with two more decimal digits is accepted but writes
 * no character at all; with fewer it is an error.
 */
function unquote(text: string, start: number, end: number, line: number, lineStart: number): { value: string; problems: UnquoteProblem[] } {
  const problems: UnquoteProblem[] = [];
  let out = '';
  let p = start + 1;
  const last = end - 1;
  const at = (off: number): Position => ({ line, column: off - lineStart + 1 });
  const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  while (p < last) {
    const c = text.charAt(p);
    if (c !== '\\') {
      out += c;
      p++;
      continue;
    }
    const nc = text.charAt(p + 1);
    const mapped = simple[nc];
    if (mapped !== undefined) {
      out += mapped;
      p += 2;
    } else if (nc === 'x') {
      problems.push({ severity: 'error', message: 'xl rejects `\\x` escapes in strings ("invalid digit after backslash hex numerical character escape")', pos: at(p) });
      p += 2;
    } else if (nc >= '0' && nc <= '7') {
      let digits = 0;
      while (digits < 3 && p + 2 + digits < last && isDigit(text.charAt(p + 2 + digits))) digits++;
      if (digits < 2) {
        problems.push({ severity: 'error', message: 'xl rejects this numeric escape ("invalid digit after backslash octal numerical character escape")', pos: at(p) });
        p += 2;
      } else {
        problems.push({ severity: 'warning', message: `xl drops the character of the numeric escape \`${text.slice(p, p + 2 + digits)}\` from the string`, pos: at(p) });
        p += 2 + digits;
      }
    } else {
      problems.push({ severity: 'error', message: `invalid character after backslash in quoted string: \`\\${nc}\``, pos: at(p) });
      p += 2;
    }
  }
  return { value: out, problems };
}

/**
 * A NUMBER token's value as strtol(…, 0) reads it when xl asks for a number
 * (xlu_cfg_get_bounded_long): `0x` hex, leading `0` octal, else decimal.
 * Undefined when strtol would stop early or overflow a 64-bit long.
 */
export function strtolBase0(raw: string): number | undefined {
  let big: bigint;
  if (/^0x[0-9a-f]+$/.test(raw)) big = BigInt(raw);
  else if (/^0[0-7]*$/.test(raw)) big = raw.length > 1 ? BigInt('0o' + raw.slice(1)) : 0n;
  else if (/^[1-9][0-9]*$/.test(raw)) big = BigInt(raw);
  else return undefined;
  if (big > 0x7fffffffffffffffn) return undefined;
  return Number(big);
}

type Fail = { fail: Tok; message?: string };

const MAX_LIST_DEPTH = 1000;

class Parser {
  private i = 0;
  private depth = 0;
  readonly entries: ConfigEntry[] = [];
  readonly diagnostics: Diagnostic[] = [];
  pythonKeyword: Position | undefined;

  constructor(
    private readonly toks: Tok[],
    private readonly text: string,
    private readonly file: string,
  ) {}

  private get tok(): Tok {
    return this.toks[Math.min(this.i, this.toks.length - 1)]!;
  }
  /** The current token's kind; a method so that narrowing does not survive advancing. */
  private kind(): TokKind {
    return this.tok.kind;
  }
  private peek(k: number): Tok {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }

  run(): void {
    while (this.tok.kind !== 'eof') {
      const t = this.tok;
      if (t.kind === 'newline' || t.kind === ';') {
        this.i++;
        continue;
      }
      const op = this.peek(1);
      if (t.kind === 'ident' && (op.kind === '=' || op.kind === '+=')) {
        this.assignment(t, op.kind);
        continue;
      }
      if (t.kind === 'ident' && PYTHON_KEYWORDS.has(t.text)) this.pythonKeyword ??= { line: t.line, column: t.column };
      const bad = t.kind === 'ident' ? op : t;
      this.syntaxError({ fail: bad, message: t.kind === 'ident' ? `expected \`=\` or \`+=\` after \`${t.text}\`` : 'expected a setting (name = value)' });
      this.depth = 0;
      this.i = this.toks.indexOf(bad);
      this.recover();
    }
  }

  private assignment(key: Tok, op: '=' | '+='): void {
    this.i += 2;
    this.depth = 0;
    const valueTok = this.tok;
    const v = this.value();
    let reason: string;
    if (!('fail' in v)) {
      const end = this.tok;
      if (end.kind === 'newline' || end.kind === ';' || end.kind === 'eof') {
        this.entries.push({ key: key.text, op, value: v, line: key.line, column: key.column });
        return;
      }
      reason = this.syntaxError({ fail: end, message: 'expected the end of the setting (newline or `;`)' });
    } else {
      reason = this.syntaxError(v);
    }
    const lastEnd = this.recover();
    const valueEnd = Math.max(lastEnd, valueTok.end);
    const raw = this.text.slice(valueTok.start, valueEnd).trim();
    if (valueTok.kind === 'newline' || valueTok.kind === 'eof' || valueTok.kind === ';') {
      // `key =` with nothing after it: there is no value to keep.
      return;
    }
    this.entries.push({
      key: key.text,
      op,
      value: { kind: 'unreadable', text: raw, reason, line: valueTok.line, column: valueTok.column },
      line: key.line,
      column: key.column,
    });
  }

  private value(): ConfigValue | Fail {
    const t = this.tok;
    if (t.kind === 'string') {
      this.i++;
      return { kind: 'string', value: t.value ?? '', line: t.line, column: t.column };
    }
    if (t.kind === 'number') {
      this.i++;
      const n = strtolBase0(t.text);
      if (n === undefined) {
        this.diagnostics.push(
          mkDiag(
            this.file,
            'warning',
            `\`${t.text}\` is not a number xl can read (strtol base 0: \`0x\` = hex, leading \`0\` = octal); it stays a string and numeric settings reject it`,
            t,
            'xl-number',
          ),
        );
        return { kind: 'string', value: t.text, line: t.line, column: t.column };
      }
      if (/^0[0-7]+$/.test(t.text) && n !== Number(t.text)) {
        // Admins write 0512 meaning 512; strtol(…, 0) reads it as octal.
        this.diagnostics.push(
          mkDiag(this.file, 'warning', `\`${t.text}\` is octal to xl (leading zero): it reads as ${n}, not ${Number(t.text)}`, t, 'xl-octal'),
        );
      }
      return { kind: 'number', value: n, raw: t.text, line: t.line, column: t.column };
    }
    if (t.kind === '[') return this.list(t);
    return { fail: t, message: 'expected a value: a quoted string, a number or a [ list ]' };
  }

  private skipNewlines(): void {
    while (this.kind() === 'newline') this.i++;
  }

  private list(open: Tok): ConfigValue | Fail {
    // A guard for the reader's own stack, far beyond any real config.
    if (this.depth >= MAX_LIST_DEPTH) return { fail: open, message: `lists nested more than ${MAX_LIST_DEPTH} deep; xenlint stops reading this value` };
    this.i++;
    this.depth++;
    const items: ConfigValue[] = [];
    this.skipNewlines();
    for (;;) {
      if (this.kind() === ']') break;
      if (this.kind() === 'eof') return { fail: open, message: `\`[\` opened here is never closed` };
      if (this.startsSetting(this.i)) return { fail: this.tok, message: `the list opened at ${open.line}:${open.column} is not closed (missing \`]\`?)` };
      const v = this.value();
      if ('fail' in v) return v;
      items.push(v);
      this.skipNewlines();
      if (this.kind() === ',') {
        this.i++;
        this.skipNewlines();
        continue;
      }
      if (this.kind() === ']') break;
      if (this.kind() === 'eof') return { fail: open, message: `\`[\` opened here is never closed` };
      if (this.startsSetting(this.i)) return { fail: this.tok, message: `the list opened at ${open.line}:${open.column} is not closed (missing \`]\`?)` };
      return { fail: this.tok, message: 'expected `,` or `]` in the list' };
    }
    this.i++;
    this.depth--;
    return { kind: 'list', items, line: open.line, column: open.column };
  }

  /** True when token k begins a line and reads `name =` or `name +=`. */
  private startsSetting(k: number): boolean {
    const a = this.toks[k];
    const b = this.toks[k + 1];
    const before = k > 0 ? this.toks[k - 1] : undefined;
    return a?.kind === 'ident' && (b?.kind === '=' || b?.kind === '+=') && (before === undefined || before.kind === 'newline');
  }

  /** Reports the error (unless the lexer did already) and returns its message. */
  private syntaxError(f: Fail): string {
    const t = f.fail;
    // A rejected character run was reported by the lexer already (libxlu also
    // keeps quiet about syntax errors on a line with a lexical error).
    if (t.kind === 'bad') return `lexical error near \`${t.text}\``;
    const near = t.kind === 'eof' ? 'end of file' : t.kind === 'newline' ? 'end of line' : `\`${t.text}\``;
    const msg = f.message ?? 'syntax error';
    const message = t.kind === '[' && msg.includes('never closed') ? msg : `syntax error near ${near}: ${msg}`;
    this.diagnostics.push(mkDiag(this.file, 'error', message, t, 'xl-syntax'));
    return message;
  }

  /**
   * Skips to the end of the broken statement: the next newline or `;` outside
   * brackets, or a newline followed by `name =` (a list left open by mistake
   * must not swallow the rest of the file). Returns the end offset of the last
   * token skipped that belongs to the statement.
   */
  private recover(): number {
    let lastEnd = this.tok.start;
    if (this.startsSetting(this.i)) return lastEnd;
    for (;;) {
      const t = this.tok;
      if (t.kind === 'eof') return lastEnd;
      if (t.kind === ';' && this.depth <= 0) {
        this.i++;
        return lastEnd;
      }
      if (t.kind === 'newline') {
        if (this.depth <= 0 || this.startsSetting(this.i + 1)) {
          this.i++;
          this.depth = 0;
          return lastEnd;
        }
      } else {
        if (t.kind === '[') this.depth++;
        if (t.kind === ']') this.depth = Math.max(0, this.depth - 1);
        lastEnd = t.end;
      }
      this.i++;
    }
  }
}

/** Reads an xl config (or xl.conf) without running anything. Never throws. */
export function parseXlConfig(text: string, file: string): ParsedConfig {
  const lexed = lex(text, file);
  const parser = new Parser(lexed.toks, text, file);
  parser.run();
  const diagnostics = [...lexed.diagnostics, ...parser.diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
  const hasError = diagnostics.some((d) => d.severity === 'error');
  const pythonAt = [lexed.python, parser.pythonKeyword]
    .filter((p): p is Position => p !== undefined)
    .sort((a, b) => a.line - b.line || a.column - b.column)[0];
  if (hasError && pythonAt) diagnostics.push(mkDiag(file, 'warning', PYTHON_UNDER_XL_MESSAGE, pythonAt, 'python-under-xl'));
  return { file, dialect: 'xl', dialectReason: 'xl syntax', entries: parser.entries, comments: lexed.comments, diagnostics };
}
