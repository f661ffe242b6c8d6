/**
 * A check's findings as their numbers in the run's FindingStore, in an
 * Int32Array that doubles as it fills (issue 14). At 100 000 configs the
 * checks' lists hold ~237 000 numbers from the first guest to the report: a JS
 * array of small integers takes 8 bytes an element (and a copy as it grows),
 * this 4, outside the heap.
 */
export class FindingIds {
  private ids: Int32Array;
  private count = 0;

  constructor(capacity = 16) {
    this.ids = new Int32Array(Math.max(1, capacity));
  }

  get length(): number {
    return this.count;
  }

  push(id: number): void {
    if (this.count === this.ids.length) {
      const larger = new Int32Array(this.ids.length * 2);
      larger.set(this.ids);
      this.ids = larger;
    }
    this.ids[this.count++] = id;
  }

  /** The numbers pushed so far: a view of the list's own array, not a copy (it changes if the list is pushed to again before it grows). */
  view(): Int32Array {
    return this.ids.subarray(0, this.count);
  }
}
