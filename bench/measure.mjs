/**
 * Timing one command and comparing several in interleaved rounds: shared by the
 * benchmark (run.mjs) and the A/B of two builds (ab.mjs).
 *
 * Peak RSS and CPU time come from GNU time (`/usr/bin/time -f`) when present;
 * otherwise from polling /proc/<pid>/status (VmHWM) of the direct child, with
 * no CPU column.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p) && spawnSync(p, ['-f', '%e', 'true']).status === 0);

/** Runs a command once; stdout is discarded (the report is still produced and written). */
export function measure(cmd, args, { cwd = ROOT, shell = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const argv = shell ? ['sh', ['-c', cmd]] : [cmd, args];
    const child = GNU_TIME
      ? spawn(GNU_TIME, ['-f', '\n@@bench %e %U %S %M', argv[0], ...argv[1]], { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
      : spawn(argv[0], argv[1], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let hwm = 0;
    const poll = GNU_TIME
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwm = Math.max(hwm, Number(m[1]));
          } catch {
            /* exited */
          }
        }, 10);
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = (performance.now() - t0) / 1000;
      if (poll) clearInterval(poll);
      const m = /@@bench (\S+) (\S+) (\S+) (\d+)\s*$/.exec(stderr);
      const errText = stderr.replace(/(Command exited with non-zero status \d+\n)?\n?@@bench.*$/s, '').trim();
      if (m) resolve({ code, wall, cpu: Number(m[2]) + Number(m[3]), rssKiB: Number(m[4]), stderr: errText });
      else resolve({ code, wall, cpu: undefined, rssKiB: hwm || undefined, stderr: errText });
    });
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function summarize(samples) {
  const wall = samples.map((s) => s.wall);
  const cpu = samples.map((s) => s.cpu).filter((x) => x !== undefined);
  const rss = samples.map((s) => s.rssKiB).filter((x) => x !== undefined);
  return {
    runs: samples.length,
    medianS: median(wall),
    minS: Math.min(...wall),
    maxS: Math.max(...wall),
    ...(cpu.length ? { cpuMedianS: median(cpu) } : {}),
    ...(rss.length ? { peakRssMiB: Math.max(...rss) / 1024, medianRssMiB: median(rss) / 1024 } : {}),
  };
}

/**
 * `runs` rounds; in each, every command once, in an order that alternates
 * between rounds so that drift in the machine's load hits all of them alike.
 */
export async function compare(label, commands, runs, { progress = true } = {}) {
  const samples = commands.map(() => []);
  for (let r = 0; r < runs; r++) {
    const order = commands.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) {
      const c = commands[i];
      const s = await measure(c.cmd, c.args, c);
      const ok = c.expect ? c.expect(s.code) : s.code === 0;
      if (!ok) {
        throw new Error(`${label}: \`${c.show}\` exited ${s.code}${s.stderr ? `:\n${s.stderr.slice(0, 2000)}` : ''}`);
      }
      samples[i].push(s);
    }
    if (progress) process.stderr.write('.');
  }
  if (progress) process.stderr.write('\n');
  return samples.map(summarize);
}

