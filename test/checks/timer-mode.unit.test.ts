import t from 'tap';
import builtin, { configuredMode, windowsHint } from '../../checks/timer-mode.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { satisfiesXen } from '../../cli/model/xen-version.js';
import { context, domainFromText, facts, host, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function g(name: string, body: string, dialect: 'xl' | 'xm' = 'xl'): DomainFacts {
  return domainFromText(`name = "${name}"\n${body}`, dialect, `/etc/xen/${name}.cfg`);
}

function run(domains: DomainFacts[], xen: string, toolstack: 'xl' | 'xm'): RenderedFinding[] {
  const r = check.run(facts({ host: host(xen, { toolstack }), domains }), context(check, { xen }));
  if (!Array.isArray(r)) throw new Error(r.skip);
  return r;
}

const XM = "builder = 'hvm'\nkernel = '/usr/lib/xen/boot/hvmloader'\nvcpus = 2\n";

t.test('range and metadata', async (t) => {
  t.equal(check.severity, 'warning');
  t.notOk(satisfiesXen('3.1.4', check.xen!));
  t.ok(satisfiesXen('3.2.0', check.xen!));
});

t.test('Windows by viridian or by name; timer modes by number or name', async (t) => {
  t.equal(windowsHint(g('db', 'viridian = 1\n')), 'viridian is on');
  t.equal(windowsHint(g('w2k8-sql', '')), 'its name "w2k8-sql"');
  t.equal(windowsHint(g('winxp', '')), 'its name "winxp"');
  t.equal(windowsHint(g('darwin', '')), undefined, 'not a word boundary');
  t.equal(windowsHint(g('web', '')), undefined);
  t.equal(configuredMode(g('a', 'timer_mode = "delay_for_missed_ticks"\n')), 0);
  t.equal(configuredMode(g('a', 'timer_mode = 1\n')), 1);
  t.equal(configuredMode(g('a', '')), undefined);
});

t.test('xm default: 3.2 and 3.3 are 0, 3.4 is 1', async (t) => {
  const w = g('win2k3', XM, 'xm');
  const f = run([w], '3.2.0', 'xm');
  t.equal(f.length, 1);
  t.match(f[0], { key: 'timer_mode', line: 2, severity: 'warning' });
  t.match(f[0]?.message, /SMP Windows HVM guest \(2 vCPUs; Windows by its name "win2k3"\) on timer mode 0 \(delay_for_missed_ticks\), xm\/xend of Xen 3\.2\.0's default/);
  t.equal(run([w], '3.3.2', 'xm').length, 1);
  t.same(run([w], '3.4.0', 'xm'), []);
  t.same(run([g('win2k3', `${XM}timer_mode = 1\n`, 'xm')], '3.3.0', 'xm'), []);
});

t.test('xl default: 4.0.0 only', async (t) => {
  const w = g('w', 'type = "hvm"\nvcpus = 2\nviridian = 1\n');
  t.equal(run([w], '4.0.0', 'xl').length, 1);
  t.same(run([w], '4.0.1', 'xl'), []);
  t.same(run([w], '4.0.0', 'xm'), [], 'xend on 4.0 defaults to 1');
});

t.test('explicit 0 on any version; uniprocessor and non-Windows pass', async (t) => {
  const f = run([g('w', 'type = "hvm"\nvcpus = 4\nviridian = 1\ntimer_mode = 0\n')], '4.17.0', 'xl');
  t.match(f[0], { key: 'timer_mode', line: 5 });
  t.match(f[0]?.message, /set in the config/);
  t.match(f[0]?.remediation, /no_delay_for_missed_ticks/);
  const up = check.run(facts({ domains: [g('w', 'type = "hvm"\nvcpus = 1\nviridian = 1\ntimer_mode = 0\n')] }), context(check, { xen: '4.17.0' }));
  t.match(Array.isArray(up) ? '' : up.skip, /no SMP HVM guest/, 'a uniprocessor guest: nothing to judge, said so');
  t.same(run([g('lnx', 'type = "hvm"\nvcpus = 4\ntimer_mode = 0\n')], '4.17.0', 'xl'), []);
  t.equal(run([g('w', 'type = "hvm"\nvcpus = 1\nmaxvcpus = 4\nviridian = 1\ntimer_mode = 0\n')], '4.17.0', 'xl').length, 1, 'maxvcpus counts');
});
