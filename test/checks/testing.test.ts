/**
 * The check tester bites: a check that reports a finding twice, one more
 * finding, a finding of another kind or severity, or one finding fewer fails
 * its cases — for every built-in check, on its own fixtures.
 */
import t from 'tap';
import { join } from 'node:path';
import { metaOf, runWhole, type Check, type Finding } from '../../checks/api.js';
import { builtinChecks } from '../../checks/index.js';
import { compareFindings, fixtureCases, markerFindings, parseMarkerItem, verifyCase, type CheckTestCase } from '../../checks/testing.js';
import { FIXTURES } from './fixtures.js';

/**
 * `check` with its findings changed by `plant` after it ran (a whole-facts check, so
 * the engine runs the planted `run`). The engine runs such a check more than once
 * when a config is refused (over the guests the toolstack creates, then each
 * refused guest alone): each run that found something is planted.
 */
function planted(check: Check, plant: (found: Finding[]) => Finding[]): Check {
  return {
    ...metaOf(check),
    run(facts, ctx) {
      const r = runWhole(check, facts, ctx);
      return Array.isArray(r) && r.length > 0 ? plant(r) : r;
    },
  };
}

const failCases = builtinChecks.flatMap((check) =>
  fixtureCases(join(FIXTURES, check.id), check.id)
    .filter((c) => (c.findings ?? []).length > 0)
    .map((c) => ({ check, c })),
);

t.test('every built-in check has fixture cases with findings to plant into', async (t) => {
  t.same(builtinChecks.filter((check) => !failCases.some((x) => x.check === check)).map((c) => c.id), []);
});

t.test('the fixtures hold as they are (the baseline the planted findings are judged against)', async (t) => {
  for (const { check, c } of failCases) t.same(verifyCase(check, c).problems, [], `${check.id}: ${c.name}`);
});

t.test('a duplicated finding fails every case of every built-in check', async (t) => {
  for (const { check, c } of failCases) {
    const { problems } = verifyCase(planted(check, (found) => [...found, found[0]!]), c);
    t.ok(problems.some((p) => p.startsWith('duplicated finding')), `${check.id}: ${c.name}: ${problems.join(' | ')}`);
  }
});

// On the first finding's line, another column: where a config is refused, the engine keeps
// only what is said on the refusal's line, so a finding elsewhere would never be reported.
t.test('an extra finding (another kind, at a place of its own) fails every case of every built-in check', async (t) => {
  for (const { check, c } of failCases) {
    const declared = Object.keys(check.messages ?? {});
    const extra = (found: Finding[]): Finding[] => {
      const first = found[0]!;
      const other = declared.find((id) => id !== first.messageId) ?? declared[0]!;
      return [...found, { ...first, column: 9999, messageId: other, data: { ...first.data } }];
    };
    const { problems, outcome } = verifyCase(planted(check, extra), c);
    // A template whose placeholders the borrowed data lacks makes the check an error: also a failure.
    t.ok(problems.some((p) => p.startsWith('extra finding') || p.startsWith('status:')), `${check.id}: ${c.name}: ${outcome.status} ${problems.join(' | ')}`);
  }
});

t.test('a finding of another severity, or one fewer, fails the case', async (t) => {
  for (const { check, c } of failCases.filter((x) => Object.keys(x.check.messages ?? {}).length > 0)) {
    const flip = (f: Finding): Finding => ({ ...f, severity: (f.severity ?? check.severity) === 'info' ? 'error' : 'info' });
    const other = verifyCase(planted(check, (found) => [flip(found[0]!), ...found.slice(1)]), c);
    t.ok(other.problems.some((p) => p.startsWith('different finding')), `${check.id}: ${c.name}: another severity: ${other.problems.join(' | ')}`);
    const fewer = verifyCase(planted(check, (found) => found.slice(1)), c);
    t.ok(fewer.problems.some((p) => p.startsWith('missing finding') || p.startsWith('status:')), `${check.id}: ${c.name}: one fewer: ${fewer.problems.join(' | ')}`);
  }
});

const TOY: Check = {
  id: 'site-toy',
  title: 'A check for the tester itself',
  severity: 'warning',
  needs: ['domains'],
  sources: ['this test'],
  messages: { big: '{{guest}}: memory {{memory}} is big', odd: '{{guest}}: odd' },
  run(facts) {
    return (facts.domains ?? []).flatMap((d) => {
      const m = d.keys['memory'];
      if (!m || typeof m.value !== 'number' || m.value <= 1024) return [];
      return [{ messageId: 'big', data: { guest: d.name, memory: m.value }, domain: d.name, file: d.file, line: m.line, column: m.column, key: 'memory' } as Finding];
    });
  },
};

t.test('inline cases: status, reason, columns, data and the expectations themselves are checked', async (t) => {
  const big: CheckTestCase = {
    name: 'big',
    configs: { 'a.cfg': "name = 'a'\nmemory = 4096\nkernel = '/boot/vmlinuz'\n" },
    findings: [{ file: 'a.cfg', line: 2, column: 1, messageId: 'big', severity: 'warning', data: { memory: 4096 }, message: 'a: memory 4096 is big' }],
  };
  t.same(verifyCase(TOY, big).problems, []);
  t.match(verifyCase(TOY, { ...big, findings: [] }).problems, ['status: expected pass, got fail', /^extra finding: a\.cfg:2:1 big warning/]);
  t.match(verifyCase(TOY, { ...big, findings: [{ ...big.findings![0]!, column: 9 }] }).problems, [/^different finding at a\.cfg:2:9 big warning/]);
  t.match(verifyCase(TOY, { ...big, findings: [{ ...big.findings![0]!, data: { memory: 2048 } }] }).problems, [/^different finding/]);
  t.match(verifyCase(TOY, { ...big, findings: [{ file: 'a.cfg', line: 2, severity: 'warning' }] }).problems, [/name its messageId/, /^different finding/]);
  t.match(verifyCase(TOY, { ...big, findings: [{ ...big.findings![0]!, messageId: 'huge' }] }).problems, [/"huge" is not among the check's messages/, /^different finding/]);
  t.match(verifyCase(TOY, { name: 'none', status: 'skipped', reason: /needs domU configs/ }).problems, []);
  t.match(verifyCase(TOY, { name: 'none', status: 'skipped', reason: /something else/ }).problems, [/^reason: expected/]);
  t.match(verifyCase(TOY, { name: 'small', configs: { 'b.cfg': "name = 'b'\nmemory = 512\n" } }).problems, []);
  t.match(verifyCase(TOY, { name: 'bad version', xen: 'four', configs: { 'b.cfg': "name = 'b'\n" } }).problems, [/"four" is not a Xen version/]);
});

t.test('compareFindings: the same finding twice is "duplicated", whichever of them was expected', async (t) => {
  const f = { check: 'site-toy', messageId: 'big', severity: 'warning' as const, message: 'x', fingerprint: 'f', file: 'a.cfg', line: 2, column: 1 };
  t.same(compareFindings([{ file: 'a.cfg', line: 2, messageId: 'big', severity: 'warning' }], [f, { ...f }]), ['duplicated finding: a.cfg:2:1 big warning: x']);
  t.same(compareFindings([], [f, { ...f }]), ['extra finding: a.cfg:2:1 big warning: x', 'duplicated finding: a.cfg:2:1 big warning: x']);
});

t.test('markers: the check id as given, then message id, severity and column; other checks left alone', async (t) => {
  t.same(parseMarkerItem('disk-spec/duplicate-vdev error', 'disk-spec'), { check: 'disk-spec', messageId: 'duplicate-vdev', severity: 'error' });
  t.same(parseMarkerItem(' site/no-file-disks/image-file warning @8 ', 'site/no-file-disks'), { check: 'site/no-file-disks', messageId: 'image-file', severity: 'warning', column: 8 });
  t.same(parseMarkerItem('vif-spec', 'vif-spec'), { check: 'vif-spec' }, 'an old marker: neither id nor severity (the case then fails)');
  t.equal(parseMarkerItem('disk-spec-extra/x error', 'disk-spec'), undefined, 'another check whose id starts alike');
  t.equal(parseMarkerItem('vif-spec/shared-mac error', 'disk-spec'), undefined);
  t.match(parseMarkerItem('disk-spec/duplicate-vdev fatal', 'disk-spec'), { messageId: /unreadable marker/ });
  const text = [
    "name = 'a'",
    '# expect-next-line: site-toy/big warning, other/x error',
    '',
    '# a comment',
    'memory = 4096',
    "vif = [ 'bridge=xenbr0' ]  # expect: site-toy/odd info @3, site-toy/odd info",
  ].join('\n');
  t.same(markerFindings(text, 'a.cfg', 'site-toy'), [
    { file: 'a.cfg', line: 5, severity: 'warning', messageId: 'big' },
    { file: 'a.cfg', line: 6, severity: 'info', messageId: 'odd', column: 3 },
    { file: 'a.cfg', line: 6, severity: 'info', messageId: 'odd' },
  ]);
  const old = verifyCase(TOY, { name: 'old marker', configs: { 'a.cfg': "name = 'a'\nmemory = 4096  # expect: site-toy\nkernel = '/boot/vmlinuz'\n" }, findings: markerFindings("name = 'a'\nmemory = 4096  # expect: site-toy\nkernel = '/boot/vmlinuz'\n", 'a.cfg', 'site-toy') });
  t.ok(old.problems.some((p) => /severity must be error, warning or info/.test(p)), 'a marker without severity fails the case');
});
