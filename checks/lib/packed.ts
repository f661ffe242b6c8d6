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
 *
 * A summary folded on the thread that packed it, moments later (a lint on one
 * thread: the guest's parts run, then each check's fold step), is unpacked to
 * the very value that was packed rather than parsed again: the value a step
 * gets is to read, never to change or keep (it may be the check's own object).
 */
export type Packed<T> = string & { readonly __packed?: T };

/** The last values packed on this thread, newest last: a guest's summaries are folded right after its parts run. */
const recent: Array<{ text: string; value: unknown }> = [];
const RECENT = 8;

export function pack<T>(value: T): Packed<T> {
  const text = JSON.stringify(value);
  if (recent.length >= RECENT) recent.shift();
  recent.push({ text, value });
  return text as Packed<T>;
}

export function unpack<T>(packed: Packed<T>): T {
  for (let i = recent.length - 1; i >= 0; i--) {
    // Equal text: the value packed to it reads as JSON.parse(text) would (plain JSON data, see above).
    if (recent[i]!.text === packed) return recent.splice(i, 1)[0]!.value as T;
  }
  return JSON.parse(packed) as T;
}
