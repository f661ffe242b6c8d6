/**
 * --write-baseline's text (cli/commands/baseline.ts): each entry is made once,
 * as its finding is read in the run's order, and written in the baseline's
 * (check, domU, fingerprint, then the run's order); a check whose entries pass
 * the held bound reads its findings again instead. Whichever way, the text is
 * `JSON.stringify(baseline, null, 2)` plus a newline, byte for byte.
 */
import t from 'tap';
import fc from 'fast-check';
import { baselineOf, setHeldTextForTesting } from '../../cli/commands/baseline.js';
import type { CheckOutcome, ReportedFinding, RunReport } from '../../cli/model/contract.js';
import { compareText } from '../../cli/model/order.js';

const finding = fc.record(
  {
    check: fc.constantFrom('bootloader', 'vif-spec', 'memory-fit', 'unknown-key'),
    severity: fc.constantFrom('error', 'warning', 'info'),
    messageId: fc.constantFrom('a', 'b-c', 'unused'),
    message: fc.string({ unit: 'grapheme', maxLength: 80 }).map((s) => `${s}\n"quoted" \\ \u2028`),
    fingerprint: fc.stringMatching(/^[0-9a-f]{24}$/),
    domain: fc.constantFrom('web', 'db', 'Web', 'mail-01', ''),
    key: fc.constantFrom('vif', 'memory', ''),
  },
  { requiredKeys: ['check', 'severity', 'message', 'fingerprint'] },
) as fc.Arbitrary<ReportedFinding>;

function reportOf(findings: ReportedFinding[][]): RunReport {
  // A list may hold findings of several checks (a report built elsewhere): each finding's own check counts.
  const checks: CheckOutcome[] = findings.map((list, i) => ({ id: `outcome-${i}`, title: 't', severity: 'error', status: list.length > 0 ? 'fail' : 'pass', findings: list, suppressed: 0 }));
  return { reportVersion: 1, tool: { name: 'xenlint', version: '0' }, command: 'lint', files: [], checks, problems: [], summary: { pass: 0, fail: 0, skipped: 0, 'not-applicable': 0, error: 0, findings: { error: 0, warning: 0, info: 0 } } };
}

/** The baseline as JSON.stringify writes it, sorted as the code under test must sort it. */
function expected(findings: ReportedFinding[][]): string {
  const all = findings.flat().map((f, n) => ({ f, n }));
  all.sort((a, b) => compareText(a.f.check, b.f.check) || compareText(a.f.domain ?? '', b.f.domain ?? '') || compareText(a.f.fingerprint, b.f.fingerprint) || a.n - b.n);
  const entries = all.map(({ f }) => ({
    fingerprint: f.fingerprint,
    check: f.check,
    message: f.message,
    ...(f.messageId !== undefined ? { messageId: f.messageId } : {}),
    ...(f.domain ? { domain: f.domain } : {}),
    ...(f.key ? { key: f.key } : {}),
  }));
  return `${JSON.stringify({ baselineVersion: 1, tool: 'xenlint', findings: entries }, null, 2)}\n`;
}

t.test('the text is JSON.stringify of the sorted entries, with every entry held, none, or some checks past the bound', async (t) => {
  const was = setHeldTextForTesting(8 << 20);
  t.teardown(() => void setHeldTextForTesting(was));
  fc.assert(
    fc.property(fc.array(fc.array(finding, { maxLength: 30 }), { maxLength: 4 }), fc.constantFrom(8 << 20, 0, 1, 400, 3000), (lists, bound) => {
      setHeldTextForTesting(bound);
      const want = expected(lists);
      const got = baselineOf(reportOf(lists));
      if (got !== want) t.equal(got, want, `held bound ${bound}`);
      return got === want;
    }),
    { numRuns: 300 },
  );
});

t.test('no findings: an empty list', async (t) => {
  t.equal(baselineOf(reportOf([[], []])), `${JSON.stringify({ baselineVersion: 1, tool: 'xenlint', findings: [] }, null, 2)}\n`);
});
