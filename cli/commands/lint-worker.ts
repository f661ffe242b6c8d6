/**
 * A worker thread of a parallel lint (lint.ts, issue 14 "all cores"): reads
 * and builds each guest of the batches it is sent, runs every planned check's
 * per-guest parts on it (guestResultOf, the very code RunSession.addGuest
 * runs), and posts back only what the main thread's run keeps of the guest —
 * its name, file, suppressions, the checks' findings and summaries, its memory
 * figures — never the guest itself.
 *
 * The checks are the built-in ones, made here from the registry by id with the
 * contexts the main thread's session gave them (its guestPlan): data crosses
 * threads, functions cannot. A run with a plugin or a whole-facts check never
 * starts this worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { builtinChecks } from '../../checks/index.js';
import type { BatchRequest } from '../sources/read-parallel.js';
import { checkedGuest, plannedChecks } from './guest-outcome.js';
import type { LintWorkerData, LintBatchResult } from './lint-parallel.js';

const port = parentPort;
if (!port) throw new Error('lint-worker.js runs as a worker thread of xenlint, not on its own');
const data = workerData as LintWorkerData;
const plan = plannedChecks(data.plan, builtinChecks);
const memoryFor = data.memory ? { xen: data.xen } : undefined;
port.on('message', (req: BatchRequest) => {
  const ms = new Float64Array(plan.length);
  const results: LintBatchResult['results'] = req.files.map(({ file, opts }) => checkedGuest(file, opts, req.limits, plan, data.host, memoryFor, ms));
  port.postMessage({ batch: req.batch, results, ms } satisfies LintBatchResult);
});
