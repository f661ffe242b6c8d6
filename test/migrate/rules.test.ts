/**
 * Every migration rule, a case where it passes and one where it fails, with real
 * `xl info` / `xm info` outputs of different releases (samples/info/) and the
 * sample host captures (samples/hosts/) as A and B. Where no sample shows the
 * host a rule needs (a 4.22 target, a CPU with a feature fewer, VT off), the case
 * takes a real sample and changes the one field, and says which.
 */
import t from 'tap';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assessMigration } from '../../cli/commands/migrate.js';
import type { CheckOutcome } from '../../checks/api.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const INFO = (name: string) => join(ROOT, 'samples/info', name);
const HOST = (name: string) => join(ROOT, 'samples/hosts', name);
const LOADED = { config: {}, dir: ROOT };
const tmp = tempDir('xenlint-migrate-');
let n = 0;
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

type T = Pick<typeof t, 'equal' | 'match'>;

function guest(text: string): string {
  const file = join(tmp, `guest${++n}.cfg`);
  writeFileSync(file, text);
  return file;
}

/** A real info output with one field's value replaced (the test says why). */
function derived(sample: string, field: string, value: string): string {
  const text = readFileSync(INFO(sample), 'utf8');
  const re = new RegExp(`^(${field}\\s*:).*$`, 'm');
  if (!re.test(text)) throw new Error(`${sample} has no ${field}`);
  const file = join(tmp, `${sample}.${field}.${++n}.txt`);
  writeFileSync(file, text.replace(re, `$1 ${value}`));
  return file;
}

async function rule(id: string, guestSpec: string, from: string, to: string): Promise<CheckOutcome> {
  const { report } = await assessMigration({ guest: guestSpec, from, to }, LOADED);
  const o = report.checks.find((c) => c.id === id);
  if (!o) throw new Error(`no rule ${id}`);
  return o;
}

const PV64 = guest('name = "web"\nmemory = 1024\nkernel = "/boot/vmlinuz"\n# xenlint: guest-abi=x86_64\nvif = ["bridge=xenbr0"]\n');
const PV32P = guest('name = "old32"\nmemory = 512\nkernel = "/boot/vmlinuz-2.6.18"\n# xenlint: guest-abi=x86_32p\n');
const HVM = guest('name = "win"\nbuilder = "hvm"\nmemory = 2048\nvif = ["bridge=xenbr0"]\n');
const PVH = guest('name = "db"\ntype = "pvh"\nmemory = 2048\nkernel = "/boot/vmlinuz"\n');

async function expectFail(t: T, id: string, g: string, from: string, to: string, says: RegExp, severity = 'error') {
  const o = await rule(id, g, from, to);
  t.equal(o.status, 'fail', `${id} fails: ${o.reason ?? ''}`);
  t.match(o.findings[0]?.message ?? '', says);
  t.equal(o.findings[0]?.severity, severity);
  return o;
}

async function expectPass(t: T, id: string, g: string, from: string, to: string) {
  const o = await rule(id, g, from, to);
  t.equal(o.status, 'pass', `${id} passes: ${o.findings.map((f) => f.message).join('; ')}${o.reason ?? ''}`);
  return o;
}

t.test('toolstack: xm on one side, xl on the other', async (t) => {
  const o = await expectFail(t, 'toolstack', PV64, INFO('xm-4.0-x86_64.txt'), INFO('xl-4.4-x86_64.txt'), /migrates with xm .* with xl/);
  t.same([o.findings[0]!.evidence!['from.toolstack'], o.findings[0]!.evidence!['to.toolstack']], ['xm', 'xl'], 'both sides in the evidence');
  await expectPass(t, 'toolstack', PV64, INFO('xl-4.1-x86_64.txt'), INFO('xl-4.4-x86_64.txt'));
});

t.test('libxl-stream: 4.6+ to 4.5 and older is refused, the other way works', async (t) => {
  await expectFail(t, 'libxl-stream', PV64, INFO('xl-4.12-x86_64.txt'), INFO('xl-4.4-x86_64.txt'), /stream v2.*need newer xl/);
  await expectPass(t, 'libxl-stream', PV64, INFO('xl-4.4-x86_64.txt'), INFO('xl-4.12-x86_64.txt'));
});

t.test('libxc-stream: 4.14+ to 4.13 and older fails, the other way works', async (t) => {
  const o = await expectFail(t, 'libxc-stream', PV64, INFO('xl-4.17-x86_64.txt'), INFO('xl-4.12-x86_64.txt'), /stream v3.*accepts only v2/);
  t.equal(o.findings[0]!.evidence!['from.xen_version'], '4.17.4-pre');
  await expectPass(t, 'libxc-stream', PV64, INFO('xl-4.12-x86_64.txt'), INFO('xl-4.17-x86_64.txt'));
  await expectPass(t, 'libxc-stream', PV64, INFO('xl-4.11-mail-wrapped.txt'), INFO('xl-4.12-x86_64.txt'));
});

t.test("guest-abi: the target's xen_caps", async (t) => {
  // 4.17's sample host has no xen-3.0-x86_32p (built without PV32); 4.12's has it.
  await expectFail(t, 'guest-abi', PV32P, INFO('xl-4.12-x86_64.txt'), INFO('xl-4.17-x86_64.txt'), /PV kernel is x86_32p/);
  await expectPass(t, 'guest-abi', PV32P, INFO('xl-4.17-x86_64.txt'), INFO('xl-4.12-x86_64.txt'));
  // VT-x off in the firmware: xen_caps without the hvm-3.0-* tokens.
  const noVt = derived('xl-4.17-x86_64.txt', 'xen_caps', 'xen-3.0-x86_64');
  await expectFail(t, 'guest-abi', HVM, INFO('xl-4.17-numa-x86_64.txt'), noVt, /offers no HVM/);
  await expectPass(t, 'guest-abi', HVM, INFO('xl-4.17-numa-x86_64.txt'), INFO('xl-4.17-x86_64.txt'));
  await expectFail(t, 'guest-abi', PVH, INFO('xl-4.12-x86_64.txt'), INFO('xl-4.4-x86_64.txt'), /PVH guests .* from Xen 4.10/);
  await expectPass(t, 'guest-abi', PVH, INFO('xl-4.11-mail-wrapped.txt'), INFO('xl-4.12-x86_64.txt'));
});

t.test('hvm-save: HVM save/restore needs Xen 3.1 on both hosts', async (t) => {
  await expectFail(t, 'hvm-save', HVM, INFO('xm-3.1-x86_64.txt'), INFO('xm-3.0.4-x86_64.txt'), /before Xen 3.1/);
  await expectPass(t, 'hvm-save', HVM, INFO('xm-3.1-x86_64.txt'), INFO('xm-3.2-x86_64.txt'));
  t.equal((await rule('hvm-save', PV64, INFO('xm-3.1-x86_64.txt'), INFO('xm-3.0.4-x86_64.txt'))).status, 'skipped', 'PV guests are not its business');
});

t.test('passthrough: a PCI device pins the guest', async (t) => {
  const pci = guest('name = "nas"\nmemory = 1024\nkernel = "/boot/vmlinuz"\npci = ["0000:03:00.0"]\n');
  const o = await expectFail(t, 'passthrough', pci, INFO('xl-4.17-x86_64.txt'), INFO('xl-4.17-numa-x86_64.txt'), /not compatible with migration/);
  t.equal(o.findings[0]!.line, 4, 'points at pci=');
  await expectPass(t, 'passthrough', PV64, INFO('xl-4.17-x86_64.txt'), INFO('xl-4.17-numa-x86_64.txt'));
});

t.test('cpu-vendor: Intel and AMD', async (t) => {
  // xl-4.17 is an AMD host (SVM in hw_caps), xl-4.12 an Intel one (VMX).
  const o = await expectFail(t, 'cpu-vendor', PV64, INFO('xl-4.17-x86_64.txt'), INFO('xl-4.12-x86_64.txt'), /AMD CPUs .* Intel/, 'warning');
  t.match(String(o.findings[0]!.evidence!['from.cpu_vendor']), /SVM bit in hw_caps/);
  // The same Intel host on 4.22, which removed cross-vendor support.
  const intel422 = derived('xl-4.12-x86_64.txt', 'xen_minor', '22');
  await expectFail(t, 'cpu-vendor', PV64, INFO('xl-4.17-x86_64.txt'), intel422, /cross-vendor support was removed in 4.22/, 'error');
  await expectPass(t, 'cpu-vendor', PV64, INFO('xl-4.17-x86_64.txt'), INFO('xl-4.17-numa-x86_64.txt'));
  // Captures: vendor_id from /proc/cpuinfo.
  const c = await expectFail(t, 'cpu-vendor', 'mail', HOST('xen-4.17-credit2'), HOST('xen-4.4-xm-to-xl'), /AMD CPUs .* Intel/, 'warning');
  t.match(String(c.findings[0]!.evidence!['to.cpu_vendor']), /GenuineIntel in \/proc\/cpuinfo/);
});

t.test('cpu-features: the target must have what the guest saw, unless cpuid= masks it', async (t) => {
  // The same AMD host with AVX2 (featureset word 5, bit 5) gone: 219c91a9 -> 219c9189.
  const noAvx2 = derived('xl-4.17-x86_64.txt', 'hw_caps', '178bf3ff:76f8320b:2e500800:244037ff:0000000f:219c9189:00400004:00000780');
  const o = await expectFail(t, 'cpu-features', PV64, INFO('xl-4.17-x86_64.txt'), noAvx2, /lacks CPU feature avx2 .*Failed to set CPUID policy/);
  t.match(o.findings[0]!.remediation ?? '', /cpuid = "host,avx2=0"/);
  const masked = guest('name = "web"\nmemory = 1024\nkernel = "/boot/vmlinuz"\ncpuid = "host,avx2=0"\n');
  await expectPass(t, 'cpu-features', masked, INFO('xl-4.17-x86_64.txt'), noAvx2);
  await expectPass(t, 'cpu-features', PV64, noAvx2, INFO('xl-4.17-x86_64.txt'));
  // Two Intel hosts before 4.14: the policy does not travel, so the guest may crash later: a warning.
  const w = await expectFail(t, 'cpu-features', PV64, INFO('xl-4.11-mail-wrapped.txt'), INFO('xl-4.12-x86_64.txt'), /may crash/, 'warning');
  t.match(w.findings[0]!.message, /\bhle\b|\brtm\b|\bavx2\b/);
  // Before 4.7 hw_caps words are Linux's: 3.2 and 4.1 AMD hosts differ only in MONITOR, which guests do not see.
  await expectPass(t, 'cpu-features', PV64, INFO('xm-3.2-x86_64.txt'), INFO('xm-4.1-numa-x86_64.txt'));
  t.equal((await rule('cpu-features', PV64, INFO('xl-4.4-x86_64.txt'), INFO('xl-4.12-x86_64.txt'))).status, 'skipped', '4.4 and 4.12 layouts differ');
});

t.test('memory: the guest must fit in B free memory', async (t) => {
  const big = guest('name = "big"\nmemory = 16384\nkernel = "/boot/vmlinuz"\n');
  // xl-4.4 has free_memory 11077 and a dom0_mem: dom0 does not balloon.
  const o = await expectFail(t, 'memory', big, INFO('xl-4.17-x86_64.txt'), INFO('xl-4.4-x86_64.txt'), /needs 16384 MiB, more than free_memory 11077/);
  t.equal(o.findings[0]!.evidence!['to.free_memory'], 11077);
  await expectPass(t, 'memory', PV64, INFO('xl-4.17-x86_64.txt'), INFO('xl-4.4-x86_64.txt'));
});

t.test('bridges: B (a capture) must have the bridge', async (t) => {
  const br9 = guest('name = "web"\nmemory = 1024\nkernel = "/boot/vmlinuz"\nvif = ["mac=00:16:3e:00:00:09,bridge=xenbr9"]\n');
  await expectFail(t, 'bridges', br9, HOST('xen-4.4-xm-to-xl'), HOST('xen-4.17-credit2'), /xenbr9/);
  await expectPass(t, 'bridges', PV64, HOST('xen-4.4-xm-to-xl'), HOST('xen-4.17-credit2'));
  t.equal((await rule('bridges', br9, INFO('xl-4.12-x86_64.txt'), INFO('xl-4.17-x86_64.txt'))).status, 'skipped', 'an info output says nothing about bridges');
});

t.test('storage: B (a capture) must have the disks', async (t) => {
  const missing = guest('name = "web"\nmemory = 1024\nkernel = "/boot/vmlinuz"\ndisk = ["phy:/dev/vg0/nosuch,xvda,w"]\n');
  const o = await expectFail(t, 'storage', missing, HOST('xen-4.4-xm-to-xl'), HOST('xen-4.17-credit2'), /\/dev\/vg0\/nosuch is not on B/, 'warning');
  t.equal(o.findings[0]!.line, 4);
  // The 4.17 host's own LV, shared with the source.
  const shared = guest('name = "mail"\nmemory = 1024\nkernel = "/boot/vmlinuz"\ndisk = ["phy:/dev/vg0/mail,xvda,w"]\n');
  await expectPass(t, 'storage', shared, HOST('xen-4.4-xm-to-xl'), HOST('xen-4.17-credit2'));
});

t.test('scheduler: weights and caps under another scheduler', async (t) => {
  const weighted = guest('name = "web"\nmemory = 1024\nkernel = "/boot/vmlinuz"\ncpu_weight = 512\ncap = 50\n');
  // 4.12 runs credit2 (caps from 4.10), 4.4 credit.
  const o = await expectFail(t, 'scheduler', weighted, INFO('xl-4.12-x86_64.txt'), INFO('xl-4.4-x86_64.txt'), /cpu_weight = 512 was set for credit2 .* runs credit/, 'warning');
  t.match(String(o.findings[0]!.evidence!['to.scheduler']), /^credit /);
  await expectPass(t, 'scheduler', weighted, INFO('xl-4.12-x86_64.txt'), INFO('xl-4.17-x86_64.txt'));
  t.equal((await rule('scheduler', PV64, INFO('xl-4.12-x86_64.txt'), INFO('xl-4.4-x86_64.txt'))).status, 'skipped');
});

t.test('docs/migrate.md has a section per rule, citing its Xen sources', async (t) => {
  const { MIGRATION_RULES } = await import('../../cli/migrate/rules.js');
  const doc = readFileSync(join(ROOT, 'docs/migrate.md'), 'utf8');
  for (const r of MIGRATION_RULES) {
    t.match(doc, new RegExp(`^## ${r.id}$`, 'm'), `## ${r.id}`);
    for (const s of r.sources) {
      const cite = /^(RELEASE-[\d.]+:[^\s:]+)/.exec(s)?.[1];
      if (cite) t.ok(doc.includes(cite), `${r.id}: docs cite ${cite}`);
    }
  }
});

t.test('docs/migrate.md, docs/fleet.md and the rules cite only what a user can open', async (t) => {
  const { unreachableCitations } = await import('../helpers/citations.js');
  const { existsSync } = await import('node:fs');
  const { MIGRATION_RULES } = await import('../../cli/migrate/rules.js');
  const exists = (rel: string) => existsSync(join(ROOT, rel));
  for (const doc of ['docs/migrate.md', 'docs/fleet.md']) {
    t.same(unreachableCitations(readFileSync(join(ROOT, doc), 'utf8'), exists).map((b) => b.cited), [], doc);
  }
  t.same(unreachableCitations(MIGRATION_RULES.flatMap((r) => r.sources).join('\n'), exists).map((b) => b.cited), [], 'rule sources');
});
