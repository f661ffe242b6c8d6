/**
 * xend-config.sxp as xend reads it (tools/python/xen/xend/XendOptions.py;
 * XendRoot.py before 3.1): its booleans, its defaults when a key is absent,
 * and where a finding about one of its keys points.
 */
import type { Finding } from '../../cli/model/contract.js';
import type { Facts } from '../../cli/model/facts.js';
import type { Dom0Facts } from '../../cli/model/facts.js';
import { unquote } from './address.js';

export type XendConfig = NonNullable<Dom0Facts['xendConfig']>;

/** The words XendOptions.get_config_bool takes for true and false. */
const TRUE = new Set(['yes', 'y', '1', 'on', 'true', 't']);
const FALSE = new Set(['no', 'n', '0', 'off', 'false', 'f']);

/** xend-config.sxp as read from dom0, when it was. */
export function xendConfigOf(facts: Facts): XendConfig | undefined {
  return facts.dom0?.xendConfig;
}

/** A key's value without quotes, or undefined when the file does not set it. */
export function xendValue(x: XendConfig, key: string): string | undefined {
  const v = x.values[key];
  return v === undefined ? undefined : unquote(v);
}

/** A boolean key as get_config_bool reads it, `fallback` (xend's code default) when absent; undefined when the value is none of its words. */
export function xendBool(x: XendConfig, key: string, fallback: boolean): boolean | undefined {
  const v = xendValue(x, key);
  if (v === undefined) return fallback;
  const w = v.toLowerCase();
  if (TRUE.has(w)) return true;
  if (FALSE.has(w)) return false;
  return undefined;
}

/** The file and line of a key of xend-config.sxp (the line only when the key is set). */
export function xendPlace(x: XendConfig, key: string): Pick<Finding, 'file' | 'line' | 'column' | 'key'> {
  const line = x.lines[key];
  return { file: x.file, key, ...(line !== undefined ? { line, column: 1 } : {}) };
}

const LOCAL_PATTERNS = new Set(['localhost', 'localhost.localdomain', '127.0.0.1', '::1']);

/** True when every xend-relocation-hosts-allow pattern admits only the local host (the example file's setting). */
export function localOnlyPatterns(allow: string): boolean {
  const patterns = unquote(allow).split(/\s+/).filter((p) => p !== '');
  if (patterns.length === 0) return false; // '' means: allow every host
  return patterns.every((p) => LOCAL_PATTERNS.has(p.replace(/^\^/, '').replace(/\$$/, '').replace(/\\+/g, '')));
}
