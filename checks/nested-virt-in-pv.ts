/**
 * nested-virt-in-pv: hypervisor modules (KVM, kqemu, VMware, VirtualBox) loaded in
 * dom0. dom0 is a PV guest running in ring 1 without VT-x/AMD-V exposed to it,
 * so another hypervisor cannot run there.
 */
import { defineCheck, type Finding, loadedAmong } from './api.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';

/** Module name -> the product it belongs to. */
const HYPERVISOR_MODULES = new Map<string, string>([
  ['kvm', 'KVM'],
  ['kvm_intel', 'KVM'],
  ['kvm_amd', 'KVM'],
  ['kqemu', 'QEMU accelerator (kqemu)'],
  ['vmmon', 'VMware'],
  ['vmnet', 'VMware'],
  ['vmci', 'VMware'],
  ['vboxdrv', 'VirtualBox'],
  ['vboxnetflt', 'VirtualBox'],
  ['vboxnetadp', 'VirtualBox'],
]);

const check = defineCheck({
  id: 'nested-virt-in-pv',
  title: 'No other hypervisor (KVM, kqemu, VMware, VirtualBox) can run in dom0, a PV guest in ring 1',
  severity: 'error',
  needs: ['dom0'],
  messages: {
    loaded: '{{product}} {{modules}} loaded in dom0: dom0 is a Xen PV guest running in ring 1, so {{product}} cannot run virtual machines there',
  },
  sources: [
    `${XEN_LIMITATIONS}, "Xen PVs run ring1, not ring0"`,
    'RELEASE-4.17.0:xen/arch/x86/setup.c arch_get_xen_caps(): HVM (hardware-assisted) support is a property of the hypervisor, advertised as hvm-* tokens in xen_caps; PV guests are not given VT-x/AMD-V',
  ],
  hostOnly(facts) {
    const modules = facts.dom0?.modules;
    if (!modules) return { skip: "dom0's loaded modules are unknown (/proc/modules was not read)" };
    const found = loadedAmong(modules, new Set(HYPERVISOR_MODULES.keys()));
    const byProduct = new Map<string, string[]>();
    for (const m of found) {
      const product = HYPERVISOR_MODULES.get(m.replace(/-/g, '_'))!;
      byProduct.set(product, [...(byProduct.get(product) ?? []), m]);
    }
    const findings: Finding[] = [];
    for (const [product, mods] of byProduct) {
      findings.push({
        messageId: 'loaded',
        data: { product, modules: `module${mods.length > 1 ? 's' : ''} ${mods.join(', ')}` },
        key: `module:${mods[0]}`,
        remediation: `Unload ${mods.join(', ')} and keep it from loading at boot (blacklist it in /etc/modprobe.d). Run ${product} guests on another host, or nested inside an HVM guest where the CPU features it needs are available.`,
        evidence: { modules: mods.join(' ') },
      });
    }
    return findings;
  },
});

export default check;
