/**
 * hvm-save-migrate: before Xen 3.1 an HVM guest cannot be saved, restored or
 * migrated (the "[HVM] save restore" series landed for 3.1: 9e19e45e05, 8fc1da06ae, d11bec8a19),
 * so a setup that will try to is an outage waiting for the next xend restart
 * or maintenance window.
 *
 * What says "this guest will be saved or migrated", as xm (the only toolstack
 * before 4.0) spells it:
 * - `on_xend_stop = 'suspend'` in the guest's config: xend saves the guest
 *   when it stops (values: ignore | shutdown | suspend; `create.py` gopts).
 *   There is no `migrate` value and no `on_host_stop` key in xm or xl.
 * - xend's relocation server on for other hosts in xend-config.sxp
 *   (`xend-relocation-server yes` with a hosts-allow that is not just
 *   localhost): the host is set up to take part in migrations. The shipped
 *   example file turns the server on for localhost only, so that alone is
 *   not taken as intent. Whether the server is open to anyone is
 *   xend-open-services' finding, not this one's.
 */
import {
  defineCheck,
  type DomainFacts,
  type Finding,
  type HostSide,
  keyPlace,
  keyText,
  listNames,
  otherType,
  placed,
  shownVersion,
  xenLabel,
} from './api.js';
import { keptIf } from './lib/fold.js';
import { localOnlyPatterns, xendBool, xendConfigOf, xendValue } from './lib/xend.js';
import { isLoopback } from './lib/address.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';

export { localOnlyPatterns };

interface RelocationSignal {
  file: string;
  line?: number;
  why: string;
}

/**
 * xend's relocation server set up to take guests from other hosts, or
 * undefined. Who may connect is xend-open-services' concern; here it only
 * says that migrations are planned.
 */
export function relocationSignal(facts: HostSide): RelocationSignal | undefined {
  const xend = xendConfigOf(facts);
  if (!xend || xendBool(xend, 'xend-relocation-server', false) !== true) return undefined;
  const address = xendValue(xend, 'xend-relocation-address');
  if (address !== undefined && isLoopback(address)) return undefined;
  const allow = xendValue(xend, 'xend-relocation-hosts-allow');
  if (allow !== undefined && localOnlyPatterns(allow)) return undefined;
  const why = allow === undefined || allow === '' ? 'xend-relocation-server yes' : `xend-relocation-server yes, xend-relocation-hosts-allow '${allow}'`;
  const signal: RelocationSignal = { file: xend.file, why };
  const line = xend.lines['xend-relocation-server'];
  if (line !== undefined) signal.line = line;
  return signal;
}

function suspendsOnXendStop(d: DomainFacts): boolean {
  const v = keyText(d, 'on_xend_stop');
  return v !== undefined && v.trim().toLowerCase() === 'suspend';
}

const check = defineCheck({
  id: 'hvm-save-migrate',
  title: 'HVM guests cannot be saved, suspended or migrated before Xen 3.1',
  severity: 'error',
  needs: ['domains'],
  xen: '<3.1.0',
  messages: {
    'suspend-on-xend-stop':
      "{{guest}}: HVM guest set to be suspended when xend stops (on_xend_stop = 'suspend'), but {{xen}} cannot save HVM guests (HVM save/restore arrived in 3.1)",
    'relocation-server':
      "xend's relocation server is set up for migrations ({{why}}), but {{xen}} cannot migrate HVM guests: {{guests}} would fail to migrate",
  },
  sources: [
    `${XEN_LIMITATIONS}, "Xen HVM gotchas" (HVM domains do not suspend/restore/migrate; slated for 3.0.5)`,
    '9e19e45e05, 8fc1da06ae, d11bec8a19 ("[HVM] save restore" series, first in 3.1)',
    '92c541f5a0 (HVM save/restore with several NICs, 3.1)',
    "3.0.4-branched:tools/python/xen/xm/create.py gopts.var('on_xend_stop') (ignore|shutdown|suspend)",
    '3.0.4-branched:tools/examples/xend-config.sxp, tools/python/xen/xend/XendOptions.py (xend-relocation-server, xend-relocation-hosts-allow)',
  ],
  perGuest(d, facts, ctx) {
    const other = otherType(d, ['hvm']);
    if (other) return other;
    if (!suspendsOnXendStop(d)) return [];
    const shown = shownVersion(facts, ctx);
    return [
      placed(keyPlace(d, 'on_xend_stop'), {
        messageId: 'suspend-on-xend-stop',
        data: { guest: d.name, xen: xenLabel(shown) },
        remediation: "Set on_xend_stop = 'shutdown' (or 'ignore') for this HVM guest, or upgrade to Xen 3.1 or later before relying on HVM save/restore.",
        evidence: { on_xend_stop: 'suspend', type: 'hvm', ...(shown !== undefined ? { xen_version: shown } : {}) },
      }),
    ];
  },
  // The relocation finding names every HVM guest: each contributes its name, kept when xend relocates.
  summarize(d) {
    return d.type === 'hvm' ? d.name : undefined;
  },
  fold: keptIf((host) => relocationSignal(host) !== undefined),
  across(names: string[], facts, ctx) {
    const relocation = relocationSignal(facts);
    if (names.length === 0 || !relocation) return [];
    const shown = shownVersion(facts, ctx);
    const f: Finding = {
      file: relocation.file,
      key: 'xend-relocation-server',
      severity: 'warning',
      messageId: 'relocation-server',
      data: { why: relocation.why, xen: xenLabel(shown), guests: listNames(names) },
      remediation: 'Migrate only PV guests from and to this host, shut HVM guests down for maintenance instead, or upgrade to Xen 3.1 or later for HVM save/restore and migration.',
      evidence: { relocation: relocation.why, hvm_guests: names.join(' ') },
    };
    if (relocation.line !== undefined) {
      f.line = relocation.line;
      f.column = 1;
    }
    return [f];
  },
});

export default check;
