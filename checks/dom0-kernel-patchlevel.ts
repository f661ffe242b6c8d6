/**
 * dom0-kernel-patchlevel: Xen 3.0.3 and 3.0.4 shipped Linux patches for one
 * kernel each (2.6.16.29 and 2.6.16.33). A dom0 kernel newer than that is a
 * distribution's forward port: supported by the distribution, not by Xen.
 */
import { compareReleases, defineCheck, dom0Release, hostPlace, placed, releaseNumbers, satisfiesXen } from './api.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';

const SHIPPED: Array<{ range: string; label: string; kernel: string }> = [
  { range: '>=3.0.3 <3.0.4', label: '3.0.3', kernel: '2.6.16.29' },
  { range: '>=3.0.4 <3.0.5', label: '3.0.4', kernel: '2.6.16.33' },
];

const check = defineCheck({
  id: 'dom0-kernel-patchlevel',
  title: 'dom0 kernel newer than the one Xen 3.0.3/3.0.4 shipped patches for',
  severity: 'info',
  needs: ['host'],
  xen: '>=3.0.3 <3.0.5',
  messages: {
    'forward-port':
      "dom0 runs Linux {{release}} on Xen {{xen}}, which shipped patches for {{shipped}}: this is a distribution-patched kernel, supported by the distribution rather than by Xen's developers",
  },
  sources: [
    `${XEN_LIMITATIONS}, "Xen supported kernels" (3.0.3 ships patches for 2.6.16.29, 3.0.4 for 2.6.16.33)`,
  ],
  hostOnly(facts, ctx) {
    const release = dom0Release(facts);
    if (!release) return { skip: "dom0's kernel release is unknown (no `release` in xl/xm info, /proc/sys/kernel/osrelease not read)" };
    const version = ctx.xenVersion!;
    const shipped = SHIPPED.find((s) => satisfiesXen(version, s.range));
    if (!shipped) return [];
    const running = releaseNumbers(release);
    if (!running) return { skip: `dom0's kernel release "${release}" is not a Linux version number` };
    if (compareReleases(running, releaseNumbers(shipped.kernel)!) <= 0) return [];
    return [
      placed(hostPlace(facts, 'release'), {
        key: 'release',
        messageId: 'forward-port',
        data: { release, xen: shipped.label, shipped: shipped.kernel },
        remediation: `Take fixes and drivers from your distribution's kernel updates; a driver from a newer kernel needs a backport to ${shipped.kernel} if you move to Xen's own kernel.`,
        evidence: { release, xen_version: version, shipped_kernel: shipped.kernel },
      }),
    ];
  },
});

export default check;
