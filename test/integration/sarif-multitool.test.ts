/**
 * SARIF from real runs, checked by Microsoft's SARIF validator
 * (@microsoft/sarif-multitool, a dev dependency that ships the Linux binary in
 * @microsoft/sarif-multitool-linux). Its default rule set is used: the SARIF10xx
 * errors (what the spec requires) and the SARIF20xx warnings (what it advises,
 * e.g. a rule `name` different from its id). 0 errors and 0 warnings are required.
 * GitHub's own rules (`--rule-kind Ghas`) report nothing on these logs either,
 * but they are not run here: their set changes with GitHub's ingestion limits.
 *
 * The inputs: `check --root` on every sample host, `lint` of the sample domUs
 * from the repository and from outside it, a lint with an unreadable file (a
 * toolExecutionNotification), and `check --facts` on a saved snapshot.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { requireTool } from '../helpers/external-tool.js';
import { ROOT, xenlint } from '../cli/run.js';
import { tempDir } from '../helpers/temp-dir.js';

function multitoolPath(): string {
  try {
    return createRequire(import.meta.url)('@microsoft/sarif-multitool') as string;
  } catch {
    return 'Sarif.Multitool';
  }
}

interface Verdict {
  scanned: number;
  problems: Array<{ ruleId: string; level: string; text: string }>;
}

function validate(tool: string, files: string[]): Verdict {
  const out = join(tempDir('xenlint-sarif-'), 'validation.sarif');
  const r = spawnSync(tool, ['validate', ...files, '--output', out], {
    encoding: 'utf8',
    // .NET needs ICU for culture data unless told it may do without: a clean machine may lack libicu.
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    timeout: 300_000,
  });
  if (r.error) throw r.error;
  const scanned = Number(/Done\. (\d+) files? scanned/.exec(r.stdout)?.[1] ?? 0);
  const log = JSON.parse(readFileSync(out, 'utf8'));
  const problems = (log.runs as Array<{ results?: Array<{ ruleId: string; level?: string; message: { text?: string; arguments?: string[] } }> }>).flatMap(
    (run) =>
      (run.results ?? [])
        .map((res) => ({ ruleId: res.ruleId, level: res.level ?? 'warning', text: res.message.text ?? (res.message.arguments ?? []).join(' | ') }))
        .filter((p) => p.level === 'error' || p.level === 'warning'),
  );
  return { scanned, problems };
}

t.test('SARIF from the sample hosts and lint runs: 0 errors, 0 warnings from the SARIF validator', async (t) => {
  const tool = requireTool(t, multitoolPath(), 'npm ci installs @microsoft/sarif-multitool with its Linux binary');
  if (!tool) return;
  const dir = tempDir('xenlint-sarif-in-');
  const logs: string[] = [];
  const save = (name: string, args: string[], cwd = ROOT) => {
    const file = join(dir, `${name}.sarif`);
    const r = xenlint([...args, '--format', 'sarif', '--output', file], { cwd });
    t.ok(r.code === 0 || r.code === 1 || r.code === 2, `${name}: ran (exit ${r.code}) ${r.stderr}`);
    const log = JSON.parse(readFileSync(file, 'utf8'));
    t.ok(log.runs[0].results.length > 0 || name === 'facts', `${name}: has results to validate`);
    logs.push(file);
  };
  for (const host of readdirSync(join(ROOT, 'samples/hosts'))) save(`check-${host}`, ['check', '--root', `samples/hosts/${host}`]);
  save('lint-repo', ['lint', 'samples/domains', '--xen', '4.17']);
  save('lint-xm-era', ['lint', 'samples/domains', '--xen', '3.0.4']);
  const outside = tempDir('xenlint-outside-');
  save('lint-outside-repo', ['lint', join(ROOT, 'samples/domains'), '--xen', '3.0.4'], outside);
  writeFileSync(join(outside, 'broken.cfg'), 'name = "x"\nmemory = [\n');
  save('lint-problem', ['lint', join(outside, 'broken.cfg'), join(ROOT, 'samples/domains/xl-pvh-db.cfg'), join(outside, 'missing.cfg')], outside);
  const snapshot = join(dir, 'host.yaml');
  const facts = xenlint(['facts', '--root', 'samples/hosts/xen-4.17-credit2', '--output', snapshot]);
  t.equal(facts.code, 0, `facts snapshot: ${facts.stderr}`);
  save('check-facts', ['check', '--facts', snapshot]);

  const verdict = validate(tool, logs);
  t.equal(verdict.scanned, logs.length, `the validator read all ${logs.length} logs`);
  t.same(verdict.problems, [], 'no errors, no warnings');
});

t.test('the validation is real: a log with known faults is flagged', async (t) => {
  const tool = requireTool(t, multitoolPath(), 'npm ci installs @microsoft/sarif-multitool with its Linux binary');
  if (!tool) return;
  const r = xenlint(['lint', 'samples/domains', '--xen', '3.0.4', '--format', 'sarif']);
  const log = JSON.parse(r.stdout);
  const rule = log.runs[0].tool.driver.rules[0];
  rule.name = rule.id; // SARIF1001: a name identical to the id
  log.runs[0].originalUriBaseIds['%SRCROOT%'] = { uri: 'not/absolute' }; // SARIF1004: a base URI must be absolute
  const file = join(tempDir('xenlint-sarif-bad-'), 'bad.sarif');
  writeFileSync(file, JSON.stringify(log));
  const verdict = validate(tool, [file]);
  const ids = new Set(verdict.problems.map((p) => p.ruleId));
  t.ok(ids.has('SARIF1001'), `flags a rule name equal to its id: ${[...ids].join(', ')}`);
  t.ok(ids.has('SARIF1004'), 'flags a relative base URI');
});
