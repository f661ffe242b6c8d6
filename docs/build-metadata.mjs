#!/usr/bin/env node
// Writes what each check's metadata says (id, title, severity, Xen range, needs,
// options and their defaults) into the three places that repeat it, so it is written
// once, in the check:
//   - docs/rules/<id>.md: the heading and header table, between the markers below
//     (the prose after the end marker is hand-written and kept);
//   - README.md: the table of checks, between the markers below;
//   - schemas/config.schema.json: one entry per check id under `checks`, with the
//     check's own options schema, so editors complete ids and options.
//
//   npm run gen                           build, then rewrite the files
//   node docs/build-metadata.mjs --check  list the files that differ; exit 1 if any
//
// The checks come from dist/ (npm run gen builds first). test/docs.test.ts runs the
// same functions over the checks from source and fails when a committed file differs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const DOC_BEGIN = "<!-- generated from the check's metadata by `npm run gen`: edit the check, not this block -->";
export const DOC_END = '<!-- end of generated block: the rest of the page is written by hand -->';
export const README_BEGIN = "<!-- checks table: generated from the checks' metadata by `npm run gen` -->";
export const README_END = '<!-- end of checks table -->';

const NEEDS = {
  host: "host facts (`xl info`/`xm info`)",
  dom0: 'dom0 facts',
  domains: 'domU configs',
};

function sentence(text) {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function code(value) {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

/** Table cells hold one line, and a `|` would end the cell. */
function cell(text) {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function optionsCell(check) {
  const props = check.options?.properties ?? {};
  const names = Object.keys(props);
  if (names.length === 0) return 'none';
  return names
    .map((name) => {
      const has = check.defaults !== undefined && Object.hasOwn(check.defaults, name);
      const def = has ? ` (default ${code(check.defaults[name])})` : '';
      const what = props[name].description ? `: ${props[name].description}` : '';
      return `${code(name)}${def}${what}`;
    })
    .join('; ');
}

/** The generated top of docs/rules/<id>.md: heading, markers, title, header table. */
export function renderDocHeader(check) {
  const needs = check.needs.length > 0 ? check.needs.map((n) => NEEDS[n] ?? n).join('; ') : 'nothing but the Xen version';
  return [
    `# ${check.id}`,
    '',
    DOC_BEGIN,
    '',
    cell(sentence(check.title)),
    '',
    '| | |',
    '|---|---|',
    `| Severity | ${check.severity} |`,
    `| Xen versions | ${check.xen ? code(check.xen) : 'all'} |`,
    `| Needs | ${cell(needs)} |`,
    `| Options | ${cell(optionsCell(check))} |`,
    '',
    DOC_END,
    '',
  ].join('\n');
}

/**
 * The page with its generated top replaced. A page without the markers (the shape
 * before generation: heading, title paragraph, header table) has that top replaced,
 * so `npm run gen` also converts a page written by hand.
 */
export function updateDocPage(text, check) {
  const end = text.indexOf(DOC_END);
  let rest;
  if (end >= 0) {
    rest = text.slice(end + DOC_END.length);
  } else {
    const lines = text.split('\n');
    const tableEnd = lines.findIndex((l, i) => l.startsWith('|') && !(lines[i + 1] ?? '').startsWith('|'));
    const firstSection = lines.findIndex((l) => l.startsWith('## '));
    const cut = tableEnd >= 0 && (firstSection < 0 || tableEnd < firstSection) ? tableEnd + 1 : 1;
    rest = `\n${lines.slice(cut).join('\n')}`;
  }
  return renderDocHeader(check) + rest.replace(/^\n+/, '\n');
}

/** README's table of checks. */
export function renderReadmeTable(checks) {
  return [
    '| check | severity | Xen | what it catches |',
    '|---|---|---|---|',
    ...checks.map((c) => `| [${code(c.id)}](docs/rules/${c.id}.md) | ${c.severity} | ${code(c.xen ?? 'all')} | ${cell(c.title)} |`),
  ].join('\n');
}

export function updateReadme(text, checks) {
  const begin = text.indexOf(README_BEGIN);
  const end = text.indexOf(README_END);
  if (begin < 0 || end < begin) throw new Error(`README.md: the markers ${README_BEGIN} and ${README_END} are missing`);
  return `${text.slice(0, begin)}${README_BEGIN}\n${renderReadmeTable(checks)}\n${text.slice(end)}`;
}

/** One entry per check under `checks`: its severity shorthand or an object with its own options schema. */
export function checkSettingSchema(check) {
  const properties = {
    enabled: { type: 'boolean' },
    severity: { enum: ['error', 'warning', 'info'] },
  };
  if (check.options) properties.options = check.options;
  return {
    description: `${sentence(check.title)} Default severity: ${check.severity}.`,
    anyOf: [{ enum: ['off', 'error', 'warning', 'info'] }, { type: 'object', additionalProperties: false, properties }],
  };
}

export function updateConfigSchema(text, checks) {
  const schema = JSON.parse(text);
  const settings = schema.properties?.checks;
  if (!settings) throw new Error('schemas/config.schema.json: no properties.checks');
  settings.properties = Object.fromEntries(checks.map((c) => [c.id, checkSettingSchema(c)]));
  return `${formatJson(schema)}\n`;
}

/**
 * JSON as the schemas are written by hand: an object or array that fits in the line
 * width stays on one line (`{ "type": "string" }`), a longer one is spread out.
 */
export function formatJson(value, indent = '', width = 100, prefix = '') {
  const flat = JSON.stringify(value, null, 1)?.replace(/\n\s*/g, ' ').replace(/\[ /g, '[').replace(/ \]/g, ']');
  const isContainer = value !== null && typeof value === 'object';
  if (!isContainer || indent.length + prefix.length + flat.length <= width) return inline(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${formatJson(v, inner, width, '')}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries
    .map(([k, v]) => {
      const key = `${JSON.stringify(k)}: `;
      return `${inner}${key}${formatJson(v, inner, width, key)}`;
    })
    .join(',\n')}\n${indent}}`;
}

function inline(value) {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

/**
 * What the generated files should hold, given the repository root, the built-in
 * checks (README table, docs, schema) and the engine's own checks (docs, schema).
 * Returns [{ path, text }] relative to root; a check without a docs page is skipped
 * here (test/docs.test.ts asks for the page).
 */
export function generate(root, builtin, engine = []) {
  const read = (p) => readFileSync(join(root, p), 'utf8');
  const out = [];
  for (const check of [...builtin, ...engine]) {
    const path = `docs/rules/${check.id}.md`;
    if (existsSync(join(root, path))) out.push({ path, text: updateDocPage(read(path), check) });
  }
  out.push({ path: 'README.md', text: updateReadme(read('README.md'), builtin) });
  out.push({ path: 'schemas/config.schema.json', text: updateConfigSchema(read('schemas/config.schema.json'), [...builtin, ...engine]) });
  return out;
}

async function main() {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const load = (p) => import(pathToFileURL(join(root, p)).href);
  if (!existsSync(join(root, 'dist/checks/index.js'))) throw new Error('dist/ is missing: run `npm run gen` (it builds first)');
  const { builtinChecks } = await load('dist/checks/index.js');
  const { UNUSED_SUPPRESSION } = await load('dist/checks/unused-suppression.js');
  const check = process.argv.includes('--check');
  const stale = [];
  for (const { path, text } of generate(root, builtinChecks, [UNUSED_SUPPRESSION])) {
    if (read(root, path) === text) continue;
    stale.push(path);
    if (!check) writeFileSync(join(root, path), text);
  }
  if (check && stale.length > 0) {
    console.error(`out of date with the checks' metadata (run \`npm run gen\`):\n  ${stale.join('\n  ')}`);
    process.exit(1);
  }
  console.log(stale.length === 0 ? 'generated files are up to date' : `rewrote ${stale.join(', ')}`);
}

function read(root, path) {
  return readFileSync(join(root, path), 'utf8');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
