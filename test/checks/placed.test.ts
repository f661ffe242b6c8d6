/**
 * placed (checks/lib/guest.ts) makes a finding from its place and the rest of
 * its members without writing `{ ...place, more }`, which on V8 11 (Node 20)
 * gives every object a hidden class of its own (issue 14). It must make the
 * very object the spread made: the same members, in the same order, a member
 * of `rest` replacing the place's in the place's position; and its findings
 * must share their hidden class, which is what it is for.
 */
import t from 'tap';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { placed } from '../../checks/lib/guest.js';
import type { Finding } from '../../checks/api.js';

const PLACE_KEYS = ['domain', 'file', 'line', 'column', 'key'] as const;
const REST_KEYS = ['messageId', 'severity', 'data', 'remediation', 'evidence', 'unverified', 'key', 'line', 'host'] as const;
const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(undefined), fc.dictionary(fc.string(), fc.string()));

/** An object with some of `keys`, in a random order, each with a value (undefined included). */
function record(keys: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .shuffledSubarray([...keys])
    .chain((ks) => fc.tuple(fc.constant(ks), fc.array(value, { minLength: ks.length, maxLength: ks.length })))
    .map(([ks, vs]) => {
      const o: Record<string, unknown> = {};
      ks.forEach((k, i) => (o[k] = vs[i]));
      return o;
    });
}

t.test('placed makes what { ...place, ...rest } makes, member order included', (t) => {
  fc.assert(
    fc.property(record(PLACE_KEYS), record(REST_KEYS), (place, rest) => {
      const r = { messageId: 'm', ...rest };
      const made = placed(place as Partial<Finding>, r as Finding);
      t.strictSame(Object.entries(made), Object.entries({ ...place, ...r }));
      t.not(made, place, 'a new object: a place shared by several findings is left as it is');
    }),
    { numRuns: 1000 },
  );
  t.end();
});

t.test('findings made by placed share one hidden class', (t) => {
  // %HaveSameMap needs --allow-natives-syntax: a child process, given placed's own compiled source
  // (it refers to nothing outside itself), so no path to the compiled module is needed.
  const script = `
    const placed = ${placed.toString()};
    {
      const place = (i) => { const p = { domain: 'g' + i, key: 'kernel' }; p.file = '/etc/xen/g' + i; p.line = i; p.column = 1; return p; };
      const made = [];
      for (let i = 0; i < 200; i++) made.push(placed(place(i), { severity: 'warning', messageId: 'm', data: { guest: 'g' + i } }));
      let same = 0;
      for (let i = 100; i < 199; i++) if (%HaveSameMap(made[i], made[i + 1])) same++;
      process.stdout.write(String(same));
    }`;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
  t.equal(r.stderr, '');
  t.equal(r.stdout, '99', 'each finding after the first hundred has the hidden class of the one before');
  t.end();
});
