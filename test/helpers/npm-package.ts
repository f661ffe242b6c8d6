/**
 * The package as a release ships it, for the integration tests that install it
 * (npm-pack, plugin-api): `npm pack` of HEAD's tracked files (a `git archive`,
 * so nothing untracked or stale in dist/ rides along; node_modules borrowed so
 * that `prepare`, the build, can run), and `npm install --prefix` of the tarball
 * with dependencies from the registry or npm's cache.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from './external-tool.js';
import { ROOT } from './paths.js';

export const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program as a user's shell would, without what the test run's environment would change (CI annotations, loaders, plugin permission). */
export function runTool(cmd: string, args: string[], cwd: string): Ran {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['GITHUB_ACTIONS'];
  delete env['NODE_OPTIONS'];
  delete env['XENLINT_ALLOW_PLUGINS'];
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What packing and installing needs: git, npm and tar (each a skip outside CI, a failure in CI, when missing). */
export interface PackTools {
  git: string;
  npm: string;
  tar: string;
}

export function packTools(t: Parameters<typeof requireTool>[0]): PackTools | undefined {
  const git = requireTool(t, 'git', 'Debian package git');
  const npm = requireTool(t, 'npm', 'Debian package npm, or Node.js from nodejs.org');
  const tar = requireTool(t, 'tar', 'Debian package tar');
  return git && npm && tar ? { git, npm, tar } : undefined;
}

export interface Packed {
  /** npm pack's own result: its stdout is the tarball's name alone (pre-commit reads it so). */
  pack: Ran;
  /** Absolute path of the tarball. */
  tarball: string;
  /** The tarball's files, without tar's `package/` prefix. */
  files: string[];
}

/** `npm pack` of HEAD into `tmp` (HEAD's files extracted to tmp/src first). */
export function packHead(tools: PackTools, tmp: string): Packed {
  const src = join(tmp, 'src');
  mkdirSync(src);
  execFileSync('sh', ['-c', `"${tools.git}" -C "${ROOT}" archive --format=tar HEAD | "${tools.tar}" -x -C "${src}"`]);
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
  const pack = runTool(tools.npm, ['pack', '--pack-destination', tmp], src);
  const tarball = join(tmp, `${PKG.name}-${PKG.version}.tgz`);
  const listing = pack.code === 0 ? runTool(tools.tar, ['-tzf', tarball], tmp).stdout : '';
  const files = listing.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  return { pack, tarball, files };
}

/** `npm install --prefix` of the tarball (the prefix is created when absent); the installed bin is `prefix/node_modules/.bin/xenlint`. */
export function installInto(tools: PackTools, tarball: string, prefix: string, cwd: string): Ran {
  mkdirSync(prefix, { recursive: true });
  return runTool(tools.npm, ['install', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], cwd);
}
