/**
 * The only commands xenlint runs, all read-only. Plain `xl list` / `xm list`
 * (the table) gives what the memory checks need (dom0's size, the running
 * guests with their memory and vCPUs). `xl list -l` is not used: it prints each
 * guest's whole configuration, VNC passwords included, which a capture must not
 * carry, and it is slow on hosts with many guests.
 */
import type { Probe } from '../model/facts.js';
import type { CommandResult } from './source.js';
import { redactSecrets } from './redact.js';

export const XL_INFO = ['xl', 'info'] as const;
/** `xl info -n` adds the cpu_topology and numa_info tables; kept as evidence. */
export const XL_INFO_NUMA = ['xl', 'info', '-n'] as const;
export const XL_LIST = ['xl', 'list'] as const;
/** xend-era hosts (Xen ≤ 4.4): xl absent (≤ 3.4) or not the toolstack in use. */
export const XM_INFO = ['xm', 'info'] as const;
export const XM_LIST = ['xm', 'list'] as const;
/**
 * Xen's boot messages, read only when `info` has no `xen_commandline` (xm < 4.0,
 * xl < 4.1): they hold the hypervisor command line and the scheduler in use.
 */
export const XL_DMESG = ['xl', 'dmesg'] as const;
export const XM_DMESG = ['xm', 'dmesg'] as const;

export const DEFAULT_TIMEOUT_MS = 10_000;

/** stderr kept in a Probe: enough for the message, not a whole log. */
const MAX_PROBE_STDERR = 4000;

export function commandProbe(
  argv: readonly string[],
  r: CommandResult,
  provides?: Probe['provides'],
): Probe {
  const probe: Probe = { name: argv.join(' '), status: r.status, command: [...argv] };
  if (provides) probe.provides = provides;
  if (r.status === 'ok') {
    probe.exitCode = r.exitCode;
    return probe;
  }
  probe.detail = r.detail;
  if (r.status === 'error') {
    if (r.exitCode !== undefined) probe.exitCode = r.exitCode;
    const stderr = (r.stderr ?? '').trim();
    if (stderr !== '') probe.stderr = redactSecrets(stderr.length > MAX_PROBE_STDERR ? `${stderr.slice(0, MAX_PROBE_STDERR)}…` : stderr);
  }
  return probe;
}
