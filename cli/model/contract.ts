/**
 * The Check contract and the report model: what a check (built-in or plugin)
 * is, what it returns, and what a run reports. Published to plugin authors
 * through checks/api.ts; the engine and the report formats read it here, so
 * nothing below the checks depends on the checks' folder.
 */
import type { DomainFacts, Facts } from './facts.js';
import type { Severity } from './diagnostic.js';

export type Need = 'host' | 'dom0' | 'domains';

/** Values a message template's `{{name}}` placeholders are filled from. */
export type MessageData = Record<string, string | number | boolean>;

export interface Finding {
  /**
   * Which of the check's `messages` this is: the engine renders the text from the
   * template and `data`. Together with the check id, the guest and the config key
   * it is the finding's identity (the baseline fingerprint), so rewording a
   * template or moving a line never turns an accepted finding into a new one.
   */
  messageId: string;
  /** Values for the template's `{{name}}` placeholders; every placeholder needs one. */
  data?: MessageData;
  /** Defaults to the check's (possibly overridden) severity. */
  severity?: Severity;
  file?: string;
  line?: number;
  column?: number;
  domain?: string;
  /** The config key at fault ("vif", "memory"); part of the baseline fingerprint. */
  key?: string;
  /** What to do about it, in one or two sentences. */
  remediation?: string;
  /** The facts the finding rests on, e.g. { xen_caps: "xen-3.0-x86_64", kernel: "x86_32p (ELF note PAE=yes)" }. */
  evidence?: Record<string, string | number | boolean>;
  /**
   * True when the check could not decide for this item (kernel unreadable, disk
   * size unknown): reported, never silently passed.
   */
  unverified?: boolean;
  /** In a fleet run (`check --root A --root B`): the host this finding is about. */
  host?: string;
}

/** A check may decline to run for a reason it alone can tell (e.g. no PV guests to examine). */
export interface Skip {
  skip: string;
}

export interface CheckContext {
  /** Semver of the Xen being checked against (host facts, or --xen / config `xen`). */
  xenVersion?: string;
  /** Options for this check from the config, already validated against `options`. */
  options: Record<string, unknown>;
  /** "check" on a host or --root tree; "lint" on config files alone. */
  mode: 'check' | 'lint';
}

/**
 * The host side of the Facts: everything but the guests (host, dom0, probes,
 * where the evidence came from). What the host-only, per-guest and cross-guest
 * parts of a check see: no part of a version-2 check ever sees every guest at
 * once, which is what lets the engine read, check and drop one guest at a time.
 * A `Facts` without `domains` is one, so the helpers that take Facts take it.
 */
export type HostSide = Omit<Facts, 'domains'>;

/** What every check declares, whatever form its logic takes. */
export interface CheckMeta {
  /** kebab-case, stable forever: "pv-abi-mismatch". */
  id: string;
  /** One line: what the check catches. */
  title: string;
  severity: Severity;
  /** Missing facts -> status "skipped" with the reason. */
  needs: Need[];
  /** Semver range of Xen versions where the pitfall exists; outside it -> "not-applicable". */
  xen?: string;
  /** Where the pitfall is documented: Xen doc paths, commits, release notes, field notes. */
  sources: string[];
  /**
   * The kinds of problem the check reports: message id (kebab-case, stable
   * forever, shown as `<check>/<message-id>`) -> template with `{{name}}`
   * placeholders filled from the finding's `data`. Every finding names one: a
   * free-text `message` (the first version of the contract) is no longer read.
   */
  messages: Record<string, string>;
  /** JSON Schema of this check's options (an object schema). */
  options?: Record<string, unknown>;
  /** Default option values. */
  defaults?: Record<string, unknown>;
  /**
   * Also sees guests whose config the toolstack refuses (refusalOf in facts.ts).
   * Only a check that reports the refusal itself sets it: to every other check
   * such a guest does not exist, since the toolstack creates nothing from it,
   * except what the check says on the refusal's line (the engine judges the
   * guest alone and keeps that: it explains the refusal).
   */
  seesRefused?: boolean;
  /**
   * The config keys this check's findings about a guest sit on: every finding
   * it reports on a guest's own file is on the line of one of these keys
   * (`keys[key].line`, as keyPlace points), or, for `disk` and `vif`, on one
   * device's line (as itemPlace points), or, for `kernel`, on the kernel's
   * annotation line (KernelFacts.line). The engine then judges a refused guest
   * (seesRefused) only when one of those lines is a refusal's, since nothing
   * else it would say about that guest is kept (issue 14: a fifth of a large
   * lint's guests can be refused, each judged alone by every check). Leave it
   * out when a finding may sit anywhere else (a comment, a directive, a
   * diagnostic's line): the check is then judged on every refused guest.
   * A refused guest a check is not judged on cannot make the check fail.
   */
  findingKeys?: readonly string[];
  /** Worked numbers for `xenlint explain ID --facts ...`: lines of text. Sees the whole Facts (explain reads few guests). */
  explain?(facts: Facts, ctx: CheckContext): string[];
}

/**
 * The check contract, version 2: a check is split by what it needs to see, so
 * that the engine can run it while it streams guests (issue 14) and never hold
 * a repository of 100 000 parsed configs. A check declares any of the parts:
 *
 * - `hostOnly(host, ctx)`: runs once, before any guest. Its findings come first
 *   in the check's report; a `Skip` skips the whole check (no guest part runs).
 *   Host preconditions go here ("Xen version unknown", "dom0's modules not read").
 * - `perGuest(guest, host, ctx)`: runs for each guest as it is read, with that
 *   guest alone and the host side. Returns the guest's findings, or a `Skip`
 *   when the guest is none of the check's business (not PV, not booted by
 *   pygrub). When every guest skips and no other part found anything, the check
 *   is "skipped" with the first guest's reason.
 * - `summarize(guest, host, ctx)`: the small, JSON-serialisable record this guest
 *   contributes to the cross-guest part (name, uuid, MACs, disk paths, memory,
 *   where each is written). `undefined` contributes nothing. Kept until the end;
 *   keep it to what `across` needs. A check whose per-guest analysis yields the
 *   summary anyway returns `{ findings, summary }` from `perGuest` instead (one
 *   pass over the guest; `summarize` is then not called for it).
 * - `across(summaries, host, ctx)`: runs once, after the last guest, over the
 *   summaries in the order the guests were read. Its findings come last; a
 *   `Skip` skips the whole check. A finding that sums the guests up and reads
 *   best before them goes in `{ first, last }`'s `first`.
 * - `fold: { init(host, ctx), step(state, summary, guest) }`: instead of keeping every
 *   summary for `across`, the run folds each into one state as its guest
 *   arrives (in reading order; `undefined` summaries are not stepped), and
 *   `across(state, host, ctx)` then judges the folded state. The state keeps
 *   only what can still become a finding (a running total; a map from each
 *   MAC or name to where it is first written; the few guests over a limit),
 *   so a run's memory grows with what the findings need, not with the number
 *   of guests. `step` changes `state` in place, or returns the next state;
 *   `guest` (GuestRef) is the guest's name and file, one object shared by
 *   every check: keep it rather than copies of the summary's.
 *   Summaries still travel one per guest (a worker thread of a parallel lint
 *   posts them back, `lint --cache` stores them); only the fold runs in the
 *   run that holds the check's state. Without `fold`, `across` gets the array
 *   of every summary: the simple form, fine for a check that sees few guests.
 *
 * The report lists a check's findings in that order: host-only, then each
 * guest's in reading order, then cross-guest. Statuses, `needs`, the Xen range,
 * suppressions, message ids, baselines and fingerprints are the engine's, as for
 * every check. A part that throws makes the check's status "error".
 *
 * Version 1, `run(facts, ctx)` over the whole Facts, still works (plugins written
 * against it need no change): the engine runs it through an adapter at the end,
 * which makes the run keep every guest's parsed config in memory until then.
 * A check with any version-2 part is run by its parts; its `run`, if any (the one
 * `defineCheck` derives), is then used only by callers outside the engine.
 */
// A: what `across` gets, the fold's state; S[] without a fold. `Check` alone
// (S unknown) is any check, whatever its state: see FoldedDefault.
export interface Check<S = unknown, A = FoldedDefault<S>> extends CheckMeta {
  hostOnly?(host: HostSide, ctx: CheckContext): Finding[] | Skip;
  perGuest?(guest: DomainFacts, host: HostSide, ctx: CheckContext): Finding[] | Skip | GuestResult<S>;
  summarize?(guest: DomainFacts, host: HostSide, ctx: CheckContext): S | undefined;
  /** Folds the guests' summaries as they arrive: `across` then gets the state (see above). Without it, `across` gets the array of summaries. */
  fold?: Fold<S, A>;
  across?(folded: A, host: HostSide, ctx: CheckContext): Finding[] | Skip | AcrossResult;
  /**
   * Whether `across` may yet skip, given the guests folded so far: while it
   * may, the engine holds the guests' findings as they are instead of
   * rendering, fingerprinting and keeping them, and drops them unseen if the
   * check skips (issue 14: hvm-disk-limit made 1 311 findings at 10 000
   * configs only to skip). Never changes the report: findings held are
   * reported in their order once it says no, or when `across` does not skip.
   */
  mayStillSkip?(folded: A, host: HostSide, ctx: CheckContext): boolean;
  /** Version 1: the whole Facts at once. See above. */
  run?(facts: Facts, ctx: CheckContext): Finding[] | Skip;
}

/**
 * A check's `across` argument when it declares no fold: the array of its
 * summaries. For `Check` of any summary (S unknown) it is `any`, so that every
 * check, folded or not, is a `Check`, and an `across` written against `Check`
 * before folds existed still takes its summaries.
 */
export type FoldedDefault<S> = unknown extends S ? any : S[];

/**
 * How a check folds its guests' summaries into one state (see `Check`): `init`
 * once, before the first guest (after `hostOnly`); `step` per guest summary, in
 * reading order, changing the state in place or returning the next one.
 */
export interface Fold<S, A> {
  init(host: HostSide, ctx: CheckContext): A;
  step(state: A, summary: S, guest: GuestRef): A | void;
}

/**
 * The guest a folded summary came from: one object per guest, handed to every
 * check's `step`. A state that keeps it (rather than the name and file from the
 * summary) shares one copy of the guest's name and file path with every other
 * check's state that keeps the guest, which is what most of such a state is.
 */
export interface GuestRef {
  readonly name: string;
  readonly file?: string;
}

export function guestRefOf(guest: { name: string; file?: string | undefined }): GuestRef {
  return guest.file !== undefined ? { name: guest.name, file: guest.file } : { name: guest.name };
}

/** A guest's findings with its summary, from one pass over it (see `perGuest`). */
export interface GuestResult<S> {
  findings: Finding[];
  summary: S | undefined;
}

/** Cross-guest findings listed before all the check's others (`first`) and after them (`last`). */
export interface AcrossResult {
  first: Finding[];
  last: Finding[];
}

/** A check whose whole-facts form is there to call (every built-in check: see `defineCheck`). */
export type WholeCheck<S = unknown, A = FoldedDefault<S>> = Check<S, A> & { run(facts: Facts, ctx: CheckContext): Finding[] | Skip };

/** Whether a check has any version-2 part (else it is a version-1, whole-facts check). */
export function hasParts(check: Check): boolean {
  return Boolean(check.hostOnly || check.perGuest || check.summarize || check.across || check.fold);
}

export function isSkip(r: Finding[] | Skip | GuestResult<unknown>): r is Skip {
  return !Array.isArray(r) && !('findings' in r);
}

/** How many of its guests' findings a check's PartsRun holds at most while it may yet skip (mayStillSkip). */
const HELD_LIMIT = 4096;

/**
 * One run of a version-2 check's parts, fed one guest at a time: the single
 * place that composes the parts, used by the engine's streaming run and by
 * `defineCheck`'s whole-facts `run`, so the two cannot disagree. Throws what a
 * part throws (the engine turns it into status "error").
 */
export class PartsRun<S = unknown, A = FoldedDefault<S>> {
  private readonly head: Finding[] = [];
  private readonly guests: Finding[] = [];
  /** What `across` gets: the check's fold state, or (no `fold`) the array of every summary. */
  private folded: A | S[] | undefined;
  private skipped: Skip | undefined;
  private firstGuestSkip: Skip | undefined;
  /** Guests' findings held while `across` may yet skip (mayStillSkip); undefined once handed on, or never held. */
  private held: Finding[][] | undefined;
  private heldCount = 0;
  private examined = false;
  private seen = 0;

  constructor(
    private readonly check: Check<S, A>,
    private readonly host: HostSide,
    private readonly ctx: CheckContext,
    /**
     * Where each guest's findings go instead of being kept here (the engine
     * reports them as the guest arrives, issue 14): `finish` then leaves them
     * out, and `finishParts` tells where they belong.
     */
    private readonly guestFindings?: (findings: Finding[]) => void,
  ) {
    if (check.hostOnly) {
      const r = check.hostOnly(host, ctx);
      if (isSkip(r)) this.skipped = r;
      else this.head.push(...r);
    }
    if (!this.skipped) this.folded = check.fold ? check.fold.init(host, ctx) : [];
    if (!this.skipped && guestFindings && check.mayStillSkip?.(this.folded as A, host, ctx)) this.held = [];
  }

  /** True when `hostOnly` skipped the check: no guest is looked at, and `finish` returns that skip. */
  get hostSkipped(): boolean {
    return this.skipped !== undefined;
  }

  addGuest(guest: DomainFacts): void {
    if (this.skipped) return;
    this.addGuestPart(guestPartOf(this.check, guest, this.host, this.ctx), guestRefOf(guest));
  }

  /** A guest whose per-guest parts have already run (guestPartOf), maybe on another thread: as `addGuest` would have taken it. */
  addGuestPart(part: GuestPart<S>, guest: GuestRef): void {
    if (this.skipped) return;
    this.seen++;
    if (part.findings) {
      this.examined = true;
      if (this.held) {
        if (part.findings.length > 0) this.held.push(part.findings);
        this.heldCount += part.findings.length;
      } else if (this.guestFindings) this.guestFindings(part.findings);
      else for (const f of part.findings) this.guests.push(f);
    } else if (part.skip) this.firstGuestSkip ??= part.skip;
    if (part.summary !== undefined) this.addSummary(part.summary, guest);
    // Past HELD_LIMIT the memory they take outweighs the work they may save.
    if (this.held && (this.heldCount > HELD_LIMIT || !this.check.mayStillSkip!(this.folded as A, this.host, this.ctx))) this.release();
  }

  /**
   * Hands the guests' findings held so far on (mayStillSkip), in their order,
   * and holds no more: for a caller whose findings must arrive with their
   * guest from here on (lint --cache records each guest's).
   */
  release(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    for (const findings of held) this.guestFindings!(findings);
  }

  private addSummary(summary: S, guest: GuestRef): void {
    const fold = this.check.fold;
    if (!fold) (this.folded as S[]).push(summary);
    else {
      const next = fold.step(this.folded as A, summary, guest);
      if (next !== undefined) this.folded = next;
    }
  }

  finish(): Finding[] | Skip {
    const r = this.finishParts();
    if (!Array.isArray(r)) return r;
    const [before, after] = r;
    return [...before, ...this.guests, ...after];
  }

  /**
   * The check's findings but the guests' own, in two parts: those listed before
   * the guests' findings (the cross-guest `first`, then the host-only ones) and
   * those after them (the cross-guest ones); or the check's skip.
   */
  finishParts(): [before: Finding[], after: Finding[]] | Skip {
    if (this.skipped) return this.skipped;
    let lead: Finding[] = [];
    let tail: Finding[] = [];
    if (this.check.across) {
      const r = this.check.across(this.folded as A, this.host, this.ctx);
      if (Array.isArray(r)) tail = r;
      else if ('first' in r) ({ first: lead, last: tail } = r);
      else return r;
    }
    this.release();
    const before = [...lead, ...this.head];
    const after = [...tail];
    // Not one guest examined (each skipped) means no guest findings either.
    if (this.check.perGuest && this.seen > 0 && !this.examined && before.length === 0 && after.length === 0 && this.firstGuestSkip) return this.firstGuestSkip;
    return [before, after];
  }
}

/**
 * What a version-2 check's per-guest parts make of one guest: perGuest's
 * findings (present when it examined the guest) or its skip, and the guest's
 * summary. Plain data (structured-cloneable), so the parts can run where the
 * guest was read — a worker thread of a parallel lint — and the result be fed
 * to the PartsRun that holds the check's state (`addGuestPart`).
 */
export interface GuestPart<S = unknown> {
  findings?: Finding[];
  skip?: Skip;
  summary?: S;
}

/** Runs a check's per-guest parts on one guest (see PartsRun.addGuestPart); throws what a part throws. */
export function guestPartOf<S, A>(check: Check<S, A>, guest: DomainFacts, host: HostSide, ctx: CheckContext): GuestPart<S> {
  const part: GuestPart<S> = {};
  if (check.perGuest) {
    const r = check.perGuest(guest, host, ctx);
    if (Array.isArray(r)) part.findings = r;
    else if ('findings' in r) {
      // One pass yielded the summary too: summarize is not called for this guest.
      part.findings = r.findings;
      if (r.summary !== undefined) part.summary = r.summary;
      return part;
    } else part.skip = r;
  }
  if (check.summarize) {
    const s = check.summarize(guest, host, ctx);
    if (s !== undefined) part.summary = s;
  }
  return part;
}

/** The host side of a Facts: the object itself minus its guests. */
export function hostSideOf(facts: Facts): HostSide {
  const { domains: _domains, ...host } = facts;
  return host;
}

/**
 * Declares a version-2 check and derives its whole-facts `run` from its parts
 * (the same composition the engine streams), for callers that hold every guest:
 * unit tests, `migrate`'s rules. The engine itself runs the parts.
 */
export function defineCheck<S = unknown, A = S[]>(check: Check<S, A> & { run?: never }): WholeCheck<S, A> {
  return { ...check, run: (facts: Facts, ctx: CheckContext) => runWhole(check, facts, ctx) };
}

/**
 * Any check over Facts that hold every guest, as the engine would run it (its
 * parts when it has them, else its `run`), without the engine's statuses:
 * for tests and for commands that compose one check's verdict into their own.
 */
export function runWhole<S, A>(check: Check<S, A>, facts: Facts, ctx: CheckContext): Finding[] | Skip {
  if (!hasParts(check as Check)) {
    if (!check.run) throw new TypeError(`check ${check.id} has neither parts nor run(facts, ctx)`);
    return check.run(facts, ctx);
  }
  const parts = new PartsRun(check, hostSideOf(facts), ctx);
  for (const d of facts.domains ?? []) parts.addGuest(d);
  return parts.finish();
}

/** The parts of a version-2 check, left out: what is left is its metadata. */
export function metaOf(check: Check): CheckMeta {
  const { hostOnly: _h, perGuest: _p, summarize: _s, fold: _f, across: _a, run: _r, ...meta } = check;
  return meta;
}

export type Status = 'pass' | 'fail' | 'skipped' | 'not-applicable' | 'error';

/**
 * A finding of xenlint's own fleet checks and migrate rules, which are not
 * checks (no plugin writes one, no suppression names their kinds) and report
 * their text as it is: their fingerprints rest on it.
 */
export type TextFinding = Omit<Finding, 'messageId' | 'data'> & { message: string };

/** A finding as reported: the engine fills the check id, the final severity and the rendered text. */
export interface ReportedFinding extends Omit<Finding, 'messageId'> {
  check: string;
  severity: Severity;
  /** The check's message id; absent only on a fleet check's or migrate rule's finding (a TextFinding). */
  messageId?: string;
  /** The text: the check's template rendered with `data` (a TextFinding's own text). */
  message: string;
  /** Stable id for baselines: check, message id, domain, key — never the text or a line number. */
  fingerprint: string;
}

export interface CheckOutcome {
  id: string;
  title: string;
  severity: Severity;
  xen?: string;
  status: Status;
  /** Why this status: the skip reason, the range against the host's version, the error. */
  reason?: string;
  findings: ReportedFinding[];
  /** Findings hidden by inline suppressions or the baseline (counted, not shown). */
  suppressed: number;
  /** How long the engine spent on this check, in milliseconds (JUnit `time`); set by the engine. */
  durationMs?: number;
  /** In a fleet run: the host this outcome is for. */
  host?: string;
}

/** A host's memory for the HTML report: RAM, dom0 and each guest's start-up footprint (MiB). */
export interface MemoryView {
  totalMiB: number;
  freeMiB?: number;
  dom0MiB?: number;
  /** Where dom0's size came from: "dom0_mem", "current size", "unknown". */
  dom0Source: string;
  guests: Array<{ name: string; mib: number; autostart: boolean }>;
}

/** One host of a fleet run: its name (the capture's hostname, else the directory's) and what it was read from. */
export interface FleetHost {
  name: string;
  root: string;
  xen?: { version: string; source: string };
  /** The config files read on this host (host paths). */
  files: string[];
  memory?: MemoryView;
  /** Evidence names that are a command's output ("xl info"), not a file on the host. */
  evidenceCommands?: string[];
  summary: RunReport['summary'];
}

export interface RunReport {
  /** Version of the report format (schemas/report.schema.json). */
  reportVersion: 1;
  tool: { name: 'xenlint'; version: string };
  command: 'check' | 'lint' | 'migrate';
  /** The Xen version checked against and where it came from. */
  xen?: { version: string; source: string };
  /** How the run judged its inputs, shown with the summary (free memory as of a saved capture, …). */
  notes?: string[];
  /** Files that were read, in order. */
  files: string[];
  checks: CheckOutcome[];
  /** Problems with the inputs themselves that are not findings of a check (unreadable files). */
  problems: Array<{ file?: string; line?: number; column?: number; message: string; host?: string }>;
  summary: Record<Status, number> & { findings: Record<Severity, number> };
  /** A fleet run: every host, in order; each outcome and finding then names its host. */
  hosts?: FleetHost[];
  /** The host's memory, for reports that draw it (HTML); absent without host facts. */
  memory?: MemoryView;
}
