/**
 * Which files `lint` reads: the files named, and below each directory the domU
 * configs by extension. Also the small glob matcher the config's `dialects`
 * entries use (Node 20's path.matchesGlob is experimental and warns on stderr).
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export const CONFIG_EXTENSIONS = ['.cfg', '.xl', '.xm', '.hvm', '.pv'];

export interface Collected {
  files: string[];
  /** Paths that do not exist or cannot be read: reported, exit 2. */
  missing: Array<{ path: string; reason: string }>;
}

export async function collectConfigFiles(paths: string[]): Promise<Collected> {
  const files: string[] = [];
  const missing: Collected['missing'] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  for (const p of paths) {
    let s;
    try {
      s = await stat(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      missing.push({ path: p, reason: code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(code) });
      continue;
    }
    if (s.isDirectory()) {
      for (const f of await walk(p, missing)) add(f);
    } else {
      add(p);
    }
  }
  return { files, missing };
}

async function walk(dir: string, missing: Collected['missing']): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    missing.push({ path: dir, reason: String((err as NodeJS.ErrnoException).code) });
    return [];
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full, missing)));
    else if (e.isFile() && CONFIG_EXTENSIONS.some((x) => e.name.endsWith(x))) out.push(full);
  }
  return out;
}

/** `*` within a path segment, `**` across segments, `?` one character, `{a,b}` alternatives. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, end).split(',').map(escape).join('|')})`;
        i = end;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(s: string): string {
  return s.replace(/[.+^$()|[\]\\{}*?]/g, '\\$&');
}

/** Does `file` (relative to `base`) match the glob? A glob without `/` matches the base name anywhere. */
export function matchesGlob(file: string, glob: string, base: string): boolean {
  const rel = relative(base, file).split(sep).join('/');
  const target = glob.includes('/') ? rel : rel.slice(rel.lastIndexOf('/') + 1);
  return globToRegExp(glob).test(target);
}
