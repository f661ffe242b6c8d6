import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/vbd-size-limit.js';
import type { DiskFacts, DomainFacts } from '../../cli/model/facts.js';
import { context, disk, domain, facts, findings, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

const GiB = 2 ** 30;
const TiB = 2 ** 40;

function vbd(index: number, spec: string, size?: number, cdrom = false): DiskFacts {
  return disk(index, spec, { line: 40 + index, column: 10, size, cdrom });
}

function guest(name: string, disks: DiskFacts[], type: 'pv' | 'hvm' = 'pv'): DomainFacts {
  return domain(name, { type, typeSource: 'default', disks });
}

const ctx = (xen: string, options: Record<string, unknown> = {}, mode: 'check' | 'lint' = 'check') => context(check, { xen, options, mode });

t.test('metadata: error, Xen <= 3.0.3', async (t) => {
  t.equal(check.id, 'vbd-size-limit');
  t.equal(check.severity, 'error');
  t.equal(check.xen, '<3.0.4');
  t.same(check.defaults, { limitBytes: 2 * TiB });
});

t.test('a vbd of 2 TiB or more fails; just under passes', async (t) => {
  const g = guest('nas', [
    vbd(0, 'phy:/dev/vg0/nas-root,sda1,w', 8 * GiB),
    vbd(1, 'phy:/dev/md2,sdb,w', 2 * TiB),
    vbd(2, 'tap:aio:/srv/xen/nas-data.img,sdc,w', 3 * TiB),
    vbd(3, 'phy:/dev/vg0/scratch,sdd,w', 2 * TiB - 512),
  ]);
  const fs = findings(check.run(facts({ domains: [g] }), ctx('3.0.3')));
  t.same(fs.map((f) => f.line), [41, 42]);
  t.match(fs[0]?.message, /nas: disk sdb is 2 TiB \(2199023255552 bytes\), at or over the 2 TiB/);
  t.equal(fs[0]?.key, 'disk');
  t.match(String(fs[0]?.evidence?.['basis']), /field notes.*not confirmed/, 'phy: the field notes are the only evidence');
  t.match(String(fs[1]?.evidence?.['basis']), /blktap.*bc79267989.*unconfirmed/, 'tap: Xen history');
});

t.test('HVM guests and every backend count; CD-ROMs do not', async (t) => {
  const g = guest('h', [vbd(0, 'file:/srv/big.img,hda,w', 4 * TiB), vbd(1, 'file:/srv/install.iso,hdc:cdrom,r', undefined, true)], 'hvm');
  t.same(findings(check.run(facts({ domains: [g] }), ctx('3.0.2'))).map((f) => f.line), [40]);
});

t.test('option moves the threshold', async (t) => {
  const g = guest('g', [vbd(0, 'phy:/dev/sdb,xvdb,w', 1.5 * TiB)]);
  t.same(findings(check.run(facts({ domains: [g] }), ctx('3.0.3'))), []);
  t.equal(findings(check.run(facts({ domains: [g] }), ctx('3.0.3', { limitBytes: TiB }))).length, 1);
});

t.test('unknown sizes: unverified in check mode; skip in lint mode when nothing is known', async (t) => {
  const g = guest('g', [vbd(0, 'phy:/dev/vg0/g,xvda,w')]);
  const fs = findings(check.run(facts({ domains: [g] }), ctx('3.0.3')));
  t.same(fs.map((f) => [f.severity, f.unverified]), [['warning', true]]);
  t.match(fs[0]?.message, /size of disk xvda is unknown/);
  const r = check.run(facts({ domains: [g] }), ctx('3.0.3', {}, 'lint'));
  t.ok(!Array.isArray(r) && /# xenlint: size=hda:200G/.test(r.skip));
});

t.test('invalid and empty disks are left to disk-spec', async (t) => {
  const bad = vbd(0, 'phy:/dev/x,xvda,w', 3 * TiB);
  bad.invalid = 'unknown deprecated disk prefix';
  t.same(findings(check.run(facts({ domains: [guest('g', [bad])] }), ctx('3.0.3'))), []);
  t.same(findings(check.run(facts({ domains: [guest('none', [])] }), ctx('3.0.3', {}, 'lint'))), [], 'no disks: nothing to check');
});

t.test('explain', async (t) => {
  const lines = check.explain?.(facts({ domains: [guest('g', [vbd(0, 'phy:/dev/md0,xvdb,w', 3 * TiB)])] }), ctx('3.0.3')) ?? [];
  t.match(lines.join('\n'), /g xvdb: 3 TiB .* >= limit/);
});

t.test('property: never throws', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(
        fc.array(fc.record({ size: fc.option(fc.double({ min: 0, max: 2 ** 50, noNaN: true }).map(Math.floor), { nil: undefined }), cdrom: fc.boolean() }), { maxLength: 6 }),
        fc.constantFrom('check' as const, 'lint' as const),
        (ds, mode) => {
          const r = check.run(facts({ domains: [guest('g', ds.map((d, i) => vbd(i, `phy:/dev/x${i},xvd${'abcdef'[i]},w`, d.size, d.cdrom)))] }), ctx('3.0.3', {}, mode));
          if (!Array.isArray(r)) return mode === 'lint';
          return r.every((f) => (f.line ?? 0) >= 40);
        },
      ),
    ),
  );
});
