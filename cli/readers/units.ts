/**
 * Sizes as admins and Xen write them, and as xenlint prints them.
 *
 * Every unit is binary (K = 2^10, M = 2^20, ...), as in Xen's `<size>` type
 * (docs/misc/xen-command-line.pandoc, "Size"), in xm/xl memory figures and in
 * `xl info`. xenlint reads `GB`/`GiB`/`G` alike as 2^30: an annotation that says
 * `200GB` almost always copies a figure some tool printed in binary units.
 */

export type SizeUnit = 'B' | 'K' | 'M' | 'G' | 'T';

const SHIFT: Record<SizeUnit, number> = { B: 0, K: 10, M: 20, G: 30, T: 40 };

const HUMAN_SIZE = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:([bkmgtBKMGT])(?:[iI]?[bB])?)?$/;

/**
 * Bytes in a human-written size: `200G`, `160G`, `2T`, `512M`, `1.5T`,
 * `200GiB`, `4096` (in `defaultUnit`). Fractions are allowed and rounded to a
 * whole byte, so `1.5T` is 1649267441664. Undefined for anything else
 * (negative, empty, unknown unit, beyond 2^53).
 */
export function parseSize(text: string, defaultUnit: 'B' | 'K' | 'M' | 'G'): number | undefined {
  const m = HUMAN_SIZE.exec(text.trim());
  if (!m || m[1] === undefined) return undefined;
  const unit = (m[2]?.toUpperCase() ?? defaultUnit) as SizeUnit;
  const bytes = Math.round(Number(m[1]) * 2 ** SHIFT[unit]);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/**
 * Reads a size at the start of `text` the way Xen's `parse_size_and_unit()`
 * does (xen/lib/parse-size.c@HEAD, formerly xen/common/lib.c): an integer in C
 * base-0 notation (`0x` hex, leading-`0` octal, else decimal), then at most one
 * suffix letter B/K/M/G/T in either case; no suffix means KiB. When the number
 * is followed by `%` it is returned unscaled, as Xen does for dom0_mem's
 * fraction form. Returns the bytes and the unread remainder, or undefined when
 * no digits start the text.
 */
export function readXenSize(text: string): { bytes: number; rest: string; percent: boolean } | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(text);
  if (!m || m[1] === undefined) return undefined;
  const digits = m[1];
  let value: number;
  if (/^0[xX]/.test(digits)) value = parseInt(digits.slice(2), 16);
  else if (digits.length > 1 && digits.startsWith('0')) value = parseInt(digits.slice(1), 8);
  else value = parseInt(digits, 10);
  let rest = text.slice(digits.length);
  const suffix = rest.charAt(0);
  if (suffix === '%') return { bytes: value, rest, percent: true };
  let shift = 10;
  const unit = suffix.toUpperCase();
  if (unit in SHIFT && unit !== '') {
    shift = SHIFT[unit as SizeUnit];
    rest = rest.slice(1);
  }
  const bytes = value * 2 ** shift;
  if (!Number.isSafeInteger(bytes)) return undefined;
  return { bytes, rest, percent: false };
}

/** A whole Xen `<size>` (nothing may follow it), in bytes. */
export function parseXenSize(text: string): number | undefined {
  const r = readXenSize(text.trim());
  return r && !r.percent && r.rest === '' ? r.bytes : undefined;
}

/** 16319 -> "16 319", grouping thousands with a space (no locale dependence). */
function groupThousands(n: number): string {
  const [int = '0', frac] = String(n).split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return sign + grouped + (frac !== undefined ? `.${frac}` : '');
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * MiB for messages: whole GiB/TiB when exact ("128 GiB", "2 TiB"), otherwise
 * MiB with grouped thousands ("16 319 MiB").
 */
export function formatMiB(n: number): string {
  if (!Number.isFinite(n)) return `${n} MiB`;
  if (n !== 0 && Number.isInteger(n)) {
    if (n % (1024 * 1024) === 0) return `${groupThousands(n / (1024 * 1024))} TiB`;
    if (n % 1024 === 0) return `${groupThousands(n / 1024)} GiB`;
  }
  return `${groupThousands(round2(n))} MiB`;
}

const BYTE_UNITS: Array<[string, number]> = [
  ['TiB', 2 ** 40],
  ['GiB', 2 ** 30],
  ['MiB', 2 ** 20],
  ['KiB', 2 ** 10],
];

/**
 * Bytes for messages: the largest binary unit that divides exactly
 * ("200 GiB"), else the largest unit >= 1 with one decimal ("117.7 MiB"),
 * else plain bytes ("512 bytes").
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return `${n} bytes`;
  const abs = Math.abs(n);
  if (abs !== 0) {
    for (const [name, size] of BYTE_UNITS) {
      if (abs >= size && n % size === 0) return `${groupThousands(n / size)} ${name}`;
    }
    for (const [name, size] of BYTE_UNITS) {
      if (abs >= size) return `${groupThousands(Math.round((n / size) * 10) / 10)} ${name}`;
    }
  }
  return `${groupThousands(n)} bytes`;
}
