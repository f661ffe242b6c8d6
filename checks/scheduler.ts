/**
 * scheduler: the host's CPU scheduler and what guests ask of it.
 *
 * Three rules (Xen's scheduler history, commits cited in `sources`):
 * 1. BVT or SEDF as the host scheduler: warning (the field notes call both
 *    "complex and buggy"; BVT is gone in 3.0.3, SEDF in 4.6). Recommend credit,
 *    or credit2 from 4.12 where it is the default.
 * 2. `sched=` on the Xen command line naming a scheduler this version lacks:
 *    error (Xen reports "Could not find scheduler" and runs another one).
 * 3. `cpu_weight` / `cpu_cap` (xm) / `cap` (xl) in a guest while nothing reads
 *    them: a scheduler without weights/caps, credit2 before 4.10 for caps, xl
 *    before 4.2, xm before 3.0.4: warning.
 *
 * Which scheduler runs: `xen_scheduler` (xm 3.1+, xl), else `sched=` when this
 * version has it, else the version's default (sedf 3.0.0–3.0.2, credit
 * 3.0.3–4.11, credit2 4.12+). The finding's evidence says which.
 */
import { type CheckContext, cmdlineValue, defineCheck, type DomainFacts, type Facts, type Finding, hostPlace, type HostSide, keyInteger, keyPlace, keyText, keyUnreadable, placed, satisfiesXen, shownVersion, toolstackFor, versionOf } from './api.js';
import { tally, type Tally } from './lib/fold.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';

/** When each scheduler existed, as a semver range, and the commit that says so. */
export const SCHEDULERS: Record<string, { range: string; history: string }> = {
  bvt: { range: '<3.0.3', history: 'BVT was removed in 3.0.3 (db51cd09d3)' },
  sedf: { range: '<4.6.0', history: 'SEDF was removed in 4.6 (038c6afe08)' },
  credit: { range: '>=3.0.3', history: 'credit arrived in 3.0.3 (46ecd27056)' },
  credit2: { range: '>=4.1.0', history: 'credit2 arrived in 4.1 (0dd76d3d20)' },
  arinc653: { range: '>=4.1.0', history: 'arinc653 arrived in 4.1' },
  rtds: { range: '>=4.5.0', history: 'RTDS arrived in 4.5 (8726c05577)' },
  null: { range: '>=4.9.0', history: 'the null scheduler arrived in 4.9 (d671da3be3)' },
};

export function schedulerExists(name: string, version: string): boolean {
  const s = SCHEDULERS[name];
  return s !== undefined && satisfiesXen(version, s.range);
}

export function defaultScheduler(version: string): string {
  if (satisfiesXen(version, '<3.0.3')) return 'sedf';
  if (satisfiesXen(version, '<4.12.0')) return 'credit';
  return 'credit2';
}

export interface HostScheduler {
  name?: string;
  /** Which fact gave the name: "xen_scheduler", "sched= on the Xen command line", "default for Xen X". */
  source: string;
  /** The info field to point at, when the name came from one. */
  field?: string;
}

/** The scheduler this host runs, and from which fact. */
export function hostScheduler(facts: Facts, version: string | undefined, shown: string | undefined = version): HostScheduler {
  const reported = facts.host?.scheduler?.trim().toLowerCase();
  if (reported && reported !== 'unknown') return { name: reported, source: 'xen_scheduler', field: 'xen_scheduler' };
  const sched = schedOption(facts);
  if (sched !== undefined && sched !== '' && (version === undefined ? SCHEDULERS[sched] !== undefined : schedulerExists(sched, version))) {
    return { name: sched, source: `sched=${sched} on the Xen command line`, field: 'xen_commandline' };
  }
  if (version !== undefined) {
    const bad = sched !== undefined && sched !== '' ? ` (sched=${sched} is not available)` : '';
    return { name: defaultScheduler(version), source: `default for Xen ${shown ?? version}${bad}` };
  }
  return { source: 'unknown: no xen_scheduler, no sched= on the Xen command line, Xen version unknown' };
}

function schedOption(facts: Facts): string | undefined {
  const options = facts.host?.commandline?.options;
  if (!options) return undefined;
  return cmdlineValue(options, 'sched')?.trim().toLowerCase();
}

function recommendation(version: string | undefined): string {
  if (version === undefined) return 'Use the credit scheduler (sched=credit; credit2 is the default from Xen 4.12).';
  if (satisfiesXen(version, '<3.0.3')) return 'Upgrade to Xen 3.0.3 or later and use the credit scheduler (the default there); this version has no credit scheduler.';
  if (satisfiesXen(version, '>=4.12.0')) return 'Remove sched= from the Xen command line to get credit2 (the default since 4.12), or set sched=credit2 (or sched=credit).';
  return 'Boot Xen with sched=credit (or remove sched= to get credit, the default from 3.0.3 to 4.11).';
}

interface WeightKey {
  key: string;
  kind: 'weight' | 'cap';
}

/** The keys each toolstack reads for credit weights and caps (3.0.4-branched:tools/python/xen/xm/create.py, RELEASE-4.2.0:tools/libxl/xl_cmdimpl.c). */
function weightKeys(toolstack: 'xm' | 'xl'): WeightKey[] {
  return toolstack === 'xm'
    ? [
        { key: 'cpu_weight', kind: 'weight' },
        { key: 'cpu_cap', kind: 'cap' },
      ]
    : [
        { key: 'cpu_weight', kind: 'weight' },
        { key: 'cap', kind: 'cap' },
      ];
}

/** Default weight 256 and cap 0 change nothing, whoever reads them. */
function hasEffect(d: DomainFacts, w: WeightKey): boolean {
  if (keyUnreadable(d, w.key)) return true;
  const n = keyInteger(d, w.key);
  if (n === undefined) return keyText(d, w.key) !== undefined;
  return w.kind === 'weight' ? n !== 256 : n !== 0;
}

/** Why the scheduler or toolstack ignores this key, or undefined when it is honoured. */
function ignoredBecause(toolstack: 'xm' | 'xl', w: WeightKey, sched: string, version: string | undefined): string | undefined {
  const is = (range: string): boolean => version !== undefined && satisfiesXen(version, range);
  if (toolstack === 'xl' && is('<4.2.0')) return 'xl reads cpu_weight and cap from a config file only from Xen 4.2 (d9abcb8495)';
  if (toolstack === 'xm' && is('<3.0.4')) {
    // cpu_cap is not an xm option before 3.0.4 at all: the unknown-key check reports that.
    if (w.kind === 'cap') return undefined;
    return 'xm before Xen 3.0.4 passes cpu_weight to the older scheduler interface, not as a credit weight (c70026c446)';
  }
  if (sched === 'credit') return undefined;
  if (sched === 'credit2') {
    if (w.kind === 'weight') return undefined;
    if (version === undefined) return undefined;
    return is('<4.10.0') ? 'credit2 honours caps only from Xen 4.10 (ad4b3e1e9d)' : undefined;
  }
  return `the ${sched} scheduler has no ${w.kind === 'weight' ? 'weights' : 'caps'} (only credit${w.kind === 'weight' ? ' and credit2 have' : ', and credit2 from 4.10, have'} them)`;
}

const check = defineCheck({
  id: 'scheduler',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['cpu_weight', 'cpu_cap', 'cap'],
  title: 'Host scheduler BVT/SEDF, sched= naming a scheduler this Xen lacks, or weights/caps nothing reads',
  severity: 'warning',
  // The version alone tells the default scheduler, so linting against --xen works without host facts.
  needs: [],
  messages: {
    'no-such-scheduler': 'sched={{sched}} on the Xen command line, but {{xen}} has no such scheduler: {{why}}{{runs}}',
    'legacy-scheduler': 'Host scheduler is {{scheduler}} ({{source}}): {{scheduler}} is known as complex and buggy and was {{fate}}',
    'pool-scheduler-unknown':
      '{{guest}}: {{key}} = {{value}} in cpupool {{pool}}, whose scheduler xenlint does not know; it is ignored unless that pool runs {{honouredBy}}',
    'host-scheduler-unknown':
      "{{guest}}: {{key}} = {{value}}, but the host's scheduler is unknown ({{source}}); it has an effect only under {{honouredBy}}",
    'no-effect': '{{guest}}: {{key}} = {{value}} has no effect: {{because}}',
  },
  sources: [
    `${XEN_LIMITATIONS}, "Xen schedulers" (BVT and SEDF "complex and buggy")`,
    'db51cd09d3 (BVT removed, gone in 3.0.3); 46ecd27056 (credit, 3.0.3); 038c6afe08 (SEDF removed, gone in 4.6)',
    'dafd936ddd (credit2 default, 4.12); 0dd76d3d20 (credit2, 4.1); 8726c05577 (RTDS, 4.5); d671da3be3 (null, 4.9)',
    'ad4b3e1e9d, 6881702486 (credit2 caps, 4.10)',
    'c70026c446 (xm cpu_weight/cpu_cap, 3.0.4); d9abcb8495 (xl cpu_weight/cap, 4.2)',
    '3.0.3-branched:xen/common/schedule.c (opt_sched); edf5361fb2 (xen_scheduler in xm info, 3.1)',
  ],
  hostOnly(facts, ctx) {
    const version = versionOf(facts, ctx);
    const shown = shownVersion(facts, ctx);
    const host = hostScheduler(facts, version, shown);
    const findings: Finding[] = [];
    const cmdline = facts.host?.commandline?.raw;

    const sched = schedOption(facts);
    if (host.name === undefined && sched === undefined && ctx.mode === 'lint') {
      return { skip: `host scheduler ${host.source}: pass --xen or --facts` };
    }
    if (sched !== undefined) {
      const known = SCHEDULERS[sched];
      const missing = known === undefined || (version !== undefined && !schedulerExists(sched, version));
      if (missing) {
        const why = known ? known.history : `no Xen has a scheduler named "${sched}" (known: ${Object.keys(SCHEDULERS).join(', ')})`;
        const runs = host.name !== undefined && host.field !== 'xen_commandline' ? `; it runs ${host.name} (${host.source})` : '';
        findings.push(placed(hostPlace(facts, 'xen_commandline'), {
          key: 'sched',
          severity: 'error',
          messageId: 'no-such-scheduler',
          data: { sched, xen: shown !== undefined ? `Xen ${shown}` : 'Xen', why, runs },
          remediation: `Xen reports "Could not find scheduler" and runs another one. ${recommendation(version)}`,
          evidence: { sched, ...(cmdline !== undefined ? { xen_commandline: cmdline } : {}), ...(shown !== undefined ? { xen_version: shown } : {}) },
        }));
      }
    }

    if (host.name === 'bvt' || host.name === 'sedf') {
      const label = host.name.toUpperCase();
      const fate = host.name === 'bvt' ? 'removed in Xen 3.0.3' : 'removed in Xen 4.6';
      findings.push({
        ...(host.field !== undefined ? hostPlace(facts, host.field) : hostPlace(facts, 'xen_version')),
        key: 'xen_scheduler',
        messageId: 'legacy-scheduler',
        data: { scheduler: label, source: host.source, fate },
        remediation: recommendation(version),
        evidence: { scheduler: host.name, scheduler_source: host.source, ...(shown !== undefined ? { xen_version: shown } : {}) },
      });
    }
    return findings;
  },
  perGuest(d, facts, ctx) {
    return guestFindings(d, facts, ctx);
  },
  // Whether the guest had anything to say, for the one skip that needs every guest:
  // no finding at all while the host's scheduler is unknown (check mode).
  summarize(d, facts, ctx) {
    if (hostScheduler(facts, versionOf(facts, ctx), shownVersion(facts, ctx)).name !== undefined || schedOption(facts) !== undefined) return undefined;
    return guestFindings(d, facts, ctx).length > 0;
  },
  fold: tally({ said: (said: boolean) => said }),
  across(guests: Tally<'said'>, facts, ctx) {
    const host = hostScheduler(facts, versionOf(facts, ctx), shownVersion(facts, ctx));
    if (host.name === undefined && schedOption(facts) === undefined && !guests.said) return { skip: `host scheduler ${host.source}` };
    return [];
  },
});

function guestFindings(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] {
  const version = versionOf(facts, ctx);
  const shown = shownVersion(facts, ctx);
  const host = hostScheduler(facts, version, shown);
  const findings: Finding[] = [];
  // The toolstack that will read the file, not the syntax it happens to be written in.
  const toolstack = toolstackFor(d.dialect, facts, version).toolstack;
  for (const w of weightKeys(toolstack)) {
    if (d.keys[w.key] === undefined || !hasEffect(d, w)) continue;
    const value = keyText(d, w.key) ?? '(needs evaluation)';
    const pool = keyText(d, 'pool');
    if (pool !== undefined && pool !== 'Pool-0') {
      findings.push(placed(keyPlace(d, w.key), {
        unverified: true,
        messageId: 'pool-scheduler-unknown',
        data: { guest: d.name, key: w.key, value, pool, honouredBy: w.kind === 'weight' ? 'credit or credit2' : 'credit' },
        remediation: `Check the pool's scheduler (xl cpupool-list -c / xl cpupool-list), and drop ${w.key} if it does not use ${w.kind === 'weight' ? 'weights' : 'caps'}.`,
        evidence: { pool, [w.key]: value },
      }));
      continue;
    }
    if (host.name === undefined) {
      findings.push(placed(keyPlace(d, w.key), {
        unverified: true,
        messageId: 'host-scheduler-unknown',
        data: { guest: d.name, key: w.key, value, source: host.source, honouredBy: w.kind === 'weight' ? 'credit or credit2' : 'credit (credit2 from 4.10)' },
        remediation: 'Pass --xen or --facts so xenlint knows the scheduler, or check xen_scheduler in xl info.',
        evidence: { [w.key]: value },
      }));
      continue;
    }
    const because = ignoredBecause(toolstack, w, host.name, version);
    if (because === undefined) continue;
    findings.push(placed(keyPlace(d, w.key), {
      messageId: 'no-effect',
      data: { guest: d.name, key: w.key, value, because },
      remediation:
        w.kind === 'weight'
          ? 'Drop cpu_weight, or run a scheduler and toolstack that honour it (credit, or credit2).'
          : `Drop ${w.key}, or run a scheduler and toolstack that honour it (credit, or credit2 from Xen 4.10).`,
      evidence: {
        [w.key]: value,
        scheduler: host.name,
        scheduler_source: host.source,
        toolstack,
        ...(shown !== undefined ? { xen_version: shown } : {}),
      },
    }));
  }
  return findings;
}

export default check;
