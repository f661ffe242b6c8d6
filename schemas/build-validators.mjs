#!/usr/bin/env node
// Compiles every schemas/*.schema.json, and the options schema of every built-in check
// (checks/index.ts, as tsc emitted it: run after tsc), into a standalone ajv validator at
// build time, so that the CLI never pays for schema compilation on start-up: ajv's compiler
// is ~600 M instructions (~100 ms) of a run whose config sets a check's options.
// ajv's standalone ESM output still emits require(), hence CommonJS files.
// A check's validator carries the JSON text of the schema it was compiled from
// (`schemaText`): cli/settings/validators.ts uses it only for exactly that schema.
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const out = join(dist, 'cli', 'settings', 'validators');
mkdirSync(out, { recursive: true });

/**
 * ajv's standalone code requires its small run-time helpers (ajv/dist/runtime/ucs2length for a
 * minLength) from node_modules: a path search and a compile from source on each run that reads a
 * config. Those that require nothing themselves are put inside the validator instead, where the
 * command bundles' code cache covers them (build/bundle.mjs validatorScripts).
 */
const requireOf = createRequire(import.meta.url);
function inlineRuntime(code) {
  return code.replace(/require\("(ajv\/dist\/runtime\/[\w-]+)"\)/g, (call, name) => {
    const source = readFileSync(requireOf.resolve(name), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/, '');
    // `helper.code = 'require("…")'` is the text ajv emits for it, not a require.
    if (/\brequire\(/.test(source.replace(/^\w+\.code = .*$/gm, ''))) return call;
    return `(function () { const module = { exports: {} }, exports = module.exports;\n${source}\nreturn module.exports; })()`;
  });
}

/** The options the run-time fallback uses too (cli/settings/validators.ts): the same error messages. */
function compile(schema) {
  const ajv = new Ajv({ code: { source: true }, allErrors: true, strict: false });
  return inlineRuntime(standaloneCode.default(ajv, ajv.compile(schema)));
}

const files = readdirSync(here).filter((f) => f.endsWith('.schema.json')).sort();
for (const file of files) {
  writeFileSync(join(out, `${basename(file, '.schema.json')}.cjs`), compile(JSON.parse(readFileSync(join(here, file), 'utf8'))));
}

const { builtinChecks } = await import(pathToFileURL(join(dist, 'checks', 'index.js')).href);
// A check that lost its options (or was removed) leaves no validator of an earlier build behind.
for (const f of readdirSync(out)) if (f.startsWith('options-')) rmSync(join(out, f));
let options = 0;
for (const check of builtinChecks) {
  if (!check.options) continue;
  if (!/^[a-z0-9-]+$/.test(check.id)) throw new Error(`check id ${JSON.stringify(check.id)}: not a file name`);
  const code = compile(check.options);
  writeFileSync(join(out, `options-${check.id}.cjs`), `${code}\nmodule.exports.schemaText = ${JSON.stringify(JSON.stringify(check.options))};\n`);
  options++;
}
// stderr: during `npm pack` stdout must hold the tarball name alone (pre-commit reads it).
console.error(`compiled ${files.length} schema(s) and ${options} check options schema(s) into ${out}`);
