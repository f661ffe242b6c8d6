#!/usr/bin/env node
// Compiles every schemas/*.schema.json into a standalone ajv validator at build
// time, so that the CLI never pays for schema compilation on start-up.
// ajv's standalone ESM output still emits require(), hence CommonJS files.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'cli', 'settings', 'validators');
mkdirSync(out, { recursive: true });
const files = readdirSync(here).filter((f) => f.endsWith('.schema.json')).sort();
for (const file of files) {
  const schema = JSON.parse(readFileSync(join(here, file), 'utf8'));
  const ajv = new Ajv({ code: { source: true }, allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  const name = basename(file, '.schema.json');
  writeFileSync(join(out, `${name}.cjs`), standaloneCode.default(ajv, validate));
}
// stderr: during `npm pack` stdout must hold the tarball name alone (pre-commit reads it).
console.error(`compiled ${files.length} schema(s) into ${out}`);
