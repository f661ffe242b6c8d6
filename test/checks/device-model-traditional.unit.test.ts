import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/device-model-traditional.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { satisfiesXen } from '../../cli/model/xen-version.js';
import { context, domainFromText, facts, findings, host, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function guest(name: string, body: string): DomainFacts {
  return domainFromText(`name = "${name}"\n${body}`, 'xl', `/etc/xen/${name}.cfg`);
}

const HVM = 'type = "hvm"\nmemory = 4096\n';
const PV = 'kernel = "/boot/vmlinuz"\nmemory = 1024\n';
const TRAD = 'device_model_version = "qemu-xen-traditional"\n';

function run(domains: DomainFacts[], xen: string | undefined, hostVersionText?: string): RenderedFinding[] {
  const h = hostVersionText !== undefined && xen !== undefined ? host(xen, { versionText: hostVersionText }) : undefined;
  return findings(check.run(facts({ host: h, domains }), context(check, { xen, mode: 'lint' })));
}

t.test('metadata: warning by default, from 4.15, needs domains', async (t) => {
  t.equal(check.id, 'device-model-traditional');
  t.equal(check.severity, 'warning');
  t.equal(check.xen, '>=4.15.0');
  t.same(check.needs, ['domains']);
  t.notOk(satisfiesXen('4.14.6', check.xen!), '4.14 is outside the range');
  t.ok(satisfiesXen('4.15.0', check.xen!));
});

t.test('HVM guest by version: 4.15 unsupported, 4.16-4.20 not built, 4.21 removed', async (t) => {
  const g = guest('win', `${HVM}${TRAD}`);
  const table: Array<[string, string, RegExp]> = [
    ['4.15.0', 'warning', /gives the traditional device model no security support \(since 4\.15\), and from 4\.16 it is not built by default/],
    ['4.15.5', 'warning', /no security support/],
    ['4.16.0', 'warning', /does not build it by default \(since 4\.16\), so unless your distribution builds it xl finds no device model/],
    ['4.17.4-pre', 'warning', /unless your distribution builds it/],
    ['4.20.1', 'warning', /unless your distribution builds it/],
    ['4.21.0', 'error', /no longer has it \(removed in 4\.21, 1eb944f650\): xl stops with `Unknown device_model_version "qemu-xen-traditional" specified` and creates nothing/],
    ['4.22.0-unstable', 'error', /removed in 4\.21/],
  ];
  for (const [xen, severity, re] of table) {
    const f = run([g], xen);
    t.equal(f.length, 1, xen);
    t.equal(f[0]?.severity, severity, xen);
    t.match(f[0]?.message, re, xen);
    t.equal(f[0]?.line, 4, 'points at the device_model_version line');
    t.equal(f[0]?.column, 1);
    t.equal(f[0]?.key, 'device_model_version');
    t.equal(f[0]?.file, '/etc/xen/win.cfg');
    t.match(f[0]?.remediation, /qemu-xen/);
    t.same(f[0]?.evidence, { device_model_version: 'qemu-xen-traditional', guest_type: 'hvm', type_from: 'type', xen_version: xen });
  }
});

t.test('the message spells the version as the host prints it', async (t) => {
  const f = run([guest('win', `${HVM}${TRAD}`)], '4.17.4-pre', '4.17.4-pre');
  t.match(f[0]?.message, /Xen 4\.17\.4-pre does not build it/);
  const debian = run([guest('win', `${HVM}${TRAD}`)], '4.17.0+76-deb12u1', '4.17.0-76.deb12u1');
  t.match(debian[0]?.message, /Xen 4\.17\.0-76\.deb12u1/);
});

t.test('PV and PVH guests: only 4.21 refuses the line', async (t) => {
  for (const body of [`${PV}${TRAD}`, `type = "pvh"\n${PV}${TRAD}`]) {
    const g = guest('web', body);
    t.same(run([g], '4.15.0'), []);
    t.same(run([g], '4.20.1'), []);
    const f = run([g], '4.21.0');
    t.equal(f.length, 1);
    t.equal(f[0]?.severity, 'error');
    t.match(f[0]?.remediation, /Remove the line: a PV[H]? guest does not need it/);
  }
});

t.test('other values and spellings pass', async (t) => {
  for (const line of ['device_model_version = "qemu-xen"', '', 'device_model_override = "/usr/lib/xen/bin/qemu-dm"', "device_model_version = 'qemu-xen-traditional-x'"]) {
    t.same(run([guest('win', `${HVM}${line}\n`)], '4.21.0'), [], line || '(no line)');
  }
  t.equal(run([guest('win', `${HVM}device_model_version = 'qemu-xen-traditional'\n`)], '4.16.0').length, 1, 'single quotes');
  t.equal(run([guest('win', `${HVM}device_model_version = " qemu-xen-traditional "\n`)], '4.16.0').length, 1, 'surrounding blanks trimmed');
});

t.test('an xm-era HVM config (builder/device_model) is left to unknown-key', async (t) => {
  const xm = domainFromText("name = 'old'\nbuilder = 'hvm'\nkernel = '/usr/lib/xen/boot/hvmloader'\ndevice_model = '/usr/lib/xen/bin/qemu-dm'\n", 'xm', '/etc/xen/old.cfg');
  t.equal(xm.type, 'hvm');
  t.same(run([xm], '4.17.0'), []);
});

t.test('several guests: one finding each, in order', async (t) => {
  const f = run([guest('a', `${HVM}${TRAD}`), guest('b', `${HVM}device_model_version = "qemu-xen"\n`), guest('c', `${HVM}${TRAD}`)], '4.16.0');
  t.same(f.map((x) => x.domain), ['a', 'c']);
});

t.test('version unknown: the engine never runs it, and run itself finds nothing', async (t) => {
  t.same(run([guest('win', `${HVM}${TRAD}`)], undefined), []);
});

t.test('property: random guests and versions never throw; findings only where the line is', async (t) => {
  const value = fc.constantFrom('"qemu-xen-traditional"', '"qemu-xen"', "'qemu-xen-traditional'", '"qemu-dm"');
  fc.assert(fc.property(
    fc.constantFrom('type = "hvm"\n', 'type = "pv"\n', 'type = "pvh"\n', "builder = 'hvm'\n", ''),
    fc.option(value, { nil: undefined }),
    fc.constantFrom('4.15.0', '4.15.3', '4.16.0', '4.18.2', '4.20.0', '4.21.0', '4.21.1-pre'),
    (typeLine, v, xen) => {
      const g = guest('g', `${typeLine}${v !== undefined ? `device_model_version = ${v}\n` : ''}`);
      const f = run([g], xen);
      if (!v?.includes('traditional')) return f.length === 0;
      const k = g.keys['device_model_version'];
      return f.every((x) => x.line === k?.line && x.line! >= 1 && x.column! >= 1) && f.length <= 1;
    },
  ), { numRuns: 200 });
  t.pass('held');
});

t.test('4.21 boundary: a 4.21.0 release candidate still has the traditional device model, 4.21.0 refuses it (RELEASE-4.21.0:tools/xl/xl_parse.c)', async (t) => {
  const hvmGuest = guest('win', `${HVM}${TRAD}`);
  t.equal(run([hvmGuest], '4.21.0-rc4')[0]?.severity, 'warning', 'semver: a prerelease sorts before 4.21.0');
  t.equal(run([hvmGuest], '4.21.0')[0]?.severity, 'error');
  const pvh = guest('web', `type = "pvh"\n${PV}${TRAD}`);
  t.same(run([pvh], '4.21.0-rc4'), [], 'PV/PVH: only the release that removed it refuses them');
  t.match(run([pvh], '4.21.0')[0]?.message, /xl stops with `Unknown device_model_version "qemu-xen-traditional" specified` and creates nothing/);
});
