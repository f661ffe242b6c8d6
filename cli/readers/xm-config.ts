/**
 * Static reader for xm (xend) domU configs, which are Python 2 programs.
 *
 * xm runs the file with execfile() and then takes every top-level variable whose
 * type is exactly str, list, int or float as an option of the same name
 * (tools/python/xen/xm/opts.py@3.0.4-branched, load(); xen-facts.md B1). Running
 * the file would run whatever it contains, so this reader never executes or
 * evaluates anything: it tokenises and parses the Python 2 syntax real configs use
 * and keeps only values that are literals (strings, numbers, lists, tuples, dicts,
 * True/False/None) or `+`/`-` of literals. Anything else — a variable, a call,
 * `%` formatting, attribute access — becomes an "unreadable" value with its
 * position, and statements such as `import` or an `if` block are reported as
 * "not statically readable"; the rest of the file is still read.
 */
import { limitDiagnostic, READ_LIMITS } from './read-limits.js';
import { ownString } from './own-string.js';
import type { Diagnostic, Position, Severity } from '../model/diagnostic.js';
import type { ConfigComment, ConfigEntry, ConfigValue, ParsedConfig } from '../model/config-model.js';

type NumType = 'int' | 'long' | 'float' | 'complex';

interface Tok extends Position {
  kind: 'name' | 'number' | 'string' | 'op';
  text: string;
  start: number;
  end: number;
  /** Where the token ends (strings may span lines). */
  endPos: Position;
  str?: { value: string; unicode: boolean };
  num?: { value: number; type: NumType };
}

interface LogicalLine {
  toks: Tok[];
  /** Visual indentation of its first physical line (tabs to multiples of 8, as Python 2). */
  indent: number;
  /** A tokenizer error inside it, already reported. */
  poisoned: boolean;
}

const KEYWORDS = new Set(
  'and as assert break class continue def del elif else except exec finally for from global if import in is lambda not or pass print raise return try while with yield'.split(' '),
);
const COMPOUND = new Set(['if', 'for', 'while', 'def', 'class', 'try', 'with']);
const CONTINUATION = new Set(['elif', 'else', 'except', 'finally']);
const SIMPLE_KEYWORD_STMT = new Set(['import', 'from', 'print', 'del', 'break', 'continue', 'return', 'raise', 'global', 'exec', 'assert', 'yield']);
const OPS3 = ['**=', '//=', '>>=', '<<='];
const OPS2 = ['**', '//', '<<', '>>', '<=', '>=', '==', '!=', '<>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^='];
const OPS1 = '+-*/%&|^~<>()[]{},:.;=@`';
const STRING_PREFIXES = new Set(['u', 'b', 'r', 'ur', 'br']);
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

function mkDiag(file: string, severity: Severity, message: string, pos: Position, code: string): Diagnostic {
  return { severity, message, line: pos.line, column: pos.column, code, file };
}

function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
/** isNameChar by character code, for the tokenizer's loop over a name. */
function isNameCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}

/** Characters that can follow the first character of a two- or three-character operator. */
const OP_SECOND = '*/<>=';

/** The operator at `i` (whose character is `c`), longest first as Python's tokenizer reads it, or undefined. */
function operatorAt(text: string, i: number, c: string): string | undefined {
  // Most operators are one character not followed by one that could lengthen it: no slices for them.
  if (!OP_SECOND.includes(text.charAt(i + 1))) return OPS1.includes(c) ? c : undefined;
  const three = text.slice(i, i + 3);
  const two = text.slice(i, i + 2);
  return OPS3.includes(three) ? three : OPS2.includes(two) ? two : OPS1.includes(c) ? c : undefined;
}

/** Splits Python 2 source into logical lines of tokens; comments are collected on the side. */
class Tokenizer {
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private brackets: Tok[] = [];
  private cur: Tok[] = [];
  private curIndent = 0;
  private curPoisoned = false;
  readonly lines: LogicalLine[] = [];
  readonly comments: ConfigComment[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private tokens = 0;
  /** Where tokenizing stopped at READ_LIMITS.tokens. */
  stopped: Position | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  private pos(off: number): Position {
    return { line: this.line, column: off - this.lineStart + 1 };
  }
  /** Python stops at the first error of a statement; so does the report. */
  private error(message: string, p: Position): void {
    if (!this.curPoisoned) this.diagnostics.push(mkDiag(this.file, 'error', message, p, 'xm-syntax'));
    this.curPoisoned = true;
  }
  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
  }
  private finishLine(): void {
    if (this.cur.length > 0) this.lines.push({ toks: this.cur, indent: this.curIndent, poisoned: this.curPoisoned });
    this.cur = [];
    this.curPoisoned = false;
  }

  run(): void {
    const { text } = this;
    const n = text.length;
    let atLineStart = true;
    while (this.i < n) {
      if (this.tokens >= READ_LIMITS.tokens) {
        // The statement being read is cut: drop it rather than report it as broken.
        this.stopped = this.cur[0] ?? this.pos(this.i);
        this.cur = [];
        this.brackets = [];
        break;
      }
      if (atLineStart && this.brackets.length === 0 && this.cur.length === 0) {
        // Measure the indentation of a new logical line.
        let width = 0;
        while (this.i < n) {
          const c = text.charAt(this.i);
          if (c === ' ') width++;
          else if (c === '\t') width = (Math.floor(width / 8) + 1) * 8;
          else if (c === '\f') width = 0;
          else break;
          this.i++;
        }
        this.curIndent = width;
      }
      atLineStart = false;
      if (this.i >= n) break;
      const c = text.charAt(this.i);
      if (c === ' ' || c === '\t' || c === '\f' || c === '\r') {
        this.i++;
        continue;
      }
      if (c === '\n') {
        this.newline(this.i);
        this.i++;
        atLineStart = true;
        if (this.brackets.length === 0) this.finishLine();
        else this.checkRunawayBracket();
        continue;
      }
      if (c === '#') {
        let j = this.i + 1;
        while (j < n && text.charAt(j) !== '\n') j++;
        let end = j;
        if (end > this.i + 1 && text.charAt(end - 1) === '\r') end--;
        this.comments.push({ text: text.slice(this.i + 1, end), line: this.line, column: this.i - this.lineStart + 1 });
        this.i = j;
        continue;
      }
      if (c === '\\') {
        let j = this.i + 1;
        if (text.charAt(j) === '\r') j++;
        if (text.charAt(j) === '\n') {
          this.newline(j);
          this.i = j + 1;
          continue;
        }
        if (j >= n) {
          this.error('unexpected end of file after a line continuation (`\\`)', this.pos(this.i));
          this.i = n;
          continue;
        }
        this.error('unexpected character after line continuation character `\\`', this.pos(this.i));
        this.i++;
        continue;
      }
      if (isNameStart(c)) {
        let j = this.i + 1;
        while (j < n && isNameCode(text.charCodeAt(j))) j++;
        const word = text.slice(this.i, j);
        const q = text.charAt(j);
        if ((q === "'" || q === '"') && STRING_PREFIXES.has(word.toLowerCase())) {
          this.string(this.i, j);
          continue;
        }
        this.push('name', this.i, j);
        this.i = j;
        continue;
      }
      if (isDigit(c) || (c === '.' && isDigit(text.charAt(this.i + 1)))) {
        this.number();
        continue;
      }
      if (c === "'" || c === '"') {
        this.string(this.i, this.i);
        continue;
      }
      const op = operatorAt(text, this.i, c);
      if (op === undefined) {
        this.error(`invalid character \`${c}\` (Python syntax error)`, this.pos(this.i));
        this.i++;
        continue;
      }
      const tok = this.push('op', this.i, this.i + op.length);
      this.i += op.length;
      if (OPENERS[op] !== undefined) this.brackets.push(tok);
      else if (op === ')' || op === ']' || op === '}') {
        const open = this.brackets.pop();
        if (!open) this.error(`unmatched \`${op}\``, tok);
        else if (OPENERS[open.text] !== op) this.error(`\`${op}\` does not match \`${open.text}\` opened at ${open.line}:${open.column}`, tok);
      }
    }
    for (const open of this.brackets) this.error(`\`${open.text}\` opened here is never closed`, open);
    this.brackets = [];
    this.finishLine();
  }

  /**
   * Inside brackets a newline continues the statement. A new line that starts in
   * column 1 with `name =` is almost certainly the next setting after a forgotten
   * closing bracket; cut there so the mistake does not swallow the rest of the file.
   */
  private checkRunawayBracket(): void {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)[ \t]*(\+?=)(?!=)/.exec(this.text.slice(this.i, this.i + 200));
    if (!m || KEYWORDS.has(m[1] ?? '')) return;
    for (const open of this.brackets) this.error(`\`${open.text}\` opened at ${open.line}:${open.column} is not closed before the next setting`, this.pos(this.i));
    this.brackets = [];
    this.finishLine();
  }

  private push(kind: Tok['kind'], start: number, end: number): Tok {
    // Fields written out, not spread from pos(): this runs for every token of the file.
    const t: Tok = { kind, text: this.text.slice(start, end), start, end, endPos: this.pos(end), line: this.line, column: start - this.lineStart + 1 };
    this.tokens++;
    this.cur.push(t);
    return t;
  }

  private number(): void {
    const { text } = this;
    const start = this.i;
    const rest = text.slice(start, start + 400);
    const based = /^0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)([lL]?)/.exec(rest);
    let raw: string;
    let value: number;
    let type: NumType;
    if (based) {
      raw = based[0];
      const digits = based[1] ?? '';
      const prefix = digits.charAt(0).toLowerCase();
      value = Number(BigInt('0' + prefix + digits.slice(1)));
      type = based[2] ? 'long' : 'int';
    } else {
      const m = /^(\d*)(\.\d*)?([eE][+-]?\d+)?([jJ]|[lL])?/.exec(rest);
      raw = m?.[0] ?? text.charAt(start);
      const intPart = m?.[1] ?? '';
      const isFloat = m?.[2] !== undefined || m?.[3] !== undefined;
      const suffix = (m?.[4] ?? '').toLowerCase();
      if (/^0[xXoObB]/.test(rest)) {
        this.error(`invalid number \`${rest.slice(0, 2)}\` (Python syntax error)`, this.pos(start));
        raw = rest.slice(0, 2);
        value = 0;
        type = 'int';
      } else if (suffix === 'j') {
        value = Number.NaN;
        type = 'complex';
      } else if (isFloat) {
        if (suffix === 'l') this.error(`invalid number \`${raw}\` (Python syntax error)`, this.pos(start));
        value = Number.parseFloat(raw.replace(/[lL]$/, ''));
        type = 'float';
      } else if (intPart.length > 1 && intPart.startsWith('0')) {
        // Python 2: a leading zero means octal, as in C.
        if (!/^0[0-7]+$/.test(intPart)) this.error(`invalid octal number \`${intPart}\` (a leading 0 means octal in Python 2)`, this.pos(start));
        value = /^0[0-7]+$/.test(intPart) ? Number(BigInt('0o' + intPart.slice(1))) : Number(intPart);
        type = suffix === 'l' ? 'long' : 'int';
      } else {
        value = Number(intPart);
        type = suffix === 'l' ? 'long' : 'int';
      }
    }
    const tok = this.push('number', start, start + raw.length);
    tok.num = { value, type };
    this.i = start + raw.length;
  }

  /** A string literal whose prefix starts at `start` and whose quote is at `q`. */
  private string(start: number, q: number): void {
    const { text } = this;
    const prefix = text.slice(start, q).toLowerCase();
    const raw = prefix.includes('r');
    const unicode = prefix.includes('u');
    const quote = text.charAt(q);
    const triple = text.slice(q, q + 3) === quote.repeat(3);
    const open = this.pos(start);
    const startLine = this.line;
    const startLineStart = this.lineStart;
    const closing = triple ? quote.repeat(3) : quote;
    let j = q + closing.length;
    // The value is the text from `run` to `j`, plus what came before `run`
    // (escapes decoded, CRs of CRLF dropped): copied in runs, not by the character.
    let value = '';
    let run = j;
    let closed = false;
    const n = text.length;
    while (j < n) {
      const c = text.charAt(j);
      if (c === quote && (!triple || text.startsWith(closing, j))) {
        value += text.slice(run, j);
        j += closing.length;
        run = j;
        closed = true;
        break;
      }
      if (c === '\n') {
        if (!triple) break;
        this.newline(j);
        j++;
        continue;
      }
      if (c === '\\' && j + 1 < n) {
        const esc = this.escape(j, raw, unicode);
        value += text.slice(run, j) + esc.value;
        j = esc.end;
        run = j;
        continue;
      }
      if (c === '\r' && text.charAt(j + 1) === '\n') {
        value += text.slice(run, j);
        j++;
        run = j;
        continue;
      }
      j++;
    }
    if (!closed) value += text.slice(run, j);
    value = ownString(value);
    const tok: Tok = { kind: 'string', text: text.slice(start, j), start, end: j, endPos: this.pos(j), line: startLine, column: start - startLineStart + 1 };
    tok.str = { value, unicode };
    this.cur.push(tok);
    if (!closed) {
      this.error(triple ? 'triple-quoted string is never closed (EOF while scanning)' : 'string is not closed before the end of the line (EOL while scanning string literal)', open);
    }
    this.i = j;
  }

  /** One backslash escape at `j`; returns its value and the offset after it. */
  private escape(j: number, raw: boolean, unicode: boolean): { value: string; end: number } {
    const { text } = this;
    const nc = text.charAt(j + 1);
    if (nc === '\n' || (nc === '\r' && text.charAt(j + 2) === '\n')) {
      const nl = nc === '\n' ? j + 1 : j + 2;
      this.newline(nl);
      return { value: raw ? text.slice(j, nl + 1).replace('\r', '') : '', end: nl + 1 };
    }
    if (raw) return { value: '\\' + nc, end: j + 2 };
    const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    const s = simple[nc];
    if (s !== undefined) return { value: s, end: j + 2 };
    if (nc >= '0' && nc <= '7') {
      const m = /^[0-7]{1,3}/.exec(text.slice(j + 1, j + 4));
      const digits = m?.[0] ?? nc;
      return { value: String.fromCharCode(Number.parseInt(digits, 8) & (unicode ? 0xffff : 0xff)), end: j + 1 + digits.length };
    }
    const hexLen = nc === 'x' ? 2 : unicode && nc === 'u' ? 4 : unicode && nc === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const digits = text.slice(j + 2, j + 2 + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(digits)) {
        this.error(`invalid \\${nc} escape in string (Python error)`, this.pos(j));
        return { value: '', end: j + 2 };
      }
      const cp = Number.parseInt(digits, 16);
      return { value: cp <= 0x10ffff ? String.fromCodePoint(cp) : '', end: j + 2 + hexLen };
    }
    // Python keeps an unknown escape as the backslash and the character.
    return { value: '\\' + nc, end: j + 2 };
  }
}

// ---------------------------------------------------------------------------
// Expressions: a recogniser for Python 2's expression grammar that builds just
// enough of a tree to tell literals from everything else.

type Node = Position & { s: number; e: number } & (
    | { t: 'str'; value: string; unicode: boolean }
    | { t: 'num'; value: number; numType: NumType }
    | { t: 'name'; id: string }
    | { t: 'list' | 'tuple'; items: Node[] }
    | { t: 'dict'; entries: Array<[Node, Node]> }
    | { t: 'binop'; op: string; left: Node; right: Node; opPos: Position }
    | { t: 'unary'; op: string; operand: Node }
    /** Valid Python that needs evaluation: a call, attribute, comparison, lambda… */
    | { t: 'opaque'; reason: string; trailer?: 'call' | 'attr' | 'index' }
  );

class SyntaxErr {
  constructor(
    readonly message: string,
    readonly at: Position,
  ) {}
}

const BINARY_LEVELS: string[][] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%', '//']];
const COMPARISON = new Set(['<', '>', '==', '>=', '<=', '<>', '!=']);
const AUGASSIGN = new Set(['+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '**=', '//=']);

/** Nested expression levels the reader follows (Python 2's own parser gives up far earlier). */
const MAX_NESTING = 100;

class ExprParser {
  k = 0;
  private nesting = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly text: string,
    private readonly eol: Position & { off: number },
  ) {}

  get tok(): Tok | undefined {
    return this.toks[this.k];
  }
  isOp(op: string, at = this.k): boolean {
    const t = this.toks[at];
    return t !== undefined && t.kind === 'op' && t.text === op;
  }
  isKw(kw: string, at = this.k): boolean {
    const t = this.toks[at];
    return t !== undefined && t.kind === 'name' && t.text === kw;
  }
  fail(message: string): never {
    const t = this.tok;
    throw new SyntaxErr(t ? `invalid syntax near \`${t.text}\`: ${message}` : `invalid syntax at the end of the line: ${message}`, t ?? this.eol);
  }
  expectOp(op: string): Tok {
    const t = this.tok;
    if (!t || t.kind !== 'op' || t.text !== op) this.fail(`expected \`${op}\``);
    this.k++;
    return t;
  }
  private opaque(start: Tok | Node, end: number, reason: string, trailer?: 'call' | 'attr' | 'index'): Node {
    const s = 'start' in start ? start.start : start.s;
    const node: Node = { t: 'opaque', reason, s, e: end, line: start.line, column: start.column };
    if (trailer) node.trailer = trailer;
    return node;
  }
  private lastEnd(): number {
    return this.toks[this.k - 1]?.end ?? this.eol.off;
  }
  private src(n: Node): string {
    return this.text.slice(n.s, n.e);
  }

  /** testlist: one expression, or a tuple when commas separate several. */
  testlist(): Node {
    const first = this.test();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.isOp(',')) {
      this.k++;
      if (this.atExprEnd()) break;
      items.push(this.test());
    }
    return { t: 'tuple', items, s: first.s, e: this.lastEnd(), line: first.line, column: first.column };
  }

  /** True where an expression cannot start: end of statement, `=`, `)`, … */
  atExprEnd(): boolean {
    const t = this.tok;
    if (!t) return true;
    if (t.kind !== 'op') return t.kind === 'name' && KEYWORDS.has(t.text) && !['not', 'lambda'].includes(t.text);
    return !['(', '[', '{', '`', '-', '+', '~'].includes(t.text);
  }

  /** Runs one recursive step, refusing to go deeper than MAX_NESTING. */
  private nested<N>(step: () => N): N {
    if (this.nesting >= MAX_NESTING) this.fail('expression nested too deeply; xenlint stops reading it');
    this.nesting++;
    try {
      return step();
    } finally {
      this.nesting--;
    }
  }

  test(): Node {
    return this.nested(() => this.testInner());
  }

  private testInner(): Node {
    if (this.isKw('lambda')) return this.lambda();
    const x = this.orTest();
    if (this.isKw('if')) {
      this.k++;
      this.orTest();
      if (!this.isKw('else')) this.fail('expected `else` in a conditional expression');
      this.k++;
      this.test();
      return this.opaque(x, this.lastEnd(), 'a conditional expression (`… if … else …`) needs evaluation');
    }
    return x;
  }

  private lambda(): Node {
    const start = this.tok!;
    this.k++;
    while (this.tok && !this.isOp(':')) {
      if (this.isOp('(') || this.isOp('[') || this.isOp('{')) this.skipBalanced();
      else this.k++;
    }
    this.expectOp(':');
    this.test();
    return this.opaque(start, this.lastEnd(), 'a `lambda` needs evaluation');
  }

  private skipBalanced(): void {
    let depth = 0;
    do {
      if (this.isOp('(') || this.isOp('[') || this.isOp('{')) depth++;
      else if (this.isOp(')') || this.isOp(']') || this.isOp('}')) depth--;
      this.k++;
    } while (this.tok && depth > 0);
  }

  private orTest(): Node {
    return this.boolChain('or', () => this.andTest());
  }
  private andTest(): Node {
    return this.boolChain('and', () => this.notTest());
  }
  private boolChain(kw: string, next: () => Node): Node {
    const first = next();
    if (!this.isKw(kw)) return first;
    while (this.isKw(kw)) {
      this.k++;
      next();
    }
    return this.opaque(first, this.lastEnd(), `\`${kw}\` needs evaluation`);
  }
  private notTest(): Node {
    if (this.isKw('not')) {
      const t = this.tok!;
      this.k++;
      this.nested(() => this.notTest());
      return this.opaque(t, this.lastEnd(), '`not` needs evaluation');
    }
    return this.comparison();
  }
  private comparison(): Node {
    const first = this.expr();
    let compared = false;
    for (;;) {
      const t = this.tok;
      if (!t) break;
      if (t.kind === 'op' && COMPARISON.has(t.text)) this.k++;
      else if (this.isKw('in')) this.k++;
      else if (this.isKw('not') && this.isKw('in', this.k + 1)) this.k += 2;
      else if (this.isKw('is')) {
        this.k++;
        if (this.isKw('not')) this.k++;
      } else break;
      this.expr();
      compared = true;
    }
    return compared ? this.opaque(first, this.lastEnd(), 'a comparison needs evaluation') : first;
  }

  /** `expr` in Python's grammar: the binary operators from `|` down to `*`. */
  expr(level = 0): Node {
    const ops = BINARY_LEVELS[level];
    if (!ops) return this.factor();
    let left = this.expr(level + 1);
    for (;;) {
      const t = this.tok;
      if (!t || t.kind !== 'op' || !ops.includes(t.text)) return left;
      this.k++;
      const right = this.expr(level + 1);
      left = { t: 'binop', op: t.text, left, right, opPos: { line: t.line, column: t.column }, s: left.s, e: right.e, line: left.line, column: left.column };
    }
  }

  private factor(): Node {
    const t = this.tok;
    if (t && t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      this.k++;
      const operand = this.nested(() => this.factor());
      return { t: 'unary', op: t.text, operand, s: t.start, e: operand.e, line: t.line, column: t.column };
    }
    return this.power();
  }

  private power(): Node {
    let node = this.atom();
    for (;;) {
      if (this.isOp('(')) {
        const callee = this.src(node);
        this.callArgs();
        node = this.opaque(node, this.lastEnd(), `calls \`${callee}()\`, which needs running Python`, 'call');
      } else if (this.isOp('[')) {
        this.k++;
        this.subscripts();
        this.expectOp(']');
        node = this.opaque(node, this.lastEnd(), node.t === 'opaque' ? node.reason : `indexing \`${this.text.slice(node.s, this.lastEnd())}\` needs evaluation`, 'index');
      } else if (this.isOp('.')) {
        this.k++;
        const name = this.tok;
        if (!name || name.kind !== 'name') this.fail('expected a name after `.`');
        this.k++;
        node = this.opaque(node, this.lastEnd(), node.t === 'opaque' ? node.reason : `attribute access \`${this.text.slice(node.s, this.lastEnd())}\` needs evaluation`, 'attr');
      } else break;
    }
    if (this.isOp('**')) {
      const t = this.tok!;
      this.k++;
      // `-2**2` is -(2**2): the power binds tighter than a unary minus on its left.
      const right = this.nested(() => this.factor());
      node = { t: 'binop', op: '**', left: node, right, opPos: { line: t.line, column: t.column }, s: node.s, e: right.e, line: node.line, column: node.column };
    }
    return node;
  }

  private callArgs(): void {
    this.expectOp('(');
    while (!this.isOp(')')) {
      if (this.isOp('*') || this.isOp('**')) {
        this.k++;
        this.test();
      } else {
        this.test();
        if (this.isOp('=')) {
          this.k++;
          this.test();
        } else if (this.isKw('for')) this.compFor();
      }
      if (!this.isOp(',')) break;
      this.k++;
    }
    this.expectOp(')');
  }

  private subscripts(): void {
    for (;;) {
      if (this.isOp('.') && this.isOp('.', this.k + 1) && this.isOp('.', this.k + 2)) this.k += 3;
      else {
        if (!this.isOp(':')) this.test();
        while (this.isOp(':')) {
          this.k++;
          if (!this.isOp(':') && !this.isOp(']') && !this.isOp(',')) this.test();
        }
      }
      if (!this.isOp(',')) return;
      this.k++;
      if (this.isOp(']')) return;
    }
  }

  /** `for targets in iterable [if …]…` of a comprehension. */
  private compFor(): void {
    while (this.isKw('for') || this.isKw('if')) {
      if (this.isKw('for')) {
        this.k++;
        this.expr();
        while (this.isOp(',')) {
          this.k++;
          if (this.isKw('in')) break;
          this.expr();
        }
        if (!this.isKw('in')) this.fail('expected `in`');
        this.k++;
        this.orTest();
        while (this.isOp(',') && !this.isOp(']', this.k + 1)) {
          this.k++;
          this.orTest();
        }
      } else {
        this.k++;
        this.orTest();
      }
    }
  }

  private atom(): Node {
    const t = this.tok;
    if (!t) this.fail('expected a value');
    if (t.kind === 'string') {
      let value = '';
      let unicode = false;
      let end = t.end;
      while (this.tok?.kind === 'string') {
        value += this.tok.str?.value ?? '';
        unicode ||= this.tok.str?.unicode ?? false;
        end = this.tok.end;
        this.k++;
      }
      return { t: 'str', value, unicode, s: t.start, e: end, line: t.line, column: t.column };
    }
    if (t.kind === 'number') {
      this.k++;
      return { t: 'num', value: t.num?.value ?? Number.NaN, numType: t.num?.type ?? 'int', s: t.start, e: t.end, line: t.line, column: t.column };
    }
    if (t.kind === 'name') {
      if (KEYWORDS.has(t.text)) this.fail(`\`${t.text}\` is a keyword`);
      this.k++;
      return { t: 'name', id: t.text, s: t.start, e: t.end, line: t.line, column: t.column };
    }
    if (t.text === '(') return this.parens(t);
    if (t.text === '[') return this.brackets(t);
    if (t.text === '{') return this.braces(t);
    if (t.text === '`') {
      this.k++;
      this.testlist();
      this.expectOp('`');
      return this.opaque(t, this.lastEnd(), 'a backquote repr needs evaluation');
    }
    this.fail('expected a value');
  }

  private parens(open: Tok): Node {
    this.k++;
    if (this.isOp(')')) {
      this.k++;
      return { t: 'tuple', items: [], s: open.start, e: this.lastEnd(), line: open.line, column: open.column };
    }
    const first = this.test();
    if (this.isKw('for')) {
      this.compFor();
      this.expectOp(')');
      return this.opaque(open, this.lastEnd(), 'a generator expression needs evaluation');
    }
    if (this.isOp(')')) {
      this.k++;
      return first;
    }
    const items = [first];
    while (this.isOp(',')) {
      this.k++;
      if (this.isOp(')')) break;
      items.push(this.test());
    }
    this.expectOp(')');
    return { t: 'tuple', items, s: open.start, e: this.lastEnd(), line: open.line, column: open.column };
  }

  private brackets(open: Tok): Node {
    this.k++;
    const items: Node[] = [];
    if (!this.isOp(']')) {
      items.push(this.test());
      if (this.isKw('for')) {
        this.compFor();
        this.expectOp(']');
        return this.opaque(open, this.lastEnd(), 'a list comprehension needs evaluation');
      }
      while (this.isOp(',')) {
        this.k++;
        if (this.isOp(']')) break;
        items.push(this.test());
      }
    }
    this.expectOp(']');
    return { t: 'list', items, s: open.start, e: this.lastEnd(), line: open.line, column: open.column };
  }

  private braces(open: Tok): Node {
    this.k++;
    const entries: Array<[Node, Node]> = [];
    if (this.isOp('}')) {
      this.k++;
      return { t: 'dict', entries, s: open.start, e: this.lastEnd(), line: open.line, column: open.column };
    }
    const key = this.test();
    if (!this.isOp(':')) {
      // A set literal or set comprehension (Python 2.7).
      if (this.isKw('for')) this.compFor();
      while (this.isOp(',')) {
        this.k++;
        if (this.isOp('}')) break;
        this.test();
      }
      this.expectOp('}');
      return this.opaque(open, this.lastEnd(), 'a set needs evaluation');
    }
    this.k++;
    entries.push([key, this.test()]);
    if (this.isKw('for')) {
      this.compFor();
      this.expectOp('}');
      return this.opaque(open, this.lastEnd(), 'a dict comprehension needs evaluation');
    }
    while (this.isOp(',')) {
      this.k++;
      if (this.isOp('}')) break;
      const k2 = this.test();
      this.expectOp(':');
      entries.push([k2, this.test()]);
    }
    this.expectOp('}');
    return { t: 'dict', entries, s: open.start, e: this.lastEnd(), line: open.line, column: open.column };
  }
}

// ---------------------------------------------------------------------------
// Static evaluation: literals only, never anything that runs code.

type PyType = 'str' | 'unicode' | 'int' | 'long' | 'float' | 'bool' | 'none' | 'list' | 'tuple' | 'dict' | 'unknown';

interface ReadValue {
  value: ConfigValue;
  type: PyType;
}

interface Problem {
  reason: string;
  at: Position;
  /** A value that makes Python itself fail is worse than one xenlint merely cannot read. */
  severity?: Severity;
}

function withArticle(type: PyType): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

const C_LONG_MAX = (1n << 63n) - 1n;
const C_LONG_MIN = -(1n << 63n);

/** Python 2 arithmetic on two numbers (int, long, bool or float). */
export function pyArith(op: string, a: { value: number; type: PyType }, b: { value: number; type: PyType }): { value: number; type: PyType } | { error: string } {
  const isFloat = a.type === 'float' || b.type === 'float';
  const isLong = a.type === 'long' || b.type === 'long';
  if (isFloat) {
    const x = a.value;
    const y = b.value;
    if (['<<', '>>', '&', '|', '^'].includes(op)) return { error: 'on a float fails in Python (TypeError)' };
    if ((op === '/' || op === '//' || op === '%') && y === 0) return { error: 'by zero fails in Python (ZeroDivisionError)' };
    switch (op) {
      case '*': return { value: x * y, type: 'float' };
      case '/': return { value: x / y, type: 'float' };
      case '//': return { value: Math.floor(x / y), type: 'float' };
      case '%': {
        const m = x % y;
        return { value: m !== 0 && (m < 0) !== (y < 0) ? m + y : m, type: 'float' };
      }
      case '**':
        if (x < 0 && !Number.isInteger(y)) return { error: 'of a negative number to a fractional power fails in Python 2 (ValueError)' };
        if (x === 0 && y < 0) return { error: 'of zero to a negative power fails in Python (ZeroDivisionError)' };
        return { value: x ** y, type: 'float' };
    }
    return { error: 'is not an arithmetic operator' };
  }
  const x = BigInt(Math.trunc(a.value));
  const y = BigInt(Math.trunc(b.value));
  let v: bigint;
  const floorDiv = (p: bigint, q: bigint): bigint => {
    const d = p / q;
    return (p % q !== 0n) && ((p < 0n) !== (q < 0n)) ? d - 1n : d;
  };
  switch (op) {
    case '*': v = x * y; break;
    case '/':
    case '//':
      if (y === 0n) return { error: 'by zero fails in Python (ZeroDivisionError)' };
      v = floorDiv(x, y);
      break;
    case '%':
      if (y === 0n) return { error: 'by zero fails in Python (ZeroDivisionError)' };
      v = x - floorDiv(x, y) * y;
      break;
    case '**':
      if (y < 0n) {
        if (x === 0n) return { error: 'of zero to a negative power fails in Python (ZeroDivisionError)' };
        return { value: Number(x) ** Number(y), type: 'float' };
      }
      if (y > 4096n) return { error: 'makes a number too large to be a setting' };
      v = x ** y;
      break;
    case '<<':
      if (y < 0n) return { error: 'by a negative count fails in Python (ValueError)' };
      if (y > 4096n) return { error: 'makes a number too large to be a setting' };
      v = x << y;
      break;
    case '>>':
      if (y < 0n) return { error: 'by a negative count fails in Python (ValueError)' };
      v = x >> y;
      break;
    case '&': v = x & y; break;
    case '|': v = x | y; break;
    case '^': v = x ^ y; break;
    default: return { error: 'is not an arithmetic operator' };
  }
  // An int that no longer fits a C long becomes a long (64-bit build).
  const type: PyType = isLong || v > C_LONG_MAX || v < C_LONG_MIN ? 'long' : 'int';
  return { value: Number(v), type };
}

class LiteralReader {
  readonly problems: Problem[] = [];
  constructor(private readonly text: string) {}

  private unreadable(n: Node, reason: string, report: Problem | undefined): ReadValue {
    if (report) this.problems.push(report);
    return { value: { kind: 'unreadable', text: this.text.slice(n.s, n.e), reason, line: n.line, column: n.column }, type: 'unknown' };
  }

  read(n: Node): ReadValue {
    const pos = { line: n.line, column: n.column };
    switch (n.t) {
      case 'str':
        return { value: { kind: 'string', value: n.value, line: pos.line, column: pos.column }, type: n.unicode ? 'unicode' : 'str' };
      case 'num':
        if (n.numType === 'complex') return this.unreadable(n, 'a complex number', { reason: 'a complex number is not a config value', at: pos });
        return { value: { kind: 'number', value: n.value, raw: this.text.slice(n.s, n.e), line: pos.line, column: pos.column }, type: n.numType };
      case 'name':
        if (n.id === 'True' || n.id === 'False') return { value: { kind: 'number', value: n.id === 'True' ? 1 : 0, raw: n.id, line: pos.line, column: pos.column }, type: 'bool' };
        if (n.id === 'None') return { ...this.unreadable(n, 'None (xm treats the option as unset)', undefined), type: 'none' };
        return this.unreadable(n, `uses the variable \`${n.id}\``, { reason: `uses the variable \`${n.id}\``, at: pos });
      case 'list':
      case 'tuple': {
        const items = n.items.map((x) => this.read(x).value);
        const value: ConfigValue = { kind: 'list', items, line: pos.line, column: pos.column };
        if (n.t === 'tuple') value.tuple = true;
        return { value, type: n.t };
      }
      case 'dict':
        return { value: { kind: 'dict', entries: n.entries.map(([k, v]) => ({ key: this.read(k).value, value: this.read(v).value })), line: pos.line, column: pos.column }, type: 'dict' };
      case 'unary': {
        const x = this.read(n.operand);
        if (x.value.kind === 'unreadable') return this.unreadable(n, x.value.reason, undefined);
        if (x.value.kind === 'number' && n.op !== '~') {
          const v = n.op === '-' ? -x.value.value : x.value.value;
          return { value: { kind: 'number', value: v, raw: this.text.slice(n.s, n.e), line: pos.line, column: pos.column }, type: x.type === 'bool' ? 'int' : x.type };
        }
        if (x.value.kind === 'number' && n.op === '~' && x.type !== 'float') {
          return { value: { kind: 'number', value: -x.value.value - 1, raw: this.text.slice(n.s, n.e), line: pos.line, column: pos.column }, type: x.type === 'bool' ? 'int' : x.type };
        }
        const reason = `operator \`${n.op}\` needs evaluation`;
        return this.unreadable(n, reason, { reason, at: pos });
      }
      case 'binop':
        return this.binop(n);
      case 'opaque':
        return this.unreadable(n, n.reason, { reason: n.reason, at: pos });
    }
  }

  private binop(n: Extract<Node, { t: 'binop' }>): ReadValue {
    if (n.op !== '+' && n.op !== '-') return this.arithmetic(n);
    // `'a' + 'b' + …` nests to the left; walk the chain in a loop, not by recursion.
    const chain: Array<Extract<Node, { t: 'binop' }>> = [];
    let cur: Node = n;
    while (cur.t === 'binop' && (cur.op === '+' || cur.op === '-')) {
      chain.push(cur);
      cur = cur.left;
    }
    let acc = this.read(cur);
    for (let i = chain.length - 1; i >= 0; i--) {
      const link = chain[i]!;
      acc = this.combine(link, acc, this.read(link.right));
    }
    return acc;
  }

  /**
   * `* / // % ** << >> & | ^` on literals, as Python 2 computes them (The Python
   * Language Reference 2.7, 5.4–5.8): `/` between integers is floor division,
   * `%` takes the sign of the divisor, an int that outgrows a C long becomes a
   * long, `str * int` repeats. `%` on a string is formatting, left unread.
   */
  private arithmetic(n: Extract<Node, { t: 'binop' }>): ReadValue {
    const pos = { line: n.line, column: n.column };
    const mark = this.problems.length;
    const a = this.read(n.left);
    const b = this.read(n.right);
    if (a.value.kind === 'unreadable' || b.value.kind === 'unreadable') {
      // Reported once, at the operator that needs the unknown operand.
      this.problems.length = mark;
      const reason = n.op === '%' ? '`%` string formatting needs evaluation' : `operator \`${n.op}\` needs evaluation`;
      return this.unreadable(n, reason, { reason, at: n.opPos });
    }
    const raw = this.text.slice(n.s, n.e);
    const fails = (why: string): ReadValue => {
      const reason = `\`${n.op}\` ${why}, so xm cannot load this file`;
      return this.unreadable(n, reason, { reason, at: n.opPos, severity: 'warning' });
    };
    if (n.op === '%' && (a.value.kind === 'string' || a.type === 'str' || a.type === 'unicode')) {
      const reason = '`%` string formatting needs evaluation';
      return this.unreadable(n, reason, { reason, at: n.opPos });
    }
    if (n.op === '*' && (a.value.kind === 'string' || a.value.kind === 'list' || b.value.kind === 'string' || b.value.kind === 'list')) {
      const [seq, times] = a.value.kind === 'number' ? [b, a] : [a, b];
      if (times.value.kind !== 'number' || times.type === 'float' || seq.value.kind === 'number' || seq.value.kind === 'dict') {
        return fails(`between ${withArticle(a.type)} and ${withArticle(b.type)} fails in Python (TypeError)`);
      }
      const k = Math.max(0, times.value.value);
      if (seq.value.kind === 'string') return { value: { kind: 'string', value: seq.value.value.repeat(k), line: pos.line, column: pos.column }, type: seq.type };
      if (seq.value.kind === 'list') {
        const items = Array.from({ length: k }, () => (seq.value.kind === 'list' ? seq.value.items : [])).flat();
        const value: ConfigValue = { kind: 'list', items, line: pos.line, column: pos.column };
        if (seq.type === 'tuple') value.tuple = true;
        return { value, type: seq.type };
      }
    }
    if (a.value.kind !== 'number' || b.value.kind !== 'number') return fails(`between ${withArticle(a.type)} and ${withArticle(b.type)} fails in Python (TypeError)`);
    const r = pyArith(n.op, { value: a.value.value, type: a.type }, { value: b.value.value, type: b.type });
    if ('error' in r) return fails(r.error);
    return { value: { kind: 'number', value: r.value, raw, line: pos.line, column: pos.column }, type: r.type };
  }

  private combine(n: Extract<Node, { t: 'binop' }>, a: ReadValue, b: ReadValue): ReadValue {
    const pos = { line: n.line, column: n.column };
    if (a.value.kind === 'unreadable') return this.unreadable(n, a.value.reason, undefined);
    if (b.value.kind === 'unreadable') return this.unreadable(n, b.value.reason, undefined);
    const raw = this.text.slice(n.s, n.e);
    if (a.value.kind === 'number' && b.value.kind === 'number') {
      const v = n.op === '+' ? a.value.value + b.value.value : a.value.value - b.value.value;
      const type: PyType = a.type === 'float' || b.type === 'float' ? 'float' : a.type === 'long' || b.type === 'long' ? 'long' : 'int';
      return { value: { kind: 'number', value: v, raw, line: pos.line, column: pos.column }, type };
    }
    if (n.op === '+' && a.value.kind === 'string' && b.value.kind === 'string') {
      return { value: { kind: 'string', value: a.value.value + b.value.value, line: pos.line, column: pos.column }, type: a.type === 'unicode' || b.type === 'unicode' ? 'unicode' : 'str' };
    }
    if (n.op === '+' && a.value.kind === 'list' && b.value.kind === 'list' && a.type === b.type) {
      const value: ConfigValue = { kind: 'list', items: [...a.value.items, ...b.value.items], line: pos.line, column: pos.column };
      if (a.type === 'tuple') value.tuple = true;
      return { value, type: a.type };
    }
    const reason = `\`${n.op}\` between ${withArticle(a.type)} and ${withArticle(b.type)} fails in Python (TypeError), so xm cannot load this file`;
    return this.unreadable(n, reason, { reason, at: n.opPos, severity: 'warning' });
  }
}

// ---------------------------------------------------------------------------

const DROPPED: Partial<Record<PyType, string>> = {
  unicode: "a u'…' (unicode) string",
  bool: 'a bool (True/False)',
  long: 'a long integer',
  tuple: 'a tuple',
  dict: 'a dict',
  none: 'None',
};

class StatementReader {
  readonly entries: ConfigEntry[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** Where reading stopped at READ_LIMITS.statements. */
  stopped: Position | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
    /** Read only the simple statements that touch these lines (see xmEntriesOnLines). */
    private readonly onlyLines?: ReadonlySet<number>,
  ) {}

  private diag(severity: Severity, message: string, at: Position, code: string, end?: Position): void {
    const d = mkDiag(this.file, severity, message, at, code);
    if (end) {
      d.endLine = end.line;
      d.endColumn = end.column;
    }
    this.diagnostics.push(d);
  }

  run(lines: LogicalLine[]): void {
    let k = 0;
    while (k < lines.length) {
      const L = lines[k]!;
      const first = L.toks[0]!;
      if (this.entries.length >= READ_LIMITS.statements) {
        this.stopped = first;
        break;
      }
      const isCompound = (first.kind === 'name' && (COMPOUND.has(first.text) || CONTINUATION.has(first.text))) || (first.kind === 'op' && first.text === '@');
      if (L.indent > 0) this.diag('error', 'unexpected indent: Python (and so xm) rejects an indented line here', first, 'xm-syntax');
      if (isCompound) {
        k = this.compound(lines, k);
        continue;
      }
      if (this.onlyLines === undefined || touches(L, this.onlyLines)) this.simpleLine(L);
      k++;
    }
  }

  /** Reports a compound statement with its block and returns the index after it. */
  private compound(lines: LogicalLine[], k: number): number {
    const head = lines[k]!;
    const first = head.toks[0]!;
    const indent = head.indent;
    let j = k;
    const consumeClause = (): void => {
      const L = lines[j]!;
      j++;
      const last = L.toks.at(-1)!;
      if (!(last.kind === 'op' && last.text === ':')) return;
      const blockStart = j;
      while (j < lines.length && lines[j]!.indent > indent) j++;
      if (j === blockStart && !L.poisoned) this.diag('error', 'expected an indented block after this line (Python syntax error)', last, 'xm-syntax');
    };
    if (first.kind === 'op') {
      // Decorators, then the def or class they decorate.
      while (j < lines.length && lines[j]!.indent === indent && lines[j]!.toks[0]!.text === '@') j++;
      if (j < lines.length && lines[j]!.indent === indent && ['def', 'class'].includes(lines[j]!.toks[0]!.text)) consumeClause();
    } else {
      if (CONTINUATION.has(first.text)) this.diag('error', `\`${first.text}\` without the statement it continues (Python syntax error)`, first, 'xm-syntax');
      consumeClause();
      while (j < lines.length && lines[j]!.indent === indent && lines[j]!.toks[0]!.kind === 'name' && CONTINUATION.has(lines[j]!.toks[0]!.text)) consumeClause();
    }
    const lastLine = lines[j - 1]!;
    const lastTok = lastLine.toks.at(-1)!;
    const end = lastTok.endPos;
    const what = first.text === '@' ? 'decorated definition' : `\`${first.text}\` ${first.text === 'def' || first.text === 'class' ? 'definition' : 'block'}`;
    const span = end.line > first.line ? `lines ${first.line}-${end.line}` : `line ${first.line}`;
    this.diag(
      'warning',
      `${what} (${span}) is not statically readable: xenlint does not run Python, so settings made inside it are not read`,
      first,
      'not-static',
      end,
    );
    return j;
  }

  private simpleLine(L: LogicalLine): void {
    const last = L.toks.at(-1)!;
    const eol = { line: last.endPos.line, column: last.endPos.column, off: last.end };
    const p = new ExprParser(L.toks, this.text, eol);
    while (p.k < L.toks.length) {
      const stmtStart = p.k;
      try {
        this.smallStatement(p, L);
      } catch (e) {
        if (!(e instanceof SyntaxErr)) throw e;
        if (!L.poisoned) this.diag('error', `${e.message} (Python syntax error)`, e.at, 'xm-syntax');
        this.salvage(L.toks, stmtStart, e.message);
        return;
      }
      if (p.k >= L.toks.length) return;
      if (!p.isOp(';')) {
        const t = p.tok!;
        if (!L.poisoned) this.diag('error', `invalid syntax near \`${t.text}\`: expected the end of the statement (Python syntax error)`, t, 'xm-syntax');
        this.salvage(L.toks, stmtStart, 'syntax error');
        return;
      }
      p.k++;
    }
  }

  /** After a syntax error in `name = …`, keep the key with an unreadable value. */
  private salvage(toks: Tok[], from: number, reason: string): void {
    const key = toks[from];
    const op = toks[from + 1];
    const v = toks[from + 2];
    if (!key || key.kind !== 'name' || KEYWORDS.has(key.text) || !op || op.kind !== 'op' || (op.text !== '=' && op.text !== '+=') || !v) return;
    const already = this.entries.at(-1);
    if (already && already.line === key.line && already.column === key.column) this.entries.pop();
    let endTok = toks.length - 1;
    for (let i = from + 2; i < toks.length; i++) {
      if (toks[i]!.kind === 'op' && toks[i]!.text === ';') {
        endTok = i - 1;
        break;
      }
    }
    const end = toks[Math.max(endTok, from + 2)]!.end;
    this.entries.push({
      key: key.text,
      op: op.text,
      value: { kind: 'unreadable', text: this.text.slice(v.start, end), reason, line: v.line, column: v.column },
      line: key.line,
      column: key.column,
    });
  }

  private smallStatement(p: ExprParser, L: LogicalLine): void {
    const t = p.tok!;
    if (t.kind === 'name' && t.text === 'pass') {
      p.k++;
      return;
    }
    if (t.kind === 'name' && SIMPLE_KEYWORD_STMT.has(t.text)) {
      while (p.tok && !p.isOp(';')) p.k++;
      const last = L.toks[p.k - 1]!;
      this.diag(
        'warning',
        `\`${t.text}\` statement is not statically readable: xenlint does not run Python`,
        t,
        'not-static',
        last.endPos,
      );
      return;
    }
    if (t.kind === 'name' && (COMPOUND.has(t.text) || CONTINUATION.has(t.text))) p.fail(`\`${t.text}\` must start its own line here`);
    const first = p.testlist();
    if (p.isOp('=')) {
      const targets = [first];
      let value: Node = first;
      while (p.isOp('=')) {
        p.k++;
        value = p.testlist();
        targets.push(value);
      }
      targets.pop();
      for (const target of targets) this.checkAssignable(target);
      if (L.poisoned) return this.salvage(L.toks, L.toks.indexOf(t), 'syntax error');
      this.assign(targets, value, '=');
      return;
    }
    const aug = p.tok;
    if (aug && aug.kind === 'op' && AUGASSIGN.has(aug.text)) {
      this.checkAssignable(first);
      if (first.t === 'tuple' || first.t === 'list') throw new SyntaxErr('illegal expression for augmented assignment', first);
      p.k++;
      const value = p.testlist();
      if (L.poisoned) return this.salvage(L.toks, L.toks.indexOf(t), 'syntax error');
      if (aug.text === '+=') this.assign([first], value, '+=');
      else this.diag('warning', `\`${aug.text}\` assignment is not statically readable: it needs the variable's current value`, aug, 'not-static');
      return;
    }
    if (L.poisoned) return;
    const ev = new LiteralReader(this.text);
    ev.read(first);
    if (ev.problems.length > 0) {
      this.diag(
        'warning',
        `statement \`${this.text.slice(first.s, first.e).split('\n')[0]}\` is not statically readable: xenlint does not run Python`,
        first,
        'not-static',
      );
    }
  }

  private checkAssignable(n: Node): void {
    if (n.t === 'name') {
      return;
    }
    if (n.t === 'tuple' || n.t === 'list') {
      for (const x of n.items) this.checkAssignable(x);
      return;
    }
    if (n.t === 'opaque' && (n.trailer === 'attr' || n.trailer === 'index')) return;
    throw new SyntaxErr(`cannot assign to \`${this.text.slice(n.s, n.e)}\``, n);
  }

  private assign(targets: Node[], value: Node, op: '=' | '+='): void {
    const names = targets.filter((x): x is Extract<Node, { t: 'name' }> => x.t === 'name');
    if (names.length !== targets.length) {
      const other = targets.find((x) => x.t !== 'name')!;
      this.diag('warning', `assignment to \`${this.text.slice(other.s, other.e)}\` is not statically readable`, other, 'not-static');
    }
    if (names.length === 0) return;
    const ev = new LiteralReader(this.text);
    const result = ev.read(value);
    for (const pr of ev.problems) {
      this.diag(pr.severity ?? 'info', `value of \`${names[0]!.id}\` is not statically readable: ${pr.reason}`, pr.at, 'not-static');
    }
    for (const name of names) {
      this.entries.push({ key: name.id, op, value: result.value, line: name.line, column: name.column });
      const dropped = DROPPED[result.type];
      if (op === '=' && dropped) {
        this.diag(
          'warning',
          `xm silently ignores \`${name.id}\`: its value is ${dropped}, and xm only takes top-level str, list, int and float values (xm/opts.py load())`,
          { line: value.line, column: value.column },
          'xm-dropped',
        );
      }
    }
  }
}

/** Whether a logical line spans one of `lines`: only then can it hold an entry on one of them (an entry's line is its name's). */
function touches(L: LogicalLine, lines: ReadonlySet<number>): boolean {
  const from = L.toks[0]!.line;
  const to = L.toks.at(-1)!.endPos.line;
  for (const line of lines) if (line >= from && line <= to) return true;
  return false;
}

/**
 * The entries parseXmConfig reads whose line is one of `lines`, in order, and no
 * others: what xm reads on a few lines (the xl reader's hint, config.ts
 * pythonHints) without reading the statements elsewhere. A statement's value is
 * read from that statement alone, so skipping the others changes nothing, unless
 * the file holds enough assignments to reach READ_LIMITS.statements, which
 * counts them all: then the whole file is read.
 */
export function xmEntriesOnLines(text: string, file: string, lines: ReadonlySet<number>): ConfigEntry[] {
  const tk = new Tokenizer(text, file);
  tk.run();
  let assignments = 0;
  for (const L of tk.lines) for (const t of L.toks) if (t.kind === 'op' && (t.text === '=' || t.text === '+=')) assignments++;
  const reader = new StatementReader(text, file, assignments < READ_LIMITS.statements ? lines : undefined);
  reader.run(tk.lines);
  return reader.entries.filter((e) => lines.has(e.line));
}

/** Reads an xm (Python) config statically. Never evaluates anything, never throws. */
export function parseXmConfig(text: string, file: string): ParsedConfig {
  const tk = new Tokenizer(text, file);
  tk.run();
  const reader = new StatementReader(text, file);
  reader.run(tk.lines);
  const diagnostics = [...tk.diagnostics, ...reader.diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
  const stopped = reader.stopped ? limitDiagnostic('statements', reader.stopped, file) : tk.stopped ? limitDiagnostic('tokens', tk.stopped, file) : undefined;
  if (stopped) diagnostics.push(stopped);
  return { file, dialect: 'xm', dialectReason: 'python syntax', entries: reader.entries, comments: tk.comments, diagnostics };
}
