/**
 * `xenlint migrate GUEST --from A --to B`: can this guest move from host A to
 * host B? Each rule of cli/migrate/rules.ts becomes one outcome of an ordinary
 * report, so every --format works; the exit code is 0 when it can move, 1 when
 * a finding at or above --fail-on says it cannot, 2 for bad input.
 */
import { readSettingsText } from '../sources/read-input.js';
import { existsSync, statSync } from 'node:fs';
import { writeOptionFile } from './output.js';
import { redactReport } from '../sources/redact.js';
import type { CheckOutcome, ReportedFinding, RunReport } from '../../checks/api.js';
import type { TextFinding } from '../model/contract.js';
import type { DomainFacts } from '../model/facts.js';
import type { Severity } from '../model/diagnostic.js';
import type { Dialect } from '../model/config-model.js';
import { loadConfig, UsageError, type LoadedConfig } from '../settings/config.js';
import { exitCodeFor, fingerprint, summarize } from '../engine/engine.js';
import { TOOL_VERSION } from '../model/tool-version.js';
import type { RuleMeta } from '../report/index.js';
import { docPageUri } from '../settings/rule-docs.js';
import { visible } from '../report/color.js';
import { loadSide, type Side } from '../migrate/sides.js';
import { comparedFacts, MIGRATION_RULES, type Migration, type MigrationRule } from '../migrate/rules.js';

export interface MigrateArgs {
  guest: string;
  from: string;
  to: string;
  dialect?: Dialect;
  format?: string;
  output?: string;
  color?: boolean;
  'fail-on'?: Severity;
  config?: string;
  verbose?: boolean;
  timeout?: number;
}

export default async function migrate(argv: Record<string, unknown>): Promise<number> {
  const args = argv as unknown as MigrateArgs;
  const loaded = await loadConfig({ cwd: process.cwd(), read: readSettingsText, ...(args.config ? { file: args.config } : {}) });
  const { m, report, problems } = await assessMigration(args, loaded);

  const { formatReport, pickFormat, useColor } = await import('../report/index.js');
  const isTTY = !args.output && Boolean(process.stdout.isTTY);
  const format = pickFormat(args.format, process.env, isTTY);
  const color = useColor(args.color, process.env, isTTY);
  // --verbose: every compared fact, A beside B — a table above the stylish report, notes in the others.
  if (args.verbose && format !== 'stylish') report.notes = [...(report.notes ?? []), ...comparedFacts(m).map((r) => `${r.fact}: A ${r.from} | B ${r.to}`)];
  const [{ projectLinks }, { repositoryRoot }] = await Promise.all([import('../settings/project.js'), import('../settings/config.js')]);
  const cwd = process.cwd();
  const home = projectLinks()?.home;
  const failOn = args['fail-on'] ?? loaded.config.failOn ?? 'error';
  let text = await formatReport(redactReport(report), format, {
    color,
    cwd,
    rules: migrationRuleMetas(),
    verbose: Boolean(args.verbose),
    ...(home ? { home } : {}),
    locations: { sourceRoot: repositoryRoot(cwd) ?? cwd },
    failOn,
  });
  if (args.verbose && format === 'stylish') text = `${sideBySide(m)}\n${text}`;
  if (args.output) await writeOptionFile('--output', args.output, text.endsWith('\n') ? text : `${text}\n`);
  else process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  const code = exitCodeFor(report, failOn);
  return problems.length > 0 ? 2 : code;
}

/** Reads both hosts and the guest, and runs every rule. */
export async function assessMigration(
  args: Pick<MigrateArgs, 'guest' | 'from' | 'to' | 'dialect' | 'timeout'>,
  loaded: LoadedConfig,
): Promise<{ m: Migration; report: RunReport; problems: RunReport['problems'] }> {
  const [from, to] = await Promise.all([loadSide('from', args.from, loaded, args.timeout), loadSide('to', args.to, loaded, args.timeout)]);
  const { guest, problems } = await readGuest(args.guest, from, args.dialect);
  const m: Migration = { guest, from, to };
  if (to.source) {
    const { enrichDomainWithProbes } = await import('../sources/enrich.js');
    m.storage = (await enrichDomainWithProbes(guest, to.source)).probes;
  }
  return { m, report: migrationReport(m, problems), problems };
}

/**
 * The guest: a config file here, or — when A is a capture — one of A's guests
 * by name or by its path on A (`/etc/xen/web.cfg`). Its kernel is read on A,
 * where it runs.
 */
async function readGuest(spec: string, from: Side, dialect: Dialect | undefined): Promise<{ guest: DomainFacts; problems: RunReport['problems'] }> {
  if (existsSync(spec)) {
    if (statSync(spec).isDirectory()) throw new UsageError(`${spec}: a directory; name one guest's config file`);
    const { readDomainFiles } = await import('../sources/read-domains.js');
    const { domains, problems } = await readDomainFiles([spec], () => dialect);
    if (problems.length > 0 || domains.length === 0) throw new UsageError(`${spec}: ${problems[0]?.message ?? 'cannot read'}`);
    let guest = domains[0]!;
    if (from.source) {
      const { enrichDomain } = await import('../sources/enrich.js');
      guest = await enrichDomain(guest, from.source);
    }
    const errors = guest.diagnostics.filter((d) => d.severity === 'error');
    return { guest, problems: errors.map((d) => ({ file: spec, ...(d.line ? { line: d.line } : {}), ...(d.column ? { column: d.column } : {}), message: d.message })) };
  }
  const onA = from.kind === 'capture' ? (from.facts.domains ?? []).find((d) => d.file === spec || d.name === spec) : undefined;
  if (onA) return { guest: onA, problems: [] };
  const known = from.kind === 'capture' ? ` (guests on A: ${(from.facts.domains ?? []).map((d) => d.name).join(', ') || 'none'})` : '';
  throw new UsageError(`${spec}: no such config file${from.kind === 'capture' ? ', and no guest of that name or path in the capture given as --from' : ''}${known}`);
}

export function migrationReport(m: Migration, problems: RunReport['problems'] = []): RunReport {
  const checks = MIGRATION_RULES.map((rule) => outcome(rule, m));
  const to = m.to.facts.host;
  return {
    reportVersion: 1,
    tool: { name: 'xenlint', version: TOOL_VERSION },
    command: 'migrate',
    ...(to?.version ? { xen: { version: to.version, source: `--to ${m.to.spec}` } } : {}),
    files: m.guest.file ? [m.guest.file] : [],
    checks,
    problems,
    summary: summarize(checks),
  };
}

function outcome(rule: MigrationRule, m: Migration): CheckOutcome {
  const base: CheckOutcome = { id: rule.id, title: rule.title, severity: rule.severity, status: 'pass', findings: [], suppressed: 0 };
  let result: TextFinding[] | { skip: string };
  try {
    result = rule.run(m);
  } catch (err) {
    return { ...base, status: 'error', reason: `the rule failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!Array.isArray(result)) return { ...base, status: 'skipped', reason: result.skip };
  const findings: ReportedFinding[] = result.map((f) => ({ ...f, check: rule.id, severity: f.severity ?? rule.severity, fingerprint: fingerprint(rule.id, f) }));
  return { ...base, status: findings.length > 0 ? 'fail' : 'pass', findings };
}

/** docs/migrate.md, one section per rule, wherever the rule pages are served from. */
export function migrationDocUri(id: string): string | undefined {
  return docPageUri('migrate.md', id);
}

export function migrationRuleMetas(): Map<string, RuleMeta> {
  return new Map(
    MIGRATION_RULES.map((r) => [
      r.id,
      {
        id: r.id,
        title: r.title,
        severity: r.severity,
        helpText: `${r.title}.\n\nSources: ${r.sources.join('; ')}`,
        ...(migrationDocUri(r.id) ? { helpUri: migrationDocUri(r.id)! } : {}),
        sources: r.sources,
      },
    ]),
  );
}

/** The facts the rules compared, A beside B. */
function sideBySide(m: Migration): string {
  const rows = comparedFacts(m);
  const w0 = Math.max(4, ...rows.map((r) => r.fact.length));
  const w1 = Math.max(6, ...rows.map((r) => r.from.length));
  const line = (a: string, b: string, c: string) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd();
  for (const r of rows) {
    r.from = visible(r.from);
    r.to = visible(r.to);
  }
  return [`Migrating ${visible(m.guest.name)} (${m.guest.dialect}, ${m.guest.type.toUpperCase()})`, line('fact', 'A (from)', 'B (to)'), ...rows.map((r) => line(r.fact, r.from, r.to)), ''].join('\n');
}
