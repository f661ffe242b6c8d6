/**
 * libxlu's config reader, rule for rule: the flex lexer
 * (RELEASE-4.17.0:tools/libs/util/libxlu_cfg_l.l), the bison grammar with its
 * default reductions and verbose messages (libxlu_cfg_y.y), string unquoting and
 * `+=` (libxlu_cfg.c). It yields the settings xl stores and every error in the
 * order xl meets them, each with xl's own words and the line xl prints.
 *
 * Behaviours that follow from the rules and that the differential test against
 * the real xl (test/integration/xl-oracle.test.ts) holds:
 *  - one character the lexer rejects, directly before the end of the file, is
 *    dropped without an error (flex reaches EOF inside its error state);
 *  - a comment on the last line without a newline is a lexical error;
 *  - CR is a lexical error, so CRLF files are refused;
 *  - a NUL byte inside quotes makes xl abort (an assertion in the unquoting);
 *  - an error at a newline is printed with the line number before it.
 */
import { READ_LIMITS, type ReadLimit } from './read-limits.js';
import { ownString } from './own-string.js';
import type { ConfigComment, ConfigEntry, ConfigValue } from '../model/config-model.js';
import type { Position } from '../model/diagnostic.js';

type Kind = 'IDENT' | 'NUMBER' | 'STRING' | 'NEWLINE' | '$end' | ',' | '[' | ']' | '=' | '+=' | ';';

interface Tok extends Position {
  kind: Kind;
  /** yytext: the matched bytes. */
  text: string;
  /** The string's unquoted value (STRING); present, undefined, on every other token: one hidden class for all. */
  value: string | undefined;
  /** yylloc.first_line as libxlu sets it (a NEWLINE's is the line it ends). */
  locLine: number;
  /** Errors the lexer reported while matching this token (unquoting), or before it. */
  before: LibxluError[];
}

export interface LibxluError extends Position {
  /** xl's words after "FILE:LINE: " */
  message: string;
  /** The line number xl prints. */
  xlLine: number;
  kind: 'lexical' | 'syntax' | 'escape' | 'concat' | 'abort';
  /** yylloc.first_line as yyerror() sees it, before it steps back over a newline. */
  firstLine?: number;
  /** The rejected text (lexical errors). */
  text?: string;
  /** The rejected run starts right after a number (`512M`). */
  afterNumber?: boolean;
}

export interface LibxluResult {
  /** What xl reads without a word but an admin would not expect (a numeric escape that stores no character). */
  notes: Array<Position & { message: string }>;
  entries: ConfigEntry[];
  /** Every NUMBER token read as a value, with what strtol(…, 0) makes of it. */
  numbers: Array<Position & { raw: string; value: number | undefined }>;
  comments: ConfigComment[];
  /** In the order xl meets them; the first is the one that decides. */
  errors: LibxluError[];
  /** A character of `+-.():` was rejected: xl adds its "looks like Python" warning. */
  likelyPython?: Position;
  /** Where reading stopped at one of xenlint's limits (read-limits.ts), and which. */
  stopped?: Position & { limit: ReadLimit };
}

/** The error list of a token without errors: shared, and replaced before anything is added (errorsOf). */
const NO_ERRORS: LibxluError[] = [];

/** A token's error list, to add to. */
function errorsOf(t: Tok): LibxluError[] {
  if (t.before === NO_ERRORS) t.before = [];
  return t.before;
}

/** libxlu's one-character escapes. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '\\': '\\', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

const isLower = (c: string): boolean => c >= 'a' && c <= 'z';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** `near X`: yytext without its newline and trailing blanks, cut at a NUL as printf does. */
function near(text: string): { shown: string; newline: boolean } {
  let t = text;
  let newline = false;
  if (t.endsWith('\n')) {
    t = t.slice(0, -1);
    if (t === '') newline = true;
  }
  t = t.replace(/[ \t]+$/, '');
  const nul = t.indexOf('\0');
  if (nul >= 0) t = t.slice(0, nul);
  return { shown: t, newline };
}

function errorText(text: string, msg: string): string {
  const n = near(text);
  if (n.newline) return `config parsing error near <newline>: ${msg}`;
  return `config parsing error near \`${n.shown}': ${msg}`;
}

class Lexer {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  readonly comments: ConfigComment[] = [];
  likelyPython: Position | undefined;
  /** yytext when the input ends: a rejected last character, else nothing. */
  eofText = '';
  readonly notes: LibxluResult['notes'] = [];
  private pending: LibxluError[] = NO_ERRORS;
  /** An error of the lexer's own so far (a rejected run, a bad escape). */
  private failedHere = false;

  /** `failedElsewhere`: whether the parser has met an error (libxlu's ctx->err). */
  constructor(
    private readonly s: string,
    private readonly failedElsewhere: () => boolean = () => false,
  ) {}

  private pos(off: number): Position {
    return { line: this.line, column: off - this.lineStart + 1 };
  }

  private lastKind: Kind | undefined;
  private lastEnd = -1;

  // Every token of the file passes here: no position object, and no error list of its own unless it has errors.
  private tok(kind: Kind, start: number, end: number): Tok {
    this.lastKind = kind;
    this.lastEnd = end;
    const line = this.line;
    const t: Tok = { kind, text: this.s.slice(start, end), value: undefined, line, column: start - this.lineStart + 1, locLine: line, before: this.pending };
    if (this.pending !== NO_ERRORS) this.pending = NO_ERRORS;
    return t;
  }

  /** An error of the lexer's own, reported with the token that `tok` makes next. */
  private report(e: LibxluError): void {
    if (this.pending === NO_ERRORS) this.pending = [];
    this.pending.push(e);
  }

  private newlineAt(off: number): void {
    this.line++;
    this.lineStart = off + 1;
  }

  /** Matches the string rule at i; the end offset or -1. */
  private stringEnd(q: string): number {
    let j = this.i + 1;
    const s = this.s;
    while (j < s.length) {
      const c = s.charAt(j);
      if (c === '\n') return -1;
      if (c === '\\') {
        if (j + 1 >= s.length || s.charAt(j + 1) === '\n') return -1;
        j += 2;
        continue;
      }
      if (c === q) return j + 1;
      j++;
    }
    return -1;
  }

  next(): Tok {
    const s = this.s;
    for (;;) {
      if (this.i >= s.length) {
        const t = this.tok('$end', this.i, this.i);
        return t;
      }
      const c = s.charAt(this.i);
      const start = this.i;
      if (c === ' ' || c === '\t') {
        this.i++;
        continue;
      }
      if (isLower(c)) {
        let j = start + 1;
        while (j < s.length && (isLower(s.charAt(j)) || isDigit(s.charAt(j)) || s.charAt(j) === '_' || s.charAt(j) === '.')) j++;
        this.i = j;
        return this.tok('IDENT', start, j);
      }
      if (isDigit(c)) {
        let j = start + 1;
        while (j < s.length && (isDigit(s.charAt(j)) || (s.charAt(j) >= 'a' && s.charAt(j) <= 'f') || s.charAt(j) === 'x')) j++;
        this.i = j;
        return this.tok('NUMBER', start, j);
      }
      if (c === '+' && s.charAt(start + 1) === '=') {
        this.i += 2;
        return this.tok('+=', start, start + 2);
      }
      if (c === ',' || c === '[' || c === ']' || c === '=' || c === ';') {
        this.i++;
        return this.tok(c, start, start + 1);
      }
      if (c === '\n') {
        const t = this.tok('NEWLINE', start, start + 1);
        this.i++;
        this.newlineAt(start);
        return t;
      }
      if (c === '#') {
        const nl = s.indexOf('\n', start);
        if (nl >= 0) {
          this.comments.push({ text: s.slice(start + 1, nl), line: this.line, column: start - this.lineStart + 1 });
          const t = this.tok('NEWLINE', start, nl + 1);
          this.i = nl + 1;
          this.newlineAt(nl);
          return t;
        }
        // `#.*\n` needs the newline: without it `#` is one more rejected character.
      }
      if (c === '"' || c === "'") {
        const end = this.stringEnd(c);
        if (end > 0) {
          const t = this.tok('STRING', start, end);
          this.i = end;
          this.dequote(t);
          return t;
        }
      }
      // [+-.():] or any other character: the error state, which swallows the run up
      // to a blank or newline (or just the blank after it) and then reports it.
      if ('+,-.():'.includes(c)) this.likelyPython ??= this.pos(start);
      const at = this.pos(start);
      let j = start + 1;
      if (j >= s.length) {
        // flex meets the end of the input inside the error state: no rule runs,
        // and the character stays in yytext (an error at the end shows it).
        this.i = j;
        this.eofText = s.slice(start, j);
        continue;
      }
      const d = s.charAt(j);
      let withNewline = false;
      if (d === '\n') {
        j++;
        withNewline = true;
      } else if (d === ' ' || d === '\t') {
        j++;
      } else {
        while (j < s.length && !' \t\n'.includes(s.charAt(j))) j++;
      }
      const text = s.slice(start, j);
      const afterNumber = this.lastKind === 'NUMBER' && this.lastEnd === start;
      this.failedHere = true;
      this.report({
        ...(afterNumber ? { afterNumber } : {}),
        kind: 'lexical',
        message: errorText(text, 'lexical error'),
        xlLine: at.line,
        firstLine: withNewline ? at.line + 1 : at.line,
        line: at.line,
        column: at.column,
        text: withNewline ? text.slice(0, -1) : text,
      });
      this.i = j;
      if (withNewline) {
        const t = this.tok('NEWLINE', j - 1, j);
        // GOT(NEWLINE) in the error state sets the line after the newline.
        t.locLine = t.line + 1;
        this.newlineAt(j - 1);
        return t;
      }
    }
  }

  /** xlu__cfgl_dequote(): the value, or an error (which xl reports as the token is read). */
  private dequote(t: Tok): void {
    const src = t.text;
    // Once any error is reported (ctx->err), xlu__cfgl_dequote returns at once: no
    // escape is looked at, and a NUL no longer trips its assertion.
    if (this.failedHere || this.failedElsewhere()) {
      t.value = src.slice(1, -1);
      return;
    }
    const nul = src.indexOf('\0');
    if (nul >= 0) {
      this.failedHere = true;
      // strlen() stops at the NUL, so the assertion that the text ends with its quote fails.
      errorsOf(t).push({ kind: 'abort', message: 'xl aborts (assertion failed): a NUL byte inside quotes', xlLine: t.line, line: t.line, column: t.column + nul });
      t.value = src.slice(1, nul);
      return;
    }
    const last = src.length - 1;
    let p = src.indexOf('\\', 1);
    // Most strings hold no escape: the value is the text between the quotes.
    if (p < 0 || p >= last) {
      t.value = ownString(src.slice(1, last));
      return;
    }
    // The text before each escape is copied in one piece.
    let out = src.slice(1, p);
    let escStart = 0;
    const fail = (msg: string): void => {
      this.failedHere = true;
      errorsOf(t).push({ kind: 'escape', message: errorText(src, msg), xlLine: t.line, line: t.line, column: t.column + escStart });
    };
    while (p < last) {
      const c = src.charAt(p++);
      if (c !== '\\') {
        const next = src.indexOf('\\', p);
        const to = next < 0 || next > last ? last : next;
        out += c + src.slice(p, to);
        p = to;
        continue;
      }
      escStart = p - 1;
      const nc = src.charAt(p++);
      const simple = SIMPLE_ESCAPES[nc];
      if (simple !== undefined) {
        out += simple;
      } else if (nc === 'x' || (nc >= '0' && nc <= '7')) {
        // NUMERIC_CHAR: strtoul over at most `maxlen` characters; it must read more
        // than `minlen` of them, and it stores no character either way.
        if (nc === 'x') p++;
        const [minlen, maxlen, base] = nc === 'x' ? [2, 2, 16] : [1, 3, 10];
        const buf = src.slice(p, p + maxlen);
        const used = strtoulLength(buf, base);
        if (used <= minlen) {
          fail(`invalid digit after backslash ${nc === 'x' ? 'hex' : 'octal'}numerical character escape in quoted string`);
          break;
        }
        p += used;
        this.notes.push({ message: `xl drops the numeric escape \`${src.slice(escStart, p)}\` from the string: it stores no character for it`, line: t.line, column: t.column + escStart });
      } else {
        fail('invalid character after backlash in quoted string');
        break;
      }
    }
    t.value = ownString(out);
  }
}

/**
 * A NUMBER token's value as strtol(…, 0) reads it when xl asks for a number
 * (xlu_cfg_get_bounded_long): `0x` hex, leading `0` octal, else decimal.
 * Undefined when strtol would stop early or overflow a 64-bit long. (The exact
 * value beyond 2^53 is the token's text; see cli/readers/xl-reading.ts.)
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

/** How many characters strtoul(buf, &ep, base) reads (0 when it reads no digit). */
function strtoulLength(buf: string, base: number): number {
  let i = 0;
  while (i < buf.length && ' \t\n\v\f\r'.includes(buf.charAt(i))) i++;
  if (buf.charAt(i) === '+' || buf.charAt(i) === '-') i++;
  if (base === 16 && buf.charAt(i) === '0' && (buf.charAt(i + 1) === 'x' || buf.charAt(i + 1) === 'X') && /[0-9a-fA-F]/.test(buf.charAt(i + 2))) i += 2;
  const digit = base === 16 ? /[0-9a-fA-F]/ : /[0-9]/;
  const start = i;
  while (i < buf.length && digit.test(buf.charAt(i))) i++;
  return i === start ? 0 : i;
}

const SHOWN: Record<Kind, string> = {
  IDENT: 'IDENT',
  NUMBER: 'NUMBER',
  STRING: 'STRING',
  NEWLINE: 'NEWLINE',
  $end: '$end',
  ',': "','",
  '[': "'['",
  ']': "']'",
  '=': "'='",
  '+=': '+=',
  ';': "';'",
};

/** What bison expects in each place, after its default reductions (as xl prints it). */
const EXPECTING = {
  statement: "$end or IDENT or NEWLINE or ';'",
  operator: "+= or '='",
  value: "STRING or NUMBER or '['",
  end: '$end',
  list: "']'",
};

/** Reads a config as libxlu does. Never throws. */
export function readLibxlu(text: string): LibxluResult {
  const errors: LibxluError[] = [];
  const lx = new Lexer(text, () => errors.length > 0);
  const entries: ConfigEntry[] = [];
  // The last entry of each key: `+=` looks its value up (a scan of every entry made a file of `+=` lines quadratic).
  // Made at the first `+=`, from the entries so far: most files have none.
  let lastOfKey: Map<string, ConfigEntry> | undefined;
  const numbers: LibxluResult['numbers'] = [];
  let err = false;
  /**
   * bison's yyerrstatus: 3 after a syntax error, one less for each token shifted
   * since. A syntax error found before it is back to 0 is not reported (yyerror is
   * not called): after `import os` on one line, `if re.search(…)` on the next
   * stumbles one token in, and xl prints nothing for it.
   */
  let errstatus = 0;
  let prevTok: Tok | undefined;
  let look: Tok | undefined;
  const peek = (): Tok => {
    if (!look) {
      look = lx.next();
      let aborts = false;
      for (const e of look.before) {
        errors.push(e);
        err = true;
        if (e.kind === 'abort') aborts = true;
      }
      // The assertion kills xl: nothing after it is read or said.
      if (aborts) throw new Aborted();
      // flex leaves yylloc alone at the end of input: the last token's line.
      if (look.kind === '$end' && prevTok) look.locLine = prevTok.locLine;
    }
    return look;
  };
  /** The next token, shifted (`discard`: thrown away by error recovery, which shifts nothing). */
  const take = (discard = false): Tok => {
    const t = peek();
    look = undefined;
    prevTok = t;
    // Always the subtraction, so that it has type feedback before a file with a syntax error needs it.
    if (!discard) errstatus = Math.max(errstatus - 1, 0);
    return t;
  };
  const syntax = (t: Tok, where: keyof typeof EXPECTING, aborts = false): void => {
    let line = t.kind === 'NEWLINE' ? t.locLine - 1 : t.locLine;
    if (t.kind === '$end') line = t.locLine;
    const shownText = t.kind === '$end' ? '' : t.text;
    const message = t.kind === '$end'
      ? `config parsing error near \`${near(lx.eofText).shown}': syntax error, unexpected $end, expecting ${EXPECTING[where]}`
      : errorText(shownText, `syntax error, unexpected ${SHOWN[t.kind]}, expecting ${EXPECTING[where]}`);
    if (errstatus === 0) errors.push({ kind: 'syntax', message, xlLine: line, firstLine: t.locLine, line: t.line, column: t.column });
    err = true;
    if (aborts) throw new Aborted();
    // error NEWLINE: throw tokens away up to the next newline, which is shifted.
    let u = t;
    while (u.kind !== 'NEWLINE' && u.kind !== '$end') {
      take(true);
      u = peek();
    }
    errstatus = 3;
    if (u.kind === 'NEWLINE') take();
  };

  let depth = 0;
  let listItems = 0;
  let stopped: LibxluResult['stopped'];
  const stop = (t: Tok, limit: ReadLimit): never => {
    stopped = { line: t.line, column: t.column, limit };
    throw new Stopped();
  };
  const value = (where: 'value' | 'list'): ConfigValue | undefined => {
    const t = peek();
    if (t.kind === 'STRING' || t.kind === 'NUMBER') {
      take();
      if (t.kind === 'STRING') return { kind: 'string', value: t.value ?? '', line: t.line, column: t.column };
      const n = strtolBase0(t.text);
      numbers.push({ raw: t.text, value: n, line: t.line, column: t.column });
      return n === undefined
        ? { kind: 'string', value: t.text, line: t.line, column: t.column }
        : { kind: 'number', value: n, raw: t.text, line: t.line, column: t.column };
    }
    if (t.kind === '[') {
      // bison's stack holds 10000 entries (YYMAXDEPTH), two per open list: past
      // that it reports "memory exhausted" and stops reading.
      if (++depth > MAX_OPEN_LISTS) {
        errors.push({ kind: 'syntax', message: "config parsing error near `[': memory exhausted", xlLine: t.locLine, line: t.line, column: t.column });
        throw new Exhausted();
      }
      take();
      const items: ConfigValue[] = [];
      const nlok = (): void => {
        while (peek().kind === 'NEWLINE') take();
      };
      nlok();
      if (peek().kind !== ']') {
        for (;;) {
          if (items.length >= READ_LIMITS.listItems) stop(peek(), 'listItems');
          if (++listItems > READ_LIMITS.values) stop(peek(), 'values');
          const v = value('list');
          if (!v) return undefined;
          items.push(v);
          nlok();
          if (peek().kind === ',') {
            take();
            nlok();
            if (peek().kind === ']') break;
            continue;
          }
          break;
        }
      }
      const close = peek();
      if (close.kind !== ']') {
        syntax(close, 'list');
        return undefined;
      }
      take();
      depth--;
      return { kind: 'list', items, line: t.line, column: t.column };
    }
    syntax(t, where === 'list' ? 'list' : 'value');
    return undefined;
  };

  try {
    statements();
  } catch (e) {
    if (!(e instanceof Exhausted) && !(e instanceof Aborted) && !(e instanceof Stopped)) throw e;
    if (e instanceof Aborted) {
      // xl reads no further; the comments are still collected (directives live there),
      // but nothing the rest of the text would make libxlu say or flag.
      const python = lx.likelyPython;
      const notes = lx.notes.length;
      while (lx.next().kind !== '$end');
      lx.likelyPython = python;
      lx.notes.length = notes;
    }
  }
  // yyerror() keeps quiet about an error on or before the line of the last lexical
  // error (ctx->lexerrlineno); xl prints only the others.
  let lexerrLine = -1;
  const printed = errors.filter((e) => {
    const first = e.firstLine ?? e.xlLine;
    if (first <= lexerrLine) return false;
    if (e.kind !== 'syntax') lexerrLine = first;
    return true;
  });
  const result: LibxluResult = { notes: lx.notes, entries, numbers, comments: lx.comments, errors: printed };
  if (lx.likelyPython) result.likelyPython = lx.likelyPython;
  if (stopped) result.stopped = stopped;
  return result;

  function statements(): void {
  let statementCount = 0;
  for (;;) {
    depth = 0;
    const t = peek();
    if (t.kind === '$end') break;
    if (t.kind === 'NEWLINE' || t.kind === ';') {
      take();
      continue;
    }
    if (t.kind !== 'IDENT') {
      syntax(t, 'statement');
      continue;
    }
    if (++statementCount > READ_LIMITS.statements) stop(t, 'statements');
    take();
    const op = peek();
    if (op.kind !== '=' && op.kind !== '+=') {
      syntax(op, 'operator');
      continue;
    }
    take();
    const v = value('value');
    if (!v) continue;
    // The assignment is reduced before the next token is read. After an error xl
    // stores nothing more; the settings are still collected (the file is refused
    // anyway) so that directives and hints can find their lines.
    const entry: ConfigEntry = { key: t.text, op: op.kind, value: v, line: t.line, column: t.column };
    let mixed = false;
    if (op.kind === '+=') {
      if (!lastOfKey) {
        lastOfKey = new Map();
        for (const e of entries) lastOfKey.set(e.key, e);
      }
      const prev = lastOfKey.get(t.text);
      mixed = prev !== undefined && (prev.value.kind === 'list') !== (v.kind === 'list');
      if (mixed && !err) {
        const last = prevTok!;
        errors.push({ kind: 'concat', message: errorText(last.text, 'can\'t add [list] to "string" or vice versa'), xlLine: last.line, line: t.line, column: t.column });
        err = true;
      }
    }
    if (!mixed) {
      entries.push(entry);
      lastOfKey?.set(entry.key, entry);
    }
    const end = peek();
    if (end.kind === 'NEWLINE' || end.kind === ';') {
      take();
      continue;
    }
    if (end.kind === '$end') break;
    // After a whole assignment bison has already reduced to `file: stmts assignment`
    // (its default reduction), where no `error NEWLINE` rule applies: it gives up
    // on the file here and reads no further (`a = 1 b` then anything).
    syntax(end, 'end', true);
  }
  }
}

/** Open lists bison's stack can hold in one setting (found with the real xl 4.17: 4996 read, 4997 exhausted). */
const MAX_OPEN_LISTS = 4996;

// The three below are thrown only to unwind the reader and are caught in readLibxlu;
// they are not Errors, so throwing one captures no stack trace (a Python-style
// config under xl often ends in an abort).
class Exhausted {}

/** Reading stopped at one of xenlint's limits (read-limits.ts). */
class Stopped {}

/** bison's YYABORT: no state left that can shift `error`. */
class Aborted {}
