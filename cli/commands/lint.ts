/** `xenlint lint FILE|DIR...`: domU configs alone, for pre-commit hooks and CI. */
import { emptyFacts } from '../model/facts.js';
import { readInputText } from '../sources/read-input.js';
import { dirname } from 'node:path';
import { findIgnoreFile, UsageError, type LoadedConfig } from '../settings/config.js';
import { collectConfigFiles, IgnoreRules, matchesGlob, type IgnoreSource } from '../sources/files.js';
import { readDomainFiles, type ReadProblem } from '../sources/read-domains.js';
import { feedGuests, type GuestFeed } from './lint-parallel.js';
import { applyDeploy, checkDeployNames, finish, freeMemoryNote, GivenNames, LEAN_HEAP_FILES, LEAN_LIST_FILES, leanHeap, nameList, prepare, resolveXen, setDeploy, TIGHT_HEAP_FILES, tightHeap, type NameList, type ReportArgs, type ReportMemo, type RunInputs } from './pipeline.js';
import type { RunSession } from '../engine/engine.js';
import type { MemoryGuest } from './memory-view.js';
import { decideReader, type ReaderChoice, type ReaderInputs, type Undecided } from '../readers/reader-choice.js';
import type { Dialect } from '../model/config-model.js';
import { hostSideOf } from '../model/contract.js';
import type { CacheArgs, LintCache } from './lint-cache.js';
import type { FindingSpill } from '../model/finding-spill.js';

interface LintArgs extends ReportArgs, CacheArgs {
  paths: string[];
  facts?: string;
  dialect?: Dialect;
  deploy?: string[];
  /** false (`--no-error-on-unmatched-pattern`): nothing to lint is no error, as in ESLint; for hooks that always run. */
  'error-on-unmatched-pattern'?: boolean;
}

export default async function lint(argv: Record<string, unknown>): Promise<number> {
  const args = argv as unknown as LintArgs;
  const prepared = await prepare(args);
  const cwd = process.cwd();
  // A long list is made with the heap sized for streaming (see LEAN_LIST_FILES).
  const collected = await collectConfigFiles(args.paths, await ignoreRules(prepared.loaded, cwd), cwd, { files: LEAN_LIST_FILES, reached: leanHeap });
  const { files, ignored } = collected;
  const strict = args['error-on-unmatched-pattern'] !== false;
  const missing = strict ? collected.missing : collected.missing.filter((m) => !m.unmatched);
  if (files.length === 0 && missing.length === 0 && ignored.length === 0) {
    const none = `no domU config files under ${args.paths.join(', ')} (looked for *.cfg, *.xl, *.xm, *.hvm, *.pv)`;
    if (strict) throw new UsageError(none);
    process.stderr.write(`xenlint: nothing to lint: ${none}\n`);
    return 0;
  }
  if (ignored.length > 0) {
    // Not a problem: a pre-commit hook passes every staged config, ignored ones included.
    const n = ignored.length;
    process.stderr.write(`xenlint: ${n} ${n === 1 ? 'file' : 'files'} ignored by .xenlintignore or ignorePatterns: ${ignored.join(', ')}\n`);
  }
  let facts = emptyFacts('configs');
  if (args.facts) {
    const { loadFactsFile } = await import('../sources/snapshot.js');
    facts = await loadFactsFile(args.facts, prepared.loaded.config.limits);
  }
  const rules = prepared.loaded.config.dialects ?? [];
  const xen = resolveXen(facts, args, prepared.loaded);
  // The reader of the toolstack that will read each file (cli/readers/reader-choice.ts).
  const readerFor = (file: string): ReaderChoice | Undecided => {
    const inputs: ReaderInputs = {};
    if (facts.host?.toolstack) inputs.host = facts.host.toolstack;
    if (xen) inputs.xen = xen;
    if (args.dialect) inputs.forced = args.dialect;
    for (const r of rules) {
      const globs = Array.isArray(r.files) ? r.files : [r.files];
      const hit = globs.find((g) => matchesGlob(file, g, prepared.loaded.dir));
      if (hit !== undefined) {
        inputs.mapped = { dialect: r.dialect, files: hit };
        break;
      }
    }
    return decideReader(inputs);
  };
  const missingProblems = missing.map((m) => ({ file: m.path, message: m.reason }));
  const inputs = (problems: ReadProblem[], names: NameList, deploy: string[]): RunInputs => {
    const note = freeMemoryNote(facts, deploy.length > 0 ? nameList(deploy) : names);
    return {
      files,
      problems: [...missingProblems, ...problems.map((p) => ({ file: p.file, message: p.message }))],
      unreadable: missing.length + problems.length,
      ...(note !== undefined ? { notes: [note] } : {}),
    };
  };
  if (process.env['XENLINT_STREAM'] === '0') {
    // Every guest read first, then checked: the path before streaming, kept to compare against (test/e2e/streaming.test.ts).
    const { domains, problems } = await readDomainFiles(files, readerFor, prepared.loaded.config.limits);
    // The guests being linted are the ones that matter, not those in the snapshot.
    facts.domains = domains;
    const names = domains.map((d) => d.name);
    const deploy = applyDeploy(prepared, args.deploy, names);
    return finish('lint', facts, args, prepared, inputs(problems, nameList(names), deploy));
  }
  // Streaming (issue 14): each guest is checked as its file is read, then dropped;
  // what outlives it is its findings, the checks' summaries, its name and its memory figures.
  delete facts.domains;
  const deploy = setDeploy(prepared, args.deploy);
  const { builtinChecks } = await import('../../checks/index.js');
  const limits = prepared.loaded.config.limits;
  const memoryFor = facts.host?.totalMemoryMiB !== undefined ? { xen: xen?.version } : undefined;
  const cacheLib = args.cache ? await import('./lint-cache.js') : undefined;
  const strategy = cacheLib?.cacheStrategyOf(args['cache-strategy']);
  let cache: LintCache | undefined;
  let cacheTried = false;
  /** The run's cache, opened once the run's checks are planned; undefined without --cache or with a plugin. */
  const cacheFor = (session: RunSession): LintCache | undefined => {
    if (!cacheLib || !strategy || cacheTried) return cache;
    cacheTried = true;
    const refusal = cacheLib.cacheRefusal(session, prepared.checks, builtinChecks);
    if (refusal !== undefined) {
      process.stderr.write(`xenlint: --cache is not used with plugins: ${refusal}\n`);
      return undefined;
    }
    const plan = session.guestPlan();
    const key = cacheLib.cacheKey({
      strategy,
      cwd,
      plan,
      checks: prepared.checks.map((k) => k.id),
      host: hostSideOf(facts),
      dialect: args.dialect,
      dialects: rules,
      configDir: prepared.loaded.dir,
      limits,
      memory: memoryFor,
    });
    const note = (line: string): void => void process.stderr.write(`xenlint: --cache: ${line}\n`);
    cache = cacheLib.LintCache.open(cacheLib.cacheFileOf(args['cache-location'], cwd), strategy, key, limits, plan.map((p) => p.id), note, files);
    return cache;
  };
  // The report of a run whose every input is the last one's is written again as it was (a path that does not exist is a problem the kept report lacks).
  const memo: ReportMemo | undefined =
    cacheLib && missing.length === 0 ? { recall: (session, outputKey) => cacheFor(session)?.recall(outputKey), keep: (outputKey, report) => (cache ? cache.keep(outputKey, report) : report.text.close()) } : undefined;
  try {
    const code = await finish(
      'lint',
      facts,
      args,
      prepared,
      async (session) => {
        let spill: FindingSpill | undefined;
        if (files.length >= LEAN_HEAP_FILES) {
          leanHeap();
          if (files.length >= TIGHT_HEAP_FILES) tightHeap();
          // Settled findings kept in a temporary file, not the heap, until the report is written (issue 14).
          const [{ FindingSpill: Spill }, { redactReport, mayRedact }] = await Promise.all([import('../model/finding-spill.js'), import('../sources/redact.js')]);
          try {
            spill = new Spill((f) => redactReport(f), mayRedact);
            session.keepFindingsIn(spill);
          } catch (err) {
            // A TMPDIR that is missing or read-only costs memory, not the run.
            process.stderr.write(`xenlint: no temporary file for the findings (${(err as Error).message}): they are kept in memory\n`);
          }
        }
        // The names as far as the run quotes them, not every guest's (GivenNames).
        const names = new GivenNames(args.deploy);
        // Each guest's figures are for the memory bar, which only the HTML report draws: ~60 B a guest kept to the end otherwise.
        const memory: MemoryGuest[] | undefined = memoryFor && drawsMemory(args) ? [] : undefined;
        const seen = (name: string, m: MemoryGuest | undefined): void => {
          names.add(name);
          if (m) memory?.push(m);
        };
        const feed: GuestFeed = { session, builtins: builtinChecks, host: facts, files, readerFor, limits, memoryFor, seen };
        const opened = cacheFor(session);
        // Above a threshold of files, read and checked on worker threads, fed to the run here in file order.
        const problems = opened ? await cacheLib!.feedGuestsCached(opened, feed) : await feedGuests(feed, prepared.checks);
        checkDeployNames(args.deploy, names);
        return { ...inputs(problems, names, deploy), ...(memory ? { memory } : {}), ...(spill ? { release: closer(spill) } : {}) };
      },
      memo,
    );
    // Only a run that made its report writes the cache (a refused run threw before this).
    if (cache) {
      try {
        cache.save(new Set(files));
      } catch (err) {
        process.stderr.write(`xenlint: --cache: ${cache.file}: not written: ${(err as Error).message}\n`);
      }
    }
    return code;
  } finally {
    cache?.close();
  }
}

/**
 * `spill.close`, made outside the feed's scope: a closure made there would hold
 * that scope's variables (V8 keeps one context a scope), the guests' memory
 * figures among them, until the report is written (issue 14: when it was every
 * guest's name, ~6 MiB at 100 000 configs).
 */
function closer(spill: FindingSpill): () => void {
  return () => spill.close();
}

/** Whether the run writes a report that draws the host's memory (report.memory): HTML, as --format or --also-output. */
function drawsMemory(args: LintArgs): boolean {
  const also = args['also-output'];
  return args.format === 'html' || (typeof also === 'string' && also.startsWith('html='));
}

/** `.xenlintignore` (nearest up to the repository root) and the config's `ignorePatterns`. */
async function ignoreRules(loaded: LoadedConfig, cwd: string): Promise<IgnoreRules> {
  const sources: IgnoreSource[] = [];
  const file = findIgnoreFile(cwd);
  if (file) {
    const text = readInputText(file, 'ignore');
    sources.push({ dir: dirname(file), patterns: text.split(/\r?\n/), origin: file });
  }
  const patterns = loaded.config.ignorePatterns ?? [];
  if (patterns.length > 0) sources.push({ dir: loaded.dir, patterns, origin: `${loaded.file ?? 'config'}: ignorePatterns` });
  return new IgnoreRules(sources);
}
