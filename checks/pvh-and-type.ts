/**
 * pvh-and-type: how xl is told a guest's type, per release.
 *
 * - `pvh = 1` (PVHv1) was read by xl 4.4–4.8 only (RELEASE-4.4.0 … RELEASE-4.8.0:
 *   tools/libxl/xl_cmdimpl.c); 33e5c32559 removed it for 4.9. xl never warns
 *   about a key it does not read, so elsewhere the guest silently boots PV.
 * - `type = "hvm"|"pvh"` is read from 4.10 (c7dfe4ac58,
 *   RELEASE-4.10.0:tools/xl/xl_parse.c); before that xl ignores it and builds a
 *   PV guest, which an HVM install image cannot boot.
 * - `builder` that contradicts `type` (4.10+): xl exits with
 *   `Contradicting "builder" and "type" options specified.`; a `type` or `builder`
 *   xl does not know: "Invalid domain type".
 * - a PV guest booted from its own kernel on 4.10+, as info: PVH ("a
 *   next-generation paravirtualized mode designed to take advantage of hardware
 *   virtualization support", RELEASE-4.10.0:SUPPORT.md, Supported) may do.
 *
 * xl only: xm has no `type` or `pvh` (unknown-key reports them under xm).
 * These findings used to be unknown-key's; they live here now, once.
 */
import type { CheckContext, DomainFacts, Facts, Finding, HostSide } from './api.js';
import { defineCheck, satisfiesXen } from './api.js';
import { keyBoolean, keyPlace, keyText, placed, xenLabel } from './lib/guest.js';
import { type Reader, readerOf } from './lib/toolstack.js';

/** PVHv1: xl reads `pvh` (b5dda35f5a … 33e5c32559). */
export const PVH1_RANGE = '>=4.4.0 <4.9.0';
/** xl reads `type`, checks `builder` against it, and PVH domUs are supported (RELEASE-4.10.0:SUPPORT.md). */
export const TYPE_RANGE = '>=4.10.0';

type Kind = 'hvm' | 'pv' | 'pvh';

/** xl's prefix match (strncmp(buf, "hvm", strlen(buf))): "h" is hvm, "pv" is pv. */
export function xlType(value: string): Kind | undefined {
  const v = value;
  if (v === '') return undefined;
  if ('hvm'.startsWith(v)) return 'hvm';
  if ('pv'.startsWith(v)) return 'pv';
  if ('pvh'.startsWith(v)) return 'pvh';
  return undefined;
}

/** builder: "hvm" (prefix) is HVM, "generic" (prefix) is PV. */
export function xlBuilder(value: string): Kind | undefined {
  if (value === '') return undefined;
  if ('hvm'.startsWith(value)) return 'hvm';
  if ('generic'.startsWith(value)) return 'pv';
  return undefined;
}

function label(k: Kind): string {
  return k.toUpperCase();
}

function pvhKeyRule(r: Reader): Finding | undefined {
  const d = r.d;
  if (d.keys['pvh'] === undefined || keyBoolean(d, 'pvh') !== true) return undefined;
  const typeSet = keyText(d, 'type') !== undefined;
  const evidence = { pvh: 1, toolstack: r.choice.toolstack, ...(r.version !== undefined ? { xen_version: r.version } : {}) };
  if (r.version === undefined) {
    return placed(keyPlace(d, 'pvh'), {
      severity: 'info',
      messageId: 'pvh1-version-unknown',
      data: { guest: d.name, build: typeSet ? '' : ' and build the guest as PV' },
      remediation: 'On Xen 4.10 and later write type = "pvh" instead; pass --xen (or run on the host) so xenlint can tell which applies.',
      evidence,
    });
  }
  if (satisfiesXen(r.version, PVH1_RANGE)) return undefined;
  const newer = satisfiesXen(r.version, '>=4.9.0');
  if (typeSet && satisfiesXen(r.version, TYPE_RANGE)) {
    return placed(keyPlace(d, 'pvh'), {
      severity: 'info',
      messageId: 'pvh1-leftover',
      data: { guest: d.name, xen: xenLabel(r.shown) },
      remediation: 'Remove the pvh line.',
      evidence,
    });
  }
  return placed(keyPlace(d, 'pvh'), {
    severity: 'warning',
    messageId: 'pvh1-ignored',
    data: { guest: d.name, xen: xenLabel(r.shown), why: newer ? 'PVHv1 was removed in 4.9, 33e5c32559' : 'PVHv1 came with 4.4' },
    remediation: satisfiesXen(r.version, TYPE_RANGE)
      ? 'Write type = "pvh" instead (PVHv2; the guest kernel needs a PVH entry point), or remove the line to keep PV.'
      : newer
        ? 'Xen 4.9 has no PVH mode in xl; remove the line, or upgrade to 4.10 and write type = "pvh".'
        : 'Remove the line; PVH needs Xen 4.4–4.8 (pvh = 1) or 4.10 and later (type = "pvh").',
    evidence,
  });
}

function typeRules(r: Reader): Finding[] {
  const d = r.d;
  const typeText = keyText(d, 'type');
  const builderText = keyText(d, 'builder');
  if (r.version === undefined) return [];
  if (!satisfiesXen(r.version, TYPE_RANGE)) {
    if (typeText === undefined) return [];
    const t = xlType(typeText.toLowerCase());
    if (t === 'pv' || (t === 'hvm' && xlBuilder(builderText ?? 'x') === 'hvm')) return [];
    if (t === 'pvh' && keyBoolean(d, 'pvh') === true && satisfiesXen(r.version, PVH1_RANGE)) return [];
    return [
      placed(keyPlace(d, 'type'), {
        severity: 'error',
        messageId: 'type-ignored',
        data: { guest: d.name, xen: xenLabel(r.shown), type: typeText, hvm: t === 'hvm' ? ', which an HVM install or image cannot boot' : '' },
        remediation: satisfiesXen(r.version, PVH1_RANGE) && t === 'pvh'
          ? 'On this version write pvh = 1 for a PVH (v1) guest, or upgrade to Xen 4.10 and keep type = "pvh".'
          : t === 'pvh'
            ? 'Xen 4.9 has no PVH mode in xl: run the guest as PV or HVM, or upgrade to 4.10.'
            : 'On this version write builder = "hvm" for an HVM guest, or upgrade to Xen 4.10 or later.',
        evidence: { type: typeText, toolstack: 'xl', xen_version: r.version },
      }),
    ];
  }
  const out: Finding[] = [];
  const t = typeText !== undefined ? xlType(typeText.toLowerCase()) : undefined;
  if (typeText !== undefined && t === undefined) {
    out.push(placed(keyPlace(d, 'type'), {
      severity: 'error',
      messageId: 'unknown-type',
      data: { guest: d.name, type: typeText },
      remediation: 'Write type = "pv", "pvh" or "hvm".',
      evidence: { type: typeText, toolstack: 'xl', xen_version: r.version },
    }));
    return out;
  }
  if (builderText !== undefined) {
    const b = xlBuilder(builderText.toLowerCase());
    if (b === undefined) {
      out.push(placed(keyPlace(d, 'builder'), {
        severity: 'error',
        messageId: 'unknown-builder',
        data: { guest: d.name, builder: builderText },
        remediation: 'Remove builder and write type = "hvm" (or "pv", "pvh"); builder is deprecated since 4.10.',
        evidence: { builder: builderText, toolstack: 'xl', xen_version: r.version },
      }));
    } else if (t !== undefined && t !== b) {
      out.push(placed(keyPlace(d, 'builder'), {
        severity: 'error',
        messageId: 'builder-contradicts-type',
        data: { guest: d.name, builder: builderText, builderKind: label(b), type: typeText ?? '', typeKind: label(t) },
        remediation: 'Remove the builder line; type decides (builder is deprecated since 4.10).',
        evidence: { builder: builderText, type: typeText ?? "", toolstack: 'xl', xen_version: r.version },
      }));
    }
  }
  return out;
}

function hostRunsHvm(facts: Facts): boolean | undefined {
  const h = facts.host;
  if (h?.hvmAbis !== undefined) return h.hvmAbis.length > 0;
  if (h?.virtCaps !== undefined) return h.virtCaps.includes('hvm');
  return undefined;
}

function pvhWouldDo(r: Reader, facts: Facts): Finding | undefined {
  const d = r.d;
  if (r.version === undefined || !satisfiesXen(r.version, TYPE_RANGE)) return undefined;
  if (d.type !== 'pv' || d.keys['pvh'] !== undefined || d.bootloader !== undefined || d.keys['bootloader'] !== undefined) return undefined;
  if (keyText(d, 'kernel') === undefined || d.keys['pci'] !== undefined) return undefined;
  if (hostRunsHvm(facts) === false) return undefined;
  const kernel = keyText(d, 'kernel');
  return placed(keyPlace(d, d.keys['type'] !== undefined ? 'type' : 'kernel'), {
    severity: 'info',
    messageId: 'pvh-may-do',
    data: { guest: d.name, kernel: kernel ?? '', xen: xenLabel(r.shown) },
    remediation: 'If the kernel has a PVH entry point (ELF note XEN_ELFNOTE_PHYS32_ENTRY; see `readnotes`), try type = "pvh" on a test boot; keep PV otherwise.',
    evidence: { type: 'pv', kernel: kernel ?? '', xen_version: r.version },
  });
}

function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] | { skip: string } {
  const r = readerOf(d, facts, ctx);
  if (r.choice.toolstack !== 'xl') return { skip: 'no guest is read by xl (type, builder and pvh as judged here are xl\'s keys)' };
  const out: Finding[] = [];
  const p = pvhKeyRule(r);
  if (p) out.push(p);
  out.push(...typeRules(r));
  const hint = pvhWouldDo(r, facts);
  if (hint) out.push(hint);
  return out;
}

const check = defineCheck({
  id: 'pvh-and-type',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['type', 'pvh', 'builder', 'kernel'],
  title: 'pvh = 1 after 4.8, type = before 4.10, builder contradicting type, and PV guests where PVH may do',
  severity: 'error',
  needs: ['domains'],
  messages: {
    'pvh1-version-unknown': '{{guest}}: `pvh = 1` (PVHv1) is read only by xl of Xen 4.4–4.8; other versions ignore it{{build}}',
    'pvh1-leftover': "{{guest}}: `pvh = 1` is a PVHv1 leftover that xl of {{xen}} ignores; `type` decides the guest's type",
    'pvh1-ignored': '{{guest}}: xl of {{xen}} ignores `pvh = 1` without a word ({{why}}), so the guest boots as a PV guest',
    'type-ignored': '{{guest}}: xl of {{xen}} ignores `type = "{{type}}"` without a word (xl reads `type` from 4.10, c7dfe4ac58), so it builds the guest as PV{{hvm}}',
    'unknown-type': '{{guest}}: xl does not know `type = "{{type}}"`: it stops with "Invalid domain type {{type}}." and creates nothing',
    'unknown-builder': '{{guest}}: xl does not know `builder = "{{builder}}"`: it stops with "Invalid domain type {{builder}}." and creates nothing',
    'builder-contradicts-type':
      '{{guest}}: `builder = "{{builder}}"` ({{builderKind}}) contradicts `type = "{{type}}"` ({{typeKind}}): xl stops with `Contradicting "builder" and "type" options specified.` and creates nothing',
    'pvh-may-do':
      '{{guest}}: PV guest booted from {{kernel}}: on {{xen}} it may run as PVH (type = "pvh"), which Xen supports for guests since 4.10 and which uses the CPU\'s virtualisation support instead of paravirtualised page tables',
  },
  sources: [
    'RELEASE-4.4.0:tools/libxl/xl_cmdimpl.c … RELEASE-4.8.0:tools/libxl/xl_cmdimpl.c — `pvh` read (PVHv1); commit 33e5c32559 removed it for 4.9',
    'RELEASE-4.10.0:tools/xl/xl_parse.c — `type` (prefix match, "Invalid domain type"), `builder` ("Deprecated since Xen 4.10", `Contradicting "builder" and "type" options specified.`); commit c7dfe4ac58',
    'RELEASE-4.9.0:tools/xl/xl_parse.c — no `type`; `builder` prefix "hvm" only',
    'RELEASE-4.10.0:SUPPORT.md — x86/PVH guest: Supported; RELEASE-4.10.0:xen/include/public/elfnote.h — XEN_ELFNOTE_PHYS32_ENTRY',
    'RELEASE-4.17.0:docs/man/xl.cfg.5.pod.in — type (default PV on x86), "Deprecated guest type selection"',
  ],
  perGuest,
});

export default check;
