import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/vif-limit.js';
import type { Dom0Facts, DomainFacts } from '../../cli/model/facts.js';
import { context, domain, facts, findings, vifs, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function guest(name: string, type: 'pv' | 'hvm', vifSpecs: string[]): DomainFacts {
  return domain(name, { type, vifs: vifs(vifSpecs, 10) });
}

const ctx = (xen: string | undefined, options: Record<string, unknown> = {}) => context(check, { xen, options });

const macs = (n: number, extra = '') =>
  Array.from({ length: n }, (_, i) => `mac=00:16:3e:00:00:${String(i).padStart(2, '0')}, bridge=xenbr0${extra}`);

t.test('metadata: union range, error, options with defaults', async (t) => {
  t.equal(check.id, 'vif-limit');
  t.equal(check.severity, 'error');
  t.equal(check.xen, '<3.2.0');
  t.same(check.defaults, { maxVifsPerGuest: 3, maxEmulatedNics: 8, nloopbacks: 4 });
});

t.test('per-guest limit: only 3.0.3, four vifs fail at the fourth', async (t) => {
  const g = guest('web1', 'pv', macs(4));
  const cases: Array<[string, number]> = [
    ['3.0.2', 0],
    ['3.0.3', 1],
    ['3.0.3+1', 1],
    ['3.0.4', 0],
    ['3.1.0', 0],
  ];
  for (const [v, n] of cases) {
    const fs = findings(check.run(facts({ domains: [g] }), ctx(v)));
    t.equal(fs.length, n, `Xen ${v}`);
  }
  const [f] = findings(check.run(facts({ domains: [g] }), ctx('3.0.3')));
  t.equal(f?.line, g.vifs[3]?.line, 'points at the first vif over the limit');
  t.equal(f?.key, 'vif');
  t.equal(f?.domain, 'web1');
  t.match(f?.message, /4 network interfaces.*3 \(not confirmed in Xen's history\)/);
  t.match(String(f?.evidence?.['limit_source']), /unconfirmed in Xen history/);
});

t.test('per-guest limit: three vifs pass; the option moves or disables it', async (t) => {
  t.same(findings(check.run(facts({ domains: [guest('a', 'pv', macs(3))] }), ctx('3.0.3'))), []);
  t.same(findings(check.run(facts({ domains: [guest('a', 'pv', macs(4))] }), ctx('3.0.3', { maxVifsPerGuest: 4 }))), []);
  t.same(findings(check.run(facts({ domains: [guest('a', 'pv', macs(9))] }), ctx('3.0.3', { maxVifsPerGuest: 0 }))), []);
  t.equal(findings(check.run(facts({ domains: [guest('a', 'pv', macs(3))] }), ctx('3.0.3', { maxVifsPerGuest: 2 }))).length, 1);
});

t.test('qemu-dm NICs: a ninth ioemu vif fails before 3.2, not from 3.2', async (t) => {
  const g = guest('win', 'hvm', macs(9, ', type=ioemu'));
  for (const v of ['3.0.4', '3.1.0', '3.1.4']) {
    const fs = findings(check.run(facts({ domains: [g] }), ctx(v)));
    t.equal(fs.length, 1, `Xen ${v}`);
    t.equal(fs[0]?.line, g.vifs[8]?.line, 'points at the ninth NIC');
    t.match(fs[0]?.message, /9 emulated \(ioemu\) NICs.*Too Many NICs/);
  }
  t.equal(check.xen, '<3.2.0', '3.2 is outside the check (the engine marks it not-applicable)');
  t.same(findings(check.run(facts({ domains: [guest('win', 'hvm', macs(8, ', type=ioemu'))] }), ctx('3.1.0'))), [], 'eight is fine');
});

t.test('qemu-dm NICs: what counts as emulated depends on the version', async (t) => {
  // 3.0.3: only explicit type=ioemu; 3.0.4+: every vif unless type=netfront.
  const mixed = guest('win', 'hvm', [...macs(8, ', type=ioemu'), 'bridge=xenbr0', 'bridge=xenbr0, type=netfront']);
  t.same(findings(check.run(facts({ domains: [mixed] }), ctx('3.0.3', { maxVifsPerGuest: 0 }))), [], '3.0.3: 8 ioemu + 2 PV');
  const on304 = findings(check.run(facts({ domains: [mixed] }), ctx('3.0.4')));
  t.equal(on304.length, 1, '3.0.4: the untyped vif is emulated too: 9');
  t.equal(on304[0]?.line, mixed.vifs[8]?.line);
  t.same(findings(check.run(facts({ domains: [guest('pv', 'pv', macs(10))] }), ctx('3.1.0'))), [], 'PV guests have no emulated NICs');
});

t.test('netloop pairs: a guest on xenbr4 with the default 4 pairs, Xen <= 3.1', async (t) => {
  const g = guest('db', 'pv', ['bridge=xenbr0', 'bridge=xenbr4']);
  const fs = findings(check.run(facts({ domains: [g] }), ctx('3.1.0')));
  t.equal(fs.length, 1);
  t.equal(fs[0]?.line, g.vifs[1]?.line);
  t.match(fs[0]?.message, /xenbr4.*vif0\.4\/veth4.*only 4 pairs.*Link veth4 is missing/);
  t.match(String(fs[0]?.evidence?.['network_script']), /network-bridge assumed/);
  t.same(findings(check.run(facts({ domains: [guest('db', 'pv', ['bridge=xenbr3'])] }), ctx('3.1.0'))), [], 'xenbr3 fits');
  t.same(findings(check.run(facts({ domains: [g] }), ctx('3.1.0', { nloopbacks: 8 }))), [], 'option raises the assumed count');
});

t.test('netloop pairs: dom0 evidence wins over the default', async (t) => {
  const g = guest('db', 'pv', ['bridge=xenbr5']);
  const eight: Dom0Facts = { netloop: { loaded: true, nloopbacks: 8 } };
  t.same(findings(check.run(facts({ domains: [g], dom0: eight }), ctx('3.0.4'))), [], 'nloopbacks=8 reported by dom0');
  const seen: Dom0Facts = { interfaces: ['lo', 'eth0', 'peth0', 'vif0.0', 'veth1', 'vif0.1', 'vif0.7', 'veth7'] };
  t.same(findings(check.run(facts({ domains: [g], dom0: seen }), ctx('3.0.4'))), [], 'vif0.7 seen: at least 8 pairs');
  const two: Dom0Facts = { netloop: { loaded: true, nloopbacks: 2 } };
  t.equal(findings(check.run(facts({ domains: [guest('db', 'pv', ['bridge=xenbr2'])], dom0: two }), ctx('3.0.4'))).length, 1, 'nloopbacks=2');
  const exists: Dom0Facts = { netloop: { loaded: true, nloopbacks: 2 }, bridges: [{ name: 'xenbr2', ports: ['eth2'] }] };
  t.same(findings(check.run(facts({ domains: [guest('db', 'pv', ['bridge=xenbr2'])], dom0: exists }), ctx('3.0.4'))), [], 'bridge exists in dom0');
});

t.test('netloop pairs: not counted for routed/NATed dom0 or without network-script', async (t) => {
  const g = guest('db', 'pv', ['bridge=xenbr6']);
  const route: Dom0Facts = { xendConfig: { file: '/etc/xen/xend-config.sxp', values: { 'network-script': 'network-route' }, lines: { 'network-script': 40 } } };
  t.same(findings(check.run(facts({ domains: [g], dom0: route }), ctx('3.1.0'))), []);
  const none: Dom0Facts = { xendConfig: { file: '/etc/xen/xend-config.sxp', values: {}, lines: {} } };
  t.same(findings(check.run(facts({ domains: [g], dom0: none }), ctx('3.1.0'))), []);
});

t.test('netloop pairs: host-level count of network-bridge bridges in dom0', async (t) => {
  const dom0: Dom0Facts = {
    netloop: { loaded: true, nloopbacks: 2 },
    xendConfig: { file: '/etc/xen/xend-config.sxp', values: { 'network-script': 'my-network-script' }, lines: { 'network-script': 71 } },
    bridges: [
      { name: 'br-lan', ports: ['peth0', 'vif0.0', 'vif3.0'] },
      { name: 'br-dmz', ports: ['peth1', 'vif0.1'] },
      { name: 'br-san', ports: ['peth2'] },
    ],
  };
  const fs = findings(check.run(facts({ domains: [guest('a', 'pv', ['bridge=br-lan'])], dom0 }), ctx('3.0.4')));
  t.equal(fs.length, 1);
  t.equal(fs[0]?.file, '/etc/xen/xend-config.sxp');
  t.equal(fs[0]?.line, 71);
  t.match(fs[0]?.message, /3 bridges from network-bridge \(br-dmz, br-lan, br-san\).*provides 2/);
  const ok = { ...dom0, netloop: { loaded: true, nloopbacks: 4 } };
  t.same(findings(check.run(facts({ domains: [guest('a', 'pv', ['bridge=br-lan'])], dom0: ok }), ctx('3.0.4'))), []);
});

t.test('netloop pairs: network-script vifnum counts as a bridge', async (t) => {
  const dom0: Dom0Facts = {
    netloop: { loaded: true, nloopbacks: 1 },
    xendConfig: { file: '/etc/xen/xend-config.sxp', values: { 'network-script': 'network-bridge netdev=eth1 vifnum=1' }, lines: {} },
    bridges: [{ name: 'xenbr0', ports: ['peth0', 'vif0.0'] }],
  };
  const fs = findings(check.run(facts({ domains: [guest('a', 'pv', ['bridge=xenbr0'])], dom0 }), ctx('3.1.0')));
  t.equal(fs.length, 1);
  t.match(fs[0]?.message, /2 bridges.*xenbr0, xenbr1/);
});

t.test('unknown version: skip, not pass', async (t) => {
  const r = check.run(facts({ domains: [guest('a', 'pv', macs(5))] }), ctx(undefined));
  t.ok(!Array.isArray(r) && /version unknown/.test(r.skip));
});

t.test('explain shows the numbers', async (t) => {
  const lines = check.explain?.(facts({ domains: [guest('win', 'hvm', macs(9, ', type=ioemu'))] }), ctx('3.0.3')) ?? [];
  t.match(lines.join('\n'), /win \(hvm\): 9 vifs; per-guest limit 3.*9 emulated NICs of at most 8/);
  t.match(lines.join('\n'), /netloop pairs: 4/);
});

t.test('property: never throws; findings carry 1-based positions and the guest', async (t) => {
  const vifSpec = fc
    .array(
      fc.oneof(
        fc.constantFrom('type=ioemu', 'type=netfront', 'bridge=xenbr0', 'bridge=xenbr9', 'bridge=br-x', 'model=e1000'),
        fc.string({ maxLength: 12 }),
      ),
      { maxLength: 4 },
    )
    .map((parts) => parts.join(', '));
  const domainArb = fc.record({
    name: fc.string({ minLength: 1, maxLength: 8 }),
    type: fc.constantFrom('pv' as const, 'hvm' as const),
    vifs: fc.array(vifSpec, { maxLength: 12 }),
  });
  const dom0Arb = fc.option(
    fc.record(
      {
        netloop: fc.record({ loaded: fc.boolean(), nloopbacks: fc.nat(10) }, { requiredKeys: ['loaded'] }),
        interfaces: fc.array(fc.constantFrom('eth0', 'peth0', 'vif0.0', 'veth3', 'vif0.12', 'vif1.0'), { maxLength: 6 }),
        bridges: fc.array(
          fc.record({ name: fc.constantFrom('xenbr0', 'xenbr1', 'br0'), ports: fc.array(fc.constantFrom('peth0', 'vif0.0', 'vif2.0', 'tap0')) }),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    ),
    { nil: undefined },
  );
  t.doesNotThrow(() => fc.assert(
    fc.property(fc.array(domainArb, { maxLength: 4 }), dom0Arb, fc.constantFrom('3.0.2', '3.0.3', '3.0.4', '3.1.0', '3.1.4'), (ds, dom0, v) => {
      const domains = ds.map((d) => guest(d.name, d.type, d.vifs));
      const r = check.run(facts({ domains, dom0: dom0 as Dom0Facts | undefined }), ctx(v));
      if (!Array.isArray(r)) return true;
      for (const f of r) {
        if (f.line !== undefined && f.line < 1) return false;
        if (f.column !== undefined && f.column < 1) return false;
        if (f.message.length === 0) return false;
      }
      return true;
    }),
  ));
});
