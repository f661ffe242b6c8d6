/**
 * The report formats behind `--format`. This module stays light: it holds the
 * types and the two choices made before formatting (which format, whether to
 * colour), and loads the one formatter asked for with a dynamic import — hence
 * `formatReport` is async.
 */
import type { RunReport } from '../model/contract.js';
import type { FormatOptions } from './options.js';

export type { FormatOptions, LocationContext, RuleMeta } from './options.js';

export type { Format } from './options.js';
import type { Format } from './options.js';

export const FORMATS: readonly Format[] = ['stylish', 'json', 'sarif', 'junit', 'github', 'html'];

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

export async function formatReport(report: RunReport, format: Format, opts: FormatOptions): Promise<string> {
  return [...(await formatPieces(report, format, opts))].join('');
}

/**
 * The report in pieces, to be written one after another (issue 14): stylish,
 * JSON, SARIF, JUnit, GitHub and HTML make theirs as they go, so a report of
 * 100 000 guests is never one string; a fleet's report in stylish, SARIF, JUnit
 * or GitHub (formatFleet) is handed over as one piece.
 */
export async function formatPieces(report: RunReport, format: Format, opts: FormatOptions): Promise<Iterable<string>> {
  // JSON carries a fleet run's host on every finding; the other formats group a fleet by host (formatFleet).
  if (format === 'json') return (await import('./json.js')).jsonReportPieces(report, opts);
  if (report.hosts === undefined) {
    if (format === 'stylish') return (await import('./stylish.js')).stylishPieces(report, opts);
    if (format === 'sarif') return (await import('./sarif.js')).sarifPieces(report, opts);
    if (format === 'junit') return (await import('./junit.js')).junitPieces(report, opts);
    if (format === 'github') return (await import('./github.js')).githubPieces(report, opts);
  }
  if (format === 'html') return (await import('./html.js')).htmlPieces(report, opts);
  return [await formatWhole(report, format, opts)];
}

async function formatWhole(report: RunReport, format: Format, opts: FormatOptions): Promise<string> {
  // A fleet report groups by host; JSON carries the host on every finding instead.
  if (report.hosts && format !== 'json' && format !== 'html') return (await import('./fleet.js')).formatFleet(report, format, opts);
  switch (format) {
    case 'stylish':
      return (await import('./stylish.js')).formatStylish(report, opts);
    case 'json':
      return (await import('./json.js')).formatJson(report, opts);
    case 'sarif':
      return (await import('./sarif.js')).formatSarif(report, opts);
    case 'junit':
      return (await import('./junit.js')).formatJunit(report, opts);
    case 'github':
      return (await import('./github.js')).formatGithub(report, opts);
    case 'html':
      return (await import('./html.js')).formatHtml(report, opts);
    default:
      throw new RangeError(`unknown report format "${String(format)}" (expected one of ${FORMATS.join(', ')})`);
  }
}

/**
 * An explicit --format wins. Otherwise GitHub Actions (which sets
 * GITHUB_ACTIONS=true on every step) gets workflow-command annotations, and
 * everything else the stylish report. `isTTY` does not change the choice: a
 * terminal only changes colour (see useColor), and GitHub runners never have one.
 * An unknown explicit format throws rather than falling back silently.
 */
export function pickFormat(requested: string | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): Format {
  void isTTY;
  if (requested !== undefined && requested !== '') {
    if (!isFormat(requested)) {
      throw new RangeError(`unknown report format "${requested}" (expected one of ${FORMATS.join(', ')})`);
    }
    return requested;
  }
  return env['GITHUB_ACTIONS'] === 'true' ? 'github' : 'stylish';
}

/**
 * Precedence, first match wins:
 * 1. `--color` / `--no-color` (the person at the keyboard);
 * 2. NO_COLOR set to anything but "" turns colour off (no-color.org);
 * 3. FORCE_COLOR: "0" or "false" turns it off, any other non-empty value on
 *    (force-color.org treats "" as unset; Node and supports-color read "0"/"false" as off);
 * 4. a terminal gets colour, unless TERM=dumb; a pipe or file never does.
 * NO_COLOR beats FORCE_COLOR so that a user's global opt-out survives a CI
 * image that forces colour for every tool.
 */
export function useColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return !(force === '0' || force.toLowerCase() === 'false');
  return isTTY && env['TERM'] !== 'dumb';
}
