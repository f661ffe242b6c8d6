/**
 * Plugins: ES modules that export `Check[]` (default export or a named `checks`).
 * A plugin is code, and xenlint is run on repositories it does not trust (a pull
 * request's checkout in CI), so loading one is the user's decision, never the
 * linted repository's:
 * - `--plugin PATH` on the command line loads that file;
 * - a config's `plugins:` load only when allowed: `allowPlugins: true` in a config
 *   named with `--config`, or XENLINT_ALLOW_PLUGINS=1 in the environment. A config
 *   found by walking up cannot allow itself; its plugins are then left out with one
 *   notice on stderr;
 * - a config's entries must be file paths inside its own directory (after symlinks):
 *   no URL (`data:`, `node:`, `http:`), no package name, no `..` or symlink out.
 * Each check's metadata is validated before anything runs; a broken plugin is a
 * usage error naming the plugin, never a crash. A check written for the first
 * contract (free-text `message` findings, no `messages`) is refused here with
 * what to change, before it runs.
 *
 * Nothing a plugin hands over is trusted to be what it claims: metadata and
 * findings are copied into plain data (a getter that throws, a cycle or a BigInt
 * is reported here, not met later by a formatter), and whatever its functions
 * throw — an Error, a string, `null`, an object whose `message` getter throws —
 * becomes an Error naming the plugin, the check and what was expected, which the
 * engine reports as that check's error.
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Check, Finding, Skip } from '../model/contract.js';
import { UsageError, type LoadedConfig } from './config.js';
import { compileOptionsSchema, describeErrors, validator } from './validators.js';

/** The environment variable that allows the plugins of any config (`1` or `true`). */
export const ALLOW_PLUGINS_ENV = 'XENLINT_ALLOW_PLUGINS';

const HOW_TO_ALLOW = `--plugin PATH, ${ALLOW_PLUGINS_ENV}=1, or allowPlugins: true in a file named with --config`;

/** A plugin entry as it appears in a message: short, and without control characters. */
export function showSpec(spec: string): string {
  const short = spec.length > 80 ? spec.slice(0, 60) : spec;
  const shown = /^[\x21-\x7e]+$/u.test(short) ? short : JSON.stringify(short);
  return spec.length > 80 ? `${shown}... (${spec.length} characters)` : shown;
}

/**
 * The real path of the module a plugin entry names, or a UsageError saying why it
 * may not be loaded. `inside`: the directory the file must stay in (a config's own),
 * or undefined for a path the user typed on the command line.
 */
export function pluginFile(spec: string, baseDir: string, inside: string | undefined): string {
  const where = `plugin ${showSpec(spec)}`;
  let path = spec;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(spec)?.[1];
  if (scheme !== undefined) {
    if (scheme.toLowerCase() !== 'file') {
      throw new UsageError(`${where}: is a ${scheme}: URL, not a file; plugins are ES module files${inside ? ` inside ${inside}` : ''}`);
    }
    try {
      path = fileURLToPath(spec);
    } catch {
      throw new UsageError(`${where}: not a usable file: URL`);
    }
  } else if (inside !== undefined && !(spec.startsWith('./') || spec.startsWith('../') || isAbsolute(spec))) {
    // import() would look a bare name up as an installed package: any package could run.
    throw new UsageError(`${where}: is not a file path (a package name?); name a file inside ${inside}, e.g. ${showSpec(`./${spec.replace(/^[./]+/, '')}`)}`);
  }
  const target = resolve(baseDir, path);
  if (inside !== undefined && !within(resolve(inside), target)) {
    throw new UsageError(`${where}: resolves to ${target}, outside ${inside}; a config's plugins must be files inside its own directory`);
  }
  let real: string;
  try {
    real = realpathSync(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${where}: cannot be loaded: ${code === 'ENOENT' ? `no such file ${target}` : `${target}: ${code ?? String(err)}`}`);
  }
  if (inside !== undefined && !within(realpathSync(inside), real)) {
    throw new UsageError(`${where}: resolves to ${real} through a symbolic link, outside ${inside}; a config's plugins must be files inside its own directory`);
  }
  if (!statSync(real).isFile()) throw new UsageError(`${where}: cannot be loaded: ${real} is not a file`);
  return real;
}

/** `path` is below `dir` (both absolute, normalised). */
function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

export interface PluginPlan {
  /** What to import: the entry as the user wrote it, and its real path. */
  load: Array<{ spec: string; file: string }>;
  /** The config's plugins were listed but not allowed: they are left out. */
  skipped: boolean;
  /** One line for stderr when plugins were left out. */
  notice?: string;
}

export interface PluginArgs {
  /** `--plugin PATH`, repeatable. */
  plugin?: string[] | string;
  /** false: `--no-plugins`. */
  plugins?: boolean;
  /** `--config FILE`: the config was named, not found. */
  config?: string;
}

function allowedByEnv(env: NodeJS.ProcessEnv): boolean {
  const v = env[ALLOW_PLUGINS_ENV]?.trim().toLowerCase();
  return v === '1' || v === 'true';
}

/** Which plugins this run loads, from the command line, the config and the environment. */
export function planPlugins(args: PluginArgs, loaded: LoadedConfig, cwd: string, env: NodeJS.ProcessEnv = process.env): PluginPlan {
  const named = ([] as unknown[]).concat(args.plugin ?? []).map(String);
  const listed = loaded.config.plugins ?? [];
  if (args.plugins === false) {
    if (named.length > 0) throw new UsageError('--plugin and --no-plugins contradict each other: give one');
    return { load: [], skipped: listed.length > 0 };
  }
  const load = named.map((spec) => ({ spec, file: pluginFile(spec, cwd, undefined) }));
  if (listed.length === 0) return { load: dedupe(load), skipped: false };
  const allowed = allowedByEnv(env) || (args.config !== undefined && loaded.config.allowPlugins === true);
  if (allowed) {
    for (const spec of listed) load.push({ spec, file: pluginFile(spec, loaded.dir, loaded.dir) });
    return { load: dedupe(load), skipped: false };
  }
  // Not allowed: entries the command line names anyway are loaded (once), the rest left out.
  const chosen = new Set(load.map((p) => p.file));
  const left = listed.filter((spec) => {
    try {
      return !chosen.has(pluginFile(spec, loaded.dir, loaded.dir));
    } catch {
      return true;
    }
  });
  if (left.length === 0) return { load: dedupe(load), skipped: false };
  const n = left.length;
  const why = args.config !== undefined ? 'it does not say allowPlugins: true' : 'a config found by walking up cannot allow its own code';
  return {
    load: dedupe(load),
    skipped: true,
    notice: `xenlint: note: ${n} ${n === 1 ? 'plugin' : 'plugins'} listed in ${loaded.file} not loaded: ${why}; plugins are code (allow them with ${HOW_TO_ALLOW})`,
  };
}

function dedupe(load: PluginPlan['load']): PluginPlan['load'] {
  const seen = new Set<string>();
  return load.filter((p) => !seen.has(p.file) && Boolean(seen.add(p.file)));
}

export async function loadPlugins(plan: PluginPlan['load']): Promise<Check[]> {
  const all: Check[] = [];
  for (const { spec, file } of plan) all.push(...(await loadPlugin(spec, file)));
  return all;
}

const CHECK_SHAPE = 'expected a check object: { id, title, severity, needs, sources, messages, and run(facts, ctx) or perGuest/hostOnly/summarize/fold/across }';
const EXPORT_SHAPE = 'expected a default export or `checks`: an array of checks';

async function loadPlugin(spec: string, file: string): Promise<Check[]> {
  const name = showSpec(spec);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`plugin ${name}: cannot be loaded: ${describeThrown(err).split('\n')[0]}`);
  }
  let list: unknown[] | undefined;
  try {
    const exported = mod['default'] ?? mod['checks'];
    list = Array.isArray(exported) ? [...(exported as unknown[])] : exported && typeof exported === 'object' ? [exported] : undefined;
  } catch (err) {
    throw new UsageError(`plugin ${name}: its export cannot be read: ${describeThrown(err)} (${EXPORT_SHAPE})`);
  }
  if (!list || list.length === 0) throw new UsageError(`plugin ${name}: exports no checks (${EXPORT_SHAPE})`);
  const validate = await validator('check');
  const checks: Check[] = [];
  for (const [i, c] of list.entries()) checks.push(await pluginCheck(name, i, c, validate));
  return checks;
}

type Validate = Awaited<ReturnType<typeof validator>>;
const FUNCTIONS = ['run', 'explain', 'hostOnly', 'perGuest', 'summarize', 'across'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

async function pluginCheck(name: string, i: number, c: unknown, validate: Validate): Promise<Check> {
  let where = `plugin ${name}: check ${i + 1}`;
  if (c === null || typeof c !== 'object') throw new UsageError(`${where}: is not an object but ${describeValue(c)} (${CHECK_SHAPE})`);
  const fns: Partial<Record<FunctionName, unknown>> = {};
  let fold: unknown;
  let meta: Record<string, unknown>;
  try {
    const rest: Record<string, unknown> = { ...(c as Record<string, unknown>) };
    for (const f of FUNCTIONS) {
      fns[f] = rest[f];
      delete rest[f];
    }
    fold = rest['fold'];
    delete rest['fold'];
    meta = plainData(rest) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`${where}: its metadata cannot be read as plain data: ${err instanceof NotPlain ? err.message : describeThrown(err)} (${CHECK_SHAPE}, with JSON values: no cycles, no getters that throw)`);
  }
  if (typeof meta['id'] === 'string') where += ` (${meta['id']})`;
  const messages = meta['messages'];
  if (messages === undefined || (messages !== null && typeof messages === 'object' && Object.keys(messages).length === 0)) {
    throw new UsageError(
      `${where}: declares no messages. A finding names one of its check's messages (messageId + data); ` +
        'free-text `message` findings (the first version of the check contract) are no longer accepted: declare each text as a template, ' +
        "e.g. messages: { 'image-file': '{{guest}}: disk {{vdev}} is an image file' }, and return { messageId: 'image-file', data: { guest, vdev }, … }",
    );
  }
  if (!validate(meta)) throw new UsageError(`${where}: invalid metadata:\n  ${describeErrors(validate.errors).join('\n  ')}`);
  // Version 2 (any of the parts) or version 1 (run over the whole facts): see cli/model/contract.ts.
  for (const f of FUNCTIONS) {
    if (fns[f] !== undefined && typeof fns[f] !== 'function') throw new UsageError(`${where}: ${f} must be a function`);
  }
  const folds = fold === undefined ? undefined : foldOf(where, fold);
  const hasPart = (['hostOnly', 'perGuest', 'summarize', 'across'] as const).some((f) => fns[f] !== undefined) || folds !== undefined;
  if (!hasPart && fns.run === undefined) {
    throw new UsageError(`${where}: has no run(facts, ctx) function and none of hostOnly, perGuest, summarize, fold, across`);
  }
  if (meta['options'] !== undefined) {
    try {
      // Kept for the config's options (optionsValidator): compiled once.
      await compileOptionsSchema(meta['options'] as object);
    } catch (err) {
      throw new UsageError(`${where}: its options schema cannot be compiled: ${describeThrown(err)} (expected a JSON Schema object)`);
    }
  }
  const check = { ...meta } as unknown as Check;
  const parts = check as unknown as Record<FunctionName, (...args: unknown[]) => unknown>;
  for (const f of FUNCTIONS) {
    const fn = fns[f];
    if (typeof fn !== 'function') continue;
    const call = (args: unknown[]): unknown => (fn as (...a: unknown[]) => unknown).apply(c, args);
    parts[f] =
      f === 'explain' ? (...args: unknown[]) => guardedLines(where, f, () => call(args))
      : f === 'summarize' ? (...args: unknown[]) => guardedCall(where, f, () => call(args))
      : (...args: unknown[]) => guardedFindings(where, f, () => call(args));
  }
  if (folds) {
    const { init, step, self } = folds;
    // The state is the plugin's own value, handed back to its own step and across: only what they throw is guarded.
    (check as Check<unknown, unknown>).fold = {
      init: (...args) => guardedCall(where, 'fold.init', () => init.apply(self, args)),
      step: (...args) => guardedCall(where, 'fold.step', () => step.apply(self, args)),
    };
  }
  return check;
}

/** A plugin's `fold`: an object with the functions init and step (see Fold in cli/model/contract.ts). */
function foldOf(where: string, fold: unknown): { init: (...args: unknown[]) => unknown; step: (...args: unknown[]) => unknown; self: object } {
  const shape = 'expected { init(host, ctx), step(state, summary) }';
  if (fold === null || typeof fold !== 'object') throw new UsageError(`${where}: fold must be an object (${shape}), not ${describeValue(fold)}`);
  let init: unknown;
  let step: unknown;
  try {
    ({ init, step } = fold as Record<string, unknown>);
  } catch (err) {
    throw new UsageError(`${where}: fold cannot be read: ${describeThrown(err)} (${shape})`);
  }
  for (const [f, fn] of [['init', init], ['step', step]] as const) {
    if (typeof fn !== 'function') throw new UsageError(`${where}: fold.${f} must be a function (${shape})`);
  }
  return { init: init as (...args: unknown[]) => unknown, step: step as (...args: unknown[]) => unknown, self: fold };
}

/** A summary is the plugin's own value, handed back to its own `across`: only what it throws is guarded. */
function guardedCall(where: string, f: string, call: () => unknown): unknown {
  try {
    return call();
  } catch (err) {
    throw new Error(`${where}: ${f}() threw ${describeThrown(err)}`);
  }
}

function guardedFindings(where: string, f: FunctionName, call: () => unknown): Finding[] | Skip {
  let result: unknown;
  try {
    result = plainData(call());
  } catch (err) {
    throw new Error(`${where}: ${f}() ${failure(err)} (expected an array of findings: plain objects, no cycles, no getters that throw)`);
  }
  if (Array.isArray(result)) {
    result.forEach((item: unknown, n) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new Error(`${where}: ${f}() returned item ${n + 1} that is ${describeValue(item)} (expected a finding object: { messageId, data, domain, file, line, ... })`);
      }
    });
  }
  return result as Finding[] | Skip;
}

function guardedLines(where: string, f: FunctionName, call: () => unknown): string[] {
  let result: unknown;
  try {
    result = plainData(call());
  } catch (err) {
    throw new Error(`${where}: ${f}() ${failure(err)} (expected an array of lines of text)`);
  }
  if (!Array.isArray(result)) throw new Error(`${where}: ${f}() returned ${describeValue(result)} (expected an array of lines of text)`);
  return result.map((line: unknown) => (typeof line === 'string' ? line : (JSON.stringify(line) ?? String(line))));
}

/** What went wrong: a throw inside the plugin's own code, or a result that is not plain data. */
function failure(err: unknown): string {
  return err instanceof NotPlain ? `returned what cannot be read as plain data: ${err.message}` : `threw ${describeThrown(err)}`;
}

class NotPlain extends Error {}

/**
 * A JSON copy: getters are called once, here; functions and undefined drop out.
 * Cycles, BigInts and getters that throw become a NotPlain error with the cause.
 */
function plainData(value: unknown): unknown {
  if (value === undefined || typeof value === 'function') return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new NotPlain(describeThrown(err).split('\n')[0]);
  }
  return text === undefined ? undefined : JSON.parse(text);
}

/** Whatever was thrown, described without trusting it: its own getters and toString may throw too. */
export function describeThrown(err: unknown): string {
  try {
    if (err instanceof Error) return `${String(err.name)}: ${String(err.message)}`;
    return describeValue(err);
  } catch {
    return 'a value that cannot be described (its properties throw)';
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `the ${typeof v} ${String(v)}`;
  if (typeof v === 'object') return 'an object that is not an Error';
  return `a ${typeof v}`;
}
