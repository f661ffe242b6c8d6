import t from 'tap';
import builtin, { XSA_508, isPygrub } from '../../checks/bootloader.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { satisfiesXen } from '../../cli/model/xen-version.js';
import { context, domainFromText, facts, host, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function g(body: string, dialect: 'xl' | 'xm' = 'xl'): DomainFacts {
  return domainFromText(`name = "g"\n${body}`, dialect, '/etc/xen/g.cfg');
}

function run(domains: DomainFacts[], xen: string | undefined, toolstack: 'xl' | 'xm' = 'xl'): RenderedFinding[] {
  const r = check.run(facts({ host: host(xen, { toolstack }), domains }), context(check, { xen }));
  if (!Array.isArray(r)) throw new Error(r.skip);
  return r;
}

t.test('pygrub by any path', async (t) => {
  for (const v of ['pygrub', '/usr/bin/pygrub', '/usr/lib/xen-4.17/bin/pygrub']) t.ok(isPygrub(v), v);
  for (const v of ['/usr/lib/xen/boot/pv-grub-x86_64.gz', 'pygrub2', '/usr/bin/pvgrub']) t.notOk(isPygrub(v), v);
});

t.test('XSA-508 point releases', async (t) => {
  for (const v of ['4.17.7', '4.18.6', '4.19.6', '4.20.4', '4.21.2', '4.22.0', '4.23.1']) t.ok(satisfiesXen(v, XSA_508), v);
  for (const v of ['4.17.6', '4.18.5', '4.19.5', '4.20.3', '4.21.1', '4.16.9']) t.notOk(satisfiesXen(v, XSA_508), v);
});

t.test('/usr/bin/pygrub: 4.18 / 4.19', async (t) => {
  const u = g('bootloader = "/usr/bin/pygrub"\nbootloader_restrict = 1\n');
  t.same(run([u], '4.18.0'), []);
  const f = run([u], '4.19.0');
  t.equal(f.length, 1);
  t.match(f[0], { severity: 'error', key: 'bootloader', line: 2 });
  t.match(f[0]?.message, /no longer installs \/usr\/bin\/pygrub \(removed in 4\.19\)/);
  t.match(f[0]?.remediation, /bootloader = "pygrub"/);
});

t.test('restriction: 4.17 / 4.18, user or restrict', async (t) => {
  const p = g('bootloader = "pygrub"\n');
  t.match(run([p], '4.17.0')[0], { severity: 'info' });
  t.match(run([p], '4.17.0')[0]?.message, /cannot run it de-privileged \(bootloader_restrict came with 4\.18\)$/);
  t.match(run([p], '4.17.7')[0], { severity: 'warning' });
  t.match(run([p], '4.17.7')[0]?.message, /security support only when run de-privileged \(XSA-508\)/);
  const w = run([p], '4.18.0');
  t.match(w[0], { severity: 'warning' });
  t.match(w[0]?.message, /no bootloader_restrict or bootloader_user here$/);
  t.match(run([p], '4.18.6')[0]?.message, /XSA-508/);
  t.same(run([g('bootloader = "pygrub"\nbootloader_restrict = 1\n')], '4.18.0'), []);
  t.same(run([g('bootloader = "pygrub"\nbootloader_user = "pyg-g"\n')], '4.20.0'), []);
  t.match(run([g('bootloader = "pygrub"\nbootloader_restrict = 1\n')], '4.17.0')[0], { severity: 'info' }, 'restrict is not read before 4.18');
  t.match(run([g("bootloader = '/usr/bin/pygrub'\n", 'xm')], '4.4.0', 'xm')[0]?.message, /xend cannot run it de-privileged/);
});

t.test('no pygrub: skipped with the reason', async (t) => {
  const r = check.run(facts({ domains: [g('kernel = "/boot/k"\n')] }), context(check, { xen: '4.17.0' }));
  t.match(Array.isArray(r) ? '' : r.skip, /no guest is booted by pygrub/);
});
