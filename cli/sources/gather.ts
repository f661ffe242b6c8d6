/**
 * From an EvidenceSource (a live host, or a --root directory) to Facts: runs the
 * probes, hands each piece of evidence to its parser, and records how every
 * probe went. The same code runs for both sources, so a capture read back gives
 * the Facts of the live run it was taken from.
 *
 * Independent probes run concurrently. Nothing is written anywhere. Every text
 * read goes through redactSecrets first (see redact.ts), so Facts never carry
 * a password and a redacted capture reads back the same.
 */
import type { Dom0Facts, DomainFacts, Facts, HostFacts, Probe } from '../model/facts.js';
import { emptyFacts } from '../model/facts.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { hostFactsFromInfo, parseInfo } from '../readers/info.js';
import { readXendConfig } from '../readers/sxp.js';
import { parseXlConf } from '../readers/xl-conf.js';
import { parseConfig } from '../readers/config.js';
import { buildDomain } from '../readers/domain.js';
import { decideReader, hostReaderInputs, parseOptionsFor, type ReaderInputs } from '../readers/reader-choice.js';
import { MANIFEST_FILE } from './capture-layout.js';
import {
  DEFAULT_TIMEOUT_MS,
  XL_INFO,
  XL_INFO_NUMA,
  XL_DMESG,
  XL_LIST,
  XM_DMESG,
  XM_INFO,
  XM_LIST,
  commandProbe,
} from './commands.js';
import { isAutostartEntry, notAGuestConfig } from './config-files.js';
import {
  countLoopbackPairs,
  isDom0Row,
  parseCmdline,
  parseComm,
  parseCount,
  parseCpuFlags,
  parseCpuVendor,
  parseDomainList,
  parseModules,
  parseOsRelease,
  parseStatName,
  parseXenCapabilities,
  sysValue,
  uniqueSorted,
  type DomainList,
} from './dom0.js';
import { DEFAULT_KERNEL_MAX_BYTES, enrichDomainWithProbes, newEnrichCache } from './enrich.js';
import { childPath } from './fs-read.js';
import { mapLimit } from './pool.js';
import { redactSecrets } from './redact.js';
import { xenCommandLineFromDmesg } from './xen-dmesg.js';
import { parseXenCmdline } from '../readers/xen-cmdline.js';
import { type CommandResult, DEFAULT_TEXT_MAX_BYTES, type DirResult, type EvidenceSource, type TextResult } from './source.js';

export const DEFAULT_CONFIG_DIRS: readonly string[] = ['/etc/xen'];
export const DEFAULT_AUTO_DIR = '/etc/xen/auto';
export const XEND_CONFIG_PATH = '/etc/xen/xend-config.sxp';
export const XL_CONF_PATH = '/etc/xen/xl.conf';
/** A guest config is a few KiB; anything much bigger is not one. */
export const DEFAULT_CONFIG_MAX_BYTES = 1024 * 1024;
const SMALL_FILE = 64 * 1024;
const PROC_CONCURRENCY = 64;

export interface GatherOptions {
  /** Directories holding domU configs (default /etc/xen); subdirectories are not read. */
  configDirs?: readonly string[];
  /** xendomains' autostart directory (default /etc/xen/auto). */
  autoDir?: string;
  /** Per command (default 10 s). */
  timeoutMs?: number;
  kernelMaxBytes?: number;
  configMaxBytes?: number;
  /**
   * Who reads the host's domU configs (cli/readers/reader-choice.ts), from the
   * host's gathered facts: by default its toolstack and Xen version. A caller
   * with more to say (`--xen`, the config's `xen`) gives its own.
   */
  readerInputs?: (host: HostFacts | undefined) => ReaderInputs;
}

interface Part {
  probes: Probe[];
  diagnostics: Diagnostic[];
}

export async function gatherFacts(source: EvidenceSource, opts: GatherOptions = {}): Promise<Facts> {
  const settled = await withCaptureDefaults(source, opts);
  const hostPart = gatherHost(source, settled.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const dom0Part = gatherDom0(source);
  // Each config is read as the host's toolstack reads it, so parsing waits for the host's evidence (not the reads).
  const reader = Promise.all([hostPart, dom0Part]).then(([h, d]): ReaderFor => {
    settleToolstack(h, d);
    const inputs = (settled.readerInputs ?? hostReaderInputs)(h.host);
    const choice = decideReader(inputs);
    return () => choice;
  });
  // A failed host probe rejects through hostPart below; this copy must not be an unhandled rejection too.
  reader.catch(() => undefined);
  const [host, dom0, domains] = await Promise.all([hostPart, dom0Part, gatherDomains(source, settled, reader)]);

  const facts = emptyFacts(source.kind);
  if (source.root !== undefined) facts.root = source.root;
  let dom0Facts = dom0.dom0;
  if (host.list) dom0Facts = withDomainList(dom0Facts ?? {}, host.list);
  if (dom0Facts && dom0Facts.kernelRelease === undefined && host.host?.dom0Release !== undefined) {
    dom0Facts.kernelRelease = host.host.dom0Release;
  }
  if (host.host) facts.host = host.host;
  if (dom0Facts) facts.dom0 = dom0Facts;
  if (domains.domains) facts.domains = domains.domains;
  facts.probes = [...host.probes, ...dom0.probes, ...domains.probes];
  facts.diagnostics = [...host.diagnostics, ...dom0.diagnostics, ...domains.diagnostics];
  return facts;
}

/** With xend running, xl refuses every command that changes state: xm is the toolstack in use. */
function settleToolstack(host: HostPart, dom0: Dom0Part): void {
  if (host.host && dom0.dom0?.processes?.includes('xend')) host.host.toolstack = 'xm';
}

type ReaderFor = (file: string) => Parameters<typeof parseOptionsFor>[0];

/** A capture remembers the config directories it was taken with; reading it back uses them unless told otherwise. */
async function withCaptureDefaults(source: EvidenceSource, opts: GatherOptions): Promise<GatherOptions> {
  if (source.kind !== 'root' || (opts.configDirs !== undefined && opts.autoDir !== undefined)) return opts;
  const r = await source.readText(`/${MANIFEST_FILE}`, SMALL_FILE);
  if (!r.ok) return opts;
  try {
    const m = JSON.parse(r.text) as { options?: { configDirs?: unknown; autoDir?: unknown } };
    const out: GatherOptions = { ...opts };
    const dirs = m.options?.configDirs;
    if (out.configDirs === undefined && Array.isArray(dirs) && dirs.every((d) => typeof d === 'string')) {
      out.configDirs = dirs as string[];
    }
    const auto = m.options?.autoDir;
    if (out.autoDir === undefined && typeof auto === 'string') out.autoDir = auto;
    return out;
  } catch {
    return opts;
  }
}

// ---------------------------------------------------------------------------
// Evidence helpers

/** A file probe: missing = skipped (not there on this host), unreadable = error. */
function fileProbe(name: string, r: TextResult | DirResult, provides?: Probe['provides']): Probe {
  const p: Probe = { name, status: 'ok' };
  if (provides) p.provides = provides;
  if (r.ok) {
    if ('truncated' in r && r.truncated) p.detail = 'truncated: only the start of the file was read';
    return p;
  }
  p.status = r.status === 'missing' ? 'skipped' : 'error';
  p.detail = r.detail;
  return p;
}

async function readRedacted(source: EvidenceSource, path: string, maxBytes = SMALL_FILE): Promise<TextResult> {
  const r = await source.readText(path, maxBytes);
  return r.ok ? { ok: true, text: redactSecrets(r.text), truncated: r.truncated } : r;
}

function withFile(diags: readonly Diagnostic[], file: string): Diagnostic[] {
  return diags.map((d) => (d.file === undefined ? { ...d, file } : d));
}

// ---------------------------------------------------------------------------
// Host: xl info (or xm info) and the domain list

interface HostPart extends Part {
  host?: HostFacts;
  list?: DomainList;
}

async function gatherHost(source: EvidenceSource, timeoutMs: number): Promise<HostPart> {
  const part: HostPart = { probes: [], diagnostics: [] };
  const [xlInfo, xlNuma, xlList] = await Promise.all([
    source.run(XL_INFO, timeoutMs),
    source.run(XL_INFO_NUMA, timeoutMs),
    source.run(XL_LIST, timeoutMs),
  ]);
  const [xmInfo, xmList] = await Promise.all([
    xlInfo.status === 'ok' ? undefined : source.run(XM_INFO, timeoutMs),
    xlList.status === 'ok' ? undefined : source.run(XM_LIST, timeoutMs),
  ]);

  part.probes.push(commandProbe(XL_INFO, xlInfo, 'host'));
  if (xmInfo) part.probes.push(commandProbe(XM_INFO, xmInfo, 'host'));
  part.probes.push(commandProbe(XL_INFO_NUMA, xlNuma));
  part.probes.push(commandProbe(XL_LIST, xlList, 'dom0'));
  if (xmList) part.probes.push(commandProbe(XM_LIST, xmList, 'dom0'));

  const info = okOutput(xlInfo) !== undefined ? { text: okOutput(xlInfo) as string, name: 'xl info' } : okOutput(xmInfo) !== undefined ? { text: okOutput(xmInfo) as string, name: 'xm info' } : undefined;
  if (info) {
    const parsed = parseInfo(info.text);
    part.host = hostFactsFromInfo(parsed, info.name);
    for (const d of withFile(parsed.diagnostics, info.name)) part.diagnostics.push(d);
    if (part.host.commandline === undefined) {
      const argv = info.name === 'xl info' ? XL_DMESG : XM_DMESG;
      const dmesg = await source.run(argv, timeoutMs);
      part.probes.push(commandProbe(argv, dmesg));
      if (dmesg.status === 'ok') fillFromDmesg(part.host, redactSecrets(dmesg.stdout));
    }
  }
  const listText = okOutput(xlList) ?? okOutput(xmList);
  if (listText !== undefined) part.list = parseDomainList(listText);
  return part;
}

/** The Xen command line old `info` outputs lack, from Xen's boot messages. */
function fillFromDmesg(host: HostFacts, text: string): void {
  const raw = xenCommandLineFromDmesg(text);
  if (raw !== undefined && host.commandline === undefined) host.commandline = { raw, options: parseXenCmdline(raw) };
}

function okOutput(r: CommandResult | undefined): string | undefined {
  return r?.status === 'ok' ? redactSecrets(r.stdout) : undefined;
}

function withDomainList(dom0: Dom0Facts, list: DomainList): Dom0Facts {
  const out = { ...dom0 };
  const self = list.domains.find(isDom0Row);
  if (self?.memoryMiB !== undefined) out.memoryMiB = self.memoryMiB;
  out.running = list.domains
    .filter((d) => !isDom0Row(d))
    .map((d) => {
      const r: { name: string; memoryMiB?: number; vcpus?: number } = { name: d.name };
      if (d.memoryMiB !== undefined) r.memoryMiB = d.memoryMiB;
      if (d.vcpus !== undefined) r.vcpus = d.vcpus;
      return r;
    });
  return out;
}

// ---------------------------------------------------------------------------
// dom0: /proc, /sys and the toolstack's own config files

interface Dom0Part extends Part {
  dom0?: Dom0Facts;
}

async function gatherDom0(source: EvidenceSource): Promise<Dom0Part> {
  // cpuinfo of a big host is several hundred KiB.
  const read = (p: string): Promise<TextResult> => readRedacted(source, p, DEFAULT_TEXT_MAX_BYTES);
  const [caps, cpuinfo, modules, cmdline, osrelease, processes, cpufreq, net, netloopParam, netloopDir, xend, xlConf] =
    await Promise.all([
      read('/proc/xen/capabilities'),
      read('/proc/cpuinfo'),
      read('/proc/modules'),
      read('/proc/cmdline'),
      read('/proc/sys/kernel/osrelease'),
      readProcesses(source),
      readCpufreq(source),
      readNetwork(source),
      read('/sys/module/netloop/parameters/nloopbacks'),
      source.listDir('/sys/module/netloop'),
      readRedacted(source, XEND_CONFIG_PATH, DEFAULT_CONFIG_MAX_BYTES),
      readRedacted(source, XL_CONF_PATH, DEFAULT_CONFIG_MAX_BYTES),
    ]);

  const part: Dom0Part = { probes: [], diagnostics: [] };
  const d: Dom0Facts = {};
  let any = false;
  const file = (name: string, r: TextResult | DirResult): boolean => {
    part.probes.push(fileProbe(name, r, 'dom0'));
    if (r.ok) any = true;
    return r.ok;
  };

  if (file('/proc/xen/capabilities', caps) && caps.ok) d.isDom0 = parseXenCapabilities(caps.text);
  if (file('/proc/cpuinfo', cpuinfo) && cpuinfo.ok) {
    d.cpuFlags = parseCpuFlags(cpuinfo.text);
    const vendor = parseCpuVendor(cpuinfo.text);
    if (vendor !== undefined) d.cpuVendor = vendor;
  }
  if (file('/proc/modules', modules) && modules.ok) d.modules = parseModules(modules.text);
  if (file('/proc/cmdline', cmdline) && cmdline.ok) {
    const v = parseCmdline(cmdline.text);
    if (v !== undefined) d.cmdline = v;
  }
  if (file('/proc/sys/kernel/osrelease', osrelease) && osrelease.ok) {
    const v = parseOsRelease(osrelease.text);
    if (v !== undefined) d.kernelRelease = v;
  }

  part.probes.push(processes.probe);
  if (processes.names) {
    d.processes = processes.names;
    any = true;
  }
  part.probes.push(cpufreq.probe);
  if (cpufreq.value) {
    d.cpufreq = cpufreq.value;
    any = true;
  }
  part.probes.push(net.probe);
  if (net.interfaces) {
    d.interfaces = net.interfaces;
    d.bridges = net.bridges ?? [];
    any = true;
  }

  part.probes.push(fileProbe('/sys/module/netloop/parameters/nloopbacks', netloopParam, 'dom0'));
  const netloop = netloopState(d, netloopParam, netloopDir);
  if (netloop) d.netloop = netloop;

  if (file(XEND_CONFIG_PATH, xend) && xend.ok) {
    const x = readXendConfig(xend.text, XEND_CONFIG_PATH);
    d.xendConfig = { file: XEND_CONFIG_PATH, values: x.values, lines: x.lines };
    for (const d of withFile(x.diagnostics, XEND_CONFIG_PATH)) part.diagnostics.push(d);
  }
  if (file(XL_CONF_PATH, xlConf) && xlConf.ok) {
    const x = parseXlConf(xlConf.text, XL_CONF_PATH);
    d.xlConf = { file: XL_CONF_PATH, values: x.values, lines: x.lines };
    for (const d of withFile(x.diagnostics, XL_CONF_PATH)) part.diagnostics.push(d);
  }
  if (any) part.dom0 = d;
  return part;
}

/**
 * netloop is there when /proc/modules lists it, /sys/module/netloop exists, or
 * its vif0.N interfaces do (a netloop built into dom0's kernel shows only those).
 * nloopbacks: the parameter file when a kernel exposes it, else the vif0.N count.
 */
function netloopState(d: Dom0Facts, param: TextResult, dir: DirResult): Dom0Facts['netloop'] {
  const pairs = d.interfaces ? countLoopbackPairs(d.interfaces) : 0;
  const loaded = d.modules?.includes('netloop') === true || dir.ok || pairs > 0;
  const fromParam = param.ok ? parseCount(param.text) : undefined;
  if (loaded) {
    const n = fromParam ?? (pairs > 0 ? pairs : undefined);
    return n === undefined ? { loaded: true } : { loaded: true, nloopbacks: n };
  }
  // Absent only when both places that would show a loaded module were read.
  if (d.modules !== undefined && d.interfaces !== undefined) return { loaded: false };
  return undefined;
}

async function readProcesses(source: EvidenceSource): Promise<{ names?: string[]; probe: Probe }> {
  const name = '/proc/*/comm';
  const listing = await source.listDir('/proc');
  if (!listing.ok) return { probe: fileProbe(name, listing, 'dom0') };
  const pids = listing.entries.filter((e) => e.type === 'dir' && /^\d+$/.test(e.name)).map((e) => e.name);
  if (pids.length === 0) return { probe: { name, status: 'skipped', detail: 'no processes in /proc (not mounted?)', provides: 'dom0' } };
  const names = await mapLimit(pids, PROC_CONCURRENCY, async (pid) => {
    const comm = await source.readText(`/proc/${pid}/comm`, 256);
    if (comm.ok) return parseComm(comm.text);
    // Kernels before 2.6.33 (every Xen 3.x dom0) have no comm file.
    const stat = await source.readText(`/proc/${pid}/stat`, 4096);
    return stat.ok ? parseStatName(stat.text) : undefined;
  });
  const found = uniqueSorted(names);
  if (found.length === 0) return { probe: { name, status: 'error', detail: 'no process name could be read', provides: 'dom0' } };
  return { names: found, probe: { name, status: 'ok', provides: 'dom0' } };
}

async function readCpufreq(source: EvidenceSource): Promise<{ value?: Dom0Facts['cpufreq']; probe: Probe }> {
  const name = '/sys/devices/system/cpu/cpu*/cpufreq';
  const listing = await source.listDir('/sys/devices/system/cpu');
  if (!listing.ok) return { probe: fileProbe(name, listing, 'dom0') };
  const cpus = listing.entries.filter((e) => e.type === 'dir' && /^cpu\d+$/.test(e.name)).map((e) => e.name);
  if (cpus.length === 0) return { probe: { name, status: 'skipped', detail: 'no CPUs in /sys/devices/system/cpu (not mounted?)', provides: 'dom0' } };
  const per = await mapLimit(cpus, PROC_CONCURRENCY, async (cpu) => {
    const base = `/sys/devices/system/cpu/${cpu}/cpufreq`;
    const [driver, governor] = await Promise.all([
      source.readText(`${base}/scaling_driver`, 256),
      source.readText(`${base}/scaling_governor`, 256),
    ]);
    return { driver: driver.ok ? sysValue(driver.text) : undefined, governor: governor.ok ? sysValue(governor.text) : undefined };
  });
  const value = { drivers: uniqueSorted(per.map((p) => p.driver)), governors: uniqueSorted(per.map((p) => p.governor)) };
  const detail = value.drivers.length === 0 ? 'no cpufreq driver active in dom0' : undefined;
  return { value, probe: detail ? { name, status: 'ok', detail, provides: 'dom0' } : { name, status: 'ok', provides: 'dom0' } };
}

async function readNetwork(
  source: EvidenceSource,
): Promise<{ interfaces?: string[]; bridges?: Dom0Facts['bridges']; probe: Probe }> {
  const name = '/sys/class/net';
  const listing = await source.listDir(name);
  if (!listing.ok) return { probe: fileProbe(name, listing, 'dom0') };
  const interfaces = listing.entries.filter((e) => e.type === 'dir').map((e) => e.name);
  if (interfaces.length === 0) return { probe: { name, status: 'skipped', detail: 'no interfaces in /sys/class/net (not mounted?)', provides: 'dom0' } };
  const bridges = await mapLimit(interfaces, PROC_CONCURRENCY, async (iface) => {
    const base = childPath(name, iface);
    const [bridgeDir, brif] = await Promise.all([source.listDir(`${base}/bridge`), source.listDir(`${base}/brif`)]);
    if (!bridgeDir.ok && !brif.ok) return undefined;
    return { name: iface, ports: brif.ok ? brif.entries.map((e) => e.name) : [] };
  });
  return {
    interfaces,
    bridges: bridges.filter((b): b is { name: string; ports: string[] } => b !== undefined),
    probe: { name, status: 'ok', provides: 'dom0' },
  };
}

// ---------------------------------------------------------------------------
// domU configs, /etc/xen/auto, and each guest's kernel and disks

interface DomainsPart extends Part {
  domains?: DomainFacts[];
}

interface ConfigFile {
  /** As listed: /etc/xen/web.cfg, /etc/xen/auto/web. */
  listed: string;
  /** With symlinks resolved. */
  resolved: string;
  text: string;
  truncated: boolean;
}

async function gatherDomains(source: EvidenceSource, opts: GatherOptions, reader: Promise<ReaderFor>): Promise<DomainsPart> {
  const part: DomainsPart = { probes: [], diagnostics: [] };
  const dirs = opts.configDirs ?? DEFAULT_CONFIG_DIRS;
  const autoDir = opts.autoDir ?? DEFAULT_AUTO_DIR;
  const maxBytes = opts.configMaxBytes ?? DEFAULT_CONFIG_MAX_BYTES;

  const [listings, autoListing] = await Promise.all([
    Promise.all(dirs.map((dir) => source.listDir(dir))),
    source.listDir(autoDir),
  ]);
  const candidates: string[] = [];
  let anyListed = false;
  dirs.forEach((dir, i) => {
    const l = listings[i] as DirResult;
    part.probes.push(fileProbe(dir, l, 'domains'));
    if (!l.ok) return;
    anyListed = true;
    for (const e of l.entries) {
      if (e.type === 'file' && notAGuestConfig(e.name) === undefined) candidates.push(childPath(dir, e.name));
    }
  });
  part.probes.push(fileProbe(autoDir, autoListing));
  const autoCandidates = autoListing.ok
    ? autoListing.entries.filter((e) => e.type === 'file' && isAutostartEntry(e.name)).map((e) => childPath(autoDir, e.name))
    : [];

  const load = async (listed: string): Promise<{ config?: ConfigFile; probe: Probe }> => {
    const real = await source.realPath(listed);
    const resolved = real.ok ? real.path : listed;
    const r = await readRedacted(source, resolved, maxBytes);
    const probe = fileProbe(`config:${listed}`, r, 'domains');
    return r.ok ? { config: { listed, resolved, text: r.text, truncated: r.truncated }, probe } : { probe };
  };
  const loaded = await mapLimit(candidates, 16, load);
  const configs: ConfigFile[] = [];
  for (const l of loaded) {
    part.probes.push(l.probe);
    if (l.config) configs.push(l.config);
  }
  const seen = new Map(configs.map((c) => [c.resolved, c]));
  const autostarted = new Set<ConfigFile>();
  const autoOnly: ConfigFile[] = [];
  for (const listed of autoCandidates) {
    const real = await source.realPath(listed);
    const known = real.ok ? seen.get(real.path) : undefined;
    if (known) {
      autostarted.add(known);
      continue;
    }
    const { config: c, probe } = await load(listed);
    part.probes.push(probe);
    if (!c) continue;
    // A copy of a config (cp web.cfg auto/) starts the same guest.
    const copyOf = configs.find((k) => k.text === c.text);
    if (copyOf) autostarted.add(copyOf);
    else {
      autoOnly.push(c);
      autostarted.add(c);
    }
  }
  if (!anyListed && autoOnly.length === 0) return part;

  const cache = newEnrichCache();
  const all = [...configs, ...autoOnly];
  const readerFor = await reader;
  const built = await mapLimit(all, 16, async (c) => {
    const domain = buildDomain(parseConfig(c.text, c.listed, parseOptionsFor(readerFor(c.listed))));
    if (c.truncated) {
      domain.diagnostics.push({
        severity: 'warning',
        message: `only the first ${maxBytes} bytes of ${c.listed} were read: too big for a domU config`,
        line: 1,
        column: 1,
        file: c.listed,
        code: 'config-too-big',
      });
    }
    if (autoListing.ok) domain.autostart = autostarted.has(c);
    return enrichDomainWithProbes(domain, source, { kernelMaxBytes: opts.kernelMaxBytes ?? DEFAULT_KERNEL_MAX_BYTES, cache });
  });
  part.domains = built.map((b) => b.domain);
  // Guests sharing a kernel or a disk report it once.
  const reported = new Set<string>();
  for (const b of built) {
    for (const p of b.probes) {
      const key = JSON.stringify(p);
      if (!reported.has(key)) {
        reported.add(key);
        part.probes.push(p);
      }
    }
  }
  return part;
}
