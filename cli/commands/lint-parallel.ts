/**
 * lint on every core (issue 14): above the threshold of files, worker threads
 * (lint-worker.ts) read each guest and run the checks' per-guest parts on it,
 * and this thread feeds their small results to the run in file order
 * (RunSession.addGuestResult), so cross-guest parts, statuses, suppressions,
 * caps, the baseline and the report are exactly those of one thread.
 *
 * Only built-in version-2 checks can run on a worker: a worker makes its
 * checks from the registry by id (functions do not cross threads), and a
 * plugin's module is not loaded there. With a plugin or a whole-facts check
 * among the checks the run stays on this thread: threads that only read and
 * parse, sending each guest's DomainFacts here, gained no time on 2 cores
 * (2.95 s vs 3.01 s wall on 10 000 configs, 0.75 s more CPU; worse on a busy
 * machine), so that path was dropped.
 */
import { join } from 'node:path';
import type { CheckContext, HostSide } from '../model/contract.js';
import { hasParts, type Check } from '../model/contract.js';
import type { GuestResult, RunSession } from '../engine/engine.js';
import type { InputLimits } from '../settings/config.js';
import { forEachDomainFile, type ReadProblem, type ReaderFor } from '../sources/read-domains.js';
import { inWorkerBatches, threadsFor } from '../sources/read-parallel.js';
import { memoryGuest, type MemoryGuest } from './memory-view.js';

export interface LintWorkerData {
  host: HostSide;
  plan: Array<{ id: string; ctx: CheckContext }>;
  /** Collect each guest's memory figures (the host's RAM is known), judged against this Xen version. */
  memory: boolean;
  xen: string | undefined;
}

export interface LintBatchResult {
  batch: number;
  results: Array<{ guest: GuestResult; memory?: MemoryGuest } | { problem: ReadProblem }>;
  /** Time each planned check spent on the batch's guests (guestPlan order). */
  ms: Float64Array;
}

/** What the feed learns of each guest besides what the session keeps. */
export type GuestSeen = (name: string, memory: MemoryGuest | undefined) => void;

/** What feeding a run its guests needs, with or without a cache (feedGuests, feedGuestsCached). */
export interface GuestFeed {
  session: RunSession;
  /** The built-in checks: a worker thread makes its checks from these by id. */
  builtins: readonly Check[];
  host: HostSide;
  files: string[];
  readerFor: ReaderFor;
  limits: InputLimits | undefined;
  /** Set when the run draws the host's memory: the Xen version each guest's figures are judged by. */
  memoryFor: { xen: string | undefined } | undefined;
  seen: GuestSeen;
}

/**
 * lint's thread script (lint-worker.ts), beside this module in the tsc output and in the bundle
 * alike: a path from import.meta.dirname, not a URL from import.meta.url (a URL and fileURLToPath
 * compile a good part of Node's URL code on a run that starts no thread).
 */
export const lintWorkerScript = (): string => join(import.meta.dirname, 'lint-worker.js');

/**
 * Reads every file and feeds its guest to `session`, in file order: on worker
 * threads that also run the per-guest parts when there are enough files and
 * every check can run there; else as before. Returns the files that could not be read.
 */
export async function feedGuests(feed: GuestFeed, checks: readonly Check[]): Promise<ReadProblem[]> {
  const { session, builtins, host, files, readerFor, limits, memoryFor, seen } = feed;
  const visit = (d: Parameters<Parameters<typeof forEachDomainFile>[3]>[0]): void => {
    session.addGuest(d);
    seen(d.name, memoryFor ? memoryGuest(d, memoryFor.xen) : undefined);
  };
  const portable = !session.keepsGuests && checks.every((c) => builtins.includes(c) && hasParts(c));
  if (!portable) return forEachDomainFile(files, readerFor, limits, visit);
  const script = lintWorkerScript();
  const threads = threadsFor(files.length, script);
  if (threads === 0) return forEachDomainFile(files, readerFor, limits, visit);
  const data: LintWorkerData = { host, plan: session.guestPlan(), memory: memoryFor !== undefined, xen: memoryFor?.xen };
  const problems: ReadProblem[] = [];
  await inWorkerBatches<LintBatchResult>(script, data, threads, files, readerFor, limits, (r) => {
    for (const item of r.results) {
      if ('problem' in item) problems.push(item.problem);
      else {
        session.addGuestResult(item.guest);
        seen(item.guest.name, item.memory);
      }
    }
    session.addDurations(r.ms);
  });
  return problems;
}
