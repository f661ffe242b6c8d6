/**
 * Links that open: whatever the format, the CLI prints no file: URI of
 * the machine it ran on, and every rule link is the repository's page at this
 * version's tag. SARIF places a captured host's files under HOSTROOT.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { ROOT, inProcess } from './run.js';

const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));
const PAGE = /^https:\/\/github\.com\/xenlint\/xenlint\/blob\/v([^/]+)\/docs\/rules\/[a-z0-9-]+\.md$/;
const HOST = 'samples/hosts/xen-3.0.3-pae-legacy';

const runs: Array<[string, string[]]> = [
  ['check --root', ['check', '--root', HOST]],
  ['lint', ['lint', 'samples/domains', '--xen', '3.0.4']],
];

t.test('no format prints a file: URI', async (t) => {
  for (const [what, args] of runs) {
    for (const format of ['stylish', 'json', 'sarif', 'junit', 'github']) {
      const r = await inProcess([...args, '--format', format, '--verbose']);
      t.ok(r.code === 0 || r.code === 1, `${what} ${format}: ran (${r.stderr})`);
      t.notMatch(r.stdout, /file:\/\//, `${what} ${format}: no file: URI`);
    }
  }
});

t.test('SARIF: helpUri and informationUri from package.json, host files under HOSTROOT', async (t) => {
  const log = JSON.parse((await inProcess([...runs[0]![1], '--format', 'sarif'])).stdout);
  const run = log.runs[0];
  t.equal(run.tool.driver.informationUri, pkg.homepage);
  for (const rule of run.tool.driver.rules) {
    const m = PAGE.exec(rule.helpUri);
    t.ok(m, `${rule.id}: ${rule.helpUri}`);
    t.equal(m?.[1], pkg.version, `${rule.id}: pinned to v${pkg.version}`);
  }
  t.same(run.originalUriBaseIds.HOSTROOT.uri, `${HOST}/`, '--root inside the repository: a directory under %SRCROOT%');
  t.equal(run.originalUriBaseIds.HOSTROOT.uriBaseId, '%SRCROOT%');
  const web = run.results.find((r: { ruleId: string }) => r.ruleId === 'vif-limit');
  t.same(web.locations[0].physicalLocation.artifactLocation, { uri: 'etc/xen/fw.cfg', uriBaseId: 'HOSTROOT' });
  const info = run.results.find((r: { ruleId: string }) => r.ruleId === 'dom0-kernel-patchlevel');
  t.same(info.locations[0].logicalLocations[0], { name: 'xm info', fullyQualifiedName: 'host/xm info', kind: 'resource' }, 'xm info output: a logical location');
});

t.test('JSON: each check names its page; stylish --verbose lists them', async (t) => {
  const doc = JSON.parse((await inProcess([...runs[1]![1], '--format', 'json'])).stdout);
  for (const c of doc.checks) t.match(c.docs, PAGE, c.id);
  const verbose = (await inProcess([...runs[1]![1], '--verbose'])).stdout;
  t.match(verbose, /\nDocumentation:\n {2}[a-z0-9-]+ +https:\/\/github\.com\/xenlint\/xenlint\/blob\/v/);
});

t.test('explain and rules --format json name the same page', async (t) => {
  const ex = await inProcess(['explain', 'memory-fit']);
  t.equal(ex.code, 0);
  const online = /Online \(this version\): (\S+)/.exec(ex.stdout)?.[1];
  t.match(online, PAGE);
  t.match(online, /\/docs\/rules\/memory-fit\.md$/);
  const rules = JSON.parse((await inProcess(['rules', '--format', 'json'])).stdout);
  t.equal(rules.find((r: { id: string }) => r.id === 'memory-fit').docs, online);
  for (const r of rules) t.match(r.docs, PAGE, r.id);
});
