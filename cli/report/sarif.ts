/**
 * SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps).
 * test/report/sarif.test.ts validates the output against the official OASIS
 * schema, and test/integration/sarif-multitool.test.ts with Microsoft's SARIF
 * validator, because an invalid log is silently dropped by some consumers
 * (kube-score#559 shipped one with an empty tool name).
 *
 * Choices worth knowing:
 * - every check in the run is a rule, so `ruleIndex` is stable within the log;
 *   its `helpUri` is the rule's page in the repository at this version's tag;
 * - no location is a `file:` URI of the machine that ran xenlint. A file in the
 *   repository is relative to `%SRCROOT%` (the repository root); a file of the
 *   checked host (`check`) is relative to `HOSTROOT`, the host's `/`, which is
 *   given as a directory under `%SRCROOT%` when --root names one inside the
 *   repository; any other local file is relative to `LOCALROOT`, this machine's `/`;
 * - host evidence that is not a file (an `xl info` output, /proc and /sys
 *   values) and findings without a file get a logical location (the evidence,
 *   the domU, or "host"), because several consumers reject a result with no location;
 * - checks that could not run (status error) and unreadable inputs become
 *   toolExecutionNotifications and make `executionSuccessful` false;
 * - skipped and not-applicable checks are listed in `run.properties.checks`
 *   rather than as results, which dashboards would show as alerts.
 */
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { CheckOutcome, ReportedFinding, RunReport } from '../model/contract.js';
import type { Severity } from '../model/diagnostic.js';
import type { FormatOptions, LocationContext, RuleMeta } from './options.js';
import { findingAt, namesAFile, position, settledFile, wellFormed } from './shared.js';
import { jsonPieces, LazyArray } from './json-pieces.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
export const HOSTROOT = 'HOSTROOT';
export const LOCALROOT = 'LOCALROOT';
export const FINGERPRINT_KEY = 'xenlint/v1';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note' };

interface Descriptor {
  id: string;
  name?: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: Level };
  properties: { tags: string[]; xen?: string; sources: string[] };
}

export function toSarif(report: RunReport, opts: FormatOptions): Record<string, unknown> {
  return sarifLog(report, opts, false);
}

/** The log; with `lazy`, its results are made as they are written (for jsonPieces). */
function sarifLog(report: RunReport, opts: FormatOptions, lazy: boolean): Record<string, unknown> {
  // SARIF requires distinct rules; a (buggy) duplicate check id keeps its first entry.
  const ruleIndex = new Map<string, number>();
  const rules: Descriptor[] = [];
  for (const o of report.checks) {
    if (ruleIndex.has(o.id)) continue;
    ruleIndex.set(o.id, rules.length);
    rules.push(descriptor(o, opts.rules.get(o.id)));
  }
  const places = new Places(opts.cwd, opts.locations ?? { sourceRoot: opts.cwd });
  const results = lazy ? lazyResults(report, ruleIndex, places) : report.checks.flatMap((o) => o.findings.map((f) => result(f, ruleIndex.get(o.id) ?? -1, places)));
  const notifications = [
    ...report.checks.filter((o) => o.status === 'error').map((o) => checkErrorNotification(o, ruleIndex.get(o.id) ?? -1)),
    ...report.problems.map((p) => problemNotification(p, places)),
  ];
  const driver: Record<string, unknown> = { name: 'xenlint', version: report.tool.version };
  const home = opts.home ? absoluteUri(opts.home) : undefined;
  if (home) driver['informationUri'] = home;
  driver['rules'] = rules;
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
    originalUriBaseIds: places.baseIds(),
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
  return [...sarifPieces(report, opts)].join('');
}

/** formatSarif's text in pieces: the log is never held as one string. */
export function* sarifPieces(report: RunReport, opts: FormatOptions): Generator<string> {
  yield* jsonPieces(sarifLog(report, opts, true));
  yield '\n';
}

function descriptor(o: CheckOutcome, meta: RuleMeta | undefined): Descriptor {
  const title = meta?.title ?? o.title;
  const helpText = meta?.helpText?.trim() || title;
  const sources = meta?.sources ?? [];
  const xen = o.xen ?? meta?.xen;
  const helpUri = meta?.helpUri ? absoluteUri(meta.helpUri) : undefined;
  const name = ruleName(o.id);
  const d: Descriptor = {
    id: o.id,
    ...(name !== undefined ? { name } : {}),
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
export function ruleName(id: string): string | undefined {
  const name = id
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  // The multitool (SARIF1001) wants a name that differs from the id, case aside; else none.
  return name === '' || name.toLowerCase() === id.toLowerCase() ? undefined : name;
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

/**
 * Every finding's result, made as it is written (a run's findings may be in a
 * spill: issue 14). The base ids their locations use are recorded first, from
 * their files alone, for `originalUriBaseIds`, written before the results.
 */
function lazyResults(report: RunReport, ruleIndex: Map<string, number>, places: Places): LazyArray<Record<string, unknown>> {
  const starts: number[] = [];
  let total = 0;
  let last: string | undefined;
  for (const o of report.checks) {
    starts.push(total);
    total += o.findings.length;
    for (let i = 0; i < o.findings.length; i++) {
      const file = settledFile(o.findings, i);
      if (file && file !== last) places.artifact(file);
      last = file;
    }
  }
  let c = 0;
  return new LazyArray(total, (n) => {
    // Asked in order: the check holding the n-th result is this one or a later one.
    if (n < starts[c]!) c = 0;
    while (c + 1 < starts.length && n >= starts[c + 1]!) c++;
    const o = report.checks[c]!;
    return result(findingAt(o.findings, n - starts[c]!), ruleIndex.get(o.id) ?? -1, places);
  });
}

function result(f: ReportedFinding, ruleIndex: number, places: Places): Record<string, unknown> {
  const where = places.location(f.file, f.line, f.column, f.domain);
  const r: Record<string, unknown> = {
    ruleId: f.check,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[f.severity] ?? 'warning',
    message: { text: f.message === '' ? '(no message)' : f.message },
    locations: [where.location],
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
  Object.assign(properties, where.properties);
  if (Object.keys(properties).length > 0) r['properties'] = properties;
  return r;
}

/** Turns the paths findings name into SARIF locations, and records the base ids they use. */
class Places {
  private readonly used = new Set<string>();

  constructor(
    private readonly cwd: string,
    private readonly ctx: LocationContext,
  ) {}

  /** A location for a finding or problem; `properties` carries the line of evidence that has no file to hold a region. */
  location(
    file: string | undefined,
    line: unknown,
    column: unknown,
    domain?: string,
  ): { location: Record<string, unknown>; properties: Record<string, unknown> } {
    const loc: Record<string, unknown> = {};
    const properties: Record<string, unknown> = {};
    const logical: Array<Record<string, unknown>> = [];
    if (file) {
      const artifact = this.artifact(file);
      if (artifact) loc['physicalLocation'] = physicalLocation(artifact, line, column);
      else {
        const name = wellFormed(file);
        logical.push({ name, fullyQualifiedName: `host/${name}`, kind: 'resource' });
        const l = position(line);
        if (l !== undefined) properties['evidenceLine'] = l;
        const c = position(column);
        if (l !== undefined && c !== undefined) properties['evidenceColumn'] = c;
      }
    }
    if (domain !== undefined && domain !== '') {
      logical.push({ name: wellFormed(domain), fullyQualifiedName: `domain/${wellFormed(domain)}`, kind: 'resource' });
    } else if (!file) {
      logical.push({ name: 'host', fullyQualifiedName: 'host', kind: 'resource' });
    }
    if (logical.length > 0) loc['logicalLocations'] = logical;
    return { location: loc, properties };
  }

  /** Where a file is, relative to one of the base ids; undefined for evidence that is not a file. */
  artifact(file: string): { uri: string; uriBaseId: string } | undefined {
    const { ctx } = this;
    if (!namesAFile(file, ctx)) return undefined;
    const abs = resolve(this.cwd, file);
    const local = ctx.localFiles?.has(abs) ?? false;
    if (ctx.host && !local && posix.isAbsolute(file)) return this.under(HOSTROOT, posix.normalize(file).slice(1));
    const rel = this.inSourceRoot(abs);
    if (rel !== undefined) return this.under(SRCROOT, rel);
    return this.under(LOCALROOT, abs.split(sep).join('/').replace(/^\/+/, ''));
  }

  /** inside(abs, sourceRoot) for a path resolve() gave: a finding's file is mostly a plain path under the root, cut off it without resolving both again (issue 14). */
  private inSourceRoot(abs: string): string | undefined {
    const prefix = (this.rootPrefix ??= rootPrefix(this.ctx.sourceRoot));
    if (prefix !== undefined) {
      const path = wellFormed(abs);
      if (path.length > prefix.length && path.startsWith(prefix)) return path.slice(prefix.length);
    }
    return inside(abs, this.ctx.sourceRoot);
  }

  private rootPrefix: string | undefined;

  private under(baseId: string, path: string): { uri: string; uriBaseId: string } {
    this.used.add(baseId);
    return { uri: encodePath(path), uriBaseId: baseId };
  }

  /** `run.originalUriBaseIds`: never a file: URI of this machine, which would mean nothing anywhere else. */
  baseIds(): Record<string, Record<string, unknown>> {
    const { ctx } = this;
    const out: Record<string, Record<string, unknown>> = {
      [SRCROOT]: { description: { text: 'The root of the repository xenlint ran in (the nearest directory up from the working directory holding .git).' } },
    };
    if (ctx.host && this.used.has(HOSTROOT)) {
      const base: Record<string, unknown> = {};
      const rel = ctx.host.dir !== undefined ? inside(ctx.host.dir, ctx.sourceRoot) : undefined;
      if (rel !== undefined) Object.assign(base, { uri: `${encodePath(rel)}/`, uriBaseId: SRCROOT });
      base['description'] = { text: wellFormed(ctx.host.description) };
      out[HOSTROOT] = base;
    }
    if (this.used.has(LOCALROOT)) {
      out[LOCALROOT] = { description: { text: 'The root directory (/) of the machine xenlint ran on: the file is outside the repository.' } };
    }
    return out;
  }
}

function physicalLocation(artifactLocation: { uri: string; uriBaseId: string }, line: unknown, column: unknown): Record<string, unknown> {
  const phys: Record<string, unknown> = { artifactLocation };
  const startLine = position(line);
  if (startLine !== undefined) {
    const startColumn = position(column);
    phys['region'] = startColumn !== undefined ? { startLine, startColumn } : { startLine };
  }
  return phys;
}

/** `path` relative to `dir` with forward slashes, or undefined when it is outside (or is) `dir`. */
function inside(path: string, dir: string): string | undefined {
  const rel = relative(resolve(wellFormed(dir)), resolve(wellFormed(path)));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** `dir` resolved, with a slash at the end: a normalised absolute path that starts with it is inside `dir`. Undefined off POSIX. */
function rootPrefix(dir: string): string | undefined {
  if (sep !== '/') return undefined;
  const root = resolve(wellFormed(dir));
  return root.endsWith('/') ? root : `${root}/`;
}

/** What encodeURIComponent leaves as it is, and the slashes encodePath keeps. */
const URI_PLAIN_PATH = /^[A-Za-z0-9\-_.!~*'()/]*$/;

function encodePath(path: string): string {
  if (URI_PLAIN_PATH.test(path)) return path;
  return wellFormed(path).split('/').map(encodeURIComponent).join('/');
}

/** Relative to %SRCROOT% when inside `root` (cwd when no root is given), else to LOCALROOT. */
export function artifactLocation(file: string, cwd: string, root: string = cwd): { uri: string; uriBaseId: string } {
  return new Places(cwd, { sourceRoot: root }).artifact(file)!;
}

function checkErrorNotification(o: CheckOutcome, ruleIndex: number): Record<string, unknown> {
  return {
    level: 'error',
    message: { text: `${o.id} could not run: ${o.reason ?? 'no reason given'}` },
    associatedRule: ruleIndex >= 0 ? { id: o.id, index: ruleIndex } : { id: o.id },
  };
}

function problemNotification(p: RunReport['problems'][number], places: Places): Record<string, unknown> {
  const n: Record<string, unknown> = { level: 'error', message: { text: p.message === '' ? '(no message)' : p.message } };
  if (p.file) {
    const where = places.location(p.file, p.line, p.column);
    n['locations'] = [where.location];
    if (Object.keys(where.properties).length > 0) n['properties'] = where.properties;
  }
  return n;
}

/**
 * The web address in normalised (percent-encoded) form, or undefined when it is
 * not an http(s) URL: a file: link names a file on the machine that ran
 * xenlint, dead anywhere the report is read.
 */
function absoluteUri(s: string): string | undefined {
  if (!/^https?:\/\//i.test(s)) return undefined;
  try {
    return new URL(wellFormed(s)).href;
  } catch {
    return undefined;
  }
}
