/**
 * Guests' packed summaries kept for a fold in a RecordLog (a temporary file,
 * cli/model/record-log.ts) instead of on the heap, each with its guest's name
 * and file: what a check's cross-guest state holds per guest is then a record
 * number, and the summary is read back only when a finding needs it or a key's
 * hash matched (issue 14).
 */
import { guestRefOf, type GuestRef } from '../../cli/model/contract.js';
import { RecordLog } from '../../cli/model/record-log.js';

export { Float64List, Int32List, KeyIndex, RecordLog } from '../../cli/model/record-log.js';
import type { Packed } from './packed.js';

export interface GuestRecord<T> {
  g: GuestRef;
  summary: T;
}

export class GuestRecords<T> {
  private readonly log = new RecordLog();
  private last: { id: number; record: GuestRecord<T> } | undefined;

  get length(): number {
    return this.log.length;
  }

  /** Keeps a guest's summary; its record number. */
  add(summary: Packed<T>, g: GuestRef): number {
    return this.log.add(`[${JSON.stringify(g.name)},${g.file === undefined ? 'null' : JSON.stringify(g.file)},${summary}]`);
  }

  /** Record `id` read back (the last one read is remembered: a group's writers often share a guest). */
  get(id: number): GuestRecord<T> {
    const last = this.last;
    if (last !== undefined && last.id === id) return last.record;
    const [name, file, summary] = JSON.parse(this.log.get(id)) as [string, string | null, T];
    const record = { g: guestRefOf({ name, ...(file !== null ? { file } : {}) }), summary };
    this.last = { id, record };
    return record;
  }

  close(): void {
    this.last = undefined;
    this.log.close();
  }
}
