/**
 * contrib/ansible/xenlint-fleet.yml run for real by Debian's ansible-playbook
 * against this machine (`-i localhost, -c local`), with the gatherer tests' fake
 * `xl` first on PATH: it installs xenlint from `npm pack`'s tarball into a
 * scratch prefix, captures, fetches the capture and checks it as a fleet on the
 * controller. The capture it fetched is then read by `xenlint check --root`.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTool } from '../helpers/external-tool.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/xenlint.js');
const PLAYBOOK = join(ROOT, 'contrib/ansible/xenlint-fleet.yml');
const FAKE_XL = join(ROOT, 'test/fixtures/gather/bin-xl/xl');

// npm installs the tarball and Ansible runs a dozen tasks: minutes on a busy machine.
t.setTimeout(900_000);

t.test('the playbook captures localhost, fetches the capture and checks it', async (t) => {
  const ansible = requireTool(t, 'ansible-playbook', 'Debian package ansible');
  const npm = requireTool(t, 'npm', 'Node.js npm');
  if (!ansible || !npm) return;
  const dir = tempDir('xenlint-ansible-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));

  const pack = spawnSync(npm, ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  t.equal(pack.status, 0, pack.status === 0 ? 'npm pack' : `npm pack: ${pack.stderr.slice(-2000)}`);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) return;

  const fakeBin = join(dir, 'bin');
  mkdirSync(fakeBin);
  copyFileSync(FAKE_XL, join(fakeBin, 'xl'));
  const vars = {
    xenlint_tarball: join(dir, tarball),
    xenlint_prefix: join(dir, 'prefix'),
    xenlint_work_dir: join(dir, 'work'),
    xenlint_fetch_dir: join(dir, 'captures'),
    xenlint_controller: [process.execPath, BIN],
    xenlint_report_format: 'json',
    xenlint_report: join(dir, 'report.json'),
  };
  const run = spawnSync(ansible, ['-i', 'localhost,', '-c', 'local', PLAYBOOK, '-e', JSON.stringify(vars)], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      // The fake xl first; node and npm from this test's own Node.js next.
      PATH: [fakeBin, dirname(process.execPath), process.env['PATH'] ?? ''].join(':'),
      ANSIBLE_HOME: join(dir, 'ansible-home'),
      ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: 'false',
      // The tarball's dependencies come from npm's cache when they are there.
      npm_config_prefer_offline: 'true',
      npm_config_update_notifier: 'false',
    },
    timeout: 600_000,
  });
  t.equal(run.status, 0, run.status === 0 ? 'ansible-playbook ran the playbook' : `ansible-playbook:\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`);
  t.match(run.stdout, /localhost\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/);

  t.ok(existsSync(join(vars.xenlint_prefix, 'bin/xenlint')), 'installed from the tarball into the prefix it was told');
  t.same(readdirSync(vars.xenlint_work_dir).sort(), ['capture', 'capture.tgz'], 'the work directory holds the capture and its archive, nothing else');

  const capture = join(vars.xenlint_fetch_dir, 'localhost');
  const manifest = JSON.parse(readFileSync(join(capture, '.xenlint/capture.json'), 'utf8'));
  t.equal(manifest.tool.name, 'xenlint', 'the fetched directory is a xenlint capture');
  t.ok(existsSync(join(capture, '.xenlint/commands/xl-info/stdout')), 'with the fake xl info in it');

  const report = JSON.parse(readFileSync(vars.xenlint_report, 'utf8'));
  t.equal(report.hosts.length, 1, 'the controller checked the fetched captures as a fleet');
  t.same(report.hosts[0].xen, { version: '4.4.1', source: 'xl info' }, 'the fake xl 4.4.1, read from the capture');

  const check = spawnSync(process.execPath, [BIN, 'check', '--root', capture, '--format', 'json'], { encoding: 'utf8' });
  t.ok(check.status === 0 || check.status === 1, `check --root reads the capture${check.stderr ? `: ${check.stderr}` : ''}`);
  const single = JSON.parse(check.stdout);
  t.same(single.xen, { version: '4.4.1', source: 'xl info' });
  t.notOk(single.checks.some((c: { status: string }) => c.status === 'error'), 'no check failed to run');
});
