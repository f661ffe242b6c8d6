/**
 * lint on worker threads (cli/sources/read-parallel.ts) says exactly what lint
 * on one thread says: a few hundred generated configs (the benchmark's
 * generator, another seed) with one and with several reading threads, in every
 * report format, from the tsc output and from the bundle; and in-process, the
 * guests and problems handed over are the same, in the same order, with their
 * spec parses carried across.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT } from './run.js';
import { forEachDomainFile, type ReaderFor } from '../../cli/sources/read-domains.js';
import { forEachDomainFileParallel, workerCount, PARALLEL_THRESHOLD } from '../../cli/sources/read-parallel.js';
import { specReadingsOf } from '../../cli/readers/spec-reading.js';
import type { DomainFacts } from '../../cli/model/facts.js';

interface Generated {
  name: string;
  ext: string;
  text: string;
}
const corpus = (await import(pathToFileURL(join(ROOT, 'bench/corpus.mjs')).href)) as {
  guestConfig(index: number, seed: number): Generated;
  hostSnapshot(): string;
};

const GUESTS = 320;
const dir = mkdtempSync(join(tmpdir(), 'xenlint-workers-'));
mkdirSync(join(dir, '.git'));
const files: string[] = [];
for (let i = 0; i < GUESTS; i++) {
  const g = corpus.guestConfig(i, 11);
  const sub = join(dir, `host-${Math.floor(i / 50)}`);
  mkdirSync(sub, { recursive: true });
  const file = join(sub, `${g.name}.${g.ext}`);
  writeFileSync(file, g.text);
  files.push(file);
}
// Something every batch boundary could get wrong: a file that is not a config but is read as one.
mkdirSync(join(dir, 'host-9', 'not-a-file.cfg'), { recursive: true });
files.push(join(dir, 'host-9', 'not-a-file.cfg'));
const host = join(dir, 'host.yaml');
writeFileSync(host, corpus.hostSnapshot());
files.sort();

function lint(bin: string, workers: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', XENLINT_WORKERS: workers };
  delete env['GITHUB_ACTIONS'];
  delete env['FORCE_COLOR'];
  const r = spawnSync(process.execPath, [bin, 'lint', '.', ...args], { cwd: dir, env, encoding: 'utf8', input: '', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  // JUnit and JSON carry the run's durations, which differ from run to run by nature.
  const untimed = (s: string) => s.replace(/ time="[0-9.]+"/g, '').replace(/"durationMs": [0-9.e-]+/g, '');
  return { code: r.status, stdout: untimed(r.stdout), stderr: r.stderr };
}

t.test('the thresholds', async (t) => {
  t.equal(workerCount(10, { XENLINT_WORKERS: '3' }), 3, 'forced');
  t.equal(workerCount(100_000, { XENLINT_WORKERS: '0' }), 0, 'forced off');
  t.equal(workerCount(PARALLEL_THRESHOLD - 1, {}), 0, 'below the threshold: one thread');
});

t.test('in-process: the same guests, problems and spec parses in the same order', async (t) => {
  const readerFor: ReaderFor = (f) => (f.endsWith('.xl') ? 'xl' : undefined);
  const one: DomainFacts[] = [];
  const p1 = forEachDomainFile(files, readerFor, undefined, (d) => one.push(d));
  const saved = process.env['XENLINT_WORKERS'];
  process.env['XENLINT_WORKERS'] = '3';
  const many: DomainFacts[] = [];
  try {
    const p3 = await forEachDomainFileParallel(files, readerFor, undefined, (d) => many.push(d));
    t.same(p3, p1, 'problems');
    t.equal(p1.length, 1, 'the folder named .cfg is a problem');
  } finally {
    if (saved === undefined) delete process.env['XENLINT_WORKERS'];
    else process.env['XENLINT_WORKERS'] = saved;
  }
  t.equal(many.length, GUESTS);
  t.same(many.map((d) => d.file), one.map((d) => d.file), 'file order');
  t.same(JSON.parse(JSON.stringify(many)), JSON.parse(JSON.stringify(one)), 'the guests');
  const parses = (ds: DomainFacts[]) => JSON.parse(JSON.stringify(ds.map((d) => specReadingsOf(d)))) as unknown;
  t.same(parses(many), parses(one), 'the spec parses came across with the guests');
  t.ok(many.some((d) => d.disks.length > 0 && specReadingsOf(d).disks.every((r) => r !== undefined)), 'and are there');
});

const formats: Array<[string, string[]]> = [
  ['stylish', []],
  ['json, --xen 3.0.4', ['--format', 'json', '--xen', '3.0.4']],
  ['sarif, host facts', ['--format', 'sarif', '--facts', host]],
  ['junit, host facts', ['--format', 'junit', '--facts', host]],
  ['github', ['--format', 'github', '--facts', host]],
  ['html', ['--format', 'html', '--facts', host]],
];

for (const [name, args] of formats) {
  t.test(`${name}: one thread and several say the same`, async (t) => {
    const single = lint(BIN, '0', args);
    t.ok(single.stdout.length > 1000, 'a real report');
    t.match(single.code, /^[01]$/, 'lint finished');
    for (const workers of ['1', '3']) {
      const threaded = lint(BIN, workers, args);
      t.equal(threaded.code, single.code, `${workers} worker(s): exit code`);
      t.equal(threaded.stdout, single.stdout, `${workers} worker(s): report`);
      t.equal(threaded.stderr, single.stderr, `${workers} worker(s): stderr`);
    }
  });
}

t.test('the bundle starts its reading threads too', async (t) => {
  const single = lint(BIN, '0', ['--format', 'json', '--facts', host]);
  const bundled = lint(join(ROOT, 'dist/bin/xenlint.cjs'), '2', ['--format', 'json', '--facts', host]);
  t.equal(bundled.stderr, single.stderr);
  t.equal(bundled.code, single.code);
  t.equal(bundled.stdout, single.stdout);
});
