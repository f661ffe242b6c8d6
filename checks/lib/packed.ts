/**
 * A cross-guest summary as one JSON string (issue 14). Each guest's summary
 * travels alone: posted back from a worker thread of a parallel lint, stored by
 * `lint --cache`, then folded into its check's state (Check.fold) and dropped.
 * As one flat string it is cheap to post and to store, and its strings are
 * copies, never slices that keep the whole config text alive. What a fold keeps
 * of it is the check's own business (duplicate-guest, vif-spec and
 * shared-writable-disk keep the few fields a finding quotes, and the guest as
 * the engine's shared GuestRef).
 *
 * Only for summaries that are plain JSON data (strings, finite numbers,
 * booleans, arrays, objects; absent rather than undefined members). Identity is
 * not kept: what one summary shares (one guest's record in each of its MAC
 * uses) is rebuilt by the check when it unpacks.
 */
export type Packed<T> = string & { readonly __packed?: T };

export function pack<T>(value: T): Packed<T> {
  return JSON.stringify(value) as Packed<T>;
}

export function unpack<T>(packed: Packed<T>): T {
  return JSON.parse(packed) as T;
}
