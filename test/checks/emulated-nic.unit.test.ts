import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/emulated-nic.js';
import type { Finding } from '../../checks/api.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { context, domain, facts, findings, vifs, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function guest(name: string, type: 'pv' | 'hvm', vifSpecs: string[], dialect: 'xm' | 'xl' = 'xm'): DomainFacts {
  return domain(name, { type, dialect, vifs: vifs(vifSpecs, 20) });
}

const ctx = (xen: string | undefined) => context(check, { xen });

const sev = (fs: Finding[]) => fs.map((f) => f.severity);

t.test('metadata: no Xen range (the slow path exists everywhere)', async (t) => {
  t.equal(check.id, 'emulated-nic');
  t.equal(check.xen, undefined);
  t.equal(check.severity, 'warning');
});

t.test('e1000/e100: error before 3.3, info-free from 3.3', async (t) => {
  const g = guest('win', 'hvm', ['type=ioemu, model=e1000, bridge=xenbr0', 'type=ioemu, model=e100']);
  for (const v of ['3.0.3', '3.1.0', '3.2.0', '3.2.3']) {
    const fs = findings(check.run(facts({ domains: [g] }), ctx(v)));
    t.same(sev(fs), ['error', 'error'], `Xen ${v}`);
    t.match(fs[0]?.message, /model=e1000.*does not have/);
    t.equal(fs[0]?.line, 20);
    t.equal(fs[1]?.line, 21);
  }
  for (const v of ['3.3.0', '3.4.2', '4.17.4-pre']) {
    t.same(findings(check.run(facts({ domains: [g] }), ctx(v))), [], `Xen ${v}: e1000 exists and is not the slow path`);
  }
});

t.test('type=ioemu missing on 3.0.2/3.0.3 only', async (t) => {
  const g = guest('win', 'hvm', ['mac=00:16:3e:11:22:33, bridge=xenbr0', 'type=ioemu, bridge=xenbr0, model=pcnet']);
  for (const v of ['3.0.2', '3.0.3', '3.0.3+1']) {
    const fs = findings(check.run(facts({ domains: [g] }), ctx(v)));
    t.same(sev(fs), ['warning'], `Xen ${v}`);
    t.equal(fs[0]?.line, 20);
    t.match(fs[0]?.message, /HVM vif 0 has no type; on Xen 3\.0\.\d.* only type=ioemu gets an emulated NIC/);
  }
  const on304 = findings(check.run(facts({ domains: [g] }), ctx('3.0.4')));
  t.same(sev(on304), ['info'], '3.0.4: ioemu is the default, so vif 0 is an emulated rtl8139');
  t.match(on304[0]?.message, /emulated rtl8139 \(the default model\)/);
  const typed = findings(check.run(facts({ domains: [guest('w', 'hvm', ['type=netfront'])] }), ctx('3.0.3')));
  t.match(typed[0]?.message, /has type=netfront/);
});

t.test('rtl8139 slow path: info for emulated default/rtl8139 NICs, any version', async (t) => {
  const g = guest('win', 'hvm', ['bridge=xenbr0', 'model=rtl8139', 'model=ne2k_pci', 'type=netfront'], 'xm');
  const fs = findings(check.run(facts({ domains: [g] }), ctx('3.1.0')));
  t.same(fs.map((f) => [f.severity, f.line]), [['info', 20], ['info', 21]]);
  t.match(fs[0]?.remediation, /e1000 needs Xen 3\.3/);
  const xl = guest('web', 'hvm', ['bridge=xenbr0', 'type=vif', 'model=e1000'], 'xl');
  const modern = findings(check.run(facts({ domains: [xl] }), ctx('4.17.0')));
  t.same(modern.map((f) => f.line), [20], 'type=vif is PV only; e1000 is fine');
  t.match(modern[0]?.remediation, /set model=e1000/);
});

t.test('PV guests and guests without vifs are not looked at', async (t) => {
  t.same(findings(check.run(facts({ domains: [guest('pv', 'pv', ['model=e1000', 'bridge=xenbr0'])] }), ctx('3.0.3'))), []);
  t.same(findings(check.run(facts({ domains: [guest('h', 'hvm', [])] }), ctx(undefined))), [], 'nothing depends on the version');
});

t.test('unknown version with HVM vifs: skip', async (t) => {
  const r = check.run(facts({ domains: [guest('win', 'hvm', ['bridge=xenbr0'])] }), ctx(undefined));
  t.ok(!Array.isArray(r) && /version unknown/.test(r.skip));
});

t.test('invalid vif specs are left to vif-spec', async (t) => {
  const g = guest('win', 'hvm', ['bridge=xenbr0']);
  g.vifs[0]!.invalid = 'Invalid vif option: foo';
  t.same(findings(check.run(facts({ domains: [g] }), ctx('3.1.0'))), []);
});

t.test('explain lists each HVM vif', async (t) => {
  const lines = check.explain?.(facts({ domains: [guest('win', 'hvm', ['bridge=xenbr0', 'type=ioemu, model=e1000'])] }), ctx('3.0.3')) ?? [];
  t.match(lines[0], /only type=ioemu vifs are emulated; e1000\/e100 not available/);
  t.match(lines[1], /win vif 0: type=\(default\) model=\(default rtl8139\) emulated=no/);
  t.match(lines[2], /win vif 1: type=ioemu model=e1000 emulated=yes/);
});

t.test('property: never throws; every finding points at a vif line', async (t) => {
  const spec = fc
    .array(fc.constantFrom('type=ioemu', 'type=netfront', 'type=vif', 'model=e1000', 'model=E100', 'model=rtl8139', 'model=', 'bridge=xenbr0', 'x'), {
      maxLength: 4,
    })
    .map((p) => p.join(','));
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.constantFrom('pv' as const, 'hvm' as const), vifs: fc.array(spec, { maxLength: 5 }) }), { maxLength: 3 }),
        fc.constantFrom('3.0.2', '3.0.3', '3.0.4', '3.2.1', '3.3.0', '4.17.4-pre'),
        (ds, v) => {
          const r = check.run(facts({ domains: ds.map((d, i) => guest(`g${i}`, d.type, d.vifs)) }), ctx(v));
          if (!Array.isArray(r)) return false;
          return r.every((f) => f.line !== undefined && f.line >= 20 && f.column === 8 && f.key === 'vif');
        },
      ),
    ),
  );
});
