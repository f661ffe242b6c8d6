/**
 * Folds (Check.fold in cli/model/contract.ts) that several built-in checks
 * share: what their cross-guest part asks of all the guests is how many
 * contributed a summary and whether any summary says one thing or another —
 * never which guest, so nothing of a guest outlives its step.
 */
import type { CheckContext, Fold, HostSide } from '../../cli/model/contract.js';

/** How many summaries were folded, and for each flag whether any of them raised it. */
export type Tally<K extends string> = { guests: number } & Record<K, boolean>;

/** A fold into a Tally: `flags` says, per flag, whether a summary raises it. */
export function tally<S, K extends string = never>(flags: Record<K, (summary: S) => boolean> = {} as Record<K, (summary: S) => boolean>): Fold<S, Tally<K>> {
  const keys = Object.keys(flags) as K[];
  return {
    init: () => {
      const state = { guests: 0 } as Tally<K>;
      for (const k of keys) (state as Record<K, boolean>)[k] = false;
      return state;
    },
    step: (state, summary) => {
      state.guests++;
      for (const k of keys) if (!state[k] && flags[k](summary)) (state as Record<K, boolean>)[k] = true;
    },
  };
}

/**
 * A fold that keeps every summary (a finding that names every guest of a kind
 * needs them all), but only when the host side says the finding can be made
 * (`when`); otherwise none, and `across` gets an empty list.
 */
export function keptIf<S>(when: (host: HostSide, ctx: CheckContext) => boolean): Fold<S, S[]> {
  return {
    init: (host, ctx) => (when(host, ctx) ? [] : NOTHING_KEPT),
    step: (list, summary) => {
      if (list !== NOTHING_KEPT) list.push(summary);
    },
  };
}

/** keptIf's state when it keeps nothing: one frozen empty list, never pushed to. */
const NOTHING_KEPT: never[] = Object.freeze([]) as unknown as never[];
