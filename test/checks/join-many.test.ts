/**
 * joinMany (checks/lib/guest.ts) joins pieces a chunk at a time so a list of
 * every guest does not keep each piece alive until the join (issue 14); it must
 * give what one Array.prototype.join gives, at every chunk boundary.
 */
import t from 'tap';
import fc from 'fast-check';
import { joinMany } from '../../checks/lib/guest.js';

t.test('joinMany equals one join of all the pieces', (t) => {
  fc.assert(
    fc.property(fc.array(fc.string(), { maxLength: 40 }), fc.constantFrom('', ' ', ' + ', ', '), fc.integer({ min: 1, max: 9 }), (pieces, sep, chunk) => {
      t.equal(joinMany(pieces.length, (i) => pieces[i]!, sep, chunk), pieces.join(sep));
    }),
    { numRuns: 2000 },
  );
  t.end();
});

t.test('the default chunk, across its boundary', (t) => {
  for (const n of [0, 1, 63, 64, 65, 128, 1023, 1024, 1025, 3000]) {
    const pieces = Array.from({ length: n }, (_, i) => `g${i} ${i * 512}`);
    t.equal(joinMany(n, (i) => pieces[i]!, ' + '), pieces.join(' + '), `${n} pieces`);
  }
  t.end();
});
