import t from 'tap';
import fc from 'fast-check';
import builtin, { isNicNamedBridge, renamedBridgeFor, scriptName, vifScript, xlDefaultBridge } from '../../checks/bridge-missing.js';
import type { Bridge, Dom0Facts, DomainFacts } from '../../cli/model/facts.js';
import type { Dialect } from '../../cli/model/config-model.js';
import { context, domainFromText, facts, host, listLine, runOnDomains, type Target, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function guest(name: string, vifs: string[], dialect: Dialect, extra = ''): DomainFacts {
  return domainFromText(`name = "${name}"\n${extra}${listLine('vif', vifs)}`, dialect, `/etc/xen/${name}.cfg`);
}

const HVM_XM = "builder = 'hvm'\nkernel = '/usr/lib/xen/boot/hvmloader'\n";

const run = (domains: DomainFacts[], o: Target): RenderedFinding[] => runOnDomains(check, domains, o);

const ctx = (xen: string) => context(check, { xen });

function bridges(...list: Array<[string, ...string[]]>): Bridge[] {
  return list.map(([name, ...ports]) => ({ name, ports }));
}

/** dom0 with network-bridge's xenbr0 (3.0/3.1 style). */
const xenbr0: Dom0Facts = {
  interfaces: ['lo', 'eth0', 'peth0', 'vif0.0', 'veth0', 'xenbr0'],
  bridges: bridges(['xenbr0', 'peth0', 'vif0.0']),
  xendConfig: { file: '/etc/xen/xend-config.sxp', values: { 'network-script': 'network-bridge', 'vif-script': 'vif-bridge' }, lines: {} },
};

/** dom0 after 3.2's network-bridge: the bridge is eth0, the NIC peth0. */
const renamed: Dom0Facts = {
  interfaces: ['lo', 'eth0', 'peth0', 'vif1.0'],
  bridges: bridges(['eth0', 'peth0', 'vif1.0']),
  xendConfig: { file: '/etc/xen/xend-config.sxp', values: { 'network-script': 'network-bridge' }, lines: {} },
};

t.test('metadata: error, needs domains and dom0, every version', async (t) => {
  t.equal(check.id, 'bridge-missing');
  t.equal(check.severity, 'error');
  t.same([...check.needs].sort(), ['dom0', 'domains']);
  t.equal(check.xen, undefined);
});

t.test('bridge named in the spec: present passes, absent fails at the list item', async (t) => {
  const g = guest('fw', ['mac=00:16:3e:5a:01:01, bridge=xenbr0', 'mac=00:16:3e:5a:01:02, bridge=xenbr1'], 'xm');
  const f = run([g], { xen: '3.0.3', toolstack: 'xm', dom0: xenbr0 });
  t.equal(f.length, 1);
  t.equal(f[0]?.line, 3);
  t.equal(f[0]?.key, 'vif');
  t.equal(f[0]?.domain, 'fw');
  t.equal(f[0]?.file, '/etc/xen/fw.cfg');
  t.match(f[0]?.message, /^fw: vif 1 is to be attached to bridge xenbr1 \(named in the vif spec\), but dom0 has no such bridge \(bridges: xenbr0\)/);
  t.match(f[0]?.message, /"Device 1 \(vif\) could not be connected"/);
  t.notMatch(f[0]?.message, /3\.2/, 'no rename hint on 3.0.3');
  t.equal(f[0]?.evidence?.['dom0_bridges'], 'xenbr0');
  t.equal(f[0]?.evidence?.['toolstack'], 'xm');
  t.match(f[0]?.remediation, /bridge=xenbr0/);
});

t.test('xl wording names the hotplug script failure', async (t) => {
  const g = guest('web', ['mac=00:16:3e:00:00:01,bridge=br1'], 'xl');
  const dom0: Dom0Facts = { interfaces: ['lo', 'enp5s0', 'br0'], bridges: bridges(['br0', 'enp5s0']) };
  const f = run([g], { xen: '4.17.0', toolstack: 'xl', dom0 });
  t.equal(f.length, 1);
  t.match(f[0]?.message, /"Could not find bridge device br1"/);
  t.match(f[0]?.message, /destroys the guest/);
});

t.test('a name that is an interface but not a bridge', async (t) => {
  const g = guest('web', ['mac=00:16:3e:00:00:01,bridge=enp5s0'], 'xl');
  const dom0: Dom0Facts = { interfaces: ['lo', 'enp5s0', 'br0'], bridges: bridges(['br0', 'enp5s0']) };
  const f = run([g], { xen: '4.17.0', toolstack: 'xl', dom0 });
  t.equal(f.length, 1);
  t.match(f[0]?.message, /has enp5s0 only as a network interface, not a bridge/);
  t.notMatch(f[0]?.message, /Could not find bridge device/);
});

t.test('3.1 vs 3.2: the rename hint appears only from 3.2 and only with a NIC-named bridge', async (t) => {
  const g = guest('www', ['mac=00:16:3e:01:02:03, bridge=xenbr0'], 'xm');
  const on32 = run([g], { xen: '3.2.0', toolstack: 'xm', dom0: renamed });
  t.equal(on32.length, 1);
  t.match(on32[0]?.message, /From Xen 3\.2 \(this is Xen 3\.2\.0\) network-bridge names the bridge after the NIC \(here eth0\) instead of xenbr0 \(06809a93ad\)/);
  t.match(on32[0]?.remediation, /bridge=eth0.*\(network-script 'network-bridge bridge=xenbr0'\)/);
  t.equal(on32[0]?.evidence?.['nic_named_bridge'], 'eth0');
  const on31 = run([g], { xen: '3.1.0', toolstack: 'xm', dom0: renamed });
  t.equal(on31.length, 1);
  t.notMatch(on31[0]?.message, /names the bridge after the NIC/);
  const unknownVersion = run([g], { toolstack: 'xm', dom0: renamed });
  t.notMatch(unknownVersion[0]?.message, /names the bridge after the NIC/, 'no hint when the version is unknown');
  const otherBridge = run([g], { xen: '3.4.0', toolstack: 'xm', dom0: { bridges: bridges(['br-lan', 'eth0']), interfaces: ['eth0', 'br-lan'] } });
  t.notMatch(otherBridge[0]?.message, /names the bridge after the NIC/, 'no hint without a NIC-named bridge');
  const forXenbr1 = run([guest('x', ['bridge=xenbr1'], 'xm')], { xen: '3.2.1', toolstack: 'xm', dom0: { bridges: bridges(['eth0', 'peth0'], ['eth1', 'peth1']), interfaces: [] } });
  t.match(forXenbr1[0]?.message, /here eth1/, 'xenbr1 maps to eth1');
});

t.test('xm without bridge=: the first bridge found, or none at all', async (t) => {
  const g = guest('mail', ['ip=192.168.1.25,mac=00:16:3E:5A:01:25'], 'xm');
  t.same(run([g], { xen: '3.0.3', toolstack: 'xm', dom0: xenbr0 }), []);
  t.same(run([g], { xen: '3.2.0', toolstack: 'xm', dom0: renamed }), [], 'eth0 is the first bridge on 3.2');
  const none = run([g], { xen: '3.0.4', toolstack: 'xm', dom0: { interfaces: ['lo', 'eth0'], bridges: [] } });
  t.equal(none.length, 1);
  t.equal(none[0]?.severity, undefined, 'the check\'s severity (error)');
  t.match(none[0]?.message, /names no bridge, so vif-bridge takes the first bridge it finds in dom0 — and dom0 has none/);
});

t.test('xm HVM emulated NIC without bridge=: xend gives qemu-dm xenbr0', async (t) => {
  const g = guest('win', ['type=ioemu, mac=00:16:3e:01:02:20'], 'xm', HVM_XM);
  const f = run([g], { xen: '3.2.0', toolstack: 'xm', dom0: renamed });
  t.equal(f.length, 1);
  t.equal(f[0]?.severity, 'warning');
  t.match(f[0]?.message, /qemu-dm's emulated NIC cannot join it/);
  t.match(f[0]?.message, /here eth0/);
  t.same(run([g], { xen: '3.1.0', toolstack: 'xm', dom0: xenbr0 }), [], 'xenbr0 exists');
  const pvOnly = guest('win', ['type=netfront, mac=00:16:3e:01:02:20'], 'xm', HVM_XM);
  t.same(run([pvOnly], { xen: '3.2.0', toolstack: 'xm', dom0: renamed }), [], 'a PV-only vif of an HVM guest takes the first bridge');
  const pv = guest('pv', ['mac=00:16:3e:01:02:21'], 'xm');
  t.same(run([pv], { xen: '3.2.0', toolstack: 'xm', dom0: renamed }), [], 'PV guests are not affected');
});

t.test('xl defaults: vif.default.bridge, then defaultbridge, then xenbr0', async (t) => {
  const g = guest('db', ['mac=00:16:3e:71:0a:04'], 'xl');
  const base: Dom0Facts = { interfaces: ['lo', 'eth0', 'br0'], bridges: bridges(['br0', 'eth0']) };
  const plain = run([g], { xen: '4.4.0', toolstack: 'xl', dom0: base });
  t.equal(plain.length, 1);
  t.match(plain[0]?.message, /bridge xenbr0 \(no bridge= in the spec, so xl's default\)/);
  const conf = (values: Record<string, string>): Dom0Facts => ({ ...base, xlConf: { file: '/etc/xen/xl.conf', values, lines: {} } });
  t.same(run([g], { xen: '4.4.0', toolstack: 'xl', dom0: conf({ 'vif.default.bridge': 'br0' }) }), []);
  t.same(run([g], { xen: '4.1.2', toolstack: 'xl', dom0: conf({ defaultbridge: 'br0' }) }), []);
  const both = run([g], { xen: '4.4.0', toolstack: 'xl', dom0: conf({ defaultbridge: 'br0', 'vif.default.bridge': 'xenbr3' }) });
  t.match(both[0]?.message, /bridge xenbr3 \(no bridge= in the spec, so vif.default.bridge in xl.conf\)/, 'vif.default.bridge wins');
  t.same(xlDefaultBridge({}), { bridge: 'xenbr0', from: "xl's default" });
});

t.test('only vif-bridge vifs are examined', async (t) => {
  const dom0: Dom0Facts = { interfaces: ['lo', 'eth0'], bridges: [] };
  const table: Array<[string, Dialect, Dom0Facts, number]> = [
    ['ip=10.0.0.2,script=vif-route,bridge=none0', 'xl', dom0, 0],
    ['ip=10.0.0.2,script=/etc/xen/scripts/vif-nat', 'xl', dom0, 0],
    ['script=vif-openvswitch,bridge=ovsbr0', 'xl', dom0, 0],
    ['script=vif-bridge,bridge=xenbr5', 'xl', dom0, 1],
    ['bridge=xenbr5', 'xl', { ...dom0, xlConf: { file: '/etc/xen/xl.conf', values: { 'vif.default.script': 'vif-route' }, lines: {} } }, 0],
    ['bridge=xenbr5', 'xl', { ...dom0, xlConf: { file: '/etc/xen/xl.conf', values: { vifscript: '/etc/xen/scripts/vif-nat' }, lines: {} } }, 0],
    ['bridge=xenbr5', 'xm', { ...dom0, xendConfig: { file: '/etc/xen/xend-config.sxp', values: { 'vif-script': 'vif-route' }, lines: {} } }, 0],
    ['bridge=xenbr5, script=vif-bridge', 'xm', { ...dom0, xendConfig: { file: '/etc/xen/xend-config.sxp', values: { 'vif-script': 'vif-route' }, lines: {} } }, 1],
    ['bridge=xenbr5', 'xm', dom0, 1],
    ['bridge=dmzbr, backend=netdom', 'xl', dom0, 0],
    ['bridge=dmzbr, backend=0', 'xl', dom0, 1],
  ];
  for (const [spec, dialect, d0, n] of table) {
    const f = run([guest('g', [spec], dialect)], { xen: dialect === 'xl' ? '4.17.0' : '3.1.0', toolstack: dialect, dom0: d0 });
    t.equal(f.length, n, `${dialect} "${spec}": ${f.map((x) => x.message).join(' | ')}`);
  }
});

t.test('vifs the reader could not take are left to vif-spec', async (t) => {
  const text = "name = 'legacy'\nvif = [ 'bridge=xenbr9, vifname=' + name ]\n";
  const g = domainFromText(text, 'xm', '/etc/xen/legacy.cfg');
  t.ok(g.vifs[0]?.invalid, 'the vif is unreadable');
  t.same(run([g], { xen: '4.4.0', toolstack: 'xl', dom0: { bridges: [], interfaces: [] } }), []);
});

t.test('the toolstack follows the host, not the file', async (t) => {
  // xl-looking syntax on an xm host: xm's first-bridge rule applies, not xl's xenbr0.
  const g = guest('web', ['mac=00:16:3e:00:00:01'], 'xl');
  t.same(run([g], { xen: '3.2.0', toolstack: 'xm', dom0: renamed }), []);
  t.equal(run([g], { xen: '4.17.0', toolstack: 'xl', dom0: renamed }).length, 1);
  t.equal(run([g], { xen: '4.17.0', dom0: renamed }).length, 1, 'Xen 4.5+ has only xl');
  t.same(run([g], { xen: '3.2.0', dom0: renamed }), [], 'Xen before 4.0 has only xm');
});

t.test('skips when dom0 bridges are unknown', async (t) => {
  const r = check.run(facts({ domains: [guest('g', ['bridge=xenbr0'], 'xl')], dom0: { modules: ['bridge'] } }), ctx('4.17.0'));
  t.match(r, { skip: /bridges were not read/ });
  const f = facts({ domains: [] });
  t.match(check.run(f, ctx('4.17.0')), { skip: /dom0 facts were not gathered/ });
});

t.test('helpers', async (t) => {
  t.equal(scriptName("'/etc/xen/scripts/vif-route netdev=eth1'"), 'vif-route');
  t.equal(scriptName('vif-bridge'), 'vif-bridge');
  t.equal(scriptName('  '), '');
  t.ok(isNicNamedBridge({ name: 'eth0', ports: [] }));
  t.ok(isNicNamedBridge({ name: 'enp3s0', ports: ['penp3s0', 'vif1.0'] }));
  t.notOk(isNicNamedBridge({ name: 'xenbr0', ports: ['peth0'] }));
  t.equal(renamedBridgeFor('xenbr0', bridges(['br0', 'eth0'], ['eth0', 'peth0'])), 'eth0');
  t.equal(renamedBridgeFor('lan', bridges(['eth0', 'peth0'])), undefined, 'only xenbrN names are renamed');
  const vif = guest('g', ['mac=00:16:3e:00:00:01'], 'xm').vifs[0]!;
  t.same(vifScript(vif, 'xm', {}), { script: 'vif-bridge', from: "xend's default" });
  t.same(vifScript(vif, 'xl', {}), { script: 'vif-bridge', from: "xl's default" });
});

t.test('explain lists each vif with its script and bridge', async (t) => {
  const g = guest('fw', ['bridge=xenbr1', 'script=vif-route'], 'xm');
  const lines = check.explain!(facts({ domains: [g], host: host(undefined, { toolstack: 'xm' }), dom0: xenbr0 }), ctx('3.0.3'));
  t.match(lines.join('\n'), /dom0 bridges: xenbr0 \[peth0 vif0\.0\]/);
  t.match(lines.join('\n'), /fw vif 0: xm, script vif-bridge \(vif-script in xend-config\.sxp\), bridge xenbr1/);
  t.match(lines.join('\n'), /fw vif 1: xm, script vif-route \(the vif spec\)/);
});

t.test('property: random vifs and bridges never throw; findings point at a vif of the guest', async (t) => {
  const name = fc.constantFrom('xenbr0', 'xenbr1', 'eth0', 'br0', 'enp5s0', 'ovsbr0');
  const spec = fc.record({
    bridge: fc.option(name, { nil: undefined }),
    script: fc.option(fc.constantFrom('vif-bridge', 'vif-route', 'vif-nat', '/etc/xen/scripts/vif-bridge', 'my-script'), { nil: undefined }),
    type: fc.option(fc.constantFrom('ioemu', 'netfront', 'vif'), { nil: undefined }),
    backend: fc.option(fc.constantFrom('0', 'netdom'), { nil: undefined }),
  }).map((r) => Object.entries(r).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join(','));
  await fc.assert(fc.asyncProperty(
    fc.array(spec, { minLength: 1, maxLength: 5 }),
    fc.array(fc.tuple(name, fc.array(fc.constantFrom('peth0', 'vif1.0', 'eth0', 'tap0'), { maxLength: 3 })), { maxLength: 3 }),
    fc.constantFrom<Dialect>('xm', 'xl'),
    fc.boolean(),
    fc.constantFrom('3.0.3', '3.1.0', '3.2.0', '4.4.0', '4.17.0', undefined),
    async (specs, brs, dialect, hvm, xen) => {
      const g = guest('g', specs, dialect, hvm ? HVM_XM : '');
      const dom0: Dom0Facts = { interfaces: brs.map(([n]) => n), bridges: brs.map(([n, ports]) => ({ name: n, ports })) };
      const f = run([g], { dom0, toolstack: dialect, ...(xen ? { xen } : {}) });
      for (const x of f) {
        if (!g.vifs.some((v) => v.line === x.line && v.column === x.column)) return false;
        if (x.key !== 'vif' || x.domain !== 'g') return false;
      }
      return f.length <= g.vifs.length;
    },
  ), { numRuns: 200 });
  t.pass('held');
});
