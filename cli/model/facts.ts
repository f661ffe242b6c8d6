/**
 * The Facts model: one typed object that every check reads. Parsers and the
 * gatherer fill it; checks never see raw text. `schemas/facts.schema.json`
 * describes the same shape for saved snapshots; keep the two in step.
 *
 * Absent means "not known": a field left out was not gathered or could not be
 * read, and checks must treat it as unknown (skip or report), never as zero/false.
 */
import type { Diagnostic } from './diagnostic.js';
import type { Dialect } from './config-model.js';

export const FACTS_SCHEMA_VERSION = 1;

/** A guest ABI as Xen names it in `xen_caps` (the part after `xen-3.0-` / `hvm-3.0-`). */
export type GuestAbi = 'x86_32' | 'x86_32p' | 'x86_64' | 'ia64' | 'ia64be' | 'aarch64' | 'armv7l';

export interface CapToken {
  /** As printed, e.g. "xen-3.0-x86_32p". */
  token: string;
  /** xen = paravirtualised guests, hvm = hardware-assisted guests. */
  kind: 'xen' | 'hvm';
  abi: string;
}

export interface CmdlineOption {
  name: string;
  /** Absent for a bare flag such as `noreboot`. */
  value?: string;
}

export interface HostFacts {
  /** Where the facts came from: a file path, "xl info", "xm info", or "--xen". */
  source: string;
  toolstack?: 'xm' | 'xl';
  /** Semver of the hypervisor, e.g. "3.0.4", "4.17.4-pre"; see cli/model/xen-version.ts. */
  version?: string;
  /** The version as Xen prints it: major.minor + extra, e.g. "3.0.4-1". */
  versionText?: string;
  arch?: 'x86' | 'arm' | 'ia64' | 'powerpc';
  /** Hypervisor bitness, from xen_caps (never from `machine`, which is dom0's uname). */
  hypervisorBits?: 32 | 64;
  /** True for a 32-bit PAE hypervisor; false for 32-bit non-PAE; absent on 64-bit. */
  hypervisorPae?: boolean;
  caps?: CapToken[];
  /** ABIs of PV guests this hypervisor runs (from `xen-3.0-*` tokens). */
  pvAbis?: GuestAbi[];
  /** ABIs of HVM guests (from `hvm-3.0-*` tokens); empty = no VT-x/AMD-V. */
  hvmAbis?: GuestAbi[];
  scheduler?: string;
  nrCpus?: number;
  cpuMhz?: number;
  totalMemoryMiB?: number;
  /** Already excludes outstanding claims (xl 4.3+). */
  freeMemoryMiB?: number;
  outstandingClaimsMiB?: number;
  virtCaps?: string[];
  commandline?: { raw: string; options: CmdlineOption[] };
  /** dom0's uname: `release` and `machine` fields. */
  dom0Release?: string;
  dom0Machine?: string;
  /** Every field as printed, trimmed, continuation lines joined. */
  fields: Record<string, string>;
  /** Line of each field in the source file, for findings that point at it. */
  fieldLines?: Record<string, number>;
}

export interface Bridge {
  name: string;
  ports: string[];
}

export interface Dom0Facts {
  /** `uname -r` of dom0 (from /proc/sys/kernel/osrelease or xl info `release`). */
  kernelRelease?: string;
  /** True when /proc/xen/capabilities says control_d. */
  isDom0?: boolean;
  cmdline?: string;
  /** Loaded kernel modules (names as in /proc/modules). */
  modules?: string[];
  /** Running process names (/proc/PID/comm). */
  processes?: string[];
  /** CPU flags from /proc/cpuinfo (vmx, svm, pae, lm, ...), union over CPUs. */
  cpuFlags?: string[];
  /** /proc/cpuinfo `vendor_id` (GenuineIntel, AuthenticAMD): the host CPU's vendor. */
  cpuVendor?: string;
  /** dom0 cpufreq state from /sys/devices/system/cpu/cpu* /cpufreq. */
  cpufreq?: { drivers: string[]; governors: string[] };
  bridges?: Bridge[];
  /** All network interface names in /sys/class/net. */
  interfaces?: string[];
  netloop?: { loaded: boolean; nloopbacks?: number };
  /** xend-config.sxp: each top-level key with its value flattened to text. */
  xendConfig?: { file: string; values: Record<string, string>; lines: Record<string, number> };
  /** xl.conf: each key with its value. */
  xlConf?: { file: string; values: Record<string, string | number>; lines: Record<string, number> };
  /** dom0's current memory (xl list), MiB. */
  memoryMiB?: number;
  /** Guests running now (xl list -l / xm list --long). */
  running?: Array<{ name: string; memoryMiB?: number; vcpus?: number }>;
}

export interface KernelFacts {
  path: string;
  /** The ABI the kernel asks for; "bimodal" 32-bit kernels fit x86_32 or x86_32p. */
  abi?: GuestAbi | 'x86_32-bimodal';
  bits?: 32 | 64;
  /** PAE mode from the Xen ELF note or __xen_guest section: yes | no | bimodal | extended-cr3. */
  pae?: string;
  source: 'elf' | 'annotation' | 'unknown';
  /** Why the ABI is unknown (unreadable, not an ELF, not gathered, ...). */
  reason?: string;
  /** Line of the kernel= key or of the annotation. */
  line?: number;
  column?: number;
}

export interface XlFacts {
  /** b_info.target_memkb / max_memkb: KiB as decimal text, exact beyond 2^53. */
  targetMemKb?: string;
  maxMemKb?: string;
  maxVcpus?: number;
  kernel?: string;
  vnc: boolean;
  /** Passed-through devices as dddd:bb:dd.f. */
  pci: string[];
  /** on_poweroff, on_reboot, on_crash as xl reads them (defaults included). */
  on: Record<string, string>;
}

export interface DiskFacts {
  index: number;
  spec: string;
  line: number;
  column: number;
  target?: string;
  vdev?: string;
  devtype: 'disk' | 'cdrom';
  access?: string;
  format?: string;
  /** xm prefix or xl backendtype/script: phy, file, tap:aio, qcow2, ... */
  backend?: string;
  sizeBytes?: number;
  sizeSource?: 'file' | 'block-device' | 'annotation';
  /** Why the size is unknown, when it is. */
  sizeUnknown?: string;
  /**
   * The backing device or image with every symlink resolved (`/dev/vg0/web` →
   * `/dev/dm-3`), read on the host; absent in lint mode or when it cannot be resolved.
   */
  resolvedPath?: string;
  /** The cluster filesystem the guests sharing this disk run (`# xenlint: cluster-fs=…`). */
  clusterFs?: string;
  /** The spec did not parse: the parser's message. */
  invalid?: string;
}

export interface VifFacts {
  index: number;
  spec: string;
  line: number;
  column: number;
  /** Parsed key=value pairs and flags (flags map to "true"). */
  keys: Record<string, string>;
  type?: string;
  model?: string;
  bridge?: string;
  mac?: string;
  invalid?: string;
}

export type KeyValue = string | number | boolean | null | KeyValue[] | { [k: string]: KeyValue };

export interface KeyFact {
  /** The literal value; null when the text needs evaluation (see `unreadable`). */
  value: KeyValue;
  unreadable?: string;
  line: number;
  column: number;
}

export interface Annotation {
  name: string;
  value: string;
  line: number;
  column: number;
}

export interface Suppression {
  /** Check ids; empty = all checks. */
  ids: string[];
  scope: 'next-line' | 'file';
  /** The line the suppression applies to (next-line), or its own line (file). */
  line: number;
  column: number;
  /** Where the directive itself is written (for "suppresses nothing" findings). */
  directiveLine?: number;
  directiveColumn?: number;
  reason?: string;
}

export interface DomainFacts {
  name: string;
  file?: string;
  dialect: Dialect;
  type: 'pv' | 'hvm' | 'pvh';
  /** Which key decided the type: "type", "builder", "kernel=hvmloader", or "default". */
  typeSource: string;
  /** Starts with the host (/etc/xen/auto, or xendomains). Absent = unknown. */
  autostart?: boolean;
  memoryMiB?: number;
  maxmemMiB?: number;
  vcpus?: number;
  maxvcpus?: number;
  kernel?: KernelFacts;
  bootloader?: string;
  /** What xl itself derives (xl_parse.c), for a config xl reads; see cli/readers/xl-reading.ts. */
  xl?: XlFacts;
  disks: DiskFacts[];
  vifs: VifFacts[];
  /** Every key of the config with its literal value and position. */
  keys: Record<string, KeyFact>;
  annotations: Annotation[];
  suppressions: Suppression[];
  /** What the config parser reported (syntax, unreadable text, ...). */
  diagnostics: Diagnostic[];
}

/**
 * Diagnostic codes that mean "the toolstack refuses this file": libxlu's lexer or
 * grammar, xl_parse.c stopping at a setting or a device, or Python rejecting an
 * xm config. Either way the toolstack exits before creating anything.
 */
export const REFUSAL_CODES: ReadonlySet<string> = new Set(['xl-lexical', 'xl-syntax', 'xl-refused', 'xl-refused-device', 'xm-syntax']);

/**
 * Why the toolstack that reads this guest's config refuses it (its first
 * refusal), or undefined when it reads it. A refused file yields the refusal
 * and nothing else: the engine hides such a guest from every check but the one
 * that reports the refusal (Check.seesRefused).
 */
export function refusalOf(d: DomainFacts): Diagnostic | undefined {
  return d.diagnostics.find(isRefusal);
}

/** A diagnostic that is a refusal of the toolstack (see REFUSAL_CODES). */
export function isRefusal(x: Diagnostic): boolean {
  return x.severity === 'error' && x.code !== undefined && REFUSAL_CODES.has(x.code);
}

/** How one piece of evidence was obtained, so checks can tell "absent" from "failed". */
export interface Probe {
  /** e.g. "xl info", "/proc/modules", "kernel:/boot/vmlinuz-2.6.16". */
  name: string;
  status: 'ok' | 'skipped' | 'error';
  /**
   * Which part of the Facts this probe feeds. When that part is absent because the
   * probe failed (status error), checks needing it report "error" with this probe's
   * detail instead of "skipped".
   */
  provides?: 'host' | 'dom0' | 'domains';
  detail?: string;
  command?: string[];
  exitCode?: number;
  stderr?: string;
}

export interface Facts {
  schemaVersion: typeof FACTS_SCHEMA_VERSION;
  /** live | root | snapshot | info-file | target | configs */
  origin: string;
  /** The --root directory, when evidence was read from one. */
  root?: string;
  host?: HostFacts;
  dom0?: Dom0Facts;
  domains?: DomainFacts[];
  probes: Probe[];
  /** Problems reading host-level inputs (info output, xend-config.sxp, ...). */
  diagnostics: Diagnostic[];
  /** When the host was read (ISO 8601), for facts saved by `xenlint facts`; a plain xl/xm info output has no date. */
  capturedAt?: string;
  /** The file these facts were loaded from (`--facts`): a saved capture, whose free memory is as of then. */
  savedIn?: string;
}

/**
 * How a saved capture is named in messages: `xm-info.txt (captured
 * 2026-12-01 10:00 UTC, 5 days before this run)`, or `… (when it was taken is
 * unknown)`. Undefined when the facts are live.
 */
export function captureLabel(facts: Facts, now: Date = new Date()): string | undefined {
  if (facts.savedIn === undefined) return undefined;
  const at = facts.capturedAt !== undefined ? new Date(facts.capturedAt) : undefined;
  if (at === undefined || Number.isNaN(at.getTime())) return `${facts.savedIn} (when it was taken is unknown)`;
  const stamp = at.toISOString().replace(/:\d\d\.\d+Z$|:\d\dZ$/, ' UTC').replace('T', ' ');
  return `${facts.savedIn} (captured ${stamp}, ${age(now.getTime() - at.getTime())})`;
}

function age(ms: number): string {
  if (ms < 0) return 'after this run\'s clock';
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  const amount = days >= 1 ? `${days} day${days === 1 ? '' : 's'}` : hours >= 1 ? `${hours} hour${hours === 1 ? '' : 's'}` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `${amount} before this run`;
}

export function emptyFacts(origin: string): Facts {
  return { schemaVersion: FACTS_SCHEMA_VERSION, origin, probes: [], diagnostics: [] };
}
