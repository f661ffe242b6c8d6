/**
 * config-readability: what the config readers could not read, as the
 * toolstack would treat it.
 *
 * One finding per diagnostic of the config reader and of the directive
 * reader, at its position and with its severity: xl syntax and lexical errors
 * (xl refuses the whole file), Python xl cannot run, Python statements xenlint
 * does not evaluate (xm would run them; values that depend on them are unknown
 * to every check), values xm drops, bad `# xenlint:` directives.
 *
 * One more finding that no single diagnostic carries: a file read as Python
 * (xm) that xl will read — because the host runs xl, or Xen is 4.5 or later —
 * and that contains something xl's grammar has no room for.
 */
import { defineCheck, type Diagnostic, type DomainFacts, type Finding, type HostSide, toolstackFor, versionOf } from './api.js';
import { firstXlObstacle, isVendorDrop, xendRemovedAt } from './lib/xm-leftovers.js';

interface Wording {
  /** The message template: `{{guest}}`, and `{{problem}}` for the reader's own words. */
  template: string;
  remediation: string;
}

const XL_REFUSES = 'xl refuses the whole file ("Failed to parse config") and creates nothing';

/**
 * What each diagnostic code means for the guest, and what to do. The code is
 * the finding's message id (`config-readability/xl-syntax`); a diagnostic of
 * another code is `other`, and an xl lexical warning (not an error) `xl-lexical-warning`.
 */
const WORDING: Record<string, Wording> = {
  'xl-syntax': {
    template: `{{guest}}: {{problem}}: ${XL_REFUSES}`,
    remediation: 'Fix the syntax: xl configs are `key = value` lines with quoted strings, plain numbers and [ lists ] (xl.cfg(5)).',
  },
  'xl-lexical': {
    template: `{{guest}}: {{problem}}: ${XL_REFUSES}`,
    remediation: 'Fix the text at this position; xl accepts lowercase names, quoted strings, plain numbers and [ lists ] only.',
  },
  'xl-lexical-warning': {
    template: '{{guest}}: {{problem}}',
    remediation: 'Fix the text at this position; xl accepts lowercase names, quoted strings, plain numbers and [ lists ] only.',
  },
  'xl-refused': {
    template: '{{guest}}: {{problem}}',
    remediation: 'Fix the setting xl names: xl reads the file but parse_config_data() stops there, so `xl create` creates nothing.',
  },
  'xl-warning': {
    template: '{{guest}}: {{problem}}',
    remediation: 'xl prints this and leaves the setting out: write a value xl reads (a plain number, a single value where it wants one).',
  },
  'xl-pci-dropped': {
    template: '{{guest}}: {{problem}}',
    remediation: 'Write the entry the way this release reads it: [dddd:]bb:dd.f[@vslot][,option=value…], e.g. "0000:03:00.0" (xl.cfg(5) of the release).',
  },
  'xl-number': {
    template: '{{guest}}: {{problem}}',
    remediation: 'Write the number in decimal without a leading zero (or 0x… for hex), or quote it if it is meant as text.',
  },
  'xl-octal': {
    template: '{{guest}}: {{problem}}',
    remediation: 'Drop the leading zero: xl reads numbers with strtol(…, 0), so 0512 is octal (330).',
  },
  'python-under-xl': {
    template: `{{guest}}: {{problem}} ${XL_REFUSES}.`,
    remediation: 'Rewrite the file as plain `key = value` settings (no imports, variables, operators or calls), or keep it for xm.',
  },
  'not-static': {
    template: "{{guest}}: {{problem}}. xm runs it when it creates the guest, so settings that depend on it are unknown to xenlint's checks",
    remediation: 'Write the settings as literals (strings, numbers, lists) if you want them checked, or accept that xenlint cannot see them.',
  },
  // On a host where xl reads an xm file, "xm runs it" is beside the point.
  'not-static-read-by-xl': {
    template: '{{guest}}: {{problem}}; and xl, which reads this file here, runs no Python at all',
    remediation: 'Write the settings as literals (strings, numbers, lists) if you want them checked, or accept that xenlint cannot see them.',
  },
  'xm-syntax': {
    template: '{{guest}}: {{problem}}: Python rejects the file, so `xm create` fails before creating anything',
    remediation: 'Fix the Python syntax (xm configs are Python 2 programs).',
  },
  'xm-dropped': {
    template: '{{guest}}: {{problem}}',
    remediation: 'Write the value as a plain string, int, float or list (e.g. 1 instead of True, \'…\' instead of u\'…\').',
  },
  'bad-directive': {
    template: '{{guest}}: xenlint directive: {{problem}}',
    remediation: 'Fix the `# xenlint…` comment (xenlint-disable[-next-line] <ids> [-- reason], or # xenlint: name=value).',
  },
  other: {
    template: '{{guest}}: {{problem}}',
    remediation: 'Fix the config text at this position.',
  },
};

function messageIdOf(diag: Diagnostic, readByXl: boolean): string {
  if (diag.code === 'not-static' && readByXl) return 'not-static-read-by-xl';
  if (diag.code === 'xl-lexical' && diag.severity !== 'error') return 'xl-lexical-warning';
  return diag.code !== undefined && Object.hasOwn(WORDING, diag.code) ? diag.code : 'other';
}

function fromDiagnostic(domain: DomainFacts, diag: Diagnostic, readByXl: boolean): Finding {
  const messageId = messageIdOf(diag, readByXl);
  const f: Finding = {
    messageId,
    data: { guest: domain.name, problem: diag.message },
    severity: diag.severity,
    domain: domain.name,
    line: diag.line,
    column: diag.column,
    remediation: WORDING[messageId]!.remediation,
    evidence: { dialect: domain.dialect, ...(diag.code !== undefined ? { code: diag.code } : {}) },
  };
  const file = diag.file ?? domain.file;
  if (file !== undefined) f.file = file;
  return f;
}

function pythonReadByXl(d: DomainFacts, facts: HostSide, version: string | undefined): Finding | undefined {
  if (d.dialect !== 'xm') return undefined;
  // From 4.5 xend-removed says it once per file, with what to convert.
  if (xendRemovedAt(version)) return undefined;
  const choice = toolstackFor(d.dialect, facts, version);
  if (choice.toolstack !== 'xl') return undefined;
  const obstacle = firstXlObstacle(d);
  if (!obstacle) return undefined;
  const f: Finding = {
    messageId: 'python-read-by-xl',
    data: { guest: d.name, reason: choice.reason, obstacle: obstacle.what },
    severity: 'error',
    domain: d.name,
    line: obstacle.line,
    column: obstacle.column,
    remediation: 'Convert the file to xl syntax: plain `key = value` settings with literal values, lowercase names and no imports or code (xl.cfg(5)).',
    evidence: { dialect: d.dialect, toolstack: choice.toolstack, toolstack_reason: choice.reason, ...(version !== undefined ? { xen_version: version } : {}) },
  };
  if (d.file !== undefined) f.file = d.file;
  return f;
}

const check = defineCheck({
  id: 'config-readability',
  title: 'Config text the toolstack refuses or xenlint cannot read: syntax errors, Python, dropped values, bad directives',
  severity: 'error',
  needs: ['domains'],
  // It reports the refusal of a file the toolstack refuses; no other check sees such a guest.
  seesRefused: true,
  messages: {
    ...Object.fromEntries(Object.entries(WORDING).map(([id, w]) => [id, w.template])),
    'python-read-by-xl': `{{guest}}: this file is Python (an xm config), but xl reads it here ({{reason}}); xl does not run Python and cannot read {{obstacle}}: ${XL_REFUSES}`,
  },
  sources: [
    '3.0.4-branched:tools/python/xen/xm/opts.py load(): xm runs the config with execfile() and keeps top-level str/list/int/float values; u\'…\' and other types are dropped',
    'RELEASE-4.22.0:tools/libs/util/libxlu_cfg_l.l and libxlu_cfg_y.y: xl\'s lexer and grammar; identifiers [a-z][._0-9a-z]*; "Arbitrary Python is no longer supported" (RELEASE-4.22.0:tools/libs/util/libxlu_cfg.c); numbers via strtol(…, 0), so a leading 0 is octal',
    'tools/xl/xl_parse.c parse_config_data: "Failed to parse config" and exit on a read error',
    '9e8672f1c3: xm/xend removed in Xen 4.5, so from 4.5 every config is read by xl',
    "`pci` entries before 4.15: RELEASE-4.5.0:tools/libxl/xl_cmdimpl.c:1731 (4.1-4.5 drop an entry xlu_pci_parse_bdf cannot read, silently), RELEASE-4.6.0:tools/libxl/xl_cmdimpl.c:2042 (4.6-4.14 stop: \"unable to parse PCI BDF\"), RELEASE-4.0.0:tools/libxl/xl.c (4.0 retries an entry with no token forever)",
  ],
  perGuest(d, facts, ctx) {
    const version = versionOf(facts, ctx);
    const findings: Finding[] = [];
    const readByXl = d.dialect === 'xm' && toolstackFor(d.dialect, facts, version).toolstack === 'xl';
    for (const diag of d.diagnostics) {
      if (isVendorDrop(diag)) continue;
      // A disk or vif xl stops at: disk-spec and vif-spec report the device itself.
      if (diag.code === 'xl-refused-device') continue;
      findings.push(fromDiagnostic(d, diag, readByXl));
    }
    const extra = pythonReadByXl(d, facts, version);
    if (extra) findings.push(extra);
    return findings;
  },
});

export default check;
