/**
 * A config's bytes are read into one scratch buffer a thread reuses (issue 14:
 * no ArrayBuffer per file): each read hands back exactly that file's bytes, a
 * file too big for the scratch gets a buffer of its own, and a guest read
 * before the next file keeps its own text.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCappedSync } from '../../cli/sources/fs-read.js';
import { readDomainFile } from '../../cli/sources/read-domains.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir('xenlint-scratch-');
const write = (name: string, text: string | Buffer): string => {
  const file = join(root, name);
  writeFileSync(file, text);
  return file;
};

t.test('readCappedSync into a scratch buffer: the file\'s bytes, a view of the scratch when they fit', async (t) => {
  const scratch = Buffer.alloc(64, 0x78);
  const long = write('long.cfg', 'name = "a-long-guest-name"\n');
  const short = write('short.cfg', 'm = 1\n');
  const a = readCappedSync(long, 1 << 20, true, scratch);
  t.ok(a.ok && Buffer.from(a.bytes).toString() === 'name = "a-long-guest-name"\n', 'the first file');
  t.ok(a.ok && a.bytes.buffer === scratch.buffer, 'read into the scratch');
  const b = readCappedSync(short, 1 << 20, true, scratch);
  t.ok(b.ok && Buffer.from(b.bytes).toString() === 'm = 1\n', 'the second, shorter file: none of the first one\'s bytes');
  const big = write('big.cfg', Buffer.alloc(200, 0x61));
  const c = readCappedSync(big, 1 << 20, true, scratch);
  t.ok(c.ok && c.bytes.length === 200 && c.bytes.every((x) => x === 0x61), 'a file larger than the scratch: all of it');
  t.ok(c.ok && c.bytes.buffer !== scratch.buffer, 'in a buffer of its own');
  const empty = write('empty.cfg', '');
  const e = readCappedSync(empty, 1 << 20, true, scratch);
  t.ok(e.ok && e.bytes.length === 0, 'an empty file');
  const over = readCappedSync(big, 100, true, scratch);
  t.ok(over.ok && over.truncated && over.bytes.length === 0, 'over the cap: refused unread');
  const capped = readCappedSync(big, 100, false, scratch);
  t.ok(capped.ok && capped.truncated && capped.bytes.length === 100, 'over the cap, read up to it');
  if (process.platform === 'linux') {
    const proc = readCappedSync('/proc/self/status', 1 << 20, false, Buffer.alloc(1 << 16));
    t.ok(proc.ok && Buffer.from(proc.bytes).toString().includes('Name:'), 'a /proc file that says its size is 0 is read to its end');
  }
});

t.test('readDomainFile: guests read one after another keep their own names and values', async (t) => {
  const files = ['alpha', 'b', 'gamma-with-a-longer-name'].map((n, i) => write(`${n}.cfg`, `name = "${n}"\nmemory = ${(i + 1) * 256}\n# caf\u00e9\n`));
  const read = files.map((f) => readDomainFile(f, { dialect: 'xl', reason: 'forced' }, undefined));
  const got = read.map((r) => ('domain' in r ? [r.domain.name, r.domain.memoryMiB] : r.problem.message));
  t.same(got, [
    ['alpha', 256],
    ['b', 512],
    ['gamma-with-a-longer-name', 768],
  ]);
});
