/** `xenlint lint FILE|DIR...`: domU configs alone, for pre-commit hooks and CI. */
import { emptyFacts } from '../facts.js';
import { UsageError } from '../config.js';
import { collectConfigFiles, matchesGlob } from '../files.js';
import { readDomainFiles } from '../read-domains.js';
import { applyDeploy, finish, freeMemoryNote, prepare, type ReportArgs } from './pipeline.js';
import type { Dialect } from '../parse/config-model.js';

interface LintArgs extends ReportArgs {
  paths: string[];
  facts?: string;
  dialect?: Dialect;
  deploy?: string[];
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
  const dialectFor = (file: string): Dialect | undefined => {
    if (args.dialect) return args.dialect;
    for (const r of rules) {
      const globs = Array.isArray(r.files) ? r.files : [r.files];
      if (globs.some((g) => matchesGlob(file, g, prepared.loaded.dir))) return r.dialect;
    }
    return undefined;
  };
  const { domains, problems } = await readDomainFiles(files, dialectFor);
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
