/**
 * A table of keys to entry numbers in a typed array (issue 14), for the folds'
 * record logs (record-log.ts) and stylish's grouping by file. It imports only
 * release-buffer.ts (no file system), so that a formatter can load it without the
 * record log's temporary files.
 */
import { releaseNow } from './release-buffer.js';

/** FNV-1a over the UTF-16 code units: the 32-bit hash KeyIndex keeps of each key. */
function fnv1a(key: string): number {
  let h = 0x811c9dc5;
  // The length read once: keys come as strings of many kinds (flat, cons, sliced), so `key.length` is a
  // megamorphic load, and read at each character it was ~0.5 % of a one-thread lint of 1 000 configs (issue 14).
  const length = key.length;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

let hashOf = fnv1a;

/** For tests: another hash (a constant one makes every key collide, so that every match is checked against its record). Returns the previous one. */
export function setKeyHashForTesting(hash: (key: string) => number): (key: string) => number {
  const was = hashOf;
  hashOf = hash;
  return was;
}

/**
 * Keys (a MAC, a guest name, a disk path) mapped to the first entry that had
 * each, keeping only a 32-bit hash of the key and the entry's number (8 bytes
 * a slot): where a hash matches, the key is read back (`keyOf`, usually from a
 * RecordLog) and compared, so a collision never joins two keys.
 */
export class KeyIndex {
  /**
   * Pairs (hash, entry + 1); 0 marks an empty slot. At most three quarters
   * full: at half, as first written, the tables of a lint of 100 000 configs
   * were 8.6 MiB at 25–47 % full (issue 14). Linear probing at 3/4 costs a
   * few more slot compares a miss (about 8.5 expected, against 2.5), and a
   * compare reads the record only when the whole 32-bit hash matches.
   */
  private slots: Uint32Array;
  private count = 0;

  /** `expected`: how many keys the table takes before it first grows (a table grown by doubling leaves each old one to the GC). */
  constructor(
    private readonly keyOf: (entry: number) => string,
    expected = 0,
  ) {
    let size = 64;
    while (4 * expected > 3 * size) size *= 2;
    this.slots = new Uint32Array(2 * size);
  }

  /** The entry that had `key` first; else `entry` becomes it and the result is -1. */
  firstOr(key: string, entry: number): number {
    if (this.slots.length === 0) throw new Error('a key index was used after it was closed');
    const h = hashOf(key) >>> 0;
    let mask = this.slots.length / 2 - 1;
    let i = h & mask;
    for (;;) {
      const held = this.slots[2 * i + 1]!;
      if (held === 0) break;
      if (this.slots[2 * i] === h && this.keyOf(held - 1) === key) return held - 1;
      i = (i + 1) & mask;
    }
    if (4 * (this.count + 1) > 3 * (mask + 1)) {
      this.grow();
      mask = this.slots.length / 2 - 1;
      i = h & mask;
      while (this.slots[2 * i + 1] !== 0) i = (i + 1) & mask;
    }
    this.slots[2 * i] = h;
    this.slots[2 * i + 1] = entry + 1;
    this.count++;
    return -1;
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Uint32Array(old.length * 2);
    const mask = slots.length / 2 - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = old[j]! & mask;
      while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
      slots[2 * i] = old[j]!;
      slots[2 * i + 1] = old[j + 1]!;
    }
    this.slots = slots;
    // Now, not at a full GC: the old table (half the new one's size) sat beside it until then (issue 14).
    releaseNow(old);
  }

  /** Lets go of the table's memory at once; the index cannot be used after. */
  close(): void {
    const old = this.slots;
    this.slots = new Uint32Array(0);
    releaseNow(old);
  }
}
