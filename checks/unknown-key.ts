/**
 * unknown-key: config keys the toolstack that reads the file does not know.
 *
 * Neither toolstack complains about a name it does not know: xm keeps every
 * top-level Python variable and then uses only the options it has
 * (xm/opts.py load()), and xl never looks at keys it does not ask for
 * (xl_parse.c). A typo such as `memroy` or `vpcus` therefore disappears
 * without a word, and so does an option of the other toolstack (`cpu_cap`
 * under xl, `type` under xm).
 *
 * xl configs have no variables, so every key xl does not read is reported. xm
 * configs are Python and may define helper variables (`arch_libdir` in
 * xmexample.hvm): there only names within a typo's reach of an xm option, and
 * options of xl, are reported.
 */
import {
  type CheckContext,
  defineCheck,
  type Finding,
  isVendorKey,
  isXlIdentifier,
  keyPlace,
  type KeyStatus,
  keyStatus,
  keyText,
  type KeyToolstack,
  matchesExtraKey,
  type Reader,
  readerOf,
  releaseFor,
  releaseSource,
  satisfiesXen,
  suggestKeys,
  XL_DEPRECATED,
  XL_KEY_COMMITS,
  XL_KEYS,
  XL_ONLY_INSTEAD,
  XL_WARNS_AND_IGNORES,
  XM_KEYS,
  XM_ONLY_INSTEAD,
} from './api.js';
import { isXmOnlyKey, xendRemovedAt } from './lib/xm-leftovers.js';

/**
 * cpu_weight and cap before xl 4.2 are the scheduler check's: one finding, not
 * two (d9abcb8495).
 */
const LEFT_TO_SCHEDULER = new Set(['cpu_weight', 'cap']);

function extraKeysOption(ctx: CheckContext): string[] {
  const v = ctx.options['extraKeys'];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function didYouMean(suggestions: string[]): string {
  if (suggestions.length === 0) return '';
  return ` Did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?`;
}

/** One key of a guest's config, as the toolstack that reads the file sees it. */
interface Situation extends Reader {
  key: string;
}

/** A finding at the key; its message's data always has `guest` and `key`. */
function finding(s: Situation, f: Omit<Finding, 'domain' | 'file' | 'line' | 'column' | 'key' | 'evidence'>, evidence?: Record<string, string>): Finding {
  // Built in place rather than spread into a literal (f's shape differs per message, which made the spread
  // the slow generic path): the same properties in the same order, so reports and fingerprints are unchanged.
  const out: Finding = Object.assign(keyPlace(s.d, s.key), f);
  out.data = { guest: s.d.name, key: s.key, ...f.data };
  const ev: Record<string, string> = { key: s.key, dialect: s.d.dialect, toolstack: s.choice.toolstack, toolstack_reason: s.choice.reason };
  if (s.version !== undefined) ev['xen_version'] = s.version;
  out.evidence = evidence === undefined ? ev : Object.assign(ev, evidence);
  return out;
}

/** The key in the release a Xen version belongs to; undefined when the table has no release that old. */
function statusAt(ts: KeyToolstack, key: string, version: string): KeyStatus | undefined {
  const release = releaseFor(ts, version);
  return release ? keyStatus(ts, key, release) : undefined;
}

/** `read 4.4–4.8`, `new in 4.10`: the key's history in words. */
function history(status: Exclude<KeyStatus, { read: true } | { never: true }>): string {
  return 'newIn' in status ? `read from ${status.newIn.version}` : `read up to ${status.lastRead.version}`;
}

/** Where to check the finding in Xen's source: the release that reads the key, and the one judged. */
function statusEvidence(status: Exclude<KeyStatus, { read: true } | { never: true }>): Record<string, string> {
  return 'newIn' in status
    ? { new_in: status.newIn.version, read_in: releaseSource(status.newIn), not_read_in: releaseSource(status.release) }
    : { gone_since: status.goneSince.version, last_read_in: releaseSource(status.lastRead), not_read_in: releaseSource(status.release) };
}

/** A key xl reads, looked at for its version and deprecation. */
function knownToXl(s: Situation): Finding | undefined {
  const { d, key, version } = s;
  const ignored = XL_WARNS_AND_IGNORES.get(key);
  // Before `since` xl acted on the key (or, older still, did not read it: the table says which).
  if (ignored && (version === undefined || satisfiesXen(version, `>=${ignored.since}`))) {
    const from = ignored.since.replace(/\.0$/, '');
    return finding(s, {
      severity: 'warning',
      messageId: 'xl-warns-and-ignores',
      data: { prints: ignored.prints, from: version === undefined ? ` (from ${from})` : '' },
      remediation: `Remove \`${key}\`; use ${ignored.instead}.`,
    });
  }
  if (key === 'kernel' && d.type === 'hvm' && /(^|\/)hvmloader$/.test(keyText(d, key) ?? '')) {
    return finding(s, {
      severity: 'info',
      messageId: 'hvm-kernel-ignored',
      data: { value: keyText(d, key) ?? '' },
      remediation: 'Remove the kernel line (xm needed it, xl does not); use firmware = "PATH" only for a non-default firmware.',
    });
  }
  // By version, `type` and `pvh` are pvh-and-type's and `hdtype` hvm-emulated-disks': one finding, not two.
  if (key === 'type' || key === 'pvh' || key === 'hdtype') return undefined;
  const status = version === undefined ? undefined : statusAt('xl', key, version);
  if (status && !status.read && !status.never && !LEFT_TO_SCHEDULER.has(key)) {
    const what = XL_KEY_COMMITS.get(key) ?? history(status);
    return finding(s, {
      severity: 'warning',
      ...('newIn' in status
        ? { messageId: 'xl-key-too-new', data: { since: status.newIn.version, xen: s.shown ?? version! } }
        : { messageId: 'xl-key-gone', data: { since: status.goneSince.version, xen: s.shown ?? version!, what } }),
      remediation: 'newIn' in status
        ? `Remove \`${key}\`, or upgrade to Xen ${status.newIn.version} or later.`
        : `Remove \`${key}\`; xl ${status.lastRead.version} was the last to read it.`,
    }, statusEvidence(status));
  }
  const deprecated = XL_DEPRECATED.get(key);
  if (deprecated) {
    if (deprecated.since !== undefined && version !== undefined && !satisfiesXen(version, `>=${deprecated.since}`)) return undefined;
    return finding(s, {
      severity: 'info',
      ...(deprecated.since !== undefined
        ? { messageId: 'xl-deprecated-since', data: { since: deprecated.since.replace(/\.0$/, '') } }
        : { messageId: 'xl-deprecated' }),
      remediation: `Write ${deprecated.instead} instead.`,
    });
  }
  return undefined;
}

function forXl(s: Situation): Finding | undefined {
  const { key } = s;
  // Every key xl reads is an identifier, so the common case skips the regex.
  if (XL_KEYS.has(key)) return knownToXl(s);
  // Names xl's lexer rejects (uppercase) make the whole file unreadable: config-readability says so.
  if (!isXlIdentifier(key)) return undefined;
  // From 4.5, where xm is gone, xend-removed lists a file's xm options in one finding.
  if (isXmOnlyKey(key) && xendRemovedAt(s.version)) return undefined;
  const instead = XM_ONLY_INSTEAD.get(key);
  if (instead !== undefined) {
    return finding(s, {
      severity: 'warning',
      messageId: 'xm-option-under-xl',
      remediation: `xl uses ${instead}.`,
    });
  }
  if (XM_KEYS.has(key)) {
    return finding(s, {
      severity: 'warning',
      messageId: 'xm-only-option-under-xl',
      remediation: `Remove \`${key}\`, or find the xl.cfg(5) option that does the same.`,
    });
  }
  const suggestions = suggestKeys(key, XL_KEYS);
  return finding(s, {
    severity: 'warning',
    messageId: 'xl-unknown',
    data: { didYouMean: didYouMean(suggestions) },
    remediation: suggestions.length > 0
      ? `Rename it to \`${suggestions[0]}\` if that is what you meant, or list it in extraKeys if a site tool reads it.`
      : 'Remove it, or list it in extraKeys if a site tool reads it (see xl.cfg(5) for the options xl has).',
  }, suggestions.length > 0 ? { suggestions: suggestions.join(', ') } : {});
}

function forXm(s: Situation): Finding | undefined {
  const { d, key, version } = s;
  if (XM_KEYS.has(key)) {
    const status = version === undefined ? undefined : statusAt('xm', key, version);
    if (!status || status.read || status.never) return undefined;
    const instead = XL_ONLY_INSTEAD.get(key);
    return finding(s, {
      severity: 'warning',
      ...('newIn' in status
        ? { messageId: 'xm-key-too-new', data: { xen: s.shown ?? version!, since: status.newIn.version } }
        : { messageId: 'xm-key-gone', data: { xen: s.shown ?? version!, since: status.goneSince.version } }),
      remediation: instead !== undefined && 'newIn' in status
        ? `This xm uses ${instead}; or upgrade to Xen ${status.newIn.version}.`
        : 'newIn' in status ? `Remove \`${key}\`, or upgrade to Xen ${status.newIn.version} or later.` : `Remove \`${key}\`.`,
    }, statusEvidence(status));
  }
  const instead = XL_ONLY_INSTEAD.get(key);
  if (instead !== undefined) {
    const value = keyText(d, key)?.toLowerCase();
    const buildsPv = key === 'type' && (value === 'hvm' || value === 'pvh') && d.keys['builder'] === undefined;
    return finding(s, {
      severity: buildsPv ? 'error' : 'warning',
      ...(buildsPv ? { messageId: 'xl-type-under-xm', data: { value: value ?? '' } } : { messageId: 'xl-option-under-xm' }),
      remediation: `xm uses ${instead}.`,
    });
  }
  // An xl key missing from xenlint's xm lists may still be one xm 4.x has: stay quiet.
  if (XL_KEYS.has(key) || isVendorKey(key)) return undefined;
  const suggestions = suggestKeys(key, XM_KEYS);
  if (suggestions.length === 0) return undefined;
  return finding(s, {
    severity: 'warning',
    messageId: 'xm-unknown',
    data: { didYouMean: didYouMean(suggestions) },
    remediation: `Rename it to \`${suggestions[0]}\` if that is what you meant; if it is a helper variable of the Python config, list it in extraKeys.`,
  }, { suggestions: suggestions.join(', ') });
}

const check = defineCheck({
  id: 'unknown-key',
  title: 'Config keys the toolstack does not know: typos and the other toolstack\'s options, ignored without a word',
  severity: 'warning',
  needs: ['domains'],
  messages: {
    'xl-warns-and-ignores': '{{guest}}: xl does not use `{{key}}`{{from}}: it prints "{{prints}}" and ignores the setting',
    'hvm-kernel-ignored':
      '{{guest}}: xl ignores `kernel = "{{value}}"` for an HVM guest: it prints "you seem to be using "kernel" directive to override HVM guest firmware. Ignore that" and loads its own hvmloader',
    'xl-key-too-new': '{{guest}}: `{{key}}` is new in xl {{since}}: xl of Xen {{xen}} ignores it without a word',
    'xl-key-gone': '{{guest}}: `{{key}}` is gone from xl since {{since}}: xl of Xen {{xen}} ignores it without a word ({{what}})',
    'xl-deprecated': '{{guest}}: `{{key}}` is deprecated in xl; xl still reads it',
    'xl-deprecated-since': '{{guest}}: `{{key}}` is deprecated in xl (since {{since}}); xl still reads it',
    'xm-option-under-xl': '{{guest}}: `{{key}}` is an xm option; xl ignores it without a word',
    'xm-only-option-under-xl': '{{guest}}: `{{key}}` is an xm option that xl does not have; xl ignores it without a word',
    'xl-unknown': '{{guest}}: xl does not know `{{key}}` and ignores it without a word.{{didYouMean}}',
    'xm-key-too-new': '{{guest}}: xm of Xen {{xen}} has no `{{key}}` option (new in xm {{since}}) and ignores it without a word',
    'xm-key-gone': '{{guest}}: xm of Xen {{xen}} no longer has the `{{key}}` option (gone since {{since}}) and ignores it without a word',
    'xl-type-under-xm': '{{guest}}: `type = "{{value}}"` is an xl option; xm ignores it without a word and builds a PV guest',
    'xl-option-under-xm': '{{guest}}: `{{key}}` is an xl option; xm ignores it without a word',
    'xm-unknown': '{{guest}}: xm has no option `{{key}}` and ignores it without a word.{{didYouMean}}',
  },
  sources: [
    'checks/data/config-keys.json (built by checks/data/build-key-table.mjs): the keys xl reads at RELEASE-4.0.0 … RELEASE-4.22.0 (parse_config_data of tools/xl/xl_parse.c, earlier tools/libxl/xl_cmdimpl.c, tools/libxl/xl.c) and the options xm reads at RELEASE-3.0.0, 3.0.2-branched … 3.4.0-rc3, RELEASE-4.0.0 … RELEASE-4.4.0 (tools/python/xen/xm/create.py)',
    '3.0.4-branched:tools/python/xen/xm/opts.py load(): xm keeps every top-level str/list/int/float variable and ignores unknown names',
    'RELEASE-4.22.0:tools/xl/xl_parse.c, RELEASE-4.22.0:tools/libs/util/libxlu_cfg.c: xl never warns about unknown keys; the warnings for device_model, vncviewer, vif2 and kernel = …/hvmloader',
    'c7dfe4ac58 (xl type=, 4.10); 7497632508 (maxvcpus, 4.1); d9abcb8495 (cpu_weight/cap from the config, 4.2); b5dda35f5a / 33e5c32559 (pvh=1, 4.4–4.8); c70026c446 (xm cpu_cap, 3.0.4); 39f97ffa29 (xm viridian, 3.4); 68a94cf528 (xm maxvcpus, 4.0); 9e8672f1c3 (xm removed, 4.5)',
  ],
  options: {
    type: 'object',
    properties: {
      extraKeys: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'keys a site tool reads from the configs; a trailing * matches a prefix (e.g. "SITE_*")',
      },
    },
    additionalProperties: false,
  },
  defaults: { extraKeys: [] },
  perGuest(d, facts, ctx) {
    const extra = extraKeysOption(ctx);
    const findings: Finding[] = [];
    const { choice, version, shown } = readerOf(d, facts, ctx);
    const quiet = quietKeys(choice.toolstack, version);
    // Most keys are known quiet at this version: only the rest are looked at, and sorted (stably, as the whole list was).
    const looked: Array<[string, { line: number; column: number }]> = [];
    for (const key of Object.keys(d.keys)) {
      if (quiet.has(key) || (extra.length > 0 && matchesExtraKey(key, extra))) continue;
      looked.push([key, d.keys[key]!]);
    }
    if (looked.length > 1) looked.sort(([, a], [, b]) => a.line - b.line || a.column - b.column);
    for (const [key] of looked) {
      const s: Situation = { d, choice, version, shown, key };
      const f = choice.toolstack === 'xl' ? forXl(s) : forXm(s);
      if (f) findings.push(f);
      else if (key !== 'kernel' && quiet.size < QUIET_KEYS_KEPT) quiet.add(key);
    }
    return findings;
  },
});

/**
 * The keys that gave no finding, per toolstack and version. Whether a key is
 * reported rests on the key, the toolstack and the version alone — but for
 * `kernel`, which an HVM guest's value decides (hvm-kernel-ignored) — so a
 * key quiet for one guest is quiet for every guest judged the same way.
 */
const QUIET: Record<KeyToolstack, Map<string | undefined, Set<string>>> = { xl: new Map(), xm: new Map() };

/** How many quiet keys are kept per toolstack and version: a run's keys are mostly the same few dozen. */
const QUIET_KEYS_KEPT = 4096;

function quietKeys(toolstack: KeyToolstack, version: string | undefined): Set<string> {
  const byVersion = QUIET[toolstack];
  let quiet = byVersion.get(version);
  if (quiet === undefined) {
    if (byVersion.size >= 64) byVersion.clear();
    byVersion.set(version, (quiet = new Set()));
  }
  return quiet;
}

export default check;
