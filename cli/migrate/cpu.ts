/**
 * What `xl info`'s hw_caps says about a host's CPU: its feature words, the
 * vendor, and which features one host has that another lacks, by the names
 * `cpuid=` uses to mask them. See cpu-features.ts for the two word layouts.
 */
import { satisfiesXen } from '../model/xen-version.js';
import { CPUID_FEATURES } from './cpu-features.js';

/** The hw_caps layout: featureset words from Xen 4.7, Linux-style words before. */
export type CapsLayout = 'featureset' | 'linux';

export interface HwCaps {
  words: number[];
  layout: CapsLayout;
}

/** hw_caps words ("178bf3ff:76f8320b:…") in the layout of the Xen that printed them; undefined when unreadable. */
export function parseHwCaps(text: string | undefined, version: string | undefined): HwCaps | undefined {
  if (text === undefined || version === undefined) return undefined;
  const parts = text.trim().split(':');
  if (parts.length < 2 || !parts.every((p) => /^[0-9a-f]{1,8}$/i.test(p))) return undefined;
  const words = parts.map((p) => Number.parseInt(p, 16));
  // An all-zero hw_caps (some Arm and nested hosts) says nothing about features.
  if (words.every((w) => w === 0)) return undefined;
  return { words, layout: satisfiesXen(version, '>=4.7.0') ? 'featureset' : 'linux' };
}

/** Where VMX (Intel) and SVM (AMD) sit in each layout: [word, bit]. */
const VENDOR_BITS: Record<CapsLayout, { vmx: [number, number]; svm: [number, number] }> = {
  featureset: { vmx: [1, 5], svm: [3, 2] },
  linux: { vmx: [4, 5], svm: [6, 2] },
};

function bitSet(caps: HwCaps, [word, bit]: [number, number]): boolean {
  const w = caps.words[word];
  return w !== undefined && ((w >>> bit) & 1) === 1;
}

export type Vendor = 'Intel' | 'AMD';

/** The vendor from dom0's /proc/cpuinfo, else from hw_caps' VMX/SVM bits. */
export function cpuVendor(cpuinfoVendor: string | undefined, caps: HwCaps | undefined): { vendor: Vendor; from: string } | undefined {
  if (cpuinfoVendor === 'GenuineIntel') return { vendor: 'Intel', from: `vendor_id ${cpuinfoVendor} in /proc/cpuinfo` };
  if (cpuinfoVendor === 'AuthenticAMD' || cpuinfoVendor === 'HygonGenuine') return { vendor: 'AMD', from: `vendor_id ${cpuinfoVendor} in /proc/cpuinfo` };
  if (!caps) return undefined;
  const bits = VENDOR_BITS[caps.layout];
  const vmx = bitSet(caps, bits.vmx);
  const svm = bitSet(caps, bits.svm);
  if (vmx === svm) return undefined;
  return vmx ? { vendor: 'Intel', from: 'VMX bit in hw_caps' } : { vendor: 'AMD', from: 'SVM bit in hw_caps' };
}

export interface MissingFeatures {
  /** Features a guest sees by default that the target lacks, by name. */
  names: string[];
}

/**
 * Features the source host shows guests by default that the target lacks.
 * Both hw_caps must be in the same layout (else undefined: the words cannot be
 * compared); only the words both print are compared, and only bits the table
 * knows as guest-visible count (in the Linux layout that leaves out Linux's
 * synthetic and VIA words too).
 */
export function missingFeatures(from: HwCaps, to: HwCaps): MissingFeatures | undefined {
  if (from.layout !== to.layout) return undefined;
  const column = from.layout === 'featureset' ? 1 : 2;
  const names: string[] = [];
  for (const [name, w47, w46, bit, guest] of CPUID_FEATURES) {
    if (!guest) continue;
    const word = column === 1 ? w47 : w46;
    if (word === undefined) continue;
    const a = from.words[word];
    const b = to.words[word];
    if (a === undefined || b === undefined) continue;
    if (((a >>> bit) & 1) === 1 && ((b >>> bit) & 1) === 0) names.push(name);
  }
  return { names };
}

/** Whether `cpuid=` can name this feature (libxl's table has it). */
export function maskable(name: string): boolean {
  return CPUID_FEATURES.some((f) => f[0] === name && f[5]);
}

/**
 * The features a libxl `cpuid=` string turns off: `"host,avx2=0,aes=0"` or a
 * list of such words. Any other form (xend's `['1:ecx=…']` register masks) is
 * undefined: xenlint cannot tell which features it removes.
 */
export function maskedFeatures(cpuid: unknown): Set<string> | undefined {
  const text = Array.isArray(cpuid) ? cpuid.filter((x): x is string => typeof x === 'string').join(',') : typeof cpuid === 'string' ? cpuid : undefined;
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.some((s) => /^0x[0-9a-f]+:|^\d+:/i.test(s))) return undefined;
  const off = new Set<string>();
  for (const item of items) {
    const m = /^([a-z0-9_.-]+)=([01xks])$/i.exec(item);
    // Only 0 clears a feature; "x" leaves it at the default (xl.cfg(5), cpuid).
    if (m && m[2] === '0') off.add(m[1]!.toLowerCase());
  }
  return off;
}
