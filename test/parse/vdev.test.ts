import t from 'tap';
import fc from 'fast-check';
import {
  decodeVdev,
  diskLetters,
  emulatedDiskBus,
  isEmulatedCandidate,
  isVdevError,
  type VdevInfo,
} from '../../cli/readers/vdev.js';

function ok(name: string): VdevInfo {
  const r = decodeVdev(name);
  if (isVdevError(r)) throw new Error(`expected ${name} to decode, got: ${r.error}`);
  return r;
}

t.test('device numbers (xen-vbd-interface.7, libxl__device_disk_dev_number)', async (t) => {
  const table: Array<[string, VdevInfo['kind'], number | null, number | null, number, boolean]> = [
    // name, kind, disk, partition, xenstore number, extended
    ['hda', 'hd', 0, 0, 768, false],
    ['hdb', 'hd', 1, 0, 832, false],
    ['hdc', 'hd', 2, 0, 5632, false],
    ['hdd', 'hd', 3, 0, 5696, false],
    ['hda1', 'hd', 0, 1, 769, false],
    ['hdc63', 'hd', 2, 63, 5695, false],
    ['sda', 'sd', 0, 0, 2048, false],
    ['sdb2', 'sd', 1, 2, 2066, false],
    ['sdp15', 'sd', 15, 15, 2303, false],
    ['xvda', 'xvd', 0, 0, 51712, false],
    ['xvdb', 'xvd', 1, 0, 51728, false],
    ['xvda1', 'xvd', 0, 1, 51713, false],
    ['xvdp15', 'xvd', 15, 15, 51967, false],
    // Past the 16th disk or the 15th partition the extended encoding takes over.
    ['xvdq', 'xvd', 16, 0, 268439552, true],
    ['xvda16', 'xvd', 0, 16, 268435472, true],
    ['xvdz', 'xvd', 25, 0, 268441856, true],
    ['xvdaa', 'xvd', 26, 0, 268442112, true],
    ['xvdaz255', 'xvd', 51, 255, 268448767, true],
    ['d0p1', 'd-p', 0, 1, 51713, false],
    ['d0p0', 'd-p', 0, 0, 51712, false],
    ['d16p0', 'd-p', 16, 0, 268439552, true],
    ['d1048575p255', 'd-p', 1048575, 255, 268435456 + 1048575 * 256 + 255, true],
    ['d0x10p1', 'd-p', 16, 1, 268439553, true], // sscanf %i reads hex
    ['51712', 'number', null, null, 51712, false],
    ['0xca00', 'number', null, null, 51712, false], // strtoul base 0: hex
    ['0144400', 'number', null, null, 51456, false], // ... and octal
    ['0', 'number', null, null, 0, false],
  ];
  for (const [name, kind, disk, partition, devNumber, extended] of table) {
    const info = ok(name);
    t.same(
      { kind: info.kind, disk: info.disk, partition: info.partition, devNumber: info.devNumber, extended: info.extended },
      { kind, disk, partition, devNumber, extended },
      name,
    );
  }
});

t.test('rejected names', async (t) => {
  const table: Array<[string, RegExp]> = [
    ['xvda01', /leading zero/],
    ['hda01', /leading zero/],
    ['sda0', /leading zero/],
    ['hde', /beyond hdd/],
    ['hdz', /beyond hdd/],
    ['sdq', /beyond sdp/],
    ['sdaa', /beyond sdp/],
    ['hda64', /beyond the hd limit of 63/],
    ['sda16', /beyond the sd limit of 15/],
    ['xvda256', /beyond the xvd limit of 255/],
    ['xvdbzzzz', /beyond xvd/], // index above 2^20 - 1
    ['xvd', /no drive letter/],
    ['xvd1', /no drive letter/],
    ['xvdA', /no drive letter/],
    ['xvda1x', /not a partition number/],
    ['d1048576p0', /beyond the limit/],
    ['d0p256', /beyond the limit/],
    ['d-1p0', /negative/],
    ['2147483648', /above 2147483647/],
    ['08', /not a Xen virtual disk name/],
    ['vda', /not a Xen virtual disk name/],
    ['ioemu', /not a Xen virtual disk name/],
    ['', /empty/],
  ];
  for (const [name, re] of table) {
    const r = decodeVdev(name);
    t.ok(isVdevError(r), `${name} is rejected`);
    if (isVdevError(r)) t.match(r.error, re, name);
  }
});

t.test('limits at the edges', async (t) => {
  t.equal(ok('hdd63').devNumber, (22 << 8) | (1 << 6) | 63);
  t.equal(ok('sdp').disk, 15);
  // 2^20 - 1 is the last xvd index.
  t.equal(diskLetters((1 << 20) - 1), 'bgqcv');
  t.equal(ok('xvdbgqcv').disk, (1 << 20) - 1);
  t.ok(isVdevError(decodeVdev('xvdbgqcw')));
  t.equal(ok('2147483647').devNumber, 2147483647);
});

t.test('diskLetters is the inverse of the letter decoding', async (t) => {
  t.equal(diskLetters(0), 'a');
  t.equal(diskLetters(25), 'z');
  t.equal(diskLetters(26), 'aa');
  t.equal(diskLetters(701), 'zz');
  t.equal(diskLetters(702), 'aaa');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: (1 << 20) - 1 }), (i) => ok(`xvd${diskLetters(i)}`).disk === i),
  );
});

t.test('xm never supported d<N>p<M>', async (t) => {
  t.equal(ok('d0p1').xmSupported, false);
  t.equal(ok('xvda').xmSupported, true);
  t.equal(ok('hda').xmSupported, true);
});

t.test('emulated disks of HVM guests', async (t) => {
  t.equal(emulatedDiskBus(ok('hda')), 'ide');
  t.equal(emulatedDiskBus(ok('hdd')), 'ide');
  t.equal(emulatedDiskBus(ok('xvda')), 'ide', 'the index counts, not the prefix');
  t.equal(emulatedDiskBus(ok('xvde')), null);
  t.equal(emulatedDiskBus(ok('xvde'), 'ahci'), 'ahci');
  t.equal(emulatedDiskBus(ok('xvdg'), 'ahci'), null);
  t.equal(emulatedDiskBus(ok('sdc')), 'scsi');
  t.equal(emulatedDiskBus(ok('51712')), null);
  t.equal(isEmulatedCandidate(ok('hdc')), true);
  t.equal(isEmulatedCandidate(ok('sdb')), true);
  t.equal(isEmulatedCandidate(ok('xvda')), false);
});

t.test('never throws; numbers stay in range', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), (s) => {
      const r = decodeVdev(s);
      if (isVdevError(r)) return r.error.length > 0;
      return Number.isInteger(r.devNumber) && r.devNumber >= 0 && r.devNumber <= 2147483647;
    }),
  );
  fc.assert(
    fc.property(
      fc.constantFrom('xvd', 'hd', 'sd', 'd', ''),
      fc.stringMatching(/^[a-z]{0,6}[0-9]{0,4}(p[0-9]{0,3})?$/),
      (prefix, rest) => {
        const r = decodeVdev(prefix + rest);
        return isVdevError(r) || (r.devNumber >= 0 && r.devNumber <= 2147483647);
      },
    ),
  );
  t.pass('properties held');
});
