/**
 * The preflight users run before deploying: `lint GUEST.cfg --facts SAVED-INFO`
 * judges the guest against the capture's free_memory (issue 11, item 5), with
 * real `xl info` / `xm info` captures from samples/info/.
 */
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { ROOT, scratch, inProcess } from './run.js';

/** A PV guest of `mib` MiB, as a file named after it. */
function guest(name: string, mib: number): string {
  return `name = "${name}"\nbootloader = "pygrub"\nmemory = ${mib}\nmaxmem = ${mib}\nvcpus = 2\nvif = [ 'bridge=xenbr0' ]\ndisk = [ 'phy:/dev/vg0/${name},xvda,w' ]\n`;
}

/** samples/info/xl-4.1-x86_64.txt: total_memory 8190, free_memory 6012, dom0_mem=1024M. */
const XL_41 = join(ROOT, 'samples/info/xl-4.1-x86_64.txt');
/** samples/info/xm-3.4-x86_64.txt: total_memory 12279, free_memory 8192. */
const XM_34 = join(ROOT, 'samples/info/xm-3.4-x86_64.txt');

const memoryFit = (stdout: string): string[] => stdout.split('\n').filter((l) => /memory-fit(\/[a-z0-9-]+)?\s*$/.test(l)).map((l) => l.trim());

t.test('one guest given: it must fit in the capture\'s free_memory', async (t) => {
  // dom0_mem=1024M + 6500 MiB fits in total_memory 8190 MiB: only the free memory is short.
  const dir = scratch({ 'db01.cfg': guest('db01', 6500) });
  const r = await inProcess(['lint', 'db01.cfg', '--facts', XL_41], { cwd: dir });
  t.equal(r.code, 1, 'an error: the guest does not fit');
  t.same(memoryFit(r.stdout).length, 1);
  t.match(r.stdout, /db01: needs 6500 MiB to start, more than free_memory 6012 MiB as of the capture \S*xl-4\.1-x86_64\.txt \(when it was taken is unknown\)/);
  t.match(r.stdout, /Free memory: 6012 MiB as of the capture \S*xl-4\.1-x86_64\.txt \(when it was taken is unknown\); db01 is judged alone/);
  t.notMatch(r.stdout, /No problems found/);

  const fits = await inProcess(['lint', 'db01.cfg', '--facts', XL_41], { cwd: scratch({ 'db01.cfg': guest('db01', 6012) }) });
  t.equal(fits.code, 0, 'exactly free_memory fits');
  t.same(memoryFit(fits.stdout), []);
});

t.test('an xm info capture, and the severity is an error in every report format', async (t) => {
  const dir = scratch({ 'db01.cfg': guest('db01', 10240) });
  const r = await inProcess(['lint', 'db01.cfg', '--facts', XM_34, '--format', 'json'], { cwd: dir });
  t.equal(r.code, 1);
  const report = JSON.parse(r.stdout);
  const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(ROOT, 'schemas/report.schema.json'), 'utf8')));
  t.ok(validate(report), JSON.stringify(validate.errors));
  const outcome = report.checks.find((c: { id: string }) => c.id === 'memory-fit');
  t.equal(outcome.status, 'fail');
  t.equal(outcome.findings.length, 1);
  const f = outcome.findings[0];
  t.equal(f.severity, 'error');
  t.match(f.message, /free_memory 8192 MiB as of the capture/);
  t.equal(f.evidence.capture, XM_34);
  t.equal(f.evidence.needed, 10240);
  t.match(report.notes, [/Free memory: 8192 MiB as of the capture/]);
});

t.test('several configs: each is judged alone, and the summary says so', async (t) => {
  // 5000 and 4000 MiB each fit in 6012 MiB, together they do not; 7000 does not fit alone.
  const dir = scratch({ 'a.cfg': guest('app01', 5000), 'b.cfg': guest('app02', 4000), 'c.cfg': guest('big01', 7000) });
  const r = await inProcess(['lint', 'a.cfg', 'b.cfg', 'c.cfg', '--facts', XL_41], { cwd: dir });
  t.equal(r.code, 1);
  const lines = memoryFit(r.stdout);
  t.equal(lines.filter((l) => /needs \d+ MiB to start/.test(l)).length, 1, 'only the guest that does not fit alone');
  t.match(r.stdout, /big01: needs 7000 MiB to start, more than free_memory 6012 MiB/);
  t.match(r.stdout, /each of app01, app02, big01 is judged alone as the guest being deployed\./);
});

t.test('a repository of many guests: the summary names twenty and counts the rest', async (t) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 25; i++) files[`g${String(i).padStart(2, '0')}.cfg`] = guest(`app${String(i).padStart(2, '0')}`, 512);
  const dir = scratch(files);
  const r = await inProcess(['lint', '.', '--facts', XL_41], { cwd: dir });
  t.match(r.stdout, /each of app00, app01, .*, app19 and 5 more is judged alone as the guest being deployed\./);
  const note = r.stdout.split('\n').find((l) => l.startsWith('Free memory:')) ?? '';
  t.notMatch(note, /app20/, 'the 21st name is counted, not written');
  const bad = await inProcess(['lint', '.', '--facts', XL_41, '--deploy', 'db99'], { cwd: dir });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /\(they name app00, .*, app19 and 5 more\)/);
  // A streaming lint keeps only the first twenty names (GivenNames): a name past them is still found.
  const last = await inProcess(['lint', '.', '--facts', XL_41, '--deploy', 'app24,app03'], { cwd: dir });
  t.not(last.code, 2, last.stderr);
  t.match(last.stdout, /each of app24, app03 is judged alone as the guest being deployed\./);
  const mixed = await inProcess(['lint', '.', '--facts', XL_41, '--deploy', 'app24', '--deploy', 'app25,app03'], { cwd: dir });
  t.equal(mixed.code, 2);
  t.match(mixed.stderr, /--deploy app25: no such guest among the given configs \(they name app00, .*, app19 and 5 more\)/);
});

t.test('--deploy names the guests about to start', async (t) => {
  const dir = scratch({ 'a.cfg': guest('app01', 5000), 'c.cfg': guest('big01', 7000) });
  const small = await inProcess(['lint', 'a.cfg', 'c.cfg', '--facts', XL_41, '--deploy', 'app01'], { cwd: dir });
  t.notMatch(small.stdout, /needs \d+ MiB to start/, 'big01 is not being deployed');
  t.match(small.stdout, /app01 is judged alone/);
  const big = await inProcess(['lint', 'a.cfg', 'c.cfg', '--facts', XL_41, '--deploy', 'big01'], { cwd: dir });
  t.equal(big.code, 1);
  t.match(big.stdout, /big01: needs 7000 MiB to start/);
  const bad = await inProcess(['lint', 'a.cfg', '--facts', XL_41, '--deploy', 'db99'], { cwd: dir });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--deploy db99: no such guest among the given configs \(they name app01\)/);
});

t.test('a snapshot that records when it was taken gives the capture\'s age', async (t) => {
  const dir = scratch({ 'db01.cfg': guest('db01', 7168) });
  const snap = await inProcess(['facts', '--root', join(ROOT, 'samples/hosts/xen-4.17-credit2'), '--format', 'json']);
  t.equal(snap.code, 0, snap.stderr);
  const facts = JSON.parse(snap.stdout);
  t.notOk('capturedAt' in facts, 'a --root tree was captured at a time the run cannot know');
  const free = facts.host.freeMemoryMiB as number;
  facts.capturedAt = new Date(Date.now() - 3 * 86_400_000 - 60_000).toISOString();
  writeFileSync(join(dir, 'host.json'), JSON.stringify(facts));
  writeFileSync(join(dir, 'db01.cfg'), guest('db01', free + 1));
  const r = await inProcess(['lint', 'db01.cfg', '--facts', 'host.json'], { cwd: dir });
  t.equal(r.code, 1);
  t.match(r.stdout, new RegExp(`free_memory ${free} MiB .*as of the capture host\\.json \\(captured \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, 3 days before this run\\)`));
});

t.test('without a saved capture lint does not guess the free memory', async (t) => {
  const dir = scratch({ 'db01.cfg': guest('db01', 65536) });
  const r = await inProcess(['lint', 'db01.cfg', '--xen', '4.17'], { cwd: dir });
  t.same(memoryFit(r.stdout), []);
  t.notMatch(r.stdout, /Free memory:/);
});

t.test('check --facts SNAPSHOT --deploy: the host\'s own guests against the snapshot\'s free memory', async (t) => {
  const snap = await inProcess(['facts', '--root', join(ROOT, 'samples/hosts/xen-4.17-credit2'), '--format', 'json']);
  t.equal(snap.code, 0, snap.stderr);
  const facts = JSON.parse(snap.stdout);
  // The captured host runs web, mail and pvhtest; legacy32 (1024 MiB) and win (8192 MiB) are not running.
  facts.host.freeMemoryMiB = 6000;
  facts.capturedAt = new Date(Date.now() - 26 * 3_600_000).toISOString();
  const dir = scratch({ 'host.json': JSON.stringify(facts) });
  const all = await inProcess(['check', '--facts', 'host.json'], { cwd: dir });
  t.match(all.stdout, /win: needs 8192 MiB to start, more than free_memory 6000 MiB as of the capture host\.json \(captured [^)]*, 1 day before this run\)/);
  t.notMatch(all.stdout, /legacy32: needs/);
  const one = await inProcess(['check', '--facts', 'host.json', '--deploy', 'legacy32'], { cwd: dir });
  t.notMatch(one.stdout, /needs \d+ MiB to start/, 'only legacy32 is being deployed, and it fits');
  t.match(one.stdout, /Free memory: 6000 MiB as of the capture host\.json .*; legacy32 is judged alone/);
  const bad = await inProcess(['check', '--facts', 'host.json', '--deploy', 'db99'], { cwd: dir });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--deploy db99: no such guest/);
});
