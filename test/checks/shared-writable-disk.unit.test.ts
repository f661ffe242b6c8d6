import t from 'tap';
import fc from 'fast-check';
import builtin, { givenKey } from '../../checks/shared-writable-disk.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { domainFromText, facts, findings, context, listLine, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered as the engine does. */
const check = rendering(builtin);

function guest(name: string, disks: string[], dialect: 'xl' | 'xm' = 'xm', extra = ''): DomainFacts {
  return domainFromText(`name = "${name}"\nmemory = 512\n${extra}${listLine('disk', disks)}`, dialect, `/etc/xen/${name}.cfg`);
}

function run(domains: DomainFacts[]) {
  return findings(check.run(facts({ domains }), context(check, { mode: 'lint' })));
}

t.test('metadata', async (t) => {
  t.equal(check.severity, 'error');
  t.equal(check.xen, undefined, 'every version');
  t.same(check.needs, ['domains']);
});

t.test('paths as given: phy: vg/lv, /dev paths, normalised files, script backends', async (t) => {
  const key = (spec: string) => givenKey(guest('g', [spec]).disks[0]!);
  t.equal(key('phy:vg0/lv,xvda,w'), '/dev/vg0/lv');
  t.equal(key('phy:/dev/vg0/lv,xvda,w'), '/dev/vg0/lv');
  t.equal(key('file:/srv/xen/./a//b.img,xvda,w'), '/srv/xen/a/b.img');
  t.equal(key('iscsi:iqn.2001-05.com.example:vol1,xvda,w'), 'iscsi:iqn.2001-05.com.example:vol1');
});

t.test('two writers: one finding each, at the disk line, naming the other', async (t) => {
  const f = run([guest('a', ['phy:/dev/vg0/a,xvda,w', 'phy:/dev/vg0/s,xvdb,w']), guest('b', ['phy:vg0/s,xvdb,w'])]);
  t.equal(f.length, 2);
  t.same(f.map((x) => x.domain), ['a', 'b']);
  t.equal(f[0]?.line, 4, 'the second disk of a is on the next line of the list');
  t.equal(f[0]?.key, 'disk');
  t.match(f[0]?.message, /^a: disk 2 "phy:\/dev\/vg0\/s,xvdb,w" \(\/dev\/vg0\/s\) is writable here and in b \(\/etc\/xen\/b\.cfg\)/);
  t.equal(f[1]?.evidence?.['writers'], 'a:xvdb:w b:xvdb:w');
});

t.test('read-only, CD-ROM, one guest, same name: nothing', async (t) => {
  t.same(run([guest('a', ['phy:/dev/vg0/s,xvdb,w']), guest('b', ['phy:/dev/vg0/s,xvdb,r'])]), [], 'one writer, one reader');
  t.same(run([guest('a', ['file:/iso/x.iso,hdc:cdrom,r']), guest('b', ['file:/iso/x.iso,hdc:cdrom,r'])]), []);
  t.same(run([guest('a', ['phy:/dev/vg0/s,xvdb,w', 'phy:/dev/vg0/s,xvdc,w'])]), [], 'twice in one guest is not across guests');
  t.same(run([guest('web', ['phy:/dev/vg0/web,xvda,w']), guest('web', ['phy:/dev/vg0/web,xvda,w'])]), [], 'two configs of one guest');
});

t.test('w!: every writer but one says it is on purpose', async (t) => {
  t.same(run([guest('a', ['phy:/dev/vg0/s,xvdb,w']), guest('b', ['phy:/dev/vg0/s,xvdb,w!'])]), []);
  t.same(run([guest('a', ['phy:/dev/vg0/s,xvdb,w!']), guest('b', ['phy:/dev/vg0/s,xvdb,w!'])]), []);
  const three = run([guest('a', ['phy:/dev/vg0/s,xvdb,w']), guest('b', ['phy:/dev/vg0/s,xvdb,w!']), guest('c', ['phy:/dev/vg0/s,xvdb,w'])]);
  t.same(three.map((x) => x.domain), ['a', 'c'], 'two plain writers are reported, the w! one is not');
});

t.test('cluster-fs annotation: every writer, or the ones without it are reported', async (t) => {
  const annotated = (name: string) => domainFromText(`name = "${name}"\n# xenlint: cluster-fs=xvdb:ocfs2\ndisk = [ 'phy:/dev/vg0/s,xvdb,w' ]\n`, 'xm', `/etc/xen/${name}.cfg`);
  t.equal(annotated('a').disks[0]?.clusterFs, 'ocfs2');
  t.same(run([annotated('a'), annotated('b')]), []);
  const f = run([annotated('a'), guest('b', ['phy:/dev/vg0/s,xvdb,w'])]);
  t.same(f.map((x) => x.domain), ['b']);
  t.equal(f[0]?.evidence?.['writers'], 'a:xvdb:w:ocfs2 b:xvdb:w');
});

t.test('on a host: the resolved device joins different spellings', async (t) => {
  const a = guest('a', ['phy:/dev/vg0/s,xvdb,w']);
  const b = guest('b', ['phy:/dev/mapper/vg0-s,xvdb,w']);
  t.same(run([a, b]), [], 'lint mode: different paths as given');
  a.disks[0]!.resolvedPath = '/dev/dm-3';
  b.disks[0]!.resolvedPath = '/dev/dm-3';
  const f = run([a, b]);
  t.equal(f.length, 2);
  t.match(f[0]?.message, /\(\/dev\/vg0\/s, the same device as \/dev\/dm-3\)/);
  t.equal(f[0]?.evidence?.['resolved'], '/dev/dm-3');
  const c = guest('c', ['phy:/dev/vg0/s,xvdb,w']);
  t.equal(run([a, b, c]).length, 3, 'joined through the path as given as well');
});

t.test('property: findings only when two differently named guests write one path', async (t) => {
  fc.assert(fc.property(
    fc.array(fc.record({ name: fc.constantFrom('a', 'b', 'c'), lv: fc.constantFrom('s', 't'), mode: fc.constantFrom('w', 'r', 'w!') }), { maxLength: 5 }),
    (gs) => {
      const f = run(gs.map((g, i) => domainFromText(`name = "${g.name}"\ndisk = [ 'phy:/dev/vg0/${g.lv},xvdb,${g.mode}' ]\n`, 'xm', `/etc/xen/${i}.cfg`)));
      for (const x of f) {
        const lv = /vg0\/(\w)/.exec(x.message ?? "")![1];
        const writers = gs.filter((g) => g.lv === lv && g.mode !== 'r');
        if (new Set(writers.map((g) => g.name)).size < 2) return false;
        if (writers.filter((g) => g.mode === 'w').length < 2) return false;
      }
      return true;
    },
  ), { numRuns: 200 });
  t.pass('held');
});

t.test('findings come in the same order on every machine: file names by code unit, never by the locale', async (t) => {
  // Under a Czech collation "ch" sorts after "h", and case folds; code units put "Web" before "ch" before "h".
  const files = ['h1', 'ch1', 'Web1'].map((name) => guest(name, ['phy:/dev/vg0/shared,xvdb,w']));
  const f = run(files);
  t.same(
    f.map((x) => x.file),
    ['/etc/xen/Web1.cfg', '/etc/xen/ch1.cfg', '/etc/xen/h1.cfg'],
  );
});
