/** `xenlint parse info FILE`: every field as printed plus the normalised host view, as JSON. */
import { readInputText, readStdinText, type InputKind } from '../sources/read-input.js';
import { redactDeep } from '../sources/redact.js';
import { hostFactsFromInfo, parseInfo } from '../readers/info.js';

export default async function parseInfoCommand(argv: Record<string, unknown>): Promise<number> {
  const file = String(argv['file']);
  const text = await readInput(file, 'facts');
  const info = parseInfo(text);
  const { fields, fieldLines, ...normalized } = hostFactsFromInfo(info, file);
  const out = {
    file,
    fields,
    ...normalized,
    tables: info.tables,
    fieldLines,
    diagnostics: info.diagnostics.map((d) => ({ ...d, file })),
  };
  process.stdout.write(`${JSON.stringify(redactDeep(out), null, 2)}\n`);
  return info.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

/** A `parse` command's input: a file, or standard input for `-`; each within its kind's limit. */
export async function readInput(file: string, kind: InputKind): Promise<string> {
  return file === '-' ? readStdinText(kind) : readInputText(file, kind);
}
