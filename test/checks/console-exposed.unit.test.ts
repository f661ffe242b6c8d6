import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/console-exposed.js';
import { describeListen, isLoopback, listenAddress } from '../../checks/lib/address.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { context, domainFromText, facts, findings, host, xendConfig, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function guest(name: string, body: string, dialect: 'xl' | 'xm' = 'xl'): DomainFacts {
  return domainFromText(`name = "${name}"\n${body}`, dialect, `/etc/xen/${name}.cfg`);
}

function run(domains: DomainFacts[], xen: string | undefined, extra: { toolstack?: 'xl' | 'xm'; xend?: Record<string, string> } = {}): RenderedFinding[] {
  const h = extra.toolstack ? host(xen, { toolstack: extra.toolstack }) : undefined;
  const dom0 = extra.xend ? { xendConfig: xendConfig(extra.xend, 230) } : undefined;
  return findings(check.run(facts({ host: h, dom0, domains }), context(check, { xen, mode: 'lint' })));
}

const HVM = 'type = "hvm"\nmemory = 2048\n';
const XM_HVM = "builder = 'hvm'\nkernel = '/usr/lib/xen/boot/hvmloader'\nmemory = 512\n";

t.test('metadata: error, every version, needs domains', async (t) => {
  t.equal(check.severity, 'error');
  t.equal(check.xen, undefined);
  t.same(check.needs, ['domains']);
});

t.test('addresses: loopback, every interface, display numbers', async (t) => {
  for (const a of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]:1', '127.0.0.1:5', "'127.0.0.1'"]) t.ok(isLoopback(a), a);
  for (const a of ['0.0.0.0', '', '::', '192.0.2.1', '0.0.0.0:1', 'dom0.example.com', '128.0.0.1']) t.notOk(isLoopback(a), a);
  t.equal(listenAddress('0.0.0.0:2'), '0.0.0.0');
  t.equal(listenAddress('fe80::1'), 'fe80::1', 'a bare IPv6 address is kept whole');
  t.equal(describeListen(''), 'every interface');
  t.equal(describeListen('0.0.0.0'), 'every interface (0.0.0.0)');
  fc.assert(fc.property(fc.string(), (s) => typeof isLoopback(s) === 'boolean' && typeof listenAddress(s) === 'string'));
});

t.test('xl HVM VNC: open only off loopback without a password', async (t) => {
  const open = run([guest('w', `${HVM}vnclisten = "0.0.0.0"\n`)], '4.17.0');
  t.equal(open.length, 1);
  t.equal(open[0]?.line, 4);
  t.equal(open[0]?.key, 'vnclisten');
  t.match(open[0]?.message, /w: VNC listens on every interface \(0\.0\.0\.0\) \(vnclisten\) and no password is set/);
  t.equal(run([guest('w', `${HVM}vnclisten = "0.0.0.0"\nvncpasswd = ""\n`)], '4.17.0')[0]?.evidence?.['password'], 'empty');
  t.same(run([guest('w', `${HVM}vnclisten = "0.0.0.0"\nvncpasswd = "x"\n`)], '4.17.0'), [], 'password set');
  t.same(run([guest('w', `${HVM}vnclisten = "0.0.0.0"\nvnc = 0\n`)], '4.17.0'), [], 'vnc off');
  t.same(run([guest('w', `${HVM}vnclisten = "0.0.0.0"\nnographic = 1\n`)], '4.17.0'), [], 'no graphics');
  t.same(run([guest('w', HVM)], '4.17.0'), [], 'default 127.0.0.1');
  t.same(run([guest('w', `kernel = "/boot/vmlinuz"\nvnclisten = "0.0.0.0"\n`)], '4.17.0'), [], 'a PV guest without vfb has no VNC');
});

t.test('xl vfb: vnc on by default, own listen and password', async (t) => {
  const f = run([guest('d', `kernel = "/boot/vmlinuz"\nvfb = [ 'vnclisten=0.0.0.0' ]\n`)], '4.17.0');
  t.equal(f.length, 1);
  t.equal(f[0]?.key, 'vfb');
  t.same(run([guest('d', `kernel = "/boot/vmlinuz"\nvfb = [ 'vnc=0,sdl=1,vnclisten=0.0.0.0' ]\n`)], '4.17.0'), []);
  t.same(run([guest('d', `kernel = "/boot/vmlinuz"\nvfb = [ 'vnclisten=0.0.0.0,vncpasswd=x' ]\n`)], '4.17.0'), []);
  t.same(run([guest('d', `kernel = "/boot/vmlinuz"\nvfb = [ 'vnc=1' ]\n`)], '4.17.0'), []);
});

t.test('SPICE: boundary 4.1 / 4.2, host and ticketing', async (t) => {
  const body = `${HVM}vnc = 0\nspice = 1\nspiceport = 6000\nspicedisable_ticketing = 1\n`;
  t.same(run([guest('k', body)], '4.1.6'), [], 'xl 4.1 does not read SPICE keys');
  const f = run([guest('k', body)], '4.2.0');
  t.equal(f.length, 1);
  t.equal(f[0]?.key, 'spicedisable_ticketing');
  t.match(f[0]?.message, /SPICE listens on every interface \(no spicehost\) with spicedisable_ticketing = 1/);
  t.equal(run([guest('k', body)], undefined).length, 1, 'version unknown: judged as a current xl');
  t.equal(run([guest('k', `${body}spicehost = "192.0.2.4"\n`)], '4.17.0').length, 1);
  t.same(run([guest('k', `${body}spicehost = "127.0.0.1"\n`)], '4.17.0'), []);
  t.same(run([guest('k', `${HVM}vnc = 0\nspice = 1\nspiceport = 6000\n`)], '4.17.0'), [], 'ticketing on: a password is required by libxl');
});

t.test('xm: the guest, then xend-config.sxp, then xend defaults', async (t) => {
  const inherit = guest('xp', `${XM_HVM}vnc = 1\n`, 'xm');
  const own = guest('b', `${XM_HVM}vnc = 1\nvnclisten = '0.0.0.0'\n`, 'xm');
  t.same(run([inherit], '4.4.0'), [], 'defaults: 127.0.0.1');
  const f = run([own], '4.4.0');
  t.equal(f.length, 1, 'own 0.0.0.0, no password anywhere');
  t.match(f[0]?.message, /b: VNC listens on every interface \(0\.0\.0\.0\) \(vnclisten\) and no password is set/);
  t.same(run([own], '4.4.0', { xend: { vncpasswd: "'secret'" } }), [], "xend-config's password covers it");
  const both = run([inherit, own], '4.4.0', { xend: { 'vnc-listen': "'0.0.0.0'", vncpasswd: "''" } });
  t.equal(both.length, 2);
  t.equal(both[0]?.file, '/etc/xen/xend-config.sxp');
  t.equal(both[0]?.line, 230);
  t.match(both[0]?.message, /\(here: xp\)$/);
  t.equal(both[1]?.domain, 'b');
  t.match(both[1]?.message, /the password is empty \(xend-config\.sxp's vncpasswd\)/);
  t.same(run([guest('o', `${XM_HVM}vnc = 0\nvnclisten = '0.0.0.0'\n`, 'xm')], '4.4.0'), [], 'xm: vnc off');
  const vfb = run([guest('p', "kernel = '/boot/vmlinuz'\nvfb = [ 'type=vnc,vnclisten=0.0.0.0' ]\n", 'xm')], '3.2.0');
  t.equal(vfb.length, 1, 'xm vfb type=vnc');
  t.same(run([guest('p', "kernel = '/boot/vmlinuz'\nvfb = [ 'type=sdl,vnclisten=0.0.0.0' ]\n", 'xm')], '3.2.0'), []);
});

t.test('xm boundaries: 3.0.3 / 3.0.4 / 3.1 and xend gone at 4.5', async (t) => {
  const inheritOnly = guest('xp', `${XM_HVM}vnc = 1\n`, 'xm');
  const own = guest('b', `${XM_HVM}vnc = 1\nvnclisten = '0.0.0.0'\n`, 'xm');
  t.same(run([own], '3.0.4'), [], '3.0.4: xend refuses an HVM VNC guest with no password anywhere');
  t.equal(run([own], '3.1.0').length, 1);
  t.equal(run([own], '3.0.3').length, 1, 'an explicit address is judged before 3.0.4 too');
  t.equal(run([guest('b', `${XM_HVM}vnc = 1\nvnclisten = '0.0.0.0'\nvncpasswd = ''\n`, 'xm')], '3.0.4').length, 1, "3.0.4: vncpasswd '' is no password");
  const xend = { 'vnc-listen': "'0.0.0.0'", vncpasswd: "''" };
  t.equal(run([inheritOnly], '4.4.0', { xend }).length, 1);
  t.same(run([inheritOnly], '4.5.0', { xend }), [], '4.5: nothing reads xend-config.sxp');
  t.same(run([inheritOnly], '4.4.0', { xend, toolstack: 'xl' }), [], 'an xl host ignores xend-config.sxp');
  t.equal(run([], '4.4.0', { xend }).length, 1, 'reported with no guests too');
});
