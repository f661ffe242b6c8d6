/**
 * Reading many domU configs on every core (issue 14): above a threshold of
 * files, worker threads (one per core) read and parse batches of files while
 * the main thread runs the checks on the guests they send back. The guests
 * reach `visit` in the order of `files`, exactly as from forEachDomainFile,
 * so the report is the same byte for byte; only a few batches are ever in
 * flight, so memory stays flat while the guests stream through.
 *
 * XENLINT_WORKERS=N forces N worker threads (the tests compare 1 and several
 * with the single-threaded path); XENLINT_WORKERS=0 keeps everything on the
 * main thread. Without a worker script beside this module (the standalone
 * single-file build) the reading stays on the main thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DomainFacts } from '../model/facts.js';
import { restoreSpecReadings, type SpecReadings } from '../readers/spec-reading.js';
import { forEachDomainFile, type ReadOptions, type ReaderFor, type ReadProblem } from './read-domains.js';
import { parseOptionsFor } from '../readers/reader-choice.js';
import type { InputLimits } from '../settings/config.js';

/** Below this many files one thread is faster: starting a worker costs about as much as reading a few hundred configs. */
export const PARALLEL_THRESHOLD = 2000;
/** Files per message: large enough that messaging costs little, small enough to keep the cores evenly busy. */
const BATCH = 64;
/** Batches in flight per worker: one being read, one waiting, so a worker never idles for the main thread. */
const IN_FLIGHT = 2;

export interface BatchRequest {
  batch: number;
  limits: InputLimits | undefined;
  files: Array<{ file: string; opts: ReadOptions }>;
}

export interface BatchResult {
  batch: number;
  results: Array<{ domain: DomainFacts; specs: SpecReadings } | { problem: ReadProblem }>;
}

/** How many worker threads to read `count` files with; 0 = read them on the main thread. */
export function workerCount(count: number, env: NodeJS.ProcessEnv = process.env): number {
  const forced = env['XENLINT_WORKERS'];
  if (forced !== undefined && /^\d+$/.test(forced)) return Math.min(Number(forced), 64);
  if (count < PARALLEL_THRESHOLD) return 0;
  const cores = availableParallelism();
  return cores > 1 ? cores : 0;
}

/** The worker script: beside this module, in the tsc output and in the bundle alike. */
function workerScript(): string | undefined {
  const path = fileURLToPath(new URL('./read-worker.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/**
 * forEachDomainFile on worker threads when there are enough files: the same
 * guests handed to `visit` in the same order, the same problems in the same order.
 */
export async function forEachDomainFileParallel(
  files: string[],
  readerFor: ReaderFor,
  limits: InputLimits | undefined,
  visit: (domain: DomainFacts) => void,
): Promise<ReadProblem[]> {
  const threads = Math.min(workerCount(files.length), Math.ceil(files.length / BATCH));
  const script = threads > 0 ? workerScript() : undefined;
  if (threads > 0 && !script && process.env['XENLINT_WORKERS'] !== undefined) {
    // Asked for by name: a silent fall-back would let a test of the threads pass without them.
    throw new Error(`XENLINT_WORKERS=${process.env['XENLINT_WORKERS']}: no read-worker.js beside ${fileURLToPath(import.meta.url)}`);
  }
  if (!script) return forEachDomainFile(files, readerFor, limits, visit);

  const batches = Math.ceil(files.length / BATCH);
  const problems: ReadProblem[] = [];
  const done = new Map<number, BatchResult['results']>();
  const workers = Array.from({ length: threads }, () => new Worker(script));
  let sent = 0;
  let next = 0;
  const send = (w: Worker): void => {
    if (sent >= batches) return;
    const batch = sent++;
    const slice = files.slice(batch * BATCH, (batch + 1) * BATCH);
    w.postMessage({ batch, limits, files: slice.map((file) => ({ file, opts: parseOptionsFor(readerFor(file)) })) } satisfies BatchRequest);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      for (const w of workers) {
        w.on('error', reject);
        w.on('exit', (code) => {
          if (next < batches) reject(new Error(`a reading thread stopped (exit code ${code}) before the last file was read`));
        });
        w.on('message', (r: BatchResult) => {
          done.set(r.batch, r.results);
          // The guests go to the checks in file order: each batch waits for those before it.
          try {
            for (let ready = done.get(next); ready; ready = done.get(next)) {
              done.delete(next++);
              for (const item of ready) {
                if ('problem' in item) problems.push(item.problem);
                else {
                  restoreSpecReadings(item.domain, item.specs);
                  visit(item.domain);
                }
              }
            }
          } catch (err) {
            reject(err as Error);
            return;
          }
          if (next >= batches) resolve();
          else send(w);
        });
        for (let i = 0; i < IN_FLIGHT; i++) send(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return problems;
}
