/**
 * Reader for xend's S-expression files (`/etc/xen/xend-config.sxp`, xend ≤ 4.4).
 *
 * The lexical rules follow xend's own reader, `tools/python/xen/xend/sxp.py`
 * (Parser class), because what matters is what xend *understood*, not what the
 * admin meant:
 *  - `#` starts a comment even in the middle of a word (`abc#1` reads `abc`);
 *  - a word ends at white space, `#` or one of `{}()<>[]!;` — quote characters
 *    inside a word are ordinary characters;
 *  - strings are delimited by `'` or `"`, may span lines, and take the escapes
 *    \a \b \t \n \v \f \r \\ \' \" \xHH \OOO. Any other escape keeps the
 *    backslash and DROPS the next character (`'a\.b'` reads `a\b`), which is why
 *    the example file writes regexps as `'^localhost\\.localdomain$'`;
 *  - a stray `)`, an unterminated string or list, or an invalid first character
 *    of a word makes xend raise ParseError, and xend then refuses to start
 *    (`XendOptions.set_config` re-raises).
 *
 * How xend then reads values (`XendOptions.get_config_value` →
 * `sxp.child_value`): the FIRST top-level `(key ...)` with that key wins, and only
 * the first value after the key is used. `readXendConfig` reproduces that and
 * reports duplicates and extra values, which are silent pitfalls in xend.
 *
 * Pure: text in, nodes and diagnostics out; never throws.
 */
import { type Diagnostic, type Position, diag } from '../model/diagnostic.js';

export interface SxpAtom {
  kind: 'atom';
  /** The text after escapes are applied (for quoted atoms, without the quotes). */
  value: string;
  quoted: boolean;
  line: number;
  column: number;
}

export interface SxpList {
  kind: 'list';
  items: SxpNode[];
  line: number;
  column: number;
}

export type SxpNode = SxpAtom | SxpList;

export interface SxpParseResult {
  nodes: SxpNode[];
  diagnostics: Diagnostic[];
}

const SPACE = ' \t\n\v\f\r';
const WORD_ENDS = '{}()<>[]!;';
const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

function isPrintableAscii(c: string): boolean {
  const code = c.charCodeAt(0);
  return code >= 0x20 && code <= 0x7e;
}

function describeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A cursor over the text that keeps 1-based line/column in step with the offset. */
class Cursor {
  i = 0;
  line = 1;
  lineStart = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.i >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.i);
  }

  pos(): Position {
    return { line: this.line, column: this.i - this.lineStart + 1 };
  }

  advance(): string {
    const c = this.text.charAt(this.i);
    this.i++;
    if (c === '\n') {
      this.line++;
      this.lineStart = this.i;
    }
    return c;
  }

  save(): { i: number; line: number; lineStart: number } {
    return { i: this.i, line: this.line, lineStart: this.lineStart };
  }

  restore(s: { i: number; line: number; lineStart: number }): void {
    this.i = s.i;
    this.line = s.line;
    this.lineStart = s.lineStart;
  }
}

function fmt(p: Position): string {
  return `${p.line}:${p.column}`;
}

export function parseSxp(text: string): SxpParseResult {
  // Only a file that ends with lists still open gets the missing-')' recovery,
  // so a valid file with a continuation line at column 1 is never misread.
  const first = parsePass(text, false);
  const { nodes, diagnostics } = first.unclosed ? parsePass(text, true) : first;
  return { nodes, diagnostics };
}

function parsePass(text: string, recover: boolean): SxpParseResult & { unclosed: boolean } {
  const cur = new Cursor(text);
  const diagnostics: Diagnostic[] = [];
  const nodes: SxpNode[] = [];
  const open: SxpList[] = [];

  const add = (n: SxpNode): void => {
    const parent = open[open.length - 1];
    if (parent) parent.items.push(n);
    else nodes.push(n);
  };

  while (!cur.done) {
    const c = cur.peek();
    if (SPACE.includes(c)) {
      cur.advance();
    } else if (c === '#') {
      skipComment(cur);
    } else if (c === '(') {
      const p = cur.pos();
      if (recover) recoverMissingClose(open, p, diagnostics);
      cur.advance();
      const list: SxpList = { kind: 'list', items: [], line: p.line, column: p.column };
      add(list);
      open.push(list);
    } else if (c === ')') {
      const p = cur.pos();
      cur.advance();
      if (open.length === 0) {
        diagnostics.push(
          diag('error', "unexpected ')' with no open '(': xend stops with \"syntax error: )\"", p, 'sxp-syntax'),
        );
      } else {
        open.pop();
      }
    } else if (c === '"' || c === "'") {
      add(readString(cur, diagnostics));
    } else if (c === '\x04') {
      // xend's reader takes Ctrl-D as end of input.
      diagnostics.push(
        diag('warning', 'Ctrl-D (EOT) character: xend stops reading the file here', cur.pos(), 'sxp-eot'),
      );
      break;
    } else {
      if (!isPrintableAscii(c)) {
        diagnostics.push(
          diag(
            'error',
            `invalid character ${describeChar(c)} at the start of a word: xend rejects the file ("invalid character")`,
            cur.pos(),
            'sxp-syntax',
          ),
        );
      }
      add(readAtom(cur, diagnostics));
    }
  }

  for (let k = open.length - 1; k >= 0; k--) {
    const l = open[k];
    if (l) {
      diagnostics.push(
        diag('error', `'(' opened here is never closed: xend stops with "unexpected EOF"`, l, 'sxp-syntax'),
      );
    }
  }
  return { nodes, diagnostics, unclosed: open.length > 0 };
}

/** To the end of the line, not past its newline: xend-config.sxp is mostly comment, so one indexOf rather than a step per character. */
function skipComment(cur: Cursor): void {
  const nl = cur.text.indexOf('\n', cur.i);
  cur.i = nl < 0 ? cur.text.length : nl;
}

/**
 * A `(` at column 1 while a list that itself began at column 1 on an earlier
 * line is still open almost always means that list lost its `)`. xend would
 * nest the rest of the file inside it; closing it here lets every later entry
 * still be read and reported.
 */
function recoverMissingClose(open: SxpList[], at: Position, diagnostics: Diagnostic[]): void {
  const outer = open[0];
  if (!outer || at.column !== 1 || outer.column !== 1 || outer.line >= at.line) return;
  for (let k = open.length - 1; k >= 0; k--) {
    const l = open[k];
    if (l) {
      diagnostics.push(
        diag(
          'error',
          `'(' opened here is not closed before the next top-level entry at ${fmt(at)} (missing ')'; xend would read the rest of the file inside it)`,
          l,
          'sxp-syntax',
        ),
      );
    }
  }
  open.length = 0;
}

function readAtom(cur: Cursor, diagnostics: Diagnostic[]): SxpAtom {
  const start = cur.pos();
  // The first character always belongs to the word, even one of WORD_ENDS.
  let value = cur.advance();
  while (!cur.done) {
    const c = cur.peek();
    if (SPACE.includes(c) || WORD_ENDS.includes(c)) break;
    if (c === '#') {
      diagnostics.push(
        diag(
          'warning',
          `'#' starts a comment even inside a word: xend reads "${value}" and ignores the rest of the line; quote the value if '#' belongs to it`,
          cur.pos(),
          'sxp-comment-in-word',
        ),
      );
      break;
    }
    value += cur.advance();
  }
  return { kind: 'atom', value, quoted: false, line: start.line, column: start.column };
}

function readString(cur: Cursor, diagnostics: Diagnostic[]): SxpAtom {
  const start = cur.pos();
  const quote = cur.advance();
  let value = '';
  // Where to resume if the string never closes: its first line break.
  let firstBreak: { state: ReturnType<Cursor['save']>; valueLength: number } | undefined;
  const local: Diagnostic[] = [];

  for (;;) {
    if (cur.done) {
      diagnostics.push(
        diag(
          'error',
          `unterminated string: no closing ${quote} before the end of the file (xend stops with "unexpected EOF"); read up to the end of its line`,
          start,
          'sxp-syntax',
        ),
      );
      if (firstBreak) {
        cur.restore(firstBreak.state);
        value = value.slice(0, firstBreak.valueLength);
        const resumeLine = firstBreak.state.line;
        for (const d of local) if (d.line < resumeLine) diagnostics.push(d);
      } else {
        for (const d of local) diagnostics.push(d);
      }
      return { kind: 'atom', value, quoted: true, line: start.line, column: start.column };
    }
    const c = cur.peek();
    if (c === quote) {
      cur.advance();
      break;
    }
    if (c === '\n' && !firstBreak) {
      firstBreak = { state: cur.save(), valueLength: value.length };
    }
    if (c === '\\') {
      const escPos = cur.pos();
      cur.advance();
      if (cur.done) continue; // reported as unterminated above
      value += readEscape(cur, escPos, local);
      continue;
    }
    value += cur.advance();
  }

  for (const d of local) diagnostics.push(d);
  const end = cur.pos();
  if (end.line > start.line) {
    diagnostics.push(
      diag(
        'warning',
        `string spans lines ${start.line}-${end.line}: xend accepts that, but it usually means a closing ${quote} is missing`,
        start,
        'sxp-multiline-string',
      ),
    );
  }
  return { kind: 'atom', value, quoted: true, line: start.line, column: start.column };
}

/** Called with the cursor just after a backslash; returns the text xend puts in its place. */
function readEscape(cur: Cursor, at: Position, diagnostics: Diagnostic[]): string {
  const c = cur.peek();
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) {
    cur.advance();
    return simple;
  }
  if (c === 'x') {
    cur.advance();
    let digits = '';
    while (digits.length < 2 && !cur.done && /[0-9a-fA-F]/.test(cur.peek())) digits += cur.advance();
    if (digits === '') {
      diagnostics.push(diag('error', '\\x escape without hex digits: xend fails on it', at, 'sxp-escape'));
      return '\\x';
    }
    return String.fromCharCode(parseInt(digits, 16));
  }
  if (c >= '0' && c <= '7') {
    let digits = '';
    while (digits.length < 3 && !cur.done && cur.peek() >= '0' && cur.peek() <= '7') digits += cur.advance();
    const v = parseInt(digits, 8);
    if (v > 0xff) {
      diagnostics.push(
        diag('error', `octal escape \\${digits} is out of range (> \\377): xend fails on it`, at, 'sxp-escape'),
      );
    }
    return String.fromCharCode(v & 0xff);
  }
  const shown = c === '\n' ? 'a line break' : `'${c}'`;
  diagnostics.push(
    diag(
      'warning',
      `unknown escape \\${c === '\n' ? '<newline>' : c}: xend keeps the backslash and drops ${shown}; write \\\\ for a literal backslash`,
      at,
      'sxp-escape',
    ),
  );
  cur.advance();
  return '\\';
}

// ---------------------------------------------------------------------------
// Rendering back to text

const NEEDS_QUOTES = /[\s'"\\#(){}<>[\]!;]/;

function renderAtom(a: SxpAtom): string {
  if (!a.quoted && a.value !== '' && !NEEDS_QUOTES.test(a.value)) return a.value;
  return `'${a.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** S-expression text for a node; strings come out single-quoted with \\ and \' escaped, so the text reads back the same. */
export function renderSxp(node: SxpNode): string {
  // Iterative, so a deeply nested file cannot exhaust the call stack.
  const out: string[] = [];
  const stack: Array<SxpNode | ')' | ' '> = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (n === undefined) break;
    if (n === ')' || n === ' ') {
      out.push(n);
    } else if (n.kind === 'atom') {
      out.push(renderAtom(n));
    } else {
      out.push('(');
      stack.push(')');
      for (let k = n.items.length - 1; k >= 0; k--) {
        const item = n.items[k];
        if (item) stack.push(item);
        if (k > 0) stack.push(' ');
      }
    }
  }
  return out.join('');
}

// ---------------------------------------------------------------------------
// xend-config.sxp

export interface XendConfig {
  /** Each key with the value xend uses: an atom's text, or a list rendered as s-expression text. */
  values: Record<string, string>;
  /** Line of the `(key ...)` entry that provided each value. */
  lines: Record<string, number>;
  diagnostics: Diagnostic[];
}

export function readXendConfig(text: string, file: string): XendConfig {
  const parsed = parseSxp(text);
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const lines: Record<string, number> = Object.create(null) as Record<string, number>;
  const firstAt: Record<string, Position> = Object.create(null) as Record<string, Position>;
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];

  for (const node of parsed.nodes) {
    if (node.kind === 'atom') {
      diagnostics.push(
        diag(
          'warning',
          `"${node.value}" at the top level is not a (key value) entry: xend ignores it`,
          node,
          'xend-not-entry',
        ),
      );
      continue;
    }
    const [head, first, ...rest] = node.items;
    if (!head) {
      diagnostics.push(diag('warning', 'empty () entry: xend ignores it', node, 'xend-not-entry'));
      continue;
    }
    if (head.kind === 'list') {
      diagnostics.push(
        diag('warning', 'entry starts with a list, not a key name: xend ignores it', node, 'xend-not-entry'),
      );
      continue;
    }
    const key = head.value;
    const earlier = firstAt[key];
    if (earlier) {
      diagnostics.push(
        diag(
          'warning',
          `duplicate key "${key}": xend uses the first entry (line ${earlier.line}) and ignores this one`,
          node,
          'xend-duplicate-key',
        ),
      );
      continue;
    }
    firstAt[key] = { line: node.line, column: node.column };
    if (!first) {
      diagnostics.push(
        diag('warning', `(${key}) has no value: xend uses its built-in default`, node, 'xend-no-value'),
      );
      continue;
    }
    const value = first.kind === 'atom' ? first.value : renderSxp(first);
    values[key] = value;
    lines[key] = node.line;
    const extra = rest[0];
    if (extra) {
      const ignored = rest.map(renderSxp).join(' ');
      const whole = [first, ...rest].map((n) => (n.kind === 'atom' ? n.value : renderSxp(n))).join(' ');
      diagnostics.push(
        diag(
          'warning',
          `xend reads only the first value of (${key} ...): "${value}"; it ignores ${ignored} — quote the whole value: (${key} '${whole.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')`,
          extra,
          'xend-extra-values',
        ),
      );
    }
  }

  for (const d of diagnostics) d.file = file;
  return { values: { ...values }, lines: { ...lines }, diagnostics };
}

/**
 * xend's built-in defaults for the keys the linter cares about, used when the file
 * does not set them. Source: `tools/python/xen/xend/XendOptions.py@RELEASE-4.4.0`
 * (see xen-facts.md C1). Older releases may differ in details (unconfirmed).
 * Left out on purpose: `network-script` (no default: without it xend sets up no
 * network) and `enable-dom0-ballooning` (3.3+; defaults to yes unless
 * dom0-min-mem is 0, so it depends on another key).
 */
export const XEND_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  logfile: '/var/log/xen/xend.log',
  loglevel: 'DEBUG',
  'xen-api-server': '((unix))',
  'xend-http-server': 'no',
  'xend-unix-server': 'no',
  'xend-tcp-xmlrpc-server': 'no',
  'xend-unix-xmlrpc-server': 'yes',
  'xend-relocation-server': 'no',
  'xend-relocation-ssl-server': 'no',
  'xend-port': '8000',
  'xend-relocation-port': '8002',
  'xend-relocation-ssl-port': '8003',
  'xend-address': '',
  'xend-relocation-address': '',
  /** Empty = every host may connect (key since 3.0.2, 03bbc8cec6). */
  'xend-relocation-hosts-allow': '',
  'xend-unix-path': '/var/lib/xend/xend-socket',
  'vif-script': 'vif-bridge',
  'dom0-min-mem': '0',
  /** 4.0+ (e45215a3fe). */
  total_available_memory: '0',
  'dom0-cpus': '0',
  'console-limit': '1024',
  'vnc-listen': '127.0.0.1',
  'enable-dump': 'no',
  'xend-domains-path': '/var/lib/xend/domains',
  xsm_module_name: 'dummy',
});

export const XEND_DEFAULTS_SOURCE = 'tools/python/xen/xend/XendOptions.py@RELEASE-4.4.0';

/**
 * Splits `network-script` the way xend does (`get_network_script`: the value
 * split on spaces, the first word is the script): `'network-bridge netdev=eth1
 * bridge=xenbr1'` → script `network-bridge`, args `{netdev: 'eth1', bridge:
 * 'xenbr1'}`. A word without `=` becomes an arg with an empty value. Undefined
 * when the key is absent or empty (xend then sets up no network).
 */
export function networkScriptOf(
  values: Record<string, string>,
): { script: string; args: Record<string, string> } | undefined {
  const raw = Object.prototype.hasOwnProperty.call(values, 'network-script') ? values['network-script'] : undefined;
  if (raw === undefined) return undefined;
  const words = raw.split(/[ \t]+/).filter((w) => w !== '');
  const [script, ...argWords] = words;
  if (script === undefined) return undefined;
  const args: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const w of argWords) {
    const eq = w.indexOf('=');
    if (eq < 0) args[w] = '';
    else args[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return { script, args: { ...args } };
}
