/**
 * xend-removed: xm-era files on a Xen 4.5 or later host, where xm and xend no
 * longer exist (commit 9e8672f1c3; RELEASE-4.5.0:tools/python/xen/ holds only
 * `lowlevel`). xl reads every guest config there, and nothing reads
 * xend-config.sxp.
 *
 * One finding per file that says what to do, instead of one per statement:
 * - a guest config read as Python that xl cannot parse: xl refuses the whole
 *   file (error, at the first thing xl cannot read). From 4.5 every config is
 *   read as xl reads it (cli/readers/reader-choice.ts), so this is for guests
 *   read as Python anyway (facts saved by an older xenlint); otherwise the
 *   refusal is config-readability's, in xl's words;
 * - a guest config with xm options xl does not have: xl ignores them without
 *   a word (warning, at the first of them, listing each with xl's equivalent);
 * - xend-config.sxp: its settings (relocation server, network script, dom0
 *   memory floor, VNC defaults) have no effect any more (warning).
 * From 4.5, config-readability and unknown-key leave these files' xm
 * statements to this check.
 */
import { defineCheck, placed } from './api.js';
import { tally, type Tally } from './lib/fold.js';
import type { CheckContext, DomainFacts, Facts, Finding, HostSide } from './api.js';
import { shownVersion, versionOf, xenLabel } from './lib/guest.js';
import { XEND_REMOVED, firstXlObstacle, xmOnlyKeys, type XmOnlyKey } from './lib/xm-leftovers.js';
import { xendConfigOf, xendPlace } from './lib/xend.js';

/** What replaces the xend-config.sxp settings admins relied on, under xl. */
const XEND_SETTINGS: ReadonlyMap<string, string> = new Map([
  ['xend-relocation-server', 'xl migrate, which goes over ssh (no listening server)'],
  ['network-script', "the distribution's network configuration (a bridge set up at boot) and vif.default.bridge in xl.conf"],
  ['vif-script', 'vif.default.script in xl.conf'],
  ['dom0-min-mem', 'dom0_mem= on the Xen command line with autoballoon="off" in xl.conf'],
  ['enable-dom0-ballooning', 'autoballoon in xl.conf'],
  ['vnc-listen', 'vnclisten in each guest config (xl listens on 127.0.0.1 by default)'],
  ['vncpasswd', 'vncpasswd in each guest config'],
  ['dom0-cpus', 'dom0_max_vcpus= on the Xen command line'],
]);

function keyList(keys: XmOnlyKey[]): string {
  return keys.map((k) => `\`${k.key}\``).join(', ');
}

function conversions(keys: XmOnlyKey[]): string {
  const known = keys.filter((k) => k.instead !== undefined).map((k) => `${k.key} → ${k.instead}`);
  const unknown = keys.filter((k) => k.instead === undefined).map((k) => k.key);
  const parts: string[] = [];
  if (known.length) parts.push(known.join('; '));
  if (unknown.length) parts.push(`no xl equivalent known to xenlint for ${unknown.join(', ')} (see xl.cfg(5))`);
  return parts.join('; ');
}

function guestFinding(d: DomainFacts, xen: string, version: string): Finding | undefined {
  const obstacle = d.dialect === 'xm' ? firstXlObstacle(d) : undefined;
  const keys = xmOnlyKeys(d);
  if (!obstacle && keys.length === 0) return undefined;
  const at = obstacle ?? keys[0]!;
  const ignored = keys.length > 0 ? `xl ignores its xm options ${keyList(keys)} without a word` : '';
  return {
    domain: d.name,
    ...(d.file !== undefined ? { file: d.file } : {}),
    line: at.line,
    column: at.column,
    key: obstacle ? 'xm-config' : keys[0]!.key,
    severity: obstacle ? 'error' : 'warning',
    messageId: obstacle ? 'python-config' : 'xm-options',
    data: { guest: d.name, xen, python: obstacle?.what ?? '', also: ignored ? `; and ${ignored}` : '', ignored },
    remediation:
      (obstacle ? 'Rewrite the file in xl syntax: plain `key = value` lines with literal values, no imports or code (xl.cfg(5)). ' : 'Convert it to xl: ') +
      (keys.length > 0 ? `${conversions(keys)}.` : 'then check it with `xl create -n`.'),
    evidence: {
      xen_version: version,
      ...(obstacle ? { python: obstacle.what } : {}),
      ...(keys.length > 0 ? { xm_options: keys.map((k) => k.key).join(' ') } : {}),
    },
  };
}

function xendConfigFinding(facts: Facts, xen: string): Finding | undefined {
  const x = xendConfigOf(facts);
  if (!x) return undefined;
  const set = [...XEND_SETTINGS.keys()].filter((k) => x.values[k] !== undefined);
  const first = set.map((k) => ({ k, line: x.lines[k] ?? Number.MAX_SAFE_INTEGER })).sort((a, b) => a.line - b.line)[0];
  const place = first ? xendPlace(x, first.k) : { file: x.file };
  return placed(place, {
    key: 'xend-config.sxp',
    severity: 'warning',
    messageId: 'xend-config',
    data: { file: x.file, xen, settings: set.length > 0 ? `, so its ${set.join(', ')} settings have no effect` : '' },
    remediation:
      set.length > 0
        ? `Move what you still need to xl's places: ${set.map((k) => `${k} → ${XEND_SETTINGS.get(k)}`).join('; ')}; then remove the file.`
        : 'Remove the file (keep a copy elsewhere if you want its history).',
    evidence: { file: x.file, settings: set.join(' ') },
  });
}

// The engine runs these only inside the check's range, which needs a version.
function hostOnly(facts: HostSide, ctx: CheckContext): Finding[] {
  if (versionOf(facts, ctx) === undefined) return [];
  const x = xendConfigFinding(facts, xenLabel(shownVersion(facts, ctx)));
  return x ? [x] : [];
}

function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] {
  const version = versionOf(facts, ctx);
  if (version === undefined) return [];
  const f = guestFinding(d, xenLabel(shownVersion(facts, ctx)), version);
  return f ? [f] : [];
}

/** Each guest counts one: with none, and no xend-config.sxp, there was nothing to look at. */
function across(guests: Tally<never>, facts: HostSide, ctx: CheckContext): Finding[] | { skip: string } {
  if (versionOf(facts, ctx) === undefined) return [];
  if (guests.guests === 0 && !facts.dom0?.xendConfig) return { skip: 'no guest configs and no xend-config.sxp to look at' };
  return [];
}

const check = defineCheck({
  id: 'xend-removed',
  title: 'xm configs and xend-config.sxp on Xen 4.5 and later, where xm and xend no longer exist',
  severity: 'warning',
  needs: [],
  xen: XEND_REMOVED,
  messages: {
    'python-config':
      '{{guest}}: this is an xm config (Python), but {{xen}} has no xm or xend (removed in 4.5, 9e8672f1c3) and xl cannot read {{python}}: xl prints "Failed to parse config" and creates nothing{{also}}',
    'xm-options': '{{guest}}: this config was written for xm, which {{xen}} no longer has (removed in 4.5, 9e8672f1c3): {{ignored}}',
    'xend-config': "{{file}} is xend's configuration, but {{xen}} has no xend (removed in 4.5, 9e8672f1c3): nothing reads it{{settings}}",
  },
  sources: [
    'commit 9e8672f1c3 "tools: remove xend and associated python modules" (first in 4.5); RELEASE-4.5.0:tools/python/xen/ holds only lowlevel',
    'RELEASE-4.4.0:tools/configure.ac — xend disabled by default, "xend is deprecated and scheduled for removal"',
    'RELEASE-4.22.0:tools/libs/util/libxlu_cfg.c — "Arbitrary Python is no longer supported"; RELEASE-4.17.0:tools/xl/xl_parse.c — "Failed to parse config"',
    'RELEASE-4.17.0:docs/man/xl.cfg.5.pod.in, RELEASE-4.17.0:docs/man/xl.conf.5.pod.in — the xl options that replace xm\'s',
  ],
  hostOnly,
  perGuest,
  summarize: () => true as const,
  fold: tally<true>(),
  across,
});

export default check;
