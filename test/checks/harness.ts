/**
 * Runs every fixture case of one check through the real pipeline (parsers ->
 * facts -> engine) and compares its findings with the markers in the fixture.
 * The format is described in test/fixtures/checks/README.md.
 */
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { Check, CheckOutcome, ReportedFinding } from '../../checks/api.js';
import { emptyFacts, type Dom0Facts, type Facts } from '../../cli/facts.js';
import { runChecks } from '../../cli/engine.js';
import { hostFactsFromInfo, parseInfo } from '../../cli/parse/info.js';
import { parseConfig } from '../../cli/parse/config.js';
import { buildDomain } from '../../cli/domain.js';
import { parseXenVersionArg } from '../../cli/xen-version.js';
import { fromRoot } from '../helpers/paths.js';

export const FIXTURES = fromRoot('test/fixtures/checks/');

interface CaseSpec {
  description?: string;
  xen?: string;
  mode?: 'check' | 'lint';
  /** Force the dialect of every config in the case, as `lint --dialect` does. */
  dialect?: 'xm' | 'xl';
  options?: Record<string, unknown>;
  status?: CheckOutcome['status'];
  expect?: Array<{ domain?: string; message?: string }>;
}

export interface CaseResult {
  outcome: CheckOutcome;
  facts: Facts;
}

/** Build the facts of one case directory and run one check over them. */
export async function runCase(check: Check, caseDir: string): Promise<CaseResult & { spec: CaseSpec; cfgs: string[] }> {
  const spec = (load(readFileSync(join(caseDir, 'case.yaml'), 'utf8')) ?? {}) as CaseSpec;
  const facts = emptyFacts('fixture');
  const infoPath = join(caseDir, 'host.info');
  if (existsSync(infoPath)) facts.host = hostFactsFromInfo(parseInfo(readFileSync(infoPath, 'utf8')), infoPath);
  const dom0Path = join(caseDir, 'dom0.yaml');
  if (existsSync(dom0Path)) facts.dom0 = (load(readFileSync(dom0Path, 'utf8')) ?? {}) as Dom0Facts;
  const cfgs = readdirSync(caseDir)
    .filter((f) => f.endsWith('.cfg'))
    .sort()
    .map((f) => join(caseDir, f));
  if (cfgs.length > 0) facts.domains = cfgs.map((f) => buildDomain(parseConfig(readFileSync(f, 'utf8'), f, spec.dialect ? { dialect: spec.dialect } : {})));
  const version = spec.xen ? parseXenVersionArg(spec.xen) : facts.host?.version;
  const report = runChecks([check], facts, {
    command: spec.mode ?? 'check',
    ...(version ? { xen: { version, source: spec.xen ? 'case.yaml' : 'host.info' } } : {}),
    settings: new Map([[check.id, spec.options ? { options: spec.options } : {}]]),
  });
  return { outcome: report.checks[0]!, facts, spec, cfgs };
}

/** `file:line` of every inline marker naming `id`. */
export function markers(file: string, id: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  let pendingNext = 0;
  lines.forEach((text, i) => {
    const line = i + 1;
    const trimmed = text.trim();
    if (pendingNext > 0 && trimmed !== '' && !trimmed.startsWith('#')) {
      out.set(`${file}:${line}`, (out.get(`${file}:${line}`) ?? 0) + pendingNext);
      pendingNext = 0;
    }
    const next = /#\s*expect-next-line:\s*([a-z0-9, -]+)\s*$/.exec(text);
    if (next && next[1]!.split(',').map((s) => s.trim()).includes(id)) {
      pendingNext++;
      return;
    }
    const here = /#\s*expect:\s*([a-z0-9, -]+)\s*$/.exec(text);
    if (here && here[1]!.split(',').map((s) => s.trim()).includes(id)) out.set(`${file}:${line}`, (out.get(`${file}:${line}`) ?? 0) + 1);
  });
  return out;
}

function describe(f: ReportedFinding): string {
  return `${f.file ?? '(host)'}:${f.line ?? '-'} ${f.severity} ${f.message}`;
}

export function runFixtures(id: string): void {
  const dir = join(FIXTURES, id);
  t.test(`${id} fixtures`, async (t) => {
    const check = ((await import(`../../checks/${id}.js`)) as { default: Check }).default;
    t.equal(check.id, id, 'the module exports the check it is named after');
    const cases = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    t.ok(cases.some((c) => c.startsWith('fail')), 'has at least one failing case');
    t.ok(cases.some((c) => c.startsWith('pass')), 'has at least one passing case');
    for (const name of cases) {
      await t.test(name, async (t) => {
        const { outcome, spec, cfgs } = await runCase(check, join(dir, name));
        const context = `${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''}: ${outcome.findings.map(describe).join(' | ')}`;
        if (spec.status) t.equal(outcome.status, spec.status, `status ${spec.status} — got ${context}`);
        else if (name.startsWith('fail')) t.equal(outcome.status, 'fail', `a fail case fails — got ${context}`);
        else if (name.startsWith('pass')) t.equal(outcome.status, 'pass', `a pass case passes — got ${context}`);
        else if (name.startsWith('na')) t.equal(outcome.status, 'not-applicable', `an na case is not applicable — got ${context}`);
        else if (name.startsWith('skip')) t.equal(outcome.status, 'skipped', `a skip case is skipped — got ${context}`);

        const cfgSet = new Set(cfgs);
        const expected = new Map<string, number>();
        for (const f of cfgs) for (const [k, n] of markers(f, id)) expected.set(k, n);
        const actual = new Map<string, ReportedFinding[]>();
        const elsewhere: ReportedFinding[] = [];
        for (const f of outcome.findings) {
          if (f.file && cfgSet.has(f.file) && f.line) {
            const k = `${f.file}:${f.line}`;
            actual.set(k, [...(actual.get(k) ?? []), f]);
          } else elsewhere.push(f);
        }
        for (const [k, fs] of actual) t.ok(expected.has(k), `finding has a marker: ${fs.map(describe).join(' | ')}`);
        for (const k of expected.keys()) t.ok(actual.has(k), `marker at ${k} has a finding — got ${context}`);

        const wanted = spec.expect ?? [];
        t.equal(elsewhere.length, wanted.length, `findings without a config line: expected ${wanted.length}, got ${elsewhere.map(describe).join(' | ') || 'none'}`);
        const left = [...elsewhere];
        for (const w of wanted) {
          const i = left.findIndex((f) => (w.domain === undefined || f.domain === w.domain) && (w.message === undefined || new RegExp(w.message).test(f.message)));
          t.ok(i >= 0, `expected finding ${JSON.stringify(w)} — got ${elsewhere.map(describe).join(' | ') || 'none'}`);
          if (i >= 0) left.splice(i, 1);
        }
      });
    }
  });
}
