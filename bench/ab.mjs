#!/usr/bin/env node
/**
 * A/B of two built xenlint trees (each with `npm run build` done): the same
 * command from each, in interleaved rounds whose order alternates, so load that
 * drifts during the run hits both alike. Every "gain" row in bench/README.md is
 * such a run. Prints the medians of wall and CPU time and the peak RSS of each
 * side, and the change from A to B.
 *
 *   node bench/ab.mjs A_TREE B_TREE [--rounds N] [--scenario startup|check|lint:N] [-- extra xenlint args]
 *
 *   startup   lint one.cfg --facts samples/info/xl-4.1-x86_64.txt (the start-up budget line)
 *   check     check --root samples/hosts/xen-4.17-credit2
 *   lint:N    lint bench/corpus/nN --facts bench/corpus/host.yaml (the corpus of this tree, made if missing)
 *
 * XENLINT_WORKERS and other variables pass through to both sides.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS_DIR, ensureCorpus } from './corpus.mjs';
import { GNU_TIME, compare } from './measure.mjs';

const USAGE = 'usage: node bench/ab.mjs A_TREE B_TREE [--rounds N] [--scenario startup|check|lint:N] [-- extra xenlint args]';
const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

function parseArgs(argv) {
  const opts = { trees: [], rounds: undefined, scenario: 'startup', extra: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      opts.extra = argv.slice(i + 1);
      break;
    } else if (a === '--rounds') opts.rounds = Number(argv[++i]);
    else if (a === '--scenario') opts.scenario = argv[++i];
    else if (a.startsWith('-') || opts.trees.length === 2) fail(`unexpected argument ${a}`);
    else opts.trees.push(resolve(a));
  }
  if (opts.trees.length !== 2) fail('two trees are needed');
  if (opts.rounds !== undefined && !(Number.isInteger(opts.rounds) && opts.rounds > 0)) fail('--rounds takes a positive integer');
  return opts;
}

function fail(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

/** The xenlint arguments of a scenario and its default number of rounds. */
function scenario(name) {
  if (name === 'startup') return { args: ['lint', join(CORPUS_DIR, 'one.cfg'), '--facts', 'samples/info/xl-4.1-x86_64.txt'], rounds: 21 };
  if (name === 'check') return { args: ['check', '--root', 'samples/hosts/xen-4.17-credit2'], rounds: 15 };
  const m = /^lint:(\d+)$/.exec(name ?? '');
  if (!m) fail(`unknown scenario ${name}`);
  const n = Number(m[1]);
  const { dir } = ensureCorpus(n, 1, (msg) => console.error(msg));
  return { args: ['lint', dir, '--facts', join(CORPUS_DIR, 'host.yaml')], rounds: n >= 100000 ? 3 : 5 };
}

const opts = parseArgs(process.argv.slice(2));
for (const tree of opts.trees) {
  if (!existsSync(join(tree, 'dist', 'bin', 'xenlint.cjs'))) fail(`${tree}: no dist/bin/xenlint.cjs (run npm run build there)`);
}
ensureCorpus(1, 1); // one.cfg and host.yaml
const s = scenario(opts.scenario);
const rounds = opts.rounds ?? s.rounds;
// Both sides read the same corpus and samples paths; each runs in its own tree.
const sides = opts.trees.map((tree, i) => ({
  cmd: process.execPath,
  args: [join(tree, 'dist', 'bin', 'xenlint.cjs'), ...s.args, ...opts.extra],
  cwd: tree,
  show: `${'AB'[i]} ${tree}`,
  expect: (code) => code === 0 || code === 1,
}));
console.error(`${opts.scenario}: ${rounds} rounds, ${GNU_TIME ? 'GNU time' : 'no GNU time: wall and VmHWM only'}; corpus ${CORPUS_DIR}, run from ${ROOT}`);
const [a, b] = await compare(opts.scenario, sides, rounds);
const pct = (x, y) => (x && y ? `${(((y - x) / x) * 100).toFixed(1)} %` : '–');
const fmt = (r) =>
  `wall ${r.medianS.toFixed(3)} s (${r.minS.toFixed(3)}–${r.maxS.toFixed(3)})` +
  (r.cpuMedianS !== undefined ? `  cpu ${r.cpuMedianS.toFixed(3)} s` : '') +
  (r.peakRssMiB !== undefined ? `  peak RSS ${r.peakRssMiB.toFixed(1)} MiB (median ${r.medianRssMiB.toFixed(1)})` : '');
console.log(`A ${sides[0].show.slice(2)}\n  ${fmt(a)}`);
console.log(`B ${sides[1].show.slice(2)}\n  ${fmt(b)}`);
console.log(`B against A: wall ${pct(a.medianS, b.medianS)}, cpu ${pct(a.cpuMedianS, b.cpuMedianS)}, median RSS ${pct(a.medianRssMiB, b.medianRssMiB)}`);
