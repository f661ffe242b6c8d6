/**
 * One config file to what a lint run keeps of its guest (issue 14): read and
 * built, every planned check's per-guest parts run on it (guestResultOf, the
 * code RunSession.addGuest runs), and its memory figures when the run draws the
 * host's memory. A worker thread does this for its batches (lint-worker.ts); so
 * does `--cache` for the files it missed, when it reads them on this thread.
 */
import type { Check, CheckContext, HostSide } from '../model/contract.js';
import { guestResultOf } from '../engine/engine.js';
import type { InputLimits } from '../settings/config.js';
import { readDomainFile, type ReadOptions } from '../sources/read-domains.js';
import { memoryGuest } from './memory-view.js';
import type { LintBatchResult } from './lint-parallel.js';

export type PlannedCheck = { check: Check; ctx: CheckContext };

/** The checks of a session's guestPlan, made from the built-ins by id (what crosses threads is data). */
export function plannedChecks(plan: ReadonlyArray<{ id: string; ctx: CheckContext }>, builtins: readonly Check[]): PlannedCheck[] {
  return plan.map(({ id, ctx }) => {
    const check = builtins.find((c) => c.id === id);
    if (!check) throw new Error(`no built-in check ${id}`);
    return { check, ctx };
  });
}

/** The file's guest as the run keeps it, or why it could not be read; `ms` gains each planned check's time. */
export function checkedGuest(
  file: string,
  opts: ReadOptions,
  limits: InputLimits | undefined,
  checks: readonly PlannedCheck[],
  host: HostSide,
  memoryFor: { xen: string | undefined } | undefined,
  ms: Float64Array,
): LintBatchResult['results'][number] {
  const read = readDomainFile(file, opts, limits);
  if ('problem' in read) return read;
  const guest = guestResultOf(checks, host, read.domain, ms);
  return memoryFor ? { guest, memory: memoryGuest(read.domain, memoryFor.xen) } : { guest };
}
