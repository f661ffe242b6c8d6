/**
 * xenlint's own directives, written as comments in a domU config:
 *
 *   # xenlint-disable-next-line <id>[, <id>…] [-- reason]   (no ids = every check; an id may be
 *                                                           one kind of finding: disk-spec/duplicate-vdev)
 *   # xenlint-disable <id>[, <id>…] [-- reason]             (the whole file)
 *   # xenlint: name=value[, name=value…]                    (evidence a config cannot carry)
 *
 * Annotations: `guest-abi=x86_32p` (the PV kernel's ABI), `size=hda:200G` (a
 * disk's size by vdev) or `size=200G` (for the disk spec on the same line, or
 * on the line below; the domain builder matches it by line), `autostart=yes`,
 * `cluster-fs=ocfs2` or `cluster-fs=xvdb:ocfs2` (a disk shared with other
 * guests on purpose, under a cluster filesystem; matched like `size`).
 *
 * A next-line suppression carries the line and first column of the next line
 * that holds a setting (blank and comment-only lines are skipped); a file
 * suppression carries the position of its own comment.
 *
 * Only comments whose text starts with `xenlint-` or `xenlint:` are directives;
 * anything else (`# expect: vif-limit`, `# checked by xenlint`) is left alone.
 */
import type { Annotation, Suppression } from '../model/facts.js';
import type { ConfigValue, ParsedConfig } from '../model/config-model.js';
import type { Diagnostic, Position } from '../model/diagnostic.js';
import { CR_MESSAGE } from './xl-config.js';

/** A check id (`disk-spec`, a plugin's `site/rule`), or one kind of its findings: `disk-spec/duplicate-vdev`. */
const CHECK_ID = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*){0,2}$/;
const ANNOTATION_NAME = /^[a-z][a-z0-9-]*$/;
const GUEST_ABIS = new Set(['x86_32', 'x86_32p', 'x86_64', 'ia64', 'ia64be', 'aarch64', 'armv7l', 'x86_32-bimodal']);
const SIZE = /^(?:([A-Za-z0-9_]+):)?(\d+(?:\.\d+)?)\s*(?:[KMGTP](?:i?B)?|B)?$/i;
const CLUSTER_FS = /^(?:[A-Za-z0-9_]+:)?[A-Za-z0-9][\w.-]*$/;
const BOOLEAN = new Set(['yes', 'no', 'true', 'false', 'on', 'off', '1', '0']);

const KNOWN_ANNOTATIONS: Record<string, { check: (v: string) => boolean; expected: string }> = {
  'guest-abi': { check: (v) => GUEST_ABIS.has(v), expected: [...GUEST_ABIS].join(', ') },
  size: { check: (v) => SIZE.test(v), expected: 'a size such as 200G, or vdev:size such as hda:200G' },
  autostart: { check: (v) => BOOLEAN.has(v.toLowerCase()), expected: 'yes or no' },
  'cluster-fs': { check: (v) => CLUSTER_FS.test(v), expected: 'the cluster filesystem, such as ocfs2 or gfs2, or vdev:filesystem such as xvdb:ocfs2' },
};

export interface Directives {
  annotations: Annotation[];
  suppressions: Suppression[];
  diagnostics: Diagnostic[];
}

function valuePoints(v: ConfigValue, out: Position[]): void {
  out.push(v);
  if (v.kind === 'list') for (const x of v.items) valuePoints(x, out);
  if (v.kind === 'dict') {
    for (const e of v.entries) {
      valuePoints(e.key, out);
      valuePoints(e.value, out);
    }
  }
}

/**
 * Lines that hold something other than comments, as far as the parse shows,
 * each with the column where its first content starts.
 */
function contentLines(parsed: ParsedConfig): Array<{ line: number; column: number }> {
  const points: Position[] = [];
  for (const e of parsed.entries) {
    points.push(e);
    valuePoints(e.value, points);
  }
  const commentAt = new Set(parsed.comments.map((c) => `${c.line}:${c.column}`));
  for (const d of parsed.diagnostics) {
    if (d.message.includes(CR_MESSAGE) || commentAt.has(`${d.line}:${d.column}`)) continue;
    points.push(d);
  }
  const first = new Map<number, number>();
  for (const p of points) first.set(p.line, Math.min(first.get(p.line) ?? p.column, p.column));
  return [...first].map(([line, column]) => ({ line, column })).sort((a, b) => a.line - b.line);
}

/** The first of `lines` (sorted by line) below `line`: a binary search, as a file may hold thousands of directives. */
function firstAfter<T extends { line: number }>(lines: T[], line: number): T | undefined {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid]!.line > line) hi = mid;
    else lo = mid + 1;
  }
  return lines[lo];
}

/** Reads xenlint directives from a parsed config's comments. Never throws. */
export function readDirectives(parsed: ParsedConfig): Directives {
  const out: Directives = { annotations: [], suppressions: [], diagnostics: [] };
  let content: Array<{ line: number; column: number }> | undefined;
  const bad = (message: string, pos: Position): void => {
    out.diagnostics.push({ severity: 'warning', message, line: pos.line, column: pos.column, code: 'bad-directive', file: parsed.file });
  };

  for (const c of parsed.comments) {
    // Most comments are prose: passed over before they are trimmed or matched.
    if (!c.text.includes('xenlint')) continue;
    const lead = c.text.length - c.text.trimStart().length;
    const body = c.text.slice(lead).trimEnd();
    // Column of offset k in the comment's text: the `#` is at c.column.
    const col = (k: number): Position => ({ line: c.line, column: c.column + 1 + k });
    const m = /^xenlint(-[A-Za-z-]*|:)/.exec(body);
    if (!m) continue;
    const word = m[0];
    const rest = body.slice(word.length);
    const restAt = lead + word.length;
    if (word === 'xenlint:') {
      readAnnotations(rest, restAt, col, out.annotations, bad);
      continue;
    }
    if (word !== 'xenlint-disable' && word !== 'xenlint-disable-next-line') {
      bad(`unknown directive \`${word}\` (known: xenlint-disable, xenlint-disable-next-line, xenlint:)`, col(lead));
      continue;
    }
    if (rest !== '' && !/^\s/.test(rest)) {
      bad(`unknown directive \`${word}${rest.split(/\s/)[0]}\``, col(lead));
      continue;
    }
    const sep = /(^|\s)--(\s|$)/.exec(rest);
    const idText = (sep ? rest.slice(0, sep.index) : rest).trim();
    const reason = sep ? rest.slice(sep.index + sep[0].length).trim() : '';
    const idStart = rest.indexOf(idText);
    const parts = idText === '' ? [] : idText.split(',');
    // Pushed into an array literal rather than mapped: once the literal has held a string, V8 makes
    // every later one (the empty ids of a bare `xenlint-disable-next-line` too) in the elements kind
    // the loop below was optimised for; a mapped empty array had another and deoptimised it.
    const ids: string[] = [];
    for (let i = 0; i < parts.length; i++) ids.push(parts[i]!.trim());
    let w = -1;
    for (let i = 0; i < ids.length && w < 0; i++) if (!CHECK_ID.test(ids[i]!)) w = i;
    if (w >= 0) {
      const wrong = ids[w] ?? '';
      const before = parts.slice(0, w).reduce((n, x) => n + x.length + 1, 0);
      const part = parts[w] ?? '';
      const idAt = restAt + idStart + before + (part.length - part.trimStart().length);
      bad(
        wrong === ''
          ? `empty check id in \`${word}\` (stray comma?)`
          : `\`${wrong}\` is not a check id: list ids separated by commas, and put a reason after \` -- \``,
        col(idAt),
      );
      continue;
    }
    const s: Suppression = {
      ids,
      scope: word === 'xenlint-disable' ? 'file' : 'next-line',
      line: c.line,
      column: c.column,
      directiveLine: c.line,
      directiveColumn: c.column,
    };
    if (reason !== '') s.reason = reason;
    if (s.scope === 'next-line') {
      content ??= contentLines(parsed);
      const next = firstAfter(content, c.line);
      if (next === undefined) {
        bad('`xenlint-disable-next-line` is not followed by any setting', col(lead));
        continue;
      }
      s.line = next.line;
      s.column = next.column;
    }
    out.suppressions.push(s);
  }
  return out;
}

function readAnnotations(
  rest: string,
  restAt: number,
  col: (k: number) => Position,
  into: Annotation[],
  bad: (message: string, pos: Position) => void,
): void {
  if (rest.trim() === '') {
    bad('`xenlint:` with no annotation (expected name=value)', col(restAt));
    return;
  }
  let offset = 0;
  for (const part of rest.split(',')) {
    const partAt = restAt + offset;
    offset += part.length + 1;
    const lead = part.length - part.trimStart().length;
    const item = part.trim();
    const at = col(partAt + lead);
    const eq = item.indexOf('=');
    if (eq <= 0) {
      bad(item === '' ? 'empty annotation (stray comma?)' : `annotation \`${item}\` is not name=value`, at);
      continue;
    }
    const name = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (!ANNOTATION_NAME.test(name) || value === '') {
      bad(`annotation \`${item}\` is not name=value`, at);
      continue;
    }
    const known = KNOWN_ANNOTATIONS[name];
    if (!known) bad(`unknown annotation \`${name}\` (known: ${Object.keys(KNOWN_ANNOTATIONS).join(', ')})`, at);
    else if (!known.check(value)) {
      bad(`\`${name}=${value}\`: expected ${known.expected}`, at);
      continue;
    }
    into.push({ name, value, line: at.line, column: at.column });
  }
}
