/**
 * bootloader: guests booted by pygrub, which reads guest-controlled data —
 * the guest's filesystem through libfsimage, and its grub configuration — in
 * dom0, as root unless told otherwise.
 *
 * - XSA-25 / CVE-2012-4544 (kernel and ramdisk sizes), XSA-198 (pygrub
 *   delimiter injection, fixed in 4.8), XSA-443 / CVE-2023-34325 (libfsimage,
 *   fixed in 4.18 together with restricted mode: `bootloader_restrict`,
 *   `bootloader_user`, RELEASE-4.18.0:docs/man/xl.cfg.5.pod.in).
 * - XSA-508: RELEASE-4.22.0:SUPPORT.md "### Pygrub: Supported, security supported only when
 *   run de-privileged" (RELEASE-4.22.0:SUPPORT.md; backported to 4.17.7,
 *   4.18.6, 4.19.6, 4.20.4, 4.21.2).
 * - 4.19 removed the /usr/bin/pygrub link: "VMs configured with
 *   bootloader="/usr/bin/pygrub" should be updated to just bootloader="pygrub""
 *   (RELEASE-4.22.0:CHANGELOG.md); libxl finds a bare name in its libexec
 *   directory (RELEASE-4.17.0:tools/libs/light/libxl_bootloader.c).
 * Alternatives: PV-GRUB (a stubdomain; not built by default from 4.16), or
 * PVH with the kernel given from dom0. A Xen statement recommending PVH grub2
 * is unconfirmed.
 */
import type { CheckContext, DomainFacts, Finding, HostSide } from './api.js';
import { defineCheck, satisfiesXen } from './api.js';
import { keyBoolean, keyPlace, keyText, placed, xenLabel } from './lib/guest.js';
import { type Reader, readerOf } from './lib/toolstack.js';

/** bootloader_restrict / bootloader_user (XSA-443 fix). */
export const RESTRICT_RANGE = '>=4.18.0';
/** /usr/bin/pygrub no longer installed. */
export const USR_BIN_GONE = '>=4.19.0';
/** Releases whose support statement says pygrub is security supported only de-privileged (XSA-508). */
export const XSA_508 = '>=4.22.0 || >=4.21.2 <4.22.0 || >=4.20.4 <4.21.0 || >=4.19.6 <4.20.0 || >=4.18.6 <4.19.0 || >=4.17.7 <4.18.0';

const XSAS = 'XSA-25, XSA-198, XSA-443';

export function isPygrub(value: string): boolean {
  return /(^|\/)pygrub$/.test(value.trim());
}

function restricted(d: DomainFacts): boolean {
  return keyBoolean(d, 'bootloader_restrict') === true || (keyText(d, 'bootloader_user') ?? '').trim() !== '';
}

function pathFinding(r: Reader, value: string, xen: string): Finding | undefined {
  if (value.trim() !== '/usr/bin/pygrub' || r.version === undefined || !satisfiesXen(r.version, USR_BIN_GONE)) return undefined;
  return placed(keyPlace(r.d, 'bootloader'), {
    severity: 'error',
    messageId: 'usr-bin-pygrub',
    data: { guest: r.d.name, xen },
    remediation: 'Write bootloader = "pygrub": libxl finds it in its own directory.',
    evidence: { bootloader: value, xen_version: r.version },
  });
}

function securityFinding(r: Reader, value: string, xen: string): Finding | undefined {
  const d = r.d;
  const canRestrict = r.choice.toolstack === 'xl' && (r.version === undefined || satisfiesXen(r.version, RESTRICT_RANGE));
  if (canRestrict && restricted(d)) return undefined;
  const xsa508 = r.version !== undefined && satisfiesXen(r.version, XSA_508);
  const data = { guest: d.name, xsas: XSAS, xsa508: xsa508 ? `, and ${xen}'s support statement gives pygrub security support only when run de-privileged (XSA-508)` : '' };
  if (canRestrict) {
    return placed(keyPlace(d, 'bootloader'), {
      severity: 'warning',
      messageId: 'unrestricted',
      data,
      remediation:
        'Set bootloader_restrict = 1 (or bootloader_user = "<a user for this guest only>"; LIBXL_BOOTLOADER_RESTRICT=1 in xl\'s environment does the same for every guest), ' +
        'or boot the guest without pygrub: PVH or PV with its kernel given from dom0 (kernel =, ramdisk =).',
      evidence: { bootloader: value, toolstack: 'xl', ...(r.version !== undefined ? { xen_version: r.version } : {}), 'xsa-508': xsa508 },
    });
  }
  return placed(keyPlace(d, 'bootloader'), {
    severity: xsa508 ? 'warning' : 'info',
    messageId: 'cannot-restrict',
    // Its members written out, not `{ ...data, toolstack }`: see placed (lib/guest.ts) for what a spread followed by members costs.
    data: { guest: data.guest, xsas: data.xsas, xsa508: data.xsa508, toolstack: r.choice.toolstack === 'xm' ? 'xend' : `xl of ${xen}` },
    remediation: 'Boot the guest without pygrub (its kernel given from dom0, or PV-GRUB), or upgrade to Xen 4.18 or later and set bootloader_restrict = 1.',
    evidence: { bootloader: value, toolstack: r.choice.toolstack, ...(r.version !== undefined ? { xen_version: r.version } : {}), 'xsa-508': xsa508 },
  });
}

function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] | { skip: string } {
  const value = keyText(d, 'bootloader');
  if (value === undefined || !isPygrub(value)) return { skip: 'no guest is booted by pygrub' };
  const r = readerOf(d, facts, ctx);
  const xen = xenLabel(r.shown);
  const out: Finding[] = [];
  for (const f of [pathFinding(r, value, xen), securityFinding(r, value, xen)]) if (f) out.push(f);
  return out;
}

const check = defineCheck({
  id: 'bootloader',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['bootloader'],
  title: 'Guests booted by pygrub: guest-controlled data parsed in dom0, unrestricted; /usr/bin/pygrub gone in 4.19',
  severity: 'warning',
  needs: ['domains'],
  messages: {
    'usr-bin-pygrub':
      '{{guest}}: bootloader = "/usr/bin/pygrub", but {{xen}} no longer installs /usr/bin/pygrub (removed in 4.19): unless your distribution puts it back, xl cannot run the boot loader and the guest does not start',
    unrestricted:
      "{{guest}}: pygrub reads the guest's disk — its filesystem and grub configuration, which whoever runs the guest controls — in dom0 ({{xsas}}) " +
      'and runs as root unless restricted; no bootloader_restrict or bootloader_user here{{xsa508}}',
    'cannot-restrict':
      "{{guest}}: pygrub reads the guest's disk — its filesystem and grub configuration, which whoever runs the guest controls — in dom0 ({{xsas}}), " +
      'as root: {{toolstack}} cannot run it de-privileged (bootloader_restrict came with 4.18){{xsa508}}',
  },
  sources: [
    'XSA-25 / CVE-2012-4544 (commits fdd0127ae2, 7ce4c76597, 127c78b8b7); XSA-198 (commit 27e14d346e, 4.8); XSA-443 / CVE-2023-34325 (commits e0342ae555, 1f762642d2, 9c114178ff, 4.18)',
    'RELEASE-4.18.0:docs/man/xl.cfg.5.pod.in — bootloader_restrict, bootloader_user; RELEASE-4.18.0:tools/libs/light/libxl_create.c — LIBXL_BOOTLOADER_RESTRICT / LIBXL_BOOTLOADER_USER',
    'RELEASE-4.22.0:SUPPORT.md — Pygrub: "security supported only when run de-privileged" (XSA-508, commit 75f920bd47; in 4.17.7, 4.18.6, 4.19.6, 4.20.4, 4.21.2)',
    'RELEASE-4.22.0:CHANGELOG.md — 4.19: /usr/bin/pygrub removed; 4.16: PV-GRUB stubdoms no longer built by default',
    'RELEASE-4.17.0:tools/libs/light/libxl_bootloader.c — a bare bootloader name is looked up in libxl\'s libexec directory first',
  ],
  perGuest,
});

export default check;
