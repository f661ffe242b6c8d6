/**
 * xl-autoballoon: xl set to balloon dom0 down while `dom0_mem` fixes dom0's
 * size on the Xen command line.
 *
 * With autoballoon on, xl takes memory from dom0 whenever a new guest does
 * not fit in free memory. An admin who set dom0_mem did so to give dom0 a
 * fixed, sufficient amount; xl.conf(5) recommends "off" (or "auto") in that
 * case. xl reads the setting in two ways:
 * - from 4.3: a string, "on"/"1", "off"/"0" or "auto" (the default: off when
 *   dom0_mem is on the command line); anything else makes xl print "invalid
 *   autoballoon option" and keep "auto" (RELEASE-4.3.0:tools/libxl/xl.c,
 *   parse_global_config and auto_autoballoon);
 * - 4.1 and 4.2: a number, default 1 (on), read with xlu_cfg_get_long, which
 *   takes strtol's forms and turns down words such as "off" — then the
 *   default, on, stays (RELEASE-4.1.0:tools/libxl/xl.c and RELEASE-4.2.0:tools/libxl/xl.c;
 *   the example xl.conf has `#autoballoon=1` in 4.1/4.2 and `"auto"` from 4.3).
 */
import { type CheckContext, type CmdlineOption, cmdlineValue, defineCheck, dom0MemFromCmdline, type Facts, type Finding, hostPlace, placed, satisfiesXen, shownVersion, type Skip, versionOf, xenLabel } from './api.js';

/** xl of these versions reads autoballoon as a number and defaults to 1. */
export const NUMERIC_AUTOBALLOON = '<4.3.0';

export const XL_CONF = '/etc/xen/xl.conf';

export type Reading =
  | { state: 'on'; why: string }
  | { state: 'off'; why: string }
  | { state: 'auto'; why: string }
  /** A value xl does not understand: what it prints and what it uses instead. */
  | { state: 'invalid'; why: string; prints: string; uses: 'on' | 'auto' };

/** strtol(text, &end, 0) accepting the whole text: decimal, 0x hex, leading-0 octal, optional sign. */
export function strtolWhole(text: string): number | undefined {
  const t = text.trim();
  const m = /^([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.exec(t);
  if (!m || m[2] === undefined) return undefined;
  const body = m[2];
  const n = /^0x/i.test(body) ? parseInt(body.slice(2), 16) : body.startsWith('0') ? parseInt(body, 8) || 0 : parseInt(body, 10);
  return m[1] === '-' ? -n : n;
}

/**
 * What xl makes of xl.conf's `autoballoon` (undefined = not set) on this
 * version: `numeric` for 4.1/4.2, string keywords from 4.3.
 */
export function readAutoballoon(value: string | number | undefined, numeric: boolean): Reading {
  if (numeric) {
    if (value === undefined) return { state: 'on', why: 'not set in xl.conf: xl of 4.1/4.2 defaults to 1 (on)' };
    const n = typeof value === 'number' ? value : strtolWhole(value);
    if (n === undefined) {
      return { state: 'invalid', why: `autoballoon="${value}" is not a number`, prints: "parameter `autoballoon' is not a valid number", uses: 'on' };
    }
    return n === 0 ? { state: 'off', why: `autoballoon=${value}` } : { state: 'on', why: `autoballoon=${value}` };
  }
  if (value === undefined) return { state: 'auto', why: 'not set in xl.conf: "auto" is the default' };
  const text = String(value);
  if (text === 'on' || text === '1') return { state: 'on', why: `autoballoon=${typeof value === 'number' ? value : `"${value}"`}` };
  if (text === 'off' || text === '0') return { state: 'off', why: `autoballoon="${text}"` };
  if (text === 'auto') return { state: 'auto', why: 'autoballoon="auto"' };
  return { state: 'invalid', why: `autoballoon="${text}" is none of on, off, auto, 1, 0`, prints: 'invalid autoballoon option', uses: 'auto' };
}

/** "2048 MiB" from dom0_mem's amount (or its max: alone), when it is a fixed figure. */
/** `{{size}}` is "512 MiB " or "size " (no space after it in the template). */
const SHRINK =
  'xl will shrink dom0 below the {{size}}set by dom0_mem whenever a guest does not fit in free memory, and a dom0 squeezed that way can run out of memory itself';

function dom0MemMiB(options: CmdlineOption[]): number | undefined {
  const mem = dom0MemFromCmdline(options);
  if (!mem) return undefined;
  const mib = mem.amountMiB ?? mem.maxMiB;
  return mib === undefined ? undefined : Math.ceil(mib);
}

/** The xl.conf probe says the file is absent (xl then runs on its defaults). */
function xlConfMissing(facts: Facts): boolean {
  return facts.probes.some((p) => p.name === XL_CONF && p.status === 'skipped');
}

function run(facts: Facts, ctx: CheckContext): Finding[] | Skip {
  const host = facts.host;
  const dom0 = facts.dom0;
  if (!host || !dom0) return { skip: 'needs host and dom0 facts' };
  const version = versionOf(facts, ctx);
  if (version === undefined) return { skip: 'Xen version unknown; pass --xen' };
  if (host.toolstack === 'xm') {
    return {
      skip: "the host's toolstack is xm (xend): xl.conf's autoballoon is not used; xend's dom0 ballooning is set in xend-config.sxp (enable-dom0-ballooning, dom0-min-mem)",
    };
  }
  const cmdline = host.commandline;
  if (!cmdline) {
    return { skip: `the Xen command line is unknown (no xen_commandline in ${host.source}), so whether dom0_mem is set cannot be told` };
  }
  const dom0Mem = cmdlineValue(cmdline.options, 'dom0_mem');
  if (dom0Mem === undefined) return [];
  const conf = dom0.xlConf;
  if (!conf && !xlConfMissing(facts)) {
    return { skip: `${XL_CONF} was not read, so xl's autoballoon setting is unknown` };
  }
  const numeric = satisfiesXen(version, NUMERIC_AUTOBALLOON);
  const raw = conf?.values['autoballoon'];
  const reading = readAutoballoon(raw, numeric);
  const mib = dom0MemMiB(cmdline.options);
  const xen = xenLabel(shownVersion(facts, ctx));
  const line = conf?.lines['autoballoon'];
  const place: Pick<Finding, 'file' | 'line' | 'column' | 'key'> = conf
    ? { file: conf.file, ...(line !== undefined ? { line, column: 1 } : {}), key: 'autoballoon' }
    : { ...hostPlace(facts, 'xen_commandline'), key: 'autoballoon' };
  const evidence: Record<string, string | number> = {
    dom0_mem: dom0Mem,
    xen_commandline: cmdline.raw,
    xen_version: version,
    autoballoon: raw === undefined ? (conf ? 'not set' : `${XL_CONF} absent`) : String(raw),
    xl_reads_autoballoon_as: numeric ? 'a number (4.1/4.2), default 1' : 'on|off|auto (4.3+), default auto',
  };
  if (mib !== undefined) evidence['dom0_mem_mib'] = mib;
  const data = { xen, why: reading.why, dom0Mem, size: mib !== undefined ? `${mib} MiB ` : 'size ' };
  const fix = numeric
    ? `Set autoballoon=0 in ${XL_CONF} (xl of 4.1/4.2 reads a number: "off" is not one).`
    : `Set autoballoon="off" (or "auto", the default) in ${XL_CONF}.`;

  if (reading.state === 'on') {
    return [placed(place, {
      messageId: 'balloons-dom0',
      data,
      remediation: fix,
      evidence,
    })];
  }
  if (reading.state === 'invalid') {
    if (reading.uses === 'on') {
      return [placed(place, {
        messageId: 'invalid-keeps-on',
        data: { ...data, prints: reading.prints },
        remediation: fix,
        evidence,
      })];
    }
    return [placed(place, {
      severity: 'info',
      messageId: 'invalid-uses-auto',
      data: { xen, why: reading.why, prints: reading.prints, dom0Mem },
      remediation: `Write autoballoon="off" (or "auto") in ${XL_CONF}, as xl.conf(5) recommends with dom0_mem.`,
      evidence,
    })];
  }
  return [];
}

function explain(facts: Facts, ctx: CheckContext): string[] {
  const version = versionOf(facts, ctx);
  const cmdline = facts.host?.commandline;
  const raw = facts.dom0?.xlConf?.values['autoballoon'];
  const numeric = version !== undefined && satisfiesXen(version, NUMERIC_AUTOBALLOON);
  return [
    `Xen: ${version ?? 'unknown'} (xl reads autoballoon as ${numeric ? 'a number, default 1' : 'on/off/auto, default auto'})`,
    `toolstack: ${facts.host?.toolstack ?? 'unknown'}`,
    `Xen command line: ${cmdline ? cmdline.raw || '(empty)' : 'unknown'}`,
    `dom0_mem: ${cmdline ? cmdlineValue(cmdline.options, 'dom0_mem') ?? 'not set' : 'unknown'}`,
    `xl.conf autoballoon: ${facts.dom0?.xlConf ? raw ?? 'not set' : xlConfMissing(facts) ? `${XL_CONF} absent` : 'xl.conf not read'}`,
    ...(version !== undefined ? [`xl makes of it: ${readAutoballoon(raw, numeric).state}`] : []),
  ];
}

const check = defineCheck({
  id: 'xl-autoballoon',
  title: 'xl.conf lets xl balloon dom0 down although dom0_mem fixes its size',
  severity: 'warning',
  needs: ['host', 'dom0'],
  xen: '>=4.1.0',
  messages: {
    'balloons-dom0': `{{xen}}: {{why}} while dom0_mem={{dom0Mem}} is on the Xen command line: ${SHRINK}`,
    'invalid-keeps-on': `{{xen}}: {{why}} to xl of 4.1/4.2 — it prints "{{prints}}" and keeps the default, 1 (on), while dom0_mem={{dom0Mem}} is on the Xen command line: ${SHRINK}`,
    'invalid-uses-auto':
      '{{xen}}: {{why}}: xl prints "{{prints}}" and uses "auto", which with dom0_mem={{dom0Mem}} set means no ballooning — probably not what the setting was meant to say',
  },
  sources: [
    'RELEASE-4.3.0:docs/man/xl.conf.pod.5: autoballoon "off"|"on"|"auto"; "strongly recommended" off or auto with dom0_mem; default "auto"',
    'RELEASE-4.3.0:tools/libxl/xl.c: parse_global_config reads "on"/"1", "off"/"0", "auto", else prints "invalid autoballoon option"; auto_autoballoon turns ballooning off when dom0_mem is on the command line',
    'RELEASE-4.2.0:tools/examples/xl.conf has #autoballoon=1, RELEASE-4.3.0:tools/examples/xl.conf #autoballoon="auto"; RELEASE-4.2.0:tools/libxl/xl.c: int autoballoon = 1, read with xlu_cfg_get_long',
    'RELEASE-4.2.0:tools/libxl/libxlu_cfg.c: xlu_cfg_get_long uses strtol(…, 0)',
  ],
  hostOnly: run,
  explain,
});

export default check;
