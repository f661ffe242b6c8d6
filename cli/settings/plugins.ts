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
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Check } from '../model/contract.js';
import { UsageError, type LoadedConfig } from './config.js';
import { describeErrors, validator } from './validators.js';

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

async function loadPlugin(spec: string, file: string): Promise<Check[]> {
  const name = showSpec(spec);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`plugin ${name}: cannot be loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const exported = mod['default'] ?? mod['checks'];
  const list = Array.isArray(exported) ? exported : exported && typeof exported === 'object' ? [exported] : undefined;
  if (!list || list.length === 0) {
    throw new UsageError(`plugin ${name}: exports no checks (expected a default export or \`checks\`: an array of checks)`);
  }
  const validate = await validator('check');
  return list.map((c, i) => {
    const where = `plugin ${name}: check ${i + 1}${c && typeof c === 'object' && typeof c.id === 'string' ? ` (${c.id})` : ''}`;
    if (!c || typeof c !== 'object') throw new UsageError(`${where}: is not an object`);
    const { run, explain, hostOnly, perGuest, summarize, across, ...meta } = c as Record<string, unknown>;
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
    const parts = { hostOnly, perGuest, summarize, across };
    for (const [name, fn] of Object.entries(parts)) {
      if (fn !== undefined && typeof fn !== 'function') throw new UsageError(`${where}: ${name} must be a function`);
    }
    const hasPart = Object.values(parts).some((fn) => fn !== undefined);
    if (!hasPart && typeof run !== 'function') {
      throw new UsageError(`${where}: has no run(facts, ctx) function and none of hostOnly, perGuest, summarize, across`);
    }
    if (run !== undefined && typeof run !== 'function') throw new UsageError(`${where}: run must be a function`);
    if (explain !== undefined && typeof explain !== 'function') throw new UsageError(`${where}: explain must be a function`);
    return c as Check;
  });
}
