/**
 * jsonPieces writes a report in pieces (issue 14); joined they must be exactly
 * what JSON.stringify(value, null, 2) gives, at every depth and array length.
 */
import t from 'tap';
import fc from 'fast-check';
import { jsonPieces, LazyArray } from '../../cli/report/json-pieces.js';

const joined = (value: unknown): string => [...jsonPieces(value)].join('');

t.test('any JSON value: the pieces joined are JSON.stringify(value, null, 2)', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => joined(value) === JSON.stringify(value, null, 2)),
    { numRuns: 400 },
  );
});

t.test('long arrays, written element by element at any depth, and members JSON.stringify leaves out', async (t) => {
  const long = Array.from({ length: 150 }, (_, i) => ({ i, text: `line\n${i}`, nested: { list: [i, [i], {}] } }));
  const value = { a: { b: { c: { d: long, gone: undefined } } }, f: () => 1, top: long, holes: [undefined, () => 1, 1], empty: [], none: {} };
  t.equal(joined(value), JSON.stringify(value, null, 2));
});

t.test('a LazyArray is written as the array it stands for, each element made when it is written', async (t) => {
  const made: number[] = [];
  const lazy = new LazyArray(3, (i) => {
    made.push(i);
    return { i, deep: { x: [i] } };
  });
  const text = joined({ checks: [{ findings: lazy, empty: new LazyArray(0, () => 0) }] });
  t.equal(text, JSON.stringify({ checks: [{ findings: [0, 1, 2].map((i) => ({ i, deep: { x: [i] } })), empty: [] }] }, null, 2));
  t.same(made, [0, 1, 2]);
});

t.test('pieces come in batches, not one string, for a big value', async (t) => {
  const big = Array.from({ length: 20_000 }, (_, i) => ({ i, message: 'x'.repeat(20) }));
  const pieces = [...jsonPieces({ big })];
  t.ok(pieces.length > 10, `${pieces.length} pieces`);
  t.equal(pieces.join(''), JSON.stringify({ big }, null, 2));
});
