/**
 * hvm-smp: HVM guests with more than one vCPU on Xen up to 3.0.4.
 *
 * The limit comes from the field notes ("SMP support for HVM guests in 3.0.4
 * is better … but I've yet to get SMP HVM guests working myself"); Xen's history
 * has no commit that dates reliable HVM SMP, so the 3.0.4 cut-off is the field
 * notes' and is unconfirmed in Xen's history. Hence a warning, not an error.
 */
import { defineCheck, keyInteger, keyPlace, otherType, placed, shownVersion, xenLabel } from './api.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';

const check = defineCheck({
  id: 'hvm-smp',
  title: 'HVM guests with more than one vCPU were unreliable up to Xen 3.0.4',
  severity: 'warning',
  needs: ['domains'],
  xen: '<=3.0.4',
  messages: {
    'smp-hvm': '{{guest}}: HVM guest with {{vcpus}} vCPUs on {{xen}}: SMP HVM guests were unreliable up to Xen 3.0.4',
  },
  sources: [
    `${XEN_LIMITATIONS}, "Xen HVM gotchas" (SMP HVM guests in 3.0.4)`,
    '3.0.4-branched:tools/python/xen/xm/create.py (vcpus option)',
  ],
  perGuest(d, host, ctx) {
    const other = otherType(d, ['hvm']);
    if (other) return other;
    const shown = shownVersion(host, ctx);
    const vcpus = d.vcpus ?? keyInteger(d, 'vcpus');
    if (vcpus === undefined || vcpus <= 1) return [];
    return [
      placed(keyPlace(d, 'vcpus'), {
        messageId: 'smp-hvm',
        data: { guest: d.name, vcpus, xen: xenLabel(shown) },
        remediation: 'Give the HVM guest vcpus = 1 on this Xen, or upgrade to Xen 3.1 or later; if you keep several vCPUs, test the guest under load before relying on it.',
        evidence: { vcpus, type: 'hvm', ...(shown !== undefined ? { xen_version: shown } : {}) },
      }),
    ];
  },
});

export default check;
