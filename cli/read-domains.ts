/**
 * Reads domU config files from the local filesystem into DomainFacts, a bounded
 * number at a time so that a repository of 100 000 guests streams through
 * without holding every text at once.
 */
import { readFile } from 'node:fs/promises';
import type { DomainFacts } from './facts.js';
import type { Dialect } from './parse/config-model.js';
import { parseConfig } from './parse/config.js';
import { buildDomain } from './domain.js';

export interface ReadProblem {
  file: string;
  message: string;
}

export async function readDomainFiles(
  files: string[],
  dialectFor: (file: string) => Dialect | undefined,
  concurrency = 32,
): Promise<{ domains: DomainFacts[]; problems: ReadProblem[] }> {
  const domains: Array<DomainFacts | undefined> = new Array(files.length);
  const problems: ReadProblem[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        problems.push({ file, message: `cannot read: ${code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code)}` });
        continue;
      }
      const dialect = dialectFor(file);
      domains[i] = buildDomain(parseConfig(text, file, dialect ? { dialect } : {}));
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return { domains: domains.filter((d): d is DomainFacts => d !== undefined), problems };
}
