/**
 * Text a run makes and reads back only once, later (lint --cache: the entries
 * it made, the report it wrote), appended to a private temporary file
 * (privateTempFile: gone when the process ends, however it ends) rather than
 * held: what a run holds of a piece is where it is. With no usable temporary
 * folder (a missing or read-only TMPDIR) the bytes are held in memory, as
 * before there was a spill.
 */
import { privateTempFile, type PrivateTempFile } from './private-temp-file.js';

/** Where a piece is among the bytes of its TextSpill. */
export interface SpillRange {
  start: number;
  end: number;
}

/** How many characters are gathered before they are written (and the most a spill holds unwritten). */
const PENDING_CHARS = 1 << 20;

export class TextSpill {
  private readonly file: PrivateTempFile | undefined;
  /** The bytes written, when no temporary file could be made: held as before the spill. */
  private held: Buffer[] = [];
  /** Why the temporary file could not take the text (TMPDIR full): `bytes` throws it, so what it was for is not written. */
  private failed: Error | undefined;
  private length = 0;
  private pending = '';
  private written = 0;

  /** `prefix` and `name` name the temporary file's folder and the file (privateTempFile). */
  constructor(prefix: string, name: string) {
    this.file = tempFile(prefix, name);
  }

  /** The bytes added so far. */
  get size(): number {
    return this.length;
  }

  /** True when the text goes to a temporary file, not to memory. */
  get spilled(): boolean {
    return this.file !== undefined;
  }

  add(text: string): SpillRange {
    const start = this.length;
    this.length += Buffer.byteLength(text);
    this.pending += text;
    if (this.pending.length >= PENDING_CHARS) this.flush();
    return { start, end: this.length };
  }

  /** Bytes `start` to `end` of what was added; throws why, when the temporary file could not take them. */
  bytes(start: number, end: number): Buffer {
    this.flush();
    if (this.failed !== undefined) throw this.failed;
    if (this.file === undefined) {
      if (this.held.length > 1) this.held = [Buffer.concat(this.held)];
      return Buffer.from((this.held[0] ?? Buffer.alloc(0)).subarray(start, end));
    }
    return this.file.readAt(end - start, start);
  }

  close(): void {
    this.file?.close();
    this.held = [];
  }

  private flush(): void {
    if (this.pending === '') return;
    const bytes = Buffer.from(this.pending, 'utf8');
    if (this.file === undefined) this.held.push(bytes);
    else if (this.failed === undefined) {
      try {
        this.file.writeAt(bytes, this.written);
      } catch (err) {
        // The run goes on; what the text was for is not written, and its writer says why.
        this.failed = err as Error;
      }
    }
    this.written += bytes.length;
    this.pending = '';
  }
}

function tempFile(prefix: string, name: string): PrivateTempFile | undefined {
  try {
    return privateTempFile(prefix, name);
  } catch {
    return undefined;
  }
}
