import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/hvm-needs-vt.js';
import type { Skip } from '../../checks/api.js';
import type { DomainFacts, HostFacts } from '../../cli/model/facts.js';
import { context, domain, facts, findings, host, key, type FactsParts, type HostSpec, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

const NO_VT_64 = 'xen-3.0-x86_64 xen-3.0-x86_32p ';
const VT_64 = 'xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ';
const VT_PAE_32 = 'xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p';

function infoHost(caps: string, extra: HostSpec = {}): HostFacts {
  return host('3.1.0', { source: '/tmp/host.info', xenCaps: caps, ...extra });
}

function guest(name: string, over: Partial<DomainFacts> = {}, abi?: string): DomainFacts {
  return domain(name, {
    type: 'hvm',
    typeSource: 'builder',
    keys: { kernel: key('/usr/lib/xen/boot/hvmloader', 2), builder: key('hvm', 3) },
    annotations: abi ? [{ name: 'guest-abi', value: abi, line: 1, column: 1 }] : [],
    ...over,
  });
}

function run(f: FactsParts, mode: 'check' | 'lint' = 'check'): RenderedFinding[] | Skip {
  return check.run(facts(f), context(check, { xen: f.host?.version, mode }));
}

t.test('no hvm-* token: every HVM guest fails at the key that made it HVM', async (t) => {
  const xlGuest = guest('win', { dialect: 'xl', typeSource: 'type', keys: { type: { value: 'hvm', line: 5, column: 1 } } });
  const r = findings(run({ host: infoHost(NO_VT_64, { virtCaps: [] }), domains: [guest('db01'), xlGuest] }));
  t.equal(r.length, 2);
  t.match(r[0], { domain: 'db01', key: 'builder', line: 3, file: '/etc/xen/db01.cfg' });
  t.match(r[0]?.message, /HVM guest, but xen_caps has no hvm-\* token/);
  t.match(r[0]?.evidence, { xen_caps: NO_VT_64.trim(), virt_caps: '' });
  t.match(r[1], { domain: 'win', key: 'type', line: 5 });
});

t.test('kernel=hvmloader as the type source points at kernel', async (t) => {
  const g = guest('old', { typeSource: 'kernel=hvmloader', keys: { kernel: { value: '/usr/lib/xen/boot/hvmloader', line: 9, column: 1 } } });
  const r = findings(run({ host: infoHost(NO_VT_64), domains: [g] }));
  t.match(r[0], { key: 'kernel', line: 9 });
});

t.test('PVH guests need VT too, and say why', async (t) => {
  const g = guest('p', { type: 'pvh', typeSource: 'type', dialect: 'xl', keys: { type: { value: 'pvh', line: 1, column: 1 } } });
  const r = findings(run({ host: infoHost(NO_VT_64), domains: [g] }));
  t.match(r[0]?.message, /PVH guest.*HVM container/);
});

t.test('dom0 cpu flags with vmx/svm turn the advice to the BIOS', async (t) => {
  const withVmx = findings(run({ host: infoHost(NO_VT_64), domains: [guest('a')], dom0: { cpuFlags: ['fpu', 'pae', 'vmx', 'lm'] } }));
  t.match(withVmx[0]?.remediation, /switched off: enable Intel VT-x/);
  t.equal(withVmx[0]?.evidence?.['dom0 cpu flags'], 'vmx');
  const without = findings(run({ host: infoHost(NO_VT_64), domains: [guest('a')], dom0: { cpuFlags: ['fpu', 'pae'] } }));
  t.match(without[0]?.remediation, /needs a CPU with Intel VT-x or AMD-V/);
  t.equal(without[0]?.evidence?.['dom0 cpu flags'], 'no vmx/svm');
});

t.test('with hvm-3.0-x86_64 everything passes, PV guests are ignored', async (t) => {
  t.strictSame(findings(run({ host: infoHost(VT_64), domains: [guest('a'), guest('b', {}, 'x86_64')] })), []);
  t.match(run({ host: infoHost(VT_64), domains: [guest('pv', { type: 'pv', typeSource: 'default' })] }), { skip: /no HVM or PVH guests/ });
});

t.test('32-bit hypervisor: a declared 64-bit guest fails, a declared 32-bit passes, unknown is unverified', async (t) => {
  const r = findings(run({ host: infoHost(VT_PAE_32), domains: [guest('six4', {}, 'x86_64'), guest('three2', {}, 'x86_32p'), guest('who')] }));
  t.equal(r.length, 2);
  t.match(r[0], { domain: 'six4', key: 'builder' });
  t.match(r[0]?.message, /64-bit HVM guest on a 32-bit hypervisor/);
  t.notOk(r[0]?.unverified);
  t.match(r[1], { domain: 'who', unverified: true, severity: 'warning' });
});

t.test('32-bit hypervisor in lint mode with no declared guest: skip instead of flooding', async (t) => {
  t.match(run({ host: infoHost(VT_PAE_32), domains: [guest('a'), guest('b')] }, 'lint'), { skip: /guest-abi=x86_32/ });
});

t.test('xen_caps unknown: skip with the way out', async (t) => {
  t.match(run({ host: host('3.0.4', { source: '--xen' }), domains: [guest('a')] }), { skip: /xen_caps unknown/ });
});

t.test('property: findings name a guest and keep positions >= 1', async (t) => {
  const tokens = ['xen-3.0-x86_32p', 'xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64'];
  fc.assert(
    fc.property(
      fc.subarray(tokens),
      fc.array(fc.record({ type: fc.constantFrom<'pv' | 'hvm' | 'pvh'>('pv', 'hvm', 'pvh'), abi: fc.option(fc.constantFrom('x86_32', 'x86_32p', 'x86_64'), { nil: undefined }) }), { minLength: 1, maxLength: 4 }),
      fc.constantFrom<'check' | 'lint'>('check', 'lint'),
      (caps, gs, mode) => {
        const r = run({ host: infoHost(caps.join(' ')), domains: gs.map((g, i) => guest(`g${i}`, { type: g.type }, g.abi)) }, mode);
        if (!Array.isArray(r)) return r.skip.length > 0;
        return r.every((f) => f.message.startsWith(`${f.domain}: `) && (f.line ?? 1) >= 1 && (f.column ?? 1) >= 1);
      },
    ),
  );
});
