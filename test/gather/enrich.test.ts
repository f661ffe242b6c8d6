import t from 'tap';
import type { DiskFacts, DomainFacts } from '../../cli/model/facts.js';
import { enrichDomain, enrichDomainWithProbes, newEnrichCache } from '../../cli/sources/enrich.js';
import { RootSource } from '../../cli/sources/root-source.js';
import type { EvidenceSource } from '../../cli/sources/source.js';
import { EM, buildElf, linuxXenNotes } from '../helpers/elf-builder.js';
import { GiB, makeFakeHost } from '../fixtures/gather/fake-host.js';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

const host = await makeFakeHost();
t.teardown(host.cleanup);
await writeFile(path.join(host.root, 'boot/vmlinuz-2.6.18-xen-pae'), buildElf({ elfClass: 32, machine: EM.I386, notes: linuxXenNotes({ is64: false, pae: 'bimodal' }) }));
await writeFile(path.join(host.root, 'boot/not-a-kernel'), 'just text\n');
const src = new RootSource(host.root);

function disk(over: Partial<DiskFacts>): DiskFacts {
  return { index: 0, spec: '', line: 5, column: 10, devtype: 'disk', ...over };
}

function domain(over: Partial<DomainFacts>): DomainFacts {
  return {
    name: 'g',
    file: '/etc/xen/g.cfg',
    dialect: 'xm',
    type: 'pv',
    typeSource: 'default',
    disks: [],
    vifs: [],
    keys: {},
    annotations: [],
    suppressions: [],
    diagnostics: [],
    ...over,
  };
}

t.test('kernels', async (t) => {
  const bimodal = await enrichDomain(domain({ kernel: { path: '/boot/vmlinuz-2.6.18-xen-pae', source: 'unknown', reason: 'not gathered', line: 2, column: 1 } }), src);
  t.same(bimodal.kernel, { path: '/boot/vmlinuz-2.6.18-xen-pae', source: 'elf', bits: 32, abi: 'x86_32-bimodal', pae: 'bimodal', line: 2, column: 1 });

  const annotated = { path: '/boot/missing', source: 'annotation' as const, abi: 'x86_32p' as const, bits: 32 as const, line: 1, column: 1 };
  t.same((await enrichDomain(domain({ kernel: annotated }), src)).kernel, annotated, 'an annotation stays when the image cannot be read');
  const overruled = await enrichDomain(domain({ kernel: { ...annotated, path: '/boot/vmlinuz-3.16.0-4-amd64' } }), src);
  t.equal(overruled.kernel?.abi, 'x86_64', 'the image on the host wins over an annotation');
  t.equal(overruled.kernel?.source, 'elf');

  const text = await enrichDomainWithProbes(domain({ kernel: { path: '/boot/not-a-kernel', source: 'unknown' } }), src);
  t.match(text.domain.kernel, { source: 'unknown', reason: /^\/boot\/not-a-kernel: not a kernel image/ });
  t.match(text.probes, [{ name: 'kernel:/boot/not-a-kernel', status: 'error' }]);

  const relative = await enrichDomainWithProbes(domain({ kernel: { path: 'vmlinuz', source: 'unknown' } }), src);
  t.match(relative.domain.kernel?.reason, /relative/);
  t.same(relative.probes, [{ name: 'kernel:vmlinuz', status: 'skipped', detail: 'relative path' }]);

  const pygrub = domain({ bootloader: 'pygrub', kernel: { path: '(pygrub)', source: 'unknown', reason: 'inside the disk' } });
  t.same(await enrichDomainWithProbes(pygrub, src), { domain: pygrub, probes: [] }, 'a bootloader placeholder is not a file');
  const hvm = domain({ type: 'hvm', kernel: { path: '/boot/vmlinuz-3.16.0-4-amd64', source: 'unknown' } });
  t.same((await enrichDomain(hvm, src)).kernel, hvm.kernel, 'HVM guests are not given a PV ABI');
});

t.test('disks', async (t) => {
  const d = domain({
    disks: [
      disk({ index: 0, target: '/dev/vg0/web', backend: 'phy', spec: 'phy:/dev/vg0/web,xvda,w' }),
      disk({ index: 1, target: '/srv/xen/legacy.img', backend: 'tap:aio' }),
      disk({ index: 2, target: '/srv/xen/db-data.qcow2', backend: 'tap:qcow2' }),
      disk({ index: 3, target: '/srv/xen/db-data.qcow2', format: 'raw' }),
      disk({ index: 4, target: 'iqn.2001-05.com.example:web', backend: 'iscsi' }),
      disk({ index: 5, target: '/srv/iso/debian.iso', devtype: 'cdrom', sizeUnknown: 'a CD-ROM' }),
      disk({ index: 6, invalid: 'bad spec' }),
      disk({ index: 7, target: 'images/web.img', backend: 'file' }),
      disk({ index: 8, target: '/srv/xen/none.img', sizeBytes: 3 * GiB, sizeSource: 'annotation' }),
      disk({ index: 9, target: '/dev/sda1' }),
    ],
  });
  const r = await enrichDomainWithProbes(d, src);
  const got = r.domain.disks.map((x) => [x.index, x.sizeBytes, x.sizeSource, x.sizeUnknown]);
  t.same(got, [
    [0, 10 * GiB, 'block-device', undefined],
    [1, 4 * GiB, 'file', undefined],
    [2, 50 * GiB, 'file', undefined],
    [3, 196_608, 'file', undefined],
    [4, undefined, undefined, 'iscsi: the disk is attached by the block-iscsi script; its size cannot be read from dom0\'s files'],
    [5, undefined, undefined, 'a CD-ROM'],
    [6, undefined, undefined, undefined],
    [7, undefined, undefined, 'the image path "images/web.img" is relative: the toolstack resolves it against its own working directory; use an absolute path'],
    [8, 3 * GiB, 'annotation', undefined],
    [9, 4 * GiB, 'block-device', undefined],
  ]);
  t.equal(d.disks[0]?.sizeBytes, undefined, 'the input domain is not modified');
  t.match(
    r.probes.filter((p) => p.name === 'disk:/srv/xen/db-data.qcow2').map((p) => p.detail).sort(),
    ['196608 bytes (stat)', /^53687091200 bytes \(qcow2 .*header; the file holds 196608\)$/],
    'the same file as qcow2 and as raw',
  );
  t.match(r.probes.find((p) => p.name === 'disk:/srv/xen/none.img'), { status: 'error', detail: 'not found' });
});

t.test('a kernel or disk shared by guests is read once', async (t) => {
  let reads = 0;
  const counting: EvidenceSource = new Proxy(src, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'readBytes') return (p: string, n: number) => (reads++, target.readBytes(p, n));
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const cache = newEnrichCache();
  const k = { path: '/boot/vmlinuz-3.16.0-4-amd64', source: 'unknown' as const };
  await Promise.all([1, 2, 3].map((i) => enrichDomain(domain({ name: `g${i}`, kernel: k }), counting, { cache })));
  t.equal(reads, 1);
});

t.test('disks get their path with symlinks resolved, for comparing guests', async (t) => {
  const d = domain({
    disks: [
      disk({ index: 0, target: '/dev/vg0/db', backend: 'phy' }),
      disk({ index: 1, target: '/dev/mapper/vg0-db', backend: 'phy' }),
      disk({ index: 2, target: 'vg0/db', backend: 'phy' }),
      disk({ index: 3, target: '/srv/xen/legacy.img', backend: 'tap:aio' }),
      disk({ index: 4, target: 'iqn.2001-05.com.example:web', backend: 'iscsi' }),
      disk({ index: 5, target: '/dev/vg0/missing', backend: 'phy' }),
      disk({ index: 6, target: 'images/web.img', backend: 'file' }),
    ],
  });
  const r = await enrichDomain(d, src);
  t.same(r.disks.map((x) => x.resolvedPath), ['/dev/dm-1', '/dev/dm-1', '/dev/dm-1', '/srv/xen/legacy.img', undefined, undefined, undefined]);
});
