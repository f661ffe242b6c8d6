/**
 * otherType and guestsOfType (checks/lib/guest.ts) give the skip text of a
 * check that examines only some types of guest. The text is made once for each
 * list of types (otherType asks for it for every guest it skips: issue 14);
 * it must stay the text each call made before, whichever lists came first.
 */
import t from 'tap';
import fc from 'fast-check';
import { guestsOfType, otherType } from '../../checks/lib/guest.js';
import type { DomainFacts, Facts } from '../../checks/api.js';

type GuestType = DomainFacts['type'];
const TYPES: GuestType[] = ['pv', 'hvm', 'pvh'];
const LABELS: Record<GuestType, string> = { pv: 'PV', hvm: 'HVM', pvh: 'PVH' };

/** The text as every call made it before it was remembered. */
function oracle(types: ReadonlyArray<GuestType>): string {
  return `no ${types.map((t) => LABELS[t]).join(' or ')} guests among the given configs`;
}

const typeList = fc.array(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 4 });

t.test('otherType skips a guest of another type with the text for its list, in any order of asking', (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(typeList, fc.constantFrom(...TYPES)), { minLength: 1, maxLength: 12 }), (asks) => {
      for (const [types, type] of asks) {
        const skip = otherType({ type } as DomainFacts, types);
        if (types.includes(type)) t.equal(skip, undefined);
        else t.strictSame(skip, { skip: oracle(types) });
      }
    }),
    { numRuns: 500 },
  );
  t.end();
});

t.test('guestsOfType without a guest of its types skips with the same text', (t) => {
  fc.assert(
    fc.property(fc.array(typeList, { minLength: 1, maxLength: 12 }), (lists) => {
      for (const types of lists) {
        const absent = TYPES.filter((x) => !types.includes(x));
        const facts = { domains: absent.map((type) => ({ type })) } as unknown as Facts;
        t.strictSame(guestsOfType(facts, types), { skip: oracle(types) });
      }
    }),
    { numRuns: 300 },
  );
  t.end();
});

t.test('each skip is an object of its own: one changed by its caller leaves the next as it was', (t) => {
  const a = otherType({ type: 'pv' } as DomainFacts, ['hvm'])!;
  a.skip = 'changed';
  t.strictSame(otherType({ type: 'pv' } as DomainFacts, ['hvm']), { skip: oracle(['hvm']) });
  t.end();
});
