/**
 * `xenlint parse disk SPEC...` / `parse vif SPEC...`: the device as xl reads it,
 * printed the way `xl -N block-attach 0 SPEC` / `xl -N network-attach 0 SPEC`
 * print it. Several words are one spec, as xl joins them. Invalid: exit 1.
 */
import { joinSpecWords, parseDiskSpec, type SpecProblem } from '../readers/disk-spec.js';
import { parseVifSpec } from '../readers/vif-spec.js';
import { diskToLibxlJson, vifToLibxlJson } from '../readers/libxl-json.js';

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
  const text = 'disk' in result ? diskToLibxlJson(result.disk) : vifToLibxlJson(result.vif);
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

function describe(kind: string, spec: string, p: SpecProblem, level: string): string {
  const caret = `${' '.repeat(Math.min(p.offset, spec.length) + 2)}^`;
  return `xenlint: ${level}: ${kind} spec, column ${p.offset + 1}: ${p.message}\n  ${spec}\n${caret}`;
}
