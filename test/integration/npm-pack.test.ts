/**
 * A release as users get it: `npm pack` of this repository at HEAD, then
 * `npm install --prefix` of the tarball into an empty directory
 * (test/helpers/npm-package.ts), then the installed `xenlint` run the way a user
 * runs it.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { installInto, packHead, packTools, PKG as pkg, runTool as run } from '../helpers/npm-package.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

t.setTimeout(600_000);

t.test('npm pack yields a tarball that installs in a clean prefix and runs', async (t) => {
  const tools = packTools(t);
  if (!tools) return;
  const tmp = tempDir('xenlint-pack-');
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

  const { pack: packed, tarball, files } = packHead(tools, tmp);
  t.equal(packed.code, 0, 'npm pack', { stderr: packed.stderr });
  // pre-commit reads npm pack's whole stdout as the tarball's name.
  t.equal(packed.stdout, `${basename(tarball)}\n`, "npm pack's stdout is the tarball name alone");
  for (const needed of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/cli/xenlint.js', 'dist/cli/settings/validators/config.cjs', 'docs/rules/memory-fit.md', 'schemas/config.schema.json']) {
    t.ok(files.includes(needed), `the tarball has ${needed}`);
  }
  for (const prefix of ['test/', 'bench/', 'samples/', 'cli/', 'checks/', 'node_modules/', 'dist/test/', 'dist/standalone/', '.ci/']) {
    t.same(files.filter((f) => f.startsWith(prefix)), [], `nothing under ${prefix}`);
  }
  t.notOk(files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'no TypeScript sources');

  const prefix = join(tmp, 'prefix');
  const installed = installInto(tools, tarball, prefix, tmp);
  t.equal(installed.code, 0, 'npm install --prefix', { stderr: installed.stderr });
  const bin = join(prefix, 'node_modules/.bin/xenlint');
  t.ok(existsSync(bin), 'node_modules/.bin/xenlint');

  const version = run(bin, ['--version'], tmp);
  t.equal(version.stdout, `${pkg.version}\n`);
  t.equal(version.code, 0);

  // A real lint, away from the repository: one sample config with findings.
  const work = join(tmp, 'work');
  mkdirSync(work);
  copyFileSync(join(ROOT, 'samples/domains/xm-pv-web01.cfg'), join(work, 'web01.cfg'));
  const lint = run(bin, ['lint', 'web01.cfg', '--xen', '4.17', '--fail-on', 'warning', '--format', 'json'], work);
  t.equal(lint.code, 1, 'warnings fail under --fail-on warning', { stderr: lint.stderr });
  const report = JSON.parse(lint.stdout) as {
    tool: { version: string };
    checks: Array<{ id: string; findings: Array<{ check: string; file: string; line: number; message: string }> }>;
  };
  t.equal(report.tool.version, pkg.version);
  const findings = report.checks.flatMap((c) => c.findings);
  t.ok(findings.length > 0, 'the sample has findings');
  t.ok(findings.every((f) => f.file === 'web01.cfg'), 'paths relative to the working directory');
  // Exactly what the repository's own build reports for the same run.
  const here = spawnSync(process.execPath, [join(ROOT, 'dist/cli/xenlint.js'), 'lint', 'web01.cfg', '--xen', '4.17', '--fail-on', 'warning', '--format', 'json'], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' },
  });
  t.same(report, JSON.parse(here.stdout), 'the same JSON report as dist/');

  // explain reads the rule docs shipped in the package; check --root the whole gather path.
  const explain = run(bin, ['explain', 'memory-fit'], work);
  t.equal(explain.code, 0, 'explain', { stderr: explain.stderr });
  t.match(explain.stdout, /^# memory-fit/);
  const check = run(bin, ['check', '--root', join(ROOT, 'samples/hosts/xen-4.17-credit2'), '--format', 'json'], work);
  t.equal(check.stderr, '');
  t.match(JSON.parse(check.stdout), { command: 'check', tool: { name: 'xenlint' } });
});
