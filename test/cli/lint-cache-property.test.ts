/** `lint --cache` against a run without it, on one thread (the property: lint-cache-property.ts). */
import t from 'tap';
import { cachedEqualsUncached } from './lint-cache-property.js';

t.test('random corpora, random edits: the cached report is the one without a cache (on one thread)', async (t) => {
  await cachedEqualsUncached(t, '0', 15);
});
