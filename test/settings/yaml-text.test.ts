/**
 * YAML loading (cli/settings/yaml-text.ts): alias bombs and cycles refused with
 * the file named, everything else loaded as js-yaml loads it.
 */
import t from 'tap';
import fc from 'fast-check';
import { load } from 'js-yaml';
import { aliasProblem, ALIAS_EXPANSION_LIMIT, loadYamlText } from '../../cli/settings/yaml-text.js';

const bomb = (levels: number, width: number): string =>
  [`a0: &a0 ["lol"]`, ...Array.from({ length: levels }, (_, i) => `a${i + 1}: &a${i + 1} [${Array.from({ length: width }, () => `*a${i}`).join(', ')}]`)].join('\n');

t.test('a billion laughs is refused, fast, with the file named', async (t) => {
  const r = await loadYamlText(bomb(12, 8), 'x.yaml');
  t.equal(r.ok, false, 'a problem for the caller to report (a usage error: exit 2, no stack trace)');
  t.match(r.ok ? '' : r.message, /^x\.yaml: YAML aliases expand this file to \d+ values, \d+ more than are written in it \(a "billion laughs"; at most 10000 more are accepted\): refused; write the values out instead$/);
  t.match(await loadYamlText(`${bomb(40, 2)}\n`, 'deep.yaml'), { ok: false, message: /^deep\.yaml: YAML aliases expand this file to \d+ values/ });
});

t.test('a cycle is refused', async (t) => {
  t.match(await loadYamlText('checks: &c\n  self: *c\n', 'c.yaml'), { ok: false, message: /^c\.yaml: a YAML alias refers to the list or mapping it is in \(a cycle\)/ });
  t.match(await loadYamlText('a: &a [1, [2, *a]]\n', 'c.yaml'), { ok: false, message: /a cycle/ });
});

t.test('aliases that repeat a little are fine, up to the limit', async (t) => {
  const shared = 'x: &o {severity: warning}\nchecks:\n  memory-fit: *o\n  vif-limit: *o\n';
  t.same(await loadYamlText(shared, 'ok.yaml'), { ok: true, data: load(shared) });
  // width^levels values: 10^4 = 10 000 is at the limit, 10^4 + a few over it.
  t.equal(aliasProblem(load(bomb(3, 10))), undefined, '1 000 values');
  const list = (n: number): string => `a: &a [${Array.from({ length: 100 }, () => '1').join(', ')}]\nb: [${Array.from({ length: n }, () => '*a').join(', ')}]\n`;
  t.equal(aliasProblem(load(list(100))), undefined, '100 aliases of a 100-item list: 9 900 more values');
  t.match(aliasProblem(load(list(103))), /more than are written/, '103 of them: over');
  t.ok(ALIAS_EXPANSION_LIMIT >= 10_000);
  t.match(await loadYamlText('a: [1\n', 'bad.yaml'), { ok: false, message: /^bad\.yaml:2:1: not valid YAML: / }, 'syntax errors keep their position');
});

// Plain data without shared collections: never refused, whatever its shape.
const plain = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 6 }),
  map: fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { maxKeys: 6 }),
})).value;

t.test('data without aliases is never refused (fast-check)', async (t) => {
  fc.assert(fc.property(plain, (v) => aliasProblem(v) === undefined), { numRuns: 2000 });
});

t.test('a deep document is walked without the call stack', async (t) => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  t.equal(aliasProblem(deep), undefined);
});
