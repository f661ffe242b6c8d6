/**
 * JSON Schema validators. The build compiles schemas/*.schema.json, and each built-in
 * check's options schema, into dist/cli/settings/validators/<name>.cjs
 * (schemas/build-validators.mjs), so the shipped CLI loads plain functions and never
 * starts ajv for its own schemas. Running from source (tests), the schema is compiled
 * on first use instead, as is a plugin check's options schema.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { embedded } from '../model/embedded.js';
import { packageRoot } from '../model/package-root.js';

import type { SchemaError, SchemaName, Validator } from '../model/validator-types.js';

export type { SchemaError, SchemaName, Validator } from '../model/validator-types.js';

const cache = new Map<SchemaName, Validator>();

export function schemaPath(name: SchemaName): string {
  return `${packageRoot()}/schemas/${name}.schema.json`;
}

/** The compiled validators, beside the tsc output (the code-split bundle in dist/bin/ reads the same ones). */
const builtValidators = (): string => `${packageRoot()}/dist/cli/settings/validators`;

// import.meta.dirname, not import.meta.url: in the bundles the latter is a pathToFileURL of
// __filename, which compiles Node's URL code for a run that reads one config file (start-up).
function isBuilt(): boolean {
  return /[\\/]dist[\\/](cli|bin)(?:[\\/]|$)/.test(import.meta.dirname);
}

/** The build's validator `name` (a file name in builtValidators() without .cjs); undefined when running from source. */
function precompiled(name: string): Validator | undefined {
  if (embedded) return embedded.validators[name];
  if (!isBuilt()) return undefined;
  // build/bundle.mjs replaces these two lines, in the command bundles, with a load of dist/bin/validator-<name>.cjs.
  const require = createRequire(import.meta.url);
  const mod = require(`${builtValidators()}/${name}.cjs`) as Validator | { default: Validator };
  return typeof mod === 'function' ? mod : mod.default;
}

/** ajv as the build runs it (schemas/build-validators.mjs), so that its errors read the same. */
async function compileNow(schema: object): Promise<Validator> {
  const { Ajv } = await import('ajv');
  return new Ajv({ allErrors: true, strict: false }).compile(schema) as Validator;
}

export async function validator(name: SchemaName): Promise<Validator> {
  const known = cache.get(name);
  if (known) return known;
  const v = precompiled(name) ?? (await compileNow(JSON.parse(readFileSync(schemaPath(name), 'utf8')) as object));
  cache.set(name, v);
  return v;
}

/** Plugin options schemas compiled when their plugin was loaded (compileOptionsSchema), with the text each was compiled from. */
const compiledOptions = new WeakMap<object, { text: string; validate: Validator }>();

/**
 * A plugin check's options schema, compiled when the plugin is loaded (a schema
 * ajv cannot compile is the plugin's error), and kept for optionsValidator, so
 * that ajv compiles it once. It used to be compiled twice: here without
 * `allErrors`, to see that it compiles, and for the config's options with it.
 * Whether ajv can compile a schema does not depend on `allErrors` (the
 * meta-schema's verdict, $ref resolution and, with strict off, unknown
 * keywords and formats are the same either way); only the message of an
 * invalid schema lists all its errors with it, and the first without. So a
 * schema that does not compile is compiled again without `allErrors` (and
 * without ajv's warnings, said once already), for the message it had.
 */
export async function compileOptionsSchema(schema: object): Promise<Validator> {
  let validate: Validator;
  try {
    validate = await compileNow(schema);
  } catch (err) {
    const { Ajv } = await import('ajv');
    new Ajv({ strict: false, logger: false }).compile(schema);
    throw err;
  }
  // (A boolean schema, `true`, is no WeakMap key: it is compiled again if asked, as before.)
  if (typeof schema === 'object' && schema !== null) compiledOptions.set(schema, { text: JSON.stringify(schema), validate });
  return validate;
}

/**
 * The validator of a check's options. A built-in check's comes from the build, but only while
 * `schema` is exactly the one it was compiled from (a check object changed since, say by a test,
 * gets ajv); a plugin's is the one compiled when it was loaded, on the same condition; any other,
 * or any when running from source, is compiled here.
 */
export async function optionsValidator(checkId: string, schema: Record<string, unknown>, builtin: boolean): Promise<Validator> {
  const text = JSON.stringify(schema);
  if (builtin) {
    const built = precompiled(`options-${checkId}`);
    if (built && built.schemaText === text) return built;
  } else {
    const loaded = compiledOptions.get(schema);
    if (loaded && loaded.text === text) return loaded.validate;
  }
  return compileNow(schema);
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
