/**
 * Every check has a docs page of the fixed shape, fixtures that fail and pass it,
 * and a fixture test; every docs page belongs to a check. The same metadata feeds
 * `rules`, `explain` and SARIF, so a gap here is a gap in all of them.
 */
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import semver from 'semver';
import { builtinChecks } from '../checks/index.js';
import { UNUSED_SUPPRESSION } from '../checks/unused-suppression.js';
import type { Check } from '../checks/api.js';
import { UNUSED_SUPPRESSION_ID } from '../cli/engine/engine.js';
import { ROOT, fromRoot } from './helpers/paths.js';

/** docs/build-metadata.mjs, the generator of the metadata copies (plain JS, run by `npm run gen`). */
interface Generator {
  DOC_BEGIN: string;
  DOC_END: string;
  generate(root: string, builtin: Check[], engine: Array<Pick<Check, 'id' | 'title' | 'severity' | 'needs'>>): Array<{ path: string; text: string }>;
}
const gen = (await import(pathToFileURL(fromRoot('docs/build-metadata.mjs')).href)) as Generator;

const root = `${ROOT}/`;
const SECTIONS = ['What it catches', 'Why', 'Xen versions', 'How to fix', 'Examples', 'Sources'];

t.test('check ids are unique and kebab-case', async (t) => {
  const ids = builtinChecks.map((c) => c.id);
  t.same([...new Set(ids)], ids);
  for (const id of ids) t.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
});

t.test('check metadata is valid against schemas/check.schema.json', async (t) => {
  const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(`${root}schemas/check.schema.json`, 'utf8')));
  for (const c of builtinChecks) {
    const { run: _run, explain: _explain, ...meta } = c;
    t.ok(validate(meta), `${c.id}: ${JSON.stringify(validate.errors)}`);
    if (c.xen) t.ok(semver.validRange(c.xen), `${c.id}: "${c.xen}" is a semver range`);
    t.ok(c.sources.length > 0, `${c.id} cites its sources`);
  }
});

for (const c of builtinChecks) {
  t.test(`${c.id}: docs page, fixtures and test`, async (t) => {
    const page = `${root}docs/rules/${c.id}.md`;
    t.ok(existsSync(page), `docs/rules/${c.id}.md exists`);
    if (!existsSync(page)) return;
    const doc = readFileSync(page, 'utf8');
    t.ok(doc.startsWith(`# ${c.id}\n\n${gen.DOC_BEGIN}\n`), 'starts with "# <id>" and the generated header (`npm run gen` writes it)');
    t.ok(doc.includes(`\n${gen.DOC_END}\n`), 'the generated header ends with its marker');
    const headings = doc.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim());
    t.same(headings, SECTIONS, 'has the fixed sections, in order');
    t.match(doc, new RegExp(`\\| Severity \\| ${c.severity} \\|`), 'states the default severity');
    const fixtures = `${root}test/fixtures/checks/${c.id}`;
    const cases = existsSync(fixtures) ? readdirSync(fixtures) : [];
    t.ok(cases.some((n) => n.startsWith('fail')), 'has a failing fixture');
    t.ok(cases.some((n) => n.startsWith('pass')), 'has a passing fixture');
    t.ok(existsSync(`${root}test/checks/${c.id}.test.ts`), 'has a fixture test');
  });
}

t.test('every docs page documents a check', async (t) => {
  const ids = new Set([...builtinChecks.map((c) => c.id), UNUSED_SUPPRESSION_ID]);
  for (const f of readdirSync(`${root}docs/rules`)) {
    if (!f.endsWith('.md')) continue;
    t.ok(ids.has(f.slice(0, -3)), `docs/rules/${f} belongs to a check`);
  }
});

t.test('the metadata copies are what the checks say (docs headers, README table, config schema)', async (t) => {
  for (const { path, text } of gen.generate(ROOT, builtinChecks, [UNUSED_SUPPRESSION])) {
    const committed = readFileSync(fromRoot(path), 'utf8');
    t.ok(committed === text, `${path} is up to date`, {
      diagnostic: committed !== text,
      fix: `${path} differs from what the checks' metadata generates: run \`npm run gen\` and commit the result`,
    });
  }
});

t.test('the config schema takes each check by id, with its own options', async (t) => {
  const schema = JSON.parse(readFileSync(fromRoot('schemas/config.schema.json'), 'utf8'));
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  const all = [...builtinChecks, UNUSED_SUPPRESSION];
  t.same(Object.keys(schema.properties.checks.properties).sort(), all.map((c) => c.id).sort(), 'one entry per check');
  for (const c of builtinChecks) {
    t.ok(validate({ checks: { [c.id]: { severity: 'info', ...(c.defaults ? { options: c.defaults } : {}) } } }), `${c.id}: its defaults are valid options`);
    t.notOk(validate({ checks: { [c.id]: { options: { notAnOption: 1 } } } }), `${c.id}: an unknown option is refused`);
  }
  t.ok(validate({ checks: { 'site-plugin-check': 'warning' } }), "a plugin's check id is still accepted");
});
