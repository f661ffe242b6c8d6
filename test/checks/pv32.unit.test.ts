import t from 'tap';
import check, { thirtyTwoBit } from '../../checks/pv32.js';
import { context, domain, facts, host, run, skipReason } from '../helpers/facts.js';
import type { DomainFacts } from '../../checks/api.js';

const WITH_32 = 'xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64';
const WITHOUT_32 = 'xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64';

const byName = (path: string): DomainFacts => domain('old', { kernel: { path, source: 'unknown', line: 3, column: 1 } });
const byNotes = (abi: 'x86_32p' | 'x86_64'): DomainFacts => domain('old', { kernel: { path: '/boot/vmlinuz', abi, source: 'elf', line: 3, column: 1 } });

t.test('which kernels are 32-bit', async (t) => {
  for (const path of ['/srv/xen/kernels/vmlinuz-4.19.0-27-686-pae', '/boot/vmlinuz-2.6.18-i686', '/boot/vmlinuz-3.2.0-4-686-bigmem', '/boot/vmlinuz-5.4.0-generic-pae', '/k/vmlinuz-x86_32']) {
    t.same(thirtyTwoBit(byName(path)), { abi: 'x86_32p', how: 'name' }, path);
  }
  for (const path of ['/boot/vmlinuz-6.1.0-21-amd64', '/boot/vmlinuz-x86_64', '/boot/vmlinuz-686pae-tools-amd64-paean']) {
    t.equal(thirtyTwoBit(byName(path)), undefined, path);
  }
  t.same(thirtyTwoBit(byNotes('x86_32p')), { abi: 'x86_32p', how: 'notes' });
  t.equal(thirtyTwoBit(byNotes('x86_64')), undefined, 'the notes win over the name');
});

t.test('security support by release (SUPPORT.md and its backports)', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['4.13.4', true], ['4.14.0', false], ['4.14.2', false], ['4.14.3', true],
    ['4.15.0', false], ['4.15.1', true], ['4.16.0', true], ['4.22.0', true],
  ];
  for (const [v, warned] of cases) {
    const r = run(check, facts({ host: host(v, { xenCaps: WITH_32 }), domains: [byNotes('x86_32p')] }), context(check, { xen: v }));
    t.same(r.map((f) => f.messageId), warned ? ['not-security-supported'] : [], v);
  }
});

t.test('no 32-bit PV on the host', async (t) => {
  const h = host('4.20.0', { xenCaps: WITHOUT_32, cmdline: 'dom0_mem=4096M' });
  t.same(run(check, facts({ host: h, domains: [byNotes('x86_32p')] }), context(check, { xen: '4.20.0' })), [], 'known from the notes: pv-abi-mismatch says it');
  const r = run(check, facts({ host: h, domains: [byName('/srv/vmlinuz-4.19.0-27-686-pae')] }), context(check, { xen: '4.20.0' }));
  t.equal(r.length, 1);
  t.equal(r[0]!.unverified, true);
  t.match(r[0]!.message, /4\.16\+ build without CONFIG_PV32/);
  const off = host('4.15.0', { xenCaps: WITHOUT_32, cmdline: 'pv=no-32' });
  t.match(run(check, facts({ host: off, domains: [byName('/srv/vmlinuz-686-pae')] }), context(check, { xen: '4.15.0' }))[0]!.message, /pv=no-32 on the Xen command line/);
});

t.test('lint against a version alone', async (t) => {
  const r = run(check, facts({ domains: [byNotes('x86_32p')] }), context(check, { xen: '4.16.0', mode: 'lint' }));
  t.same(r.map((f) => [f.messageId, f.unverified]), [['maybe-not-built', true]]);
  t.same(run(check, facts({ domains: [byNotes('x86_32p')] }), context(check, { xen: '4.15.2', mode: 'lint' })), [], 'before 4.16 the default build has it');
  t.match(skipReason(check.run(facts({ domains: [byNotes('x86_64')] }), context(check, { xen: '4.17.0' }))), /no 32-bit PV guest/);
  t.match(skipReason(check.run(facts({ domains: [byNotes('x86_32p')] }), context(check, {}))), /Xen version unknown/);
  const hvm = domain('w', { type: 'hvm', kernel: { path: '/boot/vmlinuz-686-pae', source: 'unknown' } });
  t.match(skipReason(check.run(facts({ domains: [hvm] }), context(check, { xen: '4.17.0' }))), /no 32-bit PV guest/, 'HVM guests are not PV');
});
