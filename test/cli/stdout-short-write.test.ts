/**
 * writeStdout (cli/commands/output.ts) writes each piece of the report to fd 1 as a
 * string and makes the piece's bytes only when that write comes short, going on from
 * the byte where it stopped. A write comes short on a non-blocking pipe with less room
 * than the piece: here a shell pipe whose reader starts after a pause, made
 * non-blocking by a preload (a socket opened on fd 1 sets O_NONBLOCK, as a parent's
 * stream would), so that the report (several times the pipe's 64 KiB) cannot fit.
 * The guests' names are not ASCII, so a piece resumed at a character count instead
 * of a byte count, or written again from its start, shows in the bytes.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, scratch } from './run.js';

const files: Record<string, string> = {
  'non-blocking.cjs': "new (require('node:net').Socket)({ fd: 1, readable: false, writable: true }).unref();\n",
};
for (let i = 0; i < 150; i++) files[`g${i}.cfg`] = `name = "gäst-${i}-ü"\nbuilder = "hvm"\nmemory = 512\nvif = [ 'model=e1000,bogus' ]\n`;
const dir = scratch(files);
const args = ['lint', '.', '--xen', '4.17', '--format', 'json'];
const env = { ...process.env, NO_COLOR: '1' };

t.test('a report through a full non-blocking pipe is the report through a plain one', async (t) => {
  const plain = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, maxBuffer: 64 << 20 });
  t.ok(plain.stdout.length > 3 * 65536, 'the report is several times the pipe');
  t.ok(plain.stdout.toString('utf8').includes('gäst-149-ü'), 'the report quotes the names');
  const quoted = [process.execPath, '-r', join(dir, 'non-blocking.cjs'), BIN, ...args].map((a) => `'${a}'`).join(' ');
  const piped = spawnSync('sh', ['-c', `${quoted} 2>stderr.txt | (sleep 3; cat); cat stderr.txt`], { cwd: dir, env, maxBuffer: 64 << 20 });
  t.ok(piped.stdout.equals(plain.stdout), 'the same bytes, and nothing on stderr');
});
