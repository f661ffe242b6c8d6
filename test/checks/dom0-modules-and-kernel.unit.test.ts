/**
 * dom0-kernel-patchlevel, dom0-nvidia and nested-virt-in-pv at their boundaries:
 * the last kernel each 3.0.x release shipped patches for and the first after it,
 * the versions on either side of the check's range, and the module names that
 * are and are not the products'. Stated finding by finding with the check tester.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { verifyCase, type CheckTestCase } from '../../checks/testing.js';
import kernelPatchlevel from '../../checks/dom0-kernel-patchlevel.js';
import nvidia from '../../checks/dom0-nvidia.js';
import nestedVirt from '../../checks/nested-virt-in-pv.js';
import type { Check } from '../../checks/api.js';
import { fromRoot } from '../helpers/paths.js';

const XM_304 = readFileSync(fromRoot('samples/info/xm-3.0.4-x86_64.txt'), 'utf8');

/** The 3.0.4 host's `xm info` with dom0 running `release`, judged as Xen `xen`. */
function host(release: string, xen: string): Pick<CheckTestCase, 'info' | 'xen'> {
  return { info: XM_304.replace(/^release\s*:.*$/m, `release                : ${release}`), xen };
}

function holds(t: { same(found: unknown, wanted: unknown, message: string): unknown }, check: Check, cases: CheckTestCase[]): void {
  for (const c of cases) t.same(verifyCase(check, c).problems, [], `${check.id}: ${c.name}`);
}

t.test('dom0-kernel-patchlevel: the shipped kernel passes, the next one is a forward port', async (t) => {
  const forwardPort = (release: string, xen: string, shipped: string) => ({
    messageId: 'forward-port',
    severity: 'info' as const,
    key: 'release',
    data: { release, xen, shipped },
  });
  holds(t, kernelPatchlevel, [
    { name: '3.0.3 on 2.6.16.29', ...host('2.6.16.29-xen', '3.0.3') },
    { name: '3.0.3 on 2.6.16.30', ...host('2.6.16.30-xen', '3.0.3'), findings: [forwardPort('2.6.16.30-xen', '3.0.3', '2.6.16.29')] },
    { name: '3.0.3 on 2.6.16 (older than shipped)', ...host('2.6.16-xen', '3.0.3') },
    { name: '3.0.4 on 2.6.16.33', ...host('2.6.16.33-xen', '3.0.4') },
    { name: '3.0.4 on 2.6.16.34', ...host('2.6.16.34-xen', '3.0.4'), findings: [forwardPort('2.6.16.34-xen', '3.0.4', '2.6.16.33')] },
    { name: '3.0.4 on 2.6.18', ...host('2.6.18-4-xen-amd64', '3.0.4'), findings: [forwardPort('2.6.18-4-xen-amd64', '3.0.4', '2.6.16.33')] },
    { name: '3.0.4-1, a point build of 3.0.4', ...host('2.6.18-4-xen-amd64', '3.0.4-1'), findings: [forwardPort('2.6.18-4-xen-amd64', '3.0.4', '2.6.16.33')] },
    { name: '3.0.2: before the range', ...host('2.6.18-4-xen-amd64', '3.0.2'), status: 'not-applicable', reason: /applies to Xen >=3\.0\.3 <3\.0\.5/ },
    { name: '3.1.0: after the range', ...host('2.6.18-4-xen-amd64', '3.1.0'), status: 'not-applicable' },
    { name: 'a release that is no version', ...host('custom-kernel', '3.0.4'), status: 'skipped', reason: /not a Linux version number/ },
  ]);
});

t.test('dom0-nvidia: any of the driver modules, on any Xen; other NVIDIA-named modules pass', async (t) => {
  const loaded = (modules: string) => ({ messageId: 'loaded', severity: 'warning' as const, key: 'module:nvidia', data: { modules } });
  holds(t, nvidia, [
    { name: 'nvidia on 3.0.4', dom0: { modules: ['nvidia', 'agpgart'] }, xen: '3.0.4', findings: [loaded('nvidia')] },
    { name: 'nvidia_drm and nvidia-modeset on 4.17', dom0: { modules: ['nvidia_drm', 'nvidia-modeset'] }, xen: '4.17.0', findings: [loaded('nvidia_drm, nvidia-modeset')] },
    { name: 'nvidiafb and nouveau are not the proprietary driver', dom0: { modules: ['nvidiafb', 'nouveau'] }, xen: '4.17.0' },
    { name: 'no modules read', dom0: {}, xen: '4.17.0', status: 'skipped', reason: /modules are unknown/ },
  ]);
});

t.test('nested-virt-in-pv: one finding per product, on any Xen', async (t) => {
  const loaded = (product: string, modules: string, key: string) => ({ messageId: 'loaded', severity: 'error' as const, key, data: { product, modules } });
  holds(t, nestedVirt, [
    { name: 'kvm and kvm_intel on 3.0.2', dom0: { modules: ['kvm_intel', 'kvm'] }, xen: '3.0.2', findings: [loaded('KVM', 'modules kvm_intel, kvm', 'module:kvm_intel')] },
    {
      name: 'VMware and VirtualBox on 4.17',
      dom0: { modules: ['vmmon', 'vboxdrv', 'vboxnetflt'] },
      xen: '4.17.0',
      findings: [loaded('VMware', 'module vmmon', 'module:vmmon'), loaded('VirtualBox', 'modules vboxdrv, vboxnetflt', 'module:vboxdrv')],
    },
    { name: 'kvm-amd written with a dash', dom0: { modules: ['kvm-amd'] }, xen: '4.17.0', findings: [loaded('KVM', 'module kvm-amd', 'module:kvm-amd')] },
    { name: 'xen modules only', dom0: { modules: ['xen_netback', 'xen_blkback', 'kvmfr'] }, xen: '4.17.0' },
    { name: 'no modules read', dom0: {}, xen: '4.17.0', status: 'skipped', reason: /modules are unknown/ },
  ]);
});
