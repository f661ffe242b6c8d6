/**
 * device-model-traditional: guests that ask xl for the old qemu-dm
 * ("qemu-xen-traditional") on a Xen that no longer supports it.
 *
 * RELEASE-4.22.0:CHANGELOG.md: qemu-xen (upstream QEMU) is the default device model
 * since 4.3 (ec41430ef6). The traditional one lost security support in 4.15
 * (RELEASE-4.22.0:CHANGELOG.md), is not built by default from 4.16 (a distribution may still
 * build it), and was removed in 4.21 (1eb944f650): xl then stops at
 * `Unknown device_model_version "qemu-xen-traditional" specified` (exit 1).
 * xl parses device_model_version for every guest type (tools/xl/xl_parse.c),
 * so on 4.21 a PV or PVH config with the line fails too; before 4.21 only HVM
 * guests are reported, since they are the ones run by the device model.
 *
 * An xm-era HVM config (device_model = ".../qemu-dm") under xl 4.3+ silently
 * gets qemu-xen instead; unknown-key already reports the ignored key.
 */
import { type CheckContext, defineCheck, type DomainFacts, type Finding, type HostSide, keyPlace, keyText, kindLabel, placed, satisfiesXen, shownVersion, versionOf, xenLabel } from './api.js';

export const TRADITIONAL = 'qemu-xen-traditional';
/** No security support for qemu-xen-traditional (RELEASE-4.22.0:CHANGELOG.md, 4.15). */
export const UNSUPPORTED = '>=4.15.0';
/** Not built by default (RELEASE-4.22.0:CHANGELOG.md, 4.16). */
export const NOT_BUILT = '>=4.16.0';
/** Removed (1eb944f650, first in 4.21). */
export const REMOVED = '>=4.21.0';

const KEY = 'device_model_version';

function evidence(d: DomainFacts, version: string): Record<string, string> {
  return { device_model_version: TRADITIONAL, guest_type: d.type, type_from: d.typeSource, xen_version: version };
}

const SWITCH =
  'Remove the line (qemu-xen is the default since Xen 4.3) or write device_model_version = "qemu-xen". The guest then sees different emulated hardware, so test it first: Windows guests may re-detect devices.';

function examine(d: DomainFacts, version: string, xen: string): Finding | undefined {
  if (keyText(d, KEY)?.trim() !== TRADITIONAL) return undefined;
  const place = keyPlace(d, KEY);
  if (satisfiesXen(version, REMOVED)) {
    return placed(place, {
      severity: 'error',
      messageId: 'removed',
      data: { guest: d.name, xen },
      remediation: d.type === 'hvm' ? SWITCH : `Remove the line: a ${kindLabel(d)} guest does not need it, and xl of 4.21 refuses the whole config because of it.`,
      evidence: evidence(d, version),
    });
  }
  if (d.type !== 'hvm') return undefined;
  if (satisfiesXen(version, NOT_BUILT)) {
    return placed(place, {
      severity: 'warning',
      messageId: 'not-built',
      data: { guest: d.name, xen },
      remediation: SWITCH,
      evidence: evidence(d, version),
    });
  }
  return placed(place, {
    severity: 'warning',
    messageId: 'unsupported',
    data: { guest: d.name, xen },
    remediation: SWITCH,
    evidence: evidence(d, version),
  });
}

function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] {
  const version = versionOf(facts, ctx);
  // The engine runs this only inside the check's range, which needs a version.
  if (version === undefined) return [];
  const found = examine(d, version, xenLabel(shownVersion(facts, ctx)));
  return found ? [found] : [];
}

const check = defineCheck({
  id: 'device-model-traditional',
  title: 'device_model_version = "qemu-xen-traditional" on a Xen that no longer supports, builds or has it',
  severity: 'warning',
  needs: ['domains'],
  xen: UNSUPPORTED,
  messages: {
    removed: `{{guest}}: device_model_version = "${TRADITIONAL}", but {{xen}} no longer has it (removed in 4.21, 1eb944f650): xl stops with \`Unknown device_model_version "${TRADITIONAL}" specified\` and creates nothing`,
    'not-built': `{{guest}}: HVM guest on device_model_version = "${TRADITIONAL}": {{xen}} does not build it by default (since 4.16), so unless your distribution builds it xl finds no device model to start for this guest; it has also had no security support since 4.15`,
    unsupported: `{{guest}}: HVM guest on device_model_version = "${TRADITIONAL}": {{xen}} gives the traditional device model no security support (since 4.15), and from 4.16 it is not built by default`,
  },
  sources: [
    'RELEASE-4.22.0:docs/man/xl.cfg.5.pod.in: device_model_version qemu-xen (default since 4.3, ec41430ef6) and qemu-xen-traditional',
    'RELEASE-4.22.0:CHANGELOG.md: qemu-xen-traditional without security support (4.15), not built by default (4.16), removed (4.21)',
    '1eb944f650: qemu-xen-traditional removed (first in 4.21); RELEASE-4.21.0:tools/xl/xl_parse.c prints `Unknown device_model_version "…" specified` and exits 1',
  ],
  perGuest,
});

export default check;
