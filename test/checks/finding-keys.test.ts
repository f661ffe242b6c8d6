/**
 * A check may declare the config keys its findings sit on (Check.findingKeys):
 * the engine then judges a refused guest with it only when one of those keys
 * is on a refusal's line, since nothing else it says about such a guest is
 * kept (issue 14: 1 932 of the benchmark's 10 000 guests are refused, and each
 * was judged alone by every check). Two things must hold, and each is tested
 * here on guests read by the real pipeline (the benchmark generator's configs,
 * each as its own dialect and as xl, at four Xen versions, and every fixture
 * config of the checks):
 *
 * - a built-in check's declaration is true: every finding it reports on a
 *   guest, judged alone, sits on a line of one of its keys (the oracle here is
 *   written apart from the engine's);
 * - the engine keeps every finding on a refusal's line: for each refused guest
 *   and each check, what guestResultOf keeps equals what judging the guest
 *   alone and keeping the refusal lines' findings keeps (the path before the
 *   declaration), and the declaration does skip work.
 */
import t from 'tap';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtinChecks } from '../../checks/index.js';
import { hostSideOf, runWhole, type Check, type CheckContext, type Finding, type HostSide } from '../../cli/model/contract.js';
import { guestResultOf, runChecks } from '../../cli/engine/engine.js';
import { isRefusal, refusalOf, type DomainFacts, type Facts } from '../../cli/model/facts.js';
import { parseConfig } from '../../cli/readers/config.js';
import { buildDomain } from '../../cli/readers/domain.js';
import type { Dialect } from '../../cli/model/config-model.js';
import { loadFactsFile } from '../../cli/sources/snapshot.js';
import { fromRoot } from '../helpers/paths.js';
import { context, facts, host } from '../helpers/facts.js';

const corpus = (await import(pathToFileURL(fromRoot('bench', 'corpus.mjs')).href)) as {
  guestConfig(index: number, seed: number): { name: string; dialect: Dialect; ext: string; text: string };
};

const VERSIONS = ['4.1.4', '3.4.0', '4.9.0', '4.17.0'] as const;
const CAPS = 'xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64';
const benchHost = await loadFactsFile(fromRoot('test', 'fixtures', 'report', 'streamed', 'host.yaml'));

/** The host sides a guest is judged against: the benchmark's snapshot (Xen 4.1.4), and plain hosts of each version. */
const hosts: Array<{ label: string; host: HostSide; xen: string }> = [
  { label: 'bench host', host: hostSideOf(benchHost), xen: benchHost.host?.version ?? '4.1.4' },
  ...VERSIONS.slice(1).map((v) => ({ label: `Xen ${v}`, host: hostSideOf(facts({ host: host(v, { xenCaps: CAPS, nrCpus: 8, totalMemoryMiB: 16384 }) })), xen: v })),
];

function fixtureConfigs(): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(cfg|conf|xl|xm|hvm|pv)$/.test(name) || !name.includes('.')) out.push({ file: p, text: readFileSync(p, 'latin1') });
    }
  };
  walk(fromRoot('test', 'fixtures', 'checks'));
  return out;
}

/** Each text read as its own dialect (when known) and as xl, by the toolstack of `xen`. */
function guests(xen: string): DomainFacts[] {
  const texts: Array<{ file: string; text: string; dialect?: Dialect }> = [];
  for (let i = 0; i < 400; i++) {
    const g = corpus.guestConfig(i, 3);
    texts.push({ file: `/etc/xen/bench/${g.name}.${g.ext}`, text: g.text, dialect: g.dialect });
  }
  texts.push(...fixtureConfigs());
  const out: DomainFacts[] = [];
  for (const { file, text, dialect } of texts) {
    for (const d of new Set<Dialect | undefined>([dialect, 'xl'])) {
      try {
        out.push(buildDomain(parseConfig(text, file, { ...(d ? { dialect: d } : {}), xen })));
      } catch {
        // A fixture that is no config (a host dump): not a guest.
      }
    }
  }
  return out;
}

/** The lines a check's declared keys name on a guest, worked out apart from the engine's mayFindOn. */
function declaredLines(keys: readonly string[], d: DomainFacts): Set<number> {
  const lines = new Set<number>();
  for (const k of keys) {
    const fact = d.keys[k];
    if (fact) lines.add(fact.line);
    if (k === 'disk') d.disks.forEach((x) => lines.add(x.line));
    if (k === 'vif') d.vifs.forEach((x) => lines.add(x.line));
    if (k === 'kernel' && d.kernel?.line !== undefined) lines.add(d.kernel.line);
  }
  return lines;
}

function ctxOf(check: Check, xen: string): CheckContext {
  return context(check, { xen, mode: 'lint' });
}

const declared = builtinChecks.filter((c) => c.findingKeys !== undefined);
const perXen = new Map(hosts.map((h) => [h.xen, guests(h.xen)]));

t.ok(declared.length >= 10, `${declared.length} built-in checks declare the keys their findings sit on`);

t.test("a declaring check's findings on a guest sit on its keys' lines", async (t) => {
  for (const check of declared) {
    let onLines = 0;
    for (const h of hosts) {
      const ctx = ctxOf(check, h.xen);
      for (const d of perXen.get(h.xen)!) {
        let r: ReturnType<typeof runWhole>;
        try {
          r = runWhole(check, { ...h.host, domains: [d] } as Facts, ctx);
        } catch {
          continue;
        }
        if (!Array.isArray(r)) continue;
        const lines = declaredLines(check.findingKeys!, d);
        for (const f of r) {
          if (f.file !== d.file || f.line === undefined) continue;
          onLines++;
          if (!lines.has(f.line)) assert.fail(`${check.id}/${f.messageId} on ${d.file}:${f.line} (key ${f.key ?? '-'}, ${h.label}) is on no line of ${check.findingKeys!.join(', ')}`);
        }
      }
    }
    t.pass(`${check.id}: ${onLines} findings on a guest's lines, each on a line of its keys`);
  }
});

/** What the engine kept before findingKeys: the guest judged alone, the refusal lines' findings kept. */
function judgedAlone(check: Check, hostSide: HostSide, ctx: CheckContext, d: DomainFacts): Finding[] | 'threw' {
  let r: ReturnType<typeof runWhole>;
  try {
    r = runWhole(check, { ...hostSide, domains: [d] } as Facts, ctx);
  } catch {
    return 'threw';
  }
  if (!Array.isArray(r)) return [];
  const lines = new Set(d.diagnostics.filter(isRefusal).map((x) => x.line));
  return r.filter((f) => f.file === d.file && f.line !== undefined && lines.has(f.line));
}

t.test('no finding on a refusal line is lost', async (t) => {
  const kept = new Map<string, number>();
  let refusedGuests = 0;
  let skipped = 0;
  for (const h of hosts) {
    const refused = perXen.get(h.xen)!.filter((d) => refusalOf(d) !== undefined);
    refusedGuests += refused.length;
    for (const check of builtinChecks) {
      if (check.seesRefused) continue;
      const ctx = ctxOf(check, h.xen);
      for (const d of refused) {
        const want = judgedAlone(check, h.host, ctx, d);
        const part = guestResultOf([{ check, ctx }], h.host, d, new Float64Array(1)).parts[0];
        if (want === 'threw') continue;
        const got = part === undefined ? [] : 'aboutRefused' in part ? part.aboutRefused : assert.fail(`${check.id} on ${d.file}: ${JSON.stringify(part)}`);
        assert.deepStrictEqual(got, want, `${check.id} on refused ${d.file} (${h.label})`);
        if (want.length > 0) kept.set(check.id, (kept.get(check.id) ?? 0) + want.length);
      }
    }
  }
  // Counted apart from the engine: how often a declaration rules a check out on a refused guest.
  for (const h of hosts) {
    for (const d of perXen.get(h.xen)!.filter((x) => refusalOf(x) !== undefined)) {
      const lines = new Set(d.diagnostics.filter(isRefusal).map((x) => x.line));
      for (const check of declared) if (![...declaredLines(check.findingKeys!, d)].some((l) => lines.has(l))) skipped++;
    }
  }
  t.ok(refusedGuests > 300, `${refusedGuests} refused guests`);
  // The findings a refusal keeps come from checks that declare their keys too: a key left out of a declaration loses them.
  for (const id of ['pvh-and-type', 'disk-spec', 'vcpu-limits']) t.ok((kept.get(id) ?? 0) > 0, `${id} keeps ${kept.get(id) ?? 0} findings on refusal lines`);
  t.ok(skipped > refusedGuests, `${skipped} (check, refused guest) pairs need no judging`);
});

t.test('a whole-facts check that declares its keys is judged on a refused guest only at those keys', async (t) => {
  // Xen 4.1.4's xl does not read `type`: it refuses an HVM guest written with it, on the `type` line.
  const text = 'name = "w"\ntype = "hvm"\nmemory = 512\n';
  const d = buildDomain(parseConfig(text, '/etc/xen/w.cfg', { dialect: 'xl', xen: '4.1.4' }));
  t.ok(refusalOf(d)?.line === 2, 'the guest is refused on line 2');
  const everyKey = (keys: string[] | undefined, seen: string[]): Check => ({
    id: `every-key-${seen.length}`,
    title: 'a finding on each key',
    severity: 'warning',
    needs: ['domains'],
    sources: ['test'],
    messages: { k: '{{key}}' },
    ...(keys ? { findingKeys: keys } : {}),
    run: (f) => {
      seen.push('run');
      return (f.domains ?? []).flatMap((g) => Object.entries(g.keys).map(([key, k]) => ({ messageId: 'k', data: { key }, key, file: g.file!, line: k.line, domain: g.name })));
    },
  });
  const keptBy = (keys: string[] | undefined): { keys: string[]; runs: number } => {
    const seen: string[] = [];
    const report = runChecks([everyKey(keys, seen)], { ...facts(), domains: [d] }, { command: 'lint', settings: new Map(), xen: { version: '4.1.4', source: 'test' } });
    return { keys: report.checks[0]!.findings.map((f) => f.key!), runs: seen.length };
  };
  t.same(keptBy(undefined), { keys: ['type'], runs: 2 }, 'without a declaration: judged alone, the refusal line kept');
  t.same(keptBy(['type', 'memory']), { keys: ['type'], runs: 2 }, 'declaring type: the same');
  t.same(keptBy(['memory']), { keys: [], runs: 1 }, 'declaring memory alone: the refused guest is not judged');
});
