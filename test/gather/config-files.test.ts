import fc from 'fast-check';
import t from 'tap';
import { isAutostartEntry, notAGuestConfig } from '../../cli/sources/config-files.js';
import { DISK_HEADER_BYTES, headerFormatOf, virtualSizeFromHeader } from '../../cli/sources/disk-image.js';
import { blockDeviceSizeFromSysfs, expandDevicePath, sectorsToBytes, sysfsName } from '../../cli/sources/block-size.js';
import { argvFileText, commandDirName, parseArgvFile } from '../../cli/sources/capture-layout.js';
import { qcow2Header } from '../fixtures/gather/fake-host.js';

t.test('which names in /etc/xen are guest configs', async (t) => {
  const guests = ['web.cfg', 'web', 'win2k3.hvm', 'db.xl', 'guest.py', 'mail.conf', 'xen-01'];
  for (const g of guests) t.equal(notAGuestConfig(g), undefined, g);
  const not: Array<[string, RegExp]> = [
    ['xend-config.sxp', /\.sxp/],
    ['xend-pci-quirks.sxp', /\.sxp/],
    ['xm-config.xml', /\.xml/],
    ['xl.conf', /toolstack/],
    ['oxenstored.conf', /toolstack/],
    ['cpupool', /toolstack/],
    ['xmexample1', /example/],
    ['xmexample.hvm', /example/],
    ['xlexample.pvlinux', /example/],
    ['README', /example or documentation/],
    ['README.incompatibilities', /documentation/],
    ['.web.cfg.swp', /dotfile/],
    ['web.cfg~', /~/],
    ['web.cfg.rpmnew', /rpmnew/],
    ['web.cfg.rpmsave', /rpmsave/],
    ['web.cfg.dpkg-old', /dpkg-old/],
    ['web.cfg.dpkg-dist', /dpkg-dist/],
    ['web.cfg.ucf-dist', /ucf-dist/],
    ['web.cfg.bak', /bak/],
    ['WEB.CFG.BAK', /bak/],
    ['#web.cfg#', /autosave/],
    ['qemu-ifup', /toolstack/],
  ];
  for (const [name, why] of not) t.match(notAGuestConfig(name), why, name);
  t.equal(isAutostartEntry('web'), true);
  t.equal(isAutostartEntry('web.cfg~'), true, "xendomains' glob takes backups too");
  t.equal(isAutostartEntry('.web'), false);
});

t.test('disk image headers', async (t) => {
  t.same(virtualSizeFromHeader(qcow2Header(200 * 1024 ** 3)), { bytes: 200 * 1024 ** 3, format: 'qcow2 (version 3)' });
  const v1 = qcow2Header(10 * 1024 ** 3);
  new DataView(v1.buffer).setUint32(4, 1, false);
  t.same(virtualSizeFromHeader(v1), { bytes: 10 * 1024 ** 3, format: 'qcow' });
  const vhd = new Uint8Array(DISK_HEADER_BYTES);
  vhd.set(Buffer.from('conectix'), 0);
  new DataView(vhd.buffer).setBigUint64(48, 127n * 1024n ** 3n, false);
  t.same(virtualSizeFromHeader(vhd), { bytes: 127 * 1024 ** 3, format: 'vhd' });
  t.equal(virtualSizeFromHeader(new Uint8Array(512)), undefined, 'raw');
  t.equal(virtualSizeFromHeader(qcow2Header(1).subarray(0, 20)), undefined, 'cut short');
  const huge = qcow2Header(0);
  new DataView(huge.buffer).setBigUint64(24, 0xffffffffffffffffn, false);
  t.equal(virtualSizeFromHeader(huge), undefined, 'beyond 2^53 is not trusted');
  t.equal(headerFormatOf('qcow2', undefined), 'qcow2');
  t.equal(headerFormatOf(undefined, 'tap:qcow'), 'qcow');
  t.equal(headerFormatOf(undefined, 'tap:vhd'), 'vhd');
  t.equal(headerFormatOf('raw', 'tap:aio'), undefined);
  t.equal(headerFormatOf(undefined, undefined), undefined);
});

t.test('block device names', async (t) => {
  t.equal(expandDevicePath('vg0/web'), '/dev/vg0/web');
  t.equal(expandDevicePath('/dev/sdb'), '/dev/sdb');
  t.equal(sysfsName('/dev/cciss/c0d0p1'), 'cciss!c0d0p1');
  t.equal(sysfsName('/dev/dm-3'), 'dm-3');
  t.equal(sysfsName('/srv/img'), undefined);
  t.equal(sysfsName('/dev/'), undefined);
  t.equal(sectorsToBytes('419430400\n'), 200 * 1024 ** 3);
  t.equal(sectorsToBytes('x'), undefined);
  t.equal(sectorsToBytes('99999999999999999999'), undefined);
});

t.test('block size by device number (old LVM2: /dev/mapper/x is a node, not a link)', async (t) => {
  const files: Record<string, string> = {
    '/sys/block/dm-4/dev': '253:4\n',
    '/sys/block/dm-4/size': '2097152\n',
    '/sys/block/sda/dev': '8:0\n',
  };
  const ops = {
    realPath: async (p: string) => ({ ok: true as const, path: p === '/dev/vg1/lv' ? '/dev/mapper/vg1-lv' : p }),
    readText: async (p: string) =>
      files[p] !== undefined ? { ok: true as const, text: files[p] as string, truncated: false } : { ok: false as const, status: 'missing' as const, detail: 'not found' },
    listDir: async (p: string) =>
      p === '/sys/block'
        ? { ok: true as const, entries: [{ name: 'dm-4', type: 'dir' as const }, { name: 'sda', type: 'dir' as const }] }
        : { ok: false as const, status: 'missing' as const, detail: 'not found' },
    deviceNumber: async (p: string) => (p === '/dev/mapper/vg1-lv' ? '253:4' : undefined),
  };
  t.same(await blockDeviceSizeFromSysfs(ops, '/dev/vg1/lv'), { ok: true, bytes: 1024 ** 3, via: '/sys/block/dm-4/size' });
  t.same(await blockDeviceSizeFromSysfs(ops, '/dev/sdz'), { ok: false, status: 'missing', detail: 'no sysfs size for block device /dev/sdz' });
  t.same(await blockDeviceSizeFromSysfs(ops, 'vg1/lv'), { ok: true, bytes: 1024 ** 3, via: '/sys/block/dm-4/size' });
});

t.test('capture command directory names', async (t) => {
  t.equal(commandDirName(['xl', 'info']), 'xl-info');
  t.equal(commandDirName(['xl', 'info', '-n']), 'xl-info-n');
  t.equal(commandDirName(['xm', 'list', '--long']), 'xm-list-long');
  t.equal(commandDirName(['../x', 'a b']), 'cmd.._x-a_b', 'never a dot name, never a path');
  t.equal(commandDirName([]), 'cmd');
  t.same(parseArgvFile(argvFileText(['xl', 'info', '-n'])), ['xl', 'info', '-n']);
  t.same(parseArgvFile(argvFileText(['xl', ''])), ['xl', ''], 'an empty argument survives');
});

t.test('small readers never throw (random input)', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.string(), (bytes, text) => {
      const v = virtualSizeFromHeader(bytes);
      const withMagic = new Uint8Array([0x51, 0x46, 0x49, 0xfb, ...bytes]);
      const w = virtualSizeFromHeader(withMagic);
      notAGuestConfig(text);
      sectorsToBytes(text);
      sysfsName(`/dev/${text}`);
      commandDirName([text, text]);
      return (v === undefined || Number.isSafeInteger(v.bytes)) && (w === undefined || Number.isSafeInteger(w.bytes));
    }),
    { numRuns: 500 },
  );
  t.pass('no throw');
});
