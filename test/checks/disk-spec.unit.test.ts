import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/disk-spec.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import type { Dialect } from '../../cli/model/config-model.js';
import { domainFromText, listLine, runOnDomains, type Target, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

const run = (domains: DomainFacts[], o: Target = {}): RenderedFinding[] => runOnDomains(check, domains, { mode: 'lint', ...o });

const disks = (...specs: string[]): string => listLine('disk', specs);

t.test('w!: info before the move, error where xl reads the file', async (t) => {
  const d = domainFromText(`name = "g"\n${disks('phy:/dev/vg/root,xvda,w', 'phy:/dev/mapper/gfs,xvdb,w!')}`, 'xm');
  const table: Array<[RunArgs, string]> = [
    [{ xen: '3.1.0' }, 'info'],
    [{ xen: '4.4.0' }, 'info'],
    [{ xen: '4.5.0' }, 'error'],
    [{ xen: '4.1.2', toolstack: 'xl' }, 'error'],
    [{}, 'info'],
  ];
  for (const [args, severity] of table) {
    const f = run([d], args);
    t.equal(f.length, 1, JSON.stringify(args));
    t.equal(f[0]?.severity, severity, JSON.stringify(args));
    t.equal(f[0]?.line, 3, 'points at the w! item');
  }
});

type RunArgs = { xen?: string; toolstack?: 'xm' | 'xl' };

t.test('a plain-string disk under xl is ignored whole; under xm it is read', async (t) => {
  const text = "name = 'n'\ndisk = 'phy:/dev/vg/n,xvda,w'\n";
  const xl = run([domainFromText(text, 'xl')], { xen: '4.17.0' });
  t.equal(xl.length, 1);
  t.equal(xl[0]?.severity, 'error');
  t.match(xl[0]?.remediation, /disk = \[ 'phy:\/dev\/vg\/n,xvda,w' \]/);
  t.same(run([domainFromText(text, 'xm')], { xen: '3.1.0' }), []);
});

t.test('vdevs: libxl refuses hde, xend knows hd[e-t]', async (t) => {
  const pv = (dialect: Dialect): DomainFacts => domainFromText(`name = "p"\n${disks('phy:/dev/vg/a,xvda,w', 'phy:/dev/vg/b,hde,w')}`, dialect);
  const xl = run([pv('xl')], { xen: '4.17.0' });
  t.equal(xl.length, 1);
  t.equal(xl[0]?.severity, 'error');
  t.same(run([pv('xm')], { xen: '3.1.0' }), [], 'a PV guest under xend may use hde');
  const dp = run([domainFromText(`name = "p"\n${disks('phy:/dev/vg/a,d0p1,w')}`, 'xm')], { xen: '3.1.0' });
  t.equal(dp[0]?.severity, 'error', 'xend does not know d<N>p<M>');
});

t.test('HVM under xm: a fifth IDE name is invisible (error on 3.0.2)', async (t) => {
  const hvm = domainFromText(`name = "h"\nbuilder = "hvm"\n${disks('phy:/dev/vg/a,ioemu:hda,w', 'phy:/dev/vg/b,hdb,w', ',hdc:cdrom,r', 'phy:/dev/vg/c,hdd,w', 'phy:/dev/vg/d,hdf,w')}`, 'xm');
  t.same(run([hvm], { xen: '3.0.2' }).map((f) => f.severity), ['error']);
  t.same(run([hvm], { xen: '3.0.3' }).map((f) => f.severity), ['warning']);
  t.same(run([hvm]).map((f) => f.severity), ['warning']);
  const pv = domainFromText(`name = "h"\n${disks('phy:/dev/vg/d,hdf,w')}`, 'xm');
  t.same(run([pv], { xen: '3.1.0' }), [], 'a PV guest is not emulated');
});

t.test('HVM under xl: two disks in one emulated slot', async (t) => {
  const mk = (extra: string): DomainFacts =>
    domainFromText(`name = "w"\ntype = "hvm"\n${extra}disk = [ "vdev=hda, target=/dev/vg/c", "vdev=xvda, target=/dev/vg/d", "vdev=xvde, target=/dev/vg/e", "vdev=sda, target=/dev/vg/s" ]\n`, 'xl');
  const ide = run([mk('')], { xen: '4.17.0' });
  t.equal(ide.length, 1);
  t.match(ide[0]?.message, /IDE unit 0/);
  const ahci = run([mk('hdtype = "ahci"\n')], { xen: '4.17.0' });
  t.equal(ahci.length, 1);
  t.match(ahci[0]?.message, /AHCI unit 0/);
  const pv = run([domainFromText('name = "p"\ntype = "pv"\nkernel = "/k"\ndisk = [ "vdev=hda, target=/a", "vdev=xvda, target=/b" ]\n', 'xl')], { xen: '4.17.0' });
  t.same(pv, [], 'no emulation for PV guests');
});

t.test('duplicates: same name or same device number, CD-ROMs included', async (t) => {
  const table: Array<[Dialect, string[], number]> = [
    ['xl', ['vdev=xvda, target=/a', 'vdev=xvdb, target=/b'], 0],
    ['xl', ['vdev=xvda, target=/a', 'vdev=xvda, target=/b'], 1],
    ['xl', ['vdev=xvda, target=/a', 'vdev=d0p0, target=/b'], 1],
    ['xl', ['vdev=xvda, target=/a', 'vdev=xvda, target=/b', 'vdev=xvda, target=/c'], 2],
    ['xm', ['phy:/dev/a,hdc,w', ',hdc:cdrom,r'], 1],
    ['xm', ['phy:/dev/a,ioemu:hda,w', 'phy:/dev/b,hda,w'], 1],
  ];
  for (const [dialect, specs, n] of table) {
    const f = run([domainFromText(`name = "d"\nbuilder = "generic"\n${disks(...specs)}`, dialect)], { xen: dialect === 'xl' ? '4.17.0' : '3.1.0' });
    t.equal(f.filter((x) => /uses vdev/.test(x.message)).length, n, `${dialect} ${specs.join(' | ')}`);
  }
});

t.test('refused specs: errors that say which toolstack refuses them', async (t) => {
  const xm = run([domainFromText(`name = "m"\n${disks('phy:/dev/vg/a,xvda', 'file:/img,xvdb,rw', 'phy:/dev/vg/c,xvdc,w,0,x86_32-abi')}`, 'xm')], { xen: '3.0.4' });
  t.same(xm.map((f) => f.severity), ['error', 'error', 'error', 'info']);
  t.match(xm[0]?.message, /xm create stops/);
  const xl = run([domainFromText(`name = "l"\n${disks('vdev=xvda, access=rw', 'target=/a, vdev=xvdb, bogus=1')}`, 'xl')], { xen: '4.17.0' });
  t.ok(xl.length >= 1 && xl.every((f) => f.severity === 'error' && /xl stops reading/.test(f.message)));
});

t.test('5th field: error on 3.0.x, warning where unknown, nothing from 4.0 (but the xl note)', async (t) => {
  const d = domainFromText(`name = "f"\n${disks('phy:/dev/vg/c,xvdc,w,0,x86_32-abi')}`, 'xm');
  t.same(run([d], { xen: '3.0.4' }).map((f) => f.severity), ['error', 'info']);
  t.same(run([d], { xen: '3.2.0' }).map((f) => f.severity), ['warning', 'info']);
  t.same(run([d]).map((f) => f.severity), ['warning', 'info']);
  t.same(run([d], { xen: '4.0.1' }).map((f) => f.severity), ['info']);
});

t.test('unreadable disk lists are reported as not checked', async (t) => {
  const d = domainFromText("import os\nname = 'u'\ndisk = [ 'phy:/dev/vg/' + os.environ['X'] + ',xvda,w' ]\n", 'xm');
  const f = run([d], { xen: '3.1.0' });
  t.equal(f.length, 1);
  t.equal(f[0]?.unverified, true);
  t.equal(f[0]?.severity, 'warning');
});

t.test('never throws on random disk lists', async (t) => {
  const item = fc.oneof(
    fc.constantFrom('phy:/dev/vg/a,xvda,w', ',hdc:cdrom,r', 'vdev=hda, target=/a', 'file:/a,hde,w!', 'a,b', '', 'vdev=xvda', 'tap:aio:/x,xvdb,r', 'format=qcow2, vdev=sdb, target=/q'),
    fc.string({ maxLength: 30 }).map((s) => s.replace(/['\\\n\r]/g, '')),
  );
  fc.assert(
    fc.property(fc.array(item, { maxLength: 6 }), fc.constantFrom<Dialect>('xm', 'xl'), fc.boolean(), fc.constantFrom('3.0.2', '3.1.0', '4.4.0', '4.17.0'), (specs, dialect, hvm, xen) => {
      const d = domainFromText(`name = "r"\n${hvm ? 'builder = "hvm"\n' : ''}${disks(...specs)}`, dialect);
      const f = run([d], { xen });
      return f.every((x) => x.domain === 'r' && (x.line ?? 0) >= 1 && x.key === 'disk');
    }),
  );
  t.pass('ok');
});

t.test('list items that are not strings, and empty specs', async (t) => {
  const nested = run([domainFromText('name = "n"\ndisk = [ [ "phy:/dev/vg/a", "xvda", "w" ] ]\n', 'xl')], { xen: '4.17.0' });
  t.equal(nested.length, 1);
  t.equal(nested[0]?.severity, 'error');
  t.match(nested[0]?.message, /must be a string/);
  const empty = run([domainFromText("name = 'e'\ndisk = [ '' ]\n", 'xm')], { xen: '3.1.0' });
  t.equal(empty.length, 1);
  t.match(empty[0]?.message, /Invalid disk specifier/, "xm's own words for an empty spec");
});
