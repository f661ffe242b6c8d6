/**
 * How the xl of Xen 4.0–4.14 reads one entry of `pci = [ … ]`. From 4.15 xl
 * reads a PCI_SPEC_STRING (xlu_pci_parse_spec_string, parsePciSpec in
 * xl-reading.ts); before, each release had its own reading and its own answer
 * to an entry it cannot read:
 *
 * - 4.0: two sscanf() formats, never an error; an entry with nothing but commas
 *   (or nothing at all) is retried forever: `xl create` never returns
 *   (RELEASE-4.0.0:tools/libxl/xl.c, the `pci` loop and its `goto skip_pci`).
 * - 4.1–4.5: a state machine over `[dddd:]bb:dd.f[@vslot][,key=value…]`
 *   (libxl_device_pci_parse_bdf in RELEASE-4.1.0:tools/libxl/libxl_pci.c,
 *   xlu_pci_parse_bdf in RELEASE-4.2.0:tools/libxl/libxlu_pci.c); an entry it
 *   cannot read is dropped without a word and the guest is created without the
 *   device (RELEASE-4.5.0:tools/libxl/xl_cmdimpl.c:1731, `if (!xlu_pci_parse_bdf(…))
 *   d_config->num_pcidevs++`).
 * - 4.6–4.14: the same state machine, and an entry it cannot read stops xl:
 *   "unable to parse PCI BDF `…' for passthrough" (RELEASE-4.6.0:tools/libxl/xl_cmdimpl.c:2042).
 *
 * The options each release knows: msitranslate and power_mgmt (4.1), permissive
 * (4.2), seize (4.5), rdm_policy (4.6, where a value other than strict or
 * relaxed is a parse error). Another option is printed ("Unknown PCI BDF
 * option: …") and ignored.
 */
import { satisfiesXen } from '../model/xen-version.js';

export interface LegacyPciEntry {
  /** The device as dddd:bb:dd.f; undefined when this xl cannot read the entry. */
  bdf?: string;
  /** Why it cannot: what this xl prints about the entry before giving up on it, when anything. */
  why?: string;
  /** What this xl prints and goes on (an option it does not know). */
  warnings: string[];
  /** Xen 4.0 only: xl retries this entry forever. */
  loops?: true;
}

/** What a release's xl does with an entry it cannot read. */
export type LegacyPciFailure = 'loops' | 'skipped' | 'refused';

/** How the xl of `xen` (a 4.x before 4.15) treats an entry it cannot read. */
export function legacyPciFailure(xen: string): LegacyPciFailure {
  if (satisfiesXen(xen, '<4.1.0')) return 'loops';
  return satisfiesXen(xen, '<4.6.0') ? 'skipped' : 'refused';
}

/** Whether the xl of `xen` reads `pci` entries the pre-4.15 way (this module). */
export function readsLegacyPci(xen: string | undefined): xen is string {
  return xen !== undefined && satisfiesXen(xen, '<4.15.0');
}

/** One `pci` entry as the xl of `xen` (4.0–4.14) reads it. */
export function readLegacyPciEntry(spec: string, xen: string): LegacyPciEntry {
  // C sees the string up to its first NUL.
  const nul = spec.indexOf('\0');
  const text = nul < 0 ? spec : spec.slice(0, nul);
  return satisfiesXen(xen, '<4.1.0') ? readXl40(text) : parseBdfStateMachine(text, optionsOf(xen));
}

interface Options {
  known: ReadonlySet<string>;
  /** From 4.6 rdm_policy must be strict or relaxed. */
  rdmPolicy: boolean;
}

function optionsOf(xen: string): Options {
  const known = ['msitranslate', 'power_mgmt'];
  if (satisfiesXen(xen, '>=4.2.0')) known.push('permissive');
  if (satisfiesXen(xen, '>=4.5.0')) known.push('seize');
  const rdmPolicy = satisfiesXen(xen, '>=4.6.0');
  if (rdmPolicy) known.push('rdm_policy');
  return { known: new Set(known), rdmPolicy };
}

const SPACE = ' \t\n\v\f\r';
const HEX = /^[0-9a-fA-F]$/;

/**
 * hex_convert(): strtoul(str, &end, 16) over the whole token (leading white
 * space, a sign and a 0x are allowed), then no bit outside `mask`.
 */
function hexConvert(tok: string, mask: number): number | undefined {
  let i = 0;
  while (i < tok.length && SPACE.includes(tok.charAt(i))) i++;
  let neg = false;
  if (tok.charAt(i) === '+' || tok.charAt(i) === '-') {
    neg = tok.charAt(i) === '-';
    i++;
  }
  if (tok.charAt(i) === '0' && (tok.charAt(i + 1) === 'x' || tok.charAt(i + 1) === 'X') && HEX.test(tok.charAt(i + 2))) i += 2;
  const start = i;
  while (i < tok.length && HEX.test(tok.charAt(i))) i++;
  if (i === start || i !== tok.length) return undefined;
  const digits = tok.slice(start, i).replace(/^0+/, '');
  // Anything longer than the mask allows, or negated non-zero (a huge unsigned long), has bits outside it.
  if (digits.length > 8) return undefined;
  const value = digits === '' ? 0 : parseInt(digits, 16);
  if (neg && value !== 0) return undefined;
  return (value & ~mask) === 0 ? value : undefined;
}

const enum State {
  Domain,
  Bus,
  Dev,
  Func,
  Vslot,
  OptionsKey,
  OptionsValue,
  Terminal,
}

/** xlu_pci_parse_bdf() (libxl_device_pci_parse_bdf() in 4.1), character by character as the C does. */
function parseBdfStateMachine(str: string, options: Options): LegacyPciEntry {
  const warnings: string[] = [];
  const fail = (why?: string): LegacyPciEntry => ({ warnings, ...(why !== undefined ? { why } : {}) });
  let state = State.Domain;
  let dom = 0;
  let bus = 0;
  let dev = 0;
  let func = 0;
  let tok = 0;
  let optkey = '';
  // The loop visits the terminating NUL too: it ends the last token.
  const end = str.length + 1;
  for (let p = 0; p < end; p++) {
    const c = p < str.length ? str.charAt(p) : '\0';
    const token = (): string => str.slice(tok, p);
    switch (state) {
      case State.Domain:
        if (c === ':') {
          state = State.Bus;
          const v = hexConvert(token(), 0xffff);
          if (v === undefined) return fail();
          dom = v;
          tok = p + 1;
        }
        break;
      case State.Bus:
        if (c === ':') {
          state = State.Dev;
          const v = hexConvert(token(), 0xff);
          if (v === undefined) return fail();
          bus = v;
          tok = p + 1;
        } else if (c === '.') {
          // bb:dd.f: what was read as the domain is the bus.
          state = State.Func;
          if ((dom & ~0xff) !== 0) return fail();
          bus = dom;
          dom = 0;
          const v = hexConvert(token(), 0xff);
          if (v === undefined) return fail();
          dev = v;
          tok = p + 1;
        }
        break;
      case State.Dev:
        if (c === '.') {
          state = State.Func;
          const v = hexConvert(token(), 0xff);
          if (v === undefined) return fail();
          dev = v;
          tok = p + 1;
        }
        break;
      case State.Func:
        if (c === '\0' || c === '@' || c === ',') {
          state = c === '\0' ? State.Terminal : c === '@' ? State.Vslot : State.OptionsKey;
          const t = token();
          if (t === '*') func = 0;
          else {
            const v = hexConvert(t, 0x7);
            if (v === undefined) return fail();
            func = v;
          }
          tok = p + 1;
        }
        break;
      case State.Vslot:
        if (c === '\0' || c === ',') {
          state = c === ',' ? State.OptionsKey : State.Terminal;
          if (hexConvert(token(), 0xff) === undefined) return fail();
          tok = p + 1;
        }
        break;
      case State.OptionsKey:
        if (c === '=') {
          state = State.OptionsValue;
          optkey = token();
          tok = p + 1;
        }
        break;
      case State.OptionsValue:
        if (c === ',' || c === '\0') {
          state = c === ',' ? State.OptionsKey : State.Terminal;
          const value = token();
          if (optkey === 'rdm_policy' && options.rdmPolicy) {
            if (value !== 'strict' && value !== 'relaxed') return fail(`${value} is not an valid PCI RDM property policy: 'strict' or 'relaxed'.`);
          } else if (!options.known.has(optkey)) warnings.push(`Unknown PCI BDF option: ${optkey}`);
          tok = p + 1;
        }
        break;
      case State.Terminal:
        break;
    }
  }
  if (tok !== end || state !== State.Terminal) return fail();
  return { bdf: formatBdf(dom, bus, dev, func), warnings };
}

function formatBdf(dom: number, bus: number, dev: number, func: number): string {
  const h = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  return `${h(dom, 4)}:${h(bus, 2)}:${h(dev, 2)}.${h(func, 1)}`;
}

/**
 * Xen 4.0's xl: the text before the first comma through
 * sscanf("%04x:%02x:%02x.%01x@%02x"), or when that converts nothing through
 * sscanf("%02x:%02x.%01x@%02x") with domain 0; whatever the first conversions
 * left is the device (its domain an unsigned int, so possibly more than four
 * digits). Nothing is refused; an entry strtok() finds no token in is never
 * passed over.
 */
function readXl40(str: string): LegacyPciEntry {
  const first = str.split(',').find((t) => t !== '');
  if (first === undefined) return { warnings: [], loops: true };
  const f = [0, 0, 0, 0];
  if (scanf(first, [4, ':', 2, ':', 2, '.', 1, '@', 2], f, 0) === 0) {
    f[0] = 0;
    scanf(first, [2, ':', 2, '.', 1, '@', 2], f, 1);
    f[0] = 0;
  }
  // libxl_device_pci of 4.0 keeps bus, dev and func in bit fields of 8, 5 and 3 bits (RELEASE-4.0.0:tools/libxl/libxl.h).
  return { bdf: formatBdf(f[0]!, f[1]! & 0xff, f[2]! & 0x1f, f[3]! & 0x7), warnings: [] };
}

/**
 * sscanf() with `%Nx` conversions (a number is the width) and literal
 * characters: stores the first four values into `out` from `at`, returns how
 * many conversions were made, or -1 (EOF) when the input ends before the first.
 */
function scanf(s: string, format: Array<number | string>, out: number[], at: number): number {
  let i = 0;
  let made = 0;
  let slot = at;
  for (const item of format) {
    if (typeof item === 'string') {
      if (s.charAt(i) !== item) return made;
      i++;
      continue;
    }
    while (i < s.length && SPACE.includes(s.charAt(i))) i++;
    if (i >= s.length) return made === 0 ? -1 : made;
    // The width counts the sign and the 0x prefix too.
    const limit = i + item;
    let j = i;
    let neg = false;
    if (j < limit && (s.charAt(j) === '+' || s.charAt(j) === '-')) {
      neg = s.charAt(j) === '-';
      j++;
    }
    if (j + 1 < limit && s.charAt(j) === '0' && (s.charAt(j + 1) === 'x' || s.charAt(j + 1) === 'X') && HEX.test(s.charAt(j + 2))) j += 2;
    const start = j;
    while (j < limit && j < s.length && HEX.test(s.charAt(j))) j++;
    if (j === start) return made;
    let v = parseInt(s.slice(start, j), 16);
    if (neg) v = (0x100000000 - v) % 0x100000000;
    if (slot < out.length) out[slot] = v;
    slot++;
    made++;
    i = j;
  }
  return made;
}
