import t from 'tap';
import fc from 'fast-check';
import builtin, { localOnlyPatterns, relocationSignal } from '../../checks/hvm-save-migrate.js';
import type { Skip } from '../../checks/api.js';
import type { Dom0Facts, DomainFacts, KeyFact } from '../../cli/model/facts.js';
import { context, domain, facts, findings, key, xendConfig, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function guest(name: string, type: DomainFacts['type'], keys: Record<string, KeyFact> = {}): DomainFacts {
  return domain(name, { type, keys });
}

const suspend: Record<string, KeyFact> = { on_xend_stop: key('suspend', 14) };

const xend = (values: Record<string, string>): Dom0Facts => ({ xendConfig: xendConfig(values, 40) });

function run(domains: DomainFacts[], dom0?: Dom0Facts, version = '3.0.4'): RenderedFinding[] | Skip {
  return check.run(facts({ domains, dom0 }), context(check, { xen: version }));
}

t.test('the check is bounded to Xen before 3.1', async (t) => {
  t.equal(check.xen, '<3.1.0');
  t.equal(check.severity, 'error');
});

t.test("on_xend_stop = 'suspend' on an HVM guest is an error at that key", async (t) => {
  const r = findings(run([guest('win2k3', 'hvm', suspend)]));
  t.equal(r.length, 1);
  t.match(r[0], { domain: 'win2k3', key: 'on_xend_stop', line: 14, column: 1, file: '/etc/xen/win2k3.cfg' });
  t.match(r[0]?.message, /Xen 3\.0\.4 cannot save HVM guests/);
  t.notOk(r[0]?.severity, 'takes the check severity (error)');
});

t.test('case and blanks in the value do not matter; other values and PV guests pass', async (t) => {
  t.equal(findings(run([guest('a', 'hvm', { on_xend_stop: { value: ' Suspend ', line: 3, column: 1 } })])).length, 1);
  for (const value of ['shutdown', 'ignore']) {
    t.strictSame(findings(run([guest('a', 'hvm', { on_xend_stop: { value, line: 3, column: 1 } })])), [], value);
  }
  t.match(run([guest('pv', 'pv', suspend)]), { skip: /no HVM guests/ });
  t.strictSame(findings(run([guest('pv', 'pv', suspend), guest('hvm', 'hvm')])), []);
});

t.test('a relocation server open to other hosts is a host-level warning naming the HVM guests', async (t) => {
  const dom0 = xend({ 'xend-relocation-server': 'yes', 'xend-relocation-hosts-allow': '^10\\.0\\.0\\.[0-9]+$' });
  const r = findings(run([guest('a', 'hvm'), guest('b', 'hvm'), guest('p', 'pv')], dom0));
  t.equal(r.length, 1);
  t.match(r[0], { file: '/etc/xen/xend-config.sxp', line: 40, severity: 'warning', key: 'xend-relocation-server' });
  t.match(r[0]?.message, /a and b would fail to migrate/);
  t.notMatch(r[0]?.message, /\bp\b would/);
  const open = findings(run([guest('a', 'hvm')], xend({ 'xend-relocation-server': 'yes', 'xend-relocation-hosts-allow': "''" })));
  t.match(open[0]?.message, /set up for migrations \(xend-relocation-server yes\)/);
  t.notMatch(open[0]?.message, /every host/, 'who may connect is xend-open-services\' finding');
  const noAllowKey = findings(run([guest('a', 'hvm')], xend({ 'xend-relocation-server': 'yes' })));
  t.equal(noAllowKey.length, 1);
});

t.test("the example file's localhost-only relocation server is not a migration plan", async (t) => {
  const shipped = [
    "^localhost$ ^localhost\\\\.localdomain$",
    '^localhost$ ^localhost\\.localdomain$',
    "'^localhost$ ^localhost\\.localdomain$'",
    '^localhost$',
  ];
  for (const allow of shipped) {
    t.strictSame(findings(run([guest('a', 'hvm')], xend({ 'xend-relocation-server': 'yes', 'xend-relocation-hosts-allow': allow }))), [], allow);
  }
  t.strictSame(findings(run([guest('a', 'hvm')], xend({ 'xend-relocation-server': 'yes', 'xend-relocation-address': '127.0.0.1' }))), []);
  t.strictSame(findings(run([guest('a', 'hvm')], xend({ 'xend-relocation-server': 'no' }))), []);
  t.strictSame(findings(run([guest('a', 'hvm')], xend({}))), []);
  t.strictSame(findings(run([guest('a', 'hvm')], {})), []);
});

t.test('both signals together give two findings', async (t) => {
  const r = findings(run([guest('w', 'hvm', suspend)], xend({ 'xend-relocation-server': 'yes' })));
  t.equal(r.length, 2);
});

t.test('relocationSignal reads yes/true/1 and quotes', async (t) => {
  for (const v of ['yes', "'yes'", 'YES', 'true', '1']) t.ok(relocationSignal(facts({ dom0: xend({ 'xend-relocation-server': v }) })), v);
});

t.test('property: localOnlyPatterns is true only when every pattern names the local host', async (t) => {
  const local = fc.constantFrom('^localhost$', 'localhost', '^localhost\\.localdomain$', '^localhost\\\\.localdomain$', '127.0.0.1', '^127\\.0\\.0\\.1$');
  const remote = fc.constantFrom('^10\\.0\\.0\\.[0-9]+$', 'xen2.example.com', '^.*$', '192.0.2.7');
  fc.assert(fc.property(fc.array(local, { minLength: 1, maxLength: 4 }), (ps) => localOnlyPatterns(ps.join(' '))));
  fc.assert(fc.property(fc.array(local, { maxLength: 3 }), remote, fc.array(local, { maxLength: 3 }), (a, r, b) => !localOnlyPatterns([...a, r, ...b].join(' '))));
  t.notOk(localOnlyPatterns(''), 'empty = every host');
});
