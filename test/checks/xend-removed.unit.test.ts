import t from 'tap';
import builtin from '../../checks/xend-removed.js';
import { isXmOnlyKey, xmOnlyKeys } from '../../checks/lib/xm-leftovers.js';
import { satisfiesXen } from '../../cli/model/xen-version.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { context, domainFromText, facts, xendConfig, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function run(domains: DomainFacts[], xen: string, xend?: Record<string, string>) {
  const r = check.run(facts({ domains, dom0: xend ? { xendConfig: xendConfig(xend, 10) } : undefined }), context(check, { xen, mode: 'lint' }));
  if (!Array.isArray(r)) throw new Error(r.skip);
  return r;
}

t.test('metadata: from 4.5', async (t) => {
  t.equal(check.severity, 'warning');
  t.notOk(satisfiesXen('4.4.4', check.xen!));
  t.ok(satisfiesXen('4.5.0', check.xen!));
});

t.test('xm-only keys: xl names are not, xm names are', async (t) => {
  t.ok(isXmOnlyKey('cpu_cap'));
  t.ok(isXmOnlyKey('on_xend_stop'));
  t.notOk(isXmOnlyKey('cap'));
  t.notOk(isXmOnlyKey('memory'), 'both toolstacks');
  t.notOk(isXmOnlyKey('memroy'), 'a typo is unknown-key\'s');
  t.notOk(isXmOnlyKey('OVM_x'), 'not an xl identifier');
  const d = domainFromText('name = "a"\nnics = 2\ncpu_cap = 5\n', 'xl');
  t.same(xmOnlyKeys(d).map((k) => [k.key, k.line]), [['nics', 2], ['cpu_cap', 3]]);
});

t.test('one finding per file, at the first xm statement, listing every option', async (t) => {
  const d = domainFromText('name = "a"\nmemory = 1\nvcpu_avail = 1\ncpu_cap = 5\n', 'xl', '/etc/xen/a.cfg');
  const f = run([d], '4.5.0');
  t.equal(f.length, 1);
  t.match(f[0], { line: 3, key: 'vcpu_avail', severity: 'warning', file: '/etc/xen/a.cfg' });
  t.match(f[0]?.message, /xl ignores its xm options `vcpu_avail`, `cpu_cap` without a word/);
  t.match(f[0]?.remediation, /vcpu_avail → vcpus .*; cpu_cap → cap/);
  t.same(run([domainFromText('name = "b"\ncap = 5\n', 'xl')], '4.17.0'), []);
});

t.test('Python: error at the first thing xl cannot read', async (t) => {
  const d = domainFromText('import os\nname = "p"\nmemory = 256 * 2\n', 'xm');
  const f = run([d], '4.17.0');
  t.equal(f.length, 1);
  t.equal(f[0]?.severity, 'error');
  t.equal(f[0]?.line, 1);
  t.match(f[0]?.message, /xl prints "Failed to parse config" and creates nothing/);
});

t.test('xend-config.sxp: nothing reads it; the settings that matter are named', async (t) => {
  const f = run([], '4.17.0', { 'xend-relocation-server': 'yes', 'vif-script': 'vif-bridge', logfile: '/var/log/xen/xend.log' });
  t.equal(f.length, 1);
  t.match(f[0], { file: '/etc/xen/xend-config.sxp', line: 10, severity: 'warning' });
  t.match(f[0]?.message, /so its xend-relocation-server, vif-script settings have no effect$/);
  t.match(f[0]?.remediation, /xend-relocation-server → xl migrate, which goes over ssh/);
  t.match(run([], '4.17.0', { logfile: 'x' })[0]?.message, /nothing reads it$/);
  const skip = check.run(facts({ domains: [] }), context(check, { xen: '4.17.0' }));
  t.match(Array.isArray(skip) ? '' : skip.skip, /no guest configs and no xend-config\.sxp/);
});
