/**
 * The GitHub Action's shell logic, run for real: the `run:` scripts of action.yml
 * (read with js-yaml) under bash, in a temporary workspace, with the environment a
 * runner gives a composite step (the step's `env:` with its `${{ inputs.* }}` and
 * `${{ github.action_path }}` filled in, GITHUB_OUTPUT, GITHUB_EVENT_NAME,
 * GITHUB_EVENT_PATH, GITHUB_REPOSITORY, ...). The action path holds what a release
 * tag carries: dist/standalone/xenlint.mjs, built here by build/standalone.mjs.
 * Only GitHub's own upload step is not run; its `if:` is evaluated on the outputs.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { load } from 'js-yaml';
import { findExecutable, requireTool } from '../helpers/external-tool.js';
import { ROOT } from '../cli/run.js';
import { tempDir } from '../helpers/temp-dir.js';

t.setTimeout(300_000);

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const BASH = findExecutable('bash') ?? '/bin/bash';
const action = load(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
const tmp = tempDir('xenlint-action-');
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
const actionPath = join(tmp, 'action');

t.before(() => {
  mkdirSync(actionPath);
  const built = spawnSync(process.execPath, [join(ROOT, 'build/standalone.mjs'), join(actionPath, 'dist/standalone/xenlint.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build/standalone.mjs: ${built.stderr}`);
});

/** `${{ inputs.x }}` and `${{ github.action_path }}`; any other expression fails the test. */
function expand(value: string, inputs: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) {
      if (!(input[1]! in action.inputs)) throw new Error(`action.yml uses undeclared input ${input[1]}`);
      return inputs[input[1]!] ?? action.inputs[input[1]!]!.default ?? '';
    }
    if (expr === 'github.action_path') return actionPath;
    throw new Error(`the test does not evaluate \${{ ${expr} }}`);
  });
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  workspace: string;
  /** Whether the Upload SARIF step would run. */
  uploads: boolean;
}

let runs = 0;
/** Every bash step of the action in order, as a runner runs a composite action's steps. */
function runAction(opts: {
  files: Record<string, string>;
  inputs?: Record<string, string>;
  event?: { name: string; payload: unknown };
  path?: string;
}): Run {
  const workspace = join(tmp, `ws${++runs}`);
  for (const [name, text] of Object.entries(opts.files)) {
    mkdirSync(dirname(join(workspace, name)), { recursive: true });
    writeFileSync(join(workspace, name), text);
  }
  mkdirSync(join(workspace, '.git'), { recursive: true });
  const runner = join(tmp, `runner${runs}`);
  mkdirSync(runner);
  const outputFile = join(runner, 'output');
  writeFileSync(outputFile, '');
  const eventFile = join(runner, 'event.json');
  writeFileSync(eventFile, JSON.stringify(opts.event?.payload ?? {}));
  const inputs = opts.inputs ?? {};
  let last = { code: 0 as number | null, stdout: '', stderr: '' };
  let stdout = '';
  let stderr = '';
  let uploads = false;
  let failed = false;
  for (const step of action.runs.steps) {
    // After a failed step a runner runs only the steps whose if: asks for always().
    if (failed && !step.if?.startsWith('always()')) continue;
    if (step.uses) {
      t.equal(step.if, "always() && steps.lint.outputs.upload == 'true'", `${step.name}: runs only when the lint step says so`);
      uploads = outputsOf(outputFile)['upload'] === 'true';
      continue;
    }
    t.equal(step.shell, 'bash');
    const env: NodeJS.ProcessEnv = {
      PATH: opts.path ?? process.env['PATH'],
      HOME: process.env['HOME'],
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_EVENT_NAME: opts.event?.name ?? 'push',
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_REPOSITORY: 'example/xen-configs',
      GITHUB_ACTION_PATH: actionPath,
      RUNNER_TEMP: runner,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, inputs);
    // A runner writes the script to a file and runs `bash --noprofile --norc -eo pipefail FILE`.
    const script = join(runner, `${step.id ?? 'step'}.sh`);
    writeFileSync(script, step.run ?? '');
    const r = spawnSync(BASH, ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env, encoding: 'utf8', timeout: 120_000 });
    last = { code: r.status, stdout: r.stdout, stderr: r.stderr };
    stdout += r.stdout;
    stderr += r.stderr;
    if (r.status !== 0) failed = true;
  }
  return { code: last.code, stdout, stderr, outputs: outputsOf(outputFile), workspace, uploads };
}

function outputsOf(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const GOOD = `name = "web01"
type = "pv"
kernel = "/boot/vmlinuz-6.1.0-xen"
memory = 1024
disk = [ 'phy:/dev/vg0/web01,xvda,w' ]
vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]
`;
const BAD = `name = "db01"
type = "hvm"
memory = 2048
disk = [ 'phy:/dev/vg0/db01,hda,w,extra' ]
memroy = 1
`;

t.test('action.yml: a composite action that installs and builds nothing and leaves Node alone', async (t) => {
  t.equal(action.runs.using, 'composite');
  const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
  t.same(action.runs.steps.filter((s) => s.uses).map((s) => s.uses), ['github/codeql-action/upload-sarif@v3'], 'no setup-node or other action');
  for (const s of action.runs.steps) t.notMatch(s.run ?? '', /\bnpm\b|\bnpx\b|\btsc\b|\bcorepack\b/, `${s.name}: no npm, no build`);
  t.same(
    action.runs.steps.filter((s) => s.run).map((s) => s.id),
    ['lint'],
    'one lint',
  );
  t.match(text, /security-events: write/);
  t.match(text, /contents: read/);
});

t.test('a push: annotations on stdout, the SARIF file, the exit code, the upload', async (t) => {
  requireTool(t, 'bash', 'Debian package bash');
  const app01 = `${GOOD.replaceAll('web01', 'app01').replace('00:00:01', '00:00:02')}memroy = 1\n`;
  const r = runAction({ files: { 'domains/web01.cfg': GOOD, 'domains/db01.cfg': BAD, 'domains/app01.cfg': app01 }, inputs: { paths: 'domains', xen: '4.17' } });
  t.equal(r.code, 1, 'findings at error fail the step');
  t.equal(r.outputs['exit-code'], '1');
  t.match(r.stdout, /^::error file=domains\/db01\.cfg,line=4,col=\d+.*::.*too many positional parameters/m);
  t.match(r.stdout, /^::warning file=domains\/app01\.cfg,line=7,.*memroy/m);
  t.notMatch(r.stdout, /^::\w+ file=domains\/db01\.cfg,line=5/m, 'xl refuses db01 at its disk: nothing is said of what it would not read');
  t.notMatch(r.stdout, /^::(error|warning) file=domains\/web01\.cfg/m, 'web01 has no error or warning');
  t.equal(r.outputs['sarif-file'], 'xenlint.sarif');
  const sarif = JSON.parse(readFileSync(join(r.workspace, 'xenlint.sarif'), 'utf8'));
  t.equal(sarif.version, '2.1.0');
  const results = sarif.runs[0].results as Array<{ ruleId: string; level: string }>;
  t.same(results.filter((x) => x.level !== 'note').map((x) => x.ruleId).sort(), ['disk-spec', 'unknown-key']);
  t.equal(sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'disk-spec').locations[0].physicalLocation.artifactLocation.uri, 'domains/db01.cfg');
  t.equal(r.outputs['upload'], 'true');
  t.ok(r.uploads, 'the upload step runs');
  t.equal(r.stderr, '');
});

t.test('clean configs: exit 0, the SARIF is still uploaded; fail-on warning fails on a warning', async (t) => {
  const clean = runAction({ files: { 'web01.cfg': GOOD }, inputs: { xen: '4.17' } });
  t.equal(clean.code, 0, clean.stdout);
  t.equal(clean.outputs['exit-code'], '0');
  const results = JSON.parse(readFileSync(join(clean.workspace, 'xenlint.sarif'), 'utf8')).runs[0].results as Array<{ level: string }>;
  t.same(results.filter((x) => x.level !== 'note'), [], 'notes at most');
  t.ok(clean.uploads);
  const strict = runAction({ files: { 'web01.cfg': `${GOOD}memroy = 1\n` }, inputs: { xen: '4.17', 'fail-on': 'warning', 'sarif-file': 'reports/x.sarif', 'upload-sarif': 'false' } });
  t.equal(strict.code, 2, 'the reports/ directory does not exist: exit 2');
  const strict2 = runAction({ files: { 'web01.cfg': `${GOOD}memroy = 1\n`, 'reports/.keep': '' }, inputs: { xen: '4.17', 'fail-on': 'warning', 'sarif-file': 'reports/x.sarif', 'upload-sarif': 'false' } });
  t.equal(strict2.code, 1);
  t.equal(strict2.outputs['exit-code'], '1');
  t.ok(existsSync(join(strict2.workspace, 'reports/x.sarif')));
  t.equal(strict2.outputs['upload'], 'false');
  t.notOk(strict2.uploads, 'upload-sarif: false');
});

t.test('pull requests: from a fork the upload is skipped with a notice; from the repository it runs', async (t) => {
  const fork = runAction({
    files: { 'db01.cfg': BAD },
    inputs: { xen: '4.17' },
    event: { name: 'pull_request', payload: { pull_request: { number: 7, head: { repo: { full_name: 'someone/xen-configs', fork: true } } } } },
  });
  t.equal(fork.code, 1);
  t.match(fork.stdout, /^::error file=db01\.cfg,line=4/m);
  t.match(fork.stdout, /^::notice title=xenlint::SARIF upload skipped: this pull request comes from someone\/xen-configs, a fork/m);
  t.equal(fork.outputs['upload'], 'false');
  t.notOk(fork.uploads);
  const deleted = runAction({ files: { 'db01.cfg': BAD }, inputs: { xen: '4.17' }, event: { name: 'pull_request', payload: { pull_request: { head: { repo: null } } } } });
  t.equal(deleted.outputs['upload'], 'false', 'a deleted fork counts as a fork');
  const own = runAction({
    files: { 'db01.cfg': BAD },
    inputs: { xen: '4.17' },
    event: { name: 'pull_request', payload: { pull_request: { head: { repo: { full_name: 'example/xen-configs', fork: false } } } } },
  });
  t.equal(own.outputs['upload'], 'true');
  t.ok(own.uploads);
  t.notMatch(own.stdout, /::notice/);
});

t.test('plugins are never loaded unless allowed', async (t) => {
  const plugin = `import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./imported', import.meta.url), 'ran');
export default [{ id: 'site-x', title: 'site', severity: 'error', needs: ['domains'], sources: ['site'], messages: { x: 'site' }, run: () => [] }];
`;
  const files = { 'web01.cfg': GOOD, 'site.mjs': plugin, '.xenlintrc.yaml': 'plugins: [./site.mjs]\nxen: "4.17"\n' };
  const off = runAction({ files });
  t.equal(off.code, 0, off.stdout);
  t.notOk(existsSync(join(off.workspace, 'imported')), 'not imported by default');
  const on = runAction({ files, inputs: { 'allow-plugins': 'true' } });
  t.equal(on.code, 0, on.stdout);
  t.ok(existsSync(join(on.workspace, 'imported')), 'imported with allow-plugins: true');
});

t.test("the runner's Node is checked, not replaced; a ref without the prebuilt CLI is refused", async (t) => {
  const fakeBin = join(tmp, 'old-node-bin');
  mkdirSync(fakeBin);
  writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\n[ "$1" = -p ] && { echo 18.19.1; exit 0; }\nexit 1\n');
  chmodSync(join(fakeBin, 'node'), 0o755);
  const old = runAction({ files: { 'web01.cfg': GOOD }, path: `${fakeBin}:${process.env['PATH']}` });
  t.equal(old.code, 2);
  t.match(old.stdout, /^::error title=xenlint::xenlint needs Node\.js >= 20\.19; the runner's node is 18\.19\.1/m);
  t.equal(old.outputs['exit-code'], undefined, 'no lint ran');

  // A PATH with bash and nothing else.
  const onlyBash = join(tmp, 'only-bash');
  mkdirSync(onlyBash);
  symlinkSync(BASH, join(onlyBash, 'bash'));
  const none = runAction({ files: { 'web01.cfg': GOOD }, path: onlyBash });
  t.equal(none.code, 2);
  t.match(none.stdout, /found no node on PATH/);

  const bundle = join(actionPath, 'dist/standalone/xenlint.mjs');
  const saved = readFileSync(bundle);
  rmSync(bundle);
  try {
    const missing = runAction({ files: { 'web01.cfg': GOOD } });
    t.equal(missing.code, 2);
    t.match(missing.stdout, /carries no prebuilt CLI .*use a release tag/);
  } finally {
    writeFileSync(bundle, saved);
  }
});
