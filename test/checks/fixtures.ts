/**
 * Runs every fixture case of one built-in check with the strict check tester
 * (checks/testing.ts): each finding is stated in the fixture — line, message id,
 * severity, the column where it matters — and a missing, extra, duplicated or
 * different finding, or another status, fails the case. The format is described
 * in test/fixtures/checks/README.md.
 */
import t from 'tap';
import { join } from 'node:path';
import type { Check } from '../../checks/api.js';
import { fixtureCases, verifyCase } from '../../checks/testing.js';
import { fromRoot } from '../helpers/paths.js';

export const FIXTURES = fromRoot('test/fixtures/checks/');

export function runFixtures(id: string): void {
  t.test(`${id} fixtures`, async (t) => {
    const check = ((await import(`../../checks/${id}.js`)) as { default: Check }).default;
    t.equal(check.id, id, 'the module exports the check it is named after');
    const cases = fixtureCases(join(FIXTURES, id), id);
    t.ok(cases.some((c) => c.name.startsWith('fail')), 'has at least one failing case');
    t.ok(cases.some((c) => c.name.startsWith('pass')), 'has at least one passing case');
    for (const c of cases) {
      await t.test(c.name, async (t) => {
        const { problems, outcome } = verifyCase(check, c);
        t.same(problems, [], `the findings are exactly those the fixture states (got ${outcome.status}: ${outcome.findings.length} findings)`);
      });
    }
  });
}
