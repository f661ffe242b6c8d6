/**
 * The streaming lint (issue 14) against the path it replaced: the same configs
 * linted with every guest read first and then checked (XENLINT_STREAM=0) and
 * with each guest checked as it is read and then dropped must give the same
 * report, byte for byte, in every format. The configs are the benchmark's own
 * generator (bench/corpus.mjs): xm and xl, PV/HVM/PVH, shared MACs, broken
 * files, suppressions; the host is its Xen 4.1 snapshot, and two more runs
 * judge the same configs as Xen 3.0.4 and 4.19 so the version-bound checks
 * (vif-limit, hvm-disk-limit, vbd-size-limit, hvm-save-migrate, ...) report too.
 * The streamed run is made twice: on one thread, and with the per-guest parts
 * on three worker threads (XENLINT_WORKERS=3), fed back in file order.
 */
import t from 'tap';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromRoot } from '../helpers/paths.js';
import { scratch, xenlint } from '../cli/run.js';

interface Corpus {
  guestConfig(index: number, seed?: number): { name: string; ext: string; text: string };
  hostSnapshot(): string;
}
const corpus = (await import(pathToFileURL(fromRoot('bench', 'corpus.mjs')).href)) as Corpus;

const GUESTS = 200;
const dir = scratch({});
writeFileSync(join(dir, 'host.yaml'), corpus.hostSnapshot());
for (let i = 0; i < GUESTS; i++) {
  const g = corpus.guestConfig(i, 1);
  const sub = join(dir, 'configs', `host-${Math.floor(i / 100)}`);
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(sub, `${g.name}.${g.ext}`), g.text);
}

/** What differs between two runs of one report and is no finding: how long each check took. */
function untimed(text: string): string {
  return text.replace(/"durationMs": [0-9.e+-]+/g, '"durationMs": 0').replace(/ time="[0-9.]+"/g, ' time="0"');
}

/** The first line where two reports part, for the failure message. */
function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  const i = x.findIndex((line, n) => line !== y[n]);
  const at = i < 0 ? Math.min(x.length, y.length) : i;
  return `line ${at + 1}: whole ${JSON.stringify(x[at]?.slice(0, 300))}, streamed ${JSON.stringify(y[at]?.slice(0, 300))}`;
}

/** Both paths, one report each in `format` on stdout and `also` in a file. */
function both(args: string[], format: string, also: string): Array<{ code: number | null; main: string; second: string; stderr: string }> {
  // Streamed on one thread, and on worker threads that run the per-guest parts (cli/commands/lint-parallel.ts).
  const ways: Array<Record<string, string>> = [{ XENLINT_STREAM: '0' }, { XENLINT_STREAM: '1', XENLINT_WORKERS: '0' }, { XENLINT_STREAM: '1', XENLINT_WORKERS: '3' }];
  return ways.map((env, way) => {
    // Named for the run, so a run that did not finish can never be compared with an earlier run's file.
    const file = join(dir, `also-${args.join('_')}-${format}-${also}-${way}.out`);
    const r = xenlint(['lint', 'configs', ...args, '--format', format, '--also-output', `${also}=${file}`], { cwd: dir, env });
    return { code: r.code, main: untimed(r.stdout), second: existsSync(file) ? untimed(readFileSync(file, 'utf8')) : '', stderr: r.stderr };
  });
}

const runs: Array<{ name: string; args: string[]; format: string; also: string }> = [
  { name: 'Xen 4.1 host', args: ['--facts', 'host.yaml'], format: 'stylish', also: 'json' },
  { name: 'Xen 4.1 host', args: ['--facts', 'host.yaml'], format: 'sarif', also: 'junit' },
  { name: 'Xen 4.1 host', args: ['--facts', 'host.yaml'], format: 'github', also: 'html' },
  { name: 'Xen 3.0.4', args: ['--xen', '3.0.4'], format: 'json', also: 'sarif' },
  { name: 'Xen 4.19 host', args: ['--facts', 'host.yaml', '--xen', '4.19'], format: 'json', also: 'stylish' },
];

for (const run of runs) {
  t.test(`${run.name}: ${run.format} and ${run.also}, whole facts and streaming`, async (t) => {
    const [whole, ...others] = both(run.args, run.format, run.also);
    t.ok(whole!.code === 0 || whole!.code === 1 || whole!.code === 2, `the whole-facts run finished (exit ${whole!.code}): ${whole!.stderr.slice(0, 300)}`);
    t.ok(whole!.main.length > 1000, `a real report to compare (${whole!.main.length} bytes of ${run.format})`);
    for (const [streamed, how] of others.map((o, i) => [o!, i === 0 ? 'streamed' : 'on 3 worker threads'] as const)) {
      t.equal(streamed.code, whole!.code, `${how}: the same exit code`);
      t.equal(streamed.stderr, whole!.stderr, `${how}: the same messages on stderr`);
      t.ok(streamed.main === whole!.main, `${how}: ${run.format}: byte-identical`, { diff: firstDifference(whole!.main, streamed.main) });
      t.ok(streamed.second === whole!.second, `${how}: ${run.also}: byte-identical`, { diff: firstDifference(whole!.second, streamed.second) });
    }
  });
}

t.test('the comparison has findings of cross-guest, per-guest and host parts to compare', async (t) => {
  const r = xenlint(['lint', 'configs', '--facts', 'host.yaml', '--format', 'json'], { cwd: dir });
  const report = JSON.parse(r.stdout) as { checks: Array<{ id: string; findings: unknown[] }> };
  const found = (id: string) => report.checks.find((o) => o.id === id)?.findings.length ?? 0;
  t.ok(found('vif-spec') > 0, 'vif-spec (duplicate MACs across guests)');
  t.ok(found('memory-fit') > 0, 'memory-fit (a cross-guest sum and each guest against free memory)');
  t.ok(found('config-readability') > 0, 'config-readability (per guest)');
  t.ok(found('unused-suppression') + found('unknown-key') > 0, 'per-guest findings and suppressions');
});
