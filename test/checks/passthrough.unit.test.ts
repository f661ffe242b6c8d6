import t from 'tap';
import builtin, { pciDevices } from '../../checks/passthrough.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { context, domainFromText, facts, host, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function guest(name: string, body: string): DomainFacts {
  return domainFromText(`name = "${name}"\n${body}`, 'xl', `/etc/xen/${name}.cfg`);
}

function result(domains: DomainFacts[], xen: string | undefined, virtCaps?: string[]) {
  const h = virtCaps ? host(xen, { virtCaps }) : undefined;
  return check.run(facts({ host: h, domains }), context(check, { xen }));
}

function run(domains: DomainFacts[], xen: string | undefined, virtCaps?: string[]): RenderedFinding[] {
  const r = result(domains, xen, virtCaps);
  if (!Array.isArray(r)) throw new Error(r.skip);
  return r;
}

const NO_IOMMU = ['pv', 'hvm', 'hap', 'shadow'];
const IOMMU = ['pv', 'hvm', 'hvm_directio', 'pv_directio', 'hap', 'shadow'];

t.test('pci devices: list, string, empty', async (t) => {
  t.same(pciDevices(guest('a', "pci = [ '01:00.0', '02:00.0,permissive=1' ]\n")), ['01:00.0', '02:00.0,permissive=1']);
  t.same(pciDevices(guest('a', "pci = '01:00.0'\n")), ['01:00.0']);
  t.same(pciDevices(guest('a', 'pci = [ ]\n')), []);
});

t.test('no IOMMU: HVM at every version, PV from 4.13', async (t) => {
  const hvm = guest('h', "type = \"hvm\"\npci = [ '01:00.0' ]\n");
  const pv = guest('p', "kernel = \"/boot/k\"\npci = [ '01:00.0' ]\n");
  const f = run([hvm], '4.17.0', NO_IOMMU);
  t.equal(f.length, 1);
  t.match(f[0], { key: 'pci', line: 3, severity: undefined });
  t.match(f[0]?.message, /no IOMMU for device assignment \(virt_caps "pv hvm hap shadow" has no hvm_directio\/pv_directio\): xl of Xen 4\.17\.0 stops with "passthrough not supported on this platform"/);
  t.match(run([hvm], '4.12.0', NO_IOMMU)[0]?.message, /assigning the device to the guest fails$/);
  t.same(run([pv], '4.12.0', NO_IOMMU), [], 'PV before 4.13: not judged');
  t.equal(run([pv], '4.13.0', NO_IOMMU).length, 1);
  t.same(run([hvm, pv], '4.17.0', IOMMU), []);
  t.same(run([hvm], '4.10.0', ['hvm', 'hvm_directio']), [], '4.10 prints only hvm_directio');
});

t.test('PoD with passthrough: boundaries 4.3 / 4.4 / 4.16 / 4.17', async (t) => {
  const g = guest('g', "type = \"hvm\"\nmemory = 4096\nmaxmem = 8192\npci = [ '01:00.0' ]\n");
  t.same(run([g], '4.3.0', IOMMU), [], 'before 4.4: unconfirmed');
  t.match(run([g], '4.4.0', IOMMU)[0]?.message, /stops with "PCI device assignment for HVM guest failed due to PoD enabled"/);
  t.match(run([g], '4.16.2', IOMMU)[0]?.message, /due to PoD enabled/);
  const f = run([g], '4.17.0', IOMMU);
  t.match(f[0], { key: 'maxmem', line: 4 });
  t.match(f[0]?.message, /HVM guest with maxmem 8192 MiB above memory 4096 MiB starts pre-ballooned .* "IOMMU required for device passthrough but not supported together with PoD"/);
  t.equal(run([guest('p', "type = \"pvh\"\nkernel = \"/boot/k\"\nmemory = 1024\nmaxmem = 2048\npci = [ '01:00.0' ]\n")], '4.17.0', IOMMU).length, 1, 'PVH too');
  t.same(run([guest('v', "kernel = \"/boot/k\"\nmemory = 1024\nmaxmem = 2048\npci = [ '01:00.0' ]\n")], '4.17.0', IOMMU), [], 'PV balloons, no PoD');
  t.match(run([g], undefined, IOMMU)[0]?.message, /xl \(4\.4 and later\) stops/);
});

t.test('skips that say what was not checked', async (t) => {
  const none = result([guest('w', 'memory = 1\n')], '4.17.0', IOMMU);
  t.match(Array.isArray(none) ? '' : none.skip, /no guest passes PCI devices through/);
  const unknown = result([guest('g', "type = \"hvm\"\npci = [ '01:00.0' ]\n")], '4.17.0');
  t.match(Array.isArray(unknown) ? '' : unknown.skip, /virt_caps unknown .* not for an IOMMU/);
  t.equal(run([guest('g', "type = \"hvm\"\nmemory = 1\nmaxmem = 2\npci = [ '01:00.0' ]\n")], '4.17.0').length, 1, 'the PoD rule needs no host facts');
});
