/**
 * `xenlint check --root A --root B …` (or `--root DIR` holding captures): each
 * host checked as `check --root` checks one, then the fleet checks across them
 * (cli/fleet/checks.ts). The result is one report whose outcomes, findings and
 * problems each name their host (RunReport.hosts); the formats group by host.
 */
import { writeOptionFile } from './output.js';
import { redactReport } from '../sources/redact.js';
import type { CheckOutcome, FleetHost, ReportedFinding, RunReport } from '../../checks/api.js';
import type { Facts, Suppression } from '../model/facts.js';
import type { Severity } from '../model/diagnostic.js';
import { errorsOnly, exitCodeFor, fingerprint, matchingSuppression, runChecks, summarize } from '../engine/engine.js';
import { checkSettings, UsageError, type XenlintConfig } from '../settings/config.js';
import { TOOL_VERSION } from '../model/tool-version.js';
import { readBaseline, resolveXen, type Prepared, type ReportArgs } from './pipeline.js';
import { gatherFromRoot, gatherProblems, type HostArgs } from './host-facts.js';
import { fleetMembers } from '../fleet/hosts.js';
import { FLEET_CHECKS } from '../fleet/checks.js';
import { FLEET_CHECK_IDS } from '../fleet/ids.js';
import type { RuleMeta } from '../report/index.js';
import { docPageUri } from '../settings/rule-docs.js';
import { memoryView } from './memory-view.js';

export async function checkFleet(roots: string[], args: ReportArgs & HostArgs, prepared: Prepared): Promise<number> {
  const maxWarnings = args['max-warnings'];
  if (maxWarnings !== undefined && !(Number.isSafeInteger(maxWarnings) && maxWarnings >= 0)) {
    throw new UsageError(`--max-warnings ${String(maxWarnings)}: expected a whole number of warnings, 0 or more`);
  }
  const full = redactReport(await fleetReport(roots, args, prepared));
  const report = args.quiet ? { ...errorsOnly(full), hosts: full.hosts!.map((h) => ({ ...h, summary: summarize(errorsOnly(full).checks.filter((o) => o.host === h.name)) })) } : full;
  const { formatReport, pickFormat, useColor } = await import('../report/index.js');
  const isTTY = !args.output && Boolean(process.stdout.isTTY);
  const format = pickFormat(args.format, process.env, isTTY);
  const [{ ruleMetas }, { projectLinks }, { repositoryRoot }] = await Promise.all([import('./rule-meta.js'), import('../settings/project.js'), import('../settings/config.js')]);
  const rules = new Map([...ruleMetas(prepared.checks), ...fleetRuleMetas()]);
  const cwd = process.cwd();
  const home = projectLinks()?.home;
  const failOn: Severity = args['fail-on'] ?? prepared.loaded.config.failOn ?? 'error';
  const text = await formatReport(report, format, {
    color: useColor(args.color, process.env, isTTY),
    cwd,
    rules,
    verbose: Boolean(args.verbose),
    ...(home ? { home } : {}),
    // Each host's own paths are anchored on its tree (cli/report/fleet.ts).
    locations: { sourceRoot: repositoryRoot(cwd) ?? cwd },
    failOn,
  });
  if (args.output) await writeOptionFile('--output', args.output, text.endsWith('\n') ? text : `${text}\n`);
  else process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  const noHost = report.problems.some((p) => p.message.startsWith(NO_XEN));
  let code = exitCodeFor(report, failOn);
  const warnings = report.summary.findings.warning;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    process.stderr.write(`xenlint: too many warnings (${warnings}; --max-warnings ${maxWarnings})\n`);
    if (code === 0) code = 1;
  }
  return noHost ? 2 : code;
}

const NO_XEN = 'found no Xen host';

export async function fleetReport(roots: string[], args: ReportArgs & HostArgs, prepared: Prepared): Promise<RunReport> {
  const { loaded, checks, settings } = prepared;
  const baseline = args.baseline ? await readBaseline(args.baseline, prepared.loaded.config.limits) : undefined;
  const members = fleetMembers(roots);
  const hosts: Array<{ name: string; facts: Facts; report: RunReport; root: string }> = [];
  // One host at a time: a fleet of big hosts should not hold every capture's reads at once.
  for (const m of members) {
    const facts = await gatherFromRoot(m.root, loaded, args.timeout);
    const xen = resolveXen(facts, args, loaded);
    const files = (facts.domains ?? []).map((d) => d.file).filter((f): f is string => f !== undefined);
    const problems = gatherProblems(facts);
    if (!facts.host && !(facts.domains && facts.domains.length > 0)) problems.unshift({ message: `${NO_XEN} under ${m.root}: no xl/xm info and no guest configs` });
    const report = runChecks(checks, facts, {
      command: 'check',
      // The fleet's own directives are judged below, across the hosts.
      foreignIds: FLEET_CHECK_IDS,
      ...(xen ? { xen } : {}),
      settings,
      ...(baseline ? { baseline } : {}),
      files,
      problems,
      ...(loaded.config.limits?.findingsPerCheckPerFile !== undefined ? { findingsPerCheckPerFile: loaded.config.limits.findingsPerCheckPerFile } : {}),
    });
    const memory = memoryView(facts, xen?.version);
    if (memory) report.memory = memory;
    hosts.push({ name: m.name, facts, report, root: m.root });
  }
  const fleetOutcomes = fleetChecks(hosts, baseline, loaded.config);
  const allChecks: CheckOutcome[] = [];
  const allProblems: RunReport['problems'] = [];
  const fleetHosts: FleetHost[] = [];
  for (const h of hosts) {
    const mine = [...h.report.checks, ...(fleetOutcomes.get(h.name) ?? [])].map((o) => ({ ...o, host: h.name, findings: o.findings.map((f) => ({ ...f, host: h.name })) }));
    // One by one: a spread of a host's findings into push() overflows the stack past ~100 000.
    for (const o of mine) allChecks.push(o);
    for (const p of h.report.problems) allProblems.push({ ...p, host: h.name });
    fleetHosts.push({ name: h.name, root: h.root, ...(h.report.xen ? { xen: h.report.xen } : {}), files: h.report.files,
      ...(h.report.memory ? { memory: h.report.memory } : {}),
      evidenceCommands: h.facts.probes.filter((p) => p.command !== undefined).map((p) => p.name),
      summary: summarize(mine),
    });
  }
  return {
    reportVersion: 1,
    tool: { name: 'xenlint', version: TOOL_VERSION },
    command: 'check',
    files: [...new Set(hosts.flatMap((h) => h.report.files))],
    checks: allChecks,
    problems: allProblems,
    summary: summarize(allChecks),
    hosts: fleetHosts,
  };
}

/**
 * Each fleet check's outcome on each host: its findings placed there, as the
 * engine settles a check's findings. The config's `checks:` turns a fleet check
 * off or sets its severity; a guest's `# xenlint-disable…` directive naming it
 * (or naming no check) suppresses the finding on its line or in its file; the
 * baseline accepts as many findings of one fingerprint as it lists.
 */
function fleetChecks(hosts: Array<{ name: string; facts: Facts }>, baseline: ReadonlyMap<string, number> | undefined, config: XenlintConfig): Map<string, CheckOutcome[]> {
  const out = new Map<string, CheckOutcome[]>(hosts.map((h) => [h.name, []]));
  const left = baseline ? new Map(baseline) : undefined;
  const suppressionsOf = new Map<string, Map<string, Suppression[]>>(hosts.map((h) => [h.name, suppressionsByFile(h.facts)]));
  for (const check of FLEET_CHECKS) {
    const settings = checkSettings(config, check.id);
    if (!settings.enabled) continue;
    const base = { id: check.id, title: check.title, severity: settings.severity ?? check.severity };
    if (hosts.length < 2) {
      for (const h of hosts) out.get(h.name)!.push({ ...base, status: 'skipped', reason: 'needs two hosts or more', findings: [], suppressed: 0 });
      continue;
    }
    let findings: ReportedFinding[];
    try {
      findings = check.run(hosts).map((f) => ({
        ...f,
        check: check.id,
        severity: settings.severity ?? f.severity ?? check.severity,
        messageId: check.messageId,
        // The host is part of the guest's identity across a fleet: one guest name on two hosts is two findings.
        fingerprint: fingerprint(check.id, { domain: `${f.host ?? ''}\u0000${f.domain ?? ''}`, ...(f.key !== undefined ? { key: f.key } : {}), messageId: check.messageId, message: f.message }),
      }));
    } catch (err) {
      for (const h of hosts) out.get(h.name)!.push({ ...base, status: 'error', reason: `the check failed: ${err instanceof Error ? err.message : String(err)}`, findings: [], suppressed: 0 });
      continue;
    }
    for (const h of hosts) {
      const shown: ReportedFinding[] = [];
      let suppressed = 0;
      for (const f of findings) {
        if (f.host !== h.name) continue;
        const accepted = left?.get(f.fingerprint) ?? 0;
        if (matchingSuppression(suppressionsOf.get(h.name)!, f)) suppressed++;
        else if (accepted > 0) {
          left!.set(f.fingerprint, accepted - 1);
          suppressed++;
        } else shown.push(f);
      }
      out.get(h.name)!.push({ ...base, status: shown.length > 0 ? 'fail' : 'pass', findings: shown, suppressed });
    }
  }
  return out;
}

function suppressionsByFile(facts: Facts): Map<string, Suppression[]> {
  const out = new Map<string, Suppression[]>();
  for (const d of facts.domains ?? []) if (d.file !== undefined && d.suppressions.length > 0) out.set(d.file, [...(out.get(d.file) ?? []), ...d.suppressions]);
  return out;
}


/** docs/fleet.md, one section per fleet check, wherever the rule pages are served from. */
export function fleetRuleMetas(): Map<string, RuleMeta> {
  return new Map(
    FLEET_CHECKS.map((c) => [
      c.id,
      { id: c.id, title: c.title, severity: c.severity, helpText: c.title, ...(docPageUri('fleet.md', c.id) ? { helpUri: docPageUri('fleet.md', c.id)! } : {}), sources: ['docs/fleet.md'] },
    ]),
  );
}
