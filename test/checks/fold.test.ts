/**
 * The two forms of a version-2 check's cross-guest part (cli/model/contract.ts):
 * `across` over the array of every summary, and `fold` (init, a step per guest
 * summary, `across` over the folded state). The engine, the tester and the
 * plugin loader take both, and one check written in each form reports the same.
 */
import t from 'tap';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { defineCheck, keyPlace, keyText, PartsRun, hostSideOf, type Check, type Finding, type FindingPlace } from '../../checks/api.js';
import { verifyCase, type CheckTestCase } from '../../checks/testing.js';
import { loadPlugins } from '../../cli/settings/plugins.js';
import { runChecks } from '../../cli/engine/engine.js';

import { domainFromText, facts, context } from '../helpers/facts.js';
import { scratch } from '../cli/run.js';

/** README's example ("Writing a check (plugins)"): one hostname per guest. */
type Hostname = { hostname: string; guest: string } & FindingPlace;
const META = {
  title: 'One hostname per guest',
  severity: 'error' as const,
  needs: ['domains' as const],
  sources: ['site naming policy'],
  messages: { clash: '{{guest}}: hostname {{hostname}} is also the hostname of {{first}}' },
  summarize: (d: Parameters<NonNullable<Check['summarize']>>[0]): Hostname | undefined => {
    const hostname = keyText(d, 'hostname')?.trim();
    return hostname ? { hostname, guest: d.name, ...keyPlace(d, 'hostname') } : undefined;
  },
};
const clash = ({ hostname, guest, first, ...place }: Hostname & { first: string }): Finding => ({ ...place, messageId: 'clash', data: { guest, hostname, first } });

const folded = defineCheck({
  id: 'site-unique-hostname',
  ...META,
  fold: {
    init: () => ({ first: new Map<string, string>(), clashes: [] as Array<Hostname & { first: string }> }),
    step: (state, s: Hostname) => {
      const first = state.first.get(s.hostname);
      if (first === undefined) state.first.set(s.hostname, s.guest);
      else state.clashes.push({ ...s, first });
    },
  },
  across: (state) => state.clashes.map(clash),
});

const array = defineCheck({
  id: 'site-unique-hostname',
  ...META,
  across: (summaries: Hostname[]) => {
    const out: Finding[] = [];
    summaries.forEach((s, i) => {
      const first = summaries.slice(0, i).find((o) => o.hostname === s.hostname);
      if (first) out.push(clash({ ...s, first: first.guest }));
    });
    return out;
  },
});

t.test('the tester runs a check in either form, and holds each to the findings it states', async (t) => {
  const c: CheckTestCase = {
    name: 'two guests, one hostname',
    mode: 'lint',
    configs: { 'a.cfg': "name = 'a'\nhostname = 'web'\n", 'b.cfg': "name = 'b'\nmemory = 1\nhostname = 'web'\n", 'c.cfg': "name = 'c'\nhostname = 'db'\n" },
    findings: [{ file: 'b.cfg', line: 3, messageId: 'clash', severity: 'error', message: 'b: hostname web is also the hostname of a' }],
  };
  for (const check of [folded, array]) {
    t.same(verifyCase(check, c).problems, [], `${check.fold ? 'fold' : 'array'} form`);
    t.ok(verifyCase(check, { ...c, findings: [] }).problems.length > 0, `${check.fold ? 'fold' : 'array'} form: a missing expectation fails`);
  }
});

t.test('fold and array form report the same on generated guests', async (t) => {
  let clashing = 0;
  const guest = fc.record({ hostname: fc.option(fc.constantFrom('web', 'db', 'mail', ' web '), { nil: undefined }), pad: fc.nat(3) });
  fc.assert(
    fc.property(fc.array(guest, { maxLength: 12 }), (gs) => {
      const domains = gs.map((g, i) =>
        domainFromText(`name = 'g${i}'\nbootloader = 'pygrub'\n${'memory = 1\n'.repeat(g.pad)}${g.hostname !== undefined ? `hostname = '${g.hostname}'\n` : ''}`, 'xl', `/etc/xen/g${i}.cfg`),
      );
      const f = facts({ domains });
      const ctx = context(folded, { mode: 'lint' });
      assert.deepStrictEqual(folded.run(f, ctx), array.run(f, ctx));
      const outcomes = (c: Check) => runChecks([c], f, { command: 'lint' }).checks.map(({ durationMs: _, ...o }) => o);
      const o = outcomes(folded);
      assert.deepStrictEqual(o, outcomes(array));
      if (o[0]!.findings.length > 0) clashing++;
    }),
  );
  t.ok(clashing > 10, `the same findings and outcomes (${clashing} runs with clashes)`);
});

t.test('PartsRun folds each defined summary in reading order; step may return the next state or change it in place', async (t) => {
  const seen: string[] = [];
  let inits = 0;
  const counting: Check<string, number> = {
    id: 'count',
    title: 'count',
    severity: 'info',
    needs: ['domains'],
    sources: [],
    messages: { n: '{{n}} {{names}}' },
    summarize: (d) => (d.name.startsWith('skip') ? undefined : d.name),
    fold: {
      init: () => {
        inits++;
        return 0;
      },
      step: (n, name) => {
        seen.push(name);
        return n + 1;
      },
    },
    across: (n) => [{ messageId: 'n', data: { n, names: seen.join(' ') } }],
  };
  const domains = ['a', 'skip-me', 'b', 'c'].map((n) => domainFromText(`name = '${n}'\nbootloader = 'pygrub'\n`, 'xl', `/etc/xen/${n}.cfg`));
  const run = new PartsRun(counting, hostSideOf(facts({ domains })), context(counting));
  for (const d of domains) run.addGuest(d);
  t.same(run.finish(), [{ messageId: 'n', data: { n: 3, names: 'a b c' } }]);
  t.equal(inits, 1, 'init runs once');

  const skipping: Check<string, number> = { ...counting, hostOnly: () => ({ skip: 'no host' }) };
  const skipped = new PartsRun(skipping, hostSideOf(facts()), context(skipping));
  skipped.addGuest(domains[0]!);
  t.same(skipped.finish(), { skip: 'no host' });
  t.equal(inits, 1, 'init does not run when hostOnly skips the check');

  // A summary made elsewhere (a worker thread), structured-cloned, is folded as one made here.
  seen.length = 0;
  const remote = new PartsRun(counting, hostSideOf(facts({ domains })), context(counting));
  for (const d of domains) remote.addGuestPart(structuredClone({ summary: counting.summarize!(d, hostSideOf(facts()), context(counting)) }), { name: d.name });
  t.same(remote.finish(), [{ messageId: 'n', data: { n: 3, names: 'a b c' } }]);
});

t.test('a plugin may declare a fold; a malformed one is a usage error, and one that throws errors its check', async (t) => {
  const meta = "id: 'site-n', title: 'n', severity: 'info', needs: ['domains'], sources: ['site'], messages: { n: '{{n}} guests' }";
  const dir = scratch({
    'fold.mjs': `export default [{ ${meta}, summarize: (d) => d.name,
  fold: { base: 0, init() { return this.base; }, step: (n) => n + 1 },
  across: (n) => [{ messageId: 'n', data: { n } }] }];\n`,
    'throws.mjs': `export default [{ ${meta}, summarize: (d) => d.name, fold: { init: () => 0, step() { throw new RangeError('no room'); } }, across: () => [] }];\n`,
    'not-object.mjs': `export default [{ ${meta}, fold: 3, across: () => [] }];\n`,
    'no-step.mjs': `export default [{ ${meta}, fold: { init: () => 0 }, across: () => [] }];\n`,
  });
  const load = (file: string) => loadPlugins([{ spec: `./${file}`, file: join(dir, file) }]);
  const f = facts({ domains: ['a', 'b'].map((n) => domainFromText(`name = '${n}'\nbootloader = 'pygrub'\n`, 'xl', `/etc/xen/${n}.cfg`)) });
  const ok = runChecks(await load('fold.mjs'), f, { command: 'lint' }).checks[0]!;
  t.same([ok.status, ok.findings.map((x) => x.message)], ['fail', ['2 guests']], 'init is called on the fold object');
  const bad = runChecks(await load('throws.mjs'), f, { command: 'lint' }).checks[0]!;
  t.equal(bad.status, 'error');
  t.match(bad.reason, /plugin \.\/throws\.mjs: check 1 \(site-n\): fold\.step\(\) threw RangeError: no room/);
  await t.rejects(load('not-object.mjs'), /plugin \.\/not-object\.mjs: check 1 \(site-n\): fold must be an object \(expected \{ init\(host, ctx\), step\(state, summary\) \}\), not the number 3/);
  await t.rejects(load('no-step.mjs'), /plugin \.\/no-step\.mjs: check 1 \(site-n\): fold\.step must be a function/);
});
