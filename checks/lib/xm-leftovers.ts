/**
 * What makes a config an xm config that xl cannot take as it is: Python that
 * xl's grammar cannot hold (xl refuses the whole file), and xm options xl does
 * not read (it ignores them without a word). config-readability, unknown-key
 * and xend-removed share these answers; from Xen 4.5, where xm and xend are
 * gone (9e8672f1c3), xend-removed reports each such file once.
 */
import type { DomainFacts } from '../../cli/model/facts.js';
import type { Diagnostic } from '../../cli/model/diagnostic.js';
import { satisfiesXen } from '../../cli/model/xen-version.js';
import { XL_KEYS, XM_KEYS, XM_ONLY_INSTEAD, isVendorKey, isXlIdentifier } from './keys.js';

/** xm and xend removed (9e8672f1c3, first in 4.5): every config is xl's. */
export const XEND_REMOVED = '>=4.5.0';

export function xendRemovedAt(version: string | undefined): boolean {
  return version !== undefined && satisfiesXen(version, XEND_REMOVED);
}

/** `xm silently ignores \`OVM_x\`: …` — Oracle VM's own metadata is meant for its agent, not for xm. */
export function isVendorDrop(d: Diagnostic): boolean {
  if (d.code !== 'xm-dropped') return false;
  const m = /`([^`]+)`/.exec(d.message);
  return m?.[1] !== undefined && isVendorKey(m[1]);
}

export interface Obstacle {
  what: string;
  line: number;
  column: number;
}

/** The first thing in a file read as Python that xl's grammar cannot hold. */
export function firstXlObstacle(d: DomainFacts): Obstacle | undefined {
  const found: Obstacle[] = [];
  for (const diag of d.diagnostics) {
    if (diag.code === 'not-static') found.push({ what: 'a Python statement or expression', line: diag.line, column: diag.column });
    if (diag.code === 'xm-dropped' && !isVendorDrop(diag)) found.push({ what: 'a Python value (True/False, None, a tuple, a dict or a u\'…\' string)', line: diag.line, column: diag.column });
  }
  for (const [key, k] of Object.entries(d.keys)) {
    if (!isXlIdentifier(key)) found.push({ what: `the name \`${key}\` (xl names are lowercase: [a-z][._0-9a-z]*)`, line: k.line, column: k.column });
    else if (k.unreadable !== undefined) found.push({ what: `the value of \`${key}\`, which needs evaluation (${k.unreadable})`, line: k.line, column: k.column });
    else if (typeof k.value === 'number' && (!Number.isInteger(k.value) || k.value < 0)) {
      found.push({ what: `the number ${k.value} for \`${key}\` (xl numbers have no sign and no decimal point)`, line: k.line, column: k.column });
    }
  }
  found.sort((a, b) => a.line - b.line || a.column - b.column);
  return found[0];
}

export interface XmOnlyKey {
  key: string;
  line: number;
  column: number;
  /** What xl uses instead, when there is an equivalent. */
  instead?: string;
}

/** True for a name xl would read as a key but does not know, and xm does. */
export function isXmOnlyKey(key: string): boolean {
  return isXlIdentifier(key) && !XL_KEYS.has(key) && (XM_ONLY_INSTEAD.has(key) || XM_KEYS.has(key));
}

/** The xm options of a config that xl ignores, in file order. */
export function xmOnlyKeys(d: DomainFacts): XmOnlyKey[] {
  const out: XmOnlyKey[] = [];
  for (const [key, k] of Object.entries(d.keys)) {
    if (!isXmOnlyKey(key)) continue;
    const instead = XM_ONLY_INSTEAD.get(key);
    out.push({ key, line: k.line, column: k.column, ...(instead !== undefined ? { instead } : {}) });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
