/**
 * The Check contract: what a built-in check or a plugin exports.
 *
 * A check is metadata plus a pure function over the Facts. It never reads files,
 * runs commands or keeps state: the engine hands it everything. Plugins are ES
 * modules whose default export (or named export `checks`) is a `Check[]`; the
 * engine validates each against `schemas/check.schema.json` before running it.
 *
 * Minimal plugin:
 * ```js
 * export default [{
 *   id: 'site-no-file-disks', title: 'Guests use LVM, not image files',
 *   severity: 'warning', needs: ['domains'], sources: ['site policy'],
 *   run(facts) {
 *     return facts.domains.flatMap((d) => d.disks
 *       .filter((disk) => disk.backend === 'file')
 *       .map((disk) => ({ message: `${d.name}: disk ${disk.vdev} is an image file`,
 *                         domain: d.name, file: d.file, line: disk.line, column: disk.column, key: 'disk' })));
 *   },
 * }];
 * ```
 */
import type { Facts, DomainFacts } from '../cli/facts.js';
import type { Severity } from '../cli/parse/diagnostic.js';

export type { Facts, DomainFacts, Severity };

export type Need = 'host' | 'dom0' | 'domains';

export interface Finding {
  message: string;
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
  /** JSON Schema of this check's options (an object schema). */
  options?: Record<string, unknown>;
  /** Default option values. */
  defaults?: Record<string, unknown>;
  run(facts: Facts, ctx: CheckContext): Finding[] | Skip;
  /** Worked numbers for `xenlint explain ID --facts ...`: lines of text. */
  explain?(facts: Facts, ctx: CheckContext): string[];
}

export type Status = 'pass' | 'fail' | 'skipped' | 'not-applicable' | 'error';

/** A finding as reported: the engine fills the check id and the final severity. */
export interface ReportedFinding extends Finding {
  check: string;
  severity: Severity;
  /** Stable id for baselines: check, domain, key, message shape — not line numbers. */
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
