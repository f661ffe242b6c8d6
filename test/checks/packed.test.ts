/**
 * checks/lib/packed.ts: a summary packed to JSON text and unpacked by its fold
 * step. On the thread that packed it, moments later, unpack hands back the
 * value packed instead of parsing the text again (issue 14); anywhere else it
 * parses. Either way the step reads what JSON.parse of the text would give.
 */
import t from 'tap';
import fc from 'fast-check';
import { pack, unpack, type Packed } from '../../checks/lib/packed.js';

/** Plain JSON data, as summaries are (no undefined members, finite numbers). */
const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

t.test('unpack gives what JSON.parse of the packed text gives, whether the value was packed just now, long ago or elsewhere', async (t) => {
  fc.assert(
    fc.property(fc.array(json, { minLength: 1, maxLength: 20 }), fc.nat(), (values, seed) => {
      const texts = values.map((v) => pack(v));
      // Unpacked in another order than packed, some twice, some as a copy of the text made elsewhere (a worker's post, the cache).
      const order = texts.map((_, i) => (i * 7 + seed) % texts.length);
      for (const i of [...order, ...order]) {
        const text = seed % 2 === 0 ? texts[i]! : (` ${texts[i]!}`.slice(1) as Packed<unknown>);
        t.same(unpack(text), JSON.parse(texts[i]!));
      }
    }),
    { numRuns: 200 },
  );
});

t.test('the value packed comes back as itself only once, and only while it is among the last packed', async (t) => {
  const value = { name: 'web', uses: [{ mac: '00:16:3e:00:00:01' }] };
  const text = pack(value);
  t.equal(unpack(text), value, 'just packed: the value itself, not parsed again');
  t.not(unpack(text), value, 'asked again: parsed');
  t.same(unpack(text), value);
  const old = { name: 'old' };
  const oldText = pack(old);
  for (let i = 0; i < 20; i++) pack({ i });
  t.not(unpack(oldText), old, 'packed long ago: parsed');
  t.same(unpack(oldText), old);
});
