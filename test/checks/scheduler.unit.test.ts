import t from 'tap';
import fc from 'fast-check';
import builtin, { defaultScheduler, hostScheduler, schedulerExists } from '../../checks/scheduler.js';
import type { Skip } from '../../checks/api.js';
import type { DomainFacts, HostFacts, KeyFact } from '../../cli/model/facts.js';
import { context, domain, facts, findings, host, key, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

function infoHost(version: string | undefined, opts: { scheduler?: string; cmdline?: string } = {}): HostFacts {
  return host(version, { source: '/srv/hosts/xen1/xl-info.txt', fieldLines: { xen_scheduler: 19, xen_commandline: 23, xen_version: 16 }, ...opts });
}

function guest(name: string, dialect: 'xm' | 'xl', values: Record<string, KeyFact['value']>): DomainFacts {
  return domain(name, { dialect, keys: Object.fromEntries(Object.entries(values).map(([k, v], i) => [k, key(v, 10 + i)])) });
}

function run(h: HostFacts | undefined, domains: DomainFacts[] = [], xenVersion = h?.version): RenderedFinding[] | Skip {
  return check.run(facts({ host: h, domains }), context(check, { xen: xenVersion }));
}

t.test('defaults and lifetimes by version (xen-facts.md A6, D)', async (t) => {
  const defaults: Array<[string, string]> = [
    ['3.0.0', 'sedf'], ['3.0.2', 'sedf'], ['3.0.3', 'credit'], ['3.0.4+1', 'credit'], ['4.11.4', 'credit'], ['4.12.0', 'credit2'], ['4.17.4-pre', 'credit2'],
  ];
  for (const [v, s] of defaults) t.equal(defaultScheduler(v), s, v);
  const exists: Array<[string, string, boolean]> = [
    ['bvt', '3.0.2', true], ['bvt', '3.0.3', false],
    ['sedf', '4.5.5', true], ['sedf', '4.6.0', false],
    ['credit', '3.0.2', false], ['credit', '3.0.3', true],
    ['credit2', '4.0.4', false], ['credit2', '4.1.0', true],
    ['rtds', '4.4.4', false], ['rtds', '4.5.0', true],
    ['null', '4.8.5', false], ['null', '4.9.0', true],
    ['arinc653', '4.1.0', true], ['fifo', '4.17.0', false],
  ];
  for (const [s, v, ok] of exists) t.equal(schedulerExists(s, v), ok, `${s} on ${v}`);
});

t.test('hostScheduler: xen_scheduler, else an available sched=, else the default, and says which', async (t) => {
  t.match(hostScheduler(facts({ host: infoHost('4.5.0', { scheduler: 'sedf' }) }), '4.5.0'), { name: 'sedf', source: 'xen_scheduler' });
  t.match(hostScheduler(facts({ host: infoHost('3.0.4', { cmdline: 'sched=sedf dom0_mem=512M' }) }), '3.0.4'), { name: 'sedf', source: /sched=sedf on the Xen command line/ });
  t.match(hostScheduler(facts({ host: infoHost('4.6.0', { cmdline: 'sched=sedf' }) }), '4.6.0'), { name: 'credit', source: 'default for Xen 4.6.0 (sched=sedf is not available)' });
  t.match(hostScheduler(facts({ host: infoHost('3.0.2') }), '3.0.2'), { name: 'sedf', source: 'default for Xen 3.0.2' });
  t.match(hostScheduler(facts({ host: infoHost('4.17.0', { scheduler: 'unknown' }) }), '4.17.0'), { name: 'credit2' });
  t.notOk(hostScheduler(facts({ host: infoHost(undefined) }), undefined).name);
});

t.test('rule 1: SEDF reported by xen_scheduler on 4.5 is a warning at that line', async (t) => {
  const r = findings(run(infoHost('4.5.0', { scheduler: 'sedf' })));
  t.equal(r.length, 1);
  t.match(r[0], { file: '/srv/hosts/xen1/xl-info.txt', line: 19, key: 'xen_scheduler', evidence: { scheduler: 'sedf', scheduler_source: 'xen_scheduler' } });
  t.notOk(r[0]?.severity, 'check severity: warning');
  t.match(r[0]?.message, /SEDF \(xen_scheduler\).*removed in Xen 4\.6/);
  t.match(r[0]?.remediation, /sched=credit/);
});

t.test('rule 1: 3.0.2 runs SEDF by default; the advice is to upgrade for credit', async (t) => {
  const r = findings(run(infoHost('3.0.2')));
  t.equal(r.length, 1);
  t.match(r[0]?.message, /SEDF \(default for Xen 3\.0\.2\)/);
  t.match(r[0]?.remediation, /Upgrade to Xen 3\.0\.3/);
  t.strictSame(findings(run(infoHost('3.0.3'))), [], '3.0.3 defaults to credit');
});

t.test('rule 1: BVT chosen with sched=bvt on 3.0.2, credit2 advice on 4.12+', async (t) => {
  const bvt = findings(run(infoHost('3.0.2', { cmdline: '/boot/xen.gz sched=bvt' })));
  t.equal(bvt.length, 1);
  t.match(bvt[0], { line: 23, message: /BVT \(sched=bvt on the Xen command line\)/ });
  const sedf45 = findings(run(infoHost('4.5.0', { cmdline: 'sched=sedf' })));
  t.match(sedf45[0]?.remediation, /Boot Xen with sched=credit/);
  t.strictSame(findings(run(infoHost('4.12.0', { scheduler: 'credit2' }))), []);
});

t.test('rule 2: sched= naming a scheduler the version lacks is an error at xen_commandline', async (t) => {
  const sedf46 = findings(run(infoHost('4.6.0', { scheduler: 'credit', cmdline: 'placeholder sched=sedf' })));
  t.equal(sedf46.length, 1, 'no SEDF warning: the host runs credit');
  t.match(sedf46[0], { severity: 'error', line: 23, key: 'sched', evidence: { sched: 'sedf', xen_commandline: 'placeholder sched=sedf' } });
  t.match(sedf46[0]?.message, /Xen 4\.6\.0 has no such scheduler: SEDF was removed in 4\.6.*it runs credit \(xen_scheduler\)/);
  t.equal(findings(run(infoHost('4.0.0', { cmdline: 'sched=credit2' })))[0]?.severity, 'error');
  t.strictSame(findings(run(infoHost('4.1.0', { cmdline: 'sched=credit2' }))), []);
  t.equal(findings(run(infoHost('3.0.3', { cmdline: 'sched=bvt' }))).length, 1);
  t.equal(findings(run(infoHost('4.4.0', { cmdline: 'sched=rtds' }))).length, 1);
  t.strictSame(findings(run(infoHost('4.5.0', { cmdline: 'sched=rtds' }))), []);
  t.equal(findings(run(infoHost('4.8.0', { cmdline: 'sched=null' }))).length, 1);
  t.strictSame(findings(run(infoHost('4.9.0', { cmdline: 'sched=null' }))), []);
});

t.test('rule 2: a name no Xen ever had is an error even with the version unknown', async (t) => {
  const r = findings(run(infoHost(undefined, { cmdline: 'sched=credit3' })));
  t.equal(r.length, 1);
  t.match(r[0]?.message, /no Xen has a scheduler named "credit3"/);
  t.strictSame(findings(run(infoHost(undefined, { cmdline: 'sched=credit' }))), [], 'a real name with the version unknown is taken at its word');
});

t.test('rule 3: credit2 caps are ignored before 4.10 (xl cap)', async (t) => {
  const g = guest('db', 'xl', { cap: 50, cpu_weight: 512 });
  const r49 = findings(run(infoHost('4.9.0', { scheduler: 'credit2' }), [g]));
  t.equal(r49.length, 1);
  t.match(r49[0], { domain: 'db', key: 'cap', line: 10, evidence: { scheduler: 'credit2', toolstack: 'xl' } });
  t.match(r49[0]?.message, /cap = 50 has no effect: credit2 honours caps only from Xen 4\.10/);
  t.strictSame(findings(run(infoHost('4.10.0', { scheduler: 'credit2' }), [g])), []);
});

t.test('rule 3: xl reads cpu_weight/cap only from 4.2', async (t) => {
  const g = guest('web', 'xl', { cpu_weight: 512 });
  const r = findings(run(infoHost('4.1.0', { scheduler: 'credit' }), [g]));
  t.equal(r.length, 1);
  t.match(r[0]?.message, /xl reads cpu_weight and cap from a config file only from Xen 4\.2/);
  t.strictSame(findings(run(infoHost('4.2.0', { scheduler: 'credit' }), [g])), []);
});

t.test('rule 3: xm before 3.0.4, and schedulers without weights or caps', async (t) => {
  const xm = guest('old', 'xm', { cpu_weight: 512, cpu_cap: 25 });
  const on303 = findings(run(infoHost('3.0.3'), [xm]));
  t.equal(on303.length, 1, 'cpu_cap before 3.0.4 is an unknown xm key: the unknown-key check reports it');
  t.match(on303[0], { key: 'cpu_weight', message: /xm before Xen 3\.0\.4 passes cpu_weight to the older scheduler interface/ });
  t.strictSame(findings(run(infoHost('3.0.4'), [xm])), [], 'credit on 3.0.4 honours cpu_weight and cpu_cap');
  const onSedf = findings(run(infoHost('3.1.0', { scheduler: 'sedf' }), [guest('s', 'xm', { cpu_weight: '512' })]));
  t.equal(onSedf.length, 2, 'the SEDF warning and the weight');
  t.match(onSedf[1]?.message, /cpu_weight = 512 has no effect: the sedf scheduler has no weights/);
  const onRtds = findings(run(infoHost('4.17.0', { scheduler: 'rtds' }), [guest('r', 'xl', { cap: 10 })]));
  t.match(onRtds[0]?.message, /the rtds scheduler has no caps/);
});

t.test('rule 3: default values, cap in xm and cpu_cap in xl are not this check\'s business', async (t) => {
  const g = [guest('a', 'xl', { cpu_weight: 256, cap: 0 }), guest('b', 'xm', { cap: 50 }), guest('c', 'xl', { cpu_cap: 50 })];
  // 4.4 has both toolstacks, so each file's own dialect says who reads it.
  t.strictSame(findings(run(infoHost('4.4.0', { scheduler: 'credit2' }), g)), []);
  // From 4.5 only xl exists: an xm-syntax file's `cap` is read by xl, and ignored under null.
  t.match(findings(run(infoHost('4.17.0', { scheduler: 'null' }), [guest('b', 'xm', { cap: 50 })])), [{ key: 'cap', message: /has no effect/ }]);
});

t.test('rule 3: a guest in another cpupool, or an unknown scheduler, is unverified', async (t) => {
  const pooled = findings(run(infoHost('4.17.0', { scheduler: 'credit2' }), [guest('p', 'xl', { cap: 20, pool: 'rt-pool' })]));
  t.match(pooled[0], { unverified: true, message: /cpupool rt-pool/ });
  const unknown = findings(run(infoHost(undefined), [guest('u', 'xl', { cpu_weight: 1024 })]));
  t.match(unknown[0], { unverified: true, message: /scheduler is unknown/ });
});

t.test('skip when nothing tells the scheduler; in lint mode even with weights to judge', async (t) => {
  t.match(run(infoHost(undefined)), { skip: /scheduler unknown/ });
  t.match(check.run(facts({ domains: [guest('u', 'xl', { cap: 50 })] }), context(check, { mode: 'lint' })), { skip: /pass --xen or --facts/ });
  t.strictSame(check.needs, [], 'runs from --xen alone, without host facts');
  const lint302 = check.run(facts(), context(check, { mode: 'lint', xen: '3.0.2' }));
  t.match(lint302, [{ message: /SEDF \(default for Xen 3\.0\.2\)/ }]);
});

t.test('property: any version/scheduler/sched= mix gives findings with positions >= 1 or a skip', async (t) => {
  const versions = fc.constantFrom(undefined, '3.0.2', '3.0.3', '3.1.0', '4.1.0', '4.5.0', '4.6.0', '4.9.0', '4.12.0', '4.17.4-pre');
  const names = fc.constantFrom(undefined, 'bvt', 'sedf', 'credit', 'credit2', 'rtds', 'null', 'arinc653', 'bogus', '');
  fc.assert(
    fc.property(versions, names, names, fc.integer({ min: 0, max: 70000 }), (v, reported, sched, cap) => {
      const opts: { scheduler?: string; cmdline?: string } = {};
      if (reported !== undefined) opts.scheduler = reported;
      if (sched !== undefined) opts.cmdline = `placeholder sched=${sched}`;
      const r = run(infoHost(v, opts), [guest('g', 'xl', { cap })]);
      if (!Array.isArray(r)) return r.skip.length > 0;
      return r.every((f) => f.message.length > 0 && (f.line ?? 1) >= 1 && (f.column ?? 1) >= 1);
    }),
  );
});
