import t from 'tap';
import builtin, { busOf } from '../../checks/hvm-emulated-disks.js';
import { libxlDiskNumber } from '../../checks/lib/disk.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { context, domainFromText, facts, host, listLine, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function hvm(name: string, disks: string[], extra = ''): DomainFacts {
  return domainFromText(`name = "${name}"\ntype = "hvm"\n${extra}${listLine('disk', disks)}`, 'xl', `/etc/xen/${name}.cfg`);
}

function run(domains: DomainFacts[], xen: string | undefined): RenderedFinding[] {
  const r = check.run(facts({ host: host(xen, { toolstack: 'xl' }), domains }), context(check, { xen }));
  if (!Array.isArray(r)) throw new Error(r.skip);
  return r;
}

const rw = (vdev: string) => `format=raw, vdev=${vdev}, access=rw, target=/dev/vg0/${vdev}`;
const ro = (vdev: string) => `format=raw, vdev=${vdev}, access=ro, target=/srv/${vdev}.img`;

t.test('libxl disk numbers and buses', async (t) => {
  t.same(libxlDiskNumber('xvda'), { index: 0, scsi: false });
  t.same(libxlDiskNumber('xvdaa'), { index: 26, scsi: false });
  t.same(libxlDiskNumber('sdb'), { index: 1, scsi: true });
  t.same(libxlDiskNumber('d5'), { index: 5, scsi: false });
  t.equal(libxlDiskNumber('cdrom'), undefined);
  const d = hvm('a', [rw('xvdd'), rw('xvde'), rw('xvdf'), rw('xvdg'), rw('sdc'), rw('hdd')]).disks;
  t.same(d.map((k) => busOf(k, false)), ['ide', 'none', 'none', 'none', 'scsi', 'ide']);
  t.same(d.map((k) => busOf(k, true)), ['ahci', 'ahci', 'ahci', 'none', 'scsi', 'ahci']);
});

t.test('boot disk past the emulated slots', async (t) => {
  const f = run([hvm('w', [rw('xvde'), rw('xvdf')])], '4.17.0');
  t.equal(f.length, 1);
  t.match(f[0], { severity: 'error', key: 'disk', line: 3 });
  t.match(f[0]?.message, /none of its disks \(xvde, xvdf\) is in the four IDE slots \(hda–hdd or xvda–xvdd\) qemu-xen emulates/);
  t.same(run([hvm('w', [rw('xvde'), rw('xvdb')])], '4.17.0'), [], 'xvdb is emulated');
  t.same(run([hvm('w', [rw('xvde')], 'hdtype = "ahci"\n')], '4.6.0'), [], 'AHCI from 4.6 reaches xvde');
  t.same(run([hvm('w', [rw('xvde')], 'boot = "n"\n')], '4.17.0'), [], 'network boot');
  const trad = check.run(facts({ domains: [hvm('w', [rw('xvde')], 'device_model_version = "qemu-xen-traditional"\n')] }), context(check, { xen: '4.17.0' }));
  t.notOk(Array.isArray(trad), 'traditional: not judged (skipped, no qemu-xen guest)');
});

t.test('read-only IDE/AHCI hard disks: 4.6 / 4.7', async (t) => {
  const g = hvm('r', [rw('hda'), ro('hdb')]);
  t.same(run([g], '4.6.0'), [], 'before 4.7: unconfirmed');
  const f = run([g], '4.7.0');
  t.equal(f.length, 1);
  t.match(f[0]?.message, /is a read-only hard disk on emulated IDE \(hdb\): xl of Xen 4\.7\.0 stops with "qemu-xen doesn't support read-only IDE disk drivers"/);
  t.match(run([hvm('r', [rw('hda'), ro('xvde')], 'hdtype = "ahci"\n')], '4.17.0')[0]?.message, /read-only AHCI disk drivers/);
  t.same(run([hvm('r', [rw('hda'), ro('xvde'), ro('sdb')])], '4.17.0'), [], 'PV-only and SCSI slots');
  t.same(run([hvm('r', [rw('hda'), 'format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/srv/x.iso'])], '4.17.0'), [], 'CD-ROM');
});

t.test('hdtype before 4.6 (warning), and its own boot rule', async (t) => {
  const g = hvm('a', [rw('xvde')], 'hdtype = "ahci"\n');
  const f = run([g], '4.5.0');
  t.same(f.map((x) => [x.key, x.severity]), [['hdtype', 'warning'], ['disk', 'error']], 'ignored hdtype leaves xvde outside IDE');
});

t.test('skips PV-only and xm hosts', async (t) => {
  const r = check.run(facts({ domains: [domainFromText('name = "p"\nkernel = "/boot/k"\n', 'xl')] }), context(check, { xen: '4.17.0' }));
  t.match(Array.isArray(r) ? '' : r.skip, /no HVM guest run by xl with qemu-xen/);
});
