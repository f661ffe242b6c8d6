#!/usr/bin/env node
/**
 * Builds checks/data/config-keys.json: the top-level domU config keys each
 * toolstack reads, release by release, taken from Xen's own source.
 *
 *   node checks/data/build-key-table.mjs GIT_DIR > checks/data/config-keys.json
 *
 * GIT_DIR is a clone (bare is fine) of xen-project/xen with its release tags.
 * Not run in CI: the JSON it writes is committed, and test/checks/key-table.test.ts
 * holds it to facts read by hand from the same files.
 *
 * xl: at each release tag, the file holding parse_config_data
 * (tools/xl/xl_parse.c from 4.9, tools/libxl/xl_cmdimpl.c 4.1–4.8;
 * parse_config_file of tools/libxl/xl.c in 4.0). Every function reachable from it in
 * that file is scanned for libxlu calls that name a key as a string literal:
 * xlu_cfg_get_* and xlu_cfg_replace_string, also through macros
 * (`"device_model_args"#type`) and through local helpers that pass a key
 * parameter on. Keys of a device spec (vif, disk, vfb …) are parsed from the
 * spec string, not looked up in the config, so they are not top-level keys.
 *
 * xm: tools/python/xen/xm/create.py at the 3.x and 4.0–4.4 tags. xm's
 * opts.py load() runs the config and sets every top-level str/list/int/float
 * variable as an option value of the same name, so a config can set every
 * gopts.var and every gopts.opt whose name is a Python identifier; an option
 * spelt with '-' (vncviewer-autopass) is a command-line switch only. create.py
 * also reads a few names it never declares (`hasattr(vals, 'maxvcpus')`).
 */
import { execFileSync } from 'node:child_process';

const XL_RELEASES = ['4.0', ...Array.from({ length: 22 }, (_, i) => `4.${i + 1}`)].map((v) => ({ version: v, tag: `RELEASE-${v}.0` }));

/** No RELEASE-3.1…3.4 tags exist: the branch point of a release, or its last rc, stands for it. */
const XM_RELEASES = [
  { version: '3.0.0', tag: 'RELEASE-3.0.0' },
  { version: '3.0.2', tag: '3.0.2-branched' },
  { version: '3.0.3', tag: '3.0.3-branched' },
  { version: '3.0.4', tag: '3.0.4-branched' },
  { version: '3.1', tag: '3.1.0-branched' },
  { version: '3.2', tag: '3.2.0-rc6' },
  { version: '3.3', tag: '3.3.0-branched' },
  { version: '3.4', tag: '3.4.0-rc3' },
  ...['4.0', '4.1', '4.2', '4.3', '4.4'].map((v) => ({ version: v, tag: `RELEASE-${v}.0` })),
];

const XL_FILES = ['tools/xl/xl_parse.c', 'tools/libxl/xl_cmdimpl.c', 'tools/libxl/xl.c'];
const XM_FILE = 'tools/python/xen/xm/create.py';

function show(gitDir, tag, path) {
  try {
    return execFileSync('git', ['--git-dir', gitDir, 'show', `${tag}:${path}`], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** C source without comments; string and character literals kept as they are. */
function stripComments(src) {
  let out = '';
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      const comment = src.slice(i, end < 0 ? src.length : end + 2);
      out += comment.replace(/[^\n]/g, ' ');
      i = end < 0 ? src.length : end + 2;
    } else if (src.startsWith('//', i)) {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Function-like macros whose body talks to libxlu, expanded at their uses. */
function expandMacros(src) {
  const defs = [];
  const body = src.replace(/^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)((?:[^\n]*\\\n)*[^\n]*)/gm, (whole, name, params, text) => {
    if (/xlu_cfg_/.test(text)) defs.push({ name, params: params.split(',').map((p) => p.trim()), text: text.replace(/\\\n/g, ' ') });
    return whole.replace(/[^\n]/g, ' ');
  });
  let out = body;
  for (const d of defs) {
    out = out.replace(new RegExp(`\\b${d.name}\\s*\\(([^()]*)\\)`, 'g'), (_, args) => {
      const values = args.split(',').map((a) => a.trim());
      let text = d.text;
      d.params.forEach((p, k) => {
        const v = values[k] ?? '';
        if (!p) return;
        text = text.replace(new RegExp(`"\\s*#\\s*${p}\\b`, 'g'), `${v}"`).replace(new RegExp(`\\s*##\\s*${p}\\b`, 'g'), v).replace(new RegExp(`\\b${p}\\b`, 'g'), v);
      });
      return text;
    });
  }
  return out;
}

/** Top-level function definitions: name, parameter names and body. */
function functions(src) {
  const found = new Map();
  let depth = 0;
  let headerStart = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c === '{') {
      if (depth === 0) {
        const header = src.slice(headerStart, i);
        const m = /(\w+)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$/.exec(header);
        if (m && !/=\s*$/.test(header) && !/\b(struct|enum|union)\s+\w*\s*$/.test(header)) {
          const start = i;
          let d = 0;
          let j = i;
          for (; j < src.length; j++) {
            const cj = src[j];
            if (cj === '"' || cj === "'") {
              let k = j + 1;
              while (k < src.length && src[k] !== cj) k += src[k] === '\\' ? 2 : 1;
              j = k;
              continue;
            }
            if (cj === '{') d++;
            else if (cj === '}' && --d === 0) break;
          }
          const params = m[2].split(',').map((p) => (/(\w+)\s*(\[[^\]]*\])?\s*$/.exec(p.trim()) ?? [])[1]).filter(Boolean);
          found.set(m[1], { name: m[1], params, body: src.slice(start, j + 1) });
          i = j;
          headerStart = j + 1;
          continue;
        }
      }
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) headerStart = i + 1;
    } else if (c === ';' && depth === 0) {
      headerStart = i + 1;
    }
  }
  return found;
}

/** Splits a call's argument text at top-level commas. */
function splitArgs(text) {
  const args = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      cur += text.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      args.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) args.push(cur.trim());
  return args;
}

/** Offsets inside string or character literals, where a name is text, not code. */
function literalOffsets(text) {
  const inside = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '"' && c !== "'") continue;
    let j = i + 1;
    while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
    inside.fill(1, i, Math.min(j + 1, text.length));
    i = j;
  }
  return inside;
}

/** Every call `name(...)` in a body (not in a string), with its arguments. */
function* calls(body, name) {
  const inside = literalOffsets(body);
  const re = new RegExp(`\\b${name}\\s*\\(`, 'g');
  for (let m; (m = re.exec(body)); ) {
    if (inside[m.index]) continue;
    let depth = 1;
    let j = re.lastIndex;
    for (; j < body.length && depth > 0; j++) {
      const c = body[j];
      if (c === '"' || c === "'") {
        let k = j + 1;
        while (k < body.length && body[k] !== c) k += body[k] === '\\' ? 2 : 1;
        j = k;
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')') depth--;
    }
    yield { fn: m[0].replace(/\s*\($/, ''), args: splitArgs(body.slice(re.lastIndex, j - 1)) };
  }
}

/** xl's domain-config parser: parse_config_data from 4.1, parse_config_file in 4.0. */
const ENTRY_POINTS = ['parse_config_data', 'parse_config_file'];

const LIBXLU_KEY_READERS = /^xlu_cfg_(get_\w+|replace_string)$/;

function literal(arg) {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(arg);
  return m ? m[1] : undefined;
}

/** The keys xl's parse_config_data reads, and notes on calls whose key is not a literal. */
export function xlKeys(source) {
  const src = expandMacros(stripComments(source));
  const fns = functions(src);
  const entry = ENTRY_POINTS.find((e) => fns.has(e));
  if (entry === undefined) throw new Error(`none of ${ENTRY_POINTS.join(', ')}`);
  // Reachable functions, from the entry point through calls of functions defined in this file.
  const reach = new Set([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const f = fns.get(queue.shift());
    const inside = literalOffsets(f.body);
    for (const m of f.body.matchAll(/\b(\w+)\s*\(/g)) {
      if (inside[m.index]) continue;
      if (fns.has(m[1]) && !reach.has(m[1])) {
        reach.add(m[1]);
        queue.push(m[1]);
      }
    }
  }
  const keys = new Set();
  const unresolved = [];
  // Helpers that hand one of their parameters to libxlu as the key: name -> parameter index.
  const keyParams = new Map();
  for (const name of reach) {
    const f = fns.get(name);
    for (const fnName of new Set([...f.body.matchAll(/\b(xlu_cfg_\w+)\s*\(/g)].map((m) => m[1]))) {
      if (!LIBXLU_KEY_READERS.test(fnName) || fnName.startsWith('xlu_cfg_get_listitem')) continue;
      for (const call of calls(f.body, fnName)) {
        const key = literal(call.args[1] ?? '');
        if (key !== undefined) keys.add(key);
        else if (f.params.includes(call.args[1])) keyParams.set(name, f.params.indexOf(call.args[1]));
        else unresolved.push(`${name}: ${fnName}(${call.args.join(', ')})`);
      }
    }
  }
  for (const [helper, index] of keyParams) {
    for (const name of reach) {
      for (const call of calls(fns.get(name).body, helper)) {
        const key = literal(call.args[index] ?? '');
        if (key !== undefined) keys.add(key);
        else if (!fns.get(name).params.includes(call.args[index])) unresolved.push(`${name}: ${helper}(${call.args.join(', ')})`);
      }
    }
  }
  return { keys: [...keys].sort(), unresolved };
}

/**
 * gopts.var and gopts.opt names of xm's create.py that a config file can set,
 * and the names create.py looks up on the option values without declaring
 * them (`hasattr(vals, 'maxvcpus')`, 4.0–4.4).
 */
export function xmKeys(source) {
  const keys = new Set();
  const commandLineOnly = [];
  for (const m of source.matchAll(/^gopts\.(var|opt)\(\s*'([^']+)'/gm)) {
    if (/^[A-Za-z_]\w*$/.test(m[2])) keys.add(m[2]);
    else commandLineOnly.push(m[2]);
  }
  for (const m of source.matchAll(/\b(?:has|get)attr\(\s*vals\s*,\s*'([A-Za-z_]\w*)'/g)) keys.add(m[1]);
  return { keys: [...keys].sort(), commandLineOnly };
}

/** Per key: the releases that read it, as first/last plus the gaps between. */
function history(perRelease, releases) {
  const all = new Set(perRelease.flatMap((r) => r.keys));
  const out = {};
  for (const key of [...all].sort()) {
    const present = releases.map((r, i) => perRelease[i].keys.includes(key));
    const first = present.indexOf(true);
    const last = present.lastIndexOf(true);
    const gaps = releases.filter((_, i) => i > first && i < last && !present[i]).map((r) => r.version);
    out[key] = { first: releases[first].version, last: releases[last].version, ...(gaps.length > 0 ? { missing: gaps } : {}) };
  }
  return out;
}

/**
 * JSON with one release and one key per line, so a regenerated table diffs line by line. A key is
 * one string, `name first last [missing…]` (its history as history() makes it): an object per key
 * made the bundle build 300 objects and a 127-property one on every start (issue 14), where an
 * array of strings is one copy (checks/lib/key-table.ts reads a key's line when asked).
 */
export function format(table) {
  const lines = ['{', `  "$comment": ${JSON.stringify(table.$comment)},`];
  const stacks = ['xl', 'xm'];
  stacks.forEach((name, s) => {
    const { releases, keys } = table[name];
    lines.push(`  "${name}": {`, '    "releases": [');
    releases.forEach((r, i) => lines.push(`      ${JSON.stringify(r)}${i < releases.length - 1 ? ',' : ''}`));
    lines.push('    ],', '    "keys": [');
    const entries = Object.entries(keys).map(([k, h]) => [k, h.first, h.last, ...(h.missing ?? [])].join(' '));
    entries.forEach((line, i) => lines.push(`      ${JSON.stringify(line)}${i < entries.length - 1 ? ',' : ''}`));
    lines.push('    ]', `  }${s < stacks.length - 1 ? ',' : ''}`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function main() {
  const gitDir = process.argv[2];
  if (!gitDir) {
    process.stderr.write('usage: node checks/data/build-key-table.mjs GIT_DIR > checks/data/config-keys.json\n');
    process.exit(2);
  }
  const xl = XL_RELEASES.map((r) => {
    for (const file of XL_FILES) {
      const text = show(gitDir, r.tag, file);
      if (text === undefined || !ENTRY_POINTS.some((e) => text.includes(`${e}(`))) continue;
      try {
        const { keys, unresolved } = xlKeys(text);
        for (const u of unresolved) process.stderr.write(`xl ${r.tag}:${file}: key not a literal: ${u}\n`);
        return { ...r, file, keys };
      } catch {
        continue;
      }
    }
    throw new Error(`${r.tag}: no ${ENTRY_POINTS.join(' or ')} in ${XL_FILES.join(', ')}`);
  });
  const xm = XM_RELEASES.map((r) => {
    const text = show(gitDir, r.tag, XM_FILE);
    if (text === undefined) throw new Error(`${r.tag}: no ${XM_FILE}`);
    const { keys, commandLineOnly } = xmKeys(text);
    for (const c of commandLineOnly) process.stderr.write(`xm ${r.tag}: command-line only: ${c}\n`);
    return { ...r, file: XM_FILE, keys };
  });
  const table = {
    $comment: 'Generated by checks/data/build-key-table.mjs from xen-project/xen; do not edit by hand.',
    xl: {
      releases: xl.map(({ version, tag, file, keys }) => ({ version, tag, file, count: keys.length })),
      keys: history(xl, XL_RELEASES),
    },
    xm: {
      releases: xm.map(({ version, tag, file, keys }) => ({ version, tag, file, count: keys.length })),
      keys: history(xm, XM_RELEASES),
    },
  };
  process.stdout.write(format(table));
}

if (import.meta.url === `file://${process.argv[1]}`) main();
