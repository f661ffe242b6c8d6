/**
 * emulated-nic: HVM network interfaces that only qemu-dm's emulation serves.
 *
 * - e1000/e100 before 3.3: qemu-dm gained them in 3.3 (65ad78dff2); before,
 *   the model does not exist and the device model refuses it. Error.
 * - 3.0.2/3.0.3: an HVM vif gets an emulated NIC only with `type=ioemu`
 *   (image.py@3.0.3-branched; default from 3.0.4, 7dc9afed06). Warning.
 * - rtl8139, the default model, is the slow path (field notes: download below
 *   1 Mbit/s). Info: it works, and PV drivers in the guest take over from it,
 *   which xenlint cannot see from dom0.
 */
import {
  type CheckContext,
  defineCheck,
  type DomainFacts,
  EXPLICIT_IOEMU_RANGE,
  type Facts,
  type Finding,
  type HostSide,
  isEmulatedVif,
  placed,
  satisfiesXen,
  type Skip,
  type VifFacts,
  vifLocation,
  vifModel,
  vifType,
  xenLabel,
} from './api.js';
import { tally, type Tally } from './lib/fold.js';
import { CHOOSING_VIRTUALIZATION } from './lib/field-notes.js';

/** Versions where a vif without type=ioemu gets no emulated NIC (the brief's 3.0.2/3.0.3). */
export const IOEMU_TYPE_RANGE = '>=3.0.2 <3.0.4';
/** Versions whose qemu-dm has no e1000/e100 (65ad78dff2, first in 3.3). */
export const NO_E1000_RANGE = '<3.3.0';
const INTEL_MODELS = new Set(['e1000', 'e100']);
const DEFAULT_MODEL = 'rtl8139';


function missingIoemu(d: DomainFacts, vif: VifFacts, version: string): Finding {
  const type = vifType(vif);
  return placed(vifLocation(d, vif), {
    severity: 'warning',
    messageId: 'missing-ioemu',
    data: { guest: d.name, vif: vif.index, type: type === undefined ? 'no type' : `type=${type}`, xen: xenLabel(version) },
    remediation: 'Add type=ioemu to the vif (Xen 3.0.4 and later make it the default for HVM guests).',
    evidence: { xen_version: version, vif: vif.spec, source: 'image.py@3.0.3-branched; default ioemu from 3.0.4 (7dc9afed06)' },
  });
}

function intelModel(d: DomainFacts, vif: VifFacts, model: string, version: string): Finding {
  return placed(vifLocation(d, vif), {
    severity: 'error',
    messageId: 'model-unavailable',
    data: { guest: d.name, vif: vif.index, model, xen: xenLabel(version) },
    remediation: 'Use model=rtl8139 (or leave model out) on this Xen, or upgrade to Xen 3.3 or later for e1000.',
    evidence: { xen_version: version, model, source: 'e1000/e100 added to qemu-dm in 3.3 (65ad78dff2)' },
  });
}

function slowPath(d: DomainFacts, vif: VifFacts, model: string | undefined, version: string): Finding {
  const e1000 = !satisfiesXen(version, NO_E1000_RANGE);
  return placed(vifLocation(d, vif), {
    severity: 'info',
    messageId: model === undefined ? 'slow-default-model' : 'slow-model',
    data: { guest: d.name, vif: vif.index },
    remediation:
      'Install PV network drivers in the guest (Linux PV-on-HVM netfront, Xen PV drivers for Windows)' +
      (e1000 ? ', or set model=e1000, which most guests drive faster.' : '; e1000 needs Xen 3.3 or later.'),
    evidence: { xen_version: version, model: model ?? `${DEFAULT_MODEL} (default)`, type: vifType(vif) ?? 'default' },
  });
}

/** An HVM guest with vifs: one whose NICs the check judges (and, without a version, cannot). */
function judged(d: DomainFacts): boolean {
  return d.type === 'hvm' && d.vifs.length > 0;
}

function perGuest(d: DomainFacts, _facts: HostSide, ctx: CheckContext): Finding[] {
  const version = ctx.xenVersion;
  // Without a version `across` skips the check when any guest is judged.
  if (version === undefined || !judged(d)) return [];
  const out: Finding[] = [];
  for (const vif of d.vifs) {
    if (vif.invalid !== undefined) continue;
    const model = vifModel(vif);
    if (model !== undefined && INTEL_MODELS.has(model) && satisfiesXen(version, NO_E1000_RANGE)) {
      out.push(intelModel(d, vif, model, version));
      continue;
    }
    if (satisfiesXen(version, IOEMU_TYPE_RANGE) && vifType(vif) !== 'ioemu') {
      out.push(missingIoemu(d, vif, version));
      continue;
    }
    if (!isEmulatedVif(d, vif, version)) continue;
    if (model === undefined || model === DEFAULT_MODEL) out.push(slowPath(d, vif, model, version));
  }
  return out;
}

function across(judged: Tally<never>, _facts: HostSide, ctx: CheckContext): Finding[] | Skip {
  if (judged.guests > 0 && ctx.xenVersion === undefined) {
    return { skip: 'Xen version unknown; pass --xen (which vifs are emulated, and which NIC models exist, depend on it)' };
  }
  return [];
}

function explain(facts: Facts, ctx: CheckContext): string[] {
  const version = ctx.xenVersion;
  if (version === undefined) return ['Xen version unknown.'];
  const lines = [
    `${xenLabel(version)}: ${satisfiesXen(version, EXPLICIT_IOEMU_RANGE) ? 'only type=ioemu vifs are emulated' : 'HVM vifs are emulated unless type=netfront/vif'}; ` +
      `e1000/e100 ${satisfiesXen(version, NO_E1000_RANGE) ? 'not available' : 'available'}`,
  ];
  for (const d of facts.domains ?? []) {
    if (d.type !== 'hvm') continue;
    for (const vif of d.vifs) {
      lines.push(
        `${d.name} vif ${vif.index}: type=${vifType(vif) ?? '(default)'} model=${vifModel(vif) ?? '(default rtl8139)'} ` +
          `emulated=${isEmulatedVif(d, vif, version) ? 'yes' : 'no'}`,
      );
    }
  }
  return lines;
}

const check = defineCheck({
  id: 'emulated-nic',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['vif'],
  title: 'HVM NICs served only by emulation: rtl8139 slow path, e1000/e100 before 3.3, vifs without type=ioemu on 3.0.2/3.0.3',
  severity: 'warning',
  needs: ['domains'],
  messages: {
    'missing-ioemu':
      '{{guest}}: HVM vif {{vif}} has {{type}}; on {{xen}} only type=ioemu gets an emulated NIC, so the guest sees this interface only if it runs PV network drivers',
    'model-unavailable':
      '{{guest}}: vif {{vif}} asks for model={{model}}, which qemu-dm of {{xen}} does not have (e1000/e100 arrived in 3.3): the device model rejects it',
    'slow-default-model': `{{guest}}: vif {{vif}} is an emulated ${DEFAULT_MODEL} (the default model), the slowest network path of an HVM guest unless PV network drivers in the guest take over`,
    'slow-model': `{{guest}}: vif {{vif}} is an emulated ${DEFAULT_MODEL}, the slowest network path of an HVM guest unless PV network drivers in the guest take over`,
  },
  sources: [
    `${CHOOSING_VIRTUALIZATION} — emulated Realtek 8139 "download rates are below 1mbit"`,
    '65ad78dff2 — e1000/e100 NIC models in qemu-dm (first in 3.3)',
    '7dc9afed06 — ioemu is the default vif type for HVM guests (first in 3.0.4); 3.0.3-branched:tools/python/xen/xend/image.py',
    'RELEASE-4.22.0:docs/man/xl-network-configuration.5.pod.in — type=ioemu|vif, model= (rtl8139 default, e1000)',
  ],
  perGuest,
  summarize: (d: DomainFacts) => (judged(d) ? (true as const) : undefined),
  fold: tally<true>(),
  across,
  explain,
});

export default check;
