/**
 * A config that sets a built-in check's options is validated by the validator the build
 * compiled from that check's schema (schemas/build-validators.mjs), not by ajv at run time
 * (~100 ms a run); ajv stays for a schema the build did not see (plugins, running from
 * source). Both must say the same: the same verdict and errors, the same output and exit code.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { builtinChecks } from '../../checks/index.js';
import { optionsValidator, type Validator } from '../../cli/settings/validators.js';
import { inProcess, ROOT, scratch } from './run.js';

const BUILT = join(ROOT, 'dist/cli/settings/validators');
const BUNDLE = join(ROOT, 'dist/bin/xenlint.cjs');
const TSC = join(ROOT, 'dist/cli/xenlint.js');
const withOptions = builtinChecks.filter((c) => c.options);
const require = createRequire(import.meta.url);

/** Values of each kind a schema tells apart, for every property of a check's options. */
const PROBES: unknown[] = ['x', '', -1, 0, 0.5, 1, 1e20, [], [''], ['00:16:3e'], [1], {}, null, true];

function verdict(v: Validator, data: unknown) {
  const ok = v(data);
  return { ok, errors: (v.errors ?? []).map((e) => ({ instancePath: e.instancePath, keyword: e.keyword, message: e.message, params: e.params })) };
}

t.test('every built-in check with options has a validator from the build, compiled from its schema', async (t) => {
  t.ok(withOptions.length >= 5, 'checks with options exist');
  for (const check of withOptions) {
    const file = join(BUILT, `options-${check.id}.cjs`);
    t.ok(existsSync(file), `${check.id}: compiled`);
    const built = require(file) as Validator;
    t.equal(built.schemaText, JSON.stringify(check.options), `${check.id}: carries the schema it was compiled from`);
    const ajv = new Ajv({ allErrors: true, strict: false }).compile(check.options!) as Validator;
    const keys = Object.keys((check.options!['properties'] as Record<string, unknown> | undefined) ?? {});
    const inputs: unknown[] = [{}, [], 'x', { 'no-such-option': 1 }];
    for (const k of keys) for (const p of PROBES) inputs.push({ [k]: p });
    inputs.push(Object.fromEntries(keys.map((k) => [k, 'x'])));
    let invalid = 0;
    for (const input of inputs) {
      const a = verdict(built, input);
      t.same(a, verdict(ajv, input), `${check.id}: ${JSON.stringify(input)}`);
      if (!a.ok) invalid++;
    }
    t.ok(invalid > keys.length, `${check.id}: the probes include invalid options`);
  }
});

t.test('the build\'s validator is used only for the schema it was compiled from', async (t) => {
  const check = withOptions.find((c) => c.id === 'memory-fit')!;
  // From source (this test) nothing is precompiled: ajv, with the schema as given.
  const changed = { ...check.options, properties: { overheadPercent: { type: 'string' } } };
  const v = await optionsValidator(check.id, changed, true);
  t.equal(v({ overheadPercent: 'lots' }), true, 'a schema other than the built one is compiled as it is');
  t.equal(v.schemaText, undefined);
});

const AJV_GUARD = `
const M = require('node:module');
const load = M._load;
M._load = function (request, parent) {
  // Nothing of ajv: neither its compiler nor the run-time helpers the build puts inside the validators.
  if (/[\\\\/]node_modules[\\\\/]ajv[\\\\/]/.test(M._resolveFilename(request, parent))) throw new Error('ajv was loaded');
  return load.apply(this, arguments);
};
`;

const dir = scratch({
  'web01.cfg': "name = 'web01'\nmemory = 512\nkernel = '/boot/vmlinuz'\nvif = ['mac=00:16:3e:00:00:01,bridge=xenbr0']\n",
  'info.txt': 'release                : 4.1.2\nxen_major              : 4\nxen_minor              : 1\nxen_extra              : .2\ntotal_memory           : 4096\nfree_memory            : 256\n',
  'ok.json': '{ "checks": { "memory-fit": { "options": { "overheadPercent": 5, "dom0MiB": 1024 } }, "vif-spec": { "options": { "allowedOuis": ["00:16:3e"] } } } }\n',
  'bad.json': '{ "checks": { "memory-fit": { "options": { "overheadPercent": 500, "dom0MiB": "x", "bogus": 1, "deploy": [""] } } } }\n',
  'no-ajv.cjs': AJV_GUARD,
  'site.mjs': `export default [{
  id: 'site-max-memory', title: 'Guests stay small', severity: 'error', needs: ['domains'], sources: ['site policy'],
  messages: { big: '{{guest}} is big' },
  options: { type: 'object', properties: { maxMiB: { type: 'integer' } }, additionalProperties: false },
  run(facts, ctx) { return facts.domains.filter((d) => (d.memoryMiB ?? 0) > (ctx.options.maxMiB ?? 1e9)).map((d) => ({ messageId: 'big', data: { guest: d.name }, domain: d.name, file: d.file })); },
}];
`,
  'plugin.json': '{ "plugins": ["./site.mjs"], "allowPlugins": true, "checks": { "site-max-memory": { "options": { "maxMiB": 256 } } } }\n',
});

function spawn(node: string[], args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const k of ['GITHUB_ACTIONS', 'FORCE_COLOR', 'XENLINT_ALLOW_PLUGINS']) delete env[k];
  const r = spawnSync(process.execPath, [...node, ...args], { cwd: dir, env, encoding: 'utf8', input: '', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const [config, code] of [['ok.json', null], ['bad.json', 2]] as const) {
  t.test(`options in ${config}: the bundle, the tsc build and source say the same`, async (t) => {
    const args = ['lint', 'web01.cfg', '--facts', 'info.txt', '--config', config];
    const source = await inProcess(args, { cwd: dir });
    if (code !== null) t.equal(source.code, code);
    else t.equal(source.stderr, '', 'valid options');
    if (code === 2) t.match(source.stderr, /overheadPercent: must be <= 100/);
    t.same(spawn([], [TSC, ...args]), source, 'tsc build');
    t.same(spawn([], [BUNDLE, ...args]), source, 'bundle');
    t.same(spawn(['--require', join(dir, 'no-ajv.cjs')], [BUNDLE, ...args]), source, 'the bundle without ajv');
  });
}

t.test('the guard that keeps ajv out fails a run that needs ajv', async (t) => {
  // A plugin's options schema is compiled by ajv (cli/settings/plugins.ts): the guard must stop that run.
  const args = ['lint', 'web01.cfg', '--facts', 'info.txt', '--config', 'plugin.json'];
  const free = spawn([], [BUNDLE, ...args]);
  t.equal(free.stderr, '');
  const guarded = spawn(['--require', join(dir, 'no-ajv.cjs')], [BUNDLE, ...args]);
  t.not(guarded.code, free.code, 'the guarded run fails');
  t.match(guarded.stderr, /ajv was loaded/);
});
