import t from 'tap';
import fc from 'fast-check';
import builtin, { abiFits } from '../../checks/pv-abi-mismatch.js';
import type { Skip } from '../../checks/api.js';
import type { DomainFacts, Facts, HostFacts, KernelFacts } from '../../cli/model/facts.js';
import { context, domain, facts, findings, host, key, rendering, type HostSpec, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

// xen_caps strings as real hosts print them (xen-facts.md A4).
const CAPS_304_64 = 'xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ';
const CAPS_31_64 = 'xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ';
const CAPS_417_64 = 'xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64';
const CAPS_PAE = 'xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p';
const CAPS_NONPAE = 'xen-3.0-x86_32';
const CAPS_NO_PV = 'hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64';

function infoHost(version: string, caps: string, extra: HostSpec = {}): HostFacts {
  return host(version, { source: '/tmp/host.info', xenCaps: caps, fieldLines: { xen_caps: 18 }, ...extra });
}

function pv(name: string, kernel?: Partial<KernelFacts>, extra: Partial<DomainFacts> = {}): DomainFacts {
  const d = domain(name, {
    typeSource: 'default',
    keys: { name: key(name, 1), kernel: key('/boot/vmlinuz-2.6.16.33-xen', 2) },
    ...extra,
  });
  if (kernel) d.kernel = { path: '/boot/vmlinuz-2.6.16.33-xen', source: 'elf', line: 2, column: 1, ...kernel };
  return d;
}

function run(f: Facts, mode: 'check' | 'lint' = 'check'): RenderedFinding[] | Skip {
  return check.run(f, context(check, { xen: f.host?.version, mode }));
}

t.test('32-on-64: a PAE guest fails on 64-bit 3.0.4 and passes on 64-bit 3.1.0', async (t) => {
  const guest = pv('web01', { abi: 'x86_32p', pae: 'yes' });
  const on304 = findings(run(facts({ host: infoHost('3.0.4', CAPS_304_64), domains: [guest] })));
  t.equal(on304.length, 1);
  t.match(on304[0], { domain: 'web01', line: 2, key: 'kernel', file: '/etc/xen/web01.cfg' });
  t.match(on304[0]?.message, /32-bit PAE \(x86_32p\) but Xen 3\.0\.4 runs only x86_64 PV guests/);
  t.match(on304[0]?.remediation, /arrived in 3\.1/);
  t.match(on304[0]?.evidence, { xen_caps: CAPS_304_64.trim(), kernel: /x86_32p \(ELF note PAE=yes/ });
  t.strictSame(findings(run(facts({ host: infoHost('3.1.0', CAPS_31_64), domains: [guest] }))), []);
});

t.test('a non-PAE 32-bit guest fails even on 3.1 64-bit Xen (32-on-64 is PAE only)', async (t) => {
  const r = findings(run(facts({ host: infoHost('3.1.0', CAPS_31_64), domains: [pv('old', { abi: 'x86_32', pae: 'no' })] })));
  t.equal(r.length, 1);
  t.match(r[0]?.remediation, /only in PAE mode/);
});

t.test('bimodal kernels fit either 32-bit kind, not 64-bit only', async (t) => {
  const g = pv('bi', { abi: 'x86_32-bimodal', pae: 'bimodal' });
  t.strictSame(findings(run(facts({ host: infoHost('3.1.0', CAPS_31_64), domains: [g] }))), []);
  t.strictSame(findings(run(facts({ host: infoHost('3.0.4', CAPS_PAE), domains: [g] }))), []);
  t.strictSame(findings(run(facts({ host: infoHost('3.0.2', CAPS_NONPAE), domains: [g] }))), []);
  t.equal(findings(run(facts({ host: infoHost('3.0.4', CAPS_304_64), domains: [g] }))).length, 1);
});

t.test('the field notes: on 3.0.x it must match all the way through', async (t) => {
  const cases: Array<[string, string, KernelFacts['abi'], boolean, RegExp?]> = [
    ['3.0.4', CAPS_PAE, 'x86_32p', true],
    ['3.0.4', CAPS_PAE, 'x86_32', false, /PAE hypervisor runs only PAE/],
    ['3.0.4', CAPS_PAE, 'x86_64', false, /needs a 64-bit hypervisor/],
    ['3.0.2', CAPS_NONPAE, 'x86_32', true],
    ['3.0.2', CAPS_NONPAE, 'x86_32p', false, /non-PAE hypervisor runs only non-PAE/],
    ['3.0.4', CAPS_304_64, 'x86_64', true],
  ];
  for (const [version, caps, abi, ok, remedy] of cases) {
    const r = findings(run(facts({ host: infoHost(version, caps), domains: [pv('g', { abi: abi! })] })));
    t.equal(r.length, ok ? 0 : 1, `${abi} on ${caps}`);
    if (remedy) t.match(r[0]?.remediation, remedy);
  }
});

t.test('4.14+/4.16 hosts without x86_32p: PV32 off, and pv=no-32 named when it is on the command line', async (t) => {
  const g = pv('legacy', { abi: 'x86_32p', pae: 'yes' });
  const plain = findings(run(facts({ host: infoHost('4.17.4-pre', CAPS_417_64), domains: [g] })));
  t.equal(plain.length, 1);
  t.match(plain[0]?.remediation, /CONFIG_PV32=n/);
  t.match(plain[0]?.remediation, /pvshim = 1/);
  const raw = 'placeholder dom0_mem=2048M,max:2048M pv=no-32';
  const withCmd = findings(run(facts({ host: infoHost('4.17.4-pre', CAPS_417_64, { cmdline: raw }), domains: [g] })));
  t.match(withCmd[0]?.remediation, /disables 32-bit PV guests \(pv=no-32\)/);
  t.equal(withCmd[0]?.evidence?.['xen_commandline pv'], 'no-32');
});

t.test('a hypervisor without xen-3.0-* tokens runs no PV guest, whatever its ABI', async (t) => {
  const r = findings(run(facts({ host: infoHost('4.17.0', CAPS_NO_PV), domains: [pv('a', { abi: 'x86_64' }), pv('b', { source: 'unknown', reason: 'not read' })] })));
  t.equal(r.length, 2);
  for (const f of r) {
    t.match(f.message, /runs no PV guests/);
    t.notOk(f.unverified, 'known to fail, not unverified');
    t.match(f.remediation, /CONFIG_PV|PVH/);
  }
});

t.test('an unknown kernel ABI is reported as unverified in check mode, with the reason', async (t) => {
  const bootloader = pv('pyg', undefined, {
    bootloader: '/usr/bin/pygrub',
    keys: { bootloader: { value: '/usr/bin/pygrub', line: 4, column: 1 } },
  });
  bootloader.kernel = { path: '(/usr/bin/pygrub)', source: 'unknown', reason: 'the kernel is chosen by /usr/bin/pygrub inside the guest disk', line: 4, column: 1 };
  const r = findings(run(facts({ host: infoHost('3.1.0', CAPS_31_64), domains: [bootloader, pv('nokernel', undefined, { keys: {} })] })));
  t.equal(r.length, 2);
  t.match(r[0], { domain: 'pyg', severity: 'warning', unverified: true, line: 4, key: 'bootloader' });
  t.match(r[0]?.message, /ABI unknown \(the kernel is chosen by \/usr\/bin\/pygrub/);
  t.match(r[0]?.remediation, /guest-abi=<x86_64\|x86_32p>/);
  t.match(r[1], { domain: 'nokernel', unverified: true });
  t.match(r[1]?.message, /no kernel image known/);
});

t.test('lint mode: skip when no PV guest has evidence, report unknown ones when some do', async (t) => {
  const unknown = pv('u', { source: 'unknown', reason: 'not gathered' });
  const skip = run(facts({ host: infoHost('3.1.0', CAPS_31_64), domains: [unknown] }), 'lint');
  t.match(skip, { skip: /guest-abi=.*check --root/ });
  const mixed = findings(run(facts({ host: infoHost('3.1.0', CAPS_31_64), domains: [unknown, pv('k', { abi: 'x86_64', source: 'annotation' })] }), 'lint'));
  t.equal(mixed.length, 1);
  t.match(mixed[0], { domain: 'u', unverified: true });
});

t.test('an annotation without kernel= or bootloader= is where the finding points', async (t) => {
  const g = pv('ann', { abi: 'x86_32', source: 'annotation', line: 7, column: 1 }, { keys: {} });
  const r = findings(run(facts({ host: infoHost('3.0.4', CAPS_304_64), domains: [g] })));
  t.match(r[0], { line: 7, column: 1 });
  t.match(r[0]?.evidence, { kernel: 'x86_32 (annotation guest-abi)' });
});

t.test('skips: no PV guests, xen_caps unknown', async (t) => {
  const hvm = pv('w', undefined, { type: 'hvm', typeSource: 'builder' });
  t.match(run(facts({ host: infoHost('3.0.4', CAPS_304_64), domains: [hvm] })), { skip: /no PV guests/ });
  t.match(run(facts({ host: host('3.0.4', { source: '--xen' }), domains: [pv('a', { abi: 'x86_64' })] })), { skip: /xen_caps unknown/ });
});

t.test('abiFits: bimodal fits iff a 32-bit PV ABI is offered; others only themselves', async (t) => {
  const abis = ['x86_32', 'x86_32p', 'x86_64'] as const;
  fc.assert(
    fc.property(fc.subarray([...abis]), fc.constantFrom(...abis, 'x86_32-bimodal' as const), (offered, abi) => {
      const fits = abiFits(abi, offered);
      if (abi === 'x86_32-bimodal') return fits === (offered.includes('x86_32') || offered.includes('x86_32p'));
      return fits === offered.includes(abi);
    }),
  );
});

t.test('property: any caps and kernels give findings with a guest, a message and sane positions', async (t) => {
  const tokens = ['xen-3.0-x86_32', 'xen-3.0-x86_32p', 'xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64', 'xen-3.0-aarch64'];
  const abi = fc.constantFrom<KernelFacts['abi'] | undefined>('x86_32', 'x86_32p', 'x86_64', 'x86_32-bimodal', 'aarch64', undefined);
  fc.assert(
    fc.property(fc.subarray(tokens), fc.array(abi, { minLength: 1, maxLength: 4 }), fc.constantFrom('3.0.2', '3.0.4', '3.1.0', '4.17.4-pre'), fc.constantFrom<'check' | 'lint'>('check', 'lint'), (caps, kernels, version, mode) => {
      const domains = kernels.map((k, i) => (k ? pv(`g${i}`, { abi: k }) : pv(`g${i}`, { source: 'unknown', reason: 'r' })));
      const r = run(facts({ host: infoHost(version, caps.join(' ')), domains }), mode);
      if (!Array.isArray(r)) return typeof r.skip === 'string' && r.skip.length > 0;
      return r.every((f) => f.message.startsWith(`${f.domain}: `) && (f.line === undefined || f.line >= 1) && (f.column === undefined || f.column >= 1));
    }),
  );
});
