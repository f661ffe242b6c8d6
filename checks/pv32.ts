/**
 * pv32: 32-bit PV guests on the Xen releases that dropped or stopped
 * security-supporting them.
 *
 * - `CONFIG_PV32` arrived in 4.14 (commit 68d757df8d, with `pv=no-32`), default y;
 *   from 4.16 its default follows PV_SHIM, so a default build has no 32-bit PV
 *   (commit 1a0f2fe229; RELEASE-4.16.0:xen/arch/x86/Kconfig). CET shadow stacks
 *   switch it off too (RELEASE-4.20.0:xen/arch/x86/setup.c). Only when it is on
 *   does `xen_caps` list `xen-3.0-x86_32p` (RELEASE-4.16.0:xen/arch/x86/setup.c).
 * - RELEASE-4.16.0:SUPPORT.md calls 32-bit PV outside the shim "Supported, not security
 *   supported" from 4.16.0 and in the backports to 4.13.4, 4.14.3 and 4.15.1
 *   (RELEASE-4.16.0:SUPPORT.md, RELEASE-4.14.3:SUPPORT.md).
 *
 * pv-abi-mismatch already fails a guest whose kernel's ELF notes (or annotation)
 * ask for an ABI xen_caps lacks; this check adds what that one cannot say: the
 * security-support status where 32-bit PV still runs, a kernel that its file name
 * marks 32-bit when its notes could not be read, and the 4.16+ build default when
 * xen_caps is not known (lint against --xen).
 */
import {
  type CheckContext,
  cmdlineValue,
  defineCheck,
  type DomainFacts,
  type Finding,
  firstKeyPlace,
  type HostSide,
  placed,
  satisfiesXen,
  shownVersion,
  type Skip,
  versionOf,
  xenLabel,
} from './api.js';

/** Releases whose support statement says 32-bit PV outside the shim is not security supported. */
export const NOT_SECURITY_SUPPORTED = '>=4.13.4 <4.14.0 || >=4.14.3 <4.15.0 || >=4.15.1';
/** Releases whose default build leaves 32-bit PV out. */
export const NOT_BUILT_BY_DEFAULT = '>=4.16.0';

const ABI_LABEL: Record<string, string> = {
  x86_32: '32-bit non-PAE',
  x86_32p: '32-bit PAE',
  'x86_32-bimodal': '32-bit bimodal',
};

/** Kernel file names Debian, Ubuntu, Red Hat and SUSE gave their 32-bit x86 kernels. */
const NAME_32BIT = /(?:^|[-_.])(?:i[3-6]86|686(?:-pae|-bigmem)?|pae|x86_32)(?:$|[-_.])/i;

type Bits32 = { abi: string; how: 'notes' | 'name' };

/** Whether the PV guest's kernel is 32-bit, and how that is known. */
export function thirtyTwoBit(d: DomainFacts): Bits32 | undefined {
  const k = d.kernel;
  if (!k) return undefined;
  if (k.abi !== undefined) return k.abi in ABI_LABEL ? { abi: k.abi, how: 'notes' } : undefined;
  const base = k.path.split('/').pop() ?? k.path;
  return NAME_32BIT.test(base) ? { abi: 'x86_32p', how: 'name' } : undefined;
}

function cause(facts: HostSide, version: string): string {
  const pv = cmdlineValue(facts.host?.commandline?.options ?? [], 'pv');
  if (pv !== undefined && /no-32|32=(0|no|off|false)/i.test(pv)) return `pv=${pv} on the Xen command line`;
  if (satisfiesXen(version, NOT_BUILT_BY_DEFAULT)) return 'a 4.16+ build without CONFIG_PV32 (the default outside the PV shim), or CET shadow stacks';
  return 'a build with CONFIG_PV32=n, pv=no-32, or CET shadow stacks';
}

const FIX =
  'Boot a 64-bit kernel in the guest, or run the 32-bit guest inside the PV shim (type = "pvh" with pvshim = 1), or convert it to HVM.';

function hostOnly(facts: HostSide, ctx: CheckContext): Finding[] | Skip {
  return versionOf(facts, ctx) === undefined ? { skip: 'Xen version unknown: pass --xen or --facts' } : [];
}

function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] | Skip {
  const version = versionOf(facts, ctx)!;
  const bits = d.type === 'pv' ? thirtyTwoBit(d) : undefined;
  if (!bits) return { skip: 'no 32-bit PV guest among the given configs (by kernel notes, annotation or kernel file name)' };
  const xen = xenLabel(shownVersion(facts, ctx));
  const caps = facts.host?.caps;
  const offered = caps?.some((c) => c.token === 'xen-3.0-x86_32p' || c.token === 'xen-3.0-x86_32');
  const findings: Finding[] = [];
  const place = firstKeyPlace(d, ['kernel', 'bootloader', 'name']);
  const kernel = d.kernel?.path ?? '';
  const abi = ABI_LABEL[bits.abi] ?? bits.abi;
  const evidence: Record<string, string | number | boolean> = { kernel, abi: bits.abi, known_from: bits.how === 'notes' ? `kernel ${d.kernel?.source ?? 'notes'}` : 'the kernel file name' };
  if (caps) evidence['xen_caps'] = caps.map((c) => c.token).join(' ');
  if (caps && !offered) {
    // With the ABI known, pv-abi-mismatch reports the refusal; a name alone is for this check to say.
    if (bits.how === 'name') {
      findings.push(placed(place, {
        severity: 'warning',
        unverified: true,
        messageId: 'not-offered',
        data: { guest: d.name, kernel, xen, cause: cause(facts, version) },
        remediation: FIX,
        evidence,
      }));
    }
    return findings;
  }
  if (caps && satisfiesXen(version, NOT_SECURITY_SUPPORTED)) {
    findings.push(placed(place, {
      messageId: 'not-security-supported',
      data: { guest: d.name, abi, xen },
      remediation: FIX,
      evidence,
      ...(bits.how === 'name' ? { unverified: true } : {}),
    }));
    return findings;
  }
  if (!caps && satisfiesXen(version, NOT_BUILT_BY_DEFAULT)) {
    findings.push(placed(place, {
      unverified: true,
      messageId: 'maybe-not-built',
      data: { guest: d.name, abi, xen },
      remediation: `Check that \`xl info\` lists xen-3.0-x86_32p in xen_caps on the target host (or lint with --facts from it). ${FIX}`,
      evidence,
    }));
  }
  return findings;
}

const check = defineCheck({
  id: 'pv32',
  title: '32-bit PV guests where Xen no longer builds or security-supports them',
  severity: 'warning',
  needs: ['domains'],
  xen: '>=4.13.4',
  messages: {
    'not-offered':
      '{{guest}}: kernel {{kernel}} is 32-bit by its name, and {{xen}} runs no 32-bit PV guests (xen_caps lacks xen-3.0-x86_32p: {{cause}})',
    'not-security-supported':
      '{{guest}}: {{abi}} PV guest on {{xen}}, where 32-bit PV outside the PV shim is "supported, not security supported" (the Xen support statement)',
    'maybe-not-built':
      '{{guest}}: {{abi}} PV guest for {{xen}}, whose default build has no 32-bit PV (CONFIG_PV32 is off outside the PV shim since 4.16)',
  },
  sources: [
    'RELEASE-4.14.0:xen/arch/x86/Kconfig (commit 68d757df8d: CONFIG_PV32, pv=no-32)',
    'RELEASE-4.16.0:xen/arch/x86/Kconfig (commit 1a0f2fe229: PV32 defaults to PV_SHIM)',
    'RELEASE-4.16.0:xen/arch/x86/setup.c (xen-3.0-x86_32p in xen_caps only when 32-bit PV is on)',
    'RELEASE-4.20.0:xen/arch/x86/setup.c ("Disabling PV32 due to CET")',
    'RELEASE-4.16.0:SUPPORT.md (x86/PV: "x86_32 without shim: Supported, not security supported"); backported in RELEASE-4.13.4, RELEASE-4.14.3 and RELEASE-4.15.1',
  ],
  hostOnly,
  perGuest,
});

export default check;
