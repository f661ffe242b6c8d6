import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/memory-fit.js';
import { dom0MayBalloon, dom0Size, footprint, hvmTakesMaxmem } from '../../checks/lib/memory.js';
import type { Skip } from '../../checks/api.js';
import type { Dom0Facts, DomainFacts, Facts, HostFacts, KeyFact } from '../../cli/model/facts.js';
import { context, domain, facts, findings, host, key, rendering, type RenderedFinding } from '../helpers/facts.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

interface G {
  type?: DomainFacts['type'];
  dialect?: 'xm' | 'xl';
  memory?: number;
  maxmem?: number;
  autostart?: boolean;
}

function guest(name: string, g: G): DomainFacts {
  const keys: Record<string, KeyFact> = { name: key(name, 1) };
  if (g.memory !== undefined) keys['memory'] = key(g.memory, 3);
  if (g.maxmem !== undefined) keys['maxmem'] = key(g.maxmem, 4);
  return domain(name, { type: g.type, dialect: g.dialect, keys, memoryMiB: g.memory, maxmemMiB: g.maxmem, autostart: g.autostart });
}

function infoHost(version: string, total?: number, free?: number, cmdline?: string): HostFacts {
  return host(version, { source: '/srv/xen1/xm-info.txt', fieldLines: { total_memory: 12, free_memory: 13 }, totalMemoryMiB: total, freeMemoryMiB: free, cmdline });
}

interface Setup {
  host?: HostFacts;
  dom0?: Dom0Facts;
  domains: DomainFacts[];
  mode?: 'check' | 'lint';
  options?: Record<string, unknown>;
}

const ctxOf = (s: Setup) => context(check, { xen: s.host?.version, mode: s.mode, options: s.options });
const run = (s: Setup): RenderedFinding[] | Skip => check.run(facts(s), ctxOf(s));
const explain = (s: Setup): string[] => check.explain!(facts(s), ctxOf(s));

const web01 = guest('web01', { memory: 512 });
const db01 = guest('db01', { type: 'hvm', memory: 2048, maxmem: 4096 });

t.test('the worked example: dom0_mem + PV + HVM taking maxmem exceeds total_memory on 3.0.4', async (t) => {
  const s: Setup = { host: infoHost('3.0.4', 4095, 200, 'dom0_mem=1024M'), domains: [web01, db01] };
  const r = findings(run(s));
  const total = r.find((f) => f.key === 'total_memory');
  t.ok(total, 'a total_memory finding');
  t.match(total, { file: '/srv/xen1/xm-info.txt', line: 12, severity: 'error' });
  t.match(total?.message, 'dom0 1024 MiB (dom0_mem) + web01 512 + db01 4096 (HVM: maxmem taken at start, memory 2048) = 5632 MiB > total_memory 4095 MiB');
  t.match(total?.evidence, { total_memory: 4095, dom0: '1024 MiB (dom0_mem)', guests: 'web01=512 db01=4096' });
  const hvm = r.find((f) => f.domain === 'db01' && f.key === 'maxmem');
  t.match(hvm, { severity: 'warning', line: 4, message: /takes maxmem at start on Xen 3\.0\.4/ });
  t.ok(explain(s).includes('dom0 1024 MiB (dom0_mem) + web01 512 + db01 4096 (HVM: maxmem taken at start, memory 2048) = 5632 MiB > total_memory 4095 MiB'));
});

t.test('with populate-on-demand (3.4+, xl) the HVM guest counts memory and is warned as pre-ballooned', async (t) => {
  const pod = guest('db01', { type: 'hvm', dialect: 'xl', memory: 2048, maxmem: 4096 });
  const r = findings(run({ host: infoHost('4.17.0', 4095, 3000, 'dom0_mem=1024M,max:1024M'), domains: [web01, pod] }));
  t.equal(r.length, 1);
  t.match(r[0], { domain: 'db01', key: 'maxmem', severity: 'warning', message: /starts pre-ballooned.*without a balloon driver/ });
  t.ok(explain({ host: infoHost('4.17.0', 4095, 3000, 'dom0_mem=1024M,max:1024M'), domains: [web01, pod] }).includes('dom0 1024 MiB (dom0_mem) + web01 512 + db01 2048 = 3584 MiB <= total_memory 4095 MiB'));
  t.ok(hvmTakesMaxmem(pod, '3.3.0'));
  t.notOk(hvmTakesMaxmem(pod, '3.4.0'));
  t.ok(hvmTakesMaxmem(guest('x', { type: 'hvm' }), undefined), 'xm config, version unknown: worst case');
  t.notOk(hvmTakesMaxmem(pod, undefined), 'xl config means 4.0+');
});

t.test('maxmem below memory is an error at maxmem, whatever the version', async (t) => {
  for (const v of ['3.0.2', '4.17.0']) {
    const r = findings(run({ host: infoHost(v), domains: [guest('bad', { memory: 1024, maxmem: 512 })] }));
    t.match(r[0], { domain: 'bad', key: 'maxmem', line: 4, severity: 'error', message: /maxmem 512 MiB is below memory 1024 MiB/ }, v);
  }
  const defaulted = findings(run({ host: infoHost('4.17.0'), domains: [guest('d', { maxmem: 64 })] }));
  t.match(defaulted[0]?.message, /below memory 128 MiB \(the 128 MiB default\)/);
});

t.test('PV maxmem > memory: warning on 3.0.4 only; unverified for xm with the version unknown', async (t) => {
  const g = guest('bal', { memory: 512, maxmem: 1024 });
  const on304 = findings(run({ host: infoHost('3.0.4'), domains: [g] }));
  t.match(on304[0], { severity: 'warning', key: 'maxmem', message: /restored with maxmem allocated \(1024 MiB instead of 512 MiB\)/ });
  t.notOk(on304[0]?.unverified);
  t.equal(findings(run({ host: infoHost('3.0.4+1'), domains: [g] })).length, 1, 'packaged 3.0.4-1');
  t.match(run({ host: infoHost('3.1.0'), domains: [g] }), { skip: /host memory unknown/ });
  t.match(run({ host: infoHost('3.0.3'), domains: [g] }), { skip: /host memory unknown/ });
  const unknown = findings(check.run(facts({ domains: [g] }), { mode: 'lint', options: {} }));
  t.match(unknown[0], { unverified: true, message: /Xen version unknown/ });
  t.match(check.run(facts({ domains: [guest('xl', { dialect: 'xl', memory: 512, maxmem: 1024 })] }), { mode: 'lint', options: {} }), { skip: /host memory unknown/ });
});

t.test('autostart: only guests that start with the host count, when any guest says', async (t) => {
  const a = guest('a', { memory: 1024, autostart: true });
  const b = guest('b', { memory: 3000, autostart: false });
  const c = guest('c', { memory: 3000 });
  const s: Setup = { host: infoHost('3.1.0', 4095, undefined, 'dom0_mem=512M'), domains: [a, b, c] };
  t.strictSame(findings(run(s)), []);
  const lines = explain(s);
  t.ok(lines.some((l) => l.startsWith('autostart set: a (autostart known; not counted: b and c)')), lines.join('\n'));
  t.ok(lines.includes('dom0 512 MiB (dom0_mem) + a 1024 = 1536 MiB <= total_memory 4095 MiB'), lines.join('\n'));
  const all = explain({ host: infoHost('3.1.0', 4095, undefined, 'dom0_mem=512M'), domains: [guest('x', { memory: 256 }), guest('y', {})] });
  t.ok(all.includes('autostart set: all given guests (no guest says whether it starts with the host)'));
  t.ok(all.includes('dom0 512 MiB (dom0_mem) + x 256 + y 128 (memory not set: 128 MiB default) = 896 MiB <= total_memory 4095 MiB'), all.join('\n'));
});

t.test('dom0 unknown is excluded and said so', async (t) => {
  const r = findings(run({ host: infoHost('3.1.0', 1024), domains: [guest('big', { memory: 2048 })] }));
  t.match(r[0]?.message, /dom0 unknown \(excluded: no dom0_mem, no dom0 size\) \+ big 2048 = 2048 MiB > total_memory 1024 MiB/);
  t.match(r[0]?.evidence, { dom0: 'unknown (excluded)' });
});

t.test("dom0's current size: a warning when only dom0's ballooning size tips it over, an error otherwise", async (t) => {
  const dom0: Dom0Facts = { memoryMiB: 3900 };
  const soft = findings(run({ host: infoHost('3.1.0', 4095), dom0, domains: [guest('g', { memory: 1024 })] }));
  t.match(soft[0], { severity: 'warning', message: /dom0 3900 MiB \(current size\).*may balloon down from its current 3900 MiB/ });
  const hard = findings(run({ host: infoHost('3.1.0', 4095), dom0, domains: [guest('g', { memory: 5000 })] }));
  t.equal(hard[0]?.severity, 'error');
  const noBalloon = findings(run({ host: infoHost('3.1.0', 4095), dom0: { memoryMiB: 3900, xendConfig: { file: 'x', values: { 'dom0-min-mem': '0' }, lines: {} } }, domains: [guest('g', { memory: 1024 })] }));
  t.equal(noBalloon[0]?.severity, 'error', 'dom0-min-mem 0: dom0 never balloons');
});

t.test('dom0Size: option, dom0_mem amount clamped to min/max, max: alone, relative terms fall back', async (t) => {
  const f = (cmd: string | undefined, dom0?: Dom0Facts): Facts => facts({ host: infoHost('4.17.0', 16000, undefined, cmd), domains: [], ...(dom0 ? { dom0 } : {}) });
  t.match(dom0Size(f('dom0_mem=2G'), 700), { mib: 700, source: 'option dom0MiB', fixed: true });
  t.match(dom0Size(f('dom0_mem=2G,max:1G'), undefined), { mib: 1024, source: 'dom0_mem' });
  t.match(dom0Size(f('dom0_mem=512M,min:768M'), undefined), { mib: 768 });
  t.match(dom0Size(f('dom0_mem=max:2048M'), undefined), { mib: 2048 });
  t.match(dom0Size(f('dom0_mem=524288'), undefined), { mib: 512 }, 'no suffix = KiB');
  const rel = dom0Size(f('dom0_mem=-1G', { memoryMiB: 15000 }), undefined);
  t.match(rel, { mib: 15000, source: 'current size', fixed: false });
  t.match(rel.remarks[0], /dom0_mem \(-1G\) depends on the host's memory/);
  t.match(dom0Size(f(undefined), undefined), { source: 'unknown' });
  t.match(dom0Size(f(undefined, { running: [{ name: 'Domain-0', memoryMiB: 3072 }, { name: 'web', memoryMiB: 512 }] }), undefined), { mib: 3072, source: 'current size' });
});

t.test('dom0MayBalloon: dom0_mem, xl autoballoon, xend enable-dom0-ballooning / dom0-min-mem 0', async (t) => {
  const f = (cmd: string | undefined, dom0: Dom0Facts = {}): Facts => facts({ host: infoHost('4.17.0', 16000, undefined, cmd), dom0, domains: [] });
  t.notOk(dom0MayBalloon(f('dom0_mem=1G')).may);
  t.notOk(dom0MayBalloon(f(undefined, { xlConf: { file: 'x', values: { autoballoon: '"off"' }, lines: {} } })).may);
  t.notOk(dom0MayBalloon(f(undefined, { xlConf: { file: 'x', values: { autoballoon: 0 }, lines: {} } })).may);
  t.ok(dom0MayBalloon(f(undefined, { xlConf: { file: 'x', values: { autoballoon: 'auto' }, lines: {} } })).may);
  t.notOk(dom0MayBalloon(f(undefined, { xendConfig: { file: 'x', values: { 'enable-dom0-ballooning': 'no' }, lines: {} } })).may);
  t.ok(dom0MayBalloon(f(undefined, { xendConfig: { file: 'x', values: { 'dom0-min-mem': '0', 'enable-dom0-ballooning': 'yes' }, lines: {} } })).may);
  t.ok(dom0MayBalloon(f(undefined, { xendConfig: { file: 'x', values: { 'dom0-min-mem': '196' }, lines: {} } })).may);
});

t.test('overheadPercent is added to each guest, rounded up, and shown', async (t) => {
  t.equal(footprint(guest('g', { memory: 512 }), '4.17.0', 10).totalMiB, 564);
  const lines = explain({ host: infoHost('4.17.0', 4096, undefined, 'dom0_mem=1024M'), domains: [guest('g', { memory: 512 })], options: { overheadPercent: 10 } });
  t.ok(lines.includes('dom0 1024 MiB (dom0_mem) + g 564 (512 + 10%) = 1588 MiB <= total_memory 4096 MiB'), lines.join('\n'));
  t.match(lines[0], /overhead 10%/);
});

t.test('free_memory: each guest that is not running must fit on its own (check mode)', async (t) => {
  const dom0: Dom0Facts = { memoryMiB: 1024, running: [{ name: 'web01', memoryMiB: 512 }] };
  const s: Setup = { host: infoHost('3.1.0', 16000, 1500, 'dom0_mem=1024M'), dom0, domains: [web01, guest('new1', { memory: 1024 }), guest('new2', { memory: 2048 })] };
  const r = findings(run(s));
  t.equal(r.length, 1, 'new1 fits alone; new2 does not; web01 runs already');
  t.match(r[0], { domain: 'new2', key: 'memory', line: 3, severity: 'error', evidence: { free_memory: 1500, needed: 2048 } });
  t.equal(r[0]?.message, 'new2: needs 2048 MiB to start, more than free_memory 1500 MiB');
  const lines = explain(s);
  t.ok(lines.includes('not running (to deploy): new1 and new2'), lines.join('\n'));
  t.ok(lines.includes('new1 1024 MiB <= free_memory 1500 MiB'), lines.join('\n'));
  t.ok(lines.includes('together 3072 MiB > free_memory 1500 MiB (each guest is required to fit on its own)'), lines.join('\n'));
  t.strictSame(findings(run({ ...s, mode: 'lint' })), [], 'not in lint mode');
  t.ok(explain({ ...s, mode: 'lint' }).some((l) => /not compared in lint mode/.test(l)));
});

t.test('free_memory: an HVM guest that takes maxmem is pointed at maxmem', async (t) => {
  const r = findings(run({ host: infoHost('3.1.0', 16000, 3000, 'dom0_mem=1024M'), dom0: { running: [] }, domains: [db01] }));
  const free = r.find((f) => /to start/.test(f.message));
  t.match(free, { domain: 'db01', key: 'maxmem', line: 4, message: 'db01: needs 4096 MiB to start (HVM: maxmem taken at start, memory 2048), more than free_memory 3000 MiB' });
});

t.test('free_memory: a single guest with the running set unknown is the one being deployed', async (t) => {
  const h = infoHost('4.17.0', 16000, 800, 'dom0_mem=2048M,max:2048M');
  h.outstandingClaimsMiB = 200;
  const r = findings(run({ host: h, domains: [guest('solo', { memory: 1024 })] }));
  t.match(r[0], { domain: 'solo', key: 'memory', line: 3, severity: 'error' });
  t.match(r[0]?.message, 'solo: needs 1024 MiB to start, more than free_memory 800 MiB (after 200 MiB outstanding claims)');
  t.match(r[0]?.evidence, { outstanding_claims: 200 });
  const several = explain({ host: h, domains: [guest('a', {}), guest('b', {})] });
  t.ok(several.includes('several guests given and which run is unknown: free_memory not compared'));
});

t.test('free_memory: a warning when dom0 could balloon down to make room', async (t) => {
  const r = findings(run({ host: infoHost('4.17.0', 16000, 300), dom0: { memoryMiB: 14000 }, domains: [guest('solo', { memory: 1024 })] }));
  const free = r.find((f) => /needs 1024 MiB to start, more than free_memory 300 MiB/.test(f.message));
  t.match(free, { severity: 'warning', message: /fits only if dom0 balloons down from 14000 MiB/ });
});

t.test('skip when no host memory is known and the guests are fine', async (t) => {
  t.match(run({ host: host('4.17.0', { source: '--xen' }), domains: [web01] }), { skip: /host memory unknown.*1 guest/ });
});

t.test('property: findings and explanation hold together for random guests', async (t) => {
  const g = fc.record({
    type: fc.constantFrom<DomainFacts['type']>('pv', 'hvm', 'pvh'),
    dialect: fc.constantFrom<'xm' | 'xl'>('xm', 'xl'),
    memory: fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
    maxmem: fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
    autostart: fc.option(fc.boolean(), { nil: undefined }),
  });
  fc.assert(
    fc.property(
      fc.array(g, { minLength: 1, maxLength: 5 }),
      fc.constantFrom('3.0.4', '3.1.0', '3.4.0', '4.17.0'),
      fc.option(fc.integer({ min: 0, max: 100000 }), { nil: undefined }),
      fc.option(fc.integer({ min: 0, max: 100000 }), { nil: undefined }),
      fc.option(fc.constantFrom('dom0_mem=1024M', 'dom0_mem=-1G', 'dom0_mem=max:4G', 'dom0_mem=bogus'), { nil: undefined }),
      fc.integer({ min: 0, max: 50 }),
      (gs, v, total, free, cmd, overhead) => {
        const s: Setup = { host: infoHost(v, total, free, cmd), domains: gs.map((x, i) => guest(`g${i}`, x)), options: { overheadPercent: overhead } };
        const r = run(s);
        const lines = explain(s);
        if (lines.length === 0) return false;
        if (!Array.isArray(r)) return r.skip.length > 0 && total === undefined;
        const totalFinding = r.find((f) => f.key === 'total_memory');
        if (totalFinding && total !== undefined) {
          const m = /= (\d+) MiB > total_memory (\d+) MiB/.exec(totalFinding.message);
          if (!m || Number(m[1]) <= Number(m[2])) return false;
        }
        return r.every((f) => f.message.length > 0 && (f.line ?? 1) >= 1 && (f.column ?? 1) >= 1);
      },
    ),
  );
});

t.test('free_memory of a saved capture: lint judges each guest alone, naming the capture and its age', async (t) => {
  const saved = (over: Partial<Facts> = {}): Facts => ({ ...facts({ host: infoHost('4.1.2', 16000, 1500, 'dom0_mem=1024M'), domains: [web01, guest('new2', { memory: 2048 })] }), savedIn: '/srv/xen1/xm-info.txt', ...over });
  const lint = (f: Facts, options: Record<string, unknown> = {}): RenderedFinding[] => findings(check.run(f, context(check, { xen: '4.1.2', mode: 'lint', options })));
  const r = lint(saved());
  t.equal(r.length, 1, 'web01 fits alone, new2 does not');
  t.equal(r[0]?.message, 'new2: needs 2048 MiB to start, more than free_memory 1500 MiB as of the capture /srv/xen1/xm-info.txt (when it was taken is unknown)');
  t.match(r[0]?.evidence, { capture: '/srv/xen1/xm-info.txt', free_memory: 1500, needed: 2048 });
  t.match(r[0]?.remediation, /capture `xl info` again/);
  t.ok(check.explain!(saved(), context(check, { xen: '4.1.2', mode: 'lint' })).includes('several guests given: each is judged alone as the one being deployed (web01 and new2)'));

  t.same(lint(saved(), { deploy: ['web01'] }), [], '--deploy web01: new2 is not being deployed');
  t.equal(lint(saved(), { deploy: ['new2'] }).length, 1);

  const at = new Date(Date.now() - 2 * 3_600_000 - 60_000).toISOString();
  t.match(lint(saved({ capturedAt: at }))[0]?.message, /as of the capture \/srv\/xen1\/xm-info\.txt \(captured \d{4}-\d\d-\d\d \d\d:\d\d UTC, 2 hours before this run\)$/);
  t.match(lint(saved({ capturedAt: at }))[0]?.evidence, { captured_at: at });

  const { savedIn: _none, ...live } = saved();
  t.same(lint(live), [], 'lint without a saved capture does not compare free_memory');
});
