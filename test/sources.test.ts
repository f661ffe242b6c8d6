/**
 * What a user is told to read must be something a user can open: a rule doc,
 * a check's `sources` (they reach `rules`, `explain` and SARIF help) or the
 * README never name a file on a developer's machine, nor a repository file
 * this repository does not ship. Xen facts are cited as `TAG:path` of
 * xen-project/xen (or a commit id), the two field-notes documents by title
 * and era.
 */
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinChecks } from '../checks/index.js';
import { unreachableCitations } from './helpers/citations.js';
import { ROOT } from './helpers/paths.js';

const root = `${ROOT}/`;
/** Files a command writes and .gitignore keeps out of the repository: naming them is fine. */
const GENERATED = new Set(['bench/results.json']);
const exists = (rel: string): boolean => GENERATED.has(rel) || existsSync(`${root}${rel}`);

t.test('generated files named in docs are the ones .gitignore keeps out', async (t) => {
  const ignored = readFileSync(`${root}.gitignore`, 'utf8').split('\n');
  for (const f of GENERATED) t.ok(ignored.includes(f), `${f} is generated, not shipped`);
});

t.test('the scanner flags what it must and nothing else', async (t) => {
  const flagged = (text: string): string[] => unreachableCitations(text, exists).map((c) => c.cited);
  t.same(flagged('see /work/shared/seeds/003_5949bf063f6c7139.txt'), ['/work/shared/seeds/003_5949bf063f6c7139.txt']);
  t.same(flagged('notes in /home/alice/xen/notes.txt'), ['/home/alice/xen/notes.txt']);
  t.same(flagged('/root/facts.md, ../shared/reference/xen-4x-facts.md'), ['/root/facts.md', '../shared/reference/xen-4x-facts.md']);
  t.same(flagged('<file:///tmp/x.html>'), ['file:///tmp/x.html']);
  t.same(flagged('xen-facts.md B1: xm keeps every variable'), ['xen-facts.md']);
  t.same(flagged('docs/man/xl.cfg.5.pod.in (at 024e7131be)'), ['docs/man/xl.cfg.5.pod.in'], 'a Xen path without its tag reads as one of ours');
  t.same(flagged('checks/no-such-check.ts'), ['checks/no-such-check.ts']);
  t.same(flagged('`RELEASE-4.17.0:docs/man/xl.cfg.5.pod.in:569` and `3.0.4-branched:tools/python/xen/xm/create.py`'), []);
  t.same(flagged('RELEASE-4.22.0:CHANGELOG.md:217-218; commit c7dfe4ac58'), []);
  t.same(flagged('docs/rules/memory-fit.md, checks/memory-fit.ts, README.md'), []);
  t.same(flagged('`/etc/xen/xend-config.sxp`, `/usr/lib/xen/boot/hvmloader`, /proc/cpuinfo'), [], 'paths on the Xen host are what the docs are about');
  t.same(flagged('"Xen limitations — an admin\'s field notes", 2007'), []);
});

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

type T = Pick<typeof t, "same">;

function assertReachable(t: T, label: string, text: string): void {
  const bad = unreachableCitations(text, exists);
  t.same(bad.map((b) => `${label}:${lineOf(text, b.index)}: ${b.cited} (${b.why})`), [], `${label} cites only what a user can open`);
}

t.test('rule docs', async (t) => {
  for (const f of readdirSync(`${root}docs/rules`).filter((n) => n.endsWith('.md')).sort()) {
    assertReachable(t, `docs/rules/${f}`, readFileSync(`${root}docs/rules/${f}`, 'utf8'));
  }
});

t.test('README', async (t) => {
  assertReachable(t, 'README.md', readFileSync(`${root}README.md`, 'utf8'));
});

t.test('check sources arrays (rules, explain, SARIF help)', async (t) => {
  for (const c of builtinChecks) assertReachable(t, `${c.id} sources`, c.sources.join('\n'));
});

t.test('check modules', async (t) => {
  const dirs = ['checks', 'checks/lib'];
  for (const dir of dirs) {
    for (const f of readdirSync(`${root}${dir}`).filter((n) => n.endsWith('.ts')).sort()) {
      assertReachable(t, `${dir}/${f}`, readFileSync(`${root}${dir}/${f}`, 'utf8'));
    }
  }
});
