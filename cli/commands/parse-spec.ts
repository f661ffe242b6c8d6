/**
 * `xenlint parse disk SPEC...` / `parse vif SPEC...`: the device as xl reads it,
 * printed the way `xl -N block-attach 0 SPEC` / `xl -N network-attach 0 SPEC`
 * print it. Several words are one spec, as xl joins them. Invalid: exit 1.
 */
import { joinSpecWords, parseDiskSpec, type SpecProblem } from '../readers/disk-spec.js';
import { parseVifSpec } from '../readers/vif-spec.js';
import { diskToLibxlJson, vifToLibxlJson } from '../readers/libxl-json.js';
import { redactDeep, redactSecrets } from '../sources/redact.js';

export default async function parseSpec(argv: Record<string, unknown>): Promise<number> {
  const words = ((argv['spec'] as unknown[] | undefined) ?? []).map(String);
  const dialect = argv['dialect'] === 'xm' ? 'xm' : 'xl';
  const kind = argv['kind'] === 'vif' ? 'vif' : 'disk';
  const joined = joinSpecWords(words);
  const result = kind === 'disk' ? parseDiskSpec(words, dialect) : parseVifSpec(words, dialect);
  for (const w of result.warnings) process.stderr.write(`${describe(kind, joined, w, 'warning')}\n`);
  if (!result.ok) {
    for (const e of [result.error, ...(result.moreErrors ?? [])]) process.stderr.write(`${describe(kind, joined, e, 'error')}\n`);
    return 1;
  }
  const text = 'disk' in result ? diskToLibxlJson(redactDeep(result.disk)) : vifToLibxlJson(redactDeep(result.vif));
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

/** The problem under the spec, a caret at its column; a `password=` in the spec is redacted, and the caret moved with it. */
function describe(kind: string, spec: string, p: SpecProblem, level: string): string {
  const shown = redactSecrets(spec);
  const before = redactSecrets(spec.slice(0, p.offset));
  const at = shown.startsWith(before) ? before.length : Math.min(p.offset, shown.length);
  const caret = `${' '.repeat(at + 2)}^`;
  return `xenlint: ${level}: ${kind} spec, column ${p.offset + 1}: ${redactSecrets(p.message)}\n  ${shown}\n${caret}`;
}
