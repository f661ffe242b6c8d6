/**
 * Reader for /etc/xen/xl.conf, xl's host-wide settings. The file uses the same
 * libxlu grammar as domU configs, so parseXlConfig does the reading; this adds
 * what is specific to xl.conf (docs/man/xl.conf.5.pod.in, xen-facts.md C2).
 *
 * xl, like for domU configs, says nothing about keys it does not know, so a typo
 * such as `autoballon` silently leaves the default in place: reported here as info.
 */
import type { Diagnostic } from '../model/diagnostic.js';
import { parseXlConfig } from './xl-config.js';

/** Keys documented in xl.conf(5) (4.x, up to 4.20-era `bootloader_restrict`). */
export const XL_CONF_KEYS = new Set([
  'autoballoon',
  'run_hotplug_scripts',
  'lockfile',
  'max_grant_frames',
  'max_maptrack_frames',
  'max_grant_version',
  'vif.default.script',
  'vif.default.bridge',
  'vif.default.backend',
  'vif.default.gatewaydev',
  'remus.default.netbufscript',
  'colo.default.proxyscript',
  'output_format',
  'blkdev_start',
  'claim_mode',
  'vm.cpumask',
  'vm.hvm.cpumask',
  'vm.pv.cpumask',
  'domid_policy',
  'bootloader_restrict',
]);

/** Old names xl.conf(5) says not to use, with their replacement. */
const DEPRECATED: Record<string, string> = {
  vifscript: 'vif.default.script',
  defaultbridge: 'vif.default.bridge',
};

export interface XlConf {
  values: Record<string, string | number>;
  lines: Record<string, number>;
  diagnostics: Diagnostic[];
}

/** Reads xl.conf; the last setting of a key wins. Never throws. */
export function parseXlConf(text: string, file: string): XlConf {
  const parsed = parseXlConfig(text, file);
  const out: XlConf = { values: {}, lines: {}, diagnostics: [...parsed.diagnostics] };
  const note = (severity: Diagnostic['severity'], message: string, line: number, column: number, code: string): void => {
    out.diagnostics.push({ severity, message, line, column, code, file });
  };
  for (const e of parsed.entries) {
    const v = e.value;
    if (v.kind === 'unreadable') continue;
    if (v.kind !== 'string' && v.kind !== 'number') {
      note('warning', `\`${e.key}\` should be a single value, not a list (xl ignores it: "is a list but should be a single value")`, e.line, e.column, 'xl-conf-value');
      continue;
    }
    if (e.op === '+=') {
      // libxlu concatenates strings for `+=`; xl then refuses it where a number is read.
      const prev = out.values[e.key];
      out.values[e.key] = prev === undefined ? v.value : `${prev}${v.kind === 'number' ? v.raw : v.value}`;
    } else {
      out.values[e.key] = v.value;
    }
    out.lines[e.key] = e.line;
    const replacement = DEPRECATED[e.key];
    if (replacement) note('warning', `\`${e.key}\` is deprecated in xl.conf; use \`${replacement}\``, e.line, e.column, 'xl-conf-deprecated');
    else if (!XL_CONF_KEYS.has(e.key)) note('info', `\`${e.key}\` is not an xl.conf setting that xenlint knows; xl ignores unknown keys silently (typo?)`, e.line, e.column, 'xl-conf-unknown-key');
  }
  out.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return out;
}
