import t from 'tap';
import fc from 'fast-check';
import builtin, { netloopState } from '../../checks/netloop-missing.js';
import type { Dom0Facts } from '../../cli/model/facts.js';
import { context, facts, findings, skipReason, xendConfig, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

const XEND = '/etc/xen/xend-config.sxp';

function xend(script?: string): Dom0Facts['xendConfig'] {
  return script === undefined ? xendConfig({ 'xend-relocation-server': 'no' }, 20) : xendConfig({ 'network-script': script }, 96);
}

const ctx = (xen: string | undefined) => context(check, { xen });

/** dom0 as network-bridge leaves it on 3.0.x with netloop: eth0 renamed peth0, veth0 renamed eth0. */
const healthyBridge: Dom0Facts = {
  xendConfig: xend('network-bridge'),
  modules: ['netloop', 'netbk', 'blkbk', 'bridge'],
  netloop: { loaded: true, nloopbacks: 4 },
  interfaces: ['lo', 'eth0', 'peth0', 'vif0.0', 'veth1', 'vif0.1', 'veth2', 'vif0.2', 'veth3', 'vif0.3', 'xenbr0', 'vif1.0'],
  bridges: [{ name: 'xenbr0', ports: ['peth0', 'vif0.0', 'vif1.0'] }],
};

t.test('metadata: warning, Xen <= 3.1, needs dom0', async (t) => {
  t.equal(check.id, 'netloop-missing');
  t.equal(check.severity, 'warning');
  t.equal(check.xen, '<3.2.0');
  t.same(check.needs, ['dom0']);
});

t.test('healthy network-bridge dom0 passes', async (t) => {
  t.same(findings(check.run(facts({ dom0: healthyBridge }), ctx('3.0.4'))), []);
  t.same(findings(check.run(facts({ dom0: healthyBridge }), ctx('3.1.0'))), []);
});

t.test('network-bridge without netloop: one finding at the network-script line', async (t) => {
  const dom0: Dom0Facts = {
    xendConfig: xend("network-bridge netdev=eth0"),
    modules: ['netbk', 'blkbk', 'bridge'],
    netloop: { loaded: false },
    interfaces: ['lo', 'eth0', 'xenbr0', 'vif1.0'],
    bridges: [{ name: 'xenbr0', ports: ['eth0', 'vif1.0'] }],
  };
  const fs = findings(check.run(facts({ dom0 }), ctx('3.0.3')));
  t.equal(fs.length, 1);
  t.equal(fs[0]?.file, XEND);
  t.equal(fs[0]?.line, 96);
  t.equal(fs[0]?.key, 'network-script');
  t.match(fs[0]?.message, /Xen 3\.0\.3: dom0 networking through network-bridge without netloop.*Link veth0 is missing/);
  t.match(fs[0]?.remediation, /modprobe netloop/);
  t.equal(fs[0]?.evidence?.['network_script'], 'network-bridge netdev=eth0');
});

t.test('routed and NATed dom0 without netloop warn; with netloop pass', async (t) => {
  for (const script of ['network-route', 'network-nat', '/etc/xen/scripts/network-route netdev=eth1']) {
    const absent: Dom0Facts = { xendConfig: xend(script), modules: ['netbk'], interfaces: ['lo', 'eth0', 'vif1.0'] };
    const fs = findings(check.run(facts({ dom0: absent }), ctx('3.1.0')));
    t.equal(fs.length, 1, script);
    t.match(fs[0]?.message, /without netloop/);
    const present: Dom0Facts = { ...absent, modules: ['netbk', 'netloop'], interfaces: ['lo', 'eth0', 'vif0.0', 'veth0'] };
    t.same(findings(check.run(facts({ dom0: present }), ctx('3.1.0'))), [], `${script} with netloop`);
  }
});

t.test('netloop present but vif0.N not on the bridge', async (t) => {
  const dom0: Dom0Facts = {
    ...healthyBridge,
    bridges: [
      { name: 'xenbr0', ports: ['peth0', 'vif0.0'] },
      { name: 'br1', ports: ['eth1', 'vif2.0', 'tap0'] },
      { name: 'empty', ports: [] },
    ],
  };
  const fs = findings(check.run(facts({ dom0 }), ctx('3.0.4')));
  t.equal(fs.length, 1);
  t.match(fs[0]?.message, /bridge br1 \(eth1, vif2\.0, tap0\) has no vif0\.N port/);
  t.equal(fs[0]?.evidence?.['bridge'], 'br1');
});

t.test('too few loopbacks: nloopbacks=0, vifnum beyond the pairs', async (t) => {
  const zero: Dom0Facts = { ...healthyBridge, netloop: { loaded: true, nloopbacks: 0 }, interfaces: ['lo', 'eth0'], bridges: [] };
  const z = findings(check.run(facts({ dom0: zero }), ctx('3.0.4')));
  t.equal(z.length, 1);
  t.match(z[0]?.message, /nloopbacks=0/);
  const vifnum: Dom0Facts = { ...healthyBridge, xendConfig: xend('network-bridge netdev=eth5 vifnum=5') };
  const v = findings(check.run(facts({ dom0: vifnum }), ctx('3.0.4')));
  t.equal(v.length, 1);
  t.match(v[0]?.message, /vifnum=5.*4 pairs \(vif0\.0–vif0\.3\).*Link veth5 is missing/);
});

t.test('unknown facts skip with the reason', async (t) => {
  t.match(skipReason(check.run(facts({ dom0: { modules: ['netbk'] } }), ctx('3.1.0'))), /xend-config\.sxp was not read/);
  t.match(skipReason(check.run(facts({ dom0: { xendConfig: xend() } }), ctx('3.1.0'))), /no network-script/);
  t.match(skipReason(check.run(facts({ dom0: { xendConfig: xend('network-dummy') } }), ctx('3.1.0'))), /network-dummy/);
  t.match(skipReason(check.run(facts({ dom0: { xendConfig: xend('my-bridges.sh') } }), ctx('3.1.0'))), /site script/);
  t.match(skipReason(check.run(facts({ dom0: { xendConfig: xend('network-bridge') } }), ctx('3.1.0'))), /modules and network interfaces were not read/);
  t.match(
    skipReason(check.run(facts({ dom0: { xendConfig: xend('network-bridge'), modules: ['netbk'] } }), ctx('3.1.0'))),
    /built into dom0's kernel/,
    'netloop may be built in: modules alone do not prove its absence',
  );
  t.match(
    skipReason(check.run(facts({ dom0: { xendConfig: xend('network-bridge'), netloop: { loaded: true } } }), ctx('3.1.0'))),
    /bridges were not read/,
  );
  t.match(skipReason(check.run(facts({ dom0: healthyBridge }), ctx(undefined))), /version unknown/);
});

t.test('netloopState: the evidence order', async (t) => {
  t.equal(netloopState({ interfaces: ['vif0.0'] }).kind, 'present', 'built-in netloop shows as interfaces');
  t.equal(netloopState({ netloop: { loaded: false }, interfaces: ['vif0.3'] }).kind, 'present');
  t.equal(netloopState({ modules: ['netloop'] }).kind, 'present');
  t.equal(netloopState({ netloop: { loaded: false } }).kind, 'absent');
  t.equal(netloopState({ interfaces: ['eth0'] }).kind, 'absent');
  t.equal(netloopState({ modules: [] }).kind, 'unknown');
  t.equal(netloopState({}).kind, 'unknown');
});

t.test('explain', async (t) => {
  const lines = check.explain?.(facts({ dom0: healthyBridge }), ctx('3.0.4')) ?? [];
  t.match(lines.join('\n'), /network-script: network-bridge/);
  t.match(lines.join('\n'), /netloop: present/);
  t.match(lines.join('\n'), /xenbr0 \[peth0 vif0\.0 vif1\.0\]/);
});

t.test('property: never throws, findings point at xend-config.sxp', async (t) => {
  const dom0Arb = fc.record(
    {
      xendConfig: fc.option(fc.constantFrom('network-bridge', 'network-route', 'network-nat', 'network-dummy', 'x', 'network-bridge vifnum=7', ''), { nil: undefined }),
      modules: fc.array(fc.constantFrom('netloop', 'netbk', 'bridge'), { maxLength: 3 }),
      netloop: fc.record({ loaded: fc.boolean(), nloopbacks: fc.nat(9) }, { requiredKeys: ['loaded'] }),
      interfaces: fc.array(fc.constantFrom('eth0', 'peth0', 'vif0.0', 'veth2', 'vif0.11', 'vif3.1', 'tap1'), { maxLength: 5 }),
      bridges: fc.array(fc.record({ name: fc.string({ maxLength: 6 }), ports: fc.array(fc.string({ maxLength: 7 }), { maxLength: 4 }) }), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  );
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(dom0Arb, fc.constantFrom('3.0.2', '3.0.4', '3.1.3'), (d, v) => {
        const dom0: Dom0Facts = { ...d, xendConfig: d.xendConfig === undefined ? undefined : xend(d.xendConfig) } as Dom0Facts;
        if (d.xendConfig === undefined) delete dom0.xendConfig;
        const r = check.run(facts({ dom0 }), ctx(v));
        if (!Array.isArray(r)) return r.skip.length > 0;
        return r.every((f) => f.file === XEND && (f.line === undefined || f.line >= 1));
      }),
    ),
  );
});
