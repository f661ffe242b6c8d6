/**
 * `xenlint parse disk SPEC...` / `parse vif SPEC...`: the device as xl reads it,
 * printed the way `xl -N block-attach 0 SPEC` / `xl -N network-attach 0 SPEC`
 * print it. Several words are one spec, as xl joins them. Invalid: exit 1.
 */
import { joinSpecWords, parseDiskSpec, type SpecProblem } from '../readers/disk-spec.js';
import { parseVifSpec } from '../readers/vif-spec.js';
import { diskToLibxlJson, vifToLibxlJson } from '../readers/libxl-json.js';
import { redactDeep, redactSecrets } from '../sources/redact.js';
import { elide } from '../model/messages.js';

export default async function parseSpec(argv: Record<string, unknown>): Promise<number> {
  const words = ((argv['spec'] as unknown[] | undefined) ?? []).map(String);
  const dialect = argv['dialect'] === 'xm' ? 'xm' : 'xl';
  const kind = argv['kind'] === 'vif' ? 'vif' : 'disk';
  const joined = joinSpecWords(words);
  const result = kind === 'disk' ? parseDiskSpec(words, dialect) : parseVifSpec(words, dialect);
  const shown = redactSecrets(joined);
  writeProblems(kind, joined, shown, result.warnings, 'warning');
  if (!result.ok) {
    writeProblems(kind, joined, shown, [result.error, ...(result.moreErrors ?? [])], 'error');
    return 1;
  }
  const text = 'disk' in result ? diskToLibxlJson(redactDeep(result.disk)) : vifToLibxlJson(redactDeep(result.vif));
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

/**
 * Problems one spec can hold are as many as its items: show the first few, count
 * the rest, so a spec of 20 000 bad items prints a screenful, not 20 000 copies of itself.
 */
const PROBLEMS_SHOWN = 20;
/** Characters of the spec shown around a problem's column; a longer spec is cut to a window. */
const SPEC_WINDOW = 100;

function writeProblems(kind: string, spec: string, shown: string, problems: SpecProblem[], level: string): void {
  for (const p of problems.slice(0, PROBLEMS_SHOWN)) process.stderr.write(`${describe(kind, spec, shown, p, level)}\n`);
  const more = problems.length - PROBLEMS_SHOWN;
  if (more > 0) process.stderr.write(`xenlint: ${level}: ${kind} spec: and ${more} more ${level}${more === 1 ? '' : 's'} not shown\n`);
}

/** The problem under the spec, a caret at its column; a `password=` in the spec is redacted, and the caret moved with it. */
function describe(kind: string, spec: string, shown: string, p: SpecProblem, level: string): string {
  const before = redactSecrets(spec.slice(0, p.offset));
  const at = shown.startsWith(before) ? before.length : Math.min(p.offset, shown.length);
  let line = shown;
  let col = at;
  if (shown.length > SPEC_WINDOW) {
    const start = Math.max(0, Math.min(at - SPEC_WINDOW / 2, shown.length - SPEC_WINDOW));
    const end = start + SPEC_WINDOW;
    line = `${start > 0 ? '…' : ''}${shown.slice(start, end)}${end < shown.length ? '…' : ''}`;
    col = at - start + (start > 0 ? 1 : 0);
  }
  const caret = `${' '.repeat(col + 2)}^`;
  return `xenlint: ${level}: ${kind} spec, column ${p.offset + 1}: ${elide(redactSecrets(p.message))}\n  ${line}\n${caret}`;
}
