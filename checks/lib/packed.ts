/**
 * A cross-guest summary kept as one JSON string (issue 14). A streaming run
 * keeps every guest's summary until the last guest is read; as objects, one
 * small record per disk or MAC costs several heap objects, and its strings are
 * often slices that keep the whole config text alive. As one flat string it
 * costs about its length: at 10 000 guests the summaries of shared-writable-disk,
 * vif-spec and duplicate-guest went from 19 MiB of heap to a few.
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
