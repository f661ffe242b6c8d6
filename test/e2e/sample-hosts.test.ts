/**
 * `xenlint check --root samples/hosts/<name>` must report exactly the findings in
 * that sample's expectations.yaml — each planted pitfall, and nothing else.
 *
 * After a deliberate change, regenerate with
 *   UPDATE_EXPECTATIONS=1 npx tap test/e2e/sample-hosts.test.ts
 * and review the diff: every added or removed line is a change in what admins see.
 */
import t from 'tap';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { builtinChecks } from '../../checks/index.js';
import { runChecks } from '../../cli/engine/engine.js';
import { gatherFacts } from '../../cli/sources/gather.js';
import { RootSource } from '../../cli/sources/root-source.js';
import { gatherProblems } from '../../cli/commands/host-facts.js';
import { fromRoot } from '../helpers/paths.js';

const HOSTS = fromRoot('samples/hosts/');

interface Expected {
  check: string;
  severity: string;
  file: string | null;
  line: number | null;
  /** A fragment of the message (plain text, not a pattern). */
  says: string;
}

interface Expectations {
  findings: Expected[];
  problems: Array<{ file: string | null; message: string }>;
}

async function actual(dir: string): Promise<Expectations & { statuses: Record<string, string> }> {
  const facts = await gatherFacts(new RootSource(dir));
  const version = facts.host?.version;
  const report = runChecks(builtinChecks, facts, {
    command: 'check',
    ...(version ? { xen: { version, source: facts.host!.source } } : {}),
    problems: gatherProblems(facts),
  });
  const findings = report.checks
    .flatMap((c) => c.findings)
    .map((f) => ({ check: f.check, severity: f.severity, file: f.file ?? null, line: f.line ?? null, says: f.message.slice(0, 60) }))
    .sort((a, b) => `${a.file}:${String(a.line).padStart(5)}:${a.check}:${a.says}`.localeCompare(`${b.file}:${String(b.line).padStart(5)}:${b.check}:${b.says}`));
  const problems = report.problems.map((p) => ({ file: p.file ?? null, message: p.message }));
  return { findings, problems, statuses: Object.fromEntries(report.checks.map((c) => [c.id, c.status])) };
}

const names = readdirSync(HOSTS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
t.ok(names.length >= 4, 'at least four sample hosts');

for (const name of names) {
  t.test(name, async (t) => {
    const dir = join(HOSTS, name);
    const file = join(dir, 'expectations.yaml');
    const got = await actual(dir);
    if (process.env['UPDATE_EXPECTATIONS']) {
      const header = `# What \`xenlint check --root samples/hosts/${name}\` must report: every finding (check,\n# severity, file, line and the start of its message) and every input problem, and nothing else.\n# Regenerate: UPDATE_EXPECTATIONS=1 npx tap test/e2e/sample-hosts.test.ts (then review the diff).\n`;
      writeFileSync(file, header + dump({ findings: got.findings, problems: got.problems }, { lineWidth: 200 }));
    }
    t.ok(existsSync(file), `${name} has expectations.yaml`);
    const want = load(readFileSync(file, 'utf8')) as Expectations;
    t.same(got.findings, want.findings, 'exactly the expected findings');
    t.same(got.problems, want.problems ?? [], 'exactly the expected input problems');
    t.notOk(Object.values(got.statuses).includes('error'), `no check errors: ${JSON.stringify(got.statuses)}`);
  });
}
