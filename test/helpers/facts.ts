/**
 * Builders for the inputs of the checks' unit tests: Facts, HostFacts,
 * DomainFacts, VifFacts, DiskFacts and a CheckContext, each with the defaults
 * the tests share, so that a test spells out only what it varies. What the
 * real readers would derive (the decoded xen_caps, the parsed Xen command line,
 * a vif's keys) is derived here the same way, never typed twice by hand.
 */
import { renderFinding, runWhole, type Check, type CheckContext, type Finding, type Skip } from '../../checks/api.js';
import { FACTS_SCHEMA_VERSION, type DiskFacts, type Dom0Facts, type DomainFacts, type Facts, type HostFacts, type KeyFact, type VifFacts } from '../../cli/model/facts.js';
import type { Dialect } from '../../cli/model/config-model.js';
import { parseConfig } from '../../cli/readers/config.js';
import { decodeCaps } from '../../cli/readers/info.js';
import { parseXenCmdline } from '../../cli/readers/xen-cmdline.js';
import { buildDomain } from '../../cli/readers/domain.js';

/** `o` without its undefined entries: a fact left undefined stays absent, not a key holding undefined. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface FactsParts {
  host?: HostFacts | undefined;
  dom0?: Dom0Facts | undefined;
  domains?: DomainFacts[] | undefined;
  probes?: Facts['probes'];
}

/** Facts holding only the parts given: an absent part stays absent (unknown), as checks must see it. */
export function facts(parts: FactsParts = {}): Facts {
  const f: Facts = { schemaVersion: FACTS_SCHEMA_VERSION, origin: 'test', probes: parts.probes ?? [], diagnostics: [] };
  if (parts.host) f.host = parts.host;
  if (parts.dom0) f.dom0 = parts.dom0;
  if (parts.domains) f.domains = parts.domains;
  return f;
}

export interface HostSpec extends Partial<Omit<HostFacts, 'version' | 'commandline' | 'caps'>> {
  /** `xen_caps` as `xl info` prints it: decoded (caps, guest ABIs, arch, bitness, PAE) as the info reader does, and kept in `fields`. */
  xenCaps?: string;
  /** `xen_commandline` as printed: parsed into options as the info reader does. */
  cmdline?: string;
}

/** Host facts as read from an info output (`source`, by default the toolstack's "xl info" or "xm info"), at `version` when known. */
export function host(version: string | undefined, spec: HostSpec = {}): HostFacts {
  const { xenCaps, cmdline, ...rest } = spec;
  const h: HostFacts = { source: `${spec.toolstack ?? 'xl'} info`, fields: {}, ...defined(rest) };
  if (version !== undefined) h.version = version;
  if (xenCaps !== undefined) {
    const { caps, pvAbis, hvmAbis, arch, bits, pae } = decodeCaps(xenCaps);
    Object.assign(h, defined({ caps, pvAbis, hvmAbis, arch, hypervisorBits: bits, hypervisorPae: pae }));
    h.fields = { ...h.fields, xen_caps: xenCaps };
  }
  if (cmdline !== undefined) h.commandline = { raw: cmdline, options: parseXenCmdline(cmdline) };
  return h;
}

/** xend-config.sxp as dom0's reader leaves it: its values, each on the next line from `firstLine`. */
export function xendConfig(values: Record<string, string>, firstLine: number): NonNullable<Dom0Facts['xendConfig']> {
  const lines: Record<string, number> = {};
  Object.keys(values).forEach((k, i) => (lines[k] = firstLine + i));
  return { file: '/etc/xen/xend-config.sxp', values, lines };
}

/**
 * A guest as buildDomain leaves it, without a config text: an xm-dialect PV
 * guest in /etc/xen/NAME.cfg with no keys, disks or vifs unless `over` says
 * otherwise. An HVM guest's type comes from `builder`, a PV guest's is the default.
 */
export function domain(name: string, over: Partial<DomainFacts> = {}): DomainFacts {
  const type = over.type ?? 'pv';
  return {
    name,
    file: `/etc/xen/${name}.cfg`,
    dialect: 'xm',
    type,
    typeSource: type === 'hvm' ? 'builder' : 'default',
    disks: [],
    vifs: [],
    keys: {},
    annotations: [],
    suppressions: [],
    diagnostics: [],
    ...defined(over),
  };
}

/** A guest built by the real pipeline (parseConfig + buildDomain) from config text. */
export function domainFromText(text: string, dialect?: Dialect, file = '/etc/xen/g.cfg'): DomainFacts {
  return buildDomain(parseConfig(text, file, dialect ? { dialect } : {}));
}

/** A config line setting `key` to a list of quoted specs, one item a line, as admins write disk = [...] and vif = [...]. */
export function listLine(key: string, items: string[]): string {
  return `${key} = [ ${items.map((s) => `'${s}'`).join(',\n  ')} ]\n`;
}

/** A config key with its literal value at `line` (column 1 unless given). */
export function key(value: KeyFact['value'], line: number, column = 1): KeyFact {
  return { value, line, column };
}

/**
 * A vif whose keys are read from its spec's comma-separated `key=value`
 * pairs and bare flags (a flag reads as "true"); type, model, bridge and mac
 * are lifted out of them as the config reader does.
 */
export function vif(index: number, spec: string, line: number, column = 8): VifFacts {
  const keys: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    if (eq < 0) keys[p] = 'true';
    else keys[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  const v: VifFacts = { index, spec, line, column, keys };
  for (const k of ['type', 'model', 'bridge', 'mac'] as const) if (keys[k] !== undefined) v[k] = keys[k];
  return v;
}

/** One vif per spec, on consecutive lines from `firstLine`. */
export function vifs(specs: string[], firstLine: number): VifFacts[] {
  return specs.map((s, i) => vif(i, s, firstLine + i));
}

export interface DiskPlace {
  line: number;
  column: number;
  /** Bytes, as the gatherer measures a block device; absent = not measured. */
  size?: number | undefined;
  cdrom?: boolean | undefined;
}

/**
 * A disk from an xm-style `target,vdev,access` spec: the backend prefix
 * (phy:, file:, tap:aio:) is split off the target and `:cdrom` off the vdev.
 */
export function disk(index: number, spec: string, at: DiskPlace): DiskFacts {
  const [target = '', vdev = '', access = 'w'] = spec.split(',');
  const prefix = /^(tap:\w+|phy|file)(?=:)/.exec(target)?.[1];
  const d: DiskFacts = {
    index,
    spec,
    line: at.line,
    column: at.column,
    target: target.replace(/^(tap:\w+|phy|file):/, ''),
    vdev: vdev.replace(/:cdrom$/, ''),
    devtype: at.cdrom ? 'cdrom' : 'disk',
    access,
    ...(prefix ? { backend: prefix } : {}),
  };
  if (at.size !== undefined) {
    d.sizeBytes = at.size;
    d.sizeSource = 'block-device';
  } else d.sizeUnknown = 'the disk was not measured';
  return d;
}

export interface ContextSpec {
  /** The Xen version under check; absent (or empty) = unknown. */
  xen?: string | undefined;
  mode?: CheckContext['mode'];
  /** Merged over the check's defaults, as the engine does. */
  options?: Record<string, unknown> | undefined;
}

/** The context the engine would hand `check`: mode "check" unless told. */
export function context(check: Check, spec: ContextSpec = {}): CheckContext {
  const ctx: CheckContext = { mode: spec.mode ?? 'check', options: { ...check.defaults, ...spec.options } };
  if (spec.xen) ctx.xenVersion = spec.xen;
  return ctx;
}

/** The findings of a run that must not be skipped. */
export function findings<F extends Finding>(r: F[] | Skip): F[] {
  if (!Array.isArray(r)) throw new Error(`unexpected skip: ${r.skip}`);
  return r;
}

/** The reason of a run that must be skipped. */
export function skipReason(r: Finding[] | Skip): string {
  if (Array.isArray(r)) throw new Error(`expected a skip, got ${r.length} findings`);
  return r.skip;
}

/** A finding with its text rendered from the check's messages, as the engine reports it. */
export type RenderedFinding = Finding & { message: string };

/** The findings with their text, as the engine renders it; a finding the engine would refuse fails the test. */
export function rendered(check: Check, fs: Finding[]): RenderedFinding[] {
  return fs.map((f) => {
    const r = renderFinding(check, f);
    if (!r.ok) throw new Error(r.reason);
    return { ...f, message: r.text };
  });
}

/** `check` whose run() returns its findings with their text, as the engine reports them (for unit tests that match on the text). */
export type RenderingCheck = Omit<Check, 'run'> & { run(facts: Facts, ctx: CheckContext): RenderedFinding[] | Skip };

export function rendering(check: Check): RenderingCheck {
  return {
    ...check,
    run(f, ctx) {
      const r = runWhole(check, f, ctx);
      return Array.isArray(r) ? rendered(check, r) : r;
    },
  };
}

/** Runs `check` and returns its findings, their text rendered; a skip fails the test. */
export function run(check: Check, f: Facts, ctx: CheckContext = context(check)): RenderedFinding[] {
  return rendered(check, findings(runWhole(check, f, ctx)));
}

/** What a test of config checks varies around the guests: the Xen version, the host's toolstack, dom0, mode and options. */
export interface Target extends ContextSpec {
  toolstack?: 'xm' | 'xl' | undefined;
  dom0?: Dom0Facts | undefined;
}

/** Runs `check` over `domains` on a host known only by its toolstack (when given); a skip fails the test. */
export function runOnDomains(check: Check, domains: DomainFacts[], target: Target = {}): RenderedFinding[] {
  const h = target.toolstack ? host(undefined, { toolstack: target.toolstack }) : undefined;
  return run(check, facts({ host: h, dom0: target.dom0, domains }), context(check, target));
}
