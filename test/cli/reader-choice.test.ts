/**
 * The reader is chosen by who reads the file (issue 11): the host's toolstack,
 * then the Xen version, then the config's dialects mapping, then --dialect, and
 * only then the file's syntax. Run on the CLI (in-process) with real `xl info` captures.
 */
import t from 'tap';
import { join } from 'node:path';
import { ROOT, scratch, inProcess } from './run.js';

// Python arithmetic: xm folds it to 2048; libxlu has no `+` at all.
const SUM = `name = "db01"
kernel = "/boot/vmlinuz-6.1.0-21-amd64"
memory = 1024 + 1024
vcpus = 2
`;
interface Found {
  check: string;
  severity: string;
  line?: number;
  column?: number;
  message: string;
}

function findingsOf(json: string): Found[] {
  return (JSON.parse(json) as { checks: Array<{ findings: Found[] }> }).checks.flatMap((c) => c.findings);
}

/** A real Xen 4.20.1 host's `xl info` (test/fixtures/info/README.md says where it was published). */
const XL_420_INFO = join(ROOT, 'test/fixtures/info/xl-4.20.1-opensuse-x86_64.txt');
const XL_417_INFO = join(ROOT, 'samples/info/xl-4.17-x86_64.txt');
const XM_INFO = join(ROOT, 'samples/info/xm-3.4-x86_64.txt');

for (const [release, info] of [['4.20', XL_420_INFO], ['4.17', XL_417_INFO]] as const) {
  t.test(`memory = 1024 + 1024 on an xl ${release} host: xl refuses the file, at the \`+\`, in its own words`, async (t) => {
    const dir = scratch({ 'db01.cfg': SUM });
    const r = await inProcess(['lint', join(dir, 'db01.cfg'), '--facts', info, '--format', 'json'], { cwd: dir });
    t.equal(r.code, 1, 'an error');
    const parsed = JSON.parse(r.stdout) as { xen?: { version: string; source: string } };
    t.match(parsed.xen?.version, new RegExp(`^${release.replace('.', '\\.')}\\.`), `judged as Xen ${release}, from the capture`);
    const report = { findings: findingsOf(r.stdout) };
    const errors = report.findings.filter((f) => f.severity === 'error');
    t.equal(errors.length, 1, 'one refusal and nothing read from the refused file');
    t.match(errors[0], { check: 'config-readability', line: 3, column: 15 });
    t.match(errors[0]?.message, /config parsing error near `\+': lexical error/);
    const python = report.findings.find((f) => /looks like it contains Python code/.test(f.message));
    t.ok(python, "xl's Python warning");
    t.match(python?.message, /xl reads it here \(the host's toolstack is xl/, 'it says why xl reads the file');
    t.notMatch(python?.message, /--dialect/, 'and offers no --dialect xm, which the host\'s toolstack outranks');
    t.ok(report.findings.some((f) => /xm would have read memory = 2048/.test(f.message)), "Python's view as a hint");
    t.same(report.findings.map((f) => f.check).filter((c) => c !== 'config-readability'), [], 'no other check judges the refused guest (by 2048 MiB or otherwise)');
  });
}

t.test('the same file on an xm host is read by Python', async (t) => {
  const dir = scratch({ 'db01.cfg': SUM });
  const r = await inProcess(['parse', 'config', join(dir, 'db01.cfg'), '--xen', '3.4'], { cwd: dir });
  const out = JSON.parse(r.stdout) as { reader: { dialect: string; reason: string }; memoryMiB?: number };
  t.same(out.reader.dialect, 'xm');
  t.match(out.reader.reason, /Xen 3\.4\.0 \(--xen\) has only xm/);
  t.equal(out.memoryMiB, 2048);
  const lint = await inProcess(['lint', join(dir, 'db01.cfg'), '--facts', XM_INFO, '--format', 'json'], { cwd: dir });
  const report = { findings: findingsOf(lint.stdout) };
  t.notOk(report.findings.some((f) => /config parsing error/.test(f.message)), 'xm reads it; no xl error');
});

t.test('parse config says which reader it used and why', async (t) => {
  const dir = scratch({ 'g.cfg': 'name = "g"\nkernel = "/k"\nmemory = "0512"\n' });
  const file = join(dir, 'g.cfg');
  const read = async (args: string[]): Promise<{ reader: { dialect: string; reason: string }; memoryMiB?: number; diagnostics: Array<{ code?: string; message: string }> }> =>
    JSON.parse((await inProcess(['parse', 'config', file, ...args], { cwd: dir })).stdout);
  const v417 = await read(['--xen', '4.17']);
  t.same(v417.reader.dialect, 'xl');
  t.match(v417.reader.reason, /Xen 4\.17\.0 \(--xen\) has only xl/);
  t.equal(v417.memoryMiB, 330, '"0512" is octal to strtol(…, 0), quoted or not');
  const forced = await read(['--xen', '4.17', '--dialect', 'xm']);
  t.same(forced.reader.dialect, 'xl', 'the Xen version outranks --dialect');
  const v44 = await read(['--xen', '4.4', '--dialect', 'xm']);
  t.same(v44.reader, { dialect: 'xm', reason: '--dialect' }, 'Xen 4.4 has both: --dialect decides');
  const unknown = await read([]);
  t.match(unknown.reader.reason, /^the toolstack is unknown .*; by its syntax: /);
  t.ok(unknown.diagnostics.some((d) => d.code === 'readings-differ' && /`memory` is 330 to xl and 512 to xm/.test(d.message)), 'the readings that disagree are named');
});

t.test("xl's Python warning offers --dialect xm only where it would take effect", async (t) => {
  const dir = scratch({ 'db01.cfg': SUM, '.xenlintrc.yaml': 'dialects:\n  - files: "*.cfg"\n    dialect: xl\n' });
  const file = join(dir, 'db01.cfg');
  const warning = async (args: string[]): Promise<string | undefined> =>
    (JSON.parse((await inProcess(['parse', 'config', file, ...args], { cwd: dir })).stdout) as { diagnostics: Array<{ code?: string; message: string }> }).diagnostics.find(
      (d) => d.code === 'python-under-xl',
    )?.message;
  t.match(await warning(['--xen', '4.17']), /xl reads it here \(Xen 4\.17\.0 \(--xen\) has only xl/, 'Xen 4.17 has only xl');
  t.notMatch(await warning(['--xen', '4.17']), /--dialect/);
  t.match(await warning(['--xen', '4.4', '--dialect', 'xl']), /or lint it as an xm config \(--dialect xm\)/, 'where --dialect decided, --dialect xm is the way out');
  const lint = await inProcess(['lint', file, '--format', 'json'], { cwd: dir });
  const mapped = findingsOf(lint.stdout).find((f) => /looks like it contains Python code/.test(f.message));
  t.match(mapped?.message, /dialects mapping \(\*\.cfg\) reads it as xl.*or map it to xm/, 'a dialects mapping: change the mapping');
});
