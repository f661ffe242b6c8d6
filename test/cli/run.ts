/**
 * Runs xenlint's command line in a directory and returns what it did: the built
 * CLI (dist/, as users get it) in a child process (`xenlint`), or the same
 * command line in this process (`inProcess`), which saves a Node start-up per
 * run.
 */
import { spawnSync } from 'node:child_process';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT as REPO } from '../helpers/paths.js';
import { main } from '../../cli/commands/main.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The repository root, with a trailing slash. */
export const ROOT = `${REPO}/`;
export const BIN = join(ROOT, 'dist/cli/xenlint.js');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
}

/** The environment a test run gets: the test's own, without what would change the output, plus `extra`. */
function environment(base: NodeJS.ProcessEnv, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // XENLINT_ALLOW_PLUGINS from the shell running the tests would load plugins the tests expect left out.
  const env: Record<string, string | undefined> = {
    ...base,
    NO_COLOR: '1',
    GITHUB_ACTIONS: undefined,
    FORCE_COLOR: undefined,
    XENLINT_ALLOW_PLUGINS: undefined,
    ...extra,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
}

const TEMP_VARS = ['TMPDIR', 'TMP', 'TEMP'];

/**
 * os.tmpdir() reads the process's own environment, not the object
 * `process.env` is replaced with: a test's TMPDIR is set there too (the
 * original `process.env` writes through), and the returned function puts
 * back what was there.
 */
function useRealTempVars(real: NodeJS.ProcessEnv, extra: Record<string, string | undefined> = {}): () => void {
  const before = TEMP_VARS.map((k) => [k, real[k]] as const);
  const put = (k: string, v: string | undefined) => {
    if (v === undefined) delete real[k];
    else real[k] = v;
  };
  for (const k of TEMP_VARS) if (k in extra) put(k, extra[k]);
  return () => {
    for (const [k, v] of before) put(k, v);
  };
}

export function xenlint(args: string[], opts: RunOptions = {}): Ran {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: environment(process.env, opts.env),
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: 60_000,
    // Node's default (1 MiB) kills a child whose report is bigger: the streaming test's SARIF
    // crosses it when the repository's path (in every rule's help URI) is a few characters longer.
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Thrown in place of process.exit() during an in-process run: the command stops there, as the process would. */
class Exit extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

let previous: Promise<unknown> = Promise.resolve();

/**
 * `xenlint(args, opts)` without a child process: the command line of
 * cli/commands/main.ts run here, with the working directory, the environment,
 * process.stdout/stderr (and console), process.exit and the exit code swapped in
 * for the run and put back after it. The streams are replaced, not patched, so
 * that tap, which holds the real stdout, keeps writing its own output there.
 * Runs one at a time (they share the process). Not for runs that read stdin, or
 * that load a plugin module a test rewrites between runs or whose import a test
 * watches (Node imports a module once per process): those spawn.
 */
export function inProcess(args: string[], opts: Omit<RunOptions, 'input'> = {}): Promise<Ran> {
  const result = previous.then(() => runHere(args, opts));
  previous = result.catch(() => undefined);
  return result;
}

/** A stream that keeps what is written to it. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function runHere(args: string[], opts: Omit<RunOptions, 'input'>): Promise<Ran> {
  const streams = { stdout: Object.getOwnPropertyDescriptor(process, 'stdout')!, stderr: Object.getOwnPropertyDescriptor(process, 'stderr')! };
  const saved = { cwd: process.cwd(), env: process.env, exitCode: process.exitCode, exit: process.exit, console: { log: console.log, info: console.info, warn: console.warn, error: console.error } };
  const out = collector();
  const err = collector();
  let code: number;
  let realTemp: (() => void) | undefined;
  try {
    process.chdir(opts.cwd ?? ROOT);
    process.env = environment(saved.env, opts.env);
    realTemp = useRealTempVars(saved.env, opts.env);
    process.exitCode = undefined;
    process.exit = ((c?: number | string | null) => {
      throw new Exit(Number(c ?? process.exitCode ?? 0));
    }) as typeof process.exit;
    Object.defineProperty(process, 'stdout', { configurable: true, enumerable: true, get: () => out.stream });
    Object.defineProperty(process, 'stderr', { configurable: true, enumerable: true, get: () => err.stream });
    const local = new Console({ stdout: out.stream, stderr: err.stream });
    Object.assign(console, { log: local.log.bind(local), info: local.info.bind(local), warn: local.warn.bind(local), error: local.error.bind(local) });
    try {
      await main(args);
      code = Number(process.exitCode ?? 0);
    } catch (e) {
      if (!(e instanceof Exit)) throw e;
      code = e.code;
    }
  } finally {
    Object.assign(console, saved.console);
    Object.defineProperty(process, 'stdout', streams.stdout);
    Object.defineProperty(process, 'stderr', streams.stderr);
    process.exit = saved.exit;
    process.exitCode = saved.exitCode;
    process.env = saved.env;
    realTemp?.();
    process.chdir(saved.cwd);
  }
  return { code, stdout: out.text(), stderr: err.text() };
}

/** A scratch directory (with a .git so config discovery stops there) holding the given files; removed when the test process exits. */
export function scratch(files: Record<string, string>): string {
  const dir = tempDir('xenlint-test-');
  mkdirSync(join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
