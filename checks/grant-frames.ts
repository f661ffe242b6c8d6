/**
 * grant-frames: a guest whose PV devices need more grant references than its
 * grant table holds.
 *
 * Every page a PV frontend shares with its backend (ring pages, and the buffers
 * in flight) is a grant; a domain's grant table has a fixed number of 4 KiB frames
 * of 512 v1 entries each. When a guest runs out, netfront queues and blkfront
 * rings fail to connect — devices that are in the config never appear. This is the
 * 4.x form of the field notes' "shared pages are limited".
 *
 * Frames a guest gets:
 * - before 4.10: the hypervisor's `gnttab_max_nr_frames` / `gnttab_max_frames`,
 *   default 32 (RELEASE-4.4.0:xen/include/xen/grant_table.h,
 *   RELEASE-4.9.0:docs/misc/xen-command-line.markdown); xl has no per-guest setting;
 * - 4.10–4.12: `max_grant_frames` in the config, else in xl.conf, else 32
 *   (RELEASE-4.10.0:tools/xl/xl.c; 64 on hosts over 16 TB), though the hypervisor's
 *   own default became 64 (RELEASE-4.10.0:xen/common/grant_table.c);
 * - 4.13+: config, else xl.conf, else the hypervisor's `gnttab_max_frames`
 *   (default 64; RELEASE-4.13.0:tools/libxl/libxl.h LIBXL_MAX_GRANT_DEFAULT).
 * On 4.10–4.17 the command-line value is also a hard cap: a per-guest value above
 * it fails domain creation with EINVAL (RELEASE-4.12.0:xen/common/grant_table.c);
 * from 4.18 it only sets the default (commit b2ea81d2b9).
 *
 * Grants a guest needs, as a lower bound (ring sizes from RELEASE-4.17.0:xen/include/public/io/netif.h
 * and blkif.h): each vif
 * is min(vCPUs, 8) netfront queues (Linux commit 034702a64a66 caps the default at
 * 8) of 2 ring pages + 256 TX + 256 RX grants; each disk at least one blkfront
 * ring of 32 requests × 11 segments + its ring page. Linux's indirect-descriptor,
 * persistent-grant and multi-queue blkfront defaults are unconfirmed from Xen's
 * tree and not counted, so the estimate errs low.
 */
import {
  type CheckContext,
  cmdlineValue,
  type CmdlineOption,
  defineCheck,
  type DomainFacts,
  type Facts,
  type Finding,
  type HostSide,
  keyInteger,
  keyPlace,
  placed,
  satisfiesXen,
  shownVersion,
  type Skip,
  versionOf,
  xenLabel,
} from './api.js';

export const GRANTS_PER_FRAME = 512;
export const NETFRONT_QUEUE_CAP = 8;
export const GRANTS_PER_NET_QUEUE = 2 + 256 + 256;
export const GRANTS_PER_BLK_RING = 1 + 32 * 11;

interface Frames {
  frames: number;
  why: string;
  /** The hypervisor's command-line value, a hard cap for per-guest values on 4.10–4.17. */
  cap?: { frames: number; why: string };
  /** The key or setting that gave the per-guest value, when one did. */
  key?: string;
}

function hypervisorFrames(facts: Facts, version: string): { frames: number; why: string } {
  // The same for every guest of a run: worked out once per command line and version (an answer is only read).
  const options = facts.host?.commandline?.options ?? NO_OPTIONS;
  let byVersion = HYPERVISOR_FRAMES.get(options);
  if (byVersion === undefined) HYPERVISOR_FRAMES.set(options, (byVersion = new Map()));
  let frames = byVersion.get(version);
  if (frames === undefined) {
    if (byVersion.size >= 64) byVersion.clear();
    byVersion.set(version, (frames = hypervisorFramesOf(options, version)));
  }
  return frames;
}

const NO_OPTIONS: CmdlineOption[] = [];
const HYPERVISOR_FRAMES = new WeakMap<readonly CmdlineOption[], Map<string, { frames: number; why: string }>>();

function hypervisorFramesOf(options: CmdlineOption[], version: string): { frames: number; why: string } {
  for (const name of ['gnttab_max_frames', 'gnttab_max_nr_frames']) {
    const text = cmdlineValue(options, name);
    const n = text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
    if (n !== undefined) return { frames: n, why: `${name}=${n} on the Xen command line` };
  }
  const def = satisfiesXen(version, '<4.10.0') ? 32 : 64;
  return { frames: def, why: `the hypervisor's default gnttab_max_frames (${def})` };
}

/** The grant frames this guest gets on this version, and why. */
export function framesFor(d: DomainFacts, facts: Facts, version: string): Frames {
  const hv = hypervisorFrames(facts, version);
  if (satisfiesXen(version, '<4.10.0')) return { frames: hv.frames, why: `${hv.why}; xl has no per-guest setting before 4.10` };
  const capped = satisfiesXen(version, '<4.18.0');
  const withCap = (f: Omit<Frames, 'cap'>): Frames => (capped ? { ...f, cap: hv } : f);
  const own = keyInteger(d, 'max_grant_frames');
  if (own !== undefined) return withCap({ frames: own, why: `max_grant_frames = ${own} in the config`, key: 'max_grant_frames' });
  const conf = facts.dom0?.xlConf?.values['max_grant_frames'];
  const confN = typeof conf === 'number' ? conf : typeof conf === 'string' && /^\d+$/.test(conf) ? Number(conf) : undefined;
  if (confN !== undefined) return withCap({ frames: confN, why: `max_grant_frames=${confN} in xl.conf` });
  if (satisfiesXen(version, '<4.13.0')) return withCap({ frames: 32, why: "xl's default for a guest on 4.10–4.12 (32), not the hypervisor's 64" });
  return { frames: hv.frames, why: `${hv.why}, which xl uses when neither the config nor xl.conf sets max_grant_frames` };
}

export interface GrantNeed {
  total: number;
  queues: number;
  vifs: number;
  disks: number;
  /** A dom0 kernel older than Linux 3.16 (one netfront queue): its release. */
  oldNetback?: string;
  vcpus: number;
}

/**
 * PV devices the guest's frontends connect. An HVM guest's vifs count too (xl's
 * default `type=ioemu` offers the PV device beside the emulated one, and PV drivers
 * use it); its CD-ROMs stay emulated. A dom0 kernel older than Linux 3.16 offers
 * netfront one queue (netback gained multi-queue in 3.16).
 */
export function grantNeed(d: DomainFacts, dom0Release?: string): GrantNeed {
  const vcpus = d.vcpus ?? 1;
  const oldNetback = dom0Release !== undefined && olderThan316(dom0Release);
  const queues = oldNetback ? 1 : Math.min(Math.max(vcpus, 1), NETFRONT_QUEUE_CAP);
  let vifs = 0;
  for (const v of d.vifs) if (v.invalid === undefined) vifs++;
  let disks = 0;
  for (const k of d.disks) if (k.invalid === undefined && !(d.type === 'hvm' && k.devtype === 'cdrom')) disks++;
  const need: GrantNeed = { total: vifs * queues * GRANTS_PER_NET_QUEUE + disks * GRANTS_PER_BLK_RING, queues, vifs, disks, vcpus };
  if (oldNetback) need.oldNetback = dom0Release;
  return need;
}

/** How `explain` shows a GrantNeed: the sum, term by term. */
function needLines(need: GrantNeed): string[] {
  const { vifs, queues, disks, vcpus, oldNetback } = need;
  return [
    `vifs: ${vifs} × ${queues} queue(s) (${oldNetback !== undefined ? `dom0 ${oldNetback} predates multi-queue netback` : `min(vcpus ${vcpus}, ${NETFRONT_QUEUE_CAP})`}) × ${GRANTS_PER_NET_QUEUE} grants = ${vifs * queues * GRANTS_PER_NET_QUEUE}`,
    `disks: ${disks} × ${GRANTS_PER_BLK_RING} grants (one ring of 32 requests × 11 segments + the ring page) = ${disks * GRANTS_PER_BLK_RING}`,
  ];
}

function olderThan316(release: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m !== null && (Number(m[1]) < 3 || (Number(m[1]) === 3 && Number(m[2]) < 16));
}

function versionOrSkip(facts: Facts, ctx: CheckContext): string | Skip {
  return versionOf(facts, ctx) ?? { skip: 'Xen version unknown: pass --xen or --facts' };
}

function hostOnly(facts: HostSide, ctx: CheckContext): Finding[] | Skip {
  const version = versionOrSkip(facts, ctx);
  return typeof version === 'string' ? [] : version;
}

function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] {
  const version = versionOf(facts, ctx)!;
  const xen = xenLabel(shownVersion(facts, ctx));
  const findings: Finding[] = [];
  const f = framesFor(d, facts, version);
  const need = grantNeed(d, facts.dom0?.kernelRelease);
  if (!(f.cap && f.frames > f.cap.frames) && need.total <= f.frames * GRANTS_PER_FRAME) return findings;
  const place = keyPlace(d, f.key ?? (need.vifs > 0 ? 'vif' : 'disk'));
  const evidence = {
    frames: f.frames,
    frames_from: f.why,
    grants_available: f.frames * GRANTS_PER_FRAME,
    grants_needed_at_least: need.total,
    vifs: need.vifs,
    netfront_queues: need.queues,
    disks: need.disks,
  };
  if (f.cap && f.frames > f.cap.frames) {
    findings.push(placed(keyPlace(d, f.key ?? 'name'), {
      messageId: 'over-cap',
      data: { guest: d.name, xen, frames: f.frames, why: f.why, cap: f.cap.frames, capWhy: f.cap.why },
      remediation: `Lower max_grant_frames to ${f.cap.frames} or less, or raise gnttab_max_frames on the Xen command line (from 4.18 the command line no longer caps it).`,
      evidence: Object.assign({}, evidence, { hypervisor_cap: f.cap.frames }),
    }));
    return findings;
  }
  if (need.total <= f.frames * GRANTS_PER_FRAME) return findings;
  const enough = Math.ceil(need.total / GRANTS_PER_FRAME);
  findings.push(placed(place, {
    messageId: 'exhausted',
    data: {
      guest: d.name,
      xen,
      need: need.total,
      vifs: need.vifs,
      queues: need.queues,
      disks: need.disks,
      frames: f.frames,
      grants: f.frames * GRANTS_PER_FRAME,
      why: f.why,
    },
    remediation:
      satisfiesXen(version, '<4.10.0')
        ? `Raise gnttab_max_frames (gnttab_max_nr_frames on old releases) on the Xen command line to at least ${enough}, or give the guest fewer vifs or vCPUs.`
        : `Set max_grant_frames = ${enough} (or more) in the guest's config${f.cap ? `, and gnttab_max_frames=${enough} on the Xen command line if it is lower` : ''}; or give the guest fewer vifs, or limit netfront's queues (xen_netfront.max_queues) in the guest.`,
    evidence,
  }));
  return findings;
}

function explain(facts: Facts, ctx: CheckContext): string[] {
  const version = versionOf(facts, ctx);
  if (version === undefined) return ['Xen version unknown: pass --xen or --facts.'];
  return (facts.domains ?? []).flatMap((d) => {
    const f = framesFor(d, facts, version);
    const need = grantNeed(d, facts.dom0?.kernelRelease);
    return [
      `${d.name}:`,
      ...needLines(need).map((l) => `  ${l}`),
      `  needed (at least): ${need.total} grants`,
      `  available: ${f.frames} frames × ${GRANTS_PER_FRAME} = ${f.frames * GRANTS_PER_FRAME} grants (${f.why})`,
      ...(f.cap ? [`  hypervisor cap on per-guest frames (4.10–4.17): ${f.cap.frames} (${f.cap.why})`] : []),
    ];
  });
}

const check = defineCheck({
  id: 'grant-frames',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['max_grant_frames', 'vif', 'disk', 'name'],
  title: "A guest's PV devices need more grant references than its grant table holds",
  severity: 'error',
  needs: ['domains'],
  xen: '>=4.0.0',
  messages: {
    exhausted:
      '{{guest}}: its PV devices need at least {{need}} grants ({{vifs}} vif(s) × {{queues}} queue(s), {{disks}} disk(s)) but it gets {{frames}} grant frames = {{grants}} grants on {{xen}} ({{why}}): some of its devices will not connect',
    'over-cap':
      '{{guest}}: {{why}} is above the hypervisor\'s cap of {{cap}} frames ({{capWhy}}): on {{xen}} the domain is not created (EINVAL)',
  },
  sources: [
    'RELEASE-4.4.0:xen/include/xen/grant_table.h (DEFAULT_MAX_NR_GRANT_FRAMES 32)',
    'RELEASE-4.10.0:xen/common/grant_table.c (default 64; a per-domain value above the command line fails with EINVAL)',
    'RELEASE-4.10.0:tools/xl/xl.c (max_grant_frames default 32 on 4.10–4.12)',
    'RELEASE-4.13.0:tools/libxl/libxl.h (LIBXL_MAX_GRANT_DEFAULT: the hypervisor default from 4.13)',
    'RELEASE-4.18.0:xen/common/grant_table.c (commit b2ea81d2b9: the command line no longer caps toolstack values)',
    'RELEASE-4.17.0:xen/include/public/io/netif.h (256-entry TX/RX rings, multi-queue)',
    'RELEASE-4.17.0:xen/include/public/io/blkif.h (32 requests per ring page, 11 segments each)',
    'Linux commit 034702a64a66 "xen/netfront: set default upper limit of tx/rx queues to 8"',
  ],
  hostOnly,
  perGuest,
  explain,
});

export default check;
