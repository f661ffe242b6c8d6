import fc from 'fast-check';
import t from 'tap';
import {
  countLoopbackPairs,
  isDom0Row,
  parseCmdline,
  parseComm,
  parseCount,
  parseCpuFlags,
  parseCpuVendor,
  parseDomainList,
  parseModules,
  parseStatName,
  parseXenCapabilities,
  sysValue,
  uniqueSorted,
} from '../../cli/sources/dom0.js';
import { xenCommandLineFromDmesg } from '../../cli/sources/xen-dmesg.js';

t.test('/proc/modules', async (t) => {
  // 2.6.18-xen (Debian etch) prints real addresses; 3.x+ hides them from non-root as 0.
  const etch = [
    'netloop 10624 0 - Live 0xee0b2000',
    'netbk 46688 0 - Live 0xee0c1000',
    'blkbk 22440 0 - Live 0xee0a0000',
    'bridge 50712 0 - Live 0xee0cc000',
    'powernow_k8 13924 0 - Live 0xee062000',
    'freq_table 4512 1 powernow_k8, Live 0xee05e000',
    'ext3 121768 2 - Live 0xee1e2000',
    'jbd 53172 1 ext3, Live 0xee1cd000',
    '',
  ].join('\n');
  t.same(parseModules(etch), ['blkbk', 'bridge', 'ext3', 'freq_table', 'jbd', 'netbk', 'netloop', 'powernow_k8']);
  const modern = 'xen_netback 49338 0 - Live 0x0000000000000000\nnvidia 35069952 82 nvidia_modeset, Live 0x0000000000000000 (POE)\n';
  t.same(parseModules(modern), ['nvidia', 'xen_netback'], 'taint flags after the address do not matter');
  t.same(parseModules(''), []);
  t.same(parseModules('\n\n  \n'), []);
  t.same(parseModules('netloop\n'), ['netloop'], 'a bare name (hand-made capture) still counts');
  t.same(parseModules('a 1 0 - Live 0\na 1 0 - Live 0\n'), ['a'], 'duplicates collapse');
});

t.test('/proc/cpuinfo flags', async (t) => {
  const two = [
    'processor\t: 0',
    'flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat clflush mmx fxsr sse sse2 ht syscall nx lm',
    '',
    'processor\t: 1',
    'flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep svm',
    '',
  ].join('\n');
  const flags = parseCpuFlags(two);
  t.ok(flags.includes('svm') && flags.includes('lm') && flags.includes('pae'), 'union over CPUs');
  t.same(flags, [...flags].sort(), 'sorted');
  t.same(parseCpuFlags('Features\t: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt\n').slice(0, 3), ['edsp', 'fastmult', 'half'], 'Arm Features');
  t.same(parseCpuFlags('flags\t\t:\n'), [], 'empty flags line');
  t.same(parseCpuFlags('model name : flags in a name\n'), [], 'only the flags field');
});

t.test('parseCpuVendor: vendor_id when every CPU agrees', async (t) => {
  t.equal(parseCpuVendor('processor\t: 0\nvendor_id\t: GenuineIntel\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\n'), 'GenuineIntel');
  t.equal(parseCpuVendor('vendor_id\t: GenuineIntel\nvendor_id\t: AuthenticAMD\n'), undefined, 'disagreeing CPUs: unknown');
  t.equal(parseCpuVendor('Features\t: half thumb\n'), undefined, 'Arm has none');
  fc.assert(fc.property(fc.string(), (s) => { const v = parseCpuVendor(s); return v === undefined || !/\s/.test(v); }));
});

t.test('/proc/xen/capabilities', async (t) => {
  t.equal(parseXenCapabilities('control_d\n'), true);
  t.equal(parseXenCapabilities(''), false, 'a domU has an empty file');
  t.equal(parseXenCapabilities('something,control_d'), true);
  t.equal(parseXenCapabilities('control_domain'), false);
});

t.test('process names', async (t) => {
  t.equal(parseComm('powernowd\n'), 'powernowd');
  t.equal(parseComm('kworker/0:1H\n'), 'kworker/0:1H');
  t.equal(parseComm('\n'), undefined);
  t.equal(parseStatName('2191 (powernowd) S 1 2191 2191 0 -1 4194624 100 0 0 0 0 3 0 0 20 0 1 0 2201 1589248 92'), 'powernowd');
  t.equal(parseStatName('77 (tricky) name)) S 1 1'), 'tricky) name)', 'the last ) ends the name');
  t.equal(parseStatName('88 (a (b)) R 1'), 'a (b)');
  t.equal(parseStatName('no parens'), undefined);
  t.equal(parseStatName('9 () S'), undefined);
  t.same(uniqueSorted(['xend', undefined, 'init', 'xend', '']), ['init', 'xend']);
});

t.test('small sysfs values', async (t) => {
  t.equal(sysValue('ondemand\n'), 'ondemand');
  t.equal(sysValue('  \n'), undefined);
  t.equal(parseCmdline('root=/dev/sda1 ro\n'), 'root=/dev/sda1 ro');
  t.equal(parseCmdline('BOOT_IMAGE=/vmlinuz\0root=/dev/sda1\0'), 'BOOT_IMAGE=/vmlinuz root=/dev/sda1', 'NULs (a hand copy of /proc/PID/cmdline) become spaces');
  t.equal(parseCount('8\n'), 8);
  t.equal(parseCount('-1\n'), -1);
  t.equal(parseCount('eight'), undefined);
  t.equal(parseCount('99999999999999999999'), undefined);
  t.equal(countLoopbackPairs(['lo', 'eth0', 'peth0', 'vif0.0', 'veth0', 'vif0.1', 'veth1', 'vif1.0', 'xenbr0']), 2);
  t.equal(countLoopbackPairs(['lo', 'eth0', 'vif1.0']), 0);
});

t.test('xl list / xm list tables', async (t) => {
  const xl = [
    'Name                                        ID   Mem VCPUs\tState\tTime(s)',
    'Domain-0                                     0  2048     8     r-----    8127.3',
    'web                                          3  1024     2     -b----     412.9',
    'my guest (test)                             17   512     1     --p---       0.0',
    '',
  ].join('\n');
  const parsed = parseDomainList(xl);
  t.same(parsed.domains, [
    { name: 'Domain-0', id: 0, memoryMiB: 2048, vcpus: 8, state: 'r-----' },
    { name: 'web', id: 3, memoryMiB: 1024, vcpus: 2, state: '-b----' },
    { name: 'my guest (test)', id: 17, memoryMiB: 512, vcpus: 1, state: '--p---' },
  ]);
  t.same(parsed.skippedLines, []);

  const xm303 = [
    'Name                                      ID Mem(MiB) VCPUs State   Time(s)',
    'Domain-0                                   0      512     2 r-----   2201.4',
    'etch-web                                   1      256     1 -b----    118.2',
    'migrating-etch                                    128     1 ---s-d      0.1',
  ].join('\n');
  const xm = parseDomainList(xm303);
  t.equal(xm.domains.length, 3);
  t.same(xm.domains[2], { name: 'migrating-etch', memoryMiB: 128, vcpus: 1, state: '---s-d' }, 'a row without an ID');
  t.ok(xm.domains[0] && isDom0Row(xm.domains[0]));
  t.notOk(xm.domains[1] && isDom0Row(xm.domains[1]));
  t.ok(isDom0Row({ name: 'Domain-0' }), 'by name when the id is missing');

  const noisy = parseDomainList('WARNING: xend/xm is running.\nName ID Mem VCPUs State Time(s)\ngarbage line here\nDomain-0 0 1024 1 r----- 1.0\n');
  t.same(noisy.domains.map((d) => d.name), ['Domain-0']);
  t.same(noisy.skippedLines, [3], 'lines that are not rows are reported, known warnings are not');
});

t.test('Xen command line from the boot messages', async (t) => {
  const old = '(XEN) Xen version 3.0.3-1 (Debian 3.0.3-0-2)\n(XEN) Command line: /xen-3.0.3-1-i386-pae.gz sched=sedf dom0_mem=524288\n(XEN) Using scheduler: Simple EDF Scheduler (sedf)\n';
  t.equal(xenCommandLineFromDmesg(old), '/xen-3.0.3-1-i386-pae.gz sched=sedf dom0_mem=524288');
  t.equal(xenCommandLineFromDmesg('(XEN) [2024-05-01 10:00:00.123] Command line: placeholder dom0_mem=4G\r\n'), 'placeholder dom0_mem=4G', 'console timestamps and CRLF');
  t.equal(xenCommandLineFromDmesg('Command line:\n'), '', 'an empty command line is known to be empty');
  t.equal(xenCommandLineFromDmesg('(XEN) Brought up 2 CPUs\n'), undefined, 'the ring wrapped: unknown');
  t.equal(xenCommandLineFromDmesg('(XEN) Command line: a\n(XEN) Command line: b\n'), 'a', 'the boot one');
});

t.test('readers never throw (random and mutated input)', async (t) => {
  const realistic = [
    'netloop 10624 0 - Live 0xee0b2000\n',
    'flags\t\t: fpu vme de pse\n',
    'Domain-0 0 2048 8 r----- 8127.3\n',
    '2191 (powernowd) S 1\n',
  ];
  const text = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.constantFrom(...realistic),
    fc.tuple(fc.constantFrom(...realistic), fc.nat(40), fc.string()).map(([s, at, ins]) => s.slice(0, at) + ins + s.slice(at)),
  );
  fc.assert(
    fc.property(text, (s) => {
      const mods = parseModules(s);
      const flags = parseCpuFlags(s);
      const list = parseDomainList(s);
      parseStatName(s);
      parseComm(s);
      parseXenCapabilities(s);
      parseCount(s);
      const cmd = xenCommandLineFromDmesg(s);
      if (cmd !== undefined && cmd !== cmd.trim()) return false;
      return (
        Array.isArray(mods) &&
        Array.isArray(flags) &&
        list.skippedLines.every((l) => l >= 1) &&
        list.domains.every((d) => d.name !== '' && (d.memoryMiB === undefined || d.memoryMiB >= 0))
      );
    }),
    { numRuns: 500 },
  );
});
