/**
 * Runs the selected checks over the Facts and gives each exactly one status.
 * Nothing is dropped silently: a check whose facts are absent is "skipped" with
 * the reason, one outside its Xen range "not-applicable" with the range, one that
 * throws "error" with what it threw — and the other checks still run.
 */
import { guestPartOf, guestRefOf, hasParts, hostSideOf, PartsRun, type Check, type CheckMeta, type GuestPart, type CheckContext, type CheckOutcome, type Finding, type HostSide, type ReportedFinding, type RunReport, type Skip, type Status } from '../model/contract.js';
import { isRefusal, refusalOf, type DomainFacts, type Facts, type Suppression } from '../model/facts.js';
import type { Severity } from '../model/diagnostic.js';
import { satisfiesXen } from '../model/xen-version.js';
import { TOOL_VERSION } from '../model/tool-version.js';
import { boundedValue, findingCode, renderFinding } from '../model/messages.js';
import { sha256Hex } from '../model/sha256.js';
import { FindingLine, FindingMemory, forEachSeverity, withSeverities, type FindingStore } from '../model/finding-store.js';
import { isTempFileFailure } from '../model/temp-file-failure.js';
import { FindingIds } from './finding-ids.js';
import { FileCounts } from './file-counts.js';
import { UNUSED_SUPPRESSION } from '../../checks/unused-suppression.js';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface CheckRunSettings {
  severity?: Severity;
  options?: Record<string, unknown>;
}

export interface EngineOptions {
  command: 'check' | 'lint';
  /** Version to check against and where it came from ("xl info", "--xen", "config"). */
  xen?: { version: string; source: string };
  settings?: Map<string, CheckRunSettings>;
  /**
   * Accepted findings (--baseline): fingerprint -> how many findings with it were
   * accepted. Two findings of one kind on one key of one guest share a
   * fingerprint, so the count is what keeps a third one from hiding behind them.
   */
  baseline?: ReadonlyMap<string, number>;
  files?: string[];
  problems?: RunReport['problems'];
  /** Shown with the summary: how the run judged its inputs. */
  notes?: string[];
  /** Findings of one check for one file shown before the rest become one summary finding (default FINDINGS_PER_CHECK_PER_FILE). */
  findingsPerCheckPerFile?: number;
  /**
   * Ids of checks that run elsewhere (the fleet checks, across hosts): a
   * directive naming one is for that run, so it is never called unused here.
   */
  foreignIds?: ReadonlySet<string>;
}

/** README "Limits": a check reports at most this many findings per file; the rest are counted in one finding. */
export const FINDINGS_PER_CHECK_PER_FILE = 100;

/** The message id of the engine's summary finding ("and 49 998 more"). */
export const MORE_FINDINGS_ID = 'more-findings';

export const UNUSED_SUPPRESSION_ID = UNUSED_SUPPRESSION.id;

/** Runs every check over Facts that hold all their guests: a session fed those guests. */
export function runChecks(checks: Check[], facts: Facts, opts: EngineOptions): RunReport {
  const session = new RunSession(checks, hostSideOf(facts), opts, facts);
  for (const d of facts.domains ?? []) session.addGuest(d);
  return session.finish();
}

/** One check's state in a session. */
interface CheckState {
  check: Check;
  ctx: CheckContext;
  severityOverride: Severity | undefined;
  /** Version-2 parts being fed, when the check's host-side gates let it run. */
  parts?: PartsRun;
  /** What a part threw: the check's status is "error" with it, and it is fed no more guests. */
  threw?: string;
  /** Its per-guest findings, reported as each guest arrives. */
  guests: Arrivals;
  /** What it said about refused guests, each judged alone, on the refusal's line (see atRefusal), reported likewise. */
  aboutRefused: Arrivals;
  durationMs: number;
}

/**
 * A check's findings reported as their guests arrive (issue 14): rendered,
 * fingerprinted and matched against the inline suppressions of their file when
 * the guest's result comes in, so that the run keeps one ReportedFinding per
 * finding shown and nothing of the suppressed ones. What they add to the
 * outcome — the findings, the suppressed count, the suppressions used, or a
 * finding that would not render — counts only if the check settles in `finish`
 * (a check that ends in error or skipped hides nothing).
 */
class Arrivals {
  /** Reported, not hidden by an inline suppression known on arrival, as kept in the run's FindingStore; in reading order. Empty once one failed to render. */
  shown = new FindingIds();
  /** How many arrived at all (before suppressions). */
  count = 0;
  suppressed = 0;
  readonly used = new Set<Suppression>();
  /** Why the first of them that would not render did not (renderFinding): the check's error unless a finding listed before them fails first. */
  failure: string | undefined;
}

/**
 * One guest's findings of one check as a run reported them on arrival, for
 * `lint --cache` to hand back to the next run (RunSession.addGuestSettling,
 * addGuestResult's `settled`): rendered and fingerprinted, with the check's
 * own severity (the run's override is applied when handed back), and which of
 * the guest's own directives hid the rest.
 */
export interface SettledPart {
  /** Reported and not suppressed on arrival, in order; a FindingLine where lint --cache kept it as the spill's line. */
  shown: Array<ReportedFinding | FindingLine>;
  /** One per finding a directive hid on arrival: that directive's index in the guest's `suppressions`. */
  suppressedBy: number[];
}

/** What addGuestSettling collects while a guest is added. */
interface Recording {
  r: GuestResult;
  parts: Array<SettledPart | undefined>;
  /** The planned check whose guest findings arrive now; -1 between checks. */
  index: number;
  /** False once what arrives depends on more than the guest itself. */
  ok: boolean;
}

/** What a guest leaves behind for the unused-suppression report once its facts are dropped. */
interface GuestSuppressions {
  name: string;
  file?: string;
  suppressions: Suppression[];
}

/**
 * A run fed one guest at a time (issue 14): each guest's per-guest parts run
 * when it arrives and its summaries are kept; nothing else of the guest is, so
 * the caller may drop its text and DomainFacts. Cross-guest and host parts, the
 * statuses, suppressions and baseline are applied in `finish`, in the order the
 * whole-facts engine applied them, so the report is the same byte for byte.
 *
 * Version-1 checks (a plugin's `run(facts)`) need every guest at the end: with
 * one among the checks the session keeps each guest it is given (`keepsGuests`).
 */
export class RunSession {
  private readonly states: CheckState[];
  /** The states that look at guests, fixed at the first guest (see guestPlan). */
  private plannedStates: CheckState[] | undefined;
  /** What addGuest runs on each guest: the planned checks but those that threw (made again when one throws). */
  private live: Array<{ check: Check; ctx: CheckContext } | undefined> | undefined;
  /** addGuest's per-guest timings, one buffer for every guest (a Float64Array per guest is an ArrayBuffer per guest). */
  private liveMs: Float64Array | undefined;
  private readonly kept: DomainFacts[] | undefined;
  private readonly guestSuppressions: GuestSuppressions[] = [];
  private readonly suppressions = new Map<string, Suppression[]>();
  /** Evidence records shared between the findings a store keeps as objects; none for a store that writes them out (keepsObjects false). */
  private evidence: SharedValues | undefined = new SharedValues();
  /** Where the findings shown are kept until the report (see keepFindingsIn). */
  private store: FindingStore = new FindingMemory();
  private guests = 0;
  /** What the guest being added reports on arrival, while addGuestSettling records it. */
  private recording: Recording | undefined;
  /** False once holdNoMore has run. */
  private holding = true;
  /** True when a version-1 check is among the checks: every guest is kept until `finish`. */
  readonly keepsGuests: boolean;

  constructor(
    checks: Check[],
    private readonly host: HostSide,
    private readonly opts: EngineOptions,
    /** The caller's own Facts when it holds every guest already (runChecks): version-1 checks get that very object. */
    private readonly whole?: Facts,
  ) {
    const ctxBase = { mode: opts.command, ...(opts.xen ? { xenVersion: opts.xen.version } : {}) };
    this.keepsGuests = checks.some((c) => !hasParts(c));
    this.kept = this.keepsGuests && !whole ? [] : undefined;
    this.states = checks.map((check) => {
      const settings = opts.settings?.get(check.id) ?? {};
      const ctx: CheckContext = { ...ctxBase, options: { ...(check.defaults ?? {}), ...(settings.options ?? {}) } };
      const state: CheckState = { check, ctx, severityOverride: settings.severity, guests: new Arrivals(), aboutRefused: new Arrivals(), durationMs: 0 };
      if (hasParts(check) && hostGatesOpen(check, host, ctx)) {
        this.timed(state, () => {
          state.parts = new PartsRun(check, host, ctx, (findings) => this.arrive(state, state.guests, findings));
        });
      }
      return state;
    });
  }

  /**
   * Keeps the findings shown in `store` (a FindingSpill for a run of many
   * guests) instead of in memory: given before the first guest arrives.
   */
  keepFindingsIn(store: FindingStore): void {
    if (this.guests > 0) throw new Error('keepFindingsIn: guests have arrived already');
    this.store = store;
    // A spill writes each finding out as it is added: one object for equal records would save no memory, only cost a comparison a finding (issue 14).
    if (store.keepsObjects === false) this.evidence = undefined;
  }

  /** Runs the guest's per-guest parts and keeps its summaries; the guest itself is not kept (unless `keepsGuests`). */
  addGuest(guest: DomainFacts): void {
    this.kept?.push(guest);
    const planned = this.planned();
    // A check that threw is fed no more guests.
    const live = (this.live ??= planned.map((s) => (s.threw === undefined ? { check: s.check, ctx: s.ctx } : undefined)));
    const ms = (this.liveMs ??= new Float64Array(planned.length));
    ms.fill(0);
    this.addGuestResult(guestResultOf(live, this.host, guest, ms));
    this.addDurations(ms);
  }

  /**
   * The checks that look at each guest (their host-side gates open, hostOnly
   * did not skip or throw), in the order a GuestResult's `parts` follow, with
   * the context each runs with: plain data, from which a worker thread makes
   * the same checks (by id, from the built-in registry) and computes the
   * guests' results (guestResultOf) for `addGuestResult`.
   */
  guestPlan(): Array<{ id: string; ctx: CheckContext }> {
    return this.planned().map((s) => ({ id: s.check.id, ctx: s.ctx }));
  }

  /**
   * A guest whose per-guest parts have run already (guestResultOf over `guestPlan`): as `addGuest` takes the guest itself.
   * `settled` (lint --cache): per planned check, the guest's findings as a run reported them on arrival
   * (addGuestSettling), taken as they are instead of the part's findings, which are then empty.
   */
  addGuestResult(r: GuestResult, settled?: ReadonlyArray<SettledPart | undefined>): void {
    if (settled) this.holdNoMore();
    this.guests++;
    if (r.suppressions.length > 0) {
      // A directive in a refused file is never called unused: nothing but the refusal is judged there.
      if (!r.refused) this.guestSuppressions.push({ name: r.name, ...(r.file !== undefined ? { file: r.file } : {}), suppressions: r.suppressions });
      if (r.file) {
        const list = this.suppressions.get(r.file);
        if (list) list.push(...r.suppressions);
        else this.suppressions.set(r.file, [...r.suppressions]);
      }
    }
    const planned = this.planned();
    const ref = guestRefOf(r);
    const rec = this.recording;
    for (let i = 0; i < planned.length; i++) {
      const state = planned[i]!;
      const part = r.parts[i];
      if (state.threw !== undefined) {
        // What this guest would have reported here is unknown: a run where the check does not throw would need it.
        if (rec) rec.ok = false;
        continue;
      }
      if (part !== undefined && 'threw' in part) this.threwOn(state, part.threw);
      else if (r.refused && !state.check.seesRefused) {
        if (part !== undefined && 'aboutRefused' in part) this.arrive(state, state.aboutRefused, part.aboutRefused);
      } else {
        if (rec) rec.index = i;
        const s = settled?.[i];
        // Before the fold step, as its findings arrive before its summary: a step that throws discards them alike.
        if (s) this.arriveSettled(state, s, r.suppressions);
        // A check's fold steps here, on the run's thread: what it throws makes the check's status "error".
        try {
          state.parts!.addGuestPart((part as GuestPart | undefined) ?? {}, ref);
        } catch (err) {
          if (isTempFileFailure(err)) throw err;
          this.threwOn(state, failure(err));
        }
        if (rec) rec.index = -1;
      }
    }
  }

  /**
   * addGuestResult, and what the guest reported on arrival, per planned check,
   * for `lint --cache` to hand back to the next run (addGuestResult's
   * `settled`); undefined when that depends on more than the guest itself (a
   * finding on another file, another guest's directive, a check that threw or
   * a finding that would not render): then only the checks can say it again.
   */
  addGuestSettling(r: GuestResult): Array<SettledPart | undefined> | undefined {
    // The file's directives on arrival must be the guest's own, as they will be when it is handed back.
    const own = r.file === undefined || (this.suppressions.get(r.file)?.length ?? 0) === 0;
    this.holdNoMore();
    const rec: Recording = { r, parts: new Array<SettledPart | undefined>(this.planned().length), index: -1, ok: own };
    this.recording = rec;
    try {
      this.addGuestResult(r);
    } finally {
      this.recording = undefined;
    }
    return rec.ok ? rec.parts : undefined;
  }

  /**
   * Findings a check held while it might skip (Check.mayStillSkip) are reported
   * now, and none are held from here on: lint --cache records what each guest
   * reports on arrival, and hands it back in the guests' order.
   */
  private holdNoMore(): void {
    if (!this.holding) return;
    this.holding = false;
    for (const s of this.states) if (s.threw === undefined) s.parts?.release();
  }

  /** A guest's findings of one check as a run reported them on arrival (SettledPart): as `arrive` would report them again. */
  private arriveSettled(state: CheckState, s: SettledPart, suppressions: readonly Suppression[]): void {
    const into = state.guests;
    into.count += s.shown.length + s.suppressedBy.length;
    if (into.failure !== undefined) return;
    for (const k of s.suppressedBy) {
      into.used.add(suppressions[k]!);
      into.suppressed++;
    }
    const severity = state.severityOverride;
    for (const item of s.shown) {
      let f: ReportedFinding;
      if (item instanceof FindingLine) {
        // Its line holds the check's own severity: another one makes it a finding again.
        if (this.store.addLine && (severity === undefined || severity === item.severity)) {
          into.shown.push(this.store.addLine(item));
          continue;
        }
        f = JSON.parse(item.line) as ReportedFinding;
      } else f = item;
      if (severity !== undefined) f.severity = severity;
      if (f.evidence && this.evidence) f.evidence = this.evidence.of(state.check.id, f.evidence);
      into.shown.push(this.store.add(f));
    }
  }

  /** A part of the check threw: its status is that error, and what it found is not reported. */
  private threwOn(state: CheckState, reason: string): void {
    state.threw = reason;
    this.live = undefined;
    state.guests = new Arrivals();
    state.aboutRefused = new Arrivals();
  }

  /**
   * A guest's findings of one check, reported now (the guest's suppressions
   * are in `this.suppressions` already). A suppression found now is the one
   * `finish` would have found first; one that a later guest brings for the
   * same file is found there (`settle` looks again at those left).
   */
  private arrive(state: CheckState, into: Arrivals, findings: Finding[]): void {
    const { check, severityOverride } = state;
    const rec = this.recording;
    let settled: SettledPart | undefined;
    // What it says about a refused guest stays in the guest's part and arrives again as it is.
    if (rec && findings.length > 0 && into === state.guests) {
      if (rec.index < 0 || rec.parts[rec.index] !== undefined) rec.ok = false;
      else rec.parts[rec.index] = settled = { shown: [], suppressedBy: [] };
    }
    for (const f of findings) {
      into.count++;
      if (into.failure !== undefined) {
        if (rec) rec.ok = false;
        continue;
      }
      const rendered = renderFinding(check, f);
      if (!rendered.ok) {
        // The first that fails is the reason, and what arrived in this list will never be reported.
        into.failure = rendered.reason;
        into.shown = new FindingIds();
        if (rec) rec.ok = false;
        continue;
      }
      // Matched before it is reported: a finding a directive hides is never fingerprinted nor kept (issue 14).
      const suppression = f.file !== undefined && this.suppressions.has(f.file) ? suppressionOf(this.suppressions, check.id, f) : undefined;
      if (settled && f.file !== undefined && f.file !== rec!.r.file) rec!.ok = false;
      if (suppression) {
        into.used.add(suppression);
        into.suppressed++;
        if (settled) {
          const k = rec!.r.suppressions.indexOf(suppression);
          if (k < 0) rec!.ok = false;
          else settled.suppressedBy.push(k);
        }
      } else {
        const base = f.severity ?? check.severity;
        const reported = report(check.id, f, rendered.text, severityOverride ?? base, this.evidence);
        const id = this.store.add(reported);
        into.shown.push(id);
        // Kept with the check's own severity: the run's override is applied when it is handed back; as the store's line where it has one.
        if (settled) settled.shown.push(severityOverride === undefined || severityOverride === base ? (this.store.lineOf?.(id) ?? reported) : { ...reported, severity: base });
      }
    }
  }

  /** Time the planned checks spent on guests elsewhere (a worker thread), in `guestPlan` order, for their durationMs. */
  addDurations(ms: ArrayLike<number>): void {
    const planned = this.planned();
    for (let i = 0; i < planned.length; i++) planned[i]!.durationMs += ms[i] ?? 0;
  }

  private planned(): CheckState[] {
    this.plannedStates ??= this.states.filter((s) => s.parts !== undefined && !s.parts.hostSkipped && s.threw === undefined);
    return this.plannedStates;
  }

  finish(): RunReport {
    const opts = this.opts;
    const facts: Facts = this.whole ?? { ...this.host, ...(this.kept ? { domains: this.kept } : {}) };
    const used = new Set<Suppression>();
    const baseline = opts.baseline ? new Map(opts.baseline) : undefined;
    const outcomes: CheckOutcome[] = this.states.map((state) => {
      const start = nowMs();
      const outcome = this.outcomeOf(state, facts, baseline, used);
      // Its cross-guest state is judged: its typed arrays and record logs (~20 MiB in all at
      // 100 000 configs) can go before the next check's finishing step, not after the report (issue 14).
      delete state.parts;
      // What arrived is in the outcome now (settle copied the numbers shown).
      state.guests = new Arrivals();
      state.aboutRefused = new Arrivals();
      return { ...outcome, durationMs: state.durationMs + nowMs() - start };
    });
    const start = nowMs();
    const unused = this.unusedSuppressions(used);
    outcomes.push({ ...unused, durationMs: nowMs() - start });
    return {
      reportVersion: 1,
      tool: { name: 'xenlint', version: TOOL_VERSION },
      command: opts.command,
      ...(opts.xen ? { xen: opts.xen } : {}),
      ...(opts.notes && opts.notes.length > 0 ? { notes: opts.notes } : {}),
      files: opts.files ?? [],
      checks: outcomes,
      problems: opts.problems ?? [],
      summary: summarize(outcomes),
    };
  }

  /** Sets what only the end of the reading knows (the files read, their problems, notes). */
  setInputs(inputs: Pick<EngineOptions, 'files' | 'problems' | 'notes'>): void {
    Object.assign(this.opts, inputs);
  }

  private timed(state: CheckState, work: () => void): void {
    const start = nowMs();
    try {
      work();
    } catch (err) {
      if (isTempFileFailure(err)) throw err;
      state.threw = failure(err);
    }
    state.durationMs += nowMs() - start;
  }

  private outcomeOf(state: CheckState, facts: Facts, baseline: Map<string, number> | undefined, used: Set<Suppression>): CheckOutcome {
    const { check, ctx, severityOverride } = state;
    const base: CheckOutcome = {
      id: check.id,
      title: check.title,
      severity: severityOverride ?? check.severity,
      ...(check.xen ? { xen: check.xen } : {}),
      status: 'pass',
      findings: [],
      suppressed: 0,
    };
    const gate = gateOf(check, facts, this.guests, ctx);
    if (gate) return { ...base, ...gate };
    let result: Sequence | Skip;
    if (state.threw !== undefined) return { ...base, status: 'error', reason: state.threw };
    try {
      if (state.parts) {
        const r = state.parts.finishParts();
        // What it said about refused guests comes last, and stands even when the rest of the check skips.
        const refused = state.aboutRefused.count > 0 ? [state.aboutRefused] : [];
        result = Array.isArray(r) ? [r[0], state.guests, r[1], ...refused] : refused.length > 0 ? refused : r;
      } else if (check.run) {
        const r = runWhole(check, facts, ctx);
        result = Array.isArray(r) ? [r] : r;
      } else return { ...base, status: 'error', reason: 'the check has neither parts nor run(facts, ctx)' };
    } catch (err) {
      const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return { ...base, status: 'error', reason: `the check failed: ${what}` };
    }
    return settle(check, base, result, severityOverride, baseline, used, this.suppressions, this.opts.findingsPerCheckPerFile ?? FINDINGS_PER_CHECK_PER_FILE, this.evidence, this.store);
  }

  private unusedSuppressions(used: Set<Suppression>): CheckOutcome {
    const opts = this.opts;
    const findings: ReportedFinding[] = [];
    for (const d of this.guestSuppressions) {
      for (const s of d.suppressions) {
        if (used.has(s)) continue;
        if (opts.foreignIds && s.ids.some((id) => opts.foreignIds!.has(id))) continue;
        const what = s.ids.length > 0 ? s.ids.join(', ') : 'all checks';
        const f: Finding = {
          messageId: 'unused',
          data: { directive: s.scope === 'file' ? 'xenlint-disable' : 'xenlint-disable-next-line', what },
          domain: d.name,
          line: s.directiveLine ?? s.line,
          column: s.directiveColumn ?? s.column,
          remediation: 'Remove the directive, or fix the check id it names.',
        };
        if (d.file) f.file = d.file;
        const rendered = renderFinding(UNUSED_SUPPRESSION, f);
        findings.push(report(UNUSED_SUPPRESSION_ID, f, rendered.ok ? rendered.text : rendered.reason, opts.settings?.get(UNUSED_SUPPRESSION_ID)?.severity ?? UNUSED_SUPPRESSION.severity));
      }
    }
    const any = this.guests > 0;
    return {
      id: UNUSED_SUPPRESSION_ID,
      title: UNUSED_SUPPRESSION.title,
      severity: opts.settings?.get(UNUSED_SUPPRESSION_ID)?.severity ?? UNUSED_SUPPRESSION.severity,
      status: any ? (findings.length > 0 ? 'fail' : 'pass') : 'skipped',
      ...(any ? {} : { reason: 'needs domU configs' }),
      findings,
      suppressed: 0,
    };
  }
}

/** A check's status reason when a part throws. */
function failure(err: unknown): string {
  return `the check failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
}

/**
 * What a run keeps of one guest once the guest's per-guest parts have run:
 * plain data, so a worker thread can compute it where the guest was read and
 * post it instead of the guest (RunSession.addGuestResult).
 */
export interface GuestResult {
  name: string;
  file?: string;
  suppressions: Suppression[];
  /** Its toolstack refuses its config (refusalOf). */
  refused: boolean;
  /**
   * Per planned check (RunSession.guestPlan order): its per-guest part; for a
   * refused guest and a check that does not see refused guests, what it said on
   * the refusal's line (atRefusal); or what a part threw. Undefined: nothing to add.
   */
  parts: Array<GuestPart | { aboutRefused: Finding[] } | { threw: string } | undefined>;
}

/**
 * Runs the per-guest parts of `plan` (undefined entries are left out) on one
 * guest; adds each check's time to `ms`. The one place a guest's parts run,
 * on the main thread (RunSession.addGuest) and on a worker thread alike.
 */
export function guestResultOf(plan: ReadonlyArray<{ check: Check; ctx: CheckContext } | undefined>, host: HostSide, guest: DomainFacts, ms: Float64Array): GuestResult {
  const refused = refusalOf(guest) !== undefined;
  // The lines where the toolstack stops: all that a check may say about a refused guest (atRefusal).
  const refusalLines = refused ? refusalLinesOf(guest) : undefined;
  const parts: GuestResult['parts'] = new Array(plan.length);
  // One reading of the clock a check: where one check's time ends the next one's starts.
  let start = nowMs();
  for (let i = 0; i < plan.length; i++) {
    const planned = plan[i];
    if (!planned) continue;
    const { check, ctx } = planned;
    try {
      if (refusalLines && !check.seesRefused) {
        // Judged alone, and only what explains the refusal stays (atRefusal); not at all when
        // none of the lines its findings can sit on is a refusal's (Check.findingKeys).
        if (mayFindOn(check, guest, refusalLines)) {
          const alone = new PartsRun(check, host, ctx);
          alone.addGuest(guest);
          const about = atRefusal(alone.finish(), guest, refusalLines);
          if (about.length > 0) parts[i] = { aboutRefused: about };
        }
      } else parts[i] = guestPartOf(check, guest, host, ctx);
    } catch (err) {
      parts[i] = { threw: failure(err) };
    }
    const end = nowMs();
    ms[i] = (ms[i] ?? 0) + end - start;
    start = end;
  }
  return { name: guest.name, ...(guest.file !== undefined ? { file: guest.file } : {}), suppressions: guest.suppressions, refused, parts };
}

/**
 * What a check said about a refused guest, judged alone, that stays: only what is
 * on a line where the toolstack stops (the disk spec xl cannot parse, `maxvcpus`
 * below `vcpus`). That explains the refusal; anything else about a guest xl
 * never creates (its memory, its VNC, its MAC against another's) would mislead.
 */
function atRefusal(result: Finding[] | Skip, guest: DomainFacts, lines: ReadonlySet<number | undefined>): Finding[] {
  if (!Array.isArray(result)) return [];
  return result.filter((f) => f.file === guest.file && f.line !== undefined && lines.has(f.line));
}

/** The lines of a guest's refusals (refusalOf): what a check may say about a refused guest sits on one of them. */
function refusalLinesOf(guest: DomainFacts): Set<number | undefined> {
  return new Set(guest.diagnostics.filter(isRefusal).map((x) => x.line));
}

/**
 * Whether a check, judged alone on a refused guest, may report on one of the
 * refusal's `lines`: a check that declares the keys its findings sit on
 * (Check.findingKeys) cannot unless one of those keys (a disk, a vif, the
 * kernel's annotation) is on such a line; any other check may.
 */
export function mayFindOn(check: CheckMeta, guest: DomainFacts, lines: ReadonlySet<number | undefined>): boolean {
  const keys = check.findingKeys;
  if (keys === undefined) return true;
  for (const key of keys) {
    if (lines.has(guest.keys[key]?.line)) return true;
    if (key === 'disk') {
      for (const d of guest.disks) if (lines.has(d.line)) return true;
    } else if (key === 'vif') {
      for (const v of guest.vifs) if (lines.has(v.line)) return true;
    } else if (key === 'kernel' && guest.kernel?.line !== undefined && lines.has(guest.kernel.line)) return true;
  }
  return false;
}

/**
 * A version-1 check over every guest at once: over the guests the toolstack
 * creates, then each refused guest alone (atRefusal), unless it reports the
 * refusals itself (seesRefused).
 */
function runWhole(check: Check, facts: Facts, ctx: CheckContext): Finding[] | Skip {
  const run = check.run!.bind(check);
  const refused = (facts.domains ?? []).filter((d) => refusalOf(d) !== undefined);
  if (check.seesRefused || refused.length === 0) return run(facts, ctx);
  const created: Facts = { ...facts, domains: (facts.domains ?? []).filter((d) => refusalOf(d) === undefined) };
  const result = run(created, ctx);
  const about = refused.flatMap((d) => {
    const lines = refusalLinesOf(d);
    return mayFindOn(check, d, lines) ? atRefusal(run({ ...created, domains: [d] }, ctx), d, lines) : [];
  });
  return Array.isArray(result) ? [...result, ...about] : about.length > 0 ? about : result;
}

/**
 * Before any guest is read: whether the check can run at all as far as the host
 * side tells (its host and dom0 needs, its Xen range). A check that cannot is
 * fed no guests; its status is settled by `gateOf` at the end, as before.
 */
function hostGatesOpen(check: Check, host: HostSide, ctx: CheckContext): boolean {
  if (check.needs.includes('host') && !host.host) return false;
  if (check.needs.includes('dom0') && !host.dom0) return false;
  if (check.xen && !(ctx.xenVersion && satisfiesXen(ctx.xenVersion, check.xen))) return false;
  return true;
}

/** The status a check gets without running: a failed probe, a missing need, the Xen range; undefined = it runs. */
function gateOf(check: Check, facts: HostSide, guests: number, ctx: CheckContext): Pick<CheckOutcome, 'status' | 'reason'> | undefined {
  const failedProbe = failedProbeFor(check, facts, guests);
  if (failedProbe) return { status: 'error', reason: failedProbe };
  const missing = missingNeeds(check, facts, guests);
  if (missing) return { status: 'skipped', reason: missing };
  if (check.xen) {
    if (!ctx.xenVersion) return { status: 'skipped', reason: 'Xen version unknown; pass --xen or --facts' };
    if (!satisfiesXen(ctx.xenVersion, check.xen)) {
      return { status: 'not-applicable', reason: `applies to Xen ${check.xen}; checking ${ctx.xenVersion}` };
    }
  }
  return undefined;
}

/** A check's findings in its order: lists of findings yet to report, and those reported as their guests arrived. */
type Sequence = ReadonlyArray<Finding[] | Arrivals>;

function isSequence(result: Sequence | Skip): result is Sequence {
  return Array.isArray(result);
}

/** A check's result to its outcome: rendered, suppressed inline or by the baseline, capped, counted. */
function settle(
  check: Check,
  base: CheckOutcome,
  result: Sequence | Skip,
  severityOverride: Severity | undefined,
  /** Left to accept, per fingerprint: consumed as findings match. */
  baseline: Map<string, number> | undefined,
  used: Set<Suppression>,
  suppressions: Map<string, Suppression[]>,
  perFile: number,
  evidence: SharedValues | undefined,
  store: FindingStore,
): CheckOutcome {
  if (!isSequence(result)) {
    if (result && typeof result === 'object' && typeof result.skip === 'string') {
      return { ...base, status: 'skipped', reason: result.skip };
    }
    return { ...base, status: 'error', reason: 'the check returned neither findings nor a skip reason' };
  }
  // The first finding in the check's order that does not render makes it an error.
  // Each finding is known by its number in the store from here on.
  const reportedAll: Array<number[] | Arrivals> = [];
  for (const part of result) {
    if (part instanceof Arrivals) {
      if (part.failure !== undefined) return { ...base, status: 'error', reason: part.failure };
      reportedAll.push(part);
      continue;
    }
    const reported: ReportedFinding[] = [];
    for (const f of part) {
      const rendered = renderFinding(check, f);
      if (!rendered.ok) return { ...base, status: 'error', reason: rendered.reason };
      reported.push(report(check.id, f, rendered.text, severityOverride ?? f.severity ?? check.severity, evidence));
    }
    reportedAll.push(reported.map((r) => store.add(r)));
  }
  // The numbers shown, compacted in place in one Int32Array from here on: the suppressions, the cap and the
  // baseline each made a JS array of them (8 bytes a number), the peak of a run of 100 000 configs (issue 14).
  let total = 0;
  for (const part of reportedAll) total += part instanceof Arrivals ? part.shown.length : part.length;
  const ids = new Int32Array(total);
  let shown = 0;
  let suppressed = 0;
  for (const part of reportedAll) {
    let list: ArrayLike<number> = part as number[];
    if (part instanceof Arrivals) {
      // Matched on arrival; a later guest of the same file may have brought the suppression that matches.
      for (const s of part.used) used.add(s);
      suppressed += part.suppressed;
      list = part.shown.view();
    }
    for (let i = 0; i < list.length; i++) {
      const id = list[i]!;
      // Only a file with directives can hide it (matchingSuppression): the finding itself is read only then.
      const file = store.file(id);
      const suppression = file && suppressions.has(file) ? matchingSuppression(suppressions, store.reported(id)) : undefined;
      if (suppression) {
        used.add(suppression);
        suppressed++;
      } else {
        ids[shown++] = id;
      }
    }
  }
  // Capped before the baseline, so a baseline written from a capped report (the
  // kept findings and the summary) accepts the same capped report next time.
  const capped = capPerFile(check.id, ids, shown, perFile, store);
  let findings = 0;
  for (let i = 0; i < capped; i++) {
    const id = ids[i]!;
    const fingerprint = baseline ? store.reported(id).fingerprint : undefined;
    const accepted = fingerprint !== undefined ? (baseline!.get(fingerprint) ?? 0) : 0;
    if (accepted > 0) {
      baseline!.set(fingerprint!, accepted - 1);
      suppressed++;
    } else {
      ids[findings++] = id;
    }
  }
  return { ...base, status: findings > 0 ? 'fail' : 'pass', findings: store.list(ids.subarray(0, findings)), suppressed };
}

/** A need that is absent because the probe that feeds it failed: an error, not a skip. */
function failedProbeFor(check: Check, facts: HostSide, guests: number): string | undefined {
  for (const need of check.needs) {
    const present = need === 'host' ? facts.host : need === 'dom0' ? facts.dom0 : guests > 0;
    if (present) continue;
    const probe = facts.probes.find((p) => p.provides === need && p.status === 'error');
    if (probe) {
      const cmd = probe.command ? ` (${probe.command.join(' ')}` + (probe.exitCode !== undefined ? `, exit ${probe.exitCode}` : '') + ')' : '';
      const stderr = probe.stderr ? `: ${probe.stderr.trim().split('\n')[0]}` : '';
      return `${probe.name} failed${cmd}: ${probe.detail ?? 'no detail'}${stderr}`;
    }
  }
  return undefined;
}

function missingNeeds(check: Check, facts: HostSide, guests: number): string | undefined {
  const absent: string[] = [];
  for (const need of check.needs) {
    if (need === 'host' && !facts.host) absent.push('host facts (pass --facts with a snapshot or an xl info output, or run on the host)');
    if (need === 'dom0' && !facts.dom0) absent.push('dom0 facts (run on the host or with --root)');
    if (need === 'domains' && guests === 0) absent.push('domU configs');
  }
  return absent.length > 0 ? `needs ${absent.join(' and ')}` : undefined;
}

/**
 * A finding as reported: one plain object of a fixed shape (the finding's own
 * object is not kept, nor copied by spreading, which gave most findings a
 * hidden class of their own; issue 14), its quoted values bounded.
 */
function report(checkId: string, f: Finding, message: string, severity: Severity, evidence?: SharedValues): ReportedFinding {
  const r: ReportedFinding = { check: checkId, severity, message, fingerprint: fingerprintOf(checkId, f.domain, f.key, f.messageId, message) };
  if (f.messageId !== undefined) r.messageId = f.messageId;
  // Whatever a value quotes from the input is bounded (messages.ts elide), in every format.
  if (f.data !== undefined) r.data = f.data ? elideValues(f.data) : f.data;
  if (f.file !== undefined) r.file = f.file;
  if (f.line !== undefined) r.line = f.line;
  if (f.column !== undefined) r.column = f.column;
  if (f.domain !== undefined) r.domain = f.domain;
  if (f.key !== undefined) r.key = f.key;
  if (f.remediation !== undefined) r.remediation = f.remediation;
  if (f.evidence !== undefined) r.evidence = f.evidence && evidence ? evidence.of(checkId, elideValues(f.evidence)) : f.evidence ? elideValues(f.evidence) : f.evidence;
  if (f.unverified !== undefined) r.unverified = f.unverified;
  if (f.host !== undefined) r.host = f.host;
  return r;
}

/**
 * One object for each evidence record a check reports again and again (issue
 * 14). A check's evidence is mostly about the host — xen_caps, the version,
 * the toolstack —, the same for thousands of guests: the 23 676 findings of
 * the bench's 10 000 configs carry 205 different ones. A record equal to one
 * of the last few different ones of its check (the same keys in the same
 * order, each value the same by Object.is) is reported as that one. Compared,
 * not hashed: JSON text as a key cost more CPU than the memory was worth.
 */
class SharedValues {
  private readonly recent = new Map<string, Array<{ record: Record<string, unknown>; keys: string[] }>>();

  of<T extends Record<string, unknown>>(checkId: string, values: T): T {
    let ring = this.recent.get(checkId);
    if (ring === undefined) this.recent.set(checkId, (ring = []));
    const keys = Object.keys(values);
    for (const known of ring) if (sameRecord(known.record, known.keys, values, keys)) return known.record as T;
    if (ring.length >= SHARED_PER_CHECK) ring.pop();
    ring.unshift({ record: values, keys });
    return values;
  }
}

/** How many different evidence records of a check are looked at. */
const SHARED_PER_CHECK = 8;

function sameRecord(a: Record<string, unknown>, aKeys: readonly string[], b: Record<string, unknown>, bKeys: readonly string[]): boolean {
  if (aKeys.length !== bKeys.length) return false;
  for (let i = 0; i < aKeys.length; i++) {
    const k = aKeys[i]!;
    if (k !== bKeys[i] || !Object.is(a[k], b[k])) return false;
  }
  return true;
}

/** The values with every string bounded: the object itself when none needs it. */
function elideValues<T extends string | number | boolean>(values: Record<string, T>): Record<string, T> {
  let long = false;
  for (const k in values) {
    if (!Object.hasOwn(values, k)) continue;
    const v = values[k];
    if (typeof v === 'string' && boundedValue(values, v) !== v) long = true;
  }
  if (!long && Object.getPrototypeOf(values) === Object.prototype && !Object.hasOwn(values, '__proto__')) return values;
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(values)) out[k] = (typeof v === 'string' ? boundedValue(values, v) : v) as T;
  return out;
}

/**
 * At most `perFile` findings per file, in the check's order; the rest of each
 * file become one finding at their worst severity that says how many there
 * were. Its fingerprint rests on the check, the guest and the summary's id, not
 * on the count, so a baseline that accepted it keeps accepting it.
 * In place: the findings are `ids[0, length)`, and those kept (the summaries
 * last) are written over them; returns how many there are.
 */
export function capPerFile(checkId: string, ids: Int32Array, length: number, perFile: number, store: FindingStore): number {
  // No file can have more than all of them.
  if (length <= perFile) return length;
  const fileOf = (id: number): string => store.file(id) ?? '';
  // A check's findings come file by file (a guest's on arrival): a file's runs bound how many files there are.
  let runs = 0;
  let previous: string | undefined;
  for (let i = 0; i < length; i++) {
    const file = fileOf(ids[i]!);
    if (file !== previous) runs++;
    previous = file;
  }
  const counts = new FileCounts(runs, fileOf);
  // Keyed by the file's slot in `counts`, in the order files first pass the cap.
  const over = new Map<number, { first: ReportedFinding; count: number; severity: Severity; domains: Set<string | undefined> }>();
  let kept = 0;
  let slot = -1;
  previous = undefined;
  for (let i = 0; i < length; i++) {
    const id = ids[i]!;
    const file = fileOf(id);
    if (slot < 0 || file !== previous) slot = counts.slotOf(id, file);
    previous = file;
    if (counts.add(slot) <= perFile) {
      ids[kept++] = id;
      continue;
    }
    // Past the cap the finding itself is read: its domain is counted.
    const f = store.reported(id);
    const o = over.get(slot);
    if (!o) over.set(slot, { first: f, count: 1, severity: f.severity, domains: new Set([f.domain]) });
    else {
      o.count++;
      if (SEVERITY_RANK[f.severity] > SEVERITY_RANK[o.severity]) o.severity = f.severity;
      o.domains.add(f.domain);
    }
  }
  // Each file past the cap left at least one place for its summary.
  for (const { first, count, severity, domains } of over.values()) {
    const domain = domains.size === 1 ? first.domain : undefined;
    const message = `and ${count} more ${checkId} ${count === 1 ? 'finding' : 'findings'} in this file, not shown: xenlint reports ${perFile} per check per file (limits.findingsPerCheckPerFile)`;
    const f: ReportedFinding = {
      check: checkId,
      severity,
      messageId: MORE_FINDINGS_ID,
      data: { count, limit: perFile },
      message,
      fingerprint: fingerprintOf(checkId, domain, undefined, MORE_FINDINGS_ID, message),
    };
    if (first.file !== undefined) f.file = first.file;
    if (domain !== undefined) f.domain = domain;
    if (first.host !== undefined) f.host = first.host;
    ids[kept++] = store.add(f);
  }
  return kept;
}

/**
 * What makes a finding the same one tomorrow: the check, the kind of problem
 * (its message id), the guest and the config key — never the wording, a line
 * or a column, so rewording a template or adding a comment above the key keeps
 * a baseline matching. A fleet check's or migrate rule's finding (a
 * TextFinding) has no id: its text stands in.
 */
export function fingerprint(checkId: string, f: Pick<Finding, 'domain' | 'key'> & { messageId?: string | undefined; message: string }): string {
  return fingerprintOf(checkId, f.domain, f.key, f.messageId, f.message);
}

function fingerprintOf(checkId: string, domain: unknown, key: unknown, messageId: unknown, message: string): string {
  // Joined as [checkId, domain ?? '', key ?? '', kind, id-or-text].join('\u0000') always was (null and undefined as '').
  const text =
    messageId !== undefined ? `${checkId}\u0000${part(domain)}\u0000${part(key)}\u0000id\u0000${part(messageId)}` : `${checkId}\u0000${part(domain)}\u0000${part(key)}\u0000text\u0000${message}`;
  // A flat copy of the 24 characters: a slice would keep the whole 64-character digest with every finding.
  return JSON.parse(`"${sha256Hex(text).slice(0, 24)}"`) as string;
}

function part(value: unknown): string {
  return value === undefined || value === null ? '' : `${value as string}`;
}

/** The directive of the finding's file that suppresses it: naming its check, its `check/message-id` or no check; on its line, or file-wide. */
export function matchingSuppression(suppressions: ReadonlyMap<string, Suppression[]>, f: ReportedFinding): Suppression | undefined {
  return suppressionOf(suppressions, f.check, f);
}

/** matchingSuppression for a finding of `checkId` before it is reported (rendered, fingerprinted). */
function suppressionOf(suppressions: ReadonlyMap<string, Suppression[]>, checkId: string, f: Pick<Finding, 'file' | 'line'> & { messageId?: string | undefined }): Suppression | undefined {
  if (!f.file) return undefined;
  for (const s of suppressions.get(f.file) ?? []) {
    if (s.ids.length > 0 && !s.ids.includes(checkId) && !s.ids.includes(findingCode({ check: checkId, messageId: f.messageId }))) continue;
    if (s.scope === 'file' || s.line === f.line) return s;
  }
  return undefined;
}

export function summarize(outcomes: CheckOutcome[]): RunReport['summary'] {
  const counts: Record<Status, number> = { pass: 0, fail: 0, skipped: 0, 'not-applicable': 0, error: 0 };
  const findings: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const o of outcomes) {
    counts[o.status]++;
    forEachSeverity(o.findings, (severity) => findings[severity]++);
  }
  return { ...counts, findings };
}

/** `--quiet`: the run as if only errors had been found, as ESLint's --quiet reports errors only. */
export function errorsOnly(report: RunReport): RunReport {
  const checks = report.checks.map((o): CheckOutcome => {
    if (o.status !== 'fail') return o;
    const findings = withSeverities(o.findings, (severity) => severity === 'error');
    return { ...o, findings, status: findings.length > 0 ? 'fail' : 'pass' };
  });
  return { ...report, checks, summary: summarize(checks) };
}

/**
 * Exit code per the design: 1 when a finding is at or above the threshold, 0
 * otherwise — except that a run in which a check could not run (status error) is
 * incomplete and never passes: 2.
 */
export function exitCodeFor(report: RunReport, failOn: Severity): 0 | 1 | 2 {
  const min = SEVERITY_RANK[failOn];
  let code: 0 | 1 | 2 = 0;
  for (const o of report.checks) {
    if (o.status === 'error') return 2;
    forEachSeverity(o.findings, (severity) => {
      if (SEVERITY_RANK[severity] >= min) code = 1;
    });
  }
  return code;
}

/**
 * Milliseconds from a monotonic clock. Not `performance.now()`: the first touch of
 * the `performance` global loads node:perf_hooks, about 15 ms of a lint run's start-up.
 */
function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
