/**
 * What `check` and `lint` share once they have Facts: the config, the checks
 * (built-in and plugins) with their settings, the Xen version to judge against,
 * the baseline, the engine run, the report and the exit code.
 */
import { FLEET_CHECK_IDS } from '../fleet/ids.js';
import { readInputFile, readSettingsText } from '../sources/read-input.js';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { hostSideOf, type Check, type HostSide, type RunReport } from '../model/contract.js';
import { captureLabel, type Facts } from '../model/facts.js';
import type { Severity } from '../model/diagnostic.js';
import { checkSettings, loadConfig, repositoryRoot, UsageError, type InputLimits, type LoadedConfig } from '../settings/config.js';
import type { Format, FormatOptions, LocationContext } from '../report/index.js';
import { errorsOnly, exitCodeFor, runChecks, RunSession, UNUSED_SUPPRESSION_ID, type CheckRunSettings, type EngineOptions } from '../engine/engine.js';
import type { MemoryGuest } from './memory-view.js';
import { parseXenVersionArg } from '../model/xen-version.js';
import { closest } from './closest.js';
import { joinCounted, NAMES_SHOWN } from '../../checks/lib/guest.js';
import type { PluginArgs } from '../settings/plugins.js';
import { redactReport } from '../sources/redact.js';
import { stdoutIsTTY, writeOptionFilePieces, writeStdoutPieces } from './output.js';
import { TextSpill } from '../model/text-spill.js';

export interface ReportArgs {
  /** false (`--no-plugins`): built-in checks only, no plugin is loaded. */
  plugins?: boolean;
  /** `--plugin PATH` (repeatable): plugin modules the user names. */
  plugin?: string[];
  format?: string;
  output?: string;
  /** `FORMAT=FILE`: a second report of the same run (see parseAlsoOutput). */
  'also-output'?: string;
  color?: boolean;
  'fail-on'?: Severity;
  config?: string;
  baseline?: string;
  'write-baseline'?: string;
  xen?: string;
  verbose?: boolean;
  /** Report errors only: warnings and info are neither shown nor counted. */
  quiet?: boolean;
  /** Exit 1 when the run has more warnings than this (ESLint's --max-warnings). */
  'max-warnings'?: number;
}

export interface Prepared {
  loaded: LoadedConfig;
  checks: Check[];
  settings: Map<string, CheckRunSettings>;
}

/**
 * The config, and the checks it runs: the built-in ones and the plugins this run
 * may load (cli/settings/plugins.ts decides which: `--plugin`, or a config's
 * `plugins` when allowed; `--no-plugins` none at all). Settings for plugins' checks
 * that are left out are then left unused.
 */
export async function prepare(args: PluginArgs, cwd = process.cwd()): Promise<Prepared> {
  const loaded = await loadConfig({ cwd, read: readSettingsText, ...(args.config ? { file: args.config } : {}) });
  const { builtinChecks } = await import('../../checks/index.js');
  const checks = [...builtinChecks];
  const { planPlugins, loadPlugins } = await import('../settings/plugins.js');
  const plan = planPlugins(args, loaded, cwd);
  if (plan.notice) process.stderr.write(`${plan.notice}\n`);
  for (const c of await loadPlugins(plan.load)) {
    if (checks.some((k) => k.id === c.id)) throw new UsageError(`plugin check id "${c.id}" is already taken by another check`);
    checks.push(c);
  }
  const settings = await resolveSettings(loaded, checks, new Set(builtinChecks), plan.skipped);
  return { loaded, checks: checks.filter((c) => checkSettings(loaded.config, c.id).enabled), settings };
}

async function resolveSettings(loaded: LoadedConfig, checks: Check[], builtin: ReadonlySet<Check>, pluginsSkipped: boolean): Promise<Map<string, CheckRunSettings>> {
  const settings = new Map<string, CheckRunSettings>();
  const ids = new Set([...checks.map((c) => c.id), UNUSED_SUPPRESSION_ID]);
  for (const id of Object.keys(loaded.config.checks ?? {})) {
    // A fleet check's settings are read by the fleet run (cli/commands/fleet.ts).
    if (FLEET_CHECK_IDS.has(id)) {
      if (checkSettings(loaded.config, id).options) throw new UsageError(`${loaded.file}: checks.${id}.options: this check takes no options`);
      continue;
    }
    if (!ids.has(id) && !pluginsSkipped) {
      const hint = closest(id, [...ids, ...FLEET_CHECK_IDS]);
      throw new UsageError(`${loaded.file}: checks.${id}: no such check${hint ? ` (did you mean "${hint}"?)` : ''}; see \`xenlint rules\``);
    }
  }
  for (const id of ids) {
    const s = checkSettings(loaded.config, id);
    const out: CheckRunSettings = {};
    if (s.severity) out.severity = s.severity;
    if (s.options) {
      const check = checks.find((c) => c.id === id);
      if (!check?.options) throw new UsageError(`${loaded.file}: checks.${id}.options: this check takes no options`);
      const { optionsValidator, describeErrors } = await import('../settings/validators.js');
      const validate = await optionsValidator(id, check.options, builtin.has(check));
      if (!validate(s.options)) {
        throw new UsageError(
          `${loaded.file}: invalid options for ${id}:\n  ${describeErrors(validate.errors as never, `checks.${id}.options`).join('\n  ')}`,
        );
      }
      out.options = s.options;
    }
    settings.set(id, out);
  }
  return settings;
}

/** --xen wins over the host's own version (a "what if I upgrade" run), then the host, then the config. */
export function resolveXen(facts: Pick<Facts, 'host'>, args: { xen?: string }, loaded: LoadedConfig): { version: string; source: string } | undefined {
  if (args.xen !== undefined) {
    const v = parseXenVersionArg(args.xen);
    if (!v) throw new UsageError(`--xen ${args.xen}: not a Xen version (expected e.g. 3.0.4, 4.17 or 4.17.4-pre)`);
    return { version: v, source: '--xen' };
  }
  if (facts.host?.version) return { version: facts.host.version, source: facts.host.source };
  if (loaded.config.xen) {
    const v = parseXenVersionArg(loaded.config.xen);
    if (!v) throw new UsageError(`${loaded.file}: xen: "${loaded.config.xen}" is not a Xen version`);
    return { version: v, source: loaded.file ?? 'config' };
  }
  return undefined;
}

const BASELINE_SHAPE = 'expected the JSON object --write-baseline writes: {"findings": [{"fingerprint": "...", ...}, ...]}';

/**
 * Fingerprint -> how many findings with it the baseline accepts (one entry per finding).
 * `option` names where the file came from (`--baseline`, or the config's `baseline:`).
 */
export async function readBaseline(file: string, limits?: InputLimits, option = '--baseline'): Promise<Map<string, number>> {
  const where = `${option} ${file}`;
  const read = readInputFile(file, 'baseline', limits);
  if (!read.ok) throw new UsageError(`${where}: ${read.reason}`);
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(read.bytes).toString('utf8'));
  } catch (err) {
    throw new UsageError(`${where}: not valid JSON (${(err as Error).message}); ${BASELINE_SHAPE}`);
  }
  const what = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`${where}: not a xenlint baseline: the file holds ${what(data)}; ${BASELINE_SHAPE}`);
  }
  const entries = (data as { findings?: unknown }).findings;
  if (!Array.isArray(entries)) {
    throw new UsageError(`${where}: not a xenlint baseline: "findings" is ${entries === undefined ? 'missing' : what(entries)}; ${BASELINE_SHAPE}`);
  }
  const accepted = new Map<string, number>();
  entries.forEach((e: unknown, i) => {
    const fingerprint = e !== null && typeof e === 'object' && !Array.isArray(e) ? (e as { fingerprint?: unknown }).fingerprint : undefined;
    if (typeof fingerprint !== 'string') {
      throw new UsageError(`${where}: not a xenlint baseline: findings[${i}] ${e !== null && typeof e === 'object' && !Array.isArray(e) ? 'has no "fingerprint" string' : `is ${what(e)}`}; ${BASELINE_SHAPE}`);
    }
    accepted.set(fingerprint, (accepted.get(fingerprint) ?? 0) + 1);
  });
  return accepted;
}

/**
 * `--also-output FORMAT=FILE`: the same run's report in a second format, written
 * to a file, beside the main report (`--format`, `--output`). The GitHub Action
 * lints once and writes annotations to stdout and SARIF to a file this way.
 */
export function parseAlsoOutput(value: unknown, isFormat: (name: string) => name is Format): { format: Format; file: string } | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new UsageError('--also-output: give it once, as FORMAT=FILE');
  const eq = value.indexOf('=');
  const format = eq < 0 ? value : value.slice(0, eq);
  const file = eq < 0 ? '' : value.slice(eq + 1);
  if (!isFormat(format) || file === '') {
    throw new UsageError(`--also-output ${JSON.stringify(value)}: expected FORMAT=FILE with FORMAT one of --format's choices (e.g. --also-output sarif=xenlint.sarif)`);
  }
  return { format, file };
}

export interface RunInputs {
  files: string[];
  problems: RunReport['problems'];
  /** Inputs that could not be read at all: exit 2 after reporting the rest. */
  unreadable?: number;
  /** Shown with the summary. */
  notes?: string[];
  /** `check`: the host the findings' absolute paths belong to (see LocationContext). */
  locations?: Omit<LocationContext, 'sourceRoot'>;
}

/**
 * Streams the guests into a started run (see RunSession): called once the run's
 * settings are known, it reads and hands over every guest, and returns what the
 * reading found, with each guest's memory figures for the report's memory view.
 */
export type Feed = (session: RunSession, xen: { version: string; source: string } | undefined) => Fed | Promise<Fed>;
type Fed = RunInputs & {
  memory?: MemoryGuest[];
  /** Called once the report is written: what the feed opened for the run (its findings' spill) is closed. */
  release?: () => void;
};

/**
 * Runs the checks and writes the report. `extras` is either what was read, with
 * the guests in `facts.domains`, or a `Feed` that streams them (lint): then
 * `facts` holds the host side only and no guest outlives its checks.
 */
export async function finish(command: 'check' | 'lint', facts: Facts, args: ReportArgs, prepared: Prepared, given: RunInputs | Feed, memo?: ReportMemo): Promise<number> {
  const { loaded, checks, settings } = prepared;
  const { isFormat } = await import('../report/index.js');
  const also = parseAlsoOutput(args['also-output'], isFormat);
  const maxWarnings = args['max-warnings'];
  if (maxWarnings !== undefined && !(Number.isSafeInteger(maxWarnings) && maxWarnings >= 0)) {
    throw new UsageError(`--max-warnings ${String(maxWarnings)}: expected a whole number of warnings, 0 or more`);
  }
  const xen = resolveXen(facts, args, loaded);
  const baselineFile = args.baseline ?? (loaded.config.baseline ? resolve(loaded.dir, loaded.config.baseline) : undefined);
  const baselineFrom = args.baseline !== undefined ? '--baseline' : `${loaded.file ?? 'config'}: baseline:`;
  const baseline = baselineFile && !args['write-baseline'] ? await readBaseline(baselineFile, loaded.config.limits, baselineFrom) : undefined;
  const perFile = loaded.config.limits?.findingsPerCheckPerFile;
  const engine: EngineOptions = { command, ...(xen ? { xen } : {}), settings, ...(baseline ? { baseline } : {}), ...(perFile !== undefined ? { findingsPerCheckPerFile: perFile } : {}), foreignIds: FLEET_CHECK_IDS };
  const inputs = (extras: RunInputs): Pick<EngineOptions, 'files' | 'problems' | 'notes'> => ({
    files: extras.files,
    problems: extras.problems,
    ...(extras.notes ? { notes: extras.notes } : {}),
  });
  const { formatPieces, pickFormat, useColor } = await import('../report/index.js');
  const isTTY = !args.output && stdoutIsTTY();
  const format = pickFormat(args.format, process.env, isTTY);
  const [{ ruleMetas }, { projectLinks }] = await Promise.all([import('./rule-meta.js'), import('../settings/project.js')]);
  const cwd = process.cwd();
  const failOn: Severity = args['fail-on'] ?? loaded.config.failOn ?? 'error';
  // Rule metadata (a file-system test per check for its page) and the project's links are made
  // when a format first reads them: stylish does only with --verbose, and `lint one.cfg` in a
  // hook should not pay for them (issue 14). Getters, so that JSON.stringify and spreads see values.
  let rules: FormatOptions['rules'] | undefined;
  let links: { home?: string } | undefined;
  const formatOptions = {
    color: useColor(args.color, process.env, isTTY),
    cwd,
    get rules(): FormatOptions['rules'] {
      return (rules ??= ruleMetas(checks));
    },
    verbose: Boolean(args.verbose),
    // undefined (no homepage) reads as the key's absence did: formats test its value, JSON.stringify leaves it out.
    get home(): string | undefined {
      return (links ??= { home: projectLinks()?.home || undefined }).home;
    },
    locations: { sourceRoot: repositoryRoot(cwd) ?? cwd } as LocationContext,
    failOn,
  };
  // Everything the written report depends on besides the guests and what the memo keys itself (ReportMemo).
  // Not with JSON or JUnit (they carry this run's durations), nor when the run writes more than its report.
  const outputKey =
    memo && typeof given === 'function' && format !== 'json' && format !== 'junit' && !args['write-baseline'] && !also
      ? // The capture's age ("3 days before this run") is in the report's notes: the clock is an input too.
        JSON.stringify({ command, format, formatOptions, quiet: Boolean(args.quiet), xen, settings: [...settings], baseline: baseline ? [...baseline] : null, perFile: perFile ?? null, host: Boolean(facts.host), capture: captureLabel(facts) ?? null })
      : undefined;
  let full: RunReport;
  let extras: RunInputs;
  let memoryGuests: MemoryGuest[] | undefined;
  let release: (() => void) | undefined;
  /** The report's bytes as they are written, for the memo: in a private temporary file (TextSpill), not held (issue 14). */
  let kept: TextSpill | undefined;
  if (typeof given === 'function') {
    const recall = outputKey !== undefined ? (session: RunSession) => memo!.recall(session, outputKey) : undefined;
    const ran = await streamed(checks, hostSideOf(facts), engine, given, xen, inputs, recall);
    if ('replay' in ran) return replayed(ran.replay, args.output, maxWarnings);
    const { report: streamedReport, ...fed } = ran;
    full = streamedReport;
    extras = fed;
    memoryGuests = fed.memory;
    release = fed.release;
  } else {
    full = runChecks(checks, facts, { ...engine, ...inputs(given) });
    extras = given;
  }
  try {
    // The baseline records every finding, whatever this run shows.
    // What a check or plugin writes is redacted once here, before the baseline and every format.
    full = redactReport(full);
    if (args['write-baseline']) await writeOptionFilePieces('--write-baseline', args['write-baseline'], (await import('./baseline.js')).baselinePieces(full));
    const report = args.quiet ? errorsOnly(full) : full;
    if (facts.host) {
      const { memoryView } = await import('./memory-view.js');
      const memory = memoryView(facts, xen?.version, memoryGuests);
      if (memory) report.memory = memory;
    }
    if (extras.locations) formatOptions.locations = { ...formatOptions.locations, ...extras.locations };
    // Written as it is made (issue 14): a report of 100 000 guests is never one string.
    let pieces = await formatPieces(report, format, formatOptions);
    kept = outputKey !== undefined && !extras.unreadable && extras.problems.length === 0 ? new TextSpill('xenlint-report-', 'report') : undefined;
    if (kept) pieces = keeping(pieces, kept);
    if (args.output) await writeOptionFilePieces('--output', args.output, pieces);
    else writeStdoutPieces(pieces);
    if (also) await writeOptionFilePieces('--also-output', also.file, await formatPieces(report, also.format, { ...formatOptions, color: false }));
    const code = exitCodeFor(report, failOn);
    const warnings = report.summary.findings.warning;
    if (kept) memo!.keep(outputKey!, { text: kept, code, warnings });
    // The memo has it now (and closes it).
    kept = undefined;
    return extras.unreadable ? 2 : tooManyWarnings(code, warnings, maxWarnings);
  } finally {
    kept?.close();
    // The findings were read for the last time (a spill's file is closed).
    release?.();
  }
}

/**
 * A run's written report kept for the next run (`lint --cache`): when every
 * input of the next run is the same — the same files with the same bytes (the
 * memo's own part of the key) and the same `outputKey` (format, its options,
 * severities, baseline, Xen version) — its report is written again as it was,
 * and no guest is read, checked or reported. Any difference is a run as usual.
 */
export interface ReportMemo {
  /** The kept report, when the started session's run would write it again; undefined = run. */
  recall(session: RunSession, outputKey: string): KeptReport | undefined;
  /** This run's report, written as it was made; the memo takes its spill over (closes it when done with it). */
  keep(outputKey: string, report: WrittenReport): void;
}

/** A report as this run wrote it: its bytes in a spill (a private temporary file, or memory without a usable TMPDIR). */
export interface WrittenReport extends Omit<KeptReport, 'text'> {
  text: TextSpill;
}

export interface KeptReport {
  /**
   * The report as written, in UTF-8 pieces, none of which splits a character (a string of 100 000 guests'
   * findings would be twice the bytes, and one more copy); the cache reads a kept one a piece at a time.
   */
  text: Iterable<Buffer>;
  /** exitCodeFor the report, before --max-warnings. */
  code: number;
  warnings: number;
}

async function replayed(kept: KeptReport, output: string | undefined, maxWarnings: number | undefined): Promise<number> {
  // Decoded a piece at a time as it is written: the 78 MB report of 100 000 configs is never one string.
  const pieces = (function* () {
    for (const b of kept.text) yield b.toString('utf8');
  })();
  if (output) await writeOptionFilePieces('--output', output, pieces);
  else writeStdoutPieces(pieces);
  return tooManyWarnings(kept.code, kept.warnings, maxWarnings);
}

function tooManyWarnings(code: number, warnings: number, maxWarnings: number | undefined): number {
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    process.stderr.write(`xenlint: too many warnings (${warnings}; --max-warnings ${maxWarnings})\n`);
    if (code === 0) return 1;
  }
  return code;
}

/** The pieces as they are written, added to the spill (which writes them out a MiB at a time). */
function* keeping(pieces: Iterable<string>, kept: TextSpill): Generator<string> {
  for (const piece of pieces) {
    kept.add(piece);
    yield piece;
  }
}

/**
 * Starts a session, feeds it and finishes it, in a frame of its own: once this
 * returns, nothing holds the session (the checks' cross-guest state, ~0.9 KiB
 * a guest at 100 000 configs), which the caller's frame would keep alive
 * while the report is written (issue 14). `recall`: a kept report to write
 * instead (lint --cache), asked once the session knows its checks.
 */
async function streamed(
  checks: Check[],
  host: HostSide,
  engine: EngineOptions,
  given: Feed,
  xen: { version: string; source: string } | undefined,
  inputs: (extras: RunInputs) => Pick<EngineOptions, 'files' | 'problems' | 'notes'>,
  recall: ((session: RunSession) => KeptReport | undefined) | undefined,
): Promise<(Fed & { report: RunReport }) | { replay: KeptReport }> {
  const session = new RunSession(checks, host, engine);
  const replay = recall?.(session);
  if (replay) return { replay };
  const fed = await given(session, xen);
  session.setInputs(inputs(fed));
  return { ...fed, report: session.finish() };
}

/** From this many files on, a lint sizes V8's heap for streaming (leanHeap). */
export const LEAN_HEAP_FILES = 100;

/**
 * A list of this many files is collected with V8's heap already sized for
 * streaming (leanHeap as soon as the collection has found them), not after:
 * while the list's strings survive scavenges V8 grows the young generation and
 * keeps the size it reached through the whole run (a list of 100 000 collected
 * before leanHeap left it at 32 MiB of RSS). Frozen at 100 files the feed's
 * scavenges cost CPU (10 000 configs: CPU +16 % median in an interleaved A/B,
 * when this was added). Frozen here, runs of 10 000 and 100 000 keep 2 MiB
 * semi-spaces (--trace-gc-nvp at 2e9e929: ~420 scavenges of 1-2 MiB at 10 000,
 * ~4 000 at 100 000) (issue 14).
 */
export const LEAN_LIST_FILES = 10_000;

/** leanHeap has set the flags (once a process: the list's collection and the feed both ask). */
let leaned = false;

/**
 * V8's heap sizing for a run that streams many guests (issue 14). A guest's
 * reading and checking is almost all short-lived garbage; by default V8 grows
 * the young generation to 16 MiB semi-spaces and lets the old one reach about
 * twice what survived the last full collection, so the peak RSS at 10 000
 * configs was about 4x the heap that is live. Semi-spaces kept at their first
 * size and the old generation grown by 40 % between full collections trade a
 * little CPU in collection for it (measured in the commit that added this).
 * Process-wide: worker threads started after this get the same sizing.
 * Only from LEAN_HEAP_FILES files on: a few files' heap stays small anyway,
 * and loading node:v8 was ~8 M instructions of `lint one.cfg`'s start-up.
 */
export function leanHeap(): void {
  // While the build makes the V8 code cache (build/code-cache.cjs) the flags must stay
  // as at start-up: V8 stamps the cache with them and refuses it under any others.
  if (leaned || (globalThis as Record<symbol, unknown>)[Symbol.for('xenlint.codeCacheHook')] !== undefined) return;
  leaned = true;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=40');
}

/** From this many files on, a lint also keeps V8's old generation tight (tightHeap). */
export const TIGHT_HEAP_FILES = 50_000;

/**
 * On top of leanHeap, for a lint of very many files: the old generation grown
 * by 15 % between full collections, not 40 %. What such a run keeps live is
 * large (its file list alone is ~8 MiB at 100 000 files) and the checks'
 * finishing steps and the report each make a burst of garbage on top of it;
 * at 40 % the heap's committed size ran ~15 MiB over what was live. Not for
 * fewer files: the more frequent full collections cost CPU, and at 10 000
 * files the heap is small anyway (issue 14).
 */
export function tightHeap(): void {
  if (!leaned) return;
  setFlagsFromString('--heap-growing-percent=15');
}

/**
 * --deploy names (repeated or comma-separated), each one a guest among the
 * given configs, handed to memory-fit as its `deploy` option.
 */
export function applyDeploy(prepared: Prepared, names: string[] | undefined, given: string[]): string[] {
  checkDeployNames(names, GivenNames.of(given, names));
  return setDeploy(prepared, names);
}

/** The names --deploy gives, split and trimmed, in order. */
function deployNames(names: string[] | undefined): string[] {
  return (names ?? []).flatMap((n) => n.split(',')).map((n) => n.trim()).filter((n) => n.length > 0);
}

/** Names as a note or a message quotes them (joinCounted): how many, and the first NAMES_SHOWN (or all). */
export interface NameList {
  readonly first: readonly string[];
  readonly count: number;
}

/** A whole list of names as a NameList. */
export function nameList(names: readonly string[]): NameList {
  return { first: names, count: names.length };
}

/**
 * The given guests' names, as far as the run quotes them: how many, the first
 * NAMES_SHOWN, and which --deploy names are among them. A streaming lint keeps
 * only these, not every guest's name to the end (issue 14: at 100 000 configs
 * ~5.8 MiB of heap, each name a slice that kept its config's line alive).
 */
export class GivenNames implements NameList {
  count = 0;
  readonly first: string[] = [];
  private readonly wanted: Set<string>;
  private readonly found = new Set<string>();

  /** `deploy`: the --deploy option as given (checkDeployNames asks about these names only). */
  constructor(deploy: string[] | undefined) {
    this.wanted = new Set(deployNames(deploy));
  }

  static of(names: readonly string[], deploy: string[] | undefined): GivenNames {
    const given = new GivenNames(deploy);
    for (const name of names) given.add(name);
    return given;
  }

  add(name: string): void {
    if (this.first.length < NAMES_SHOWN) this.first.push(name);
    this.count++;
    if (this.wanted.has(name)) this.found.add(name);
  }

  /** Whether a --deploy name is among the given guests. */
  has(name: string): boolean {
    return this.found.has(name);
  }
}

/** A usage error when a --deploy name is none of the given guests. */
export function checkDeployNames(names: string[] | undefined, given: GivenNames): void {
  const unknown = deployNames(names).filter((n) => !given.has(n));
  if (unknown.length > 0) {
    throw new UsageError(`--deploy ${unknown.join(', ')}: no such guest among the given configs (they name ${given.count > 0 ? joinCounted(given.first, given.count) : 'no guest'})`);
  }
}

/**
 * Hands the --deploy names to memory-fit before the run starts (a streaming
 * run checks them against the guests once every guest is read: checkDeployNames).
 */
export function setDeploy(prepared: Prepared, names: string[] | undefined): string[] {
  const deploy = [...new Set(deployNames(names))];
  if (deploy.length > 0) {
    const memoryFit = prepared.settings.get('memory-fit') ?? {};
    prepared.settings.set('memory-fit', { ...memoryFit, options: { ...memoryFit.options, deploy } });
  }
  return deploy;
}

/** What the summary says when the guests being deployed are judged against a saved capture's free memory. */
export function freeMemoryNote(facts: Facts | HostSide, guests: NameList): string | undefined {
  const capture = captureLabel(facts);
  const free = facts.host?.freeMemoryMiB;
  if (capture === undefined || free === undefined || guests.count === 0) return undefined;
  const who = guests.count === 1 ? `${guests.first[0]} is` : `each of ${joinCounted(guests.first, guests.count)} is`;
  return `Free memory: ${free} MiB as of the capture ${capture}; ${who} judged alone as the guest being deployed.`;
}

