import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/vif-spec.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import type { Dialect } from '../../cli/model/config-model.js';
import { domainFromText, listLine, runOnDomains, type Target, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function guest(name: string, vifs: string[], dialect: Dialect): DomainFacts {
  return domainFromText(`name = "${name}"\n${listLine('vif', vifs)}`, dialect, `/etc/xen/${name}.cfg`);
}

const run = (domains: DomainFacts[], o: Target = {}): RenderedFinding[] => runOnDomains(check, domains, { mode: 'lint', ...o });

t.test('how each toolstack treats a bad spec', async (t) => {
  const table: Array<[Dialect, string, string | undefined]> = [
    ['xm', 'mac=00:16:3e:00:00:01, bridge=xenbr0, vlan=10', 'error'],
    ['xl', 'mac=00:16:3e:00:00:01,bridge=xenbr0,vlan=10', undefined],
    ['xm', 'mac=00:16:3e:00:00, bridge=xenbr0', 'error'],
    ['xl', 'mac=00:16:3e:00:00,bridge=xenbr0', 'warning'],
    ['xm', 'mac=00:16:3e:00:00:01, rate=10Mbit/s', 'warning'],
    ['xl', 'mac=00:16:3e:00:00:01,rate=10Mbit/s', 'error'],
    ['xl', 'mac=00:16:3e:00:00:01,netmask=255.0.0.0', 'warning'],
    ['xl', 'mac=00:16:3e:00:00:01,type=netfront', 'warning'],
    ['xl', 'mac=00:16:3e:00:00:01,netdev=eth0', 'info'],
    ['xm', 'mac=01:16:3e:00:00:01', 'error'],
    ['xl', 'mac=03:16:3e:00:00:01', 'error'],
    ['xl', 'bridge=xenbr0', undefined],
    ['xl', '', undefined],
    ['xm', '', undefined],
  ];
  for (const [dialect, spec, severity] of table) {
    const f = run([guest('g', [spec], dialect)], { xen: dialect === 'xl' ? '4.17.0' : '3.1.0' });
    t.equal(f[0]?.severity, severity, `${dialect} "${spec}": ${f.map((x) => x.message).join(' | ')}`);
  }
});

t.test('a plain-string vif under xl, not under xm', async (t) => {
  const text = "name = 'p'\nvif = 'bridge=xenbr0'\n";
  const xl = run([domainFromText(text, 'xl', '/etc/xen/p.cfg')], { xen: '4.17.0' });
  t.equal(xl.length, 1);
  t.equal(xl[0]?.severity, 'error');
  t.equal(xl[0]?.key, 'vif');
  t.same(run([domainFromText(text, 'xm', '/etc/xen/p.cfg')], { xen: '3.1.0' }), []);
});

t.test('duplicate MACs: within a guest, across guests, normalised', async (t) => {
  const one = guest('a', ['mac=00:16:3e:00:00:01,bridge=xenbr0', 'mac=00:16:3E:00:00:01,bridge=xenbr1'], 'xl');
  const f = run([one], { xen: '4.17.0' });
  t.equal(f.length, 1);
  t.equal(f[0]?.line, 3, 'the second vif');
  const a = guest('a', ['mac=00:16:3e:0a:0b:0c,bridge=xenbr0'], 'xl');
  const b = guest('b', ['mac=0:16:3e:a:b:c,bridge=xenbr0'], 'xl');
  const c = guest('c', ['mac=00:16:3e:0a:0b:0d,bridge=xenbr0'], 'xl');
  const across = run([a, b, c], { xen: '4.17.0' });
  t.same(across.map((x) => x.domain).sort(), ['a', 'b']);
  t.ok(across.every((x) => x.severity === 'error'));
  t.match(across.find((x) => x.domain === 'a')?.message, /also used by b/);
});

t.test('across guests: bridges decide error or warning; defaults follow the toolstack', async (t) => {
  const mac = 'mac=00:16:3e:77:00:01';
  const sev = (x: string, y: string, dialect: Dialect, o: Target = {}): string[] =>
    run([guest('x', [x ? `${mac},bridge=${x}` : mac], dialect), guest('y', [y ? `${mac},bridge=${y}` : mac], dialect)], o).map((f) => f.severity ?? '');
  t.same(sev('xenbr0', 'xenbr1', 'xl', { xen: '4.17.0' }), ['warning', 'warning']);
  t.same(sev('xenbr0', 'xenbr0', 'xl', { xen: '4.17.0' }), ['error', 'error']);
  t.same(sev('', 'xenbr0', 'xl', { xen: '4.17.0' }), ['error', 'error'], "xl's default bridge is xenbr0");
  t.same(sev('', 'xenbr0', 'xl', { xen: '4.17.0', dom0: { xlConf: { file: '/etc/xen/xl.conf', values: { 'vif.default.bridge': 'br0' }, lines: {} } } }), ['warning', 'warning'], 'xl.conf moves the default');
  t.same(sev('', 'xenbr1', 'xm', { xen: '3.1.0' }), ['error', 'error'], "xm's default bridge is unknown: assume the worst");
});

t.test('MACs outside Xen\'s OUI: info, unless locally administered or allowed', async (t) => {
  const f = run([guest('o', ['mac=00:0c:29:aa:bb:cc', 'mac=02:00:00:00:00:01', 'mac=00:16:3e:00:00:02', 'mac=00:21:f6:00:00:03'], 'xl')], { xen: '4.17.0' });
  t.same(f.map((x) => [x.severity, x.evidence?.['oui']]), [['info', '00:0c:29'], ['info', '00:21:f6']]);
  const allowed = run([guest('o', ['mac=00:21:f6:00:00:03'], 'xl')], { xen: '4.17.0', options: { allowedOuis: ['00:16:3e', '00:21:F6'] } });
  t.same(allowed, []);
});

t.test('xm 4.x vif keys: error on 3.0.4, warning on 3.1–3.4 or unknown, nothing from 4.0', async (t) => {
  const d = guest('k', ['mac=00:16:3e:00:00:09, bridge=xenbr0, accel=sfc_netfront'], 'xm');
  t.same(run([d], { xen: '3.0.4' }).map((f) => f.severity), ['error']);
  t.same(run([d], { xen: '3.2.0' }).map((f) => f.severity), ['warning']);
  t.same(run([d]).map((f) => f.severity), ['warning']);
  t.same(run([d], { xen: '4.0.1' }), []);
});

t.test('xm specs that change meaning under xl get an info', async (t) => {
  const d = guest('n', ['mac=00:16:3e:00:00:0a, bridge=xenbr0, type=netfront'], 'xm');
  t.same(run([d], { xen: '3.1.0' }).map((f) => f.severity), ['info']);
  t.same(run([d], { xen: '4.5.0' }).map((f) => f.severity), ['warning'], 'read by xl: its own warning instead');
});

t.test('never throws on random vif lists', async (t) => {
  const item = fc.oneof(
    fc.constantFrom('bridge=xenbr0', 'mac=00:16:3e:00:00:01', 'mac=zz', 'rate=1MB/s@10ms', 'type=ioemu,model=e1000', 'x', '', 'mac=ff:ff:ff:ff:ff:ff'),
    fc.string({ maxLength: 30 }).map((s) => s.replace(/['\\\n\r]/g, '')),
  );
  fc.assert(
    fc.property(fc.array(fc.array(item, { maxLength: 4 }), { minLength: 1, maxLength: 3 }), fc.constantFrom<Dialect>('xm', 'xl'), fc.constantFrom('3.0.4', '3.1.0', '4.17.0'), (guests, dialect, xen) => {
      const f = run(guests.map((vifs, i) => guest(`g${i}`, vifs, dialect)), { xen });
      return f.every((x) => x.key === 'vif' && (x.line ?? 0) >= 1 && x.domain !== undefined);
    }),
  );
  t.pass('ok');
});
