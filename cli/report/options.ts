/**
 * What every formatter is handed besides the report: the options and each
 * check's documentation. Kept apart from index.ts (which loads the formatters)
 * so that a formatter never imports the module that imports it.
 */
import type { Severity } from '../parse/diagnostic.js';

/** What a formatter knows about a check beyond its outcome: its documentation. */
export interface RuleMeta {
  id: string;
  title: string;
  severity: Severity;
  /** Semver range of Xen versions where the pitfall exists. */
  xen?: string;
  /** What it catches and how to fix it, as plain text (Markdown allowed). */
  helpText: string;
  /** Absolute URI of the check's documentation page. */
  helpUri: string;
  sources: string[];
}

export interface FormatOptions {
  color: boolean;
  /** Paths in reports are shown (and SARIF URIs made) relative to this directory. */
  cwd: string;
  rules: Map<string, RuleMeta>;
  /** stylish: remediation and evidence under each finding, every skipped and not-applicable check. */
  verbose?: boolean;
}

/** Where a user can read about xenlint itself (SARIF `informationUri`). */
export const XENLINT_HOME = 'https://xenlint.dev/';

