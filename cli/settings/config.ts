/**
 * `.xenlintrc.yaml` / `.xenlintrc.json`: discovery and validation.
 *
 * Discovery walks up from the working directory and stops at the repository root
 * (the first directory holding `.git`), so a config above the repository never
 * leaks in. Anything the schema does not know is an error (exit 2), never ignored.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeErrors, validator } from './validators.js';
import type { Severity } from '../model/diagnostic.js';

export const CONFIG_NAMES = ['.xenlintrc.yaml', '.xenlintrc.yml', '.xenlintrc.json'] as const;

export type CheckSetting = 'off' | Severity | { enabled?: boolean; severity?: Severity; options?: Record<string, unknown> };

export interface XenlintConfig {
  xen?: string;
  failOn?: Severity;
  checks?: Record<string, CheckSetting>;
  plugins?: string[];
  /** Load `plugins` — counted only in a config named with --config (see cli/settings/plugins.ts). */
  allowPlugins?: boolean;
  dialects?: Array<{ files: string | string[]; dialect: 'xm' | 'xl' }>;
  /** Files `lint` leaves out, in .gitignore syntax, relative to the config file. */
  ignorePatterns?: string[];
  configDirs?: string[];
  autostartDir?: string;
  baseline?: string;
  /** Size and count limits on inputs and output (README "Limits"). */
  limits?: InputLimits;
}

/** The configurable limits: bytes per input kind, findings per check per file. */
export interface InputLimits {
  configBytes?: number;
  factsBytes?: number;
  baselineBytes?: number;
  /** `lint --cache`'s file: over it, the cache is not used. */
  cacheBytes?: number;
  findingsPerCheckPerFile?: number;
}

/** Reads the config file's text, or throws a UsageError naming it: cli/sources/read-input.ts, which refuses non-regular and oversized files. */
export type ReadConfigText = (file: string) => string;

export interface LoadedConfig {
  config: XenlintConfig;
  /** The file it came from; undefined when no config was found. */
  file?: string;
  /** Directory relative paths in the config (plugins, baseline, globs) are resolved against. */
  dir: string;
}

/**
 * Marks a UsageError across copies of this module: the installed bin is one bundle
 * per command (build/bundle.mjs), each with its own UsageError class, so a usage
 * error thrown in the lint bundle is no instance of the entry's class.
 */
const USAGE_ERROR = Symbol.for('xenlint.UsageError');

/** A problem the user must fix before xenlint can run: exit code 2. */
export class UsageError extends Error {
  readonly [USAGE_ERROR] = true;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A UsageError from any copy of this module (see USAGE_ERROR). */
export function isUsageError(err: unknown): err is UsageError {
  return err instanceof Error && (err as unknown as Record<symbol, unknown>)[USAGE_ERROR] === true;
}

/** The start directory and each parent up to the repository root (the first holding `.git`), or to `/`. */
function* upToRepositoryRoot(startDir: string): Generator<{ dir: string; isRoot: boolean }> {
  let dir = resolve(startDir);
  for (;;) {
    const isRoot = existsSync(join(dir, '.git'));
    yield { dir, isRoot };
    const parent = dirname(dir);
    if (isRoot || parent === dir) return;
    dir = parent;
  }
}

/** The nearest file with one of `names`, from `startDir` up to the repository root. */
function findUp(startDir: string, names: readonly string[]): string | undefined {
  for (const { dir } of upToRepositoryRoot(startDir)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export function findConfig(startDir: string): string | undefined {
  return findUp(startDir, CONFIG_NAMES);
}

export const IGNORE_FILE = '.xenlintignore';

/** The `.xenlintignore` that applies in `startDir`: found like the config, up to the repository root. */
export function findIgnoreFile(startDir: string): string | undefined {
  return findUp(startDir, [IGNORE_FILE]);
}

/** The repository root above `startDir` (the nearest directory holding `.git`), or undefined outside a repository. */
export function repositoryRoot(startDir: string): string | undefined {
  for (const { dir, isRoot } of upToRepositoryRoot(startDir)) if (isRoot) return dir;
  return undefined;
}

export async function loadConfig(opts: { cwd: string; file?: string; read: ReadConfigText }): Promise<LoadedConfig> {
  const file = opts.file ? resolve(opts.cwd, opts.file) : findConfig(opts.cwd);
  if (!file) return { config: {}, dir: opts.cwd };
  const text = opts.read(file);
  const data = await parseConfigText(text, file);
  const validate = await validator('config');
  if (!validate(data)) {
    // A check's entry is a severity or an object: when the object form has a deeper error
    // (an option), the "must be one of off, error, ..." of the other form is noise.
    const errors = validate.errors ?? [];
    const specific = errors.filter((e) => !errors.some((o) => o.instancePath.startsWith(`${e.instancePath}/`)));
    const lines = describeErrors(specific).filter((l) => !l.endsWith('must match a schema in anyOf'));
    throw new UsageError(`${file}: invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const config = data as XenlintConfig;
  for (const [i, rule] of (config.dialects ?? []).entries()) {
    for (const glob of typeof rule.files === 'string' ? [rule.files] : rule.files) {
      const why = globTooCostly(glob);
      if (why) throw new UsageError(`${file}: dialects[${i}].files: the glob ${JSON.stringify(glob.length > 80 ? `${glob.slice(0, 80)}…` : glob)} ${why}`);
    }
  }
  return { config, file, dir: dirname(file) };
}

/**
 * A glob becomes a regular expression (picomatch), and one with many wildcards
 * backtracks polynomially in the file name: eight `*` in one path segment took
 * 1.6 s on a 34-character name, ten never ended. The config may come from the
 * repository being linted, so its globs are bounded: with at most
 * GLOB_STARS_PER_SEGMENT stars in a segment (a segment is at most 255 bytes on
 * Linux) and GLOB_GLOBSTARS `**`, the worst name measured costs 0.4 ms a match
 * (three stars: 5 ms, which a repository of 10 000 crafted names turns into a minute).
 * Real mappings (`legacy/*.cfg`, `*-hvm.cfg`, two `**` levels) are far inside.
 */
const GLOB_STARS_PER_SEGMENT = 2;
const GLOB_GLOBSTARS = 2;
const GLOB_LENGTH = 1024;

function globTooCostly(glob: string): string | undefined {
  if (glob.length > GLOB_LENGTH) return `is ${glob.length} characters long (at most ${GLOB_LENGTH})`;
  const segments = glob.split('/');
  const globstars = segments.filter((s) => s === '**').length;
  if (globstars > GLOB_GLOBSTARS) return `has ${globstars} \`**\` (at most ${GLOB_GLOBSTARS}: more make matching cost grow with a power of the path's depth)`;
  for (const s of segments) {
    if (s === '**') continue;
    const stars = (s.match(/\*+/g) ?? []).length;
    if (stars > GLOB_STARS_PER_SEGMENT) return `has ${stars} wildcards \`*\` in the segment ${JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s)} (at most ${GLOB_STARS_PER_SEGMENT} per segment: more make matching cost grow with a power of the name's length)`;
  }
  return undefined;
}

async function parseConfigText(text: string, file: string): Promise<unknown> {
  if (file.endsWith('.json')) {
    try {
      return text.trim() === '' ? {} : JSON.parse(text);
    } catch (err) {
      throw new UsageError(`${file}: not valid JSON: ${(err as Error).message}`);
    }
  }
  const { loadYamlText } = await import('./yaml-text.js');
  const loaded = await loadYamlText(text, file);
  if (!loaded.ok) throw new UsageError(loaded.message);
  return loaded.data ?? {};
}

export interface CheckSettings {
  enabled: boolean;
  severity?: Severity;
  options?: Record<string, unknown>;
}

export function checkSettings(config: XenlintConfig, id: string): CheckSettings {
  const s = config.checks?.[id];
  if (s === undefined) return { enabled: true };
  if (s === 'off') return { enabled: false };
  if (typeof s === 'string') return { enabled: true, severity: s };
  const out: CheckSettings = { enabled: s.enabled ?? true };
  if (s.severity) out.severity = s.severity;
  if (s.options) out.options = s.options;
  return out;
}

/** The starter config `xenlint init` writes: every setting shown, commented. */
export const STARTER_CONFIG = `# xenlint configuration. Schema: schemas/config.schema.json in the xenlint package.
# Found by walking up from the working directory to the repository root.

# Xen version to check against when no host facts are given (--facts / --root).
# xen: "4.17"

# Lowest severity that makes xenlint exit 1: error | warning | info.
failOn: error

# Per-check settings: off | error | warning | info, or an object.
# checks:
#   scheduler: warning
#   hvm-disk-limit:
#     severity: error
#     options:
#       limitBytes: 137438953472   # 128 GiB (LBA28); the field notes say 160G
#   dom0-nvidia: off

# Extra checks: ES modules exporting an array of checks (see checks/api.ts),
# files inside this directory. Plugins are code: they load only when allowed
# (xenlint --plugin PATH, XENLINT_ALLOW_PLUGINS=1, or allowPlugins: true in a
# file named with --config).
# plugins:
#   - ./site-checks.js

# Force the toolstack dialect of some files (otherwise detected per file).
# dialects:
#   - files: "legacy/**/*.cfg"
#     dialect: xm

# Files \`xenlint lint\` leaves out (.gitignore syntax, relative to this file);
# a .xenlintignore file works the same way.
# ignorePatterns:
#   - "generated/"
#   - "*.example.cfg"

# Where \`xenlint check\` reads domU configs on a host.
# configDirs: [/etc/xen]
# autostartDir: /etc/xen/auto

# Accepted findings (written by --write-baseline); only new findings are shown.
# baseline: .xenlint-baseline.json
`;
