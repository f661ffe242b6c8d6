/**
 * The pre-commit hooks as a new user meets them: the real `pre-commit try-repo`
 * against a clone of this repository at HEAD, on a throwaway git repository of
 * domU configs. pre-commit installs the hook itself (`npm install`, then
 * `npm pack`, whose stdout it takes as the tarball's name), so this also proves
 * that the build stays off npm pack's stdout.
 *
 * Each try-repo installs the hook afresh (about 40 s with a warm npm cache), so
 * the test makes two runs, each of both hooks.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../helpers/external-tool.js';
import { ROOT } from '../cli/run.js';
import { tempDir } from '../helpers/temp-dir.js';

t.setTimeout(600_000);

/** A git environment untouched by whatever git operation may be running this suite. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('GIT_') || k.startsWith('PRE_COMMIT')) delete env[k];
  env['GIT_AUTHOR_NAME'] = env['GIT_COMMITTER_NAME'] = 'xenlint test';
  env['GIT_AUTHOR_EMAIL'] = env['GIT_COMMITTER_EMAIL'] = 'test@example.invalid';
  env['GITHUB_ACTIONS'] = undefined;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, error: r.error };
}

/** pre-commit's output, one entry per hook: its status line and what it printed. */
function byHook(out: string): Map<string, { status: string; text: string }> {
  const hooks = new Map<string, { status: string; text: string }>();
  const parts = out.split(/^(xenlint \([^)]*\))\.+(Passed|Failed|Skipped).*$/m);
  // split with two groups: [before, name, status, text, name, status, text, ...]
  for (let i = 1; i < parts.length; i += 3) {
    hooks.set(parts[i]!, { status: parts[i + 1]!, text: parts[i + 2] ?? '' });
  }
  return hooks;
}

const pv = (name: string, mac: string) => `name = "${name}"
type = "pv"
kernel = "/boot/vmlinuz-6.1.0-xen"
memory = 1024
vcpus = 2
disk = [ 'phy:/dev/vg0/${name},xvda,w' ]
vif = [ 'mac=${mac},bridge=xenbr0' ]
`;

t.test('pre-commit try-repo: good configs pass, a bad one is blocked with its finding', async (t) => {
  const precommit = requireTool(t, 'pre-commit', 'Debian package pre-commit');
  const git = requireTool(t, 'git', 'Debian package git');
  if (!precommit || !git) return;
  const tmp = tempDir('xenlint-pre-commit-');
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const env = cleanEnv();

  // A clone of this repository at HEAD: what `repo:` points at for a user.
  const clone = join(tmp, 'xenlint');
  const cloned = run(git, ['clone', '--quiet', ROOT, clone], tmp, env);
  t.equal(cloned.code, 0, 'git clone', { output: cloned.out });

  const configs = join(tmp, 'configs');
  run(git, ['init', '--quiet', configs], tmp, env);
  writeFileSync(join(configs, 'web01.cfg'), pv('web01', '00:16:3e:00:00:01'));
  writeFileSync(join(configs, 'web02.cfg'), pv('web02', '00:16:3e:00:00:02'));
  writeFileSync(join(configs, 'README'), 'domU configs of the xenbr0 hosts\n');
  run(git, ['add', '.'], configs, env);
  t.equal(run(git, ['commit', '--quiet', '-m', 'two guests'], configs, env).code, 0);

  const good = run(precommit, ['try-repo', clone, '--files', 'web01.cfg', 'web02.cfg'], configs, env);
  t.equal(good.code, 0, 'good configs pass both hooks');
  const goodHooks = byHook(good.out);
  t.same([...goodHooks.keys()].sort(), ['xenlint (all domU configs)', 'xenlint (changed domU configs)'], 'both hooks ran', { output: good.out });
  for (const [name, h] of goodHooks) t.equal(h.status, 'Passed', name);

  // A new guest that copies web01's MAC, and one with a disk spec xl refuses.
  writeFileSync(join(configs, 'web03.cfg'), pv('web03', '00:16:3e:00:00:01'));
  writeFileSync(
    join(configs, 'bad.cfg'),
    `name = "bad"\nkernel = "/boot/vmlinuz-6.1.0-21-amd64"\nmemory = 512\ndisk = [ 'phy:/dev/vg0/bad,xvda,w,extra' ]\nvif = [ 'mac=00:16:3e:00:00:09,bridge=xenbr0' ]\n`,
  );
  run(git, ['add', '.'], configs, env);

  const bad = run(precommit, ['try-repo', clone, '--files', 'web03.cfg', 'bad.cfg'], configs, env);
  t.equal(bad.code, 1, 'the commit is blocked');
  const badHooks = byHook(bad.out);
  const changed = badHooks.get('xenlint (changed domU configs)');
  const all = badHooks.get('xenlint (all domU configs)');
  t.ok(changed && all, 'both hooks ran', { output: bad.out });
  if (!changed || !all) return;

  t.equal(changed.status, 'Failed');
  // xl stops at the disk and creates nothing: that disk is all there is to say about bad.cfg.
  t.match(changed.text, /bad\.cfg\n\s+4:10\s+error\s+bad: disk 1 "phy:\/dev\/vg0\/bad,xvda,w,extra": too many positional parameters.*disk-spec/);
  // The changed-files hook sees web03 alone, so the copied MAC goes unnoticed there ...
  t.notMatch(changed.text, /is also used by/);

  // ... and the whole-repository hook catches it.
  t.equal(all.status, 'Failed');
  t.match(all.text, /web03\.cfg\n\s+7:9\s+error\s+web03: vif 0 .*MAC 00:16:3e:00:00:01 is also used by web01/);
  t.match(all.text, /web01\.cfg\n\s+7:9\s+error\s+web01: vif 0 .*is also used by web03/);
  t.match(all.text, /disk-spec/);
  t.notMatch(all.text, /README/);
});
