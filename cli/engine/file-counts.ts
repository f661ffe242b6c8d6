/**
 * How many findings of one check each file has had so far, for the per-file cap
 * (engine.ts capPerFile). A Map keyed by file string over the ~50 000 files
 * of a check at 100 000 configs held 1.8 MiB of table (and as much again while
 * it grew) on the heap at the run's peak (issue 14); this table is two
 * Int32Arrays sized once: a finding's number stands for its file (compared by
 * the store's `file`), hashed by the file's text, with linear probing.
 */
export class FileCounts {
  /** Per slot: 1 + the number of a finding in the slot's file, 0 for a free slot. */
  private readonly keys: Int32Array;
  private readonly counts: Int32Array;
  private readonly mask: number;

  /**
   * `files`: at most how many different files will be counted (more would
   * loop for ever); `fileOf`: a finding's file, what two findings are
   * compared by.
   */
  constructor(
    files: number,
    private readonly fileOf: (id: number) => string,
  ) {
    // At most half full: short probes.
    let size = 16;
    while (size < files * 2) size *= 2;
    this.keys = new Int32Array(size);
    this.counts = new Int32Array(size);
    this.mask = size - 1;
  }

  /** The slot of finding `id`'s file (`file`, its fileOf): the same for every finding of that file. */
  slotOf(id: number, file: string): number {
    let slot = hashOf(file) & this.mask;
    for (;;) {
      const key = this.keys[slot]!;
      if (key === 0) {
        this.keys[slot] = id + 1;
        return slot;
      }
      if (this.fileOf(key - 1) === file) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Counts one more finding in the slot's file; returns its count now. */
  add(slot: number): number {
    return ++this.counts[slot]!;
  }
}

/** FNV-1a over the UTF-16 code units. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
