/**
 * The finding spill read in any order (cli/model/finding-spill.ts): JUnit and
 * HTML read a run's findings again grouped, and --write-baseline sorted by
 * domU and fingerprint, so the reads jump about a file of many 64 KiB blocks;
 * a read that misses the cached blocks then reads only the finding's bytes.
 * Whatever the order — file order, reversed, shuffled, or hopping between two
 * places — each finding comes back as it was kept.
 */
import t from 'tap';
import fc from 'fast-check';
import type { ReportedFinding } from '../../cli/model/contract.js';
import { FindingSpill } from '../../cli/model/finding-spill.js';
import { tempDir } from '../helpers/temp-dir.js';

/** ~4 000 findings of ~400 bytes each: some 25 blocks, more than the spill caches. */
const findings: ReportedFinding[] = Array.from({ length: 4000 }, (_, i) => ({
  check: `check-${i % 7}`,
  severity: (['error', 'warning', 'info'] as const)[i % 3]!,
  message: `finding ${i}: ${'é∂x'.repeat(i % 120)}`,
  fingerprint: i.toString(16).padStart(24, '0'),
  domain: `g${i % 997}`,
  file: `/etc/xen/g${i % 997}.cfg`,
  line: (i % 50) + 1,
}));

const saved = process.env['TMPDIR'];
process.env['TMPDIR'] = tempDir('xenlint-spill-order-');
const spill = new FindingSpill((f) => f);
if (saved === undefined) delete process.env['TMPDIR'];
else process.env['TMPDIR'] = saved;
const ids = findings.map((f) => spill.add(f));
t.teardown(() => spill.close());

t.test('in file order, reversed, and hopping between the two ends', async (t) => {
  const orders: Array<[string, number[]]> = [
    ['file order', ids],
    ['reversed', [...ids].reverse()],
    ['two places at once', ids.slice(0, 2000).flatMap((id, n) => [id, ids[3999 - n]!])],
  ];
  for (const [name, order] of orders) {
    const list = spill.list(order);
    t.ok(order.every((id, n) => JSON.stringify(list[n]) === JSON.stringify(findings[id])), name);
  }
});

t.test('in any order', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.nat({ max: findings.length - 1 }), { minLength: 1, maxLength: 300 }), (picks) => {
      const list = spill.list(picks.map((p) => ids[p]!));
      return picks.every((p, n) => JSON.stringify(list[n]) === JSON.stringify(findings[p]));
    }),
    { numRuns: 200 },
  );
  t.pass('every finding read back as kept');
});

t.test('read while it is still being written: a block read before it was full is not served stale', async (t) => {
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = tempDir('xenlint-spill-growing-');
  const growing = new FindingSpill((f) => f);
  if (saved === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = saved;
  t.teardown(() => growing.close());
  const kept: number[] = [];
  let bad = 0;
  for (let i = 0; i < findings.length; i++) {
    kept.push(growing.add(findings[i]!));
    // Read the last few findings back as they come: twice, so that their block is cached while the spill keeps writing into it.
    for (const back of [i, i - 1, i - 160, i - 161, i - 300, i - 301]) {
      if (back < 0) continue;
      if (JSON.stringify(growing.list([kept[back]!])[0]) !== JSON.stringify(findings[back])) bad++;
    }
  }
  t.equal(bad, 0, 'every finding read back as kept, whenever it is read');
});
