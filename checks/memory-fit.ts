/**
 * memory-fit: Xen does not page, so guests get real RAM or do not start.
 *
 * Rules:
 * - per guest: `maxmem < memory` (error); a PV guest with `maxmem > memory` on
 *   Xen 3.0.4, where a restore allocates maxmem (warning, field notes); an HVM
 *   guest with `maxmem > memory` (warning): before populate-on-demand it takes
 *   maxmem at start, with PoD it starts pre-ballooned and crashes without a
 *   balloon driver.
 * - host: dom0 plus the guests that start with the host must fit in
 *   `total_memory` (error; a warning when only dom0's current, ballooning size
 *   tips it over).
 * - deploy: each guest being deployed must fit in `free_memory`, which
 *   already excludes outstanding claims (error; a warning when dom0 could
 *   balloon down to make room). Each on its own: a host's /etc/xen holds
 *   configs nobody means to start together. The guests being deployed are the
 *   ones named by the `deploy` option (`--deploy`); otherwise, on a host, those
 *   dom0's `xl list` does not show running (a single given guest when that is
 *   unknown); in `lint` against a saved capture (`--facts` with an xl/xm info
 *   output or a snapshot), every given config. Figures from a capture are
 *   named as such, with the capture's age when it is known.
 */
import {
  captureLabel,
  type CheckContext,
  CutText,
  cutValues,
  defineCheck,
  dom0MayBalloon,
  dom0Size,
  type DomainFacts,
  type Finding,
  type Footprint,
  type GuestRef,
  footprint,
  hostPlace,
  type HostSide,
  keyPlace,
  listNames,
  placed,
  satisfiesXen,
  shownVersion,
  term,
  versionOf,
  xenLabel,
} from './api.js';
import { XEN_LIMITATIONS } from './lib/field-notes.js';
import { joinMany } from './lib/guest.js';
import { Float64List, Int32List, RecordLog } from './lib/guest-records.js';

interface Analysis {
  findings: Finding[];
  lines: string[];
  /** Whether a host-level rule could be evaluated. */
  hostChecked: boolean;
}

function optionNumber(ctx: CheckContext, name: string): number | undefined {
  const v = ctx.options[name];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function guestRules(d: DomainFacts, version: string | undefined, shown: string | undefined): Finding[] {
  const mem = d.memoryMiB;
  const max = d.maxmemMiB;
  if (max === undefined) return [];
  const memory = mem ?? 128;
  const evidence = { memory: memory, maxmem: max, type: d.type, ...(shown !== undefined ? { xen_version: shown } : {}) };
  if (max < memory) {
    return [
      placed(keyPlace(d, 'maxmem'), {
        severity: 'error',
        messageId: mem === undefined ? 'maxmem-below-default-memory' : 'maxmem-below-memory',
        data: { guest: d.name, maxmem: max, memory },
        remediation: 'Set maxmem to at least memory, or drop maxmem (it defaults to memory).',
        evidence,
      }),
    ];
  }
  if (max === memory) return [];
  if (d.type === 'pv') {
    const on304 = version !== undefined ? satisfiesXen(version, '>=3.0.4 <3.1.0') : undefined;
    if (on304 === false || (on304 === undefined && d.dialect === 'xl')) return [];
    return [
      placed(keyPlace(d, 'maxmem'), {
        severity: 'warning',
        ...(on304 === undefined ? { unverified: true } : {}),
        messageId: on304 === undefined ? 'pv-restore-maxmem-unverified' : 'pv-restore-maxmem',
        data: { guest: d.name, maxmem: max, memory, xen: xenLabel(shown) },
        remediation:
          on304 === undefined
            ? 'Pass --xen (or run on the host) so xenlint knows the version; on 3.0.4 keep maxmem = memory for guests you save or migrate, or keep maxmem free on the destination.'
            : 'Keep maxmem = memory for guests you save or migrate on 3.0.4, or make sure the destination host has maxmem free.',
        evidence,
      }),
    ];
  }
  if (d.type === 'hvm') {
    const fp = footprint(d, version, 0);
    if (fp.startKey === 'maxmem') {
      const when = version !== undefined ? `on ${xenLabel(shown)}` : 'with an xm config and the Xen version unknown';
      return [
        placed(keyPlace(d, 'maxmem'), {
          severity: 'warning',
          messageId: 'hvm-takes-maxmem',
          data: { guest: d.name, maxmem: max, memory, when },
          remediation: `Set memory = maxmem = the size you mean (${memory} MiB or ${max} MiB); the guest gets maxmem anyway.`,
          evidence,
        }),
      ];
    }
    return [
      placed(keyPlace(d, 'maxmem'), {
        severity: 'warning',
        messageId: 'hvm-pre-ballooned',
        data: { guest: d.name, maxmem: max, memory },
        remediation: 'Make sure the guest runs PV drivers with a balloon driver (Linux: xen-balloon; Windows: the Xen PV drivers), or set maxmem = memory.',
        evidence,
      }),
    ];
  }
  return [];
}

/** A guest's part in the host arithmetic, and whether its own maxmem rules found something (which keeps the check from skipping). */
interface MemorySummary {
  fp: Footprint;
  ruled: boolean;
}

function deployOption(ctx: CheckContext): string[] {
  const v = ctx.options['deploy'];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * A guest's part in the host arithmetic as the fold keeps it: what analyse
 * reads (its name and autostart, its figures and note), and where `startKey`
 * is written only when the guest could be reported for not fitting in
 * free_memory (it needs more than the host has free).
 */
type KeptFootprint = Pick<Footprint, 'domain' | 'startMiB' | 'totalMiB' | 'note'> & { place?: Footprint['place'] };

/**
 * memory-fit's fold: every guest's KeptFootprint (the autostart arithmetic
 * names them all), and whether any had a maxmem finding. Off the heap until
 * `across` (issue 14): each guest's figures in typed arrays, its name, note
 * and place (when kept) in a record (RecordLog).
 */
interface MemoryFold {
  free: number | undefined;
  ruled: boolean;
  startMiB: Float64List;
  totalMiB: Float64List;
  /** 1 autostart, 0 not, -1 unknown. */
  autostart: Int32List;
  /** Per guest: [name, note or null, place or null]. */
  records: RecordLog;
}

function keptFootprint(state: MemoryFold, { fp, ruled }: MemorySummary, g: GuestRef): void {
  state.startMiB.push(fp.startMiB);
  state.totalMiB.push(fp.totalMiB);
  state.autostart.push(fp.domain.autostart === undefined ? -1 : fp.domain.autostart ? 1 : 0);
  const place = state.free !== undefined && fp.totalMiB > state.free ? fp.place : null;
  state.records.add(JSON.stringify([g.name, fp.note ?? null, place]));
  if (ruled) state.ruled = true;
}

/**
 * The guests analyse reads, by reading order: the figures it adds up for each
 * guest, and the rest of a footprint (name, note, place) only for the guests a
 * line or a finding names. From the fold, that is one record read back at a
 * time, not 100 000 footprints rebuilt at once (issue 14).
 */
interface Guests {
  readonly length: number;
  autostart(i: number): boolean | undefined;
  totalMiB(i: number): number;
  at(i: number): KeptFootprint;
}

function listedGuests(fps: KeptFootprint[]): Guests {
  return {
    length: fps.length,
    autostart: (i) => fps[i]!.domain.autostart,
    totalMiB: (i) => fps[i]!.totalMiB,
    at: (i) => fps[i]!,
  };
}

function foldedGuests(state: MemoryFold): Guests {
  return {
    length: state.records.length,
    autostart: (i) => {
      const auto = state.autostart.at(i);
      return auto === -1 ? undefined : auto === 1;
    },
    totalMiB: (i) => state.totalMiB.at(i),
    at: (i) => {
      const [name, note, place] = JSON.parse(state.records.get(i)) as [string, string | null, Footprint['place'] | null];
      const auto = state.autostart.at(i);
      const kept: KeptFootprint = { domain: auto === -1 ? { name } : { name, autostart: auto === 1 }, startMiB: state.startMiB.at(i), totalMiB: state.totalMiB.at(i) };
      if (note !== null) kept.note = note;
      if (place !== null) kept.place = place;
      return kept;
    },
  };
}

function sumOf(guests: Guests, ids: ArrayLike<number>): number {
  let n = 0;
  for (let k = 0; k < ids.length; k++) n += guests.totalMiB(ids[k]!);
  return n;
}

function namesOf(guests: Guests, ids: ArrayLike<number>): string[] {
  return Array.from(ids, (i) => guests.at(i).domain.name);
}

/** Guests by number, in order, those `keep` accepts: in an Int32Array (a JS array of 75 000 numbers grew in large-object space, garbage until a full GC: issue 14). */
function guestsWhere(guests: Guests, keep: (i: number) => boolean): Int32Array {
  const ids = new Int32Array(guests.length);
  let n = 0;
  for (let i = 0; i < guests.length; i++) if (keep(i)) ids[n++] = i;
  return ids.subarray(0, n);
}

/**
 * The host-level arithmetic over every guest's footprint (memory-fit's
 * cross-guest summary): autostart guests against total_memory, the guests
 * being deployed against free_memory. The per-guest maxmem rules are apart
 * (guestRules) and add no lines.
 */
function analyse(facts: HostSide, guests: Guests, ctx: CheckContext, explaining = false): Analysis {
  const overhead = optionNumber(ctx, 'overheadPercent') ?? 0;
  const findings: Finding[] = [];
  const lines: string[] = [];
  // Only `explain` shows the lines: a lint of 100 000 guests would make a few for each and drop them (issue 14).
  const say = (line: () => string): void => {
    if (explaining) lines.push(line());
  };
  let hostChecked = false;

  const shown = shownVersion(facts, ctx);
  say(() => `${xenLabel(shown)}; overhead ${overhead}% added to each guest${overhead === 0 ? ' (shadow/p2m overhead exists; set overheadPercent to count it)' : ''}`);
  if (explaining) for (let i = 0; i < guests.length; i++) {
    const fp = guests.at(i);
    const notes = [fp.note, overhead > 0 ? `${fp.startMiB} + ${overhead}%` : undefined].filter((n) => n !== undefined);
    lines.push(`  ${fp.domain.name}: ${fp.totalMiB} MiB${notes.length ? ` (${notes.join('; ')})` : ''}`);
  }

  const host = facts.host;
  const dom0 = dom0Size(facts, optionNumber(ctx, 'dom0MiB'));
  const balloon = dom0MayBalloon(facts);
  for (const r of dom0.remarks) say(() => `dom0: ${r}`);
  const dom0Term = dom0.mib !== undefined ? `dom0 ${dom0.mib} MiB (${dom0.source})` : 'dom0 unknown (excluded: no dom0_mem, no dom0 size)';
  say(() => dom0.mib !== undefined ? `${dom0Term}${dom0.fixed ? '' : `; ${balloon.why}`}` : dom0Term);

  // The guests that start with the host.
  let anyKnown = false;
  for (let i = 0; i < guests.length && !anyKnown; i++) anyKnown = guests.autostart(i) !== undefined;
  const counted = (i: number): boolean => !anyKnown || guests.autostart(i) === true;
  const autostart = guestsWhere(guests, counted);
  const excluded = explaining && anyKnown ? namesOf(guests, guestsWhere(guests, (i) => !counted(i))) : [];
  say(() =>
    anyKnown
      ? `autostart set: ${autostart.length ? listNames(namesOf(guests, autostart)) : 'none'} (autostart known${excluded.length ? `; not counted: ${listNames(excluded)}` : ''})`
      : 'autostart set: all given guests (no guest says whether it starts with the host)',
  );

  const total = host?.totalMemoryMiB;
  const guestSum = sumOf(guests, autostart);
  const sum = guestSum + (dom0.mib ?? 0);
  const termOf = (j: number): string => (j === 0 ? dom0Term : term(guests.at(autostart[j - 1]!), overhead));
  const terms = (): string => joinMany(autostart.length + 1, termOf, ' + ');
  if (total === undefined) {
    say(() => `${terms()} = ${sum} MiB; total_memory unknown: not compared`);
  } else {
    hostChecked = true;
    const over = sum > total;
    const comparison = ` = ${sum} MiB ${over ? '>' : '<='} total_memory ${total} MiB`;
    say(() => `${terms()}${comparison}`);
    const cutArith = (): string => new CutText().join(autostart.length + 1, termOf, ' + ').add(comparison).toString();
    if (over && autostart.length > 0) {
      const softened = !dom0.fixed && dom0.mib !== undefined && balloon.may && guestSum <= total;
      findings.push({
        ...hostPlace(facts, 'total_memory'),
        key: 'total_memory',
        severity: softened ? 'warning' : 'error',
        // The arithmetic and the guests as the report cuts them (CutText): not two strings of every autostart guest.
        ...(softened
          ? { messageId: 'autostart-overcommit-if-dom0-balloons', data: cutValues({ arith: cutArith(), dom0: dom0.mib ?? 0 }) }
          : { messageId: 'autostart-overcommit', data: cutValues({ arith: cutArith() }) }),
        remediation: softened
          ? 'Set dom0_mem= on the Xen command line (with autoballoon off) so dom0 has a fixed size, then size the guests to fit beside it.'
          : 'Lower memory/maxmem of the autostart guests, start fewer of them with the host (/etc/xen/auto), shrink dom0 (dom0_mem=), or add RAM.',
        evidence: cutValues({
          total_memory: total,
          dom0: dom0.mib !== undefined ? `${dom0.mib} MiB (${dom0.source})` : 'unknown (excluded)',
          guests: new CutText().join(autostart.length, (j) => `${guests.at(autostart[j]!).domain.name}=${guests.totalMiB(autostart[j]!)}`, ' ').toString(),
          overheadPercent: overhead,
        }),
      });
    }
  }

  // The guests being deployed now, against free_memory: the host's now, or a capture's as of then.
  const free = host?.freeMemoryMiB;
  const capture = captureLabel(facts);
  const named = deployOption(ctx);
  if (ctx.mode !== 'check' && capture === undefined) {
    say(() => 'free_memory: not compared in lint mode without a saved capture (--facts with an xl/xm info output or a snapshot)');
  } else if (free === undefined) {
    say(() => `free_memory unknown${capture !== undefined ? ` in the capture ${capture}` : ''}: not compared`);
  } else {
    const running = facts.dom0?.running;
    let deploy: Int32Array | undefined;
    const all = (): Int32Array => guestsWhere(guests, () => true);
    if (named.length > 0) {
      const chosen = guestsWhere(guests, (i) => named.includes(guests.at(i).domain.name));
      deploy = chosen;
      say(() => `to deploy (named): ${chosen.length ? listNames(namesOf(guests, chosen)) : 'none of the given guests'}`);
    } else if (running) {
      const names = new Set(running.map((r) => r.name));
      const stopped = guestsWhere(guests, (i) => !names.has(guests.at(i).domain.name));
      deploy = stopped;
      say(() => `not running (to deploy): ${stopped.length ? listNames(namesOf(guests, stopped)) : 'none'}`);
    } else if (guests.length === 1) {
      deploy = Int32Array.of(0);
      say(() => `one guest given and which guests run is unknown: ${guests.at(0).domain.name} taken as the one being deployed`);
    } else if (ctx.mode === 'lint') {
      deploy = all();
      say(() => `several guests given: each is judged alone as the one being deployed (${listNames(namesOf(guests, all()))})`);
    } else {
      say(() => 'several guests given and which run is unknown: free_memory not compared');
    }
    if (deploy && deploy.length > 0) {
      hostChecked = true;
      const claims = host?.outstandingClaimsMiB;
      const freeText = `free_memory ${free} MiB${claims ? ` (after ${claims} MiB outstanding claims)` : ''}${capture !== undefined ? ` as of the capture ${capture}` : ''}`;
      const reclaim = !dom0.fixed && balloon.may ? dom0.mib : undefined;
      // Each guest must be able to start now on its own; configs that are not running are not a plan to start them all at once.
      for (const i of deploy) {
        const need = guests.totalMiB(i);
        say(() => `${term(guests.at(i), overhead)} MiB ${need > free ? '>' : '<='} ${freeText}`);
        if (need <= free) continue;
        const fp = guests.at(i);
        const softened = reclaim !== undefined && need <= free + reclaim;
        findings.push({
          ...fp.place!,
          severity: softened ? 'warning' : 'error',
          messageId: softened ? 'no-room-unless-dom0-balloons' : 'no-room',
          data: {
            guest: fp.domain.name,
            need,
            note: fp.note !== undefined ? ` (${fp.note})` : '',
            free: freeText,
            ...(softened ? { dom0: reclaim ?? 0, why: balloon.why } : {}),
          },
          remediation: `${softened
            ? "Make room deliberately: set dom0_mem= (or shrink dom0 with xl mem-set 0), or lower the guest's memory."
            : "Lower the guest's memory/maxmem, stop or shrink another guest first, or start it on a host with more free memory."}${capture !== undefined ? ' If the host has changed since the capture, capture `xl info` again before deciding.' : ''}`,
          evidence: {
            free_memory: free,
            ...(facts.savedIn !== undefined ? { capture: facts.savedIn } : {}),
            ...(facts.capturedAt !== undefined ? { captured_at: facts.capturedAt } : {}),
            ...(claims !== undefined ? { outstanding_claims: claims } : {}),
            needed: need,
            ...(reclaim !== undefined ? { dom0_current: reclaim } : {}),
            overheadPercent: overhead,
          },
        });
      }
      if (deploy.length > 1) {
        const together = sumOf(guests, deploy);
        say(() => `together ${together} MiB ${together > free ? '>' : '<='} ${freeText} (each guest is required to fit on its own)`);
      }
    }
  }
  return { findings, lines, hostChecked };
}

const check = defineCheck({
  id: 'memory-fit',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['maxmem'],
  title: 'Guests and dom0 must fit in the host\'s RAM (Xen does not page); maxmem must make sense',
  severity: 'error',
  needs: ['domains'],
  messages: {
    'maxmem-below-memory': '{{guest}}: maxmem {{maxmem}} MiB is below memory {{memory}} MiB',
    'maxmem-below-default-memory': '{{guest}}: maxmem {{maxmem}} MiB is below memory {{memory}} MiB (the 128 MiB default)',
    'pv-restore-maxmem':
      '{{guest}}: PV guest with maxmem {{maxmem}} MiB above memory {{memory}} MiB: on {{xen}} a saved or migrated guest is restored with maxmem allocated ({{maxmem}} MiB instead of {{memory}} MiB)',
    'pv-restore-maxmem-unverified':
      '{{guest}}: PV guest with maxmem {{maxmem}} MiB above memory {{memory}} MiB; Xen version unknown: on Xen 3.0.4 a saved or migrated guest is restored with maxmem allocated ({{maxmem}} MiB instead of {{memory}} MiB)',
    'hvm-takes-maxmem':
      '{{guest}}: HVM guest with memory {{memory}} MiB and maxmem {{maxmem}} MiB takes maxmem at start {{when}}: an HVM guest cannot balloon before populate-on-demand (Xen 3.4)',
    'hvm-pre-ballooned':
      '{{guest}}: HVM guest starts pre-ballooned (memory {{memory}} MiB < maxmem {{maxmem}} MiB): without a balloon driver in the guest it crashes once it uses more than {{memory}} MiB',
    'autostart-overcommit': 'Guests that start with the host do not fit in its memory: {{arith}}',
    'autostart-overcommit-if-dom0-balloons':
      'Guests that start with the host do not fit in its memory: {{arith}}; dom0 has no dom0_mem and may balloon down from its current {{dom0}} MiB, so they may still fit',
    'no-room': '{{guest}}: needs {{need}} MiB to start{{note}}, more than {{free}}',
    'no-room-unless-dom0-balloons': '{{guest}}: needs {{need}} MiB to start{{note}}, more than {{free}}; it fits only if dom0 balloons down from {{dom0}} MiB ({{why}})',
  },
  sources: [
    `${XEN_LIMITATIONS}, "Xen does not page" (HVM allocates maxmem at start; 3.0.4 restore allocates maxmem)`,
    'RELEASE-4.17.0:docs/man/xl.cfg.5.pod.in (memory, maxmem; HVM with maxmem > memory is pre-ballooned)',
    'RELEASE-4.17.0:docs/man/xl.conf.5.pod.in (autoballoon); RELEASE-4.4.0:tools/python/xen/xend/XendOptions.py (dom0-min-mem, enable-dom0-ballooning; 54cdc383f1)',
    'RELEASE-4.17.0:docs/misc/xen-command-line.pandoc (dom0_mem)',
    '8f28de1ec0 (free_memory excludes outstanding claims, xl 4.3)',
    'RELEASE-4.0.0:xen/arch/x86/mm/p2m.c (populate-on-demand, 2009)',
  ],
  options: {
    type: 'object',
    properties: {
      overheadPercent: { type: 'number', minimum: 0, maximum: 100, description: 'Added to each guest\'s memory for shadow/p2m and device-model overhead.' },
      dom0MiB: { type: 'integer', minimum: 0, description: 'dom0\'s size in MiB, overriding dom0_mem and dom0\'s current size.' },
      deploy: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Names of the guests being deployed, each judged alone against free_memory (set by --deploy).' },
    },
    additionalProperties: false,
  },
  defaults: { overheadPercent: 0 },
  perGuest(d, facts, ctx) {
    const version = versionOf(facts, ctx);
    const findings = guestRules(d, version, shownVersion(facts, ctx));
    return { findings, summary: { fp: footprint(d, version, optionNumber(ctx, 'overheadPercent') ?? 0), ruled: findings.length > 0 } };
  },
  fold: {
    init: (facts): MemoryFold => ({
      free: facts.host?.freeMemoryMiB,
      ruled: false,
      startMiB: new Float64List(),
      totalMiB: new Float64List(),
      autostart: new Int32List(),
      records: new RecordLog(),
    }),
    step: keptFootprint,
  },
  across(guests: MemoryFold, facts, ctx) {
    const count = guests.records.length;
    let a: Analysis;
    try {
      a = analyse(facts, foldedGuests(guests), ctx);
    } finally {
      // Freed now, not at a full GC: the checks after this one make their own garbage (issue 14).
      guests.records.close();
      for (const list of [guests.startMiB, guests.totalMiB, guests.autostart]) list.close();
    }
    if (!guests.ruled && a.findings.length === 0 && !a.hostChecked) {
      return {
        skip: `host memory unknown (no total_memory/free_memory): only maxmem against memory was checked, for ${count} guest(s)`,
      };
    }
    return a.findings;
  },
  explain(facts, ctx) {
    const version = versionOf(facts, ctx);
    const overhead = optionNumber(ctx, 'overheadPercent') ?? 0;
    return analyse(
      facts,
      listedGuests((facts.domains ?? []).map((d) => footprint(d, version, overhead))),
      ctx,
      true,
    ).lines;
  },
});

export default check;
