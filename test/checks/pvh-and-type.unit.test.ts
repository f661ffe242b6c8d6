import t from 'tap';
import fc from 'fast-check';
import builtin, { xlBuilder, xlType } from '../../checks/pvh-and-type.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { context, domainFromText, facts, host, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function guest(name: string, body: string, dialect: 'xl' | 'xm' = 'xl'): DomainFacts {
  return domainFromText(`name = "${name}"\n${body}`, dialect, `/etc/xen/${name}.cfg`);
}

function run(domains: DomainFacts[], xen: string | undefined, hostCaps?: string): RenderedFinding[] {
  const h = hostCaps !== undefined ? host(xen, { xenCaps: hostCaps }) : undefined;
  const r = check.run(facts({ host: h, domains }), context(check, { xen, mode: 'lint' }));
  if (!Array.isArray(r)) throw new Error(`skipped: ${r.skip}`);
  return r;
}

t.test('xl prefix matching', async (t) => {
  t.equal(xlType('h'), 'hvm');
  t.equal(xlType('pv'), 'pv');
  t.equal(xlType('p'), 'pv', '"p" is a prefix of "pv" first');
  t.equal(xlType('pvh'), 'pvh');
  t.equal(xlType('hvmx'), undefined);
  t.equal(xlBuilder('gen'), 'pv');
  t.equal(xlBuilder('vmx'), undefined);
  fc.assert(fc.property(fc.string(), (s) => [undefined, 'hvm', 'pv', 'pvh'].includes(xlType(s))));
});

t.test('pvh = 1: fine on 4.4–4.8, ignored before and after', async (t) => {
  const g = guest('h', 'pvh = 1\nkernel = "/boot/k"\n');
  t.equal(run([g], '4.3.4')[0]?.severity, 'warning');
  t.match(run([g], '4.3.4')[0]?.message, /PVHv1 came with 4\.4/);
  t.same(run([g], '4.4.0'), []);
  t.same(run([g], '4.8.5'), []);
  const f49 = run([g], '4.9.0');
  t.equal(f49.length, 1);
  t.match(f49[0]?.message, /xl of Xen 4\.9\.0 ignores `pvh = 1` without a word \(PVHv1 was removed in 4\.9, 33e5c32559\), so the guest boots as a PV guest/);
  t.match(f49[0]?.remediation, /Xen 4\.9 has no PVH mode in xl/);
  t.match(run([g], '4.10.0').find((f) => f.key === 'pvh')?.remediation, /type = "pvh"/);
  t.equal(run([g], undefined)[0]?.severity, 'info');
  const leftover = run([guest('h', 'type = "pvh"\npvh = 1\nkernel = "/boot/k"\n')], '4.17.0');
  t.same(leftover.map((f) => [f.key, f.severity]), [['pvh', 'info']]);
  t.same(run([guest('h', 'pvh = 0\nkernel = "/boot/k"\n')], '4.17.0').filter((f) => f.key === 'pvh'), []);
});

t.test('type before 4.10: built as PV', async (t) => {
  const hvm = guest('w', 'type = "hvm"\nmemory = 4096\n');
  const f = run([hvm], '4.9.0');
  t.equal(f.length, 1);
  t.equal(f[0]?.severity, 'error');
  t.equal(f[0]?.line, 2);
  t.match(f[0]?.message, /ignores `type = "hvm"` without a word \(xl reads `type` from 4\.10, c7dfe4ac58\), so it builds the guest as PV, which an HVM install or image cannot boot/);
  t.match(f[0]?.remediation, /builder = "hvm"/);
  t.same(run([hvm], '4.10.0'), []);
  t.same(run([guest('w', 'type = "hvm"\nbuilder = "hvm"\n')], '4.9.0'), [], 'builder makes it HVM anyway');
  t.same(run([guest('p', 'type = "pv"\nkernel = "/boot/k"\n')], '4.9.0'), []);
  t.same(run([guest('v', 'type = "pvh"\npvh = 1\nkernel = "/boot/k"\n')], '4.8.0'), [], 'pvh = 1 makes it PVHv1 on 4.8');
  t.match(run([guest('v', 'type = "pvh"\nkernel = "/boot/k"\n')], '4.8.0')[0]?.remediation, /write pvh = 1/);
  t.same(run([hvm], undefined), [], 'version unknown: not judged');
});

t.test('builder against type, unknown values (4.10+)', async (t) => {
  const c = run([guest('c', 'type = "pvh"\nbuilder = "hvm"\nkernel = "/boot/k"\n')], '4.17.0');
  t.equal(c.length, 1);
  t.equal(c[0]?.key, 'builder');
  t.match(c[0]?.message, /`builder = "hvm"` \(HVM\) contradicts `type = "pvh"` \(PVH\): xl stops with `Contradicting "builder" and "type" options specified\.`/);
  t.same(run([guest('a', 'type = "hvm"\nbuilder = "hvm"\n')], '4.17.0'), [], 'agreeing');
  t.same(run([guest('a', 'type = "pv"\nbuilder = "generic"\nbootloader = "pygrub"\n')], '4.17.0'), []);
  t.equal(run([guest('a', 'type = "hvm"\nbuilder = "generic"\n')], '4.17.0')[0]?.key, 'builder');
  t.match(run([guest('a', 'type = "xen"\n')], '4.17.0')[0]?.message, /Invalid domain type xen\./);
  t.match(run([guest('a', 'builder = "vmx"\n')], '4.17.0')[0]?.message, /`builder = "vmx"`: it stops with "Invalid domain type vmx\."/);
});

t.test('PVH may do: info for direct-kernel PV guests on 4.10+', async (t) => {
  const pv = guest('web', 'kernel = "/boot/vmlinuz-6.1.0-21-amd64"\nmemory = 1024\n');
  t.same(run([pv], '4.9.0'), []);
  const f = run([pv], '4.10.0');
  t.equal(f.length, 1);
  t.equal(f[0]?.severity, 'info');
  t.equal(f[0]?.key, 'kernel');
  t.match(f[0]?.message, /PV guest booted from \/boot\/vmlinuz-6\.1\.0-21-amd64: on Xen 4\.10\.0 it may run as PVH/);
  t.same(run([guest('b', 'bootloader = "pygrub"\n')], '4.17.0'), [], 'bootloader guests: not suggested');
  t.same(run([guest('p', 'kernel = "/boot/k"\npci = [ "01:00.0" ]\n')], '4.17.0'), [], 'passthrough guests: not suggested');
  t.same(run([pv], '4.17.0', 'xen-3.0-x86_64'), [], 'a host without HVM support');
  t.equal(run([pv], '4.17.0', 'xen-3.0-x86_64 hvm-3.0-x86_64').length, 1);
});

t.test('xm configs are unknown-key\'s; no xl reader is a skip', async (t) => {
  const r = check.run(facts({ domains: [guest('m', "type = 'hvm'\n", 'xm')] }), context(check, { xen: '4.4.0', mode: 'lint' }));
  t.match(Array.isArray(r) ? '' : r.skip, /no guest is read by xl/);
});
