/**
 * One reading of a guest config in a shape both sides can fill: what Xen's real
 * xl derived (from its dry-run JSON or its error) and what xenlint derived (from
 * DomainFacts). Compared field by field; each differing field is a class of
 * disagreement in the summary.
 */
import { isRefusal, type DomainFacts } from '../../../cli/model/facts.js';
import { XL_REFUSAL_CODES } from '../../../cli/readers/xl-reading.js';
import { configStringBytes, type ConfigEncoding } from '../../../cli/readers/config-bytes.js';

export interface Reading {
  refused: boolean;
  /** The first thing xl prints about the refusal, and its line when it gives one. */
  error?: { line?: number; message: string };
  type?: string;
  name?: string;
  /** KiB as decimal strings: values beyond 2^53 stay exact. */
  targetMemKb?: string;
  maxMemKb?: string;
  maxVcpus?: number;
  availVcpus?: number;
  kernel?: string;
  disks?: Array<Record<string, string | number | undefined>>;
  nics?: Array<Record<string, string | undefined>>;
  vnc?: boolean;
  pci?: string[];
  on?: Record<string, string>;
}

export interface XlRun {
  stdout: Buffer;
  stderr: Buffer;
  code: number | null;
  signal: string | null;
}

/** Big integers in xl's JSON (memory in KiB can pass 2^53) kept as text. */
function parseJsonExact(text: string): unknown {
  return JSON.parse(text.replace(/(:\s*)(-?\d{16,})(\s*[,\n}])/g, '$1"$2"$3'));
}

const ERROR_LINE = /^(?:.*?):(\d+): config parsing error (.*)$/s;

/** xl's reading: its JSON when it accepted the file, else its first error. */
export function xlReading(run: XlRun, file: string): Reading {
  const stderr = run.stderr.toString('latin1');
  const lines = stderr
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('Parsing config from') && !/: warning: /.test(l) && !l.startsWith('warning: ') && !/^WARNING/.test(l));
  if (run.code !== 0) {
    const first = lines.find((l) => !l.startsWith('Failed to parse config')) ?? lines[0] ?? `exit ${run.code ?? run.signal}`;
    const m = ERROR_LINE.exec(first.replace(file, 'F'));
    if (m) return { refused: true, error: { line: Number(m[1]), message: `config parsing error ${m[2]}` } };
    if (run.signal === 'SIGABRT' || /Assertion/.test(first)) return { refused: true, error: { message: 'xl aborts (assertion failed)' } };
    // libxl's own log lines: "libxl: error: FILE:LINE:FUNCTION: MESSAGE".
    const libxl = /^libxl: error: [^:]+:\d+:[^:]+: (.*)$/.exec(first);
    // libxlu prints its reason for a pci entry without a line break, run into xl's own line; xenlint writes "; " between.
    const own = first.replace(`${file}: `, '').replace(/^xl: /, '').replace(/^(Unknown (?:RDM policy|PCI_SPEC_STRING option): .*?)(unable to parse PCI_SPEC_STRING `)/s, '$1; $2');
    return { refused: true, error: { message: libxl ? libxl[1]! : own } };
  }
  const d = parseJsonExact(run.stdout.toString('latin1')) as Record<string, any>;
  const c = d['c_info'] ?? {};
  const b = d['b_info'] ?? {};
  const hvm = b['type.hvm'];
  const out: Reading = { refused: false, type: c.type };
  if (c.name !== undefined) out.name = c.name;
  if (b.target_memkb !== undefined) out.targetMemKb = String(b.target_memkb);
  if (b.max_memkb !== undefined) out.maxMemKb = String(b.max_memkb);
  if (b.max_vcpus !== undefined) out.maxVcpus = b.max_vcpus;
  // An empty bitmap (vcpus = 0) is not printed.
  out.availVcpus = b.avail_vcpus?.length ?? 0;
  if (b.kernel !== undefined) out.kernel = b.kernel;
  out.disks = (d['disks'] ?? []).map((x: Record<string, any>) => ({
    target: x.pdev_path ?? '',
    vdev: x.vdev,
    cdrom: x.is_cdrom ? 1 : 0,
    rw: x.readwrite ? 1 : 0,
  }));
  out.nics = (d['nics'] ?? []).map((x: Record<string, any>) => ({ mac: x.mac, bridge: x.bridge, model: x.model, nictype: x.nictype }));
  const vnc = hvm ? hvm.vnc?.enable : d['vfbs']?.[0]?.vnc?.enable;
  out.vnc = vnc === 'True';
  out.pci = (d['pcidevs'] ?? []).map((p: Record<string, any>) => bdf(p.domain ?? 0, p.bus ?? 0, p.dev ?? 0, p.func ?? 0));
  // libxl's JSON leaves out the default (destroy) and spells actions with `_`, rename-restart as restart_rename.
  const action = (a: string | undefined): string => (a === undefined ? 'destroy' : a === 'restart_rename' ? 'rename-restart' : a.replaceAll('_', '-'));
  out.on = { poweroff: action(d['on_poweroff']), reboot: action(d['on_reboot']), crash: action(d['on_crash']) };
  return out;
}

export function bdf(domain: number, bus: number, dev: number, func: number): string {
  const h = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  return `${h(domain, 4)}:${h(bus, 2)}:${h(dev, 2)}.${h(func, 1)}`;
}

/** xenlint's reading of the same file, from DomainFacts alone. */
export function xenlintReading(d: DomainFacts, encoding: ConfigEncoding): Reading {
  return asBytes(xenlintView(d), encoding);
}

/** Strings as the bytes they stand for (one character per byte), as xl's side reads its JSON. */
function asBytes(r: Reading, encoding: ConfigEncoding): Reading {
  const conv = (v: unknown): unknown =>
    typeof v === 'string' ? configStringBytes(v, encoding).toString('latin1') : Array.isArray(v) ? v.map(conv) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conv(x)])) : v;
  return conv(r) as Reading;
}

function xenlintView(d: DomainFacts): Reading {
  const firstError = d.diagnostics.find((x) => isRefusal(x) && XL_REFUSAL_CODES.has(x.code!));
  if (firstError) {
    const error: { line?: number; message: string } = { message: firstError.message };
    if (firstError.xlLine !== undefined) error.line = firstError.xlLine;
    return { refused: true, error };
  }
  const x = d.xl;
  const out: Reading = { refused: false, type: d.type, name: d.name };
  if (x?.targetMemKb !== undefined) out.targetMemKb = String(x.targetMemKb);
  if (x?.maxMemKb !== undefined) out.maxMemKb = String(x.maxMemKb);
  if (x?.maxVcpus !== undefined) out.maxVcpus = x.maxVcpus;
  out.availVcpus = d.vcpus ?? 0;
  if (x?.kernel !== undefined) out.kernel = x.kernel;
  // An item xl stops at (a list inside the list) is listed for the checks but read as no device.
  const read = <T extends { invalid?: string }>(xs: T[]): T[] => xs.filter((x) => !/must be a string/.test(x.invalid ?? ''));
  out.disks = read(d.disks).map((k) => ({ target: k.target ?? '', vdev: k.vdev, cdrom: k.devtype === 'cdrom' ? 1 : 0, rw: k.access !== undefined && /w/.test(k.access) ? 1 : 0 }));
  out.nics = read(d.vifs).map((v) => ({ mac: v.mac, bridge: v.bridge, model: v.model, nictype: v.type === undefined ? undefined : v.type === 'ioemu' ? 'vif_ioemu' : 'vif' }));
  out.vnc = x?.vnc ?? false;
  out.pci = x?.pci ?? [];
  out.on = { poweroff: x?.on['poweroff'] ?? 'destroy', reboot: x?.on['reboot'] ?? 'restart', crash: x?.on['crash'] ?? 'destroy' };
  return out;
}

/** Names of the fields that differ ("refused", "error", "type", "disks", ...). */
export function differences(xl: Reading, ours: Reading): string[] {
  const diffs: string[] = [];
  if (xl.refused !== ours.refused) return [xl.refused ? 'refused by xl only' : 'refused by xenlint only'];
  if (xl.refused) {
    if (xl.error?.line !== ours.error?.line) diffs.push('error line');
    if (!ours.error?.message.startsWith(xl.error?.message ?? '')) diffs.push('error message');
    return diffs;
  }
  for (const k of ['type', 'name', 'targetMemKb', 'maxMemKb', 'maxVcpus', 'availVcpus', 'kernel', 'disks', 'nics', 'vnc', 'pci', 'on'] as const) {
    // yajl will not print a string that is not UTF-8: xl's JSON leaves such a name out.
    if (k === 'name' && xl.name === undefined && ours.name !== undefined && !isUtf8(ours.name)) continue;
    if (JSON.stringify(xl[k]) !== JSON.stringify(ours[k])) diffs.push(k);
  }
  return diffs;
}

function isUtf8(s: string): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(s, 'latin1'));
    return true;
  } catch {
    return false;
  }
}
