/**
 * Gives a typed array's memory back now instead of at the next full GC (issue
 * 14). A fold's tables live in the old generation, so once dropped their
 * backing stores (outside the heap) waited for a mark-compact: at 100 000
 * configs the checks' finishing steps grew ArrayBuffers 15 → 19 MiB beside
 * tables no longer used. Transferring the buffer detaches it (the view reads as
 * empty from then on) and hands its store to a new, young ArrayBuffer that the
 * next scavenge frees.
 */

/**
 * Below this a store is left to the GC. The first buffer a process detaches
 * invalidates V8's detaching protector: optimized code that reads typed arrays
 * is thrown away and made again with detach checks (callgrind, one-thread lint
 * of 1 000 configs: +1.7 % instructions, almost all TurboFan, when tables from
 * 4 KiB were freed). From 256 KiB only the runs whose tables weigh (tens of
 * thousands of keys) pay that, once.
 */
const WORTH_BYTES = 256 * 1024;

/** Frees `view`'s memory, which must not be used again, when the view owns its whole buffer (a small Buffer shares Node's pool with others). */
export function releaseNow(view: ArrayBufferView | undefined): void {
  if (view === undefined || view.byteLength < WORTH_BYTES || view.byteOffset !== 0) return;
  const buffer = view.buffer;
  if (buffer.byteLength !== view.byteLength || !(buffer instanceof ArrayBuffer)) return;
  structuredClone(buffer, { transfer: [buffer] });
}
