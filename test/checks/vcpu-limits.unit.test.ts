import t from 'tap';
import builtin from '../../checks/vcpu-limits.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { context, domainFromText, facts, host, rendering } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function guest(name: string, body: string, dialect: 'xl' | 'xm' = 'xl'): DomainFacts {
  return domainFromText(`name = "${name}"\n${body}`, dialect, `/etc/xen/${name}.cfg`);
}

function result(domains: DomainFacts[], xen: string | undefined, nrCpus?: number) {
  const h = nrCpus !== undefined ? host(xen, { nrCpus }) : undefined;
  return check.run(facts({ host: h, domains }), context(check, { xen, mode: nrCpus !== undefined ? 'check' : 'lint' }));
}

function run(domains: DomainFacts[], xen: string | undefined, nrCpus?: number) {
  const r = result(domains, xen, nrCpus);
  if (!Array.isArray(r)) throw new Error(`skipped: ${r.skip}`);
  return r;
}

t.test('metadata', async (t) => {
  t.equal(check.severity, 'error');
  t.equal(check.xen, undefined);
  t.same(check.needs, ['domains']);
});

t.test('vcpus above maxvcpus: boundaries 4.0 / 4.1 / 4.5 / 4.6', async (t) => {
  const g = guest('g', 'memory = 1024\nvcpus = 8\nmaxvcpus = 4\n');
  t.same(run([g], '4.0.4', 16), [], 'xl 4.0 does not read maxvcpus');
  const w41 = run([g], '4.1.0', 16);
  t.equal(w41[0]?.severity, 'warning');
  t.match(w41[0]?.message, /does not check this \(xl refuses it from 4\.6\) and what it then gives the guest is unconfirmed/);
  t.equal(run([g], '4.5.5', 16)[0]?.severity, 'warning');
  const e46 = run([g], '4.6.0', 16);
  t.equal(e46[0]?.severity, 'error');
  t.match(e46[0]?.message, /^g: vcpus = 8 is above maxvcpus = 4: xl of Xen 4\.6\.0 stops with "xl: maxvcpus < vcpus" and creates nothing/);
  t.equal(e46[0]?.line, 4, 'at the maxvcpus line');
  t.equal(e46[0]?.key, 'maxvcpus');
  t.match(run([g], undefined, 16)[0]?.message, /xl \(4\.6 and later\) stops/);
  t.same(run([guest('g', 'vcpus = 4\nmaxvcpus = 8\n')], '4.17.0', 16), []);
  t.same(run([guest('g', 'vcpus = 4\nmaxvcpus = 4\n')], '4.17.0', 16), []);
  t.same(run([guest('g', "vcpus = 8\nmaxvcpus = 4\n", 'xm')], '3.4.0', 16), [], 'xm does not read maxvcpus');
});

t.test('HVM/PVH above 128: boundaries 4.5 / 4.6; PV is not bound', async (t) => {
  const hvm = guest('big', 'type = "hvm"\nvcpus = 129\n');
  t.equal(run([hvm], '4.5.0', 256)[0]?.severity, 'warning');
  const f = run([hvm], '4.6.0', 256);
  t.equal(f.length, 1);
  t.equal(f[0]?.severity, 'error');
  t.match(f[0]?.message, /HVM guest with vcpus = 129, above Xen's limit of 128 vCPUs for HVM and PVH guests \(HVM_MAX_VCPUS\)/);
  t.same(run([guest('ok', 'type = "hvm"\nvcpus = 128\n')], '4.17.0', 256), [], '128 is allowed');
  const pvh = run([guest('p', 'type = "pvh"\nvcpus = 4\nmaxvcpus = 200\n')], '4.17.0', 256);
  t.equal(pvh[0]?.key, 'maxvcpus');
  t.match(pvh[0]?.message, /PVH guest with maxvcpus = 200/);
  t.same(run([guest('pv', 'kernel = "/boot/k"\nvcpus = 200\n')], '4.17.0', 256), []);
});

t.test('more vCPUs than host CPUs: warning; unknown nr_cpus is said', async (t) => {
  const g = guest('g', 'vcpus = 24\n');
  const f = run([g], '4.17.0', 16);
  t.equal(f.length, 1);
  t.equal(f[0]?.severity, 'warning');
  t.match(f[0]?.message, /vcpus = 24, more than the 16 physical CPUs of the host/);
  t.same(run([guest('g', 'vcpus = 16\n')], '4.17.0', 16), []);
  const skipped = result([g], '4.17.0');
  t.match(Array.isArray(skipped) ? '' : skipped.skip, /nr_cpus is unknown/);
  t.same(run([guest('one', 'memory = 512\n')], '4.17.0'), [], 'single-vCPU guests need no host count');
  t.equal(run([guest('g', 'vcpus = 8\nmaxvcpus = 4\n')], '4.17.0').length, 1, 'other rules still report without nr_cpus');
});

t.test('explain shows each guest', async (t) => {
  const lines = check.explain!(facts({ host: host('4.17.0', { nrCpus: 16 }), domains: [guest('g', 'vcpus = 2\n')] }), context(check, { xen: '4.17.0' }));
  t.match(lines[0], /nr_cpus: 16; HVM\/PVH limit 128/);
  t.match(lines[1], /g \(PV\): vcpus 2, maxvcpus = vcpus \(default\)/);
});
