/**
 * JSON Schema validators. The build compiles schemas/*.schema.json into
 * dist/cli/settings/validators/<name>.cjs (schemas/build-validators.mjs), so the shipped
 * CLI loads plain functions and never starts ajv for its own schemas. Running
 * from source (tests), the schema is compiled on first use instead.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { embedded } from '../model/embedded.js';
import { PACKAGE_ROOT } from '../model/package-root.js';

import type { SchemaError, SchemaName, Validator } from '../model/validator-types.js';

export type { SchemaError, SchemaName, Validator } from '../model/validator-types.js';

const cache = new Map<SchemaName, Validator>();

export function schemaPath(name: SchemaName): string {
  return `${PACKAGE_ROOT}/schemas/${name}.schema.json`;
}

/** The compiled validators, beside the tsc output (the code-split bundle in dist/bin/ reads the same ones). */
const BUILT_VALIDATORS = `${PACKAGE_ROOT}/dist/cli/settings/validators`;

function isBuilt(): boolean {
  return /\/dist\/(cli|bin)\//.test(import.meta.url);
}

export async function validator(name: SchemaName): Promise<Validator> {
  const known = cache.get(name);
  if (known) return known;
  let v: Validator;
  if (embedded) {
    v = embedded.validators[name];
  } else if (isBuilt()) {
    const require = createRequire(import.meta.url);
    const mod = require(`${BUILT_VALIDATORS}/${name}.cjs`) as Validator | { default: Validator };
    v = typeof mod === 'function' ? mod : mod.default;
  } else {
    const { Ajv } = await import('ajv');
    const ajv = new Ajv({ allErrors: true, strict: false });
    v = ajv.compile(JSON.parse(readFileSync(schemaPath(name), 'utf8'))) as Validator;
  }
  cache.set(name, v);
  return v;
}

/** One line per schema error: `/checks/foo: must be equal to one of the allowed values (off, error, ...)`. */
export function describeErrors(errors: SchemaError[] | null | undefined, root = ''): string[] {
  if (!errors) return [];
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const where = `${root}${e.instancePath || '/'}`;
    let what = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') what = `unknown key "${String(e.params['additionalProperty'])}"`;
    else if (e.keyword === 'enum') what = `must be one of ${(e.params['allowedValues'] as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`;
    else if (e.keyword === 'propertyNames') what = `invalid key "${String(e.params['propertyName'])}"`;
    const line = `${where}: ${what}`;
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  }
  return lines;
}
