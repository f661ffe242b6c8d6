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
import type { Check, DomainFacts, Facts, Finding } from './api.js';
import type { Diagnostic } from '../cli/parse/diagnostic.js';
import { versionOf } from './lib/guest.js';
import { toolstackFor } from './lib/keys.js';
import { firstXlObstacle, isVendorDrop, xendRemovedAt } from './lib/xm-leftovers.js';

interface Wording {
  message: (d: Diagnostic) => string;
  remediation: string;
}

const XL_REFUSES = 'xl refuses the whole file ("Failed to parse config") and creates nothing';

/** What each diagnostic code means for the guest, and what to do. */
const WORDING: Record<string, Wording> = {
  'xl-syntax': {
    message: (d) => `${d.message}: ${XL_REFUSES}`,
    remediation: 'Fix the syntax: xl configs are `key = value` lines with quoted strings, plain numbers and [ lists ] (xl.cfg(5)).',
  },
  'xl-lexical': {
    message: (d) => (d.severity === 'error' ? `${d.message}: ${XL_REFUSES}` : d.message),
    remediation: 'Fix the text at this position; xl accepts lowercase names, quoted strings, plain numbers and [ lists ] only.',
  },
  'xl-refused': {
    message: (d) => d.message,
    remediation: 'Fix the setting xl names: xl reads the file but parse_config_data() stops there, so `xl create` creates nothing.',
  },
  'xl-warning': {
    message: (d) => d.message,
    remediation: 'xl prints this and leaves the setting out: write a value xl reads (a plain number, a single value where it wants one).',
  },
  'xl-number': {
    message: (d) => d.message,
    remediation: 'Write the number in decimal without a leading zero (or 0x… for hex), or quote it if it is meant as text.',
  },
  'xl-octal': {
    message: (d) => d.message,
    remediation: 'Drop the leading zero: xl reads numbers with strtol(…, 0), so 0512 is octal (330).',
  },
  'python-under-xl': {
    message: (d) => `${d.message} ${XL_REFUSES}.`,
    remediation: 'Rewrite the file as plain `key = value` settings (no imports, variables, operators or calls), or keep it for xm.',
  },
  'not-static': {
    message: (d) => `${d.message}. xm runs it when it creates the guest, so settings that depend on it are unknown to xenlint's checks`,
    remediation: 'Write the settings as literals (strings, numbers, lists) if you want them checked, or accept that xenlint cannot see them.',
  },
  'xm-syntax': {
    message: (d) => `${d.message}: Python rejects the file, so \`xm create\` fails before creating anything`,
    remediation: 'Fix the Python syntax (xm configs are Python 2 programs).',
  },
  'xm-dropped': {
    message: (d) => d.message,
    remediation: 'Write the value as a plain string, int, float or list (e.g. 1 instead of True, \'…\' instead of u\'…\').',
  },
  'bad-directive': {
    message: (d) => `xenlint directive: ${d.message}`,
    remediation: 'Fix the `# xenlint…` comment (xenlint-disable[-next-line] <ids> [-- reason], or # xenlint: name=value).',
  },
};

const GENERIC: Wording = {
  message: (d) => d.message,
  remediation: 'Fix the config text at this position.',
};

function fromDiagnostic(domain: DomainFacts, diag: Diagnostic, readByXl: boolean): Finding {
  const wording = (diag.code !== undefined ? WORDING[diag.code] : undefined) ?? GENERIC;
  // On a host where xl reads an xm file, "xm runs it" is beside the point.
  const text = readByXl && diag.code === 'not-static' ? `${diag.message}; and xl, which reads this file here, runs no Python at all` : wording.message(diag);
  const f: Finding = {
    message: `${domain.name}: ${text}`,
    severity: diag.severity,
    domain: domain.name,
    line: diag.line,
    column: diag.column,
    remediation: wording.remediation,
    evidence: { dialect: domain.dialect, ...(diag.code !== undefined ? { code: diag.code } : {}) },
  };
  const file = diag.file ?? domain.file;
  if (file !== undefined) f.file = file;
  return f;
}

function pythonReadByXl(d: DomainFacts, facts: Facts, version: string | undefined): Finding | undefined {
  if (d.dialect !== 'xm') return undefined;
  // From 4.5 xend-removed says it once per file, with what to convert.
  if (xendRemovedAt(version)) return undefined;
  const choice = toolstackFor(d.dialect, facts, version);
  if (choice.toolstack !== 'xl') return undefined;
  const obstacle = firstXlObstacle(d);
  if (!obstacle) return undefined;
  const f: Finding = {
    message:
      `${d.name}: this file is Python (an xm config), but xl reads it here (${choice.reason}); ` +
      `xl does not run Python and cannot read ${obstacle.what}: ${XL_REFUSES}`,
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

const check: Check = {
  id: 'config-readability',
  title: 'Config text the toolstack refuses or xenlint cannot read: syntax errors, Python, dropped values, bad directives',
  severity: 'error',
  needs: ['domains'],
  sources: [
    '3.0.4-branched:tools/python/xen/xm/opts.py load(): xm runs the config with execfile() and keeps top-level str/list/int/float values; u\'…\' and other types are dropped',
    'RELEASE-4.22.0:tools/libs/util/libxlu_cfg_l.l and libxlu_cfg_y.y: xl\'s lexer and grammar; identifiers [a-z][._0-9a-z]*; "Arbitrary Python is no longer supported" (RELEASE-4.22.0:tools/libs/util/libxlu_cfg.c); numbers via strtol(…, 0), so a leading 0 is octal',
    'tools/xl/xl_parse.c parse_config_data: "Failed to parse config" and exit on a read error',
    '9e8672f1c3: xm/xend removed in Xen 4.5, so from 4.5 every config is read by xl',
  ],
  run(facts, ctx) {
    const version = versionOf(facts, ctx);
    const findings: Finding[] = [];
    for (const d of facts.domains ?? []) {
      const readByXl = d.dialect === 'xm' && toolstackFor(d.dialect, facts, version).toolstack === 'xl';
      for (const diag of d.diagnostics) {
        if (isVendorDrop(diag)) continue;
        // A disk or vif xl stops at: disk-spec and vif-spec report the device itself.
        if (diag.code === 'xl-refused-device') continue;
        findings.push(fromDiagnostic(d, diag, readByXl));
      }
      const extra = pythonReadByXl(d, facts, version);
      if (extra) findings.push(extra);
    }
    return findings;
  },
};

export default check;
