/**
 * `xenlint parse config FILE`: the domain as xenlint reads it, with diagnostics, as
 * JSON, and which reader read it and why (cli/readers/reader-choice.ts).
 */
import { parseConfig } from '../readers/config.js';
import { buildDomain } from '../readers/domain.js';
import { readInput } from './parse-info.js';
import type { Dialect } from '../model/config-model.js';
import { decideReader, parseOptionsFor, type ReaderInputs } from '../readers/reader-choice.js';
import { parseXenVersionArg } from '../model/xen-version.js';
import { UsageError } from '../settings/config.js';
import { redactDeep, redactDomain } from '../sources/redact.js';

export default async function parseConfigCommand(argv: Record<string, unknown>): Promise<number> {
  const file = String(argv['file']);
  const text = await readInput(file, 'config');
  const inputs: ReaderInputs = {};
  const dialect = argv['dialect'] as Dialect | undefined;
  if (dialect) inputs.forced = dialect;
  if (typeof argv['xen'] === 'string') {
    const v = parseXenVersionArg(argv['xen']);
    if (!v) throw new UsageError(`--xen ${argv['xen']}: not a Xen version (expected e.g. 3.0.4, 4.17 or 4.17.4-pre)`);
    inputs.xen = { version: v, source: '--xen' };
  }
  const parsed = parseConfig(text, file, { ...parseOptionsFor(decideReader(inputs)), exactReason: true });
  const domain = redactDomain(buildDomain(parsed), text);
  const out = { reader: { dialect: parsed.dialect, reason: parsed.dialectReason }, ...domain, dialectReason: parsed.dialectReason };
  process.stdout.write(`${JSON.stringify(redactDeep(out), null, 2)}\n`);
  return domain.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
