/**
 * Output grows with the input, never faster: findings per check per file are
 * capped with one summary finding, quoted input is elided, and the formatters
 * take 300 000 findings without a spread into a call (a stack overflow).
 * Sizes are asserted, never times.
 */
import t from 'tap';
import fc from 'fast-check';
import type { Check, Finding } from '../../checks/api.js';
import type { RunReport } from '../../cli/model/contract.js';
import { FINDINGS_PER_CHECK_PER_FILE, MORE_FINDINGS_ID, runChecks } from '../../cli/engine/engine.js';
import { CutText, cutValues, elide, QUOTE_LIMIT, VALUE_LIMIT } from '../../cli/model/messages.js';
import { baselineOf } from '../../cli/commands/baseline.js';
import { formatStylish } from '../../cli/report/stylish.js';
import { domain, facts } from '../helpers/facts.js';
import { scratch, xenlint } from './run.js';

function many(n: number, file = '/etc/xen/g.cfg', severity: Finding['severity'] = 'warning'): Finding[] {
  return Array.from({ length: n }, (_, i) => ({ domain: 'g', file, line: i + 1, column: 1, key: 'vif', severity, messageId: 'odd', data: { what: `item ${i}` } }));
}

function check(found: () => Finding[]): Check {
  return { id: 'site-vif', title: 'Site vif rules', severity: 'warning', needs: ['domains'], sources: ['site policy'], messages: { odd: '{{what}} is odd' }, run: found };
}

function run(c: Check, opts: { baseline?: Map<string, number>; perFile?: number } = {}): RunReport {
  const g = domain('g', { file: '/etc/xen/g.cfg' });
  const h = domain('h', { file: '/etc/xen/h.cfg' });
  return runChecks([c], facts({ domains: [g, h] }), {
    command: 'lint',
    ...(opts.baseline ? { baseline: opts.baseline } : {}),
    ...(opts.perFile !== undefined ? { findingsPerCheckPerFile: opts.perFile } : {}),
  });
}

t.test('a check\'s findings per file are capped, the rest summed up in one finding at their worst severity', async (t) => {
  const found = [...many(50_000), ...many(3, '/etc/xen/h.cfg')];
  found[40_000]!.severity = 'error';
  const report = run(check(() => found));
  const o = report.checks[0]!;
  const inG = o.findings.filter((f) => f.file === '/etc/xen/g.cfg');
  t.equal(inG.length, FINDINGS_PER_CHECK_PER_FILE + 1, 'the first 100 and the summary');
  t.same(inG.slice(0, 3).map((f) => f.line), [1, 2, 3], 'the first ones, in the check\'s order');
  const more = inG.at(-1)!;
  t.match(more, { messageId: MORE_FINDINGS_ID, severity: 'error', domain: 'g', data: { count: 49_900, limit: 100 } });
  t.match(more.message, /^and 49900 more site-vif findings in this file/);
  t.equal(o.findings.filter((f) => f.file === '/etc/xen/h.cfg').length, 3, 'another file under the cap is whole');
  t.same(report.summary.findings, { error: 1, warning: 103, info: 0 }, 'counts are of the findings reported');
});

t.test('the cap is configurable, and a baseline written from a capped report accepts the next run', async (t) => {
  const c = check(() => many(500));
  const first = run(c, { perFile: 10 });
  t.equal(first.checks[0]!.findings.length, 11);
  const entries = (JSON.parse(baselineOf(first)) as { findings: Array<{ fingerprint: string }> }).findings;
  const accepted = new Map<string, number>();
  for (const e of entries) accepted.set(e.fingerprint, (accepted.get(e.fingerprint) ?? 0) + 1);
  const again = run(check(() => many(600)), { perFile: 10, baseline: accepted });
  t.equal(again.checks[0]!.status, 'pass', 'more findings beyond the cap stay within the accepted summary');
  t.equal(again.checks[0]!.suppressed, 11);
  const fixedOne = run(check(() => many(600).slice(1)), { perFile: 10, baseline: accepted });
  t.equal(fixedOne.checks[0]!.findings.length, 0, 'kept findings match by their own fingerprints; the cap keeps the summary\'s');
});

t.test('quoted values are cut, with how many characters were left out', async (t) => {
  t.equal(elide('short'), 'short');
  const long = 'a'.repeat(QUOTE_LIMIT) + 'b'.repeat(920);
  t.equal(elide(long), `${'a'.repeat(QUOTE_LIMIT)}…(920 more characters)`);
  const emoji = `${'a'.repeat(QUOTE_LIMIT - 1)}😀tail`;
  t.equal(elide(emoji), `${'a'.repeat(QUOTE_LIMIT - 1)}…(6 more characters)`, 'a surrogate pair is never split');
  const spec = 'bridge=xenbr0,' + 'x,'.repeat(50_000);
  const report = run(check(() => [{ ...many(1)[0]!, data: { what: spec }, evidence: { vif: spec } }]));
  const f = report.checks[0]!.findings[0]!;
  const bound = VALUE_LIMIT + 40;
  t.ok(f.message.length < bound, `message of ${f.message.length} characters`);
  t.ok(String(f.evidence?.['vif']).length < bound, 'evidence is cut too');
  t.ok(String(f.data?.['what']).length < bound, 'and the data every format prints');
});

t.test('CutText makes what elide makes of the whole text, and the engine keeps it as it is only in a record marked cut', async (t) => {
  // Pieces of one- and two-unit characters, so that the cut falls on a surrogate pair now and then; small limits cross many pieces.
  const piece = fc.string({ unit: fc.constantFrom('a', 'é', '😀', ' '), maxLength: 6 });
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }), fc.constantFrom('', ' + ', ' '), piece, fc.integer({ min: 1, max: 40 }), (pieces, sep, tail, limit) => {
      const cut = new CutText(limit).join(pieces.length, (i) => pieces[i]!, sep).add(tail).toString();
      const want = elide(pieces.join(sep) + tail, limit);
      if (cut !== want) throw new Error(`${JSON.stringify(cut)}, expected ${JSON.stringify(want)}`);
    }),
    { numRuns: 3000 },
  );
  // Through the engine: a marked record's cut values are reported as they are; an unmarked one's are cut again, a
  // marked string elide did not make (too long to be one) is cut as any other.
  const whole = Array.from({ length: 400 }, (_, i) => `guest${i}`).join(' ');
  const cut = new CutText().join(400, (i) => `guest${i}`, ' ').toString();
  t.equal(cut, elide(whole, VALUE_LIMIT));
  const reported = (data: Record<string, string>) => run(check(() => [{ ...many(1)[0]!, data, evidence: data }])).checks[0]!.findings[0]!;
  const marked = reported(cutValues({ what: cut }));
  t.same([marked.message, marked.data?.['what'], marked.evidence?.['what']], [`${cut} is odd`, cut, cut]);
  const unmarked = reported({ what: cut });
  t.equal(unmarked.data?.['what'], elide(cut, VALUE_LIMIT), 'an unmarked record is cut again');
  t.equal(unmarked.message, `${elide(cut, VALUE_LIMIT)} is odd`);
  const forged = reported(cutValues({ what: whole }));
  t.same([forged.data?.['what'], forged.evidence?.['what'], forged.message], [cut, cut, `${cut} is odd`], 'the bound holds for a marked record');
});

t.test('stylish takes 150 000 findings in one file without a stack overflow', async (t) => {
  // Past ~125 000 arguments a spread into Math.max throws RangeError; the cap is
  // lifted so that one file's table holds them all.
  const report = run(check(() => many(150_000)), { perFile: 1_000_000 });
  t.equal(report.checks[0]!.findings.length, 150_000);
  const text = formatStylish(report, { color: false, cwd: '/', rules: new Map() });
  t.ok(text.includes('item 149999 is odd'), 'the last finding is there');
  t.ok(text.split('\n').length > 150_000);
});

t.test('lint: a vif spec of 50 000 items makes a report that grows linearly, not with the square', async (t) => {
  const items = (n: number) => `vif = [ "mac=00:16:3e:00:00:01,bridge=xenbr0,${Array.from({ length: n }, (_, i) => `k${i}=v`).join(',')}" ]\n`;
  const dir = scratch({ 'small.cfg': `name = "small"\n${items(500)}`, 'big.cfg': `name = "big"\n${items(50_000)}` });
  const small = xenlint(['lint', '--format', 'json', '--dialect', 'xl', 'small.cfg'], { cwd: dir });
  const big = xenlint(['lint', '--format', 'json', '--dialect', 'xl', 'big.cfg'], { cwd: dir });
  t.equal(big.code, small.code, big.stderr);
  const findings = (out: string) => (JSON.parse(out) as { checks: Array<{ findings: unknown[] }> }).checks.flatMap((c) => c.findings);
  t.ok(findings(big.stdout).length <= findings(small.stdout).length + 2, 'the cap holds the count');
  t.ok(big.stdout.length < 3 * small.stdout.length, `report of ${big.stdout.length} bytes for 100x the spec (${small.stdout.length} for 500 items)`);
});
