import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/hvm-smp.js';
import type { Skip } from '../../checks/api.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { satisfiesXen } from '../../cli/model/xen-version.js';
import { context, domain, facts, findings, key, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function guest(name: string, type: DomainFacts['type'], vcpus?: number | string): DomainFacts {
  return domain(name, {
    type,
    keys: vcpus !== undefined ? { vcpus: key(vcpus, 6) } : {},
    ...(typeof vcpus === 'number' ? { vcpus } : {}),
  });
}

function run(domains: DomainFacts[], version = '3.0.4'): RenderedFinding[] | Skip {
  return check.run(facts({ domains }), context(check, { xen: version, mode: 'lint' }));
}

t.test('range: up to and including 3.0.4 (and its packaged builds), not 3.0.5/3.1', async (t) => {
  t.equal(check.xen, '<=3.0.4');
  t.equal(check.severity, 'warning');
  for (const v of ['3.0.0', '3.0.2', '3.0.3', '3.0.4', '3.0.4+1']) t.ok(satisfiesXen(v, check.xen!), v);
  for (const v of ['3.0.5', '3.1.0', '4.17.4-pre']) t.notOk(satisfiesXen(v, check.xen!), v);
});

t.test('an HVM guest with vcpus > 1 is flagged at vcpus', async (t) => {
  const r = findings(run([guest('win', 'hvm', 2)]));
  t.equal(r.length, 1);
  t.match(r[0], { domain: 'win', key: 'vcpus', line: 6, column: 1, evidence: { vcpus: 2 } });
  t.match(r[0]?.message, /HVM guest with 2 vCPUs on Xen 3\.0\.4/);
});

t.test("a quoted vcpus = '4' is read too", async (t) => {
  t.equal(findings(run([guest('w', 'hvm', '4')])).length, 1);
});

t.test('one vCPU, no vcpus key, or a PV guest: nothing', async (t) => {
  t.strictSame(findings(run([guest('a', 'hvm', 1), guest('b', 'hvm'), guest('c', 'pv', 4)])), []);
  t.match(run([guest('c', 'pv', 4)]), { skip: /no HVM guests/ });
});

t.test('property: a finding exactly for HVM guests with more than one vCPU', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.record({ hvm: fc.boolean(), vcpus: fc.option(fc.integer({ min: 0, max: 128 }), { nil: undefined }) }), { minLength: 1, maxLength: 6 }), (gs) => {
      const domains = gs.map((g, i) => guest(`g${i}`, g.hvm ? 'hvm' : 'pv', g.vcpus));
      const r = run(domains);
      if (!gs.some((g) => g.hvm)) return !Array.isArray(r);
      const expected = domains.filter((d, i) => gs[i]!.hvm && (gs[i]!.vcpus ?? 1) > 1).map((d) => d.name);
      return Array.isArray(r) && JSON.stringify(r.map((f) => f.domain)) === JSON.stringify(expected);
    }),
  );
});
