import t from 'tap';
import builtin, { normaliseUuid } from '../../checks/duplicate-guest.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { domainFromText, facts, findings, context, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function cfg(file: string, body: string): DomainFacts {
  return domainFromText(body, 'xl', `/etc/xen/${file}`);
}

function run(domains: DomainFacts[]) {
  return findings(check.run(facts({ domains }), context(check, { mode: 'lint' })));
}

const U = '5f3a0c4e-8d21-4c55-9b7e-1a2b3c4d5e6f';

t.test('metadata', async (t) => {
  t.equal(check.severity, 'error');
  t.equal(check.xen, undefined);
});

t.test('one name in two files: both reported at their name line', async (t) => {
  const f = run([cfg('web.cfg', 'memory = 1\nname = "web"\n'), cfg('web.cfg.orig', 'name = "web"\n'), cfg('db.cfg', 'name = "db"\n')]);
  t.equal(f.length, 2);
  t.same(f.map((x) => [x.file, x.line, x.key]), [['/etc/xen/web.cfg', 2, 'name'], ['/etc/xen/web.cfg.orig', 1, 'name']]);
  t.match(f[0]?.message, /^web: the guest name "web" is also the name in \/etc\/xen\/web\.cfg\.orig: only one of them can run; xl stops the second with `Domain with name "web" already exists\.`/);
});

t.test('uuid: compared case and dashes aside; same guest twice is the name finding only', async (t) => {
  t.equal(normaliseUuid(' 5F3A0C4E-8D21-4C55-9B7E-1A2B3C4D5E6F '), '5f3a0c4e8d214c559b7e1a2b3c4d5e6f');
  const f = run([cfg('a.cfg', `name = "a"\nuuid = "${U}"\n`), cfg('b.cfg', `name = "b"\nuuid = "${U.toUpperCase().replace(/-/g, '')}"\n`)]);
  t.equal(f.length, 2);
  t.same(f.map((x) => x.key), ['uuid', 'uuid']);
  t.match(f[0]?.message, /^a: uuid 5f3a0c4e-8d21-4c55-9b7e-1a2b3c4d5e6f is also the uuid of b \(\/etc\/xen\/b\.cfg\): xend refuses the second guest/);
  const same = run([cfg('w1.cfg', `name = "w"\nuuid = "${U}"\n`), cfg('w2.cfg', `name = "w"\nuuid = "${U}"\n`)]);
  t.same(same.map((x) => x.key), ['name', 'name']);
});

t.test('absent or empty names and uuids are not compared', async (t) => {
  t.same(run([cfg('web.cfg', 'memory = 1\n'), cfg('web.cfg.bak', 'memory = 1\n')]), [], 'no name key: the file names differ but are not names');
  t.same(run([cfg('a.cfg', 'name = "a"\nuuid = ""\n'), cfg('b.cfg', 'name = "b"\nuuid = ""\n')]), []);
  t.same(run([cfg('a.cfg', 'name = "a"\n')]), []);
});
