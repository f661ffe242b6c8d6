/**
 * Xen's real xl (4.17, Debian's xen-utils-4.17) as the oracle for xenlint's xl
 * reader: every generated config, sample and fixture is read by both, and each
 * reading must agree — accepted or refused (line and xl's message), and every
 * value both derive. xl runs its dry run (`xl -N create`) with a small preloaded
 * library standing in for the hypervisor (xl-oracle/stub.c), so no Xen is needed.
 *
 * XL_ORACLE_COUNT (default 3000) and XL_ORACLE_SEED (default 11) size a soak run.
 */
import t from 'tap';
import { existsSync, readFileSync, lstatSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTool } from '../helpers/external-tool.js';
import { generateConfig } from './xl-oracle/generate.js';
import { differences, xenlintReading, xlReading, type XlRun } from './xl-oracle/compare.js';
import { decodeConfigBytes } from '../../cli/readers/config-bytes.js';
import { parseConfig } from '../../cli/readers/config.js';
import { buildDomain } from '../../cli/readers/domain.js';
import { tempDir } from '../helpers/temp-dir.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const XL = '/usr/lib/xen-4.17/bin/xl';
const COUNT = Number(process.env['XL_ORACLE_COUNT'] ?? 3000);
const SEED = Number(process.env['XL_ORACLE_SEED'] ?? 11);

function runXl(stub: string, args: string[]): Promise<XlRun> {
  return new Promise((resolve) => {
    const child = spawn(XL, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LD_PRELOAD: stub, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('close', (code, signal) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), code, signal }));
  });
}

/** Every file under dir whose name ends with one of the extensions. */
function filesUnder(dir: string, exts: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) out.push(...filesUnder(p, exts));
    else if (st.isFile() && exts.test(name)) out.push(p);
  }
  return out;
}

/** The xl configs the repository ships: samples and fixtures that xenlint reads as xl. */
function repositoryConfigs(): Array<{ label: string; bytes: Buffer }> {
  const files = [...filesUnder(join(repo, 'samples', 'domains'), /\.(cfg|xl|conf)$|^[^.]+$/), ...filesUnder(join(repo, 'test', 'fixtures'), /\.(cfg|xl)$/)];
  return files
    .map((f) => ({ label: relative(repo, f), bytes: readFileSync(f) }))
    .filter(({ label, bytes }) => parseConfig(decodeConfigBytes(bytes).text, label).dialect === 'xl');
}

// A few thousand xl runs: minutes on a loaded two-core machine, far beyond tap's default.
const TIMEOUT = Number(process.env['XL_ORACLE_TIMEOUT_MS'] ?? 30 * 60 * 1000);
t.setTimeout(TIMEOUT);

t.test('xenlint reads xl configs exactly as Xen 4.17 xl does', { timeout: TIMEOUT }, async (t) => {
  const xl = requireTool(t, XL, 'Debian package xen-utils-4.17');
  const cc = requireTool(t, 'cc', 'Debian package gcc');
  const header = existsSync('/usr/include/libxl.h');
  if (!header) {
    const message = '/usr/include/libxl.h not found (Debian package libxen-dev)';
    if (process.env['CI'] === 'true') t.fail(`${message}; CI installs it, so its absence is a failure`);
    else t.test(message, { skip: `skipped: ${message}` }, () => {});
  }
  if (!xl || !cc || !header) return;
  const dir = tempDir('xenlint-xl-oracle-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const stub = join(dir, 'stub.so');
  const built = spawnSync(cc, ['-shared', '-fPIC', '-o', stub, join(here, 'xl-oracle', 'stub.c')], { encoding: 'utf8' });
  t.equal(built.status, 0, `cc builds the xl stub: ${built.stderr}`);
  if (built.status !== 0) return;

  const corpus: Array<{ label: string; bytes: Buffer }> = repositoryConfigs();
  t.ok(corpus.length > 10, `the samples and fixtures hold xl configs (${corpus.length})`);
  for (let n = 0; n < COUNT; n++) corpus.push({ label: `seed ${SEED} #${n}`, bytes: generateConfig(SEED, n) });

  const classes = new Map<string, string[]>();
  let agreements = 0;
  let refusedBoth = 0;
  const refusals = new Map<string, number>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < corpus.length) {
      const i = next++;
      const { label, bytes } = corpus[i]!;
      const file = join(dir, `c${i}.cfg`);
      writeFileSync(file, bytes);
      const run = await runXl(stub, ['-N', 'create', file]);
      const theirs = xlReading(run, file);
      const decoded = decodeConfigBytes(bytes);
      const ours = xenlintReading(buildDomain(parseConfig(decoded.text, file, { dialect: 'xl' })), decoded.encoding);
      const diffs = differences(theirs, ours);
      if (diffs.length === 0) {
        agreements++;
        if (theirs.refused) {
          refusedBoth++;
          const why = (theirs.error?.message ?? '').replace(/`[^']*'/g, '`…\'').replace(/"[^"]*"/g, '"…"').slice(0, 90);
          refusals.set(why, (refusals.get(why) ?? 0) + 1);
        }
      }
      for (const d of diffs) {
        const list = classes.get(d) ?? [];
        list.push(`${label}\n${bytes.toString('latin1')}\n--- xl: ${JSON.stringify(theirs)}\n--- xenlint: ${JSON.stringify(ours)}`);
        classes.set(d, list);
      }
      rmSync(file);
    }
  };
  await Promise.all([worker(), worker()]);
  const summary = [...classes].map(([k, v]) => `${k}: ${v.length}`).join(', ');
  t.comment(`xl oracle: ${corpus.length} files, ${agreements} agreements (${refusedBoth} refused by both), ${corpus.length - agreements} disagreements${summary ? ` (${summary})` : ''}`);
  if (process.env['XL_ORACLE_DUMP']) {
    writeFileSync(`${process.env['XL_ORACLE_DUMP']}.refusals`, [...refusals].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${v}\t${k}`).join('\n'));
    writeFileSync(process.env['XL_ORACLE_DUMP'], [...classes].map(([k, v]) => `##### ${k} (${v.length})\n${v.slice(0, 15).join('\n\n')}`).join('\n\n'));
  }
  t.equal(corpus.length - agreements, 0, 'xenlint and xl agree on every file');
});
