#!/usr/bin/env node
/**
 * xenlint's benchmark (issue 6). Runs each scenario several times, interleaved
 * with its baseline on the same machine in the same run, and prints one table:
 * median wall time (min–max), the baseline's median, their ratio, the CPU-time
 * ratio (user+sys: steadier than wall time on a busy machine) and peak RSS.
 * Writes the same as JSON to bench/results.json.
 *
 *   npm run bench                        build, then every scenario (about 10 minutes)
 *   node bench/run.mjs --quick           fewer runs, no 100 000 case (about 1–2 minutes)
 *   node bench/run.mjs --only startup    one group: startup | lint | report | check (or several: startup,lint)
 *   node bench/run.mjs --sizes 1000,10000 --runs 3
 *
 * Baselines: `node -e ''` (Node's own start-up), `cat` of the same files (the
 * I/O floor: find + xargs cat, so the directory walk is included), and one
 * python3 process that exec()s every file the way xm did (the interpreter xm
 * configs were written for; files Python rejects count, caught, as in xm).
 *
 * Peak RSS and CPU time come from GNU time (`/usr/bin/time -f`) when present;
 * otherwise from polling /proc/<pid>/status (VmHWM) of the direct child, with
 * no CPU column. Ratio < 1 means xenlint is faster than the baseline.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus, CORPUS_DIR } from './corpus.mjs';
import { GNU_TIME, compare } from './measure.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
/** The installed bin: the per-command bundle (build/bundle.mjs). */
const CLI = join(ROOT, 'dist', 'bin', 'xenlint.cjs');
/** The unbundled tsc output, timed beside the bundle in the startup group (the A/B of issue 14). */
const UNBUNDLED = join(ROOT, 'dist', 'cli', 'xenlint.js');
/** `xl info` text of a Xen 4.1 host: the --facts of the start-up budget line. */
const INFO = 'samples/info/xl-4.1-x86_64.txt';

const PYTHON_XM = `
import os, sys
EXT = ('.cfg', '.xl', '.xm', '.hvm', '.pv')
ok = failed = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        if not name.endswith(EXT):
            continue
        f = os.path.join(root, name)
        d = {}
        try:
            exec(compile(open(f).read(), f, 'exec'), {}, d)
            ok += 1
        except Exception:
            failed += 1
print('%d read, %d rejected by Python' % (ok, failed))
`;

/**
 * The floor of any linter on Node: one node process that walks the corpus and reads every
 * config (readFileSync), nothing more. Its ratio to python3 exec is the part of the 0.5x
 * budget that reading alone spends before a config is parsed or checked.
 */
const NODE_READ = `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const EXT = /\\.(cfg|xl|xm|hvm|pv)$/;
let n = 0;
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (EXT.test(e.name)) { readFileSync(p, 'latin1'); n++; }
  }
};
walk(process.argv[1]);
console.log(n + ' read');
`;

function parseArgs(argv) {
  const opts = { quick: false, only: undefined, sizes: undefined, runs: undefined, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.quick = true;
    else if (a === '--only') opts.only = argv[++i];
    else if (a === '--sizes') opts.sizes = argv[++i].split(',').map(Number);
    else if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--seed') opts.seed = Number(argv[++i]);
    else {
      console.error(`unknown argument ${a}\nusage: node bench/run.mjs [--quick] [--only startup|lint|report|check] [--sizes 1000,10000] [--runs N] [--seed S]`);
      process.exit(2);
    }
  }
  opts.sizes ??= opts.quick ? [1000, 10000] : [1000, 10000, 100000];
  return opts;
}

const results = [];
function record(group, scenario, command, xen, baseline, baselineName) {
  const row = {
    group,
    scenario,
    command,
    xenlint: xen,
    baseline: { name: baselineName, ...baseline },
    ratio: xen.medianS / baseline.medianS,
    ...(xen.cpuMedianS !== undefined && baseline.cpuMedianS ? { cpuRatio: xen.cpuMedianS / baseline.cpuMedianS } : {}),
  };
  results.push(row);
  return row;
}

/** `show` names the run in the table: the command with the corpus paths shortened. */
const xenlint = (...args) => ({
  cmd: process.execPath,
  args: [CLI, ...args],
  show: `xenlint ${args.map((a) => a.replace(/^bench\/corpus\//, '')).join(' ')}`,
});
/** lint exits 1 when it finds something: both 0 and 1 are a finished run. */
const finished = (code) => code === 0 || code === 1;

async function startup(opts) {
  const runs = opts.runs ?? (opts.quick ? 7 : 21);
  const one = relative(ROOT, join(CORPUS_DIR, 'one.cfg'));
  const host = relative(ROOT, join(CORPUS_DIR, 'host.yaml'));
  console.error(`startup: ${runs} rounds`);
  const cmds = [
    { cmd: process.execPath, args: ['-e', ''], show: "node -e ''" },
    xenlint('--version'),
    { ...xenlint('lint', one), expect: finished },
    { ...xenlint('lint', one, '--facts', INFO), expect: finished },
    { ...xenlint('lint', one, '--facts', host), expect: finished },
    { cmd: process.execPath, args: [UNBUNDLED, 'lint', one, '--facts', INFO], show: `xenlint (unbundled dist/cli) lint one.cfg --facts ${INFO}`, expect: finished },
  ];
  const [floor, ...rest] = await compare('startup', cmds, runs);
  for (const [i, s] of rest.entries()) record('startup', cmds[i + 1].show, cmds[i + 1].show, s, floor, "node -e ''");
}

function countFiles(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countFiles(join(dir, e.name));
    else if (/\.(cfg|xl|xm|hvm|pv)$/.test(e.name)) n++;
  }
  return n;
}

async function lint(opts) {
  const host = relative(ROOT, join(CORPUS_DIR, 'host.yaml'));
  for (const n of opts.sizes) {
    const { dir } = ensureCorpus(n, opts.seed, (m) => console.error(m));
    const rel = relative(ROOT, dir);
    if (countFiles(dir) !== n) throw new Error(`${rel}: expected ${n} configs`);
    const runs = opts.runs ?? (n >= 100000 ? 2 : opts.quick ? 3 : 5);
    console.error(`lint ${n}: ${runs} rounds`);
    const cmds = [
      { ...xenlint('lint', rel, '--facts', host), expect: finished },
      { cmd: `find ${rel} -type f \\( -name '*.cfg' -o -name '*.xl' -o -name '*.xm' -o -name '*.hvm' -o -name '*.pv' \\) -print0 | xargs -0 cat > /dev/null`, shell: true, show: 'cat' },
      { cmd: 'python3', args: ['-c', PYTHON_XM, rel], show: 'python3 exec' },
      { cmd: process.execPath, args: ['-e', NODE_READ, rel], show: 'node reads every file' },
    ];
    // The repeated run of CI and pre-commit: nothing changed since the last run (lint --cache, warmed once first).
    const cacheDir = n === 10000 ? mkdtempSync(join(tmpdir(), 'xenlint-bench-cache-')) : undefined;
    if (cacheDir) {
      const warm = { ...xenlint('lint', rel, '--facts', host, '--cache', '--cache-location', join(cacheDir, 'cache')), show: `xenlint lint ${rel.replace(/^bench\/corpus\//, '')} --facts host.yaml --cache (warm)`, expect: finished };
      const r = spawnSync(warm.cmd, warm.args, { cwd: ROOT, stdio: 'ignore' });
      if (!finished(r.status)) throw new Error(`${warm.show}: the warm-up run exited ${r.status}`);
      cmds.push(warm);
    }
    try {
      const [x, cat, py, nodeRead, warm] = await compare(`lint ${n}`, cmds, runs);
      const scenario = `lint ${n.toLocaleString('en-US')} configs`;
      record('lint', scenario, cmds[0].show, x, cat, 'cat (I/O floor)');
      record('lint', scenario, cmds[0].show, x, py, 'python3 exec (xm)');
      record('lint', `${scenario}: node reading the files, nothing else`, cmds[3].show, nodeRead, py, 'python3 exec (xm)');
      if (warm) record('lint', `${scenario}, warm --cache`, cmds[4].show, warm, py, 'python3 exec (xm)');
    } finally {
      if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
    }
  }
}

/** The report itself at scale: every finding formatted, for the two machine formats. */
async function report(opts) {
  const n = opts.quick ? 10000 : Math.max(...opts.sizes);
  const { dir } = ensureCorpus(n, opts.seed, (m) => console.error(m));
  const rel = relative(ROOT, dir);
  const host = relative(ROOT, join(CORPUS_DIR, 'host.yaml'));
  const runs = opts.runs ?? (n >= 100000 ? 1 : 3);
  console.error(`report ${n}: ${runs} rounds`);
  const cmds = [
    { ...xenlint('lint', rel, '--facts', host), expect: finished },
    { ...xenlint('lint', rel, '--facts', host, '--format', 'sarif'), expect: finished },
    { ...xenlint('lint', rel, '--xen', '3.0.4', '--format', 'json'), expect: finished },
  ];
  const [stylish, sarif, json] = await compare(`report ${n}`, cmds, runs);
  const scenario = `report, ${n.toLocaleString('en-US')} configs`;
  record('report', `${scenario}, sarif`, cmds[1].show, sarif, stylish, 'same run, stylish');
  record('report', `${scenario}, --xen 3.0.4 json`, cmds[2].show, json, stylish, 'same run, stylish');
}

async function check(opts) {
  const hostsDir = join(ROOT, 'samples', 'hosts');
  const hosts = existsSync(hostsDir) ? readdirSync(hostsDir).filter((h) => statSync(join(hostsDir, h)).isDirectory()) : [];
  if (hosts.length === 0) {
    console.error('check: no samples/hosts/* yet, scenario skipped');
    return;
  }
  const runs = opts.runs ?? (opts.quick ? 3 : 7);
  console.error(`check: ${hosts.length} host(s), ${runs} rounds`);
  const cmds = [
    { cmd: process.execPath, args: ['-e', ''], show: "node -e ''" },
    ...hosts.map((h) => ({ ...xenlint('check', '--root', `samples/hosts/${h}`), expect: (c) => c === 0 || c === 1 })),
  ];
  const [floor, ...rest] = await compare('check', cmds, runs);
  for (const [i, s] of rest.entries()) record('check', cmds[i + 1].show, cmds[i + 1].show, s, floor, "node -e ''");
}

function fmtS(s) {
  return s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`;
}

function table() {
  const head = ['scenario', 'xenlint median (min–max)', 'baseline', 'baseline median', 'ratio', 'cpu ratio', 'peak RSS'];
  const rows = results.map((r) => [
    r.scenario,
    `${fmtS(r.xenlint.medianS)} (${fmtS(r.xenlint.minS)}–${fmtS(r.xenlint.maxS)})`,
    r.baseline.name,
    fmtS(r.baseline.medianS),
    `${r.ratio.toFixed(2)}x`,
    r.cpuRatio !== undefined ? `${r.cpuRatio.toFixed(2)}x` : '–',
    r.xenlint.peakRssMiB !== undefined ? `${r.xenlint.peakRssMiB.toFixed(0)} MiB` : '–',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The budget of issue 14, as far as this run measured it: each line with its figure and its baseline's. */
function budget() {
  const out = [];
  const find = (group, pred) => results.find((r) => r.group === group && pred(r));
  const base = (r) => `${r.baseline.name} ${fmtS(r.baseline.medianS)}`;
  const one = find('startup', (r) => r.scenario === `xenlint lint one.cfg --facts ${INFO}`);
  if (one) out.push({ rule: `lint one.cfg --facts info.txt at most 1.3x node -e ''`, value: `${one.ratio.toFixed(2)}x (${fmtS(one.xenlint.medianS)}; ${base(one)})`, met: one.ratio <= 1.3 });
  const py10k = find('lint', (r) => r.scenario === 'lint 10,000 configs' && r.baseline.name.startsWith('python'));
  if (py10k) {
    out.push({ rule: '10 000 configs below 0.5x python3 exec', value: `${py10k.ratio.toFixed(2)}x (${fmtS(py10k.xenlint.medianS)}; ${base(py10k)})`, met: py10k.ratio < 0.5 });
    const warm = find('lint', (r) => r.scenario === 'lint 10,000 configs, warm --cache');
    if (warm) out.push({ rule: '10 000 configs below 0.5x python3 exec — the warm-cache figure (lint --cache, nothing changed)', value: `${warm.ratio.toFixed(2)}x (${fmtS(warm.xenlint.medianS)}; ${base(warm)})`, met: warm.ratio < 0.5 });
    const floor = find('lint', (r) => r.scenario === 'lint 10,000 configs: node reading the files, nothing else');
    if (floor) out.push({ rule: 'what reading alone spends of that 0.5x: node reads the 10 000 files, nothing else', value: `${floor.ratio.toFixed(2)}x (${fmtS(floor.xenlint.medianS)}; ${base(floor)})`, floor: true });
    const rss = py10k.xenlint.peakRssMiB;
    if (rss !== undefined) out.push({ rule: 'peak RSS at 10 000 configs below 120 MiB', value: `${rss.toFixed(0)} MiB`, met: rss < 120 });
  }
  const x100k = find('lint', (r) => r.scenario === 'lint 100,000 configs');
  if (py10k && x100k) {
    const r1 = py10k.xenlint.peakRssMiB;
    const r2 = x100k.xenlint.peakRssMiB;
    if (r1 && r2) out.push({ rule: 'peak RSS at 100 000 within 1.2x of 10 000 (flat)', value: `${(r2 / r1).toFixed(2)}x (${r2.toFixed(0)} MiB; 10 000: ${r1.toFixed(0)} MiB)`, met: r2 / r1 <= 1.2 });
    const k = x100k.xenlint.medianS / py10k.xenlint.medianS;
    out.push({ rule: 'time at 100 000 at most 10.5x the time at 10 000', value: `${k.toFixed(2)}x (${fmtS(x100k.xenlint.medianS)}; 10 000: ${fmtS(py10k.xenlint.medianS)})`, met: k <= 10.5 });
  }
  const hosts = results.filter((r) => r.group === 'check');
  if (hosts.length) {
    const worst = hosts.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    out.push({ rule: `check --root of a sample host at most 2x node -e ''`, value: `${worst.ratio.toFixed(2)}x, the slowest of ${hosts.length} (${worst.scenario.replace(/^xenlint check --root samples\/hosts\//, '')}, ${fmtS(worst.xenlint.medianS)}; ${base(worst)})`, met: worst.ratio <= 2 });
  }
  return out;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) {
    console.error('dist/bin/xenlint.cjs is missing: run `npm run build` (or `npm run bench`, which builds first)');
    process.exit(2);
  }
  if (spawnSync('python3', ['--version']).status !== 0) {
    console.error('python3 is needed for the xm exec baseline');
    process.exit(2);
  }
  ensureCorpus(1, opts.seed); // host.yaml and one.cfg
  const started = Date.now();
  const groups = { startup, lint, report, check };
  for (const [name, fn] of Object.entries(groups)) {
    if (!opts.only || opts.only.split(',').includes(name)) await fn(opts);
  }
  const checks = budget();
  const text = table();
  console.log(text);
  if (checks.length) {
    console.log('\nBudget (issue 14):');
    for (const c of checks) console.log(`  ${c.floor ? 'floor  ' : c.met ? 'met    ' : 'NOT MET'}  ${c.rule}: ${c.value}`);
  }
  const machine = {
    node: process.version,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    measuredWith: GNU_TIME ? `${GNU_TIME} -f` : '/proc/<pid>/status VmHWM polling (no CPU time)',
    nodeExtraCaCerts: Boolean(process.env.NODE_EXTRA_CA_CERTS),
  };
  const out = {
    date: new Date().toISOString(),
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || undefined,
    options: opts,
    machine,
    durationS: Math.round((Date.now() - started) / 1000),
    results,
    budget: checks,
    table: text,
  };
  writeFileSync(join(BENCH, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\n${machine.node}, ${machine.cpus}, load ${machine.loadavg}; ${out.durationS} s; written to bench/results.json`);
}

await main();
