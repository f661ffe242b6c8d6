/**
 * The hostile-input generator: from a seed, a list of cases, each a command line
 * of the built CLI and the files (and special files) it runs on, with what the
 * run may do — the exit codes it may end with, the files it may write — and what
 * it must never do: show a planted secret, run a planted plugin (canary files).
 * The classes follow issue 16 (crashes, hangs, memory, secrets, code from the
 * repository) and go further: encodings, nesting, huge numbers, special files,
 * symlink tricks in host trees, YAML bombs, output hazards, command-line abuse.
 * hostile.test.ts runs them; the seed makes a failure repeatable.
 */
import { cpSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync, closeSync, openSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fromRoot } from '../helpers/paths.js';
import { rng } from './xl-oracle/generate.js';

/** What a case's files are: text or bytes, or a special file made at setup. */
export type Entry =
  | string
  | Buffer
  | { fifo: true }
  | { dir: true }
  | { sparse: number }
  | { symlink: string }
  | { copyOf: string };

export type Files = Record<string, Entry>;

export interface HostileCase {
  /** `class/name`: unique. */
  id: string;
  cls: string;
  /** CLI arguments; relative paths are relative to the case's work directory. */
  args: string[];
  /** Files of the work directory (`work/`), by relative path; `../outside/...` names files beside it. Big ones are made when the case runs. */
  files?: Files | (() => Files);
  env?: Record<string, string>;
  /** The exit codes the run may end with. */
  expect: number[];
  /** Strings that must appear in no output (stdout, stderr, files written). */
  secrets?: string[];
  /** Paths (relative to work/) the run may create or change, files or whole directories. */
  outputs?: string[];
  /** Files whose existence proves planted code ran (relative to work/). */
  canaries?: string[];
  /** Working directory relative to work/ (default work/ itself). */
  cwd?: string;
  /**
   * Peak RSS ceiling in MiB (default 256: issue 16's bound for any single-file input,
   * whatever its size). Only inputs of many files set another: their memory is issue
   * 14's per-guest budget, which grows with the number of guests until the cross-guest
   * summaries fold as they go.
   */
  rssLimitMiB?: number;
  /** Why the case is here, for the failure message. */
  why: string;
}

const FORMATS = ['stylish', 'json', 'sarif', 'junit', 'github', 'html'] as const;

/** A realistic xl domU config; `extra` lines are appended. */
export function guest(name: string, extra = ''): string {
  return `# ${name}: a PV guest
type = "pvh"
name = "${name}"
kernel = "/boot/vmlinuz-6.1.0-21-amd64"
cmdline = "root=/dev/xvda ro console=hvc0"
memory = 1024
vcpus = 2
disk = [ 'format=raw, vdev=xvda, access=rw, target=/dev/vg0/${name}' ]
vif = [ 'mac=00:16:3e:2b:6f:10, bridge=xenbr0' ]
${extra}`;
}

const HOST = 'samples/hosts/xen-4.17-credit2';
const INFO = 'samples/info/xl-4.17-x86_64.txt';

/** A plugin that, when imported, leaves `canary` in the work directory (and exports one harmless check). */
function canaryPlugin(canaryAbs: string): string {
  return `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(canaryAbs)}, 'plugin code ran');
export default [{ id: 'site-canary', title: 't', severity: 'warning', needs: [], sources: ['s'], messages: { m: 'm' }, run: () => [] }];
`;
}

export function generateCases(seed: number, workOf: (id: string) => string): HostileCase[] {
  const rand = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  let secretNo = 0;
  const secret = () => `Hx${seed.toString(36)}q${(secretNo++).toString(36)}${Math.floor(rand() * 1e9).toString(36)}Zk`;
  const bytes = (n: number) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
    return b;
  };
  const cases: HostileCase[] = [];
  const add = (c: Omit<HostileCase, 'id'> & { name: string }) => {
    const { name, ...rest } = c;
    const id = `${c.cls}/${name}`;
    if (cases.some((k) => k.id === id)) throw new Error(`duplicate case ${id}`);
    cases.push({ id, ...rest });
  };

  // ---- Special files: never read whole, never block --------------------------------
  for (const [name, path] of [['dev-zero', '/dev/zero'], ['dev-urandom', '/dev/urandom']] as const) {
    add({ cls: 'special', name: `lint ${name}`, args: ['lint', path, '--xen', '4.17'], expect: [2], why: 'a character device is not a config' });
    add({ cls: 'special', name: `--config ${name}`, args: ['lint', 'web.cfg', '--config', path], files: { 'web.cfg': guest('web') }, expect: [2], why: 'a device as the config file' });
    add({ cls: 'special', name: `--facts ${name}`, args: ['lint', 'web.cfg', '--facts', path], files: { 'web.cfg': guest('web') }, expect: [2], why: 'a device as host facts' });
    add({ cls: 'special', name: `--baseline ${name}`, args: ['lint', 'web.cfg', '--xen', '4.17', '--baseline', path], files: { 'web.cfg': guest('web') }, expect: [2], why: 'a device as the baseline' });
    add({ cls: 'special', name: `parse info ${name}`, args: ['parse', 'info', path], expect: [2], why: 'a device as an xl info text' });
    add({ cls: 'special', name: `parse config ${name}`, args: ['parse', 'config', path], expect: [2], why: 'a device as a config' });
  }
  for (const [name, args] of [
    ['lint fifo', ['lint', 'pipe.cfg', '--xen', '4.17']],
    ['--config fifo', ['lint', 'web.cfg', '--config', 'pipe.yaml']],
    ['--facts fifo', ['lint', 'web.cfg', '--facts', 'pipe.cfg']],
    ['--baseline fifo', ['lint', 'web.cfg', '--xen', '4.17', '--baseline', 'pipe.cfg']],
    ['parse info fifo', ['parse', 'info', 'pipe.cfg']],
    ['parse config fifo', ['parse', 'config', 'pipe.cfg']],
    ['migrate --from fifo', ['migrate', 'web.cfg', '--from', 'pipe.cfg', '--to', fromRoot(INFO)]],
  ] as const) {
    add({ cls: 'special', name, args: [...args], files: { 'web.cfg': guest('web'), 'pipe.cfg': { fifo: true }, 'pipe.yaml': { fifo: true } }, expect: [2], why: 'a FIFO nobody writes to: reading it would block forever' });
  }
  add({ cls: 'special', name: 'fifo in a linted directory', args: ['lint', 'domains', '--xen', '4.17'], files: { 'domains/web.cfg': guest('web'), 'domains/pipe.cfg': { fifo: true } }, expect: [0, 1, 2], why: 'a FIFO among the configs of a directory: left out or reported unreadable, never opened for a blocking read' });
  add({ cls: 'special', name: 'walked-up config is a fifo', args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.yaml': { fifo: true } }, expect: [2], why: 'the config found by walking up is a FIFO' });
  for (const opt of ['--config', '--facts', '--baseline'] as const) {
    add({ cls: 'special', name: `${opt} directory`, args: ['lint', 'web.cfg', '--xen', '4.17', opt, 'adir'], files: { 'web.cfg': guest('web'), adir: { dir: true } }, expect: [2], why: 'a directory where a file is expected' });
  }
  add({ cls: 'special', name: 'parse config directory', args: ['parse', 'config', 'adir'], files: { adir: { dir: true } }, expect: [2], why: 'a directory where a file is expected' });
  add({ cls: 'special', name: 'parse info directory', args: ['parse', 'info', 'adir'], files: { adir: { dir: true } }, expect: [2], why: 'a directory where a file is expected' });
  add({ cls: 'special', name: 'walked-up config is a directory', args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.yaml': { dir: true } }, expect: [2], why: 'the config found by walking up is a directory' });
  add({ cls: 'special', name: 'lint /dev/null', args: ['lint', '/dev/null', '--xen', '4.17'], expect: [2], why: 'a device, even an empty one, is not a config' });

  // ---- Huge inputs: refused by size or read within bounded memory -----------------
  const GB2 = 2 * 1024 ** 3;
  add({ cls: 'huge', name: 'sparse 2 GB config', args: ['lint', 'big.cfg', '--xen', '4.17'], files: { 'big.cfg': { sparse: GB2 } }, expect: [2], why: 'a 2 GB file (sparse) named as a config' });
  add({ cls: 'huge', name: 'sparse 2 GB in a linted directory', args: ['lint', 'domains', '--xen', '4.17'], files: { 'domains/web.cfg': guest('web'), 'domains/big.cfg': { sparse: GB2 } }, expect: [2], why: 'a 2 GB config among others' });
  add({ cls: 'huge', name: 'sparse 2 GB --config', args: ['lint', 'web.cfg', '--config', 'big.yaml'], files: { 'web.cfg': guest('web'), 'big.yaml': { sparse: GB2 } }, expect: [2], why: 'a 2 GB config file' });
  add({ cls: 'huge', name: 'sparse 2 GB --facts', args: ['lint', 'web.cfg', '--facts', 'big.txt'], files: { 'web.cfg': guest('web'), 'big.txt': { sparse: GB2 } }, expect: [2], why: 'a 2 GB info text' });
  add({ cls: 'huge', name: 'sparse 2 GB --baseline', args: ['lint', 'web.cfg', '--xen', '4.17', '--baseline', 'big.json'], files: { 'web.cfg': guest('web'), 'big.json': { sparse: GB2 } }, expect: [2], why: 'a 2 GB baseline' });
  add({ cls: 'huge', name: 'sparse 2 GB parse info', args: ['parse', 'info', 'big.txt'], files: { 'big.txt': { sparse: GB2 } }, expect: [2], why: 'a 2 GB info text' });
  add({ cls: 'huge', name: 'sparse 2 GB walked-up config', args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.yaml': { sparse: GB2 } }, expect: [2], why: 'a 2 GB .xenlintrc.yaml found by walking up' });
  {
    const n = int(2_400_000, 2_700_000);
    add({ cls: 'huge', name: `one-line config of ${n} statements`, args: ['lint', 'one.cfg', '--xen', '4.17'], files: () => ({ 'one.cfg': `name="one";${'memory=1;'.repeat(n)}\n` }), expect: [0, 1, 2], why: 'issue 16: 2.6 M statements on one line took 2.5 GB' });
  }
  {
    const n = int(900_000, 1_100_000);
    const lines = () => Array.from({ length: n }, (_, i) => `extra_field_${i}          : ${i}`).join('\n');
    add({ cls: 'huge', name: `xl info of ${n} lines`, args: ['lint', 'web.cfg', '--facts', 'info.txt'], files: () => ({ 'web.cfg': guest('web'), 'info.txt': `host : big\nrelease : 6.1.0\nxen_major : 4\nxen_minor : 17\nxen_extra : .0\ntotal_memory : 65536\nfree_memory : 4096\n${lines()}\n` }), expect: [0, 1, 2], why: 'issue 16: an xl info of a million lines took 830 MB' });
    add({ cls: 'huge', name: `parse info of ${n} lines`, args: ['parse', 'info', 'info.txt'], files: () => ({ 'info.txt': `host : big\nxen_major : 4\nxen_minor : 17\n${lines()}\n` }), expect: [0, 2], why: 'a million-line info text through parse' });
  }
  {
    const mb = int(45, 55);
    const body = () => `# ${'x'.repeat(1000)}\n`.repeat(mb * 1024);
    add({ cls: 'huge', name: `${mb} MB .xenlintrc.yaml of comments`, args: ['lint', 'web.cfg', '--xen', '4.17'], files: () => ({ 'web.cfg': guest('web'), '.xenlintrc.yaml': `failOn: error\n${body()}` }), expect: [0, 1, 2], why: 'issue 16: a 50 MB .xenlintrc.yaml took 1 GB' });
  }
  {
    const mb = int(20, 40);
    add({ cls: 'huge', name: `${mb} MB comment line in a config`, args: ['lint', 'long.cfg', '--xen', '4.17'], files: () => ({ 'long.cfg': guest('long', `# ${'y'.repeat(mb * 1024 * 1024)}\n`) }), expect: [0, 1, 2], why: 'a single line of tens of MB' });
    add({ cls: 'huge', name: `${mb} MB string value`, args: ['lint', 'long.cfg', '--xen', '4.17', '--format', 'json'], files: () => ({ 'long.cfg': guest('long', `cmdline = "${'z'.repeat(mb * 1024 * 1024)}"\n`) }), expect: [0, 1, 2], why: 'a value of tens of MB, which a finding must not quote whole' });
  }
  {
    const n = int(8_000, 10_000);
    const files = (): Files => {
      const out: Files = {};
      for (let i = 0; i < n; i++) out[`fleet/g${i}.cfg`] = guest(`g${i}`).replace('6f:10', `${(i >> 8) & 0xff}:${i & 0xff}`.replace(/\b(\d)\b/g, '0$1'));
      return out;
    };
    add({ cls: 'huge', name: `${n} configs in a directory`, args: ['lint', 'fleet', '--xen', '4.17', '--format', 'json', '--output', 'report.json'], files, outputs: ['report.json'], expect: [0, 1, 2], rssLimitMiB: 512, why: 'issue 16: 100 000 configs took 708 MB' });
  }
  {
    const mb = int(8, 12);
    const count = mb * 10_000;
    const entries = () => Array.from({ length: count }, (_, i) => `{"fingerprint":"${i.toString(16).padStart(64, '0')}","check":"x","message":"${'m'.repeat(40)}"}`);
    add({ cls: 'huge', name: `baseline of ${count} entries`, args: ['lint', 'web.cfg', '--xen', '4.17', '--baseline', 'base.json'], files: () => ({ 'web.cfg': guest('web'), 'base.json': `{"findings":[${entries().join(',')}]}` }), expect: [0, 1, 2], why: 'a large, valid baseline' });
  }
  {
    const n = int(60_000, 80_000);
    add({ cls: 'huge', name: `${n} ignore patterns`, args: ['lint', 'domains', '--xen', '4.17'], files: () => ({ 'domains/web.cfg': guest('web'), '.xenlintignore': Array.from({ length: n }, (_, i) => `gen-${i}-*.cfg`).join('\n') }), expect: [0, 1, 2], why: 'a .xenlintignore of tens of thousands of patterns' });
  }

  // ---- Nesting ---------------------------------------------------------------------
  for (const depth of [1_000, 10_000, 100_000]) {
    add({ cls: 'nesting', name: `YAML config nested ${depth} deep`, args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.yaml': `checks: ${'['.repeat(depth)}${']'.repeat(depth)}\n` }, expect: [2], why: 'a deeply nested flow sequence in the config' });
    add({ cls: 'nesting', name: `JSON config nested ${depth} deep`, args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.json': `{"checks": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}` }, expect: [2], why: 'a deeply nested JSON config' });
    add({ cls: 'nesting', name: `xl list nested ${depth} deep`, args: ['lint', 'nest.cfg', '--xen', '4.17'], files: { 'nest.cfg': guest('nest', `extra = ${'['.repeat(depth)}1${']'.repeat(depth)}\n`) }, expect: [0, 1, 2], why: 'a deeply nested list in an xl config' });
    add({ cls: 'nesting', name: `xm list nested ${depth} deep`, args: ['lint', 'nest.cfg', '--dialect', 'xm', '--xen', '3.4'], files: { 'nest.cfg': guest('nest', `extra = ${'['.repeat(depth)}1${']'.repeat(depth)}\n`) }, expect: [0, 1, 2], why: 'a deeply nested list in an xm (Python) config' });
    add({ cls: 'nesting', name: `JSON facts nested ${depth} deep`, args: ['lint', 'web.cfg', '--facts', 'facts.json'], files: { 'web.cfg': guest('web'), 'facts.json': `{"host": ${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}` }, expect: [2], why: 'a deeply nested facts snapshot' });
    add({ cls: 'nesting', name: `baseline nested ${depth} deep`, args: ['lint', 'web.cfg', '--xen', '4.17', '--baseline', 'b.json'], files: { 'web.cfg': guest('web'), 'b.json': `{"findings": ${'['.repeat(depth)}${']'.repeat(depth)}}` }, expect: [2], why: 'a deeply nested baseline' });
  }
  add({ cls: 'nesting', name: 'xm parentheses 50000 deep', args: ['parse', 'config', 'nest.cfg', '--dialect', 'xm'], files: { 'nest.cfg': `memory = ${'('.repeat(50_000)}1${')'.repeat(50_000)}\n` }, expect: [0, 1, 2], why: 'deep parentheses in a Python expression' });

  // ---- YAML bombs --------------------------------------------------------------------
  const bomb = (levels: number, width: number) => {
    const lines = ['a0: &a0 ["lol"]'];
    for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]`);
    return lines;
  };
  for (const [levels, width] of [[9, 9], [12, 8], [20, 4], [30, 2]] as const) {
    const lines = bomb(levels, width);
    add({ cls: 'yaml-bomb', name: `walked-up config ${width}^${levels}`, args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.yaml': `${lines.map((l) => `# ${l}`).join('\n')}\nchecks:\n  bomb:\n${lines.map((l) => `    ${l}`).join('\n')}\n` }, expect: [2], why: 'billion laughs under checks: aliases expand into an exponential object graph' });
    add({ cls: 'yaml-bomb', name: `--config top level ${width}^${levels}`, args: ['lint', 'web.cfg', '--config', 'bomb.yaml'], files: { 'web.cfg': guest('web'), 'bomb.yaml': `${lines.join('\n')}\n` }, expect: [2], why: 'billion laughs at the top level of a named config' });
    // Accepted or refused, as long as nothing walks the expanded graph.
    add({ cls: 'yaml-bomb', name: `facts snapshot ${width}^${levels}`, args: ['lint', 'web.cfg', '--facts', 'bomb.yaml', '--format', 'json'], files: { 'web.cfg': guest('web'), 'bomb.yaml': `version: 1\nhost:\n${lines.map((l) => `  ${l}`).join('\n')}\n` }, expect: [0, 1, 2], why: 'billion laughs in a facts snapshot' });
  }
  // Where the schema accepts any value (a guest key's value in a snapshot, a check's options), the
  // expanded graph reached schema validation and the checks: 9^9 took 27 s, 8^12 would take hours.
  for (const [levels, width] of [[9, 9], [12, 8]] as const) {
    const flow = [`&a0 ["lol"]`, ...Array.from({ length: levels }, (_, i) => `&a${i + 1} [${Array.from({ length: width }, () => `*a${i}`).join(', ')}]`)].join(', ');
    const snapshot = `schemaVersion: 1\norigin: root\nprobes: []\ndiagnostics: []\ndomains:\n  - name: x\n    dialect: xl\n    type: pv\n    typeSource: default\n    disks: []\n    vifs: []\n    annotations: []\n    suppressions: []\n    diagnostics: []\n    keys:\n      bomb:\n        value: [${flow}]\n        line: 1\n        column: 1\n`;
    add({ cls: 'yaml-bomb', name: `snapshot guest key value ${width}^${levels}`, args: ['check', '--facts', 'bomb.yaml'], files: { 'bomb.yaml': snapshot }, expect: [2], why: 'billion laughs where the facts schema accepts any value' });
    add({ cls: 'yaml-bomb', name: `check options ${width}^${levels}`, args: ['lint', 'web.cfg', '--config', 'bomb.yaml'], files: { 'web.cfg': guest('web'), 'bomb.yaml': `checks:\n  memory-fit:\n    options:\n      bomb: [${flow}]\n` }, expect: [2], why: 'billion laughs in a check\'s options' });
  }
  add({ cls: 'yaml-bomb', name: 'ignorePatterns from an alias bomb', args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.yaml': `${bomb(10, 8).map((l) => `x${l}`).join('\n')}\n` }, expect: [2], why: 'unknown keys holding a bomb' });
  add({ cls: 'yaml-bomb', name: 'recursive alias', args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.yaml': 'checks: &c\n  self: *c\n' }, expect: [2], why: 'an alias to the node being defined' });

  // ---- Many keys ---------------------------------------------------------------------
  {
    const n = int(950_000, 1_050_000);
    const keys = () => Array.from({ length: n }, (_, i) => `  k${i}: off`).join('\n');
    add({ cls: 'many-keys', name: `YAML config of ${n} check keys`, args: ['lint', 'web.cfg', '--xen', '4.17'], files: () => ({ 'web.cfg': guest('web'), '.xenlintrc.yaml': `checks:\n${keys()}\n` }), expect: [2], why: 'issue 16: a config of a million keys hung' });
    add({ cls: 'many-keys', name: `JSON config of ${n} top-level keys`, args: ['lint', 'web.cfg', '--xen', '4.17'], files: () => ({ 'web.cfg': guest('web'), '.xenlintrc.json': `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}` }), expect: [2], why: 'a million unknown keys' });
    add({ cls: 'many-keys', name: `xl config of ${n} keys`, args: ['lint', 'keys.cfg', '--xen', '4.17'], files: () => ({ 'keys.cfg': guest('keys', Array.from({ length: n }, (_, i) => `key_${i} = ${i}`).join('\n')) }), expect: [0, 1, 2], why: 'a million unknown keys: one finding each would be a huge report' });
    add({ cls: 'many-keys', name: `facts snapshot of ${n} keys`, args: ['lint', 'web.cfg', '--facts', 'f.json'], files: () => ({ 'web.cfg': guest('web'), 'f.json': `{"version":1,"host":{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}}` }), expect: [2], why: 'a million keys in a snapshot' });
  }
  for (const n of [1_000, 5_000]) {
    add({ cls: 'many-keys', name: `dialects glob of ${n} **/`, args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.yaml': `dialects:\n  - files: "${'**/'.repeat(n)}x.cfg"\n    dialect: xm\n` }, expect: [0, 1, 2], why: 'issue 16: a glob of thousands of **/ backtracked' });
  }

  // ---- Big lists and specs -------------------------------------------------------------
  for (const n of [50_000, int(60_000, 90_000)]) {
    const vifs = () => Array.from({ length: n }, (_, i) => `'mac=00:16:3e:${((i >> 16) & 0xff).toString(16).padStart(2, '0')}:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}, bridge=xenbr0'`);
    const disks = () => Array.from({ length: n }, (_, i) => `'format=raw, vdev=xvd${i}, access=rw, target=/dev/vg0/d${i}'`);
    const fmt = pick(FORMATS);
    add({ cls: 'lists', name: `${n} vifs --format ${fmt}`, args: ['lint', 'many.cfg', '--xen', '4.17', '--format', fmt], files: () => ({ 'many.cfg': guest('many', `vif = [ ${vifs().join(', ')} ]\n`).replace(/^vif = .*\n/m, '') }), expect: [0, 1, 2], why: '50 000-item vif list' });
    add({ cls: 'lists', name: `${n} disks --format ${fmt}`, args: ['lint', 'many.cfg', '--xen', '4.17', '--format', fmt], files: () => ({ 'many.cfg': guest('many', `disk = [ ${disks().join(', ')} ]\n`).replace(/^disk = .*\n/m, '') }), expect: [0, 1, 2], why: '50 000-item disk list' });
    add({ cls: 'lists', name: `vif spec of ${n} items`, args: ['lint', 'spec.cfg', '--xen', '4.17', '--format', 'stylish'], files: () => ({ 'spec.cfg': guest('spec', `vif = [ '${Array.from({ length: n }, (_, i) => `ip=10.0.${i % 256}.1`).join(',')}' ]\n`).replace(/^vif = \[ 'mac.*\n/m, '') }), expect: [0, 1, 2], why: 'issue 16: one warning per item, each quoting the whole spec, grew with the square' });
    add({ cls: 'lists', name: `disk spec of ${n} items`, args: ['lint', 'spec.cfg', '--xen', '4.17', '--format', 'json'], files: () => ({ 'spec.cfg': guest('spec', `disk = [ '${Array.from({ length: n }, (_, i) => `opt${i}=x`).join(',')}' ]\n`).replace(/^disk = \[ 'format.*\n/m, '') }), expect: [0, 1, 2], why: 'a disk spec of tens of thousands of fields' });
  }
  add({ cls: 'lists', name: 'parse vif of 20000 items (argv)', args: ['parse', 'vif', Array.from({ length: 20_000 }, () => 'ip=1').join(',').slice(0, 120_000)], expect: [0, 1, 2], why: 'a vif spec near the argv length limit' });
  add({ cls: 'lists', name: 'parse disk of 20000 items (argv)', args: ['parse', 'disk', Array.from({ length: 20_000 }, () => 'a=b').join(',').slice(0, 120_000)], expect: [0, 1, 2], why: 'a disk spec near the argv length limit' });
  add({ cls: 'lists', name: '5000 missing paths', args: ['lint', ...Array.from({ length: 5000 }, (_, i) => `missing-${i}.cfg`), '--xen', '4.17'], expect: [2], why: 'thousands of paths that do not exist' });
  add({ cls: 'lists', name: `${int(200_000, 300_000)} stylish findings`, args: ['lint', 'typos.cfg', '--xen', '4.17'], files: () => ({ 'typos.cfg': guest('typos', Array.from({ length: 250_000 }, (_, i) => `memroy${i} = 1`).join('\n')) }), expect: [0, 1, 2], why: 'issue 16: hundreds of thousands of findings overflowed the stack in stylish (Math.max spread)' });

  // ---- Huge numbers ------------------------------------------------------------------
  const numbers = ['1e308', '1e309', '-1e309', '99999999999999999999999999999', '0x' + 'f'.repeat(200), '-0', '1' + '0'.repeat(5000), 'NaN', 'Infinity', '0777777777777777777777777', '1_000_000', '18446744073709551617'];
  for (const v of numbers) {
    const key = pick(['memory', 'maxmem', 'vcpus', 'maxvcpus', 'shadow_memory', 'max_grant_frames']);
    add({ cls: 'numbers', name: `${key} = ${v.slice(0, 24)}`, args: ['lint', 'num.cfg', '--xen', '4.17', '--format', pick(FORMATS)], files: { 'num.cfg': guest('num').replace(/^(memory|vcpus) = .*$/m, '') + `${key} = ${v}\n` }, expect: [0, 1, 2], why: 'a number no integer type holds' });
  }
  for (const v of ['1e30', '18446744073709551616', '-5', '0x' + 'f'.repeat(40)]) {
    add({ cls: 'numbers', name: `xl info total_memory ${v.slice(0, 20)}`, args: ['lint', 'web.cfg', '--facts', 'info.txt', '--format', 'json'], files: { 'web.cfg': guest('web'), 'info.txt': `host : h\nrelease : 6.1\nxen_major : 4\nxen_minor : 17\nxen_extra : .0\ntotal_memory : ${v}\nfree_memory : ${v}\nnr_cpus : ${v}\n` }, expect: [0, 1, 2], why: 'absurd sizes in host facts' });
  }
  add({ cls: 'numbers', name: '--max-warnings 1e309', args: ['lint', 'web.cfg', '--xen', '4.17', '--max-warnings', '1e309'], files: { 'web.cfg': guest('web') }, expect: [2], why: 'a limit that is no whole number' });
  add({ cls: 'numbers', name: '--timeout 1e20', args: ['check', '--root', fromRoot(HOST), '--timeout', '1e20'], expect: [0, 1, 2], why: 'a timeout beyond setTimeout' });
  add({ cls: 'numbers', name: '--xen 4.99999999999999999999', args: ['lint', 'web.cfg', '--xen', `4.${'9'.repeat(400)}`], files: { 'web.cfg': guest('web') }, expect: [0, 1, 2], why: 'a version number with a huge minor' });

  // ---- Encodings ---------------------------------------------------------------------
  const base = Buffer.from(guest('enc'));
  const encodings: Array<[string, Buffer]> = [
    ['NUL bytes', Buffer.concat([base.subarray(0, 40), Buffer.alloc(64), base.subarray(40)])],
    ['NUL everywhere', Buffer.from(guest('enc').split('').join('\0'))],
    ['invalid UTF-8', Buffer.concat([base, Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0x0a]), Buffer.from('name2 = "\xff\xfe"\n', 'latin1')])],
    ['overlong UTF-8', Buffer.concat([base, Buffer.from([0x6e, 0x3d, 0x22, 0xc0, 0xaf, 0xe0, 0x80, 0xaf, 0x22, 0x0a])])],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(guest('enc'), 'utf16le')])],
    ['UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), base])],
    ['CR-only line ends', Buffer.from(guest('enc').replace(/\n/g, '\r'))],
    ['CRLF line ends', Buffer.from(guest('enc').replace(/\n/g, '\r\n'))],
    ['mixed line ends', Buffer.from(guest('enc').replace(/\n/g, () => pick(['\r', '\n', '\r\n', '\n\r'])))],
    ['lone surrogates', Buffer.from(`${guest('enc')}name3 = "\ud800\udfff\udbff"\n`)],
    ['ANSI escapes', Buffer.from(guest('enc').replace('name = "enc"', 'name = "\u001b[2J\u001b]0;pwned\u0007enc"'))],
    ['random bytes', bytes(int(64 * 1024, 256 * 1024))],
    ['random bytes with newlines', Buffer.from(Array.from(bytes(int(64 * 1024, 128 * 1024)), (b) => (b % 17 === 0 ? 10 : b)))],
    ['unterminated string', Buffer.from(`name = "x\nmemory = 512\ndisk = [ 'phy:/dev/x,xvda,w\n`)],
    ['only a BOM', Buffer.from([0xef, 0xbb, 0xbf])],
  ];
  for (const [name, content] of encodings) {
    add({ cls: 'encoding', name: `lint ${name}`, args: ['lint', 'enc.cfg', '--xen', '4.17', '--format', pick(FORMATS)], files: { 'enc.cfg': content }, expect: [0, 1, 2], why: 'text no toolstack would write' });
    add({ cls: 'encoding', name: `parse config ${name}`, args: ['parse', 'config', 'enc.cfg'], files: { 'enc.cfg': content }, expect: [0, 1, 2], why: 'text no toolstack would write, through parse' });
  }
  for (const [name, content] of encodings.slice(0, 8)) {
    add({ cls: 'encoding', name: `.xenlintrc.yaml ${name}`, args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.yaml': Buffer.concat([Buffer.from('failOn: error\n'), content]) }, expect: [0, 1, 2], why: 'a config file in a strange encoding' });
    add({ cls: 'encoding', name: `xl info ${name}`, args: ['parse', 'info', 'info.txt'], files: { 'info.txt': Buffer.concat([Buffer.from('host : h\nxen_major : 4\nxen_minor : 17\n'), content]) }, expect: [0, 1, 2], why: 'an info text in a strange encoding' });
  }

  // ---- Secrets: planted where they come in, looked for in every output ---------------
  for (const fmt of FORMATS) {
    const s1 = secret();
    const s2 = secret();
    const s3 = secret();
    add({ cls: 'secrets', name: `vif and disk spec password= --format ${fmt}`, args: ['lint', 'sec.cfg', '--xen', '4.17', '--format', fmt, '--output', `report.${fmt}`], outputs: [`report.${fmt}`], secrets: [s1, s2], files: { 'sec.cfg': guest('sec').replace("target=/dev/vg0/sec'", `target=/dev/vg0/sec, password=${s1}, unknownopt=1'`).replace("bridge=xenbr0'", `bridge=xenbr0, password=${s2}, bogus=1'`) }, expect: [0, 1], why: 'issue 16: password= inside specs reached every report format' });
    add({ cls: 'secrets', name: `vncpasswd and spicepasswd --format ${fmt}`, args: ['lint', 'sec.cfg', '--xen', '4.17', '--format', fmt], secrets: [s3], files: { 'sec.cfg': guest('sec', `vfb = [ 'type=vnc,vnclisten=0.0.0.0,vncpasswd=${s3}' ]\nvncpasswd = "${s3}"\nspicepasswd = "${s3}"\nspice = 1\nspicehost = "0.0.0.0"\n`) }, expect: [0, 1], why: 'console passwords beside a finding about the console' });
    const s4 = secret();
    add({ cls: 'secrets', name: `key named exactly password --format ${fmt}`, args: ['lint', 'sec.cfg', '--xen', '4.17', '--format', fmt], secrets: [s4], files: { 'sec.cfg': guest('sec', `password = "${s4}"\npasswd = "${s4}"\nspice_ticket = "${s4}"\nmy_secret = "${s4}"\n`) }, expect: [0, 1], why: 'issue 16: a key named exactly password was missed; unknown keys are quoted in findings' });
  }
  {
    const s = secret();
    add({ cls: 'secrets', name: 'write-baseline with spec secrets', args: ['lint', 'sec.cfg', '--xen', '4.17', '--write-baseline', 'base.json'], outputs: ['base.json'], secrets: [s], files: { 'sec.cfg': guest('sec').replace("target=/dev/vg0/sec'", `target=/dev/vg0/sec, password=${s}, junk'`) }, expect: [0, 1], why: 'issue 16: the baseline file carried spec secrets' });
    const p = secret();
    add({ cls: 'secrets', name: 'parse config vncpasswd', args: ['parse', 'config', 'sec.cfg'], secrets: [p], files: { 'sec.cfg': guest('sec', `vncpasswd = "${p}"\nspicepasswd = "${p}"\nvfb = [ 'vnc=1,vncpasswd=${p}' ]\n`) }, expect: [0], why: 'issue 16: parse config printed vncpasswd and spicepasswd' });
    const d = secret();
    add({ cls: 'secrets', name: 'parse disk password=', args: ['parse', 'disk', `format=raw, vdev=xvda, access=rw, password=${d}, target=/dev/vg0/x`], secrets: [d], expect: [0, 1, 2], why: 'a secret in a spec given on the command line' });
    const v = secret();
    add({ cls: 'secrets', name: 'parse vif password=', args: ['parse', 'vif', `mac=00:16:3e:00:00:01,bridge=xenbr0,password=${v}`], secrets: [v], expect: [0, 1, 2], why: 'a secret in a vif spec given on the command line' });
    const x = secret();
    add({ cls: 'secrets', name: 'xm config vncpasswd', args: ['lint', 'xm.cfg', '--xen', '3.0.4', '--dialect', 'xm', '--format', 'json'], secrets: [x], files: { 'xm.cfg': `kernel = "/boot/vmlinuz-2.6.18-xen"\nmemory = 512\nname = "xm"\nvfb = [ 'type=vnc,vncpasswd=${x}' ]\nvncpasswd = '${x}'\npassword = "${x}"\n` }, expect: [0, 1], why: 'an xm config with console passwords' });
    const e = secret();
    add({ cls: 'secrets', name: 'explain with secrets in --facts', args: ['explain', 'memory-fit', '--facts', 'facts.txt'], secrets: [e], files: { 'facts.txt': `host : h\nrelease : 6.1\nxen_major : 4\nxen_minor : 17\nxen_extra : .0\ntotal_memory : 65536\nfree_memory : 4096\nxen_commandline : placeholder dom0_mem=2048M password=${e} secret=${e}\n` }, expect: [0, 1, 2], why: 'a secret on the hypervisor command line of an info text' });
  }
  for (const cmd of ['check-json', 'check-sarif', 'facts', 'facts-json-output', 'explain'] as const) {
    const s = secret();
    const files: Files = {
      host: { copyOf: fromRoot(HOST) },
      'host/etc/xen/sec.cfg': guest('sec', `vncpasswd = "${s}"\nvfb = [ 'type=vnc,vncpasswd=${s}' ]\npassword = "${s}"\n`).replace("target=/dev/vg0/sec'", `target=/dev/vg0/sec, password=${s}'`),
      'host/etc/xen/xend-config.sxp': `(xend-relocation-server yes)\n(vncpasswd '${s}')\n(password ${s})\n(vnc-passwd "${s}")\n`,
      'host/proc/cmdline': `BOOT_IMAGE=/vmlinuz root=/dev/sda1 password=${s} secret=${s}\n`,
    };
    const args = {
      'check-json': ['check', '--root', 'host', '--format', 'json'],
      'check-sarif': ['check', '--root', 'host', '--format', 'sarif', '--verbose'],
      facts: ['facts', '--root', 'host'],
      'facts-json-output': ['facts', '--root', 'host', '--output', 'facts.json'],
      explain: ['explain', 'console-exposed', '--root', 'host'],
    }[cmd];
    add({ cls: 'secrets', name: `host tree: ${cmd}`, args, files, secrets: [s], outputs: cmd === 'facts-json-output' ? ['facts.json'] : [], expect: [0, 1], why: 'issue 16: host redaction missed keys named exactly password / passwd' });
  }
  {
    const s = secret();
    const line = () => Array.from({ length: 100_000 }, (_, i) => `passwd${i % 7 === 0 ? '' : i}=${s}`).join(',');
    add({ cls: 'secrets', name: '100000 passwd keys on one line (config)', args: ['lint', 'pw.cfg', '--xen', '4.17', '--format', 'json'], secrets: [s], files: () => ({ 'pw.cfg': guest('pw', `vfb = [ '${line()}' ]\n`) }), expect: [0, 1, 2], why: 'issue 16: the redaction regex was quadratic' });
    add({ cls: 'secrets', name: '100000 passwd keys on one line (host)', args: ['facts', '--root', 'host'], secrets: [s], files: () => ({ host: { copyOf: fromRoot(HOST) }, 'host/proc/cmdline': `${line().replace(/,/g, ' ')}\n` }), expect: [0, 1, 2], why: 'quadratic redaction over a host file' });
  }

  // ---- Symlink tricks in --root host trees --------------------------------------------
  const shadow = secret();
  const outsideShadow = { '../outside/shadow': `root:${shadow}:19000:0:99999:7:::\n` };
  const tricks: Array<[string, Files]> = [
    ['config -> ../../.. escape', { 'host/etc/xen/evil.cfg': { symlink: '../../../outside/shadow' } }],
    ['config -> far ../ escape', { 'host/etc/xen/evil.cfg': { symlink: `${'../'.repeat(40)}outside/shadow` } }],
    ['config -> absolute outside', { 'host/etc/xen/evil.cfg': { symlink: '@outside/shadow' } }],
    ['auto -> outside dir', { 'host/etc/xen/auto/evil.cfg': { symlink: '../../../../outside/shadow' } }],
    ['etc/xen -> outside', { 'host/etc/xen': { symlink: '../../outside' } }],
    ['etc -> /', { 'host/etc': { symlink: '/' } }],
    ['config loop', { 'host/etc/xen/a.cfg': { symlink: 'b.cfg' }, 'host/etc/xen/b.cfg': { symlink: 'a.cfg' } }],
    ['self loop', { 'host/etc/xen/self.cfg': { symlink: 'self.cfg' } }],
    ['dir loop', { 'host/etc/xen/deep': { symlink: '.' } }],
    ['dir loop to root', { 'host/etc/xen/up': { symlink: '/' } }],
    ['proc/cpuinfo -> /dev/zero escape', { 'host/proc/cpuinfo': { symlink: `${'../'.repeat(20)}dev/zero` } }],
    ['proc/cpuinfo -> outside secret', { 'host/proc/cpuinfo': { symlink: '../../outside/shadow' } }],
    ['proc/cmdline is a FIFO', { 'host/proc/cmdline': { fifo: true } }],
    ['proc/modules is a directory', { 'host/proc/modules': { dir: true } }],
    ['proc/cpuinfo is 2 GB', { 'host/proc/cpuinfo': { sparse: GB2 } }],
    ['config is a FIFO', { 'host/etc/xen/pipe.cfg': { fifo: true } }],
    ['xl-info capture is a FIFO', { 'host/.xenlint/commands/xl-info': { fifo: true } }],
    ['xl-info capture -> outside', { 'host/.xenlint/commands/xl-info': { symlink: '../../../../outside/shadow' } }],
    ['kernel -> outside', { 'host/boot/vmlinuz-6.1.0-21-amd64': { symlink: '../../outside/shadow' } }],
    ['capture.json huge', { 'host/.xenlint/capture.json': { sparse: GB2 } }],
  ];
  for (const [name, extra] of tricks) {
    const cmd = pick(['check', 'facts'] as const);
    const files: Files = { host: { copyOf: fromRoot(HOST) }, ...outsideShadow, ...extra };
    add({ cls: 'symlinks', name: `${cmd} --root: ${name}`, args: cmd === 'check' ? ['check', '--root', 'host', '--format', pick(FORMATS)] : ['facts', '--root', 'host', '--format', 'json'], files, secrets: [shadow], expect: [0, 1, 2], why: 'a host tree that points outside itself, loops, or holds special files' });
  }

  // ---- Hostile baselines ---------------------------------------------------------------
  const baselines: Array<[string, string]> = [
    ['null', 'null'],
    ['array', '[]'],
    ['string', '"findings"'],
    ['number', '1e999'],
    ['findings null', '{"findings": null}'],
    ['findings [null]', '{"findings": [null]}'],
    ['findings of numbers', '{"findings": [1, 2, 3]}'],
    ['fingerprint object', '{"findings": [{"fingerprint": {"$ref": "#"}}]}'],
    ['cyclic-looking $ref', '{"$ref": "#", "findings": {"$ref": "#/findings"}}'],
    ['__proto__ pollution', '{"__proto__": {"findings": []}, "constructor": {"prototype": {"polluted": 1}}}'],
    ['empty file', ''],
    ['truncated JSON', '{"findings": [{"fingerprint": "ab'],
    ['NUL bytes', '{"findings": [\u0000]}'],
    ['YAML not JSON', 'findings:\n  - fingerprint: x\n'],
  ];
  for (const [name, text] of baselines) {
    add({ cls: 'baseline', name, args: ['lint', 'web.cfg', '--xen', '4.17', '--baseline', 'base.json'], files: { 'web.cfg': guest('web'), 'base.json': text }, expect: [2], why: 'a baseline that is not a baseline' });
  }
  add({ cls: 'baseline', name: 'config baseline: outside the tree', args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.yaml': 'baseline: /dev/zero\n' }, expect: [2], why: 'a config naming a device as its baseline' });
  add({ cls: 'baseline', name: 'write-baseline over a baseline of null', args: ['lint', 'web.cfg', '--xen', '4.17', '--baseline', 'base.json', '--write-baseline', 'base.json'], files: { 'web.cfg': guest('web'), 'base.json': 'null' }, outputs: ['base.json'], expect: [0, 1, 2], why: 'rewriting a broken baseline' });

  // ---- Plugins: code from the repository must not run -----------------------------------
  const canaryAt = (id: string) => join(workOf(id), 'canary');
  const pluginCase = (name: string, config: string, files: Files, expect: number[], args: string[] = [], env?: Record<string, string>, cwd?: string) => {
    const id = `plugins/${name}`;
    const canary = canaryAt(id);
    const all: Files = { 'web.cfg': guest('web'), ...files };
    for (const [k, v] of Object.entries(all)) if (typeof v === 'string') all[k] = v.replaceAll('@CANARY', canary).replaceAll('@PLUGIN', canaryPlugin(canary));
    add({ cls: 'plugins', name, args: ['lint', cwd ? '../web.cfg' : 'web.cfg', '--xen', '4.17', ...args], files: { ...all, '.xenlintrc.yaml': config.replaceAll('@CANARY', canary) }, expect, canaries: ['canary'], ...(env ? { env } : {}), ...(cwd ? { cwd } : {}), why: 'a plugin entry that would run code the user never chose' });
  };
  const dataUrl = (canary: string) => `data:text/javascript,import{writeFileSync}from'node:fs';writeFileSync('${canary}','x');export default []`;
  pluginCase('walked-up config with a plugin', 'plugins: [./site.mjs]\n', { 'site.mjs': '@PLUGIN' }, [0, 1]);
  pluginCase('walked-up config says allowPlugins', 'plugins: [./site.mjs]\nallowPlugins: true\n', { 'site.mjs': '@PLUGIN' }, [0, 1]);
  pluginCase('walked-up config from a subdirectory', 'plugins: [./site.mjs]\nallowPlugins: true\n', { 'site.mjs': '@PLUGIN', 'sub/.keep': '' }, [0, 1], [], undefined, 'sub');
  pluginCase('XENLINT_ALLOW_PLUGINS=0', 'plugins: [./site.mjs]\n', { 'site.mjs': '@PLUGIN' }, [0, 1], [], { XENLINT_ALLOW_PLUGINS: '0' });
  pluginCase('--no-plugins beats the environment', 'plugins: [./site.mjs]\n', { 'site.mjs': '@PLUGIN' }, [0, 1], ['--no-plugins'], { XENLINT_ALLOW_PLUGINS: '1' });
  const refused: Array<[string, string, Files]> = [
    ['data: URL', JSON.stringify(dataUrl('@CANARY')), {}],
    ['data: URL base64', JSON.stringify(`data:text/javascript;base64,${Buffer.from(`import{writeFileSync}from'node:fs';writeFileSync('@CANARY','x');export default []`).toString('base64')}`), {}],
    ['node:child_process', '"node:child_process"', {}],
    ['node:fs', '"node:fs"', {}],
    ['http: URL', '"http://127.0.0.1:9/p.mjs"', {}],
    ['bare package name', '"fast-check"', {}],
    ['bare file name', '"site.mjs"', { 'site.mjs': '@PLUGIN' }],
    ['../ escape', '"../outside/evil.mjs"', { '../outside/evil.mjs': '@PLUGIN' }],
    ['./a/../../ escape', '"./sub/../../outside/evil.mjs"', { 'sub/.keep': '', '../outside/evil.mjs': '@PLUGIN' }],
    ['absolute path outside', '"@OUTSIDE/evil.mjs"', { '../outside/evil.mjs': '@PLUGIN' }],
    ['file: URL outside', '"file://@OUTSIDE/evil.mjs"', { '../outside/evil.mjs': '@PLUGIN' }],
    ['symlink out', '"./link.mjs"', { '../outside/evil.mjs': '@PLUGIN', 'link.mjs': { symlink: '../outside/evil.mjs' } }],
    ['symlinked directory out', '"./lib/evil.mjs"', { '../outside/evil.mjs': '@PLUGIN', lib: { symlink: '../outside' } }],
    ['directory', '"./lib"', { 'lib/x.mjs': '@PLUGIN' }],
    ['FIFO', '"./p.mjs"', { 'p.mjs': { fifo: true } }],
    ['/dev/zero', '"/dev/zero"', {}],
    ['huge entry', JSON.stringify(`./${'a/'.repeat(20_000)}x.mjs`), {}],
  ];
  for (const [name, entry, files] of refused) {
    const id = `plugins/named config: ${name}`;
    const outside = join(dirname(workOf(id)), 'outside');
    pluginCase(`named config: ${name}`, `plugins: [${entry.replaceAll('@OUTSIDE', outside)}]\nallowPlugins: true\n`, files, [2], ['--config', '.xenlintrc.yaml']);
  }
  for (const [name, entry] of [['data: URL', JSON.stringify(dataUrl('@CANARY'))], ['node:child_process', '"node:child_process"'], ['../ escape', '"../outside/evil.mjs"']] as const) {
    pluginCase(`environment-allowed: ${name}`, `plugins: [${entry}]\n`, { '../outside/evil.mjs': '@PLUGIN' }, [2], [], { XENLINT_ALLOW_PLUGINS: '1' });
  }
  // Plugins the user allowed that misbehave: a usage error naming the plugin, never an internal error.
  const misbehaving: Array<[string, string]> = [
    ['throws a string at import', "throw 'nope';\n"],
    ['throws null at import', 'throw null;\n'],
    ['exports null', 'export default null;\n'],
    ['exports [null]', 'export default [null];\n'],
    ['getter that throws', "export default [{ get id() { throw new Error('getter'); }, title: 't', severity: 'error', needs: [], sources: ['s'], messages: { m: 'm' }, run: () => [] }];\n"],
    ['cyclic check', "const c = { id: 'site-cyclic', title: 't', severity: 'error', needs: [], sources: ['s'], messages: { m: 'm' }, run: () => [] }; c.self = c; export default [c];\n"],
    ['run returns null', "export default [{ id: 'site-null', title: 't', severity: 'error', needs: [], sources: ['s'], messages: { m: 'm' }, run: () => null }];\n"],
    ['run returns [null]', "export default [{ id: 'site-nulls', title: 't', severity: 'error', needs: [], sources: ['s'], messages: { m: 'm' }, run: () => [null, 42, 'x'] }];\n"],
    ['run throws a number', "export default [{ id: 'site-throw', title: 't', severity: 'error', needs: [], sources: ['s'], messages: { m: 'm' }, run: () => { throw 42; } }];\n"],
    ['finding with a throwing getter', "export default [{ id: 'site-getter', title: 't', severity: 'error', needs: [], sources: ['s'], messages: { m: 'm' }, run: () => [{ messageId: 'm', get data() { throw new Error('g'); }, domain: 'web' }] }];\n"],
    ['cyclic finding', "export default [{ id: 'site-cycle', title: 't', severity: 'error', needs: [], sources: ['s'], messages: { m: 'm' }, run: () => { const f = { messageId: 'm', data: {} }; f.data.self = f; f.self = f; return [f]; } }];\n"],
    ['Proxy check', "export default [new Proxy({}, { get() { throw new Error('proxy'); }, ownKeys() { throw new Error('keys'); } })];\n"],
  ];
  for (const [name, code] of misbehaving) {
    // A cyclic object is no error in itself; what matters is that nothing crashes.
    const expect = name.startsWith('cyclic') ? [0, 1, 2] : [2];
    add({ cls: 'plugins', name: `allowed plugin ${name}`, args: ['lint', 'web.cfg', '--xen', '4.17', '--plugin', 'bad.mjs', '--format', pick(FORMATS)], files: { 'web.cfg': guest('web'), 'bad.mjs': code }, expect, why: 'issue 16: misbehaving plugins ended as "internal error"' });
  }

  // ---- Outputs -------------------------------------------------------------------------
  for (const opt of ['--output', '--write-baseline'] as const) {
    add({ cls: 'outputs', name: `${opt} into a missing directory`, args: ['lint', 'web.cfg', '--xen', '4.17', opt, 'nowhere/out.txt'], files: { 'web.cfg': guest('web') }, expect: [2], why: 'issue 16: ended as internal error' });
    add({ cls: 'outputs', name: `${opt} onto a directory`, args: ['lint', 'web.cfg', '--xen', '4.17', opt, 'adir'], files: { 'web.cfg': guest('web'), adir: { dir: true } }, expect: [2], why: 'issue 16: ended as internal error' });
    add({ cls: 'outputs', name: `${opt} onto /dev/full`, args: ['lint', 'web.cfg', '--xen', '4.17', opt, '/dev/full'], files: { 'web.cfg': guest('web') }, expect: [2], why: 'a full disk' });
    add({ cls: 'outputs', name: `${opt} through a file`, args: ['lint', 'web.cfg', '--xen', '4.17', opt, 'web.cfg/out'], files: { 'web.cfg': guest('web') }, expect: [2], why: 'a path through a regular file' });
  }
  add({ cls: 'outputs', name: '--also-output into a missing directory', args: ['lint', 'web.cfg', '--xen', '4.17', '--also-output', 'sarif=nowhere/x.sarif'], files: { 'web.cfg': guest('web') }, expect: [2], why: 'an unwritable second report' });
  add({ cls: 'outputs', name: 'facts --output onto a directory', args: ['facts', '--root', fromRoot(HOST), '--output', 'adir'], files: { adir: { dir: true } }, expect: [2], why: 'an unwritable snapshot' });
  add({ cls: 'outputs', name: 'facts --capture onto a file', args: ['facts', '--capture', 'web.cfg'], files: { 'web.cfg': guest('web') }, expect: [2], why: 'a capture directory that is a file' });

  // ---- Command-line abuse ----------------------------------------------------------------
  add({ cls: 'argv', name: '--xen of 100 KB', args: ['lint', 'web.cfg', '--xen', 'x'.repeat(100_000)], files: { 'web.cfg': guest('web') }, expect: [2], why: 'a huge option value' });
  add({ cls: 'argv', name: '--deploy of 10000 names', args: ['lint', 'web.cfg', '--xen', '4.17', '--deploy', Array.from({ length: 10_000 }, (_, i) => `g${i}`).join(',')], files: { 'web.cfg': guest('web') }, expect: [2], why: 'thousands of unknown guests' });
  add({ cls: 'argv', name: 'explain an id of 100 KB', args: ['explain', 'a'.repeat(100_000)], expect: [2], why: 'a huge unknown check id (the "did you mean" search must stay linear)' });
  add({ cls: 'argv', name: 'unknown option of 100 KB', args: ['lint', 'web.cfg', `--${'f'.repeat(100_000)}`], files: { 'web.cfg': guest('web') }, expect: [2], why: 'a huge unknown option (the "did you mean" search)' });
  add({ cls: 'argv', name: 'checks key of 100 KB', args: ['lint', 'web.cfg', '--xen', '4.17'], files: { 'web.cfg': guest('web'), '.xenlintrc.yaml': `checks:\n  ${'q'.repeat(100_000)}: off\n` }, expect: [2], why: 'a huge unknown check id in the config' });
  add({ cls: 'argv', name: 'migrate a 2 GB guest', args: ['migrate', 'big.cfg', '--from', fromRoot(INFO), '--to', fromRoot(INFO)], files: { 'big.cfg': { sparse: GB2 } }, expect: [2], why: 'a huge guest config through migrate' });

  return cases;
}

/** Makes a case's files under `work` (and `../outside`). */
export function materialise(work: string, files: Files): void {
  mkdirSync(work, { recursive: true });
  mkdirSync(join(work, '.git'), { recursive: true });
  const outside = join(dirname(work), 'outside');
  mkdirSync(outside, { recursive: true });
  // Copies first, so entries can replace files inside a copied tree.
  const ordered = Object.entries(files).sort(([, a], [, b]) => Number(isCopy(b)) - Number(isCopy(a)));
  for (const [rel, entry] of ordered) {
    const path = join(work, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (!isCopy(entry)) rmSync(path, { recursive: true, force: true });
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) {
      writeFileSync(path, entry);
    } else if ('fifo' in entry) {
      execFileSync('mkfifo', [path]);
    } else if ('dir' in entry) {
      mkdirSync(path, { recursive: true });
    } else if ('sparse' in entry) {
      closeSync(openSync(path, 'w'));
      truncateSync(path, entry.sparse);
    } else if ('symlink' in entry) {
      symlinkSync(entry.symlink.startsWith('@outside/') ? join(outside, entry.symlink.slice('@outside/'.length)) : entry.symlink, path);
    } else {
      cpSync(entry.copyOf, path, { recursive: true });
    }
  }
}

function isCopy(e: Entry): boolean {
  return typeof e === 'object' && !Buffer.isBuffer(e) && 'copyOf' in e;
}
