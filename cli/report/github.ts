/**
 * GitHub Actions workflow commands: each finding becomes an annotation on the
 * file and line (or a file-less one for host findings), each check that could
 * not run an error annotation, and the last line is a plain summary for the log.
 *
 * Escaping follows @actions/toolkit (packages/core/src/command.ts): in the
 * message `%`, CR and LF are percent-encoded; in property values also `:` and
 * `,`. That also means a message can never start a workflow command of its own
 * (`::add-mask::`, `::stop-commands::`): it cannot contain a line break.
 */
import type { CheckOutcome, ReportedFinding, RunReport } from '../model/contract.js';
import type { Severity } from '../model/diagnostic.js';
import type { FormatOptions } from './options.js';
import { batched, countFindings, countStatuses, displayPath, findingCode, plural, position, severityCounts, statusCounts } from './shared.js';

type Command = 'error' | 'warning' | 'notice';

const COMMAND: Record<Severity, Command> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::cmd k=v,k=v::message`, properties in the given order, empty ones left out. */
export function workflowCommand(command: Command, props: Array<[string, string | number | undefined]>, message: string): string {
  const list = props.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
  return `::${command}${list.length > 0 ? ` ${list.join(',')}` : ''}::${escapeData(message)}`;
}

export function formatGithub(report: RunReport, opts: FormatOptions): string {
  return [...githubPieces(report, opts)].join('');
}

/** formatGithub's text in pieces: one line per finding, read from the run's finding store as it is written. */
export function githubPieces(report: RunReport, opts: FormatOptions): Generator<string> {
  return batched(lines(report, opts));
}

function* lines(report: RunReport, opts: FormatOptions): Generator<string> {
  for (const o of report.checks) {
    const findings = o.findings;
    for (let i = 0; i < findings.length; i++) yield `${findingCommand(findings[i]!, opts.cwd)}\n`;
    if (o.status === 'error') yield `${errorCommand(o)}\n`;
  }
  for (const p of report.problems) {
    const line = position(p.line);
    const command = workflowCommand(
      'error',
      [
        ['file', p.file ? displayPath(p.file, opts.cwd) : undefined],
        ['line', p.file ? line : undefined],
        ['col', p.file && line !== undefined ? position(p.column) : undefined],
        ['title', 'xenlint input problem'],
      ],
      p.message,
    );
    yield `${command}\n`;
  }
  yield `${summaryLine(report)}\n`;
}

function findingCommand(f: ReportedFinding, cwd: string): string {
  const line = position(f.line);
  const message = f.remediation ? `${f.message}\n\nFix: ${f.remediation}` : f.message;
  return workflowCommand(
    COMMAND[f.severity] ?? 'warning',
    [
      ['file', f.file ? displayPath(f.file, cwd) : undefined],
      // A line without a file would annotate nothing; GitHub ignores it.
      ['line', f.file ? line : undefined],
      ['col', f.file && line !== undefined ? position(f.column) : undefined],
      ['title', `xenlint ${findingCode(f)}`],
    ],
    message === '' ? '(no message)' : message,
  );
}

function errorCommand(o: CheckOutcome): string {
  return workflowCommand('error', [['title', `xenlint ${o.id} could not run`]], o.reason ?? 'no reason given');
}

/** Plain text, not a command: the last line of the step's log. */
function summaryLine(report: RunReport): string {
  const findings = countFindings(report);
  const total = findings.error + findings.warning + findings.info;
  const head = total > 0 ? `xenlint: ${plural(total, 'finding')} (${severityCounts(findings)})` : 'xenlint: no problems found';
  const problems = report.problems.length > 0 ? `, ${plural(report.problems.length, 'input problem')}` : '';
  const xen = report.xen ? ` against Xen ${report.xen.version}` : '';
  return `${head}${problems}${xen}; checks: ${statusCounts(countStatuses(report))}`.replace(/[\r\n]+/g, ' ');
}
