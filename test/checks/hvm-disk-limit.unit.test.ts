import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/hvm-disk-limit.js';
import { bootDisk, builtByLibxl, ideIndex, plainVdev } from '../../checks/lib/disk.js';
import type { DiskFacts, DomainFacts } from '../../cli/model/facts.js';
import { context, disk, domain, facts, findings, host, key, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

const GiB = 2 ** 30;
const TiB = 2 ** 40;

interface DiskSpec {
  vdev: string;
  size?: number;
  cdrom?: boolean;
  target?: string;
}

function phyDisk(index: number, d: DiskSpec): DiskFacts {
  return disk(index, `phy:${d.target ?? `/dev/vg0/disk${index}`},${d.vdev}${d.cdrom ? ':cdrom' : ''},w`, { line: 30 + index, column: 9, size: d.size, cdrom: d.cdrom });
}

function guest(name: string, disks: DiskSpec[], opts: { type?: 'pv' | 'hvm'; boot?: string; dialect?: 'xm' | 'xl' } = {}): DomainFacts {
  return domain(name, {
    dialect: opts.dialect ?? 'xm',
    type: opts.type ?? 'hvm',
    typeSource: 'builder',
    disks: disks.map((d, i) => phyDisk(i, d)),
    keys: opts.boot !== undefined ? { boot: key(opts.boot, 12) } : {},
  });
}

const ctx = (xen: string | undefined, options: Record<string, unknown> = {}, mode: 'check' | 'lint' = 'check') => context(check, { xen, options, mode });

t.test('metadata: no single Xen range (two rules), 128 GiB and 2 TiB defaults', async (t) => {
  t.equal(check.id, 'hvm-disk-limit');
  t.equal(check.severity, 'error');
  t.equal(check.xen, undefined);
  t.same(check.defaults, { limitBytes: 128 * GiB, bootLimitBytes: 2 * TiB });
});

t.test('vdev helpers', async (t) => {
  t.equal(plainVdev('ioemu:hda'), 'hda');
  t.equal(plainVdev('hdc:cdrom'), 'hdc');
  t.equal(plainVdev(' HDB '), 'hdb');
  t.equal(plainVdev(''), undefined);
  const table: Array<[boolean, string, number | undefined]> = [
    [false, 'hda', 0],
    [false, 'ioemu:hdb', 1],
    [false, 'hdd', 3],
    [false, 'hde', undefined],
    [false, 'xvda', undefined],
    [false, 'sda', undefined],
    [true, 'xvda', 0],
    [true, 'xvdd', 3],
    [true, 'xvde', undefined],
    [true, 'xvdaa', undefined],
    [true, 'd2', 2],
    [true, 'd4', undefined],
    [true, 'hdc', 2],
    [true, 'sdb', undefined],
  ];
  for (const [libxl, vdev, want] of table) t.equal(ideIndex(phyDisk(0, { vdev }), libxl), want, `${libxl ? 'libxl' : 'xend'} ${vdev}`);
});

t.test('libxl or xend: the toolstack, else the version, else the dialect', async (t) => {
  const xl = guest('y', [], { dialect: 'xl' });
  const xm = guest('x', []);
  const hostWith = (toolstack?: 'xm' | 'xl') => facts({ host: toolstack ? host(undefined, { toolstack }) : undefined });
  t.equal(builtByLibxl(xl, hostWith('xm'), '4.1.0'), false, 'host toolstack xm');
  t.equal(builtByLibxl(xm, hostWith('xl'), '4.1.0'), true, 'host toolstack xl');
  t.equal(builtByLibxl(xl, hostWith(), '3.4.2'), false, 'no libxl before 4.0, whatever the syntax looks like');
  t.equal(builtByLibxl(xl, hostWith(), '4.17.0'), true);
  t.equal(builtByLibxl(xm, hostWith(), '4.17.0'), true, 'from 4.5 only xl exists, whatever the syntax');
  t.equal(builtByLibxl(xm, hostWith(), '4.4.0'), false, '4.4 has both: the syntax decides');
});

t.test('boot disk: the lowest IDE hard disk, unless boot= is floppy/network only', async (t) => {
  const disks: DiskSpec[] = [{ vdev: 'hdb' }, { vdev: 'hda', cdrom: true }, { vdev: 'hdc' }, { vdev: 'xvdb' }];
  t.equal(bootDisk(guest('g', disks), false)?.vdev, 'hdb', 'hda is a CD-ROM: hdb is the first hard disk');
  t.equal(bootDisk(guest('g', disks, { boot: 'dc' }), false)?.vdev, 'hdb');
  t.equal(bootDisk(guest('g', disks, { boot: 'd' }), false)?.vdev, 'hdb', 'installing from CD onto the first disk');
  t.equal(bootDisk(guest('g', disks, { boot: 'n' }), false), undefined);
  t.equal(bootDisk(guest('g', disks, { type: 'pv' }), false), undefined);
  t.equal(bootDisk(guest('g', [{ vdev: 'xvda' }], { dialect: 'xl' }), true)?.vdev, 'xvda', 'libxl emulates xvda as IDE 0');
  t.equal(bootDisk(guest('g', [{ vdev: 'xvda' }]), false), undefined, 'xend gives xvda to PV drivers only');
});

t.test('before 3.2: boot disk over 128 GiB is an error, others a warning', async (t) => {
  const g = guest('win2k3', [
    { vdev: 'hda', size: 200 * GiB },
    { vdev: 'hdb', size: 300 * GiB },
    { vdev: 'hdc', cdrom: true },
    { vdev: 'hdd', size: 100 * GiB },
  ]);
  for (const v of ['3.0.2', '3.0.4', '3.1.0', '3.1.4']) {
    const fs = findings(check.run(facts({ domains: [g] }), ctx(v)));
    t.same(fs.map((f) => [f.severity, f.line]), [['error', 30], ['warning', 31]], `Xen ${v}`);
    t.match(fs[0]?.message, /win2k3: boot disk hda is 200 GiB \(214748364800 bytes\), beyond the 128 GiB the HVM BIOS of Xen 3\.\d\.\d/);
    t.equal(fs[0]?.evidence?.['size_bytes'], 200 * GiB);
    t.equal(fs[0]?.key, 'disk');
  }
});

t.test('from 3.2: only a boot disk over 2 TiB, as a warning', async (t) => {
  const g = guest('win2k8', [
    { vdev: 'hda', size: 200 * GiB },
    { vdev: 'hdb', size: 3 * TiB },
  ]);
  for (const v of ['3.2.0', '3.2.3', '3.4.2', '4.17.0']) {
    t.same(findings(check.run(facts({ domains: [g] }), ctx(v))), [], `Xen ${v}`);
  }
  const big = guest('big', [{ vdev: 'hda', size: 3 * TiB }]);
  const fs = findings(check.run(facts({ domains: [big] }), ctx('3.2.0')));
  t.same(fs.map((f) => f.severity), ['warning']);
  t.match(fs[0]?.message, /3 TiB.*over the 2 TiB the HVM BIOS addresses even with LBA48/);
});

t.test('the boundary is inclusive: exactly the limit passes', async (t) => {
  t.same(findings(check.run(facts({ domains: [guest('g', [{ vdev: 'hda', size: 128 * GiB }])] }), ctx('3.1.0'))), []);
  t.equal(findings(check.run(facts({ domains: [guest('g', [{ vdev: 'hda', size: 128 * GiB + 512 }])] }), ctx('3.1.0'))).length, 1);
});

t.test('option: the field notes\' 160G', async (t) => {
  const g = guest('g', [{ vdev: 'hda', size: 150 * GiB }]);
  t.equal(findings(check.run(facts({ domains: [g] }), ctx('3.1.0'))).length, 1);
  t.same(findings(check.run(facts({ domains: [g] }), ctx('3.1.0', { limitBytes: 160 * GiB }))), []);
});

t.test('boot=n makes every disk a data disk (warnings only)', async (t) => {
  const g = guest('pxe', [{ vdev: 'hda', size: 200 * GiB }], { boot: 'n' });
  t.same(findings(check.run(facts({ domains: [g] }), ctx('3.0.4'))).map((f) => f.severity), ['warning']);
});

t.test('only emulated disks: PV guests, sd*, xvd* under xm and CD-ROMs are left out', async (t) => {
  const big = 500 * GiB;
  t.same(findings(check.run(facts({ domains: [guest('pv', [{ vdev: 'hda', size: big }], { type: 'pv' })] }), ctx('3.0.4'))), []);
  t.same(findings(check.run(facts({ domains: [guest('h', [{ vdev: 'sda', size: big }, { vdev: 'xvdb', size: big }])] }), ctx('3.0.4'))), []);
  t.same(findings(check.run(facts({ domains: [guest('h', [{ vdev: 'hdc', cdrom: true }])] }), ctx('3.0.4'))), []);
});

t.test('unknown sizes: unverified warnings in check mode, a skip in lint mode when none is known', async (t) => {
  const g = guest('g', [{ vdev: 'hda' }, { vdev: 'hdb', size: 10 * GiB }]);
  const fs = findings(check.run(facts({ domains: [g] }), ctx('3.0.4')));
  t.same(fs.map((f) => [f.severity, f.unverified, f.line]), [['warning', true, 30]]);
  t.match(fs[0]?.message, /size of boot disk hda is unknown/);
  const none = guest('n', [{ vdev: 'hda' }]);
  const r = check.run(facts({ domains: [none] }), ctx('3.0.4', {}, 'lint'));
  t.ok(!Array.isArray(r) && /annotate the config with # xenlint: size=hda:200G/.test(r.skip));
  t.equal(findings(check.run(facts({ domains: [none, g] }), ctx('3.0.4', {}, 'lint'))).length, 2, 'lint with some sizes: unknowns reported');
  t.equal(findings(check.run(facts({ domains: [none] }), ctx('4.17.0'))).length, 1, 'from 3.2 only the boot disk needs a size');
});

t.test('no HVM guests: pass even without a version; HVM without version: skip', async (t) => {
  t.same(findings(check.run(facts({ domains: [guest('pv', [{ vdev: 'xvda' }], { type: 'pv' })] }), ctx(undefined))), []);
  const r = check.run(facts({ domains: [guest('h', [{ vdev: 'hda', size: 1 }])] }), ctx(undefined));
  t.ok(!Array.isArray(r) && /version unknown/.test(r.skip));
});

t.test('explain', async (t) => {
  const lines = check.explain?.(facts({ domains: [guest('g', [{ vdev: 'hda', size: 200 * GiB }, { vdev: 'hdb' }])] }), ctx('3.1.0')) ?? [];
  t.match(lines.join('\n'), /without LBA48; limit 128 GiB/);
  t.match(lines.join('\n'), /g boot disk hda: 200 GiB .* > limit/);
  t.match(lines.join('\n'), /g disk hdb: size unknown/);
});

t.test('property: never throws; findings point at disk lines', async (t) => {
  const diskArb = fc.record(
    {
      vdev: fc.constantFrom('hda', 'hdb', 'hdc', 'hdd', 'ioemu:hda', 'xvda', 'sda', 'd1', '', 'hdz'),
      size: fc.option(fc.oneof(fc.nat(), fc.constantFrom(128 * GiB, 128 * GiB + 1, 2 * TiB + 1)), { nil: undefined }),
      cdrom: fc.boolean(),
    },
    { requiredKeys: ['vdev'] },
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            disks: fc.array(diskArb, { maxLength: 5 }),
            boot: fc.option(fc.constantFrom('c', 'd', 'n', 'dc', 'a', ''), { nil: undefined }),
            dialect: fc.constantFrom('xm' as const, 'xl' as const),
          }),
          { maxLength: 3 },
        ),
        fc.constantFrom('3.0.2', '3.1.0', '3.2.0', '4.17.4-pre'),
        fc.constantFrom('check' as const, 'lint' as const),
        (gs, v, mode) => {
          const domains = gs.map((g, i) =>
            guest(`g${i}`, g.disks.map((d) => ({ vdev: d.vdev, ...(d.size !== undefined ? { size: d.size } : {}), ...(d.cdrom ? { cdrom: true } : {}) })), {
              dialect: g.dialect,
              ...(g.boot !== undefined ? { boot: g.boot } : {}),
            }),
          );
          const r = check.run(facts({ domains }), ctx(v, {}, mode));
          if (!Array.isArray(r)) return mode === 'lint';
          return r.every((f) => f.line !== undefined && f.line >= 30 && f.key === 'disk');
        },
      ),
    ),
  );
});
