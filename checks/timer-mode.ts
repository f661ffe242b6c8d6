/**
 * timer-mode: SMP Windows HVM guests on timer mode 0 (`delay_for_missed_ticks`).
 *
 * In mode 0 "a vcpu's time" is not advanced past missed ticks; they are
 * delivered stepwise when the vCPU runs again, so each vCPU's clock lags by
 * its own amount (3.4.0-rc3:xen/include/public/hvm/params.h). Mode 1
 * (`no_delay_for_missed_ticks`) keeps guest time on wall-clock time.
 *
 * Mode 0 is what a guest gets when its config says nothing where the
 * toolstack's default was 0:
 * - xm/xend 3.2–3.3 (`timer_mode` came with 3.2, commit 617d4311ef; default 0
 *   in 3.3.0-rc7:tools/python/xen/xm/create.py and XendConfig.py; 1 from 3.4,
 *   commit 3ff1f0088a);
 * - xl 4.0.0, which did not set it, leaving the hypervisor's default 0
 *   (RELEASE-4.0.0:tools/libxl/xl.c; 1 from 4.0.1, commit a3e6724c64).
 * And on any version when the config sets `timer_mode = 0` or
 * `"delay_for_missed_ticks"` itself.
 *
 * Windows is recognised by `viridian` (its enlightenments are for Windows) or
 * by the guest's name or file name. That SMP Windows in particular suffers
 * (clock drift, hangs) is the common advice; the tree itself only says that
 * "most guests prefer" mode 1 (commit 3ff1f0088a) — unconfirmed, and said so.
 */
import type { CheckContext, DomainFacts, Finding, HostSide } from './api.js';
import { defineCheck, satisfiesXen } from './api.js';
import { keyBoolean, keyPlace, keyText, placed, typePlace, xenLabel } from './lib/guest.js';
import { type Reader, readerOf } from './lib/toolstack.js';

export const RANGE = '>=3.2.0';
/** xm/xend defaulted to mode 0 here. */
export const XM_DEFAULT_ZERO = '>=3.2.0 <3.4.0';
/** xl 4.0.0 left the hypervisor's default (0). */
export const XL_DEFAULT_ZERO = '>=4.0.0 <4.0.1';

const WINDOWS_NAME = /(^|[^a-z])(win|windows|w2k\d*|w2k3|w2k8|winxp|xp|vista|win7|win10|win11|2k3|2k8|2k12|2k16|2k19|2k22)([^a-z]|$)/i;

/** Why the guest is taken for Windows, or undefined. */
export function windowsHint(d: DomainFacts): string | undefined {
  if (keyBoolean(d, 'viridian') === true || (d.keys['viridian'] !== undefined && Array.isArray(d.keys['viridian']?.value))) return 'viridian is on';
  if (WINDOWS_NAME.test(d.name)) return `its name "${d.name}"`;
  const base = d.file?.split('/').pop();
  if (base !== undefined && WINDOWS_NAME.test(base)) return `its file name "${base}"`;
  return undefined;
}

/** The timer mode the config sets: 0–3, or undefined when it sets none (or one xenlint cannot read). */
export function configuredMode(d: DomainFacts): number | undefined {
  const t = keyText(d, 'timer_mode')?.trim().toLowerCase();
  if (t === undefined) return undefined;
  const names = ['delay_for_missed_ticks', 'no_delay_for_missed_ticks', 'no_missed_ticks_pending', 'one_missed_tick_pending'];
  if (names.includes(t)) return names.indexOf(t);
  return /^[0-3]$/.test(t) ? Number(t) : undefined;
}

function defaultIsZero(r: Reader): boolean {
  if (r.version === undefined) return false;
  return r.choice.toolstack === 'xm' ? satisfiesXen(r.version, XM_DEFAULT_ZERO) : satisfiesXen(r.version, XL_DEFAULT_ZERO);
}

function examine(r: Reader): Finding | undefined {
  const d = r.d;
  if (d.type !== 'hvm') return undefined;
  const vcpus = Math.max(d.vcpus ?? 1, d.maxvcpus ?? 0);
  if (vcpus < 2) return undefined;
  const windows = windowsHint(d);
  if (windows === undefined) return undefined;
  const mode = configuredMode(d);
  const explicit = mode === 0;
  if (!explicit && (mode !== undefined || !defaultIsZero(r))) return undefined;
  const who = r.choice.toolstack === 'xm' ? 'xm/xend' : 'xl';
  return placed(explicit ? keyPlace(d, 'timer_mode') : typePlace(d), {
    key: 'timer_mode',
    severity: 'warning',
    messageId: explicit ? 'mode-zero-set' : 'mode-zero-default',
    data: { guest: d.name, vcpus, windows, toolstack: `${who} of ${xenLabel(r.shown)}` },
    remediation: r.choice.toolstack === 'xl' && r.version !== undefined && satisfiesXen(r.version, '>=4.2.0')
      ? 'Set timer_mode = "no_delay_for_missed_ticks" (mode 1, xl\'s default from 4.0.1), or remove the line on xl 4.0.1 and later.'
      : 'Set timer_mode = 1 (no_delay_for_missed_ticks), the default from Xen 3.4 (xm) and 4.0.1 (xl).',
    evidence: {
      vcpus,
      windows_by: windows,
      timer_mode: explicit ? keyText(d, 'timer_mode') ?? '0' : '(unset: default 0)',
      toolstack: r.choice.toolstack,
      ...(r.version !== undefined ? { xen_version: r.version } : {}),
    },
  });
}

function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] | { skip: string } {
  if (!(d.type === 'hvm' && Math.max(d.vcpus ?? 1, d.maxvcpus ?? 0) > 1)) return { skip: 'no SMP HVM guest among the given configs' };
  const f = examine(readerOf(d, facts, ctx));
  return f ? [f] : [];
}

const check = defineCheck({
  id: 'timer-mode',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['timer_mode', 'type', 'builder', 'pvh', 'kernel', 'name', 'memory'],
  title: 'SMP Windows HVM guests on timer mode 0 (delay_for_missed_ticks), set or by the toolstack\'s old default',
  severity: 'warning',
  needs: ['domains'],
  xen: RANGE,
  messages: {
    'mode-zero-set':
      '{{guest}}: SMP Windows HVM guest ({{vcpus}} vCPUs; Windows by {{windows}}) on timer mode 0 (delay_for_missed_ticks), set in the config: ' +
      "each vCPU's clock is held back by the ticks it missed, so the vCPUs' clocks drift apart and away from wall-clock time",
    'mode-zero-default':
      "{{guest}}: SMP Windows HVM guest ({{vcpus}} vCPUs; Windows by {{windows}}) on timer mode 0 (delay_for_missed_ticks), {{toolstack}}'s default when the config sets none: " +
      "each vCPU's clock is held back by the ticks it missed, so the vCPUs' clocks drift apart and away from wall-clock time",
  },
  sources: [
    '3.4.0-rc3:xen/include/public/hvm/params.h — HVM_PARAM_TIMER_MODE: delay_for_missed_ticks (default) vs no_delay_for_missed_ticks',
    '3.3.0-rc7:tools/python/xen/xm/create.py, 3.3.0-rc7:tools/python/xen/xend/XendConfig.py — xm default 0 (timer_mode from 3.2, commit 617d4311ef)',
    'commit 3ff1f0088a (3.4) — "hvm: Default timer_mode=1 … Most guests prefer this mode"; 3.4.0-rc3:tools/python/xen/xend/XendConfig.py',
    'RELEASE-4.0.0:tools/libxl/xl.c — xl 4.0.0 left timer_mode unset (hypervisor default 0); commit a3e6724c64 "xl: default timer_mode to 1" (4.0.1)',
    'RELEASE-4.17.0:docs/man/xl.cfg.5.pod.in — timer_mode values; no_delay_for_missed_ticks "This is the default"',
  ],
  perGuest,
});

export default check;
