import t from 'tap';
import builtin, { openRelocation } from '../../checks/xend-open-services.js';
import { satisfiesXen } from '../../cli/model/xen-version.js';
import { context, facts, xendConfig, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function run(values: Record<string, string>) {
  const r = check.run(facts({ dom0: { xendConfig: xendConfig(values, 60) } }), context(check, { xen: '4.4.0' }));
  if (!Array.isArray(r)) throw new Error(r.skip);
  return r;
}

t.test('metadata: error, before 4.5, needs dom0', async (t) => {
  t.equal(check.severity, 'error');
  t.same(check.needs, ['dom0']);
  t.ok(satisfiesXen('4.4.4', check.xen!));
  t.notOk(satisfiesXen('4.5.0', check.xen!), 'xend removed in 4.5');
});

t.test('relocation: open to every host, or on every interface behind a name check', async (t) => {
  t.same(openRelocation(xendConfig({ 'xend-relocation-server': 'yes' }, 1)), { listen: '', allow: '', why: 'every-host' });
  t.equal(openRelocation(xendConfig({ 'xend-relocation-server': 'no' }, 1)), undefined);
  t.equal(openRelocation(xendConfig({}, 1)), undefined, "code default 'no'");
  t.equal(openRelocation(xendConfig({ 'xend-relocation-server': 'yes', 'xend-relocation-address': "'localhost'" }, 1)), undefined);
  t.equal(openRelocation(xendConfig({ 'xend-relocation-server': 'yes', 'xend-relocation-address': '10.0.0.5', 'xend-relocation-hosts-allow': '^peer$' }, 1)), undefined, 'bound and restricted');
  t.equal(openRelocation(xendConfig({ 'xend-relocation-server': 'yes', 'xend-relocation-address': '10.0.0.5' }, 1))?.why, 'every-host', 'bound but open to every host');
  t.equal(openRelocation(xendConfig({ 'xend-relocation-server': 'yes', 'xend-relocation-hosts-allow': "'^localhost$'" }, 1))?.why, 'every-interface');
  for (const v of ['y', 'on', 'TRUE', 't', '1', "'yes'"]) t.ok(openRelocation(xendConfig({ 'xend-relocation-server': v }, 1)), v);
  const f = run({ 'xend-relocation-server': 'yes', 'xend-relocation-hosts-allow': "''", 'xend-relocation-port': '8102' });
  t.equal(f.length, 1);
  t.match(f[0], { file: '/etc/xen/xend-config.sxp', line: 60, column: 1, key: 'xend-relocation-server' });
  t.match(f[0]?.message, /listens on every interface, port 8102, with xend-relocation-hosts-allow '', which allows every host/);
});

t.test('HTTP and TCP XML-RPC servers', async (t) => {
  t.match(run({ 'xend-http-server': 'yes' })[0]?.message, /HTTP server is on and listens on every interface, port 8000/);
  t.same(run({ 'xend-http-server': 'yes', 'xend-address': 'localhost' }), []);
  t.same(run({ 'xend-tcp-xmlrpc-server': 'yes' }), [], "its default address is 'localhost'");
  const x = run({ 'xend-tcp-xmlrpc-server': 'yes', 'xend-tcp-xmlrpc-server-address': "''" });
  t.equal(x[0]?.key, 'xend-tcp-xmlrpc-server-address');
  t.same(run({}), [], 'every server off by default');
});

t.test('a switch xend cannot read is a warning', async (t) => {
  const f = run({ 'xend-http-server': 'maybe' });
  t.equal(f[0]?.severity, 'warning');
  t.match(f[0]?.message, /expected bool/);
});
