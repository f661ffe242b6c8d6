/**
 * JUnit, GitHub annotations, HTML and --write-baseline are written piece by
 * piece from the run's finding store (issue 14). Their text must not change by
 * a byte: each is compared with what the whole-text formatters wrote before
 * they streamed (main at 0c132f1), on a lint of 150 configs — more than
 * LEAN_HEAP_FILES, so the findings are read back from the spill. The configs
 * are the benchmark generator's first 150 (bench/corpus.mjs, seed 1: xm and xl,
 * PV/HVM/PVH, shared MACs and disks, broken files, suppressions), frozen in
 * test/fixtures/report/streamed/corpus.json with its host snapshot, so a change
 * to the generator does not move the expected text. What the expected files
 * hold is each output's length and SHA-256 (the outputs are ~1 MB together);
 * a text that differs is kept in a temporary directory the failure names.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../helpers/paths.js';
import { scratch, xenlint } from '../cli/run.js';
import { LEAN_HEAP_FILES } from '../../cli/commands/pipeline.js';

const FIXTURES = fromRoot('test', 'fixtures', 'report', 'streamed');
const configs = JSON.parse(readFileSync(join(FIXTURES, 'corpus.json'), 'utf8')) as Array<[string, string]>;
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, { bytes: number; sha256: string }>;
const version = (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version;

const dir = scratch({});
mkdirSync(join(dir, 'configs'));
for (const [name, text] of configs) writeFileSync(join(dir, 'configs', name), text);
writeFileSync(join(dir, 'host.yaml'), readFileSync(join(FIXTURES, 'host.yaml')));

/** What differs between runs and is no finding: each check's duration; and the release, in links and the generator tag. */
function steady(text: string): string {
  return text.replace(/ time="[0-9.]+"/g, ' time="0"').replaceAll(version, '<version>');
}

function digest(text: string): { bytes: number; sha256: string } {
  return { bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
}

const lint = ['lint', 'configs', '--facts', 'host.yaml'];
const runs: Array<{ name: string; args: string[]; file?: string }> = [
  { name: 'junit', args: ['-f', 'junit'] },
  { name: 'junit --fail-on info', args: ['-f', 'junit', '--fail-on', 'info'] },
  { name: 'junit -o', args: ['-f', 'junit', '-o', 'out.xml'], file: 'out.xml' },
  { name: 'github', args: ['-f', 'github'] },
  { name: 'html', args: ['-f', 'html'] },
  { name: 'html -o', args: ['-f', 'html', '-o', 'out.html'], file: 'out.html' },
  { name: 'write-baseline', args: ['--write-baseline', 'baseline.json'], file: 'baseline.json' },
];

t.ok(configs.length > LEAN_HEAP_FILES, `${configs.length} configs: the run keeps its findings in the spill`);

const got: Record<string, { bytes: number; sha256: string }> = {};
for (const run of runs) {
  t.test(run.name, async (t) => {
    const r = xenlint([...lint, ...run.args], { cwd: dir });
    t.equal(r.code, 1, `the run found errors (stderr: ${r.stderr.slice(0, 300)})`);
    const text = steady(run.file ? readFileSync(join(dir, run.file), 'utf8') : r.stdout);
    got[run.name] = digest(text);
    const same = got[run.name]!.sha256 === expected[run.name]?.sha256;
    // The scratch directory goes when the test ends: a text that differs is kept to compare.
    const kept = same ? undefined : join(mkdtempSync(join(tmpdir(), 'xenlint-streamed-')), `${run.name.replace(/\W+/g, '_')}.txt`);
    if (kept) writeFileSync(kept, text);
    t.ok(same, `${run.name}: the same text as the whole-text formatter wrote`, { got: got[run.name], want: expected[run.name], ...(kept ? { actual: kept } : {}) });
  });
}

// XENLINT_STREAMED_EXPECTED=FILE: where to write the digests this run got (how expected.json was made, with main's build).
t.teardown(() => {
  const out = process.env['XENLINT_STREAMED_EXPECTED'];
  if (out) writeFileSync(out, `${JSON.stringify(got, null, 2)}\n`);
});
