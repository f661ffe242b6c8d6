/**
 * releaseNow (issue 14): frees a view's store only when the view owns the
 * whole buffer, so a Buffer from Node's shared pool, or a part of a larger
 * buffer, is never detached under the other views that use it.
 */
import t from 'tap';
import { releaseNow } from '../../cli/model/release-buffer.js';

t.test('a view that owns its buffer is detached', async (t) => {
  const table = new Uint32Array(1 << 16);
  table[7] = 9;
  releaseNow(table);
  t.equal(table.length, 0, 'reads as empty');
  t.equal(table.buffer.byteLength, 0, 'its buffer detached');
  const block = Buffer.allocUnsafe(1 << 18);
  releaseNow(block);
  t.equal(block.length, 0, 'a Buffer of its own too');
});

t.test('a view that shares its buffer, or is too small to be worth it, is left alone', async (t) => {
  const pooled = Buffer.allocUnsafe(100);
  const neighbour = Buffer.allocUnsafe(100);
  neighbour.write('still here');
  releaseNow(pooled);
  t.equal(pooled.length, 100, 'a pooled Buffer stays');
  t.equal(neighbour.toString('utf8', 0, 10), 'still here', 'and so do the others in its pool');
  const whole = new Int32Array(1 << 17);
  const part = whole.subarray(0, 1 << 16);
  releaseNow(part);
  t.equal(whole.length, 1 << 17, 'a part does not free the whole');
  const tail = whole.subarray(1 << 16);
  releaseNow(tail);
  t.equal(tail.length, 1 << 16, 'nor does a part that starts further in');
  const small = new Float64Array(4096);
  releaseNow(small);
  t.equal(small.length, 4096, 'a small one (32 KiB) stays: detaching has a cost of its own');
  releaseNow(undefined);
});
