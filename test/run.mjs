// Runs the compiled test files (.test-build/, written by test/compile.mjs) as plain
// `node` processes, as many at once as there are CPUs, and prints each file's TAP
// output as a subtest followed by tap's closing `# { total: ... }` line (summed from
// each file's own), exiting 1 if any assertion or file failed.
//
// Why not the tap runner: it starts every test process with its coverage and mock
// loaders (@tapjs/processinfo, @tapjs/mock), whose module hooks cost ~0.5 s of CPU per
// file on a small machine, more than most of our test files take. Each file is still a
// tap test (`import t from 'tap'`) with tap's assertions and output; `npx tap FILE`
// runs one with the full runner.
//
//   node test/run.mjs [--exclude DIR]... [FILE-OR-DIR]...   (default: .test-build/test)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
// The same limit tap's runner applies (package.json "tap".timeout, seconds): each file
// enforces it on itself through TAP_TIMEOUT, and a file that hangs anyway is killed.
const TIMEOUT_S = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).tap?.timeout ?? 30;
const TIMEOUT_MS = TIMEOUT_S * 1000 + 10_000;

const args = process.argv.slice(2);
const excludes = [];
const targets = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--exclude') excludes.push(resolve(args[(i += 1)] ?? ''));
  else targets.push(resolve(args[i]));
}
if (targets.length === 0) targets.push(join(root, '.test-build', 'test'));

const excluded = (path) => excludes.some((e) => path === e || path.startsWith(e + sep));
function testFiles(path) {
  if (excluded(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => {
      const p = join(path, name);
      return statSync(p).isDirectory() ? testFiles(p) : name.endsWith('.test.js') && !excluded(p) ? [p] : [];
    });
}

for (const t of targets) {
  if (!existsSync(t)) {
    console.error(`test/run.mjs: ${relative(root, t)} does not exist (run node test/compile.mjs first)`);
    process.exit(1);
  }
}
const files = targets.flatMap(testFiles);
if (files.length === 0) {
  console.error('test/run.mjs: no test files found');
  process.exit(1);
}

/** Run one file; resolves with its output, exit status and the counts of its closing summary line. */
function runFile(file) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--enable-source-maps', file], {
      cwd: root,
      env: { ...process.env, TAP: '1', TAP_TIMEOUT: String(TIMEOUT_S) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const output = Buffer.concat(chunks).toString('utf8');
      const line = output.split('\n').reverse().find((l) => l.startsWith('# { total:'));
      const counts = line ? Object.fromEntries([...line.matchAll(/(\w+): (\d+)/g)].map((m) => [m[1], Number(m[2])])) : undefined;
      done({ file, output, code, signal, timedOut, counts, ms: Date.now() - started });
    });
  });
}

const started = Date.now();
const totals = { total: 0, pass: 0, fail: 0, skip: 0, todo: 0 };
let n = 0;
let failedFiles = 0;
console.log('TAP version 14');
console.log(`1..${files.length}`);

function report(r) {
  n += 1;
  const name = relative(root, r.file);
  const problems = [];
  if (r.timedOut) problems.push(`killed: still running ${TIMEOUT_MS / 1000} s after it started`);
  else if (r.signal) problems.push(`killed by ${r.signal}`);
  if (!r.counts) problems.push('no closing summary: the file crashed or ran no tests');
  if (r.code !== 0 && r.code !== null && r.counts && !r.counts.fail) problems.push(`exit code ${r.code} without a failed assertion`);
  for (const k of Object.keys(totals)) totals[k] += r.counts?.[k] ?? 0;
  // A file that failed without a failed assertion counts as one failure, as tap counts it.
  if (problems.length > 0) {
    totals.total += 1;
    totals.fail += 1;
  }
  const ok = problems.length === 0 && r.code === 0;
  if (!ok) failedFiles += 1;
  const body = r.output.replace(/^TAP version \d+\n/, '').trimEnd();
  process.stdout.write(`# Subtest: ${name}\n${body.replace(/^(?=.)/gm, '    ')}\n`);
  process.stdout.write(`${ok ? 'ok' : 'not ok'} ${n} - ${name} # time=${r.ms}ms\n`);
  if (problems.length > 0) process.stdout.write(`  ---\n  problems:\n${problems.map((p) => `    - ${p}\n`).join('')}  ...\n`);
  process.stdout.write('\n');
}

const queue = [...files];
async function worker() {
  for (let f = queue.shift(); f !== undefined; f = queue.shift()) report(await runFile(f));
}
await Promise.all(Array.from({ length: Math.min(availableParallelism(), files.length) }, worker));

const summary = Object.entries(totals)
  .filter(([k, v]) => k === 'total' || k === 'pass' || v > 0)
  .map(([k, v]) => `${k}: ${v}`)
  .join(', ');
console.log(`# { ${summary} }`);
console.log(`# time=${Date.now() - started}ms`);
if (failedFiles > 0) console.log(`# failed files: ${failedFiles} (look for "not ok" above)`);
process.exit(totals.fail > 0 || failedFiles > 0 ? 1 : 0);
