/**
 * A plugin check's options schema is compiled by ajv once, when the plugin is
 * loaded (compileOptionsSchema), and that validator checks the config's options
 * (optionsValidator); it used to be compiled a second time, with `allErrors`,
 * for them. What a user reads must not change: an invalid schema's message is
 * the one ajv gave without `allErrors` (it names the first error only), and
 * invalid options list every error, as the `allErrors` validator did.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { compileOptionsSchema, describeErrors, optionsValidator, type Validator } from '../../cli/settings/validators.js';
import { loadPlugins } from '../../cli/settings/plugins.js';
import { scratch } from '../cli/run.js';

const SCHEMA = { type: 'object', properties: { maxMiB: { type: 'integer', minimum: 1 }, pool: { enum: ['a', 'b'] } }, additionalProperties: false };
/** Two errors: without allErrors ajv's message names only the first. */
const INVALID = { type: 'object', properties: { a: { type: 'strin' }, b: { minimum: 'x' } } };

function thrown(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

t.test('the validator compiled at load is the one that checks the options', async (t) => {
  const schema = structuredClone(SCHEMA);
  const loaded = await compileOptionsSchema(schema);
  t.equal(await optionsValidator('site-x', schema, false), loaded, 'the same function: compiled once');
  const other = structuredClone(SCHEMA);
  t.not(await optionsValidator('site-x', other, false), loaded, 'an equal schema that was not loaded is compiled on its own');
  schema.properties.maxMiB.minimum = 100;
  const changed = await optionsValidator('site-x', schema, false);
  t.not(changed, loaded, 'a schema changed since it was loaded is compiled again');
  t.equal(changed({ maxMiB: 50 }), false, 'as it is now');
});

t.test('invalid options: every error, as the allErrors validator listed them', async (t) => {
  const schema = structuredClone(SCHEMA);
  await compileOptionsSchema(schema);
  const before = new Ajv({ allErrors: true, strict: false }).compile(schema) as Validator;
  const now = await optionsValidator('site-x', schema, false);
  for (const options of [{ maxMiB: 0, pool: 'c', extra: 1 }, { maxMiB: 'x' }, { maxMiB: 2, pool: 'a' }, 'x']) {
    t.equal(now(options), before(options), JSON.stringify(options));
    t.same(describeErrors(now.errors, 'checks.site-x.options'), describeErrors(before.errors, 'checks.site-x.options'), `${JSON.stringify(options)}: the same lines`);
  }
  t.equal(now({ maxMiB: 0, pool: 'c', extra: 1 }), false);
  t.equal(describeErrors(now.errors).length, 3, 'all three errors');
});

t.test('a schema that does not compile: the message ajv gave without allErrors', async (t) => {
  const before = thrown(() => new Ajv({ strict: false }).compile(INVALID));
  t.match(before, /^schema is invalid: data\/properties\/a\/type must be equal to one of the allowed values/);
  t.notMatch(before, /minimum/, 'the first error only');
  t.not(thrown(() => new Ajv({ allErrors: true, strict: false }).compile(INVALID)), before, 'allErrors would have said more');
  const err = await compileOptionsSchema(INVALID).then(() => undefined, (e: unknown) => e);
  t.equal((err as Error).message, before);
  for (const schema of [{ $ref: '#/nope' }, { properties: 5 }, { required: 'a', minLength: -1 }]) {
    const now = await compileOptionsSchema(schema).then(() => 'no error', (e: unknown) => (e as Error).message);
    t.equal(now, thrown(() => new Ajv({ strict: false }).compile(schema)), JSON.stringify(schema));
  }

  const dir = scratch({});
  writeFileSync(join(dir, 'bad.mjs'), `export default [{ id: 'site-x', title: 'A site check', severity: 'warning', needs: [], sources: ['site'], messages: { m: 'm' }, options: ${JSON.stringify(INVALID)}, run() { return []; } }];\n`);
  const load = await loadPlugins([{ spec: './bad.mjs', file: join(dir, 'bad.mjs') }]).then(() => undefined, (e: unknown) => e);
  t.equal((load as Error).message, `plugin ./bad.mjs: check 1 (site-x): its options schema cannot be compiled: Error: ${before} (expected a JSON Schema object)`);
});
