/** `xenlint lint FILE|DIR...`: domU configs alone, for pre-commit hooks and CI. */
import { captureLabel, emptyFacts, type Facts } from '../facts.js';
import { UsageError } from '../config.js';
import { collectConfigFiles, matchesGlob } from '../files.js';
import { readDomainFiles } from '../read-domains.js';
import { finish, prepare, type ReportArgs } from './pipeline.js';
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
  const deploy = deployedGuests(args.deploy, domains.map((d) => d.name));
  if (deploy.length > 0) {
    const memoryFit = prepared.settings.get('memory-fit') ?? {};
    prepared.settings.set('memory-fit', { ...memoryFit, options: { ...memoryFit.options, deploy } });
  }
  const reportProblems = [
    ...missing.map((m) => ({ file: m.path, message: m.reason })),
    ...problems.map((p) => ({ file: p.file, message: p.message })),
  ];
  const note = freeMemoryNote(facts, deploy);
  return finish('lint', facts, args, prepared, {
    files,
    problems: reportProblems,
    unreadable: missing.length + problems.length,
    ...(note !== undefined ? { notes: [note] } : {}),
  });
}

/** --deploy names (repeated or comma-separated), each one a guest among the given configs. */
function deployedGuests(names: string[] | undefined, given: string[]): string[] {
  const wanted = (names ?? []).flatMap((n) => n.split(',')).map((n) => n.trim()).filter((n) => n.length > 0);
  const unknown = wanted.filter((n) => !given.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(`--deploy ${unknown.join(', ')}: no such guest among the given configs (they name ${given.length > 0 ? given.join(', ') : 'no guest'})`);
  }
  return [...new Set(wanted)];
}

/** What the summary says when guests are judged against a saved capture's free memory. */
function freeMemoryNote(facts: Facts, deploy: string[]): string | undefined {
  const capture = captureLabel(facts);
  const free = facts.host?.freeMemoryMiB;
  if (capture === undefined || free === undefined) return undefined;
  const guests = deploy.length > 0 ? deploy : (facts.domains ?? []).map((d) => d.name);
  if (guests.length === 0) return undefined;
  const who = guests.length === 1 ? `${guests[0]} is` : `each of ${guests.join(', ')} is`;
  return `Free memory: ${free} MiB as of the capture ${capture}; ${who} judged alone as the guest being deployed${guests.length > 1 ? ', as `check` does' : ''}.`;
}
