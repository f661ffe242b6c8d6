/**
 * samples/hosts/* are captures: they must read back through --root, and look
 * exactly like what `xenlint facts --capture` writes — capturing a sample again
 * (through a root source) must reproduce its files byte for byte.
 */
import { lstat, readFile, readdir, readlink, rm } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { captureEvidence } from '../../cli/sources/capture.js';
import { gatherFacts } from '../../cli/sources/gather.js';
import { RootSource } from '../../cli/sources/root-source.js';
import { readKernelImage } from '../../cli/readers/kernel-image.js';
import { describeErrors, validator } from '../../cli/settings/validators.js';
import { makeTempDir } from '../fixtures/gather/fake-host.js';
import { SAMPLES_DIR, SAMPLE_KERNELS } from '../fixtures/gather/sample-kernels.js';

/** Files a sample holds that a capture does not write. */
const NOT_CAPTURED = new Set(['README.md', 'expectations.yaml', '.xenlint/capture.json']);

async function tree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p);
    const rel = path.relative(dir, p);
    if (st.isDirectory()) {
      for (const e of await readdir(p)) await walk(path.join(p, e));
    } else if (st.isSymbolicLink()) {
      out.set(rel, `link -> ${await readlink(p)}`);
    } else if (!NOT_CAPTURED.has(rel)) {
      out.set(rel, (await readFile(p)).toString('base64'));
    }
  };
  await walk(dir);
  return out;
}

const samples = (await readdir(SAMPLES_DIR)).filter((n) => !n.startsWith('.')).sort();

t.same(samples, ['xen-3.0.3-pae-legacy', 'xen-3.1-x86_64-compat', 'xen-4.17-credit2', 'xen-4.20-trixie', 'xen-4.4-xm-to-xl'], 'the five sample hosts');

const out = await makeTempDir('xenlint-samples-');
t.teardown(() => rm(out, { recursive: true, force: true }));
const validate = await validator('facts');

for (const name of samples) {
  t.test(name, async (t) => {
    const dir = path.join(SAMPLES_DIR, name);
    const facts = await gatherFacts(new RootSource(dir));
    t.ok(facts.host && facts.dom0 && facts.domains && facts.domains.length > 0, 'host, dom0 and guests are all there');
    t.ok(validate(JSON.parse(JSON.stringify(facts))), describeErrors(validate.errors).join('; ') || 'valid facts');
    t.same(
      facts.probes.filter((p) => p.status === 'error').map((p) => p.name),
      [],
      "no probe fails (the 4.17 host's xz-compressed Debian kernel included)",
    );
    t.same(facts.diagnostics, [], 'host-level inputs parse cleanly');

    const manifest = JSON.parse(await readFile(path.join(dir, '.xenlint/capture.json'), 'utf8')) as { format: number; hostname: string };
    t.equal(manifest.format, 1);
    t.equal(manifest.hostname, facts.host?.fields['host'], 'the manifest names the host');
    t.match(await readFile(path.join(dir, 'README.md'), 'utf8'), /## Pitfalls planted/);

    const again = path.join(out, name);
    const cap = await captureEvidence(new RootSource(dir), again);
    // A capture holds a host's configuration: its owner alone reads it.
    const modes = await captureModes(again);
    t.same(modes.filter((m) => m.mode !== (m.dir ? 0o700 : 0o600)).map((m) => `${m.path} ${m.mode.toString(8)}`), [], 'files 0600, folders 0700');
    const { origin: _a, root: _b, ...want } = facts;
    const { origin: _c, root: _d, ...got } = await gatherFacts(new RootSource(again));
    t.same(got, want, 're-captured, it reads back the same');
    t.same(cap.manifest.hostname, manifest.hostname);
    const [mine, theirs] = await Promise.all([tree(dir), tree(again)]);
    t.same([...mine.keys()].sort(), [...theirs.keys()].sort(), 'exactly the files a capture writes');
    const differing = [...mine].filter(([k, v]) => theirs.get(k) !== v).map(([k]) => k);
    t.same(differing, [], 'with the same bytes');

    const text = [...mine.entries()].filter(([k]) => k.startsWith('etc/')).map(([, v]) => Buffer.from(v, 'base64').toString('latin1')).join('\n');
    t.notMatch(text, /passwd\s*=\s*['"](?!REDACTED)[^'"]+['"]|\(vncpasswd '(?!REDACTED)[^']+'\)/, 'no password left in the configs');
  });
}

t.test('sample kernel images say what the samples claim', async (t) => {
  for (const k of SAMPLE_KERNELS) {
    const bytes = new Uint8Array(await readFile(path.join(SAMPLES_DIR, k.sample, k.path)));
    const info = readKernelImage(bytes);
    if (k.expect.unreadable) t.match(info, { ok: false, reason: k.expect.unreadable }, `${k.sample}${k.path}`);
    else t.match(info, { ok: true, abi: k.expect.abi, elfClass: k.expect.bits }, `${k.sample}${k.path}`);
  }
});

/** Every file and folder under `dir` (symlinks aside) with its permission bits. */
async function captureModes(dir: string): Promise<Array<{ path: string; dir: boolean; mode: number }>> {
  const out: Array<{ path: string; dir: boolean; mode: number }> = [];
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p);
    if (st.isSymbolicLink()) return;
    out.push({ path: path.relative(dir, p) || '.', dir: st.isDirectory(), mode: st.mode & 0o777 });
    if (st.isDirectory()) for (const e of await readdir(p)) await walk(path.join(p, e));
  };
  await walk(dir);
  return out;
}
