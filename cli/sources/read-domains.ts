/**
 * Reads domU config files from the local filesystem into DomainFacts, one at a
 * time: each text is parsed and dropped before the next is read, so a
 * repository of 100 000 guests streams through without holding every text.
 *
 * Reads are synchronous on purpose (cli/sources/read-input.ts, which also refuses
 * a FIFO, a device or an oversized file). Config files are small, and for small
 * files a synchronous read costs one open/fstat/read/close on this thread, where the
 * promise API makes four thread-pool round trips per file: measured on 10 000
 * configs, 2–4x the CPU time for the reads (bench/README.md). Parsing, the rest
 * of the work, is synchronous anyway, so concurrent reads bought nothing.
 */
import type { DomainFacts } from '../model/facts.js';
import type { Dialect } from '../model/config-model.js';
import { parseConfig } from '../readers/config.js';
import { buildDomain } from '../readers/domain.js';
import { decodeConfigBytes } from '../readers/config-bytes.js';
import { parseOptionsFor, type ReadOptions, type ReaderChoice, type Undecided } from '../readers/reader-choice.js';
import type { InputLimits } from '../settings/config.js';
import { readInputFile } from './read-input.js';
import { redactDomain } from './redact.js';

export interface ReadProblem {
  file: string;
  message: string;
}

/** The reader chosen for a file (a dialect alone counts as forced), or why its syntax must decide. */
export type ReaderFor = (file: string) => Dialect | ReaderChoice | Undecided | undefined;

export async function readDomainFiles(files: string[], readerFor: ReaderFor, limits?: InputLimits): Promise<{ domains: DomainFacts[]; problems: ReadProblem[] }> {
  const domains: DomainFacts[] = [];
  const problems = forEachDomainFile(files, readerFor, limits, (d) => domains.push(d));
  return { domains, problems };
}

/**
 * Reads the files in order and hands each guest to `visit` as soon as it is
 * built, keeping nothing: the streaming lint (cli/engine/engine.ts RunSession)
 * checks it there and lets it go. Returns the files that could not be read.
 */
export function forEachDomainFile(files: string[], readerFor: ReaderFor, limits: InputLimits | undefined, visit: (domain: DomainFacts) => void): ReadProblem[] {
  const problems: ReadProblem[] = [];
  for (const file of files) {
    const read = readDomainFile(file, parseOptionsFor(readerFor(file)), limits);
    if ('problem' in read) problems.push(read.problem);
    else visit(read.domain);
  }
  return problems;
}

export type { ReadOptions };

/**
 * What a config's bytes are read into when they fit (64 KiB: a config is a few
 * kilobytes), one per thread: the bytes are decoded into the text at once and
 * never kept, so no ArrayBuffer is made per file.
 */
let scratch: Buffer | undefined;

/** One file read and built into a guest, or why it could not be read (the worker threads run this too). */
export function readDomainFile(file: string, opts: ReadOptions, limits: InputLimits | undefined): { domain: DomainFacts } | { problem: ReadProblem } {
  scratch ??= Buffer.allocUnsafeSlow(64 * 1024);
  const read = readInputFile(file, 'config', limits, scratch);
  if (!read.ok) return { problem: { file, message: read.reason } };
  const text = decodeConfigBytes(read.bytes).text;
  return { domain: redactDomain(buildDomain(parseConfig(text, file, opts)), text) };
}
