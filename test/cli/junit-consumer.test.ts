/**
 * The JUnit report as a CI dashboard reads it. The reader is test-results-parser,
 * the JUnit parser of the TestBeats CI reporter (it turns JUnit, TestNG, xUnit…
 * files into the pass/fail totals, per-case statuses and durations that get
 * published to chat and dashboards): a case with <failure> or <error> is FAIL,
 * <skipped> SKIP, anything else PASS, durations from `time`. Chosen over a
 * hand-written reader because it is what a consumer does with the file, over
 * junit2json (a plain XML-to-JSON mapping that decides nothing), and over
 * Jenkins' or GitLab's readers, which need a JVM or a GitLab instance.
 *
 * What must hold: the dashboard's verdict is the exit code's. A warning below
 * --fail-on is a passed case; at --fail-on warning the same case fails.
 */
import t from 'tap';
import { join } from 'node:path';
import { parse, type ITestCase, type ITestResult } from 'test-results-parser';
import { scratch, inProcess } from './run.js';
import { HVM_ERROR, HVM_WARN } from './configs.js';
import { tempDir } from '../helpers/temp-dir.js';

async function junit(dir: string, args: string[]): Promise<{ code: number | null; result: ITestResult; cases: ITestCase[] }> {
  const out = join(tempDir('xenlint-junit-'), 'report.xml');
  const r = await inProcess(['lint', '.', '--xen', '3.0.4', '--format', 'junit', '--output', out, ...args], { cwd: dir });
  const result = parse({ type: 'junit', files: [out] });
  return { code: r.code, result, cases: result.suites.flatMap((s) => s.cases) };
}

const smp = (cases: ITestCase[]) => cases.find((c) => c.name.startsWith('HVM guests with more than one vCPU'));

t.test('a warning below --fail-on: exit 0, and the dashboard shows no failure', async (t) => {
  const dir = scratch({ 'win.cfg': HVM_WARN });
  const { code, result, cases } = await junit(dir, []);
  t.equal(code, 0);
  t.equal(result.status, 'PASS');
  t.equal(result.failed, 0);
  t.ok(result.total > 0 && result.passed > 0, `${result.passed} of ${result.total} passed`);
  const warned = smp(cases);
  t.ok(warned, `the hvm-smp case is there: ${cases.map((c) => c.name).join('; ')}`);
  t.equal(warned?.status, 'PASS', 'a warning below the threshold is a passed case');
});

t.test('the same warning at --fail-on warning: exit 1, and the case fails', async (t) => {
  const dir = scratch({ 'win.cfg': HVM_WARN });
  const { code, result, cases } = await junit(dir, ['--fail-on', 'warning']);
  t.equal(code, 1);
  t.equal(result.status, 'FAIL');
  t.ok(result.failed >= 1);
  const warned = smp(cases);
  t.equal(warned?.status, 'FAIL');
  t.match(warned?.failure, /win/, 'the failure message names the guest');
});

t.test('an error fails at the default threshold; every verdict matches the exit code', async (t) => {
  const dir = scratch({ 'win.cfg': HVM_ERROR, 'ok.cfg': HVM_WARN.replace('vcpus = 2', 'vcpus = 1').replace('"win"', '"ok"') });
  for (const failOn of ['error', 'warning', 'info']) {
    const { code, result } = await junit(dir, ['--fail-on', failOn]);
    t.equal(code, 1, `--fail-on ${failOn}: exit 1`);
    t.equal(result.status, 'FAIL', `--fail-on ${failOn}: the dashboard agrees`);
  }
});

t.test('durations: every case and the suite have one', async (t) => {
  const dir = scratch({ 'win.cfg': HVM_ERROR });
  const { result, cases } = await junit(dir, []);
  t.ok(cases.length > 5);
  t.ok(cases.every((c) => Number.isFinite(c.duration) && c.duration >= 0), 'every case: a finite duration');
  t.ok(Number.isFinite(result.duration) && result.duration >= 0, 'the run: a finite duration');
});
