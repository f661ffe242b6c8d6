/**
 * The Check contract and the report model: what a check (built-in or plugin)
 * is, what it returns, and what a run reports. Published to plugin authors
 * through checks/api.ts; the engine and the report formats read it here, so
 * nothing below the checks depends on the checks' folder.
 */
import type { Facts } from './facts.js';
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
  messageId?: string;
  /** Values for the template's `{{name}}` placeholders; every placeholder needs one. */
  data?: MessageData;
  /**
   * Free text, the version-1 contract. Still accepted (a plugin written before
   * message ids keeps working) but deprecated: its fingerprint changes whenever
   * the text does. Ignored when `messageId` is given.
   * @deprecated give `messageId` and `data`, and declare the template in the check's `messages`.
   */
  message?: string;
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

export interface Check {
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
   * placeholders filled from the finding's `data`.
   */
  messages?: Record<string, string>;
  /** JSON Schema of this check's options (an object schema). */
  options?: Record<string, unknown>;
  /** Default option values. */
  defaults?: Record<string, unknown>;
  /**
   * Also sees guests whose config the toolstack refuses (refusalOf in facts.ts).
   * Only a check that reports the refusal itself sets it: to every other check
   * such a guest does not exist, since the toolstack creates nothing from it.
   */
  seesRefused?: boolean;
  run(facts: Facts, ctx: CheckContext): Finding[] | Skip;
  /** Worked numbers for `xenlint explain ID --facts ...`: lines of text. */
  explain?(facts: Facts, ctx: CheckContext): string[];
}

export type Status = 'pass' | 'fail' | 'skipped' | 'not-applicable' | 'error';

/** A finding as reported: the engine fills the check id, the final severity and the rendered text. */
export interface ReportedFinding extends Finding {
  check: string;
  severity: Severity;
  /** The text: the check's template rendered with `data`, or a version-1 check's own `message`. */
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
