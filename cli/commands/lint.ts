/** `xenlint lint FILE|DIR...`: domU configs alone, for pre-commit hooks and CI. */
import { emptyFacts } from '../model/facts.js';
import { readInputText } from '../sources/read-input.js';
import { dirname } from 'node:path';
import { findIgnoreFile, UsageError, type LoadedConfig } from '../settings/config.js';
import { collectConfigFiles, IgnoreRules, matchesGlob, type IgnoreSource } from '../sources/files.js';
import { readDomainFiles } from '../sources/read-domains.js';
import { applyDeploy, finish, freeMemoryNote, prepare, resolveXen, type ReportArgs } from './pipeline.js';
import { chooseReader, undecidedBecause, type ReaderChoice, type ReaderInputs } from '../readers/reader-choice.js';
import type { Dialect } from '../model/config-model.js';

interface LintArgs extends ReportArgs {
  paths: string[];
  facts?: string;
  dialect?: Dialect;
  deploy?: string[];
}

export default async function lint(argv: Record<string, unknown>): Promise<number> {
  const args = argv as unknown as LintArgs;
  const prepared = await prepare(args);
  const cwd = process.cwd();
  const { files, missing, ignored } = await collectConfigFiles(args.paths, await ignoreRules(prepared.loaded, cwd), cwd);
  if (files.length === 0 && missing.length === 0 && ignored.length === 0) {
    throw new UsageError(`no domU config files under ${args.paths.join(', ')} (looked for *.cfg, *.xl, *.xm, *.hvm, *.pv)`);
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
  const readerFor = (file: string): ReaderChoice | { undecided: string } => {
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
    return chooseReader(inputs) ?? { undecided: undecidedBecause(inputs) };
  };
  const { domains, problems } = await readDomainFiles(files, readerFor, prepared.loaded.config.limits);
  // The guests being linted are the ones that matter, not those in the snapshot.
  facts.domains = domains;
  const deploy = applyDeploy(prepared, args.deploy, domains.map((d) => d.name));
  const reportProblems = [
    ...missing.map((m) => ({ file: m.path, message: m.reason })),
    ...problems.map((p) => ({ file: p.file, message: p.message })),
  ];
  const note = freeMemoryNote(facts, deploy.length > 0 ? deploy : domains.map((d) => d.name));
  return finish('lint', facts, args, prepared, {
    files,
    problems: reportProblems,
    unreadable: missing.length + problems.length,
    ...(note !== undefined ? { notes: [note] } : {}),
  });
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
