/**
 * lint on worker threads (cli/sources/read-parallel.ts, cli/commands/lint-parallel.ts)
 * says exactly what lint on one thread says: a few hundred generated configs (the benchmark's
 * generator, another seed) with one and with several reading threads, in every
 * report format, from the tsc output and from the bundle, with a refused file,
 * clashing guests, suppressions, a config's options, a baseline and --deploy;
 * and in-process: the run fed the workers' per-guest results is the run fed the
 * guests, a check that throws gets the same status and reason either way, and a
 * plugin keeps every guest on the main thread.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT } from './run.js';
import { forEachDomainFile, type ReaderFor } from '../../cli/sources/read-domains.js';
import { MIN_CORES, workerCount, PARALLEL_THRESHOLD, threadsFor } from '../../cli/sources/read-parallel.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import type { Check, RunReport } from '../../cli/model/contract.js';
import { guestResultOf, RunSession, type EngineOptions } from '../../cli/engine/engine.js';
import { feedGuests } from '../../cli/commands/lint-parallel.js';
import { memoryGuest } from '../../cli/commands/memory-view.js';
import { loadFactsFile } from '../../cli/sources/snapshot.js';
import { builtinChecks } from '../../checks/index.js';
import { tempDir } from '../helpers/temp-dir.js';

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
const dir = tempDir('xenlint-workers-');
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
// What the per-guest results carry across threads beyond findings: a guest xl refuses
// (at its disk, and it must say nothing more about it), two guests that clash (name,
// MAC, uuid: cross-guest findings, one suppressed on its line), a file-wide directive
// and one that matches nothing (unused-suppression), and options from the config.
const extras: Record<string, string> = {
  'refused.cfg': `name = "db01"\nmemory = 2048\nbootloader = "pygrub"\nmaxmem = 1024\nvif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]\ndisk = [ 'phy:/dev/vg0/db01,hda,w,extra' ]\n`,
  'clash-a.cfg': `name = "clash"\nuuid = "6b1c3a0e-1d2f-4e5a-9b8c-7d6e5f4a3b2c"\nmemory = 1024\nbootloader = "pygrub"\nvif = [ 'mac=00:16:3e:aa:bb:cc,bridge=xenbr0' ]\ndisk = [ 'phy:/dev/vg0/clash,xvda,w' ]\nbogus_key = 1\n`,
  'clash-b.cfg': `# xenlint-disable-next-line hvm-smp\nname = "clash"\nuuid = "6b1c3a0e-1d2f-4e5a-9b8c-7d6e5f4a3b2c"\nmemory = 1024\nbootloader = "pygrub"\n# xenlint-disable-next-line vif-spec\nvif = [ 'mac=00:16:3e:aa:bb:cc,bridge=xenbr0' ]\ndisk = [ 'phy:/dev/vg0/clash,xvda,w' ]\n`,
  'file-wide.cfg': `# xenlint-disable unknown-key\nname = "quiet"\nmemory = 512\nbootloader = "pygrub"\nbogus_key = 1\nsite_owner = "ops"\n`,
};
mkdirSync(join(dir, 'host-8'), { recursive: true });
for (const [name, text] of Object.entries(extras)) {
  writeFileSync(join(dir, 'host-8', name), text);
  files.push(join(dir, 'host-8', name));
}
writeFileSync(
  join(dir, '.xenlintrc.yaml'),
  ['checks:', '  unknown-key:', '    options: { extraKeys: ["site_*"] }', '  memory-fit:', '    severity: error', '    options: { overheadPercent: 7 }', '  config-readability: info', 'limits:', '  findingsPerCheckPerFile: 3', ''].join('\n'),
);
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
  t.equal(workerCount(PARALLEL_THRESHOLD - 1, {}, 8), 0, 'below the threshold: one thread');
  t.equal(workerCount(PARALLEL_THRESHOLD, {}, 8), 8, 'at the threshold: one per core');
  t.equal(workerCount(100_000, {}, MIN_CORES - 1), 0, 'too few cores: one thread');
  t.equal(workerCount(100_000, {}, MIN_CORES), MIN_CORES, 'enough cores');
});

t.test('the worker script is looked for only when threads are wanted', async (t) => {
  const missing = join(dir, 'no-such-folder', 'lint-worker.js');
  const present = join(dir, 'lint-worker.js');
  writeFileSync(present, '');
  const saved = process.env['XENLINT_WORKERS'];
  t.teardown(() => {
    if (saved === undefined) delete process.env['XENLINT_WORKERS'];
    else process.env['XENLINT_WORKERS'] = saved;
  });
  delete process.env['XENLINT_WORKERS'];
  t.equal(threadsFor(10, missing), 0, 'below the threshold: one thread, and no word about a script it does not need');
  t.equal(threadsFor(PARALLEL_THRESHOLD, missing), 0, 'no script beside the code (the standalone build): one thread');
  process.env['XENLINT_WORKERS'] = '0';
  t.equal(threadsFor(10, missing), 0, 'forced off');
  process.env['XENLINT_WORKERS'] = '2';
  t.throws(() => threadsFor(10, missing), { message: `XENLINT_WORKERS=2: no ${missing}` }, 'threads forced without the script: said, not a silent fall-back');
  t.equal(threadsFor(10, present), 1, 'forced, with the script: no more threads than batches');
  t.equal(threadsFor(200, present), 2, 'forced, with the script: as many as asked');
});

/** A report without what differs from run to run by nature (how long each check took). */
const untimedReport = (r: RunReport) => JSON.parse(JSON.stringify(r, (k, v: unknown) => (k === 'durationMs' ? undefined : v))) as unknown;

t.test('in-process: per-guest results computed on worker threads feed the run as the guests themselves do', async (t) => {
  const facts = await loadFactsFile(host);
  delete facts.domains;
  const readerFor: ReaderFor = (f) => (f.endsWith('.xl') ? 'xl' : undefined);
  const settings = new Map([['memory-fit', { options: { deploy: ['clash'] } }]]);
  const opts = (): EngineOptions => ({ command: 'lint', xen: { version: facts.host!.version!, source: 'test' }, settings, files });
  const direct = new RunSession(builtinChecks, facts, opts());
  const seenDirect: unknown[] = [];
  const p1 = forEachDomainFile(files, readerFor, undefined, (d) => {
    direct.addGuest(d);
    seenDirect.push([d.name, memoryGuest(d, facts.host!.version)]);
  });
  const threaded = new RunSession(builtinChecks, facts, opts());
  let guestsHere = 0;
  let results = 0;
  const addGuestResult = threaded.addGuestResult.bind(threaded);
  threaded.addGuest = () => void guestsHere++;
  threaded.addGuestResult = (r) => {
    results++;
    addGuestResult(r);
  };
  const seenThreaded: unknown[] = [];
  const saved = process.env['XENLINT_WORKERS'];
  process.env['XENLINT_WORKERS'] = '3';
  try {
    const p3 = await feedGuests(
      { session: threaded, builtins: builtinChecks, host: facts, files, readerFor, limits: undefined, memoryFor: { xen: facts.host!.version }, seen: (name, m) => seenThreaded.push([name, m]) },
      builtinChecks,
    );
    t.same(p3, p1, 'problems');
  } finally {
    if (saved === undefined) delete process.env['XENLINT_WORKERS'];
    else process.env['XENLINT_WORKERS'] = saved;
  }
  t.equal(guestsHere, 0, 'no guest was checked on this thread');
  t.equal(results, GUESTS + Object.keys(extras).length, 'every guest came back as a result');
  t.same(seenThreaded, seenDirect, 'names and memory figures, in file order');
  const a = direct.finish();
  const b = threaded.finish();
  t.same(untimedReport(b), untimedReport(a), 'the same report');
  const outcome = (id: string) => a.checks.find((o) => o.id === id);
  t.ok(outcome('vif-spec')!.findings.some((f) => f.domain === 'clash'), 'with cross-guest findings');
  t.ok(outcome('disk-spec')!.findings.some((f) => f.domain === 'db01'), 'and a refused guest\'s refusal');
  t.ok(outcome('unused-suppression')!.findings.length > 0, 'and unused directives');
});

t.test('in-process: with a check no worker can make (a plugin\'s), every guest is checked on this thread', async (t) => {
  const facts = await loadFactsFile(host);
  delete facts.domains;
  const plugin: Check = { id: 'site-rule', title: 'a site rule', severity: 'info', needs: ['domains'], sources: [], messages: { m: 'm' }, perGuest: () => [] };
  const checks = [...builtinChecks, plugin];
  const session = new RunSession(checks, facts, { command: 'lint', files });
  let here = 0;
  const addGuest = session.addGuest.bind(session);
  session.addGuest = (d) => {
    here++;
    addGuest(d);
  };
  const saved = process.env['XENLINT_WORKERS'];
  process.env['XENLINT_WORKERS'] = '3';
  try {
    await feedGuests({ session, builtins: builtinChecks, host: facts, files, readerFor: () => undefined, limits: undefined, memoryFor: undefined, seen: () => {} }, checks);
  } finally {
    if (saved === undefined) delete process.env['XENLINT_WORKERS'];
    else process.env['XENLINT_WORKERS'] = saved;
  }
  // On the worker path addGuest is never called (see the test above).
  t.equal(here, GUESTS + Object.keys(extras).length, 'every guest was checked here');
});

t.test('a part that throws: the same status and reason, whether the guest was checked here or its result made elsewhere', async (t) => {
  const facts = await loadFactsFile(host);
  delete facts.domains;
  const readerFor: ReaderFor = () => undefined;
  const domains: DomainFacts[] = [];
  forEachDomainFile(files, readerFor, undefined, (d) => domains.push(d));
  const thrower = (id: string, when: (d: DomainFacts) => boolean, error: () => unknown): Check => ({
    id,
    title: `throws (${id})`,
    severity: 'warning',
    needs: ['domains'],
    sources: [],
    messages: { seen: 'seen {{name}}' },
    perGuest: (d) => {
      if (when(d)) throw error();
      return [{ messageId: 'seen', data: { name: d.name }, domain: d.name, ...(d.file !== undefined ? { file: d.file } : {}) }];
    },
    summarize: (d) => d.name,
    across: (names) => (names.length > 0 ? [] : { skip: 'no guests' }),
  });
  const checks = [
    thrower('throws-midway', (d) => d.name === domains[100]!.name, () => new RangeError('no such disk')),
    thrower('throws-on-refused', (d) => d.name === 'db01', () => 'a string, not an Error'),
    thrower('never-throws', () => false, () => undefined),
    ...builtinChecks,
  ];
  const opts = (): EngineOptions => ({ command: 'lint', xen: { version: facts.host!.version!, source: 'test' }, files });
  const direct = new RunSession(checks, facts, opts());
  for (const d of domains) direct.addGuest(d);
  const remote = new RunSession(checks, facts, opts());
  const plan = remote.guestPlan().map(({ id, ctx }) => ({ check: checks.find((c) => c.id === id)!, ctx }));
  const ms = new Float64Array(plan.length);
  // As a worker posts it: structured-cloned.
  for (const d of domains) remote.addGuestResult(structuredClone(guestResultOf(plan, facts, d, ms)));
  remote.addDurations(ms);
  const a = direct.finish();
  t.same(untimedReport(remote.finish()), untimedReport(a), 'the same report');
  const outcome = (id: string) => a.checks.find((o) => o.id === id)!;
  t.same([outcome('throws-midway').status, outcome('throws-midway').reason], ['error', 'the check failed: RangeError: no such disk']);
  t.same([outcome('throws-on-refused').status, outcome('throws-on-refused').reason], ['error', 'the check failed: a string, not an Error']);
  t.equal(outcome('never-throws').status, 'fail', 'the others still run');
});

// A baseline of about half the single-threaded run's findings, so some are accepted and some are not.
const baseline = join(dir, 'baseline.json');
{
  const written = join(dir, 'baseline-all.json');
  lint(BIN, '0', ['--facts', host, '--write-baseline', written]);
  const all = JSON.parse(readFileSync(written, 'utf8')) as { findings: unknown[] };
  writeFileSync(baseline, JSON.stringify({ ...all, findings: all.findings.filter((_, i) => i % 2 === 0) }));
}
const deploy = corpus.guestConfig(7, 11).name;

const formats: Array<[string, string[]]> = [
  ['stylish', []],
  ['json, --xen 3.0.4', ['--format', 'json', '--xen', '3.0.4']],
  ['sarif, host facts', ['--format', 'sarif', '--facts', host]],
  ['junit, host facts', ['--format', 'junit', '--facts', host]],
  ['github', ['--format', 'github', '--facts', host]],
  ['html', ['--format', 'html', '--facts', host]],
  ['json, a baseline, --deploy', ['--format', 'json', '--facts', host, '--baseline', baseline, '--deploy', `${deploy},clash`]],
  ['stylish, --xen 4.19, a baseline', ['--facts', host, '--xen', '4.19', '--baseline', baseline]],
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
