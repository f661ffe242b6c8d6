/** `xenlint lint FILE|DIR...`: domU configs alone, for pre-commit hooks and CI. */
import { emptyFacts } from '../facts.js';
import { UsageError } from '../config.js';
import { collectConfigFiles, matchesGlob } from '../files.js';
import { readDomainFiles } from '../read-domains.js';
import { finish, prepare, resolveXen, type ReportArgs } from './pipeline.js';
import { chooseReader, undecidedBecause, type ReaderChoice, type ReaderInputs } from '../reader-choice.js';
import type { Dialect } from '../parse/config-model.js';

interface LintArgs extends ReportArgs {
  paths: string[];
  facts?: string;
  dialect?: Dialect;
}

export default async function lint(argv: Record<string, unknown>): Promise<number> {
  const args = argv as unknown as LintArgs;
  const prepared = await prepare(args);
  const { files, missing } = await collectConfigFiles(args.paths);
  if (files.length === 0 && missing.length === 0) {
    throw new UsageError(`no domU config files under ${args.paths.join(', ')} (looked for *.cfg, *.xl, *.xm, *.hvm, *.pv)`);
  }
  let facts = emptyFacts('configs');
  if (args.facts) {
    const { loadFactsFile } = await import('../snapshot.js');
    facts = await loadFactsFile(args.facts);
  }
  const rules = prepared.loaded.config.dialects ?? [];
  const xen = resolveXen(facts, args, prepared.loaded);
  // The reader of the toolstack that will read each file (cli/reader-choice.ts).
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
  const { domains, problems } = await readDomainFiles(files, readerFor);
  // The guests being linted are the ones that matter, not those in the snapshot.
  facts.domains = domains;
  const reportProblems = [
    ...missing.map((m) => ({ file: m.path, message: m.reason })),
    ...problems.map((p) => ({ file: p.file, message: p.message })),
  ];
  return finish('lint', facts, args, prepared, { files, problems: reportProblems, unreadable: missing.length + problems.length });
}
