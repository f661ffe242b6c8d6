/**
 * A fleet report (`check --root A --root B`, see cli/commands/fleet.ts) in the
 * formats that group by host: the one report is split back into one report per
 * host, each formatted as for a single host, and put together so that every
 * finding sits under its host — stylish: a section per host; SARIF: a run per
 * host (with the host as a run and result property); JUnit: a testsuite per
 * host; GitHub: each annotation titled with its host. JSON needs no split: its
 * findings carry a `host` field.
 */
import type { FleetHost, RunReport } from '../model/contract.js';
import type { Format, FormatOptions } from './options.js';
import { palette, visible } from './color.js';
import { countFindings, plural, severityCounts, statusCounts, countStatuses } from './shared.js';
import { summarize } from '../engine/engine.js';

export interface HostPart {
  host: FleetHost;
  report: RunReport;
}

/** One single-host report per host of a fleet report, in the fleet's order. */
export function splitByHost(report: RunReport): HostPart[] {
  return (report.hosts ?? []).map((host) => {
    const checks = report.checks.filter((o) => o.host === host.name);
    const sub: RunReport = {
      ...report,
      ...(host.xen ? { xen: host.xen } : {}),
      files: host.files,
      checks,
      problems: report.problems.filter((p) => p.host === host.name),
      summary: summarize(checks),
    };
    delete sub.hosts;
    if (host.memory) sub.memory = host.memory;
    else delete sub.memory;
    if (!host.xen) delete sub.xen;
    return { host, report: sub };
  });
}

export async function formatFleet(report: RunReport, format: Exclude<Format, 'json' | 'html'>, opts: FormatOptions): Promise<string> {
  const parts = splitByHost(report);
  switch (format) {
    case 'stylish':
      return stylish(report, parts, opts);
    case 'sarif':
      return sarif(parts, opts);
    case 'junit':
      return junit(parts, opts);
    case 'github':
      return github(parts, opts);
    default:
      // Formats added later render the whole fleet report themselves.
      throw new RangeError(`no fleet rendering for format "${String(format)}"`);
  }
}

async function stylish(report: RunReport, parts: HostPart[], opts: FormatOptions): Promise<string> {
  const { formatStylish } = await import('./stylish.js');
  const p = palette(opts.color);
  const out: string[] = [];
  for (const { host, report: sub } of parts) {
    const xen = host.xen ? `, Xen ${visible(host.xen.version.replace(/\+.*$/, ''))}` : '';
    out.push(p.bold(`━━ ${visible(host.name)}`) + p.dim(` (${visible(host.root)}${xen})`), '');
    out.push(formatStylish(sub, opts).trimEnd(), '');
  }
  const findings = countFindings(report);
  const total = findings.error + findings.warning + findings.info;
  out.push(
    p.bold(`Fleet: ${plural(parts.length, 'host')}, ${total > 0 ? `${plural(total, 'finding')} (${severityCounts(findings)})` : 'no findings'}`),
    `Checks over all hosts: ${statusCounts(countStatuses(report))}`,
  );
  return `${out.join('\n')}\n`;
}

async function sarif(parts: HostPart[], opts: FormatOptions): Promise<string> {
  const { toSarif } = await import('./sarif.js');
  const runs: unknown[] = [];
  let schema: unknown;
  for (const { host, report } of parts) {
    const locations = {
      sourceRoot: opts.locations?.sourceRoot ?? opts.cwd,
      host: { dir: host.root, description: `The root directory of the host tree of ${host.name}, read from --root ${host.root}.` },
      commandOutputs: new Set(host.evidenceCommands ?? []),
    };
    const log = toSarif(report, { ...opts, locations }) as unknown as { $schema: string; runs: Array<Record<string, unknown>> };
    schema ??= log.$schema;
    for (const run of log.runs) {
      run['properties'] = { ...(run['properties'] as object), host: host.name, root: host.root };
      for (const r of (run['results'] as Array<Record<string, unknown>>) ?? []) {
        r['properties'] = { ...((r['properties'] as object) ?? {}), host: host.name };
      }
      runs.push(run);
    }
  }
  return `${JSON.stringify({ $schema: schema, version: '2.1.0', runs }, null, 2)}\n`;
}

async function junit(parts: HostPart[], opts: FormatOptions): Promise<string> {
  const { formatJunit } = await import('./junit.js');
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const { host, report } of parts) {
    const xml = formatJunit(report, opts);
    const suite = /^ {2}<testsuite [\s\S]*?^ {2}<\/testsuite>$/m.exec(xml)?.[0];
    if (!suite) continue;
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) {
      totals[k] += Number(new RegExp(`<testsuite [^>]*\\b${k}="(\\d+)"`).exec(suite)?.[1] ?? 0);
    }
    suites.push(suite.replace(/^( {2}<testsuite name=")([^"]*)(")/, (_m, a: string, name: string, c: string) => `${a}${name} ${xmlAttr(host.name)}${c}`));
  }
  const attrs = `tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}"`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="xenlint" ${attrs}>`, ...suites, '</testsuites>', ''].join('\n');
}

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u001f]/g, '');
}

async function github(parts: HostPart[], opts: FormatOptions): Promise<string> {
  const { formatGithub } = await import('./github.js');
  const out: string[] = [];
  for (const { host, report } of parts) {
    const tagged: RunReport = {
      ...report,
      checks: report.checks.map((o) => ({ ...o, findings: o.findings.map((f) => ({ ...f, message: `[${host.name}] ${f.message}` })) })),
      problems: report.problems.map((p) => ({ ...p, message: `[${host.name}] ${p.message}` })),
    };
    out.push(formatGithub(tagged, opts).trimEnd());
  }
  return `${out.join('\n')}\n`;
}
