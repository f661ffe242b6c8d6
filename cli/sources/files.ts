/**
 * Which files `lint` reads, the way linter users expect: files named, domU
 * configs by extension below each directory named, and globs — quoted
 * (`'configs/**\/*.cfg'`), with `{a,b}`, `[ab]` or a `./` prefix — matched by
 * picomatch, so a quoted glob lints what the shell would have expanded. What
 * `.xenlintignore` and the config's `ignorePatterns` exclude (gitignore syntax,
 * read by the `ignore` package ESLint uses) is left out, even when named.
 * Also the glob test the config's `dialects` entries use.
 */
// Sync calls: a path or directory listing is needed before anything else can go on, and
// node:fs/promises costs `lint one.cfg` ~4 M instructions of start-up to load (issue 14).
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';

export const CONFIG_EXTENSIONS = ['.cfg', '.xl', '.xm', '.hvm', '.pv'];

export interface Collected {
  files: string[];
  /** Paths that do not exist or cannot be read, and globs that match nothing (`unmatched`): reported, exit 2. */
  missing: Array<{ path: string; reason: string; unmatched?: true }>;
  /** Files named on the command line (or matched by a glob) that an ignore rule excludes. */
  ignored: string[];
}

/** Gitignore-style rules, each set relative to the directory it was written for. */
export interface IgnoreSource {
  /** The directory the patterns are relative to: where `.xenlintignore` or the config file is. */
  dir: string;
  patterns: string[];
  /** Where the patterns come from, for messages. */
  origin: string;
}

export class IgnoreRules {
  private readonly sets: Array<{ dir: string; ig: Ignore }>;

  constructor(sources: IgnoreSource[] = []) {
    this.sets = sources.map((s) => ({ dir: s.dir, ig: ignore().add(s.patterns) }));
  }

  /** Is `path` (relative to cwd, or absolute) excluded? `isDir` lets patterns ending in `/` match. */
  ignores(path: string, cwd: string, isDir = false): boolean {
    for (const { dir, ig } of this.sets) {
      const rel = relative(dir, isAbsolute(path) ? path : join(cwd, path));
      if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) continue;
      const posix = rel.split(sep).join('/');
      if (ig.ignores(isDir ? `${posix}/` : posix)) return true;
    }
    return false;
  }
}

/** Does the argument ask for glob matching? (A path that exists is taken literally first.) */
export function isGlob(arg: string): boolean {
  return picomatch.scan(stripDotSlash(arg)).isGlob;
}

function stripDotSlash(p: string): string {
  return p.replace(/^(?:\.\/)+(?=.)/, '');
}

function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(code ?? err);
}

/**
 * Told once, as soon as the collection has found `files` files: a run that
 * sizes its heap for many files (lint's leanHeap) must do it before the list
 * is made. V8 grows the young generation while the list's strings survive
 * scavenges, and never gives it back: at 100 000 configs it was 32 MiB of RSS
 * through the whole run (issue 14; lint's LEAN_LIST_FILES).
 */
export interface ManyFiles {
  files: number;
  reached: () => void;
}

/** Counts the files found, for ManyFiles. */
class Found {
  private n = 0;
  constructor(private readonly many: ManyFiles | undefined) {}
  one(): void {
    if (++this.n === this.many?.files) this.many.reached();
  }
}

export async function collectConfigFiles(paths: string[], rules = new IgnoreRules(), cwd = process.cwd(), many?: ManyFiles): Promise<Collected> {
  const out: Collected = { files: [], missing: [], ignored: [] };
  const seen = new Set<string>();
  const found = new Found(many);
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      out.files.push(f);
    }
  };
  for (const p of paths) {
    let s;
    try {
      s = statSync(isAbsolute(p) ? p : join(cwd, p));
    } catch (err) {
      if (isGlob(p)) {
        await expandGlob(p, rules, cwd, out, add, found);
        continue;
      }
      out.missing.push({ path: p, reason: reasonOf(err) });
      continue;
    }
    if (rules.ignores(p, cwd, s.isDirectory())) {
      out.ignored.push(p);
    } else if (s.isDirectory()) {
      for (const f of await walk(p, rules, cwd, out.missing, found)) add(f);
    } else {
      found.one();
      add(p);
    }
  }
  return out;
}

/** Every file (and directory, walked for configs) the glob matches, as the shell would list them. */
async function expandGlob(pattern: string, rules: IgnoreRules, cwd: string, out: Collected, add: (f: string) => void, found: Found): Promise<void> {
  const glob = stripDotSlash(pattern);
  const scan = picomatch.scan(glob);
  const base = scan.base === '' ? '.' : scan.base;
  const depth = scan.glob.includes('**') ? Number.POSITIVE_INFINITY : scan.glob.split('/').length;
  // posix: shell bracket expressions, `[!a]` and `[[:digit:]]` included.
  const isMatch = picomatch(glob, { dot: false, posix: true });
  const before = out.files.length + out.ignored.length;
  const visit = async (dir: string, level: number): Promise<void> => {
    let entries;
    try {
      entries = readdirSync(isAbsolute(dir) ? dir : join(cwd, dir), { withFileTypes: true });
    } catch (err) {
      if (dir !== base) out.missing.push({ path: dir, reason: reasonOf(err) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = dir === '.' ? e.name : join(dir, e.name);
      const shown = full.split(sep).join('/');
      if (e.isDirectory()) {
        if (e.name.startsWith('.') || e.name === 'node_modules' || rules.ignores(full, cwd, true)) continue;
        if (isMatch(shown)) {
          for (const f of await walk(full, rules, cwd, out.missing, found)) add(f);
        } else if (level + 1 < depth) {
          await visit(full, level + 1);
        }
      } else if (e.isFile() && isMatch(shown)) {
        if (rules.ignores(full, cwd)) out.ignored.push(full);
        else {
          found.one();
          add(flat(full));
        }
      }
    }
  };
  await visit(base, 0);
  if (out.files.length + out.ignored.length === before) out.missing.push({ path: pattern, reason: 'no file matches this pattern', unmatched: true });
}

/**
 * `path` as one flat string. path.join builds its result piece by piece, a
 * tree of V8 cons strings of ~430 bytes a path until something reads it
 * whole; the list of files lives the whole run, and at 100 000 configs the
 * trees were 43 MiB of live heap before the first file was read (issue 14),
 * 10 MiB flat. Reading one character makes V8 flatten it.
 */
function flat(path: string): string {
  path.charCodeAt(0);
  return path;
}

/** The domU configs below `dir`, by extension, in name order; dot-directories, node_modules and ignored paths left out. */
async function walk(dir: string, rules: IgnoreRules, cwd: string, missing: Collected['missing'], found: Found): Promise<string[]> {
  let entries;
  try {
    entries = readdirSync(isAbsolute(dir) ? dir : join(cwd, dir), { withFileTypes: true });
  } catch (err) {
    missing.push({ path: dir, reason: reasonOf(err) });
    return [];
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      // Appended one by one: a spread of a folder of 200 000 configs into push() overflows the stack.
      if (!rules.ignores(full, cwd, true)) for (const f of await walk(full, rules, cwd, missing, found)) out.push(f);
    } else if (e.isFile() && CONFIG_EXTENSIONS.some((x) => e.name.endsWith(x)) && !rules.ignores(full, cwd)) {
      found.one();
      out.push(flat(full));
    }
  }
  return out;
}

const matchers = new Map<string, picomatch.Matcher>();

/**
 * Does `file` (relative to `base`) match the glob? As in .gitignore and ESLint's
 * old `ignorePatterns`, a glob without `/` matches the base name at any depth.
 */
export function matchesGlob(file: string, glob: string, base: string): boolean {
  const rel = relative(base, file).split(sep).join('/');
  let isMatch = matchers.get(glob);
  if (!isMatch) {
    isMatch = picomatch(stripDotSlash(glob), { dot: true, posix: true });
    matchers.set(glob, isMatch);
  }
  // picomatch's own `basename` option also changes how patterns with a slash match.
  return isMatch(glob.includes('/') ? rel : rel.slice(rel.lastIndexOf('/') + 1));
}
