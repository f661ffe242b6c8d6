/**
 * Runs the selected checks over the Facts and gives each exactly one status.
 * Nothing is dropped silently: a check whose facts are absent is "skipped" with
 * the reason, one outside its Xen range "not-applicable" with the range, one that
 * throws "error" with what it threw — and the other checks still run.
 */
import { createHash } from 'node:crypto';
import type { Check, CheckContext, CheckOutcome, Finding, ReportedFinding, RunReport, Status } from '../model/contract.js';
import { isRefusal, refusalOf, type DomainFacts, type Facts, type Suppression } from '../model/facts.js';
import type { Severity } from '../model/diagnostic.js';
import { satisfiesXen } from '../model/xen-version.js';
import { TOOL_VERSION } from '../model/tool-version.js';
import { findingCode, renderFinding } from '../model/messages.js';
import { UNUSED_SUPPRESSION } from '../../checks/unused-suppression.js';

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface CheckRunSettings {
  severity?: Severity;
  options?: Record<string, unknown>;
}

export interface EngineOptions {
  command: 'check' | 'lint';
  /** Version to check against and where it came from ("xl info", "--xen", "config"). */
  xen?: { version: string; source: string };
  settings?: Map<string, CheckRunSettings>;
  /**
   * Accepted findings (--baseline): fingerprint -> how many findings with it were
   * accepted. Two findings of one kind on one key of one guest share a
   * fingerprint, so the count is what keeps a third one from hiding behind them.
   */
  baseline?: ReadonlyMap<string, number>;
  files?: string[];
  problems?: RunReport['problems'];
  /** Shown with the summary: how the run judged its inputs. */
  notes?: string[];
}

export const UNUSED_SUPPRESSION_ID = UNUSED_SUPPRESSION.id;

export function runChecks(checks: Check[], facts: Facts, opts: EngineOptions): RunReport {
  const ctxBase = { mode: opts.command, ...(opts.xen ? { xenVersion: opts.xen.version } : {}) };
  const used = new Set<Suppression>();
  const suppressions = suppressionsByFile(facts);
  const baseline = opts.baseline ? new Map(opts.baseline) : undefined;
  const created = withoutRefused(facts);
  const outcomes: CheckOutcome[] = checks.map((check) => {
    const settings = opts.settings?.get(check.id) ?? {};
    const ctx: CheckContext = { ...ctxBase, options: { ...(check.defaults ?? {}), ...(settings.options ?? {}) } };
    const start = performance.now();
    const outcome = runOne(check.seesRefused ? check : judgingRefusedAlone(check, created), facts, ctx, settings.severity, baseline, used, suppressions);
    return { ...outcome, durationMs: performance.now() - start };
  });
  const start = performance.now();
  const unused = unusedSuppressions(created, used, opts);
  outcomes.push({ ...unused, durationMs: performance.now() - start });
  return {
    reportVersion: 1,
    tool: { name: 'xenlint', version: TOOL_VERSION },
    command: opts.command,
    ...(opts.xen ? { xen: opts.xen } : {}),
    ...(opts.notes && opts.notes.length > 0 ? { notes: opts.notes } : {}),
    files: opts.files ?? [],
    checks: outcomes,
    problems: opts.problems ?? [],
    summary: summarize(outcomes),
  };
}

/**
 * The Facts without the guests whose toolstack refuses their config. The
 * toolstack creates nothing from such a file, so a finding about it beyond the
 * refusal (its memory, its MAC clashing with another guest's, a directive left
 * unused) would mislead.
 */
function withoutRefused(facts: Facts): Facts & { refused: DomainFacts[] } {
  const domains = facts.domains ?? [];
  const refused = domains.filter((d) => refusalOf(d) !== undefined);
  if (refused.length === 0) return { ...facts, refused };
  return { ...facts, domains: domains.filter((d) => refusalOf(d) === undefined), refused };
}

/**
 * A check as it judges a host where some configs are refused: over the guests
 * the toolstack creates, as if the refused ones were not there; then each
 * refused guest alone, keeping only what the check says at the place where the
 * toolstack stops (the disk spec xl cannot parse, `maxvcpus` below `vcpus`):
 * that explains the refusal, anything else about the guest would go beyond it.
 */
function judgingRefusedAlone(check: Check, created: Facts & { refused: DomainFacts[] }): Check {
  const { refused, ...rest } = created;
  if (refused.length === 0) return { ...check, run: (_facts, ctx) => check.run(rest, ctx) };
  return {
    ...check,
    run(_facts, ctx) {
      const result = check.run(rest, ctx);
      if (!Array.isArray(result)) return result;
      const out = [...result];
      for (const d of refused) {
        const alone = check.run({ ...rest, domains: [d] }, ctx);
        if (!Array.isArray(alone)) continue;
        const lines = new Set(d.diagnostics.filter(isRefusal).map((x) => x.line));
        out.push(...alone.filter((f) => f.file === d.file && f.line !== undefined && lines.has(f.line)));
      }
      return out;
    },
  };
}

function runOne(
  check: Check,
  facts: Facts,
  ctx: CheckContext,
  severityOverride: Severity | undefined,
  /** Left to accept, per fingerprint: consumed as findings match. */
  baseline: Map<string, number> | undefined,
  used: Set<Suppression>,
  suppressions: Map<string, Suppression[]>,
): CheckOutcome {
  const severity = severityOverride ?? check.severity;
  const base: CheckOutcome = {
    id: check.id,
    title: check.title,
    severity,
    ...(check.xen ? { xen: check.xen } : {}),
    status: 'pass',
    findings: [],
    suppressed: 0,
  };
  const failedProbe = failedProbeFor(check, facts);
  if (failedProbe) return { ...base, status: 'error', reason: failedProbe };
  const missing = missingNeeds(check, facts);
  if (missing) return { ...base, status: 'skipped', reason: missing };
  if (check.xen) {
    if (!ctx.xenVersion) return { ...base, status: 'skipped', reason: 'Xen version unknown; pass --xen or --facts' };
    if (!satisfiesXen(ctx.xenVersion, check.xen)) {
      return { ...base, status: 'not-applicable', reason: `applies to Xen ${check.xen}; checking ${ctx.xenVersion}` };
    }
  }
  let result: ReturnType<Check['run']>;
  try {
    result = check.run(facts, ctx);
  } catch (err) {
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { ...base, status: 'error', reason: `the check failed: ${what}` };
  }
  if (!Array.isArray(result)) {
    if (result && typeof result === 'object' && typeof result.skip === 'string') {
      return { ...base, status: 'skipped', reason: result.skip };
    }
    return { ...base, status: 'error', reason: 'the check returned neither findings nor a skip reason' };
  }
  const reportedAll: ReportedFinding[] = [];
  for (const f of result) {
    const rendered = renderFinding(check, f);
    if (!rendered.ok) return { ...base, status: 'error', reason: rendered.reason };
    reportedAll.push(report(check.id, f, rendered.text, severityOverride ?? f.severity ?? check.severity));
  }
  const findings: ReportedFinding[] = [];
  let suppressed = 0;
  for (const reported of reportedAll) {
    const suppression = matchingSuppression(suppressions, reported);
    const accepted = baseline?.get(reported.fingerprint) ?? 0;
    if (suppression) {
      used.add(suppression);
      suppressed++;
    } else if (accepted > 0) {
      baseline!.set(reported.fingerprint, accepted - 1);
      suppressed++;
    } else {
      findings.push(reported);
    }
  }
  return { ...base, status: findings.length > 0 ? 'fail' : 'pass', findings, suppressed };
}

/** A need that is absent because the probe that feeds it failed: an error, not a skip. */
function failedProbeFor(check: Check, facts: Facts): string | undefined {
  for (const need of check.needs) {
    const present = need === 'host' ? facts.host : need === 'dom0' ? facts.dom0 : facts.domains?.length ? facts.domains : undefined;
    if (present) continue;
    const probe = facts.probes.find((p) => p.provides === need && p.status === 'error');
    if (probe) {
      const cmd = probe.command ? ` (${probe.command.join(' ')}` + (probe.exitCode !== undefined ? `, exit ${probe.exitCode}` : '') + ')' : '';
      const stderr = probe.stderr ? `: ${probe.stderr.trim().split('\n')[0]}` : '';
      return `${probe.name} failed${cmd}: ${probe.detail ?? 'no detail'}${stderr}`;
    }
  }
  return undefined;
}

function missingNeeds(check: Check, facts: Facts): string | undefined {
  const absent: string[] = [];
  for (const need of check.needs) {
    if (need === 'host' && !facts.host) absent.push('host facts (pass --facts with a snapshot or an xl info output, or run on the host)');
    if (need === 'dom0' && !facts.dom0) absent.push('dom0 facts (run on the host or with --root)');
    if (need === 'domains' && !(facts.domains && facts.domains.length > 0)) absent.push('domU configs');
  }
  return absent.length > 0 ? `needs ${absent.join(' and ')}` : undefined;
}

function report(checkId: string, f: Finding, message: string, severity: Severity): ReportedFinding {
  return { ...f, check: checkId, severity, message, fingerprint: fingerprint(checkId, { ...f, message }) };
}

/**
 * What makes a finding the same one tomorrow: the check, the kind of problem
 * (its message id), the guest and the config key — never the wording, a line
 * or a column, so rewording a template or adding a comment above the key keeps
 * a baseline matching. A version-1 finding has no id: its text stands in.
 */
export function fingerprint(checkId: string, f: Pick<Finding, 'domain' | 'key' | 'messageId'> & { message: string }): string {
  const kind = f.messageId !== undefined ? ['id', f.messageId] : ['text', f.message];
  const text = [checkId, f.domain ?? '', f.key ?? '', ...kind].join('\u0000');
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

/**
 * Each file's suppressions, in domain order then directive order (the order a
 * scan of every domain would meet them): looking them up per finding by file
 * keeps a run with many guests and many findings linear.
 */
function suppressionsByFile(facts: Facts): Map<string, Suppression[]> {
  const byFile = new Map<string, Suppression[]>();
  for (const d of facts.domains ?? []) {
    if (!d.file || d.suppressions.length === 0) continue;
    const list = byFile.get(d.file);
    if (list) list.push(...d.suppressions);
    else byFile.set(d.file, [...d.suppressions]);
  }
  return byFile;
}

function matchingSuppression(suppressions: Map<string, Suppression[]>, f: ReportedFinding): Suppression | undefined {
  if (!f.file) return undefined;
  for (const s of suppressions.get(f.file) ?? []) {
    if (s.ids.length > 0 && !s.ids.includes(f.check) && !s.ids.includes(findingCode(f))) continue;
    if (s.scope === 'file' || s.line === f.line) return s;
  }
  return undefined;
}

function unusedSuppressions(facts: Facts, used: Set<Suppression>, opts: EngineOptions): CheckOutcome {
  const findings: ReportedFinding[] = [];
  for (const d of facts.domains ?? []) {
    for (const s of d.suppressions) {
      if (used.has(s)) continue;
      const what = s.ids.length > 0 ? s.ids.join(', ') : 'all checks';
      const f: Finding = {
        messageId: 'unused',
        data: { directive: s.scope === 'file' ? 'xenlint-disable' : 'xenlint-disable-next-line', what },
        domain: d.name,
        line: s.directiveLine ?? s.line,
        column: s.directiveColumn ?? s.column,
        remediation: 'Remove the directive, or fix the check id it names.',
      };
      if (d.file) f.file = d.file;
      const rendered = renderFinding(UNUSED_SUPPRESSION, f);
      findings.push(report(UNUSED_SUPPRESSION_ID, f, rendered.ok ? rendered.text : rendered.reason, opts.settings?.get(UNUSED_SUPPRESSION_ID)?.severity ?? UNUSED_SUPPRESSION.severity));
    }
  }
  return {
    id: UNUSED_SUPPRESSION_ID,
    title: UNUSED_SUPPRESSION.title,
    severity: opts.settings?.get(UNUSED_SUPPRESSION_ID)?.severity ?? UNUSED_SUPPRESSION.severity,
    status: facts.domains && facts.domains.length > 0 ? (findings.length > 0 ? 'fail' : 'pass') : 'skipped',
    ...(facts.domains && facts.domains.length > 0 ? {} : { reason: 'needs domU configs' }),
    findings,
    suppressed: 0,
  };
}

export function summarize(outcomes: CheckOutcome[]): RunReport['summary'] {
  const counts: Record<Status, number> = { pass: 0, fail: 0, skipped: 0, 'not-applicable': 0, error: 0 };
  const findings: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const o of outcomes) {
    counts[o.status]++;
    for (const f of o.findings) findings[f.severity]++;
  }
  return { ...counts, findings };
}

/** `--quiet`: the run as if only errors had been found, as ESLint's --quiet reports errors only. */
export function errorsOnly(report: RunReport): RunReport {
  const checks = report.checks.map((o): CheckOutcome => {
    if (o.status !== 'fail') return o;
    const findings = o.findings.filter((f) => f.severity === 'error');
    return { ...o, findings, status: findings.length > 0 ? 'fail' : 'pass' };
  });
  return { ...report, checks, summary: summarize(checks) };
}

/**
 * Exit code per the design: 1 when a finding is at or above the threshold, 0
 * otherwise — except that a run in which a check could not run (status error) is
 * incomplete and never passes: 2.
 */
export function exitCodeFor(report: RunReport, failOn: Severity): 0 | 1 | 2 {
  const min = SEVERITY_RANK[failOn];
  let code: 0 | 1 | 2 = 0;
  for (const o of report.checks) {
    if (o.status === 'error') return 2;
    for (const f of o.findings) if (SEVERITY_RANK[f.severity] >= min) code = 1;
  }
  return code;
}
