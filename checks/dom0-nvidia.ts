/**
 * dom0-nvidia: NVIDIA's proprietary driver loaded in dom0. The field notes say it
 * needs a patch to work under Xen; Xen's history was not checked for when (or
 * whether) that stopped being true, so this is a warning on every version.
 */
import { defineCheck, loadedAmong } from './api.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';

const NVIDIA_MODULES = new Set(['nvidia', 'nvidia_drm', 'nvidia_modeset', 'nvidia_uvm']);

const check = defineCheck({
  id: 'dom0-nvidia',
  title: "NVIDIA's proprietary driver in dom0 needs a Xen patch",
  severity: 'warning',
  needs: ['dom0'],
  messages: {
    loaded:
      'NVIDIA driver loaded in dom0 ({{modules}}): under a Xen dom0 it needs a Xen-specific patch, and symbol errors on load were reported even with it',
  },
  sources: [
    `${XEN_LIMITATIONS}, "Xen Xserver video drivers" (the nVidia driver needs a patch to work with Xen)`,
  ],
  hostOnly(facts) {
    const modules = facts.dom0?.modules;
    if (!modules) return { skip: "dom0's loaded modules are unknown (/proc/modules was not read)" };
    const found = loadedAmong(modules, NVIDIA_MODULES);
    if (found.length === 0) return [];
    return [
      {
        messageId: 'loaded',
        data: { modules: found.join(', ') },
        key: 'module:nvidia',
        remediation:
          'Use the patched driver your distribution ships for Xen dom0, or the open-source nouveau/nv driver in dom0; keep a GPU for real work in an HVM guest with PCI passthrough instead.',
        evidence: { modules: found.join(' ') },
      },
    ];
  },
});

export default check;
