/**
 * Reader for xl domU configs (and xl.conf): the grammar of libxlu, xl's config
 * library, which is a small key = value language and not Python.
 *
 * The reading itself is libxlu's, rule for rule (./libxlu.ts): the settings xl
 * stores, and every error with xl's own message and position. xl refuses the
 * whole file on any of them; each is reported here as an error whose message
 * starts with xl's words, followed by a hint where one helps.
 */
import { limitDiagnostic } from './read-limits.js';
import type { Diagnostic, Position, Severity } from '../model/diagnostic.js';
import type { ParsedConfig } from '../model/config-model.js';
import { readLibxlu, strtolBase0, type LibxluError } from './libxlu.js';
import type { ReaderSource } from './reader-choice.js';

export { strtolBase0 };

export const CR_MESSAGE = "carriage return (DOS/CRLF line ending): xl's lexer rejects it; convert the file to Unix line endings";

/** xl's own warning (libxlu_cfg.c), which opens every hint below. */
const PYTHON_UNDER_XL_SAID = 'warning: Config file looks like it contains Python code. Arbitrary Python is no longer supported (xl, libxlu_cfg.c). ';

/** The hint when the file's syntax chose xl, or `--dialect xl` did: `--dialect xm` is the way out. */
export const PYTHON_UNDER_XL_MESSAGE =
  `${PYTHON_UNDER_XL_SAID}This file looks like Python (xm syntax), but xl does not run Python: convert it to plain key = value syntax, or lint it as an xm config (--dialect xm).`;

/**
 * The hint for a file read as xl because `by` decided so: it names only a way
 * out that works, since `--dialect` ranks below the host's toolstack, the Xen
 * version and the config's dialects mapping (reader-choice.ts).
 */
export function pythonUnderXlMessage(by: ReaderSource | undefined, reason: string | undefined): string {
  if (by === 'host' || by === 'xen') {
    return `${PYTHON_UNDER_XL_SAID}This file looks like Python (xm syntax), but xl reads it here (${reason ?? 'xl only'}) and xl does not run Python: convert it to plain key = value syntax.`;
  }
  if (by === 'mapped') {
    return `${PYTHON_UNDER_XL_SAID}This file looks like Python (xm syntax), but ${reason ?? "the config's dialects mapping"} reads it as xl, which does not run Python: convert it to plain key = value syntax, or map it to xm if xm reads it.`;
  }
  return PYTHON_UNDER_XL_MESSAGE;
}

function mkDiag(file: string, severity: Severity, message: string, pos: Position, code: string): Diagnostic {
  return { severity, message, line: pos.line, column: pos.column, code, file };
}

/** Why xl stumbled, in words an admin can act on; empty when xl's message says it all. */
function hintFor(e: LibxluError): string {
  if (e.kind === 'lexical' && e.text !== undefined) {
    const c = e.text.charAt(0);
    if (e.afterNumber) return 'xl numbers are plain digits without a unit suffix; quote the value if it is meant as a string';
    if (c === '\r') return CR_MESSAGE;
    if (c === '#') return "a comment on the last line needs a newline after it: xl's lexer only accepts a comment that ends with a newline";
    if ('+-.():'.includes(c)) return 'xl has no operators, calls or attribute access (this looks like Python)';
    if (c >= 'A' && c <= 'Z') return 'xl names are lowercase only ([a-z][._0-9a-z]*)';
    if (c === '"' || c === "'") return 'the string is not closed on this line (xl strings cannot span lines)';
    if (c.charCodeAt(0) > 127) return 'non-ASCII characters are only allowed inside quotes';
  }
  if (e.kind === 'syntax' && /unexpected IDENT, expecting/.test(e.message) && /expecting \$end$/.test(e.message)) {
    return 'one value per setting: quote the value if it is meant as a string, and write no unit suffix after a number';
  }
  if (e.kind === 'abort') return 'xl crashes on it (libxlu asserts in xlu__cfgl_dequote)';
  return '';
}

/** Reads an xl config (or xl.conf) exactly as libxlu does, without running anything. Never throws. */
export function parseXlConfig(text: string, file: string): ParsedConfig {
  const r = readLibxlu(text);
  const diagnostics: Diagnostic[] = [];
  for (const e of r.errors) {
    const hint = hintFor(e);
    const d = mkDiag(file, 'error', hint ? `${e.message} — ${hint}` : e.message, e, e.kind === 'syntax' || e.kind === 'concat' ? 'xl-syntax' : 'xl-lexical');
    // An abort prints no line.
    if (e.kind !== 'abort') d.xlLine = e.xlLine;
    diagnostics.push(d);
  }
  for (const n of r.notes) diagnostics.push(mkDiag(file, 'warning', n.message, n, 'xl-lexical'));
  for (const n of r.numbers) {
    if (n.value === undefined) {
      diagnostics.push(
        mkDiag(file, 'warning', `\`${n.raw}\` is not a number xl can read (strtol base 0: \`0x\` = hex, leading \`0\` = octal); where xl wants a number it ignores the setting`, n, 'xl-number'),
      );
    } else if (n.raw.charCodeAt(0) === 48 && /^0[0-7]+$/.test(n.raw) && n.value !== Number(n.raw)) {
      // Admins write 0512 meaning 512; strtol(…, 0) reads it as octal.
      diagnostics.push(mkDiag(file, 'warning', `\`${n.raw}\` is octal to xl (leading zero): it reads as ${n.value}, not ${Number(n.raw)}`, n, 'xl-octal'));
    }
  }
  if (r.errors.length > 0 && r.likelyPython) diagnostics.push(mkDiag(file, 'warning', PYTHON_UNDER_XL_MESSAGE, r.likelyPython, 'python-under-xl'));
  if (r.stopped) diagnostics.push(limitDiagnostic(r.stopped.limit, r.stopped, file));
  return { file, dialect: 'xl', dialectReason: 'xl syntax', entries: r.entries, comments: r.comments, diagnostics };
}
