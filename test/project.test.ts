/**
 * Every link xenlint prints comes from package.json `repository`/`homepage`
 * (cli/settings/project.ts): the forms npm accepts there, the pinned rule pages, and the
 * schemas' `$id`s, which are files and so are checked against package.json here.
 */
import t from 'tap';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { linksFrom, projectLinks, repositoryWebUrl, ruleDocUrl, schemaUrl } from '../cli/settings/project.js';
import { ruleDocUri } from '../cli/settings/rule-docs.js';
import { TOOL_VERSION } from '../cli/model/tool-version.js';
import { builtinChecks } from '../checks/index.js';
import { ROOT } from './helpers/paths.js';

const root = `${ROOT}/`;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

t.test('repository: every form npm accepts gives the https address', async (t) => {
  const want = 'https://github.com/xenlint/xenlint';
  const forms: unknown[] = [
    { type: 'git', url: 'git+https://github.com/xenlint/xenlint.git' },
    'https://github.com/xenlint/xenlint',
    'https://github.com/xenlint/xenlint/',
    'git://github.com/xenlint/xenlint.git',
    'git+ssh://git@github.com/xenlint/xenlint.git',
    'ssh://git@github.com/xenlint/xenlint.git',
    'git@github.com:xenlint/xenlint.git',
    'github:xenlint/xenlint',
    'xenlint/xenlint',
    'http://github.com/xenlint/xenlint',
  ];
  for (const form of forms) t.equal(repositoryWebUrl(form), want, JSON.stringify(form));
  t.equal(repositoryWebUrl('gitlab:group/xenlint'), 'https://gitlab.com/group/xenlint');
  t.equal(repositoryWebUrl('git+https://git.example.org/infra/tools/xenlint.git'), 'https://git.example.org/infra/tools/xenlint', 'a nested path on another host');
  for (const bad of [undefined, null, '', 'xenlint', 'file:///srv/git/xenlint', { url: 42 }, 'https://github.com/']) {
    t.equal(repositoryWebUrl(bad), undefined, `no web address: ${JSON.stringify(bad)}`);
  }
});

t.test('homepage falls back to the repository; a non-https one is not used', async (t) => {
  t.same(linksFrom({ repository: 'xenlint/xenlint' }), { repository: 'https://github.com/xenlint/xenlint', home: 'https://github.com/xenlint/xenlint' });
  t.same(linksFrom({ repository: 'xenlint/xenlint', homepage: 'file:///usr/share/doc/xenlint' })?.home, 'https://github.com/xenlint/xenlint');
  t.equal(linksFrom({ homepage: 'https://example.org' }), undefined, 'no repository: no links at all');
});

t.test('the installed package: links from its package.json, rule pages pinned to v<version>', async (t) => {
  const links = projectLinks();
  t.ok(links, 'package.json names a repository');
  t.equal(links!.repository, repositoryWebUrl(pkg.repository));
  t.equal(links!.home, pkg.homepage);
  t.equal(ruleDocUrl('memory-fit', links!), `${links!.repository}/blob/v${pkg.version}/docs/rules/memory-fit.md`);
  t.equal(ruleDocUrl('memory-fit', links!, '1.0.0-rc.1'), `${links!.repository}/blob/v1.0.0-rc.1/docs/rules/memory-fit.md`);
  t.equal(TOOL_VERSION, pkg.version);
});

t.test('every built-in check links a page that exists in the repository at that path', async (t) => {
  for (const c of builtinChecks) {
    const uri = ruleDocUri(c.id);
    t.ok(uri?.startsWith('https://'), `${c.id}: ${uri}`);
    const path = new URL(uri!).pathname.replace(/^.*\/blob\/[^/]+\//, '');
    t.ok(existsSync(`${root}${path}`), `${c.id}: ${path} exists`);
  }
  t.equal(ruleDocUri('site-no-such-plugin-check'), undefined, 'a check without a page here gets no link, not a dead one');
});

t.test("the schemas' $id follow package.json", async (t) => {
  const links = projectLinks()!;
  const files = readdirSync(`${root}schemas`).filter((f) => f.endsWith('.schema.json'));
  t.ok(files.length >= 4);
  for (const f of files) {
    const schema = JSON.parse(readFileSync(`${root}schemas/${f}`, 'utf8'));
    t.equal(schema.$id, schemaUrl(f, links), f);
  }
});
