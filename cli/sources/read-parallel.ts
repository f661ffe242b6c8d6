/**
 * Reading many domU configs on every core (issue 14): above a threshold of
 * files, on 3 cores or more, worker threads (one per core) are sent batches of files and reply
 * with what they made of them (lint's: cli/commands/lint-worker.ts, which also
 * runs the checks' per-guest parts). The replies reach the caller in the order
 * of `files`, so the report is the same byte for byte; only a few batches are
 * ever in flight, so memory stays flat while the guests stream through.
 *
 * XENLINT_WORKERS=N forces N worker threads (the tests compare 1 and several
 * with the single-threaded path); XENLINT_WORKERS=0 keeps everything on the
 * main thread. Without a worker script beside its caller (the standalone
 * single-file build) the reading stays on the main thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ReadOptions, ReaderFor } from './read-domains.js';
import { parseOptionsFor } from '../readers/reader-choice.js';
import type { InputLimits } from '../settings/config.js';

/** Below this many files one thread is faster: starting a worker costs about as much as reading a few hundred configs. */
export const PARALLEL_THRESHOLD = 2000;
/** Files per message: large enough that messaging costs little, small enough to keep the cores evenly busy. */
const BATCH = 64;
/**
 * A worker's young generation, at most (MiB): what the main thread's reaches
 * at 10 000 configs under leanHeap (16 MiB). The flags leanHeap sets do not
 * hold a worker's isolate back: its young generation grew to 32 MiB. With this
 * limit one worker at 10 000 configs peaked at 160-165 MiB RSS against
 * 179-189 MiB, CPU within the noise (3 runs each, XENLINT_WORKERS=1, 2 cores).
 */
const WORKER_YOUNG_MIB = 16;
/** Batches in flight per worker: one being read, one waiting, so a worker never idles for the main thread. */
const IN_FLIGHT = 2;

export interface BatchRequest {
  batch: number;
  limits: InputLimits | undefined;
  files: Array<{ file: string; opts: ReadOptions }>;
}

/**
 * Fewer cores than this and one thread is faster: on 2 cores, 10 000 configs
 * took 13.9 s wall / 5.6 s CPU / 256 MiB peak on two threads (checks included)
 * against 10.5 s / 3.9 s / 195 MiB on one (interleaved x5, a shared machine):
 * each thread's own heap, JIT warm-up and the cloned results (38 MB of
 * findings and summaries) cost more than the second core gives back.
 *
 * The second core is not idle on one thread either: V8's helper threads
 * (TurboFan's concurrent compiles, ~0.85 s, and the GC's, ~0.25 s) take
 * ~1.1 s of CPU beside the main thread's ~2.3 s (per-thread CPU from
 * /proc/self/task at 10 000 configs; --no-concurrent-recompilation moves
 * ~1.1 s onto the main thread). Each worker's isolate compiles the readers
 * and checks again, and its results cost ~0.07 ms a guest to clone and
 * ~0.1 ms to read back (~5 KB a guest). One worker with the main thread
 * making batches between its replies (tried for issue 14) measured
 * +35-50 % CPU and +60 MiB peak RSS; callgrind 22.4 G -> 31.2 G instructions.
 */
export const MIN_CORES = 3;

/** How many worker threads to read `count` files with; 0 = read them on the main thread. */
export function workerCount(count: number, env: NodeJS.ProcessEnv = process.env, cores?: number): number {
  const forced = env['XENLINT_WORKERS'];
  if (forced !== undefined && /^\d+$/.test(forced)) return Math.min(Number(forced), 64);
  if (count < PARALLEL_THRESHOLD) return 0;
  // Asked only here: node:os is not loaded at all for a run below the threshold (start-up, issue 14).
  const n = cores ?? availableParallelism();
  return n >= MIN_CORES ? n : 0;
}

/**
 * How many threads of the worker script `script` (a path beside its caller, in the tsc output and
 * in the bundle alike) to run `count` files on (workerCount, at most one per batch); 0 = the main
 * thread does it all, as it does when the script is not there (the standalone single-file build).
 * The script is looked for only when threads are wanted: a run below the threshold asks the file
 * system nothing (start-up, issue 14: the URL of the script and its existsSync were ~90 lazily
 * compiled lines of Node's URL code on every `lint one.cfg`). Throws when XENLINT_WORKERS asks for
 * threads and the script is missing: a silent fall-back would let a test of the threads pass
 * without them.
 */
export function threadsFor(count: number, script: string): number {
  const threads = Math.min(workerCount(count), Math.ceil(count / BATCH));
  if (threads === 0 || existsSync(script)) return threads;
  if (process.env['XENLINT_WORKERS'] !== undefined) throw new Error(`XENLINT_WORKERS=${process.env['XENLINT_WORKERS']}: no ${script}`);
  return 0;
}

/**
 * Sends `files` in batches (BatchRequest) to `threads` threads of `script`,
 * each started with `workerData`, and hands their replies to `take` in the
 * order of the files, whatever order they come back in; a few batches per
 * thread are in flight at once, so memory stays flat.
 */
export async function inWorkerBatches<R extends { batch: number }>(
  script: string,
  workerData: unknown,
  threads: number,
  files: string[],
  readerFor: ReaderFor,
  limits: InputLimits | undefined,
  take: (reply: R) => void,
): Promise<void> {
  const batches = Math.ceil(files.length / BATCH);
  const done = new Map<number, R>();
  const workers = Array.from({ length: threads }, () => new Worker(script, { workerData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MIB } }));
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
        w.on('message', (r: R) => {
          done.set(r.batch, r);
          // In file order: each batch waits for those before it.
          try {
            for (let ready = done.get(next); ready; ready = done.get(next)) {
              done.delete(next++);
              take(ready);
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
}
