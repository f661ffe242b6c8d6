/** What the xl and xm reader tests share: the bundled domU samples and a position bounds check. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigValue, ParsedConfig } from '../../cli/model/config-model.js';
import type { Position } from '../../cli/model/diagnostic.js';
import { fromRoot } from './paths.js';
import fc from 'fast-check';

const SAMPLES = fromRoot('samples/domains');

export const samples = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.cfg'))
  .map((f) => ({ name: f, text: readFileSync(join(SAMPLES, f), 'utf8') }));

/**
 * A bundled sample with up to `maxEdits` edits at random places: a character
 * deleted or doubled, the text cut short, or one of `inserts` put in.
 */
export function mutatedSample(inserts: readonly string[], maxEdits = 5): fc.Arbitrary<string> {
  const mutation = fc.record({
    sample: fc.nat({ max: samples.length - 1 }),
    edits: fc.array(fc.tuple(fc.constantFrom('delete', 'duplicate', 'cut', 'insert'), fc.nat(), fc.constantFrom(...inserts)), { minLength: 1, maxLength: maxEdits }),
  });
  return mutation.map(({ sample, edits }) => {
    let text = samples[sample]!.text;
    for (const [op, at, piece] of edits) {
      const i = text.length === 0 ? 0 : at % text.length;
      if (op === 'delete') text = text.slice(0, i) + text.slice(i + 1);
      else if (op === 'duplicate') text = text.slice(0, i + 1) + text.slice(i);
      else if (op === 'cut') text = text.slice(0, i);
      else text = text.slice(0, i) + piece + text.slice(i);
    }
    return text;
  });
}

/** Every position the parse reports must point inside the text: undefined, or what is out of bounds. */
export function positionsInBounds(text: string, p: ParsedConfig): string | undefined {
  const lines = text.split('\n');
  const ok = (pos: Position): boolean => {
    const l = lines[pos.line - 1];
    return Number.isInteger(pos.line) && Number.isInteger(pos.column) && pos.line >= 1 && pos.column >= 1 && l !== undefined && pos.column <= l.length + 1;
  };
  const values = (v: ConfigValue): ConfigValue[] =>
    v.kind === 'list' ? [v, ...v.items.flatMap(values)] : v.kind === 'dict' ? [v, ...v.entries.flatMap((e) => [...values(e.key), ...values(e.value)])] : [v];
  for (const d of p.diagnostics) {
    if (!ok(d)) return `diagnostic ${JSON.stringify(d)}`;
    if (d.endLine !== undefined && !ok({ line: d.endLine, column: d.endColumn ?? 1 })) return `diagnostic end ${JSON.stringify(d)}`;
  }
  for (const c of p.comments) if (!ok(c)) return `comment ${JSON.stringify(c)}`;
  for (const e of p.entries) {
    if (!ok(e)) return `entry ${JSON.stringify(e)}`;
    for (const v of values(e.value)) if (!ok(v)) return `value ${JSON.stringify(v)}`;
  }
  return undefined;
}

/** Diagnostics as `code@line:column`, for compact assertions. */
export const codes = (p: ParsedConfig): string[] => p.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`);
