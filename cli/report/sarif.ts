/**
 * SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps).
 * test/report/sarif.test.ts validates the output against the official OASIS
 * schema, because an invalid log is silently dropped by some consumers
 * (kube-score#559 shipped one with an empty tool name).
 *
 * Choices worth knowing:
 * - every check in the run is a rule, so `ruleIndex` is stable within the log;
 * - file paths inside cwd are relative URIs on `%SRCROOT%`, others absolute file: URIs;
 * - a finding without a file gets a logical location (the domU, or "host"),
 *   because several consumers reject a result with no location at all;
 * - checks that could not run (status error) and unreadable inputs become
 *   toolExecutionNotifications and make `executionSuccessful` false;
 * - skipped and not-applicable checks are listed in `run.properties.checks`
 *   rather than as results, which dashboards would show as alerts.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { CheckOutcome, ReportedFinding, RunReport } from '../contract.js';
import type { Severity } from '../parse/diagnostic.js';
import { XENLINT_HOME, type FormatOptions, type RuleMeta } from './options.js';
import { insideCwd, position, wellFormed } from './shared.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
export const FINGERPRINT_KEY = 'xenlint/v1';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note' };

interface Descriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: Level };
  properties: { tags: string[]; xen?: string; sources: string[] };
}

export function toSarif(report: RunReport, opts: FormatOptions): Record<string, unknown> {
  // SARIF requires distinct rules; a (buggy) duplicate check id keeps its first entry.
  const ruleIndex = new Map<string, number>();
  const rules: Descriptor[] = [];
  for (const o of report.checks) {
    if (ruleIndex.has(o.id)) continue;
    ruleIndex.set(o.id, rules.length);
    rules.push(descriptor(o, opts.rules.get(o.id)));
  }
  const results = report.checks.flatMap((o) => o.findings.map((f) => result(f, ruleIndex.get(o.id) ?? -1, opts.cwd)));
  const notifications = [
    ...report.checks.filter((o) => o.status === 'error').map((o) => checkErrorNotification(o, ruleIndex.get(o.id) ?? -1)),
    ...report.problems.map((p) => problemNotification(p, opts.cwd)),
  ];
  const driver: Record<string, unknown> = {
    name: 'xenlint',
    version: report.tool.version,
    informationUri: XENLINT_HOME,
    rules,
  };
  if (/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(report.tool.version)) {
    driver['semanticVersion'] = report.tool.version;
  }
  const run: Record<string, unknown> = {
    tool: { driver },
    invocations: [
      {
        executionSuccessful: notifications.length === 0,
        ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
      },
    ],
    originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(opts.cwd) } },
    columnKind: 'utf16CodeUnits',
    results,
    properties: {
      command: report.command,
      ...(report.xen ? { xen: { ...report.xen } } : {}),
      checks: report.checks.map((o) => ({
        id: o.id,
        status: o.status,
        ...(o.reason !== undefined ? { reason: o.reason } : {}),
        suppressed: o.suppressed,
      })),
    },
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

export function formatSarif(report: RunReport, opts: FormatOptions): string {
  return `${JSON.stringify(toSarif(report, opts), null, 2)}\n`;
}

function descriptor(o: CheckOutcome, meta: RuleMeta | undefined): Descriptor {
  const title = meta?.title ?? o.title;
  const helpText = meta?.helpText?.trim() || title;
  const sources = meta?.sources ?? [];
  const xen = o.xen ?? meta?.xen;
  const helpUri = meta?.helpUri ? absoluteUri(meta.helpUri) : undefined;
  const d: Descriptor = {
    id: o.id,
    name: ruleName(o.id),
    shortDescription: { text: title },
    fullDescription: { text: firstParagraph(helpText) },
    help: { text: helpPlain(helpText, xen, sources, helpUri), markdown: helpMarkdown(helpText, xen, sources, helpUri) },
    defaultConfiguration: { level: LEVEL[meta?.severity ?? o.severity] ?? 'warning' },
    properties: { tags: ['xen', 'configuration'], sources },
  };
  if (helpUri) d.helpUri = helpUri;
  if (xen) d.properties.xen = xen;
  return d;
}

/** SARIF suggests a readable compound word for `name`: "pv-abi-mismatch" -> "PvAbiMismatch". */
export function ruleName(id: string): string {
  const name = id
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return name || id;
}

function firstParagraph(text: string): string {
  return text.split(/\n\s*\n/)[0]!.trim() || text;
}

function helpPlain(text: string, xen: string | undefined, sources: string[], uri: string | undefined): string {
  const parts = [text];
  if (xen) parts.push(`Applies to Xen ${xen}.`);
  if (sources.length > 0) parts.push(`Sources:\n${sources.map((s) => `- ${s}`).join('\n')}`);
  if (uri) parts.push(`Documentation: ${uri}`);
  return parts.join('\n\n');
}

function helpMarkdown(text: string, xen: string | undefined, sources: string[], uri: string | undefined): string {
  const parts = [text];
  if (xen) parts.push(`Applies to Xen \`${xen.replace(/`/g, "'")}\`.`);
  if (sources.length > 0) parts.push(`**Sources**\n\n${sources.map((s) => `- ${s}`).join('\n')}`);
  if (uri) parts.push(`[Documentation](${uri})`);
  return parts.join('\n\n');
}

function result(f: ReportedFinding, ruleIndex: number, cwd: string): Record<string, unknown> {
  const r: Record<string, unknown> = {
    ruleId: f.check,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[f.severity] ?? 'warning',
    message: { text: f.message === '' ? '(no message)' : f.message },
    locations: [location(f, cwd)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
  };
  const properties: Record<string, unknown> = {};
  // The kind of problem within the rule (`disk-spec/duplicate-vdev`): ruleId stays the check, so the rule's metadata applies.
  if (f.messageId !== undefined) properties['messageId'] = f.messageId;
  if (f.domain !== undefined) properties['domain'] = f.domain;
  if (f.key !== undefined) properties['key'] = f.key;
  if (f.remediation !== undefined) properties['remediation'] = f.remediation;
  if (f.evidence !== undefined) properties['evidence'] = f.evidence;
  if (f.unverified) properties['unverified'] = true;
  if (Object.keys(properties).length > 0) r['properties'] = properties;
  return r;
}

function location(f: ReportedFinding, cwd: string): Record<string, unknown> {
  const loc: Record<string, unknown> = {};
  if (f.file) loc['physicalLocation'] = physicalLocation(f.file, f.line, f.column, cwd);
  if (f.domain !== undefined && f.domain !== '') {
    loc['logicalLocations'] = [{ name: f.domain, fullyQualifiedName: `domain/${f.domain}`, kind: 'resource' }];
  } else if (!f.file) {
    loc['logicalLocations'] = [{ name: 'host', fullyQualifiedName: 'host', kind: 'resource' }];
  }
  return loc;
}

function physicalLocation(file: string, line: unknown, column: unknown, cwd: string): Record<string, unknown> {
  const phys: Record<string, unknown> = { artifactLocation: artifactLocation(file, cwd) };
  const startLine = position(line);
  if (startLine !== undefined) {
    const startColumn = position(column);
    phys['region'] = startColumn !== undefined ? { startLine, startColumn } : { startLine };
  }
  return phys;
}

/** Relative to %SRCROOT% when inside cwd (portable between checkouts), else an absolute file: URI. */
export function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const safe = wellFormed(file);
  const rel = insideCwd(safe, cwd);
  if (rel !== undefined) return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  return { uri: pathToFileURL(resolve(wellFormed(cwd), safe)).href };
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(resolve(wellFormed(dir))).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function checkErrorNotification(o: CheckOutcome, ruleIndex: number): Record<string, unknown> {
  return {
    level: 'error',
    message: { text: `${o.id} could not run: ${o.reason ?? 'no reason given'}` },
    associatedRule: ruleIndex >= 0 ? { id: o.id, index: ruleIndex } : { id: o.id },
  };
}

function problemNotification(p: RunReport['problems'][number], cwd: string): Record<string, unknown> {
  const n: Record<string, unknown> = { level: 'error', message: { text: p.message === '' ? '(no message)' : p.message } };
  if (p.file) n['locations'] = [{ physicalLocation: physicalLocation(p.file, p.line, p.column, cwd) }];
  return n;
}

/** The URI in normalised (percent-encoded) form, or undefined when it is not an absolute URI. */
function absoluteUri(s: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) return undefined;
  try {
    return new URL(wellFormed(s)).href;
  } catch {
    return undefined;
  }
}
