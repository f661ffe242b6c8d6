/**
 * The hypervisor's boot command line, as `xl info` / `xm info` report it in
 * `xen_commandline` (xm 4.0+, xl 4.1+).
 *
 * Xen options are space separated, `name` or `name=value`
 * (docs/misc/xen-command-line.pandoc, "Types of parameter"). Tokens that are
 * not Xen options are dropped:
 * - `placeholder`, which GRUB2's 20_linux_xen puts where Xen expects the image
 *   name (xen-facts.md A3);
 * - a leading absolute path (the image name, as some loaders pass it);
 * - everything after a bare `--`, which Xen hands to dom0's kernel instead
 *   (x86 `__start_xen` splits the multiboot command line at " -- ").
 */
import type { CmdlineOption } from '../model/facts.js';
import { readXenSize } from './units.js';

export type { CmdlineOption };

/** Splits on blanks; a double-quoted stretch may contain blanks, the quotes are removed. */
function tokens(raw: string): string[] {
  const out: string[] = [];
  let current = '';
  let inToken = false;
  let quoted = false;
  for (const ch of raw) {
    if (ch === '"') {
      quoted = !quoted;
      inToken = true;
      continue;
    }
    if (!quoted && /\s/.test(ch)) {
      if (inToken) out.push(current);
      current = '';
      inToken = false;
      continue;
    }
    current += ch;
    inToken = true;
  }
  if (inToken) out.push(current);
  return out;
}

export function parseXenCmdline(raw: string): CmdlineOption[] {
  const options: CmdlineOption[] = [];
  const list = tokens(raw);
  for (let i = 0; i < list.length; i++) {
    const token = list[i] ?? '';
    if (token === '--') break;
    if (token === 'placeholder') continue;
    if (i === 0 && token.startsWith('/') && !token.includes('=')) continue;
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq < 0) options.push({ name: token });
    else options.push({ name: token.slice(0, eq), value: token.slice(eq + 1) });
  }
  return options;
}

/**
 * Linux treats `-` and `_` in parameter names alike; recent Xen is believed to
 * do the same (unconfirmed: not verified in xen/common/kernel.c), and no Xen
 * option has two spellings that differ only there, so matching both is safe.
 */
function sameName(a: string, b: string): boolean {
  return a.replace(/-/g, '_') === b.replace(/-/g, '_');
}

/**
 * The value of the last occurrence of `name` (Xen applies options left to
 * right, so the last one wins); '' for a bare flag; undefined when absent.
 */
export function cmdlineValue(options: CmdlineOption[], name: string): string | undefined {
  for (let i = options.length - 1; i >= 0; i--) {
    const o = options[i];
    if (o && sameName(o.name, name)) return o.value ?? '';
  }
  return undefined;
}

const TRUE_WORDS = new Set(['yes', 'on', 'true', 'enable', '1']);
const FALSE_WORDS = new Set(['no', 'off', 'false', 'disable', '0']);

/**
 * A Xen boolean option (pandoc "Boolean"): `name`, `name=<true word>` or
 * `no-name`, `name=<false word>`. Undefined when absent or not a boolean.
 */
export function cmdlineBoolean(options: CmdlineOption[], name: string): boolean | undefined {
  for (let i = options.length - 1; i >= 0; i--) {
    const o = options[i];
    if (!o) continue;
    if (sameName(o.name, name)) {
      if (o.value === undefined) return true;
      const v = o.value.toLowerCase();
      if (TRUE_WORDS.has(v)) return true;
      if (FALSE_WORDS.has(v)) return false;
      return undefined;
    }
    if (o.value === undefined && o.name.startsWith('no-') && sameName(o.name.slice(3), name)) return false;
  }
  return undefined;
}

export interface Dom0Mem {
  /** `min:<size>`, MiB. */
  minMiB?: number;
  /** `max:<size>`, MiB: also dom0's ballooning ceiling. */
  maxMiB?: number;
  /** The bare `<size>`: dom0's initial allocation, MiB. */
  amountMiB?: number;
  /**
   * Terms whose size depends on the host's memory and so cannot be resolved
   * from the command line alone: negative sizes (`-1G`, "all but") and
   * fractions (`25%`, `1G+25%`), as written, e.g. "max:-1G".
   */
  relative?: string[];
  /** Terms xenlint could not read, as written. */
  invalid?: string[];
}

const MIB = 2 ** 20;

type SizeTerm = { kind: 'absolute'; mib: number } | { kind: 'relative' } | { kind: 'invalid' };

/** `<sz>` of dom0_mem: `<size>`, `-<size>`, `<frac>%` or `<size>+<frac>%`. */
function readSizeTerm(text: string): SizeTerm {
  if (text.startsWith('-')) {
    const r = readXenSize(text.slice(1));
    return r && !r.percent && r.rest === '' ? { kind: 'relative' } : { kind: 'invalid' };
  }
  const r = readXenSize(text);
  if (!r) return { kind: 'invalid' };
  if (r.percent) return r.rest === '%' && r.bytes < 100 ? { kind: 'relative' } : { kind: 'invalid' };
  if (r.rest === '') return { kind: 'absolute', mib: r.bytes / MIB };
  if (r.rest.startsWith('+')) {
    const frac = readXenSize(r.rest.slice(1));
    return frac && frac.percent && frac.rest === '%' && frac.bytes < 100 ? { kind: 'relative' } : { kind: 'invalid' };
  }
  return { kind: 'invalid' };
}

/**
 * dom0's memory from `dom0_mem=` (pandoc "dom0_mem (x86)": a list of
 * `min:<sz>`, `max:<sz>`, `<sz>`; "dom0_mem (ARM)": a single `<size>`).
 * Sizes without a suffix are KiB, as Xen reads them: `dom0_mem=524288` is
 * 512 MiB. Only the last `dom0_mem=` counts. Undefined when the option is
 * absent.
 */
export function dom0MemFromCmdline(options: CmdlineOption[]): Dom0Mem | undefined {
  const raw = cmdlineValue(options, 'dom0_mem');
  if (raw === undefined) return undefined;
  const out: Dom0Mem = {};
  const relative: string[] = [];
  const invalid: string[] = [];
  for (const term of raw.split(',')) {
    if (term === '') continue;
    let slot: 'minMiB' | 'maxMiB' | 'amountMiB' = 'amountMiB';
    let body = term;
    if (term.startsWith('min:')) {
      slot = 'minMiB';
      body = term.slice(4);
    } else if (term.startsWith('max:')) {
      slot = 'maxMiB';
      body = term.slice(4);
    }
    const size = readSizeTerm(body);
    if (size.kind === 'absolute') out[slot] = size.mib;
    else if (size.kind === 'relative') relative.push(term);
    else invalid.push(term);
  }
  if (raw === '') invalid.push('');
  if (relative.length) out.relative = relative;
  if (invalid.length) out.invalid = invalid;
  return out;
}
