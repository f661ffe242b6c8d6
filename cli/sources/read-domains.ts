/**
 * Reads domU config files from the local filesystem into DomainFacts, one at a
 * time: each text is parsed and dropped before the next is read, so a
 * repository of 100 000 guests streams through without holding every text.
 *
 * Reads are synchronous on purpose. Config files are small, and for small files
 * `readFileSync` costs one open/fstat/read/close on this thread, where the
 * promise API makes four thread-pool round trips per file: measured on 10 000
 * configs, 2–4x the CPU time for the reads (bench/README.md). Parsing, the rest
 * of the work, is synchronous anyway, so concurrent reads bought nothing.
 */
import { readFileSync } from 'node:fs';
import type { DomainFacts } from '../model/facts.js';
import type { Dialect } from '../model/config-model.js';
import { parseConfig } from '../readers/config.js';
import { buildDomain } from '../readers/domain.js';
import { decodeConfigBytes } from '../readers/config-bytes.js';
import type { ReaderChoice } from '../readers/reader-choice.js';
import { redactDomain } from './redact.js';

export interface ReadProblem {
  file: string;
  message: string;
}

/** The reader chosen for a file (a dialect alone counts as forced), or why its syntax must decide. */
export type ReaderFor = (file: string) => Dialect | ReaderChoice | { undecided: string } | undefined;

export async function readDomainFiles(files: string[], readerFor: ReaderFor): Promise<{ domains: DomainFacts[]; problems: ReadProblem[] }> {
  const domains: DomainFacts[] = [];
  const problems: ReadProblem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = decodeConfigBytes(readFileSync(file)).text;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push({ file, message: `cannot read: ${code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code)}` });
      continue;
    }
    const choice = readerFor(file);
    // DomainFacts do not carry dialectReason, so detection may stop at the first reader that decides.
    const opts =
      choice === undefined ? { exactReason: false }
      : typeof choice === 'string' ? { dialect: choice }
      : 'undecided' in choice ? { exactReason: false, undecided: choice.undecided }
      : { dialect: choice.dialect, reason: choice.reason };
    domains.push(redactDomain(buildDomain(parseConfig(text, file, opts)), text));
  }
  return { domains, problems };
}
