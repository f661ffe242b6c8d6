/**
 * `lint --cache` (cli/commands/lint-cache.ts): the report is the one a run
 * without --cache makes, byte for byte, in every format — with a cold cache, a
 * warm one, after a file is edited, deleted or added, on one thread and on
 * worker threads; a hit is really served from the cache; the key empties it
 * when a setting changes; a damaged, foreign, oversized or hostile cache is a
 * miss with a note, never a crash; a refused run or a plugin writes nothing.
 */
import t, { type Test } from 'tap';
import fc from 'fast-check';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inProcess, ROOT, scratch } from './run.js';
import { tempDir } from '../helpers/temp-dir.js';
import { FORMATS } from '../../cli/report/index.js';
import { LintCache, parseCache, plainJson, rangesOf, textPieces } from '../../cli/commands/lint-cache.js';
import { RunSession } from '../../cli/engine/engine.js';
import { builtinChecks } from '../../checks/index.js';

const corpus = (await import(pathToFileURL(join(ROOT, 'bench/corpus.mjs')).href)) as {
  guestConfig(index: number, seed: number): { name: string; ext: string; text: string };
  hostSnapshot(): string;
};

const GUESTS = 90;
const files: Record<string, string> = {
  '.xenlintrc.yaml': ['checks:', '  unknown-key:', '    options: { extraKeys: ["site_*"] }', '  config-readability: info', 'limits:', '  findingsPerCheckPerFile: 3', ''].join('\n'),
  'host.yaml': corpus.hostSnapshot(),
  // A refused guest, two that clash (cross-guest findings, one suppressed), a file-wide directive.
  'g/refused.cfg': `name = "db01"\nmemory = 2048\nbootloader = "pygrub"\nmaxmem = 1024\nvif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]\ndisk = [ 'phy:/dev/vg0/db01,hda,w,extra' ]\n`,
  'g/clash-a.cfg': `name = "clash"\nmemory = 1024\nbootloader = "pygrub"\nvif = [ 'mac=00:16:3e:aa:bb:cc,bridge=xenbr0' ]\nbogus_key = 1\n`,
  'g/clash-b.cfg': `name = "clash"\nmemory = 1024\nbootloader = "pygrub"\n# xenlint-disable-next-line vif-spec\nvif = [ 'mac=00:16:3e:aa:bb:cc,bridge=xenbr0' ]\n`,
  'g/file-wide.cfg': `# xenlint-disable unknown-key\nname = "quiet"\nmemory = 512\nbootloader = "pygrub"\nbogus_key = 1\nsite_owner = "ops"\n`,
};
for (let i = 0; i < GUESTS; i++) {
  const g = corpus.guestConfig(i, 23);
  files[`g/h${i % 4}/${g.name}.${g.ext}`] = g.text;
}
const dir = scratch(files);
mkdirSync(join(dir, 'c'));
const CACHE = join(dir, 'c', '.xenlintcache');

/** JUnit and JSON carry the run's durations, which differ from run to run by nature. */
const untimed = (s: string) => s.replace(/ time="[0-9.]+"/g, '').replace(/"durationMs": [0-9.e-]+/g, '');

const base = ['lint', 'g', '--facts', 'host.yaml', '--deploy', 'clash'];
async function lint(extra: string[], env: Record<string, string> = {}) {
  const r = await inProcess([...base, ...extra], { cwd: dir, env: { XENLINT_WORKERS: '0', ...env } });
  return { ...r, stdout: untimed(r.stdout) };
}

/** For each format: the run without a cache, and the run with the cache as `prime` leaves it; both the same. */
async function sameInEveryFormat(t: Test, state: string, prime: Buffer | undefined, env: Record<string, string> = {}, strategy = 'metadata') {
  for (const format of FORMATS) {
    const plain = await lint(['--format', format], env);
    if (prime) writeFileSync(CACHE, prime);
    else rmSync(CACHE, { force: true });
    const cached = await lint(['--format', format, '--cache', '--cache-location', 'c', '--cache-strategy', strategy], env);
    t.equal(cached.code, plain.code, `${state}, ${format}: exit code`);
    t.equal(cached.stdout, plain.stdout, `${state}, ${format}: the same report`);
    t.equal(cached.stderr, plain.stderr, `${state}, ${format}: nothing more on stderr`);
  }
  t.ok(existsSync(CACHE), `${state}: the cache was written`);
}

const lines = () => readFileSync(CACHE, 'utf8').split('\n').filter((l) => l.includes('\t'));

/** The cache file's sections (format 3): header, entries, index lines, values, kept report. */
function sectionsOf(text: string) {
  const nl = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, nl)) as Record<string, unknown>;
  const [e, i, v] = String(header['sections']).split(' ').map(Number) as [number, number, number, number];
  const bytes = Buffer.from(text.slice(nl + 1), 'utf8');
  const index = bytes.subarray(e, e + i).toString('utf8').split('\n').filter(Boolean);
  const values = bytes.subarray(e + i, e + i + v).toString('utf8');
  const kept = bytes.subarray(e + i + v).toString('utf8');
  const entries: string[] = [];
  let at = 0;
  for (const line of index) {
    const n = Number(line.split('\t')[1]);
    entries.push(bytes.subarray(at, at + n).toString('utf8'));
    at += n;
  }
  return { header, index, entries, values, kept };
}

/** A cache file of format 3 from its parts (what LintCache.save writes). */
function cacheText(header: Record<string, unknown>, rows: Array<{ index: string; entry: string }>, kept: string, values = ''): string {
  const entries = rows.map((r) => r.entry).join('');
  const index = rows.map((r) => `${r.index.split('\t').map((c, n) => (n === 1 ? String(Buffer.byteLength(r.entry)) : c)).join('\t')}\n`).join('');
  const pad = (n: number) => String(n).padStart(15, '0');
  const sections = `${pad(Buffer.byteLength(entries))} ${pad(Buffer.byteLength(index))} ${pad(Buffer.byteLength(values))} ${pad(Buffer.byteLength(kept))}`;
  return `${JSON.stringify({ ...header, sections })}\n${entries}${index}${values}${kept}`;
}

/** The cache with one file's entry rewritten by `edit`. */
/** The entry with the guest's domain renamed "doctored", in its findings as objects and as the spill's lines (JSON in a JSON string). */
const toDoctored = (e: string): string => e.replaceAll('"domain":"clash"', '"domain":"doctored"').replaceAll('\\"domain\\":\\"clash\\"', '\\"domain\\":\\"doctored\\"');

function doctorEntry(name: string, edit: (entry: string) => string): void {
  const { header, index, entries, values, kept } = sectionsOf(readFileSync(CACHE, 'utf8'));
  writeFileSync(CACHE, cacheText(header, index.map((line, n) => ({ index: line, entry: line.startsWith(JSON.stringify(name)) ? edit(entries[n]!) : entries[n]! })), kept, values));
}

t.test('the report is the same byte for byte: cold, warm, a file edited, deleted, added', async (t) => {
  for (const strategy of ['metadata', 'content']) {
    rmSync(CACHE, { force: true });
    await sameInEveryFormat(t, `${strategy} cold`, undefined, {}, strategy);
    const warm = readFileSync(CACHE);
    t.equal(lines().length, GUESTS + 4, 'one entry per guest');
    await sameInEveryFormat(t, `${strategy} warm`, warm, {}, strategy);
    writeFileSync(join(dir, 'g/clash-b.cfg'), files['g/clash-b.cfg']!.replace('memory = 1024', 'memory = 4096\nbogus_two = 2'));
    await sameInEveryFormat(t, `${strategy} one file edited`, warm, {}, strategy);
    rmSync(join(dir, 'g/clash-a.cfg'));
    await sameInEveryFormat(t, `${strategy} one file deleted`, warm, {}, strategy);
    t.notOk(lines().some((l) => l.startsWith('"g/clash-a.cfg"')), 'the deleted file\'s entry is dropped');
    writeFileSync(join(dir, 'g/added.cfg'), 'name = "clash"\nmemory = 256\nbootloader = "pygrub"\n');
    await sameInEveryFormat(t, `${strategy} one file added`, warm, {}, strategy);
    t.ok(lines().some((l) => l.startsWith('"g/added.cfg"')), 'the added file has its entry');
    // Worker threads read and check what missed.
    await sameInEveryFormat(t, `${strategy} on worker threads, warm with changes`, warm, { XENLINT_WORKERS: '2' }, strategy);
    writeFileSync(join(dir, 'g/clash-a.cfg'), files['g/clash-a.cfg']!);
    writeFileSync(join(dir, 'g/clash-b.cfg'), files['g/clash-b.cfg']!);
    rmSync(join(dir, 'g/added.cfg'));
  }
});

t.test('a hit is served from the cache: the file is not read again', async (t) => {
  rmSync(CACHE, { force: true });
  const args = ['--format', 'json', '--cache', '--cache-location', 'c'];
  const cold = await lint(args);
  // A doctored entry shows in the report: the file's own text was not looked at.
  doctorEntry('g/clash-a.cfg', (e) => toDoctored(e));
  const warm = await lint(args);
  t.not(warm.stdout, cold.stdout);
  t.match(warm.stdout, /doctored/, 'the cached result was used');
  // metadata: the same size and mtime is the same file; content: the bytes decide.
  rmSync(CACHE, { force: true });
  const file = join(dir, 'g/clash-a.cfg');
  // A whole second, so that setting it again gives the very same mtimeMs.
  const when = new Date('2026-01-02T03:04:05Z');
  utimesSync(file, when, when);
  await lint(args);
  const before = readFileSync(file, 'utf8');
  const edited = before.replace('bogus_key', 'bogus_kez');
  t.equal(edited.length, before.length, 'an edit of the same size');
  writeFileSync(file, edited);
  utimesSync(file, when, when);
  const stale = await lint(args);
  t.equal(stale.stdout, cold.stdout, 'metadata: the same size, mtime and inode is taken as unchanged (as ESLint does)');
  const byContent = await lint([...args, '--cache-strategy', 'content']);
  t.notMatch(stale.stdout, /bogus_kez/);
  t.match(byContent.stdout, /bogus_kez/, 'content: the changed bytes are checked again');
  writeFileSync(file, before);
});

t.test('the key: a changed setting, Xen version or host empties the cache', async (t) => {
  rmSync(CACHE, { force: true });
  const args = ['--format', 'json', '--cache', '--cache-location', 'c'];
  await lint(args);
  doctorEntry('g/clash-a.cfg', (e) => toDoctored(e));
  t.match((await lint(args)).stdout, /doctored/, 'the doctored entry is served while the key holds');
  doctorEntry('g/clash-a.cfg', (e) => toDoctored(e));
  for (const [what, extra] of [
    ['--xen', ['--xen', '4.4']],
    ['--dialect', ['--dialect', 'xl']],
    ['--deploy', ['--deploy', 'db01']],
  ] as const) {
    const saved = readFileSync(CACHE);
    const r = await lint([...args, ...extra]);
    t.notMatch(r.stdout, /doctored/, `${what}: another key, every file checked again`);
    t.match(r.stderr, /--cache: .*made with other settings/, `${what}: said once`);
    writeFileSync(CACHE, saved);
  }
  const cfg = join(dir, '.xenlintrc.yaml');
  const config = readFileSync(cfg, 'utf8');
  writeFileSync(cfg, config.replace('config-readability: info', 'config-readability: warning'));
  t.match((await lint(args)).stdout, /doctored/, 'a severity is applied after the per-guest parts: the same key');
  writeFileSync(cfg, config.replace('"site_*"', '"site_*", "bogus_*"'));
  const r = await lint(args);
  t.notMatch(r.stdout, /doctored/, "a check's option in the config: another key");
  writeFileSync(cfg, config);
});

t.test('a damaged, foreign or oversized cache is a miss with one note, and the same report', async (t) => {
  rmSync(CACHE, { force: true });
  const args = ['--format', 'json', '--cache', '--cache-location', 'c/.xenlintcache'];
  const want = await lint(['--format', 'json']);
  await lint(args);
  const good = readFileSync(CACHE);
  const cases: Array<[string, () => void, RegExp | undefined]> = [
    ['truncated', () => writeFileSync(CACHE, good.subarray(0, Math.floor(good.length / 2))), undefined],
    ['truncated in the header', () => writeFileSync(CACHE, good.subarray(0, 20)), /not a xenlint cache/],
    ['empty', () => writeFileSync(CACHE, ''), /not a xenlint cache/],
    ['random bytes', () => writeFileSync(CACHE, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))), /not a xenlint cache/],
    ['another format (2, before settled findings)', () => writeFileSync(CACHE, good.toString('utf8').replace('"xenlintCache":4', '"xenlintCache":2')), /not a xenlint cache of this format/],
    ['format 3 (findings before they were kept as the spill\'s lines)', () => writeFileSync(CACHE, good.toString('utf8').replace('"xenlintCache":4', '"xenlintCache":3')), /not a xenlint cache of this format/],
    ['format 1 (before the index)', () => writeFileSync(CACHE, `{"xenlintCache":1,"key":"x"}\n"g/clash-a.cfg"\t{}\n`), /not a xenlint cache of this format/],
    ['sections that do not add up', () => writeFileSync(CACHE, good.toString('utf8').replace(/"sections":"(\d+)/, (_, n: string) => `"sections":"${String(Number(n) + 1).padStart(15, '0')}`)), /truncated or damaged/],
    ['a JSON array', () => writeFileSync(CACHE, '[1,2,3]'), /not a xenlint cache/],
    [
      'its values section damaged',
      () => {
        const { header, index, entries, values, kept } = sectionsOf(good.toString('utf8'));
        writeFileSync(CACHE, cacheText(header, index.map((line, n) => ({ index: line, entry: entries[n]! })), kept, `${values.slice(0, -3)}\n`));
      },
      /shared values are damaged; linting every file again/,
    ],
  ];
  for (const [what, damage, note] of cases) {
    damage();
    const r = await lint(args);
    t.equal(r.stdout, want.stdout, `${what}: the same report`);
    t.equal(r.code, want.code, `${what}: the same exit code`);
    const notes = r.stderr.split('\n').filter((l) => l.includes('--cache') && !l.includes('not written'));
    if (note) {
      t.equal(notes.length, 1, `${what}: one note`);
      t.match(notes[0], note, what);
    }
    t.notMatch(r.stderr, /internal error|at .*\.js:\d+/, `${what}: no crash`);
  }
  const nowhere = await lint(['--format', 'json', '--cache', '--cache-location', 'no/such/dir/cache']);
  t.equal(nowhere.stdout, want.stdout, 'a cache that cannot be written: the same report');
  t.equal(nowhere.code, want.code, 'and exit code');
  t.match(nowhere.stderr, /--cache: .*no\/such\/dir\/cache: not written: /, 'said in one line');
  // Oversized: `limits.cacheBytes`.
  await lint(args);
  const cfg = join(dir, '.xenlintrc.yaml');
  const config = readFileSync(cfg, 'utf8');
  writeFileSync(cfg, `${config}  cacheBytes: 1000\n`);
  const small = await lint(args);
  t.match(small.stderr, /the lint cache is larger than the limit of 1000 bytes; `limits: \{ cacheBytes: N \}`/);
  t.equal(small.stdout, (await lint(['--format', 'json'])).stdout, 'over its limit: the same report');
  writeFileSync(cfg, config);
});

t.test('the entries a run makes wait in a temporary file that leaves nothing behind', async (t) => {
  // A TMPDIR of the test's own: another test process writing to the shared one (a second suite run at once) is not this run's leftover.
  const own = tempDir('xenlint-cache-tmp-');
  const env = { TMPDIR: own };
  const ours = () => readdirSync(own).sort();
  const before = ours();
  rmSync(CACHE, { force: true });
  const cold = await lint(['--format', 'json', '--cache', '--cache-location', 'c'], env);
  t.ok(existsSync(CACHE), 'the cache was written');
  t.same(ours(), before, 'no temporary file or folder is left in the temporary directory');
  const refused = await lint(['--format', 'json', '--cache', '--cache-location', 'c', '--deploy', 'nosuchguest'], env);
  t.equal(refused.code, 2);
  t.same(ours(), before, 'nor after a refused run');
  t.equal((await lint(['--format', 'json', '--cache', '--cache-location', 'c'], env)).stdout, cold.stdout, 'and the next run reads what was written');
});

t.test('a refused run writes no cache; a plugin turns it off with a note', async (t) => {
  rmSync(CACHE, { force: true });
  const refused = await lint(['--cache', '--cache-location', 'c', '--deploy', 'nosuchguest']);
  t.equal(refused.code, 2);
  t.notOk(existsSync(CACHE), 'exit 2 before a report: nothing written');
  writeFileSync(join(dir, 'site.mjs'), `export default [{ id: 'site-x', title: 'x', severity: 'info', needs: ['domains'], sources: [], messages: { m: 'm' }, run: () => [] }];\n`);
  writeFileSync(join(dir, 'plugin.yaml'), 'plugins: [./site.mjs]\nallowPlugins: true\n');
  const r = await lint(['--cache', '--cache-location', 'c', '--config', 'plugin.yaml']);
  t.equal(r.stderr.match(/--cache is not used with plugins: site-x/g)?.length, 1, 'said once');
  t.notOk(existsSync(CACHE), 'and no cache written');
});

t.test('the loader: random text or JSON is a miss, never a throw', async (t) => {
  const key = 'k'.repeat(64);
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.json().map((j) => cacheText({ xenlintCache: 4, key }, [{ index: '"f.cfg"\t0\t1\t2\t3\t', entry: `${j}\n` }], '')),
        fc.tuple(fc.json(), fc.string(), fc.string()).map(([j, index, kept]) => cacheText({ xenlintCache: 4, key }, [{ index, entry: j }], kept)),
        fc.tuple(fc.json(), fc.oneof(fc.json(), fc.string()), fc.string()).map(([j, values, kept]) => cacheText({ xenlintCache: 4, key }, [{ index: '"f.cfg"\t0\t1\t2\t3\t', entry: `${j}\n` }], kept, `${values}\n`)),
        fc.tuple(fc.string(), fc.string()).map(([sections, rest]) => `${JSON.stringify({ xenlintCache: 4, key, sections })}\n${rest}`),
      ),
      (text) => {
        const r = parseCache(rangesOf(Buffer.from(text, 'utf8')), key);
        return 'note' in r || (r.slots() instanceof Map && r.entries(0, 64) instanceof Buffer);
      },
    ),
    { numRuns: 500 },
  );
  // An entry of any shape, with the signature of a real file: a hit only when it has the shape
  // `store` writes, and then the run takes it without throwing.
  const file = join(dir, 'g/clash-a.cfg');
  const st = statSync(file);
  const sig = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  const cacheFile = join(dir, 'c', 'fuzz');
  const host = { probes: [], source: 'test' } as never;
  const plan = new RunSession(builtinChecks, host, { command: 'lint' }).guestPlan();
  const valid = { name: 'clash', file, suppressions: [], refused: false, parts: plan.map(() => null) };
  const anyResult = fc.oneof(
    fc.jsonValue(),
    fc.record({ name: fc.oneof(fc.string(), fc.jsonValue()), file: fc.constantFrom(file, 'other.cfg'), suppressions: fc.oneof(fc.constant([]), fc.jsonValue()), refused: fc.oneof(fc.boolean(), fc.jsonValue()), parts: fc.oneof(fc.constant(valid.parts), fc.array(fc.oneof(fc.constant(null), fc.jsonValue()), { minLength: plan.length, maxLength: plan.length })) }),
  );
  const noneSettled = plan.map(() => null);
  const take = (result: unknown, memory: unknown, settled: unknown = noneSettled, values = ''): boolean => {
    const entry = { result, settled, ...(memory !== null ? { memory } : {}) };
    writeFileSync(cacheFile, cacheText({ xenlintCache: 4, key }, [{ index: `${JSON.stringify(file)}\t0\t${sig.size}\t${sig.mtimeMs}\t${sig.ino}\t`, entry: `${JSON.stringify(entry)}\n` }], '', values));
    const cache = LintCache.open(cacheFile, 'metadata', key, undefined, plan.map((p) => p.id), () => undefined);
    const hit = cache.lookup(file);
    cache.close();
    if (hit) {
      const session = new RunSession(builtinChecks, host, { command: 'lint' });
      session.addGuestResult(hit.guest, hit.settled);
      session.finish();
    }
    return hit !== undefined;
  };
  const reported = { check: plan[0]!.id, severity: 'warning', message: 'm', fingerprint: 'f'.repeat(24), file, line: 1 };
  const reportedArb = () => ({ check: fc.constant(reported.check), severity: fc.constant('warning'), message: fc.string(), fingerprint: fc.constant(reported.fingerprint), file: fc.constant(file), line: fc.nat() });
  const examined = { ...valid, parts: valid.parts.map((p, i) => (i === 0 ? { findings: [] } : p)) };
  const settledAt0 = (s: unknown) => noneSettled.map((n, i) => (i === 0 ? s : n));
  const anyReported = fc.oneof(fc.jsonValue(), fc.record({ check: fc.constantFrom(plan[0]!.id, 'other'), severity: fc.oneof(fc.constantFrom('error', 'info'), fc.jsonValue()), message: fc.oneof(fc.string(), fc.jsonValue()), fingerprint: fc.string(), line: fc.oneof(fc.nat(), fc.jsonValue()) }));
  // A finding kept as the spill's line (severity letter, + or -, the JSON text), well made or not.
  const anyLine = fc.oneof(
    fc.string(),
    fc.tuple(fc.constantFrom('e', 'w', 'i', 'x', ''), fc.constantFrom('+', '-', '*', ''), fc.oneof(anyReported.map((f) => JSON.stringify(f)), fc.string(), fc.record(reportedArb()).map((f) => JSON.stringify(f)))).map(([a, b, c]) => a + b + c),
  );
  const anySettled = fc.oneof(
    fc.constant(noneSettled),
    fc.jsonValue(),
    fc.record({ shown: fc.oneof(fc.array(fc.oneof(anyReported, anyLine), { maxLength: 3 }), fc.jsonValue()), suppressedBy: fc.oneof(fc.array(fc.integer({ min: -1, max: 2 }), { maxLength: 3 }), fc.jsonValue()) }).map(settledAt0),
  );
  // Values an entry names by index: parts, a finding's evidence and remediation, or anything.
  const anyValues = fc.oneof(
    fc.constant(''),
    fc.array(fc.oneof(fc.constant({ findings: [] }), fc.constant({ key: 'x' }), fc.jsonValue()), { maxLength: 4 }).map((v) => `${JSON.stringify(v)}\n`),
    fc.string(),
  );
  const byIndex = fc.array(fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 4 })), { minLength: plan.length, maxLength: plan.length }).map((parts) => ({ ...valid, parts }));
  const indexed = fc.record({ shown: fc.array(fc.record({ ...reportedArb(), evidence: fc.integer({ min: -1, max: 4 }), remediation: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.string()) }), { maxLength: 2 }), suppressedBy: fc.constant([]) }).map(settledAt0);
  fc.assert(
    fc.property(fc.oneof(anyResult, fc.constant(examined), byIndex), fc.option(fc.jsonValue()), fc.oneof(anySettled, indexed), anyValues, (result, memory, settled, values) => {
      take(result, memory, settled, values);
      return true;
    }),
    { numRuns: 400 },
  );
  const shells = `${JSON.stringify([{ findings: [] }, { key: 'x' }, 'Remove it.'])}\n`;
  const partBy = (n: unknown) => ({ ...valid, parts: valid.parts.map((p, i) => (i === 0 ? n : p)) });
  t.ok(take(partBy(0), null, noneSettled, shells), 'a part named by its index in the values is taken');
  t.ok(take(partBy(0), null, settledAt0({ shown: [{ ...reported, evidence: 1, remediation: 2 }], suppressedBy: [] }), shells), "a finding's evidence and remediation by index");
  t.notOk(take(partBy(3), null, noneSettled, shells), 'an index past the values: a miss');
  t.notOk(take(partBy(0), null, settledAt0({ shown: [{ ...reported, evidence: 2 }], suppressedBy: [] }), shells), 'evidence that names a string: a miss');
  t.notOk(take(partBy(0), null, noneSettled, '{"not":"a list"}\n'), 'a values section that is not a list: a miss');
  t.ok(take(examined, null, settledAt0({ shown: [reported], suppressedBy: [] })), 'a settled finding of the check that examined the guest is taken');
  const line = JSON.stringify(reported);
  t.ok(take(examined, null, settledAt0({ shown: [`w+${line}`, reported], suppressedBy: [] })), "a settled finding kept as the spill's line is taken");
  const noFile = (({ file: _, ...rest }) => rest)(reported);
  t.ok(take(examined, null, settledAt0({ shown: [`w-${JSON.stringify(noFile)}`], suppressedBy: [] })), "one of no file, as the spill's line");
  for (const [what, text] of [
    ['another severity than its letter', `e+${line}`],
    ['a letter that is no severity', `x+${line}`],
    ['no file where it has one', `w-${line}`],
    ['its file where it has none', `w+${JSON.stringify(noFile)}`],
    ['text that is not JSON', `w+${line.slice(0, -1)}`],
    ['another check', `w+${JSON.stringify({ ...reported, check: 'other' })}`],
    ['no fingerprint', `w+${JSON.stringify({ ...reported, fingerprint: undefined })}`],
    ['another file', `w+${JSON.stringify({ ...reported, file: 'other.cfg' })}`],
    ['a bare line', line],
  ]) t.notOk(take(examined, null, settledAt0({ shown: [text], suppressedBy: [] })), `a spill line with ${what}: a miss`);
  t.notOk(take(examined, null, settledAt0({ shown: [{ ...reported, check: 'other' }], suppressedBy: [] })), "a settled finding of another check: a miss");
  t.notOk(take(valid, null, settledAt0({ shown: [reported], suppressedBy: [] })), 'settled findings of a check that did not examine the guest: a miss');
  t.notOk(take(examined, null, settledAt0({ shown: [], suppressedBy: [0] })), 'hidden by a directive the guest does not have: a miss');
  t.notOk(take({ ...valid, parts: valid.parts.map((p, i) => (i === 0 ? { findings: [{ message: 'raw' }] } : p)) }, null), 'raw findings in a part (format 2): a miss');
  t.ok(take(valid, null), 'an entry of the shape store writes is taken');
  t.ok(take(valid, { name: 'clash', mib: 1024 }), 'with its memory figures');
  t.notOk(take({ ...valid, parts: valid.parts.slice(1) }, null), 'parts for another plan of checks: a miss');
  t.notOk(take({ ...valid, file: 'other.cfg' }, null), "another file's entry: a miss");
});

t.test('a kept report is read back in pieces that each decode on their own, and join to its bytes', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.constant('\n'), fc.constant('✖ ')), { maxLength: 40 }), fc.integer({ min: 4, max: 64 }), fc.nat(8), (parts, window, skip) => {
      const bytes = Buffer.concat([Buffer.alloc(skip, 0x20), Buffer.from(parts.join(''), 'utf8')]);
      const pieces = [...textPieces(rangesOf(bytes), skip, bytes.length, window)];
      const whole = Buffer.concat(pieces).equals(bytes.subarray(skip));
      const decodable = pieces.every((p) => Buffer.from(p.toString('utf8'), 'utf8').equals(p));
      return whole && decodable && pieces.every((p) => p.length > 0 && p.length <= window);
    }),
    { numRuns: 500 },
  );
});

t.test('plainJson: only what JSON gives back unchanged is cached', async (t) => {
  t.ok(plainJson({ a: [1, 'x', true, null, { b: 2.5 }] }));
  for (const v of [{ a: undefined }, [1, , 3], new Map(), { a: new Set() }, NaN, Infinity, -0, { a: () => 1 }]) t.notOk(plainJson(v), String(v));
});

t.test('a warm run where nothing changed leaves the cache file as it is; a change rewrites it', async (t) => {
  rmSync(CACHE, { force: true });
  const args = ['--format', 'json', '--cache', '--cache-location', 'c'];
  await lint(args);
  const first = statSync(CACHE);
  const text = readFileSync(CACHE, 'utf8');
  await lint(args);
  t.equal(statSync(CACHE).ino, first.ino, 'not written again (a rewrite renames a new file into place)');
  const file = join(dir, 'g/file-wide.cfg');
  writeFileSync(file, `${files['g/file-wide.cfg']}# edited\n`);
  await lint(args);
  t.not(statSync(CACHE).ino, first.ino, 'an edited file: written');
  t.not(readFileSync(CACHE, 'utf8'), text);
  writeFileSync(file, files['g/file-wide.cfg']!);
});

t.test('a run whose every input is the last run\'s writes the kept report again; any change runs the checks', async (t) => {
  rmSync(CACHE, { force: true });
  const args = ['--cache', '--cache-location', 'c'];
  const plain = await lint([]);
  const cold = await lint(args);
  t.equal(cold.stdout, plain.stdout, 'cold: the same report');
  t.match(plain.stdout, /Checks: /);
  // The kept report, doctored: what a run writes shows whether it was replayed.
  const { header, index, entries, values, kept } = sectionsOf(readFileSync(CACHE, 'utf8'));
  const nl = kept.indexOf('\n');
  const stored = JSON.parse(kept.slice(0, nl)) as { textBytes: number };
  t.equal(kept.slice(nl + 1), plain.stdout, 'the kept report is the report written, as written');
  const text = kept.slice(nl + 1).replace('Checks: ', 'REPLAYED: ');
  const doctored = cacheText(header, index.map((line, n) => ({ index: line, entry: entries[n]! })), `${JSON.stringify({ ...stored, textBytes: Buffer.byteLength(text) })}\n${text}`, values);
  writeFileSync(CACHE, doctored);
  const ino = statSync(CACHE).ino;
  const warm = await lint(args);
  t.match(warm.stdout, /REPLAYED: /, 'nothing changed: the kept report is written again');
  t.equal(warm.stdout.replace('REPLAYED: ', 'Checks: '), plain.stdout, 'byte for byte');
  t.equal(warm.code, plain.code, 'the same exit code');
  t.equal(warm.stderr, plain.stderr, 'the same stderr');
  t.equal(statSync(CACHE).ino, ino, 'and the cache file is left as it is');
  const limited = await lint([...args, '--max-warnings', '0']);
  const limitedPlain = await lint(['--max-warnings', '0']);
  t.match(limited.stdout, /REPLAYED: /, '--max-warnings is applied to the kept report');
  t.equal(limited.code, limitedPlain.code, '--max-warnings: the same exit code');
  t.equal(limited.stderr, limitedPlain.stderr, '--max-warnings: the same line on stderr');
  const out = join(dir, 'c', 'report.txt');
  await lint([...args, '--output', out]);
  t.match(readFileSync(out, 'utf8'), /REPLAYED: /, '--output: the kept report, to the file');
  await lint(['--output', out]);
  const plainFile = readFileSync(out, 'utf8');
  await lint([...args, '--output', out]);
  t.equal(readFileSync(out, 'utf8').replace('REPLAYED: ', 'Checks: '), plainFile, '--output: the same file');
  rmSync(out);
  writeFileSync(join(dir, 'c', 'baseline.json'), '{"baselineVersion":1,"tool":"xenlint","findings":[]}\n');
  const cfg = join(dir, '.xenlintrc.yaml');
  const config = readFileSync(cfg, 'utf8');
  const file = join(dir, 'g/file-wide.cfg');
  const st = statSync(file);
  const changes: Array<[string, string[], () => void, () => void]> = [
    ['another format (2, before settled findings)', ['--format', 'github'], () => undefined, () => undefined],
    ['--quiet', ['--quiet'], () => undefined, () => undefined],
    ['--verbose', ['--verbose'], () => undefined, () => undefined],
    ['--color', ['--color'], () => undefined, () => undefined],
    ['--fail-on', ['--fail-on', 'info'], () => undefined, () => undefined],
    ['--baseline', ['--baseline', 'c/baseline.json'], () => undefined, () => undefined],
    // (--fail-on error, the default, ends --deploy's list of names)
    ['a path that does not exist', ['--fail-on', 'error', 'g/nosuch.cfg'], () => undefined, () => undefined],
    ['a severity in the config', [], () => writeFileSync(cfg, config.replace('config-readability: info', 'config-readability: warning')), () => writeFileSync(cfg, config)],
    ['a file touched', [], () => utimesSync(file, new Date(), new Date(st.mtimeMs + 5000)), () => utimesSync(file, st.atime, st.mtime)],
    ['a file added', [], () => writeFileSync(join(dir, 'g/new.cfg'), 'name = "new"\nmemory = 256\nbootloader = "pygrub"\n'), () => rmSync(join(dir, 'g/new.cfg'))],
  ];
  for (const [what, extra, change, undo] of changes) {
    writeFileSync(CACHE, doctored);
    change();
    const want = await lint(extra);
    const r = await lint([...args, ...extra]);
    undo();
    t.notMatch(r.stdout, /REPLAYED/, `${what}: the checks run`);
    t.equal(r.stdout, want.stdout, `${what}: the run's own report`);
    t.equal(r.code, want.code, `${what}: its exit code`);
    t.equal(r.stderr, want.stderr, `${what}: its stderr`);
  }
  // JSON and JUnit carry the run's durations: never replayed.
  writeFileSync(CACHE, doctored);
  await lint([...args, '--format', 'json']);
  t.notMatch(readFileSync(CACHE, 'utf8'), /"durationMs"/, 'a JSON report is not kept');
});

t.test('a snapshot\'s age is in the report: a kept report written at another age is not replayed', async (t) => {
  rmSync(CACHE, { force: true });
  const snapshot = JSON.parse(files['host.yaml']!.replace(/^#.*\n/, '')) as Record<string, unknown>;
  writeFileSync(join(dir, 'c', 'dated.yaml'), JSON.stringify({ ...snapshot, capturedAt: new Date(Date.now() - 3 * 3600_000).toISOString() }));
  const dated = async (extra: string[]) => (await inProcess(['lint', 'g', '--facts', 'c/dated.yaml', '--deploy', 'clash', ...extra], { cwd: dir, env: { XENLINT_WORKERS: '0' } })).stdout;
  const cached = ['--cache', '--cache-location', 'c'];
  const cold = await dated(cached);
  t.match(cold, /Free memory: .*3 hours before this run/, 'the capture\'s age is in the report');
  t.equal(cold, await dated([]));
  const RealDate = Date;
  // The clock a day on: the same files and settings, another report.
  class Later extends RealDate {
    constructor(...a: unknown[]) {
      if (a.length === 0) super(RealDate.now() + 86_400_000);
      else super(...(a as [string]));
    }
  }
  globalThis.Date = Later as DateConstructor;
  try {
    const later = await dated(cached);
    const plain = await dated([]);
    t.match(plain, /Free memory: .*1 day before this run/);
    t.equal(later, plain, 'a day on: the report of that day, not the kept one');
  } finally {
    globalThis.Date = RealDate;
  }
  rmSync(join(dir, 'c', 'dated.yaml'));
});

t.test('a cache the next run would refuse (limits.cacheBytes) is not written; the kept report goes first', async (t) => {
  rmSync(CACHE, { force: true });
  const cfg = join(dir, '.xenlintrc.yaml');
  const config = readFileSync(cfg, 'utf8');
  const args = ['--cache', '--cache-location', 'c'];
  await lint([...args, '--format', 'json']);
  const entriesOnly = statSync(CACHE).size;
  t.equal(sectionsOf(readFileSync(CACHE, 'utf8')).kept, '', 'a JSON run keeps no report');
  rmSync(CACHE);
  try {
    writeFileSync(cfg, `${config}  cacheBytes: ${entriesOnly + 100}\n`);
    const plain = await lint([]);
    const r = await lint(args);
    t.equal(r.stdout, plain.stdout, 'the same report');
    t.equal(r.stderr, plain.stderr, 'nothing said: the entries fit');
    t.equal(sectionsOf(readFileSync(CACHE, 'utf8')).kept, '', 'the entries are kept, the report that would not fit is not');
    t.ok(statSync(CACHE).size <= entriesOnly + 100, 'within the limit');
    rmSync(CACHE);
    writeFileSync(cfg, `${config}  cacheBytes: ${entriesOnly - 1}\n`);
    const over = await lint(args);
    t.equal(over.stdout, plain.stdout, 'over the limit: the same report');
    t.match(over.stderr, /--cache: .*: not written: it would be \d+ bytes, larger than the limit of \d+ bytes; `limits: \{ cacheBytes: N \}`.*; the next run would not use it/, 'said in one line');
    t.notOk(existsSync(CACHE), 'and nothing written');
    t.same(readdirSync(join(dir, 'c')).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
  } finally {
    writeFileSync(cfg, config);
  }
});
