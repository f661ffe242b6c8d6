/** Runs the built CLI (dist/, as users get it) in a directory and returns what it did. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT as REPO } from '../helpers/paths.js';

/** The repository root, with a trailing slash. */
export const ROOT = `${REPO}/`;
export const BIN = join(ROOT, 'dist/cli/xenlint.js');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function xenlint(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): Ran {
  // XENLINT_ALLOW_PLUGINS from the shell running the tests would load plugins the tests expect left out.
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    GITHUB_ACTIONS: undefined,
    FORCE_COLOR: undefined,
    XENLINT_ALLOW_PLUGINS: undefined,
    ...opts.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A scratch directory (with a .git so config discovery stops there) holding the given files. */
export function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'xenlint-test-'));
  mkdirSync(join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
