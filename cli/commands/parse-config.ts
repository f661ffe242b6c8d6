/** `xenlint parse config FILE`: the domain as xenlint reads it, with diagnostics, as JSON. */
import { parseConfig } from '../parse/config.js';
import { buildDomain } from '../domain.js';
import { readInput } from './parse-info.js';
import type { Dialect } from '../parse/config-model.js';

export default async function parseConfigCommand(argv: Record<string, unknown>): Promise<number> {
  const file = String(argv['file']);
  const text = await readInput(file);
  const dialect = argv['dialect'] as Dialect | undefined;
  const parsed = parseConfig(text, file, dialect ? { dialect } : {});
  const domain = buildDomain(parsed);
  const out = { ...domain, dialectReason: parsed.dialectReason };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return domain.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
