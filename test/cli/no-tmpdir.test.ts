/**
 * A lint of many configs keeps its settled findings, and `--cache` the entries
 * it makes, in private temporary files (issue 14). Where TMPDIR names a folder
 * that is not there (a container without /tmp, a typo in a CI variable), the
 * run keeps them in memory instead and writes the same report: it must not end
 * in an internal error.
 */
import t from 'tap';
import { appendFileSync, closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { xenlint } from './run.js';
import { writeSpillCorpus } from '../helpers/spill-corpus.js';
import { privateTempFile } from '../../cli/model/private-temp-file.js';
import { isUsageError } from '../../cli/settings/config.js';
import { tempDir } from '../helpers/temp-dir.js';

const work = tempDir('xenlint-no-tmpdir-');
writeSpillCorpus(join(work, 'configs'));
const missing = join(work, 'no-such-tmp');
const lint = (env: Record<string, string>, ...extra: string[]) =>
  xenlint(['lint', 'configs', '--xen', '4.17', ...extra], { cwd: work, env: { XENLINT_WORKERS: '0', ...env } });

t.test('the findings are kept in memory, with a note, and the report is the same', async (t) => {
  const usual = lint({});
  const without = lint({ TMPDIR: missing });
  t.ok(usual.stdout.length > 1000, `a real report (${usual.stdout.length} bytes)`);
  t.equal(without.code, usual.code, 'the same exit code');
  t.ok(without.stdout === usual.stdout, 'the same report');
  t.match(without.stderr, /no temporary file for the findings \(.*no-such-tmp.*\): they are kept in memory/);
  t.notMatch(without.stderr, /internal error/);
  t.notOk(existsSync(missing), 'nothing made in its place');
});

t.test('--cache makes, reuses and renews its entries without a temporary file', async (t) => {
  const cache = join(work, '.xenlintcache');
  const cached = (...extra: string[]) => lint({ TMPDIR: missing }, '--cache', '--cache-location', cache, ...extra);
  const cold = cached();
  t.notMatch(cold.stderr, /internal error/);
  t.ok(existsSync(cache), 'the cache is written');
  appendFileSync(join(work, 'configs', 'g7.cfg'), "vif = [ 'bridge=br0', 'bridge=br1', 'bridge=br2', 'bridge=br3' ]\n");
  const warm = cached();
  const plain = lint({});
  t.notMatch(warm.stderr, /internal error/);
  t.equal(warm.code, plain.code, 'the same exit code as without the cache');
  t.ok(warm.stdout === plain.stdout, 'one config changed: the same report as without the cache');
  const replay = cached();
  t.ok(replay.stdout === plain.stdout, 'nothing changed: the same report again');
});

t.test('a temporary file that cannot be written is said in one line, as a usage error', async (t) => {
  const saved = process.env['TMPDIR'];
  process.env['TMPDIR'] = work;
  try {
    const file = privateTempFile('xenlint-test-', 'x');
    file.writeAt(Buffer.from('fits'), 0);
    // Its descriptor gone underneath, as a disk that fills up or goes read-only fails a write.
    closeSync(file.fd);
    let thrown: unknown;
    try {
      file.writeAt(Buffer.from('more'), 4);
    } catch (err) {
      thrown = err;
    }
    t.ok(isUsageError(thrown), 'exit 2 with its own message, not an internal error');
    t.match((thrown as Error).message, `a temporary file in ${work} could not be written (EBADF): free some space there, or set TMPDIR to a folder with room`);
  } finally {
    if (saved === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = saved;
  }
});
