/**
 * What every formatter is handed besides the report: the options and each
 * check's documentation. Kept apart from index.ts (which loads the formatters)
 * so that a formatter never imports the module that imports it.
 */
import type { Severity } from '../model/diagnostic.js';

/** What a formatter knows about a check beyond its outcome: its documentation. */
export interface RuleMeta {
  id: string;
  title: string;
  severity: Severity;
  /** Semver range of Xen versions where the pitfall exists. */
  xen?: string;
  /** What it catches and how to fix it, as plain text (Markdown allowed). */
  helpText: string;
  /** https address of the check's documentation page (cli/settings/project.ts); absent when unknown. */
  helpUri?: string;
  sources: string[];
}

export interface FormatOptions {
  color: boolean;
  /** Paths in reports are shown (and SARIF URIs made) relative to this directory. */
  cwd: string;
  rules: Map<string, RuleMeta>;
  /** stylish: remediation and evidence under each finding, every skipped and not-applicable check. */
  verbose?: boolean;
  /** Where a user reads about xenlint (SARIF `informationUri`): package.json `homepage`, see cli/settings/project.ts. */
  home?: string;
  /** How SARIF anchors locations; without it, every path is taken relative to cwd as the repository root. */
  locations?: LocationContext;
  /** The lowest severity that fails the run (JUnit: findings below it are not failures). Default: error. */
  failOn?: Severity;
}

/**
 * What SARIF needs to place a finding: the repository root (`%SRCROOT%`), the
 * checked host (`HOSTROOT`) and which "files" are really command outputs.
 */
export interface LocationContext {
  /** The repository root: the nearest directory up from cwd holding `.git`, else cwd. */
  sourceRoot: string;
  /**
   * `check` only: the host whose absolute paths the findings name. `dir` is where
   * its tree is on this machine (`/` live, the --root directory), undefined when
   * the paths come from a snapshot of a host that is not here. `lint` leaves it
   * out: its paths are this machine's.
   */
  host?: { dir?: string; description: string };
  /** Files read on this machine even in `check` (the --facts file), as absolute paths. */
  localFiles?: ReadonlySet<string>;
  /** Evidence names that are the output of a command, not a file ("xl info"). */
  commandOutputs?: ReadonlySet<string>;
}

/** The report formats behind `--format`. */
export type Format = 'stylish' | 'json' | 'sarif' | 'junit' | 'github' | 'html';
