/**
 * Which toolstack reads a guest's config — xm (xend) or xl (libxl). Several checks
 * depend on it, and the file's syntax alone does not tell: most xm configs are
 * valid xl too. One answer, with its reason, for all of them; and the findings
 * the disk and vif checks share about a list item that toolstack cannot read.
 */
import type { CheckContext, Finding, MessageData } from '../../cli/model/contract.js';
import type { DomainFacts, Facts } from '../../cli/model/facts.js';
import type { Severity } from '../../cli/model/diagnostic.js';
import type { DiskFacts, VifFacts } from '../../cli/model/facts.js';
import type { Dialect } from '../../cli/model/config-model.js';
import { satisfiesXen } from '../../cli/model/xen-version.js';
import { elide } from '../../cli/model/messages.js';
import { itemPlace, keyPlace, placed, shownVersion, versionOf } from './guest.js';

export interface ToolstackChoice {
  toolstack: Dialect;
  /** Why: "the file's dialect", "the host runs xl", "Xen 4.5 and later have only xl", ... */
  reason: string;
}

/**
 * Which toolstack will read a guest's config: the host's when known (gathered
 * from `xl info`/`xm info` or a running xend), else xl from Xen 4.5 (xend was
 * removed, 9e8672f1c3) and xm before 4.0 (xl did not exist yet), else the
 * dialect the file is written in.
 */
export function toolstackFor(dialect: Dialect, facts: Facts, xenVersion: string | undefined): ToolstackChoice {
  // Asked by a dozen checks for every guest, with one or two answers a run: each made once, frozen (a plugin gets it too).
  const host = facts.host?.toolstack;
  if (host !== undefined) {
    let choice = BY_HOST.get(host);
    if (choice === undefined) BY_HOST.set(host, (choice = Object.freeze({ toolstack: host, reason: `the host's toolstack is ${host}` })));
    return choice;
  }
  if (xenVersion !== undefined) {
    let byVersion = BY_VERSION.get(xenVersion);
    if (byVersion === undefined) {
      if (BY_VERSION.size >= 64) BY_VERSION.clear();
      BY_VERSION.set(xenVersion, (byVersion = byVersionOf(xenVersion)));
    }
    if (byVersion !== null) return byVersion;
  }
  let choice = BY_DIALECT.get(dialect);
  if (choice === undefined) BY_DIALECT.set(dialect, (choice = Object.freeze({ toolstack: dialect, reason: `the file is written for ${dialect}` })));
  return choice;
}

/** The choice a Xen version makes alone, whatever the file's dialect; null when it leaves it to the dialect. */
function byVersionOf(xenVersion: string): ToolstackChoice | null {
  if (satisfiesXen(xenVersion, '>=4.5.0')) return Object.freeze({ toolstack: 'xl', reason: `Xen ${xenVersion} has only xl (xm was removed in 4.5)` });
  if (satisfiesXen(xenVersion, '<4.0.0')) return Object.freeze({ toolstack: 'xm', reason: `Xen ${xenVersion} has only xm (xl came with 4.0)` });
  return null;
}

const BY_HOST = new Map<Dialect, ToolstackChoice>();
const BY_VERSION = new Map<string, ToolstackChoice | null>();
const BY_DIALECT = new Map<Dialect, ToolstackChoice>();


/** A guest as the toolstack that reads its config sees it, at the version under check. */
export interface Reader {
  d: DomainFacts;
  choice: ToolstackChoice;
  version: string | undefined;
  /** The version as messages show it (Xen's own spelling when it is the host's). */
  shown: string | undefined;
}

/** Every guest with the toolstack that reads it. */
export function readers(facts: Facts, ctx: CheckContext): Reader[] {
  return (facts.domains ?? []).map((d) => readerOf(d, facts, ctx));
}

/** One guest with the toolstack that reads it (for a per-guest part). */
export function readerOf(d: DomainFacts, facts: Facts, ctx: CheckContext): Reader {
  const version = versionOf(facts, ctx);
  return { d, choice: toolstackFor(d.dialect, facts, version), version, shown: shownVersion(facts, ctx) };
}

/**
 * What a finding about one spec needs of its guest and toolstack: a Reader, or
 * what a cross-guest summary keeps of one once the guest itself is dropped.
 */
export interface ReaderRef {
  d: Pick<DomainFacts, 'name' | 'file' | 'dialect'>;
  choice: ToolstackChoice;
  version: string | undefined;
}

/** The part of a Reader a summary keeps (the guest's name, file and dialect; not its keys or devices). */
export function readerRef(r: Reader): ReaderRef {
  return { d: { name: r.d.name, dialect: r.d.dialect, ...(r.d.file !== undefined ? { file: r.d.file } : {}) }, choice: r.choice, version: r.version };
}

/** What a finding about one disk or vif quotes and points at. */
export type SpecItem = Pick<DiskFacts | VifFacts, 'index' | 'spec' | 'line' | 'column'>;

/** The list keys whose items are specs: each item is a DiskFacts or a VifFacts. */
export type SpecKey = 'disk' | 'vif';

/** How messages name an item: disks counted from 1, vifs from 0 as Xen numbers them (vifDOMID.N). */
function itemLabel(key: SpecKey, item: Pick<DiskFacts | VifFacts, 'index'>): string {
  return key === 'disk' ? `disk ${item.index + 1}` : `vif ${item.index}`;
}

/** How a message about one spec starts: the guest, the item and the spec quoted (data from specFinding). */
export const SPEC_PREFIX = '{{guest}}: {{item}} "{{spec}}": ';

/**
 * The messages of the findings below, which the disk and vif checks share:
 * each of those checks declares them (`messages: { ...SPEC_MESSAGES, … }`).
 */
export const SPEC_MESSAGES: Readonly<Record<string, string>> = {
  'plain-string':
    "{{guest}}: `{{key}}` is a plain string, not a list: xl prints \"parameter `{{key}}' is a single value but should be a list\" and ignores it, so the guest gets {{loss}}",
  'not-checked': '{{guest}}: {{item}} was not checked: its spec is {{problem}}',
  'not-a-string': '{{guest}}: {{item}}: {{problem}}, so {{toolstack}} cannot read it',
};

/**
 * A finding about one disk or vif spec: at the item, quoting the spec, with the
 * toolstack that reads it. `messageId`'s template starts with SPEC_PREFIX; its
 * data gets `guest`, `item` and `spec` on top of `data`.
 */
export function specFinding(
  r: ReaderRef,
  key: SpecKey,
  item: SpecItem,
  severity: Severity,
  message: { messageId: string; data?: MessageData },
  remediation: string,
  extra: Record<string, string | number | boolean> = {},
): Finding {
  return placed(itemPlace(r.d, item, key), {
    severity,
    messageId: message.messageId,
    // A spec is the user's to make as long as they like: a finding quotes its head.
    data: { guest: r.d.name, item: itemLabel(key, item), spec: elide(item.spec), ...message.data },
    remediation,
    evidence: {
      [key]: elide(item.spec),
      dialect: r.d.dialect,
      toolstack: r.choice.toolstack,
      toolstack_reason: r.choice.reason,
      ...(r.version !== undefined ? { xen_version: r.version } : {}),
      ...extra,
    },
  });
}

/**
 * `disk = '…'` or `vif = '…'`, a plain string, when xl reads the file: xl reads
 * these keys as lists (xlu_cfg_get_list), says "parameter `disk' is a single
 * value but should be a list" and leaves the key out (RELEASE-4.22.0:tools/libs/util/libxlu_cfg.c). `loss`
 * says what the guest goes without.
 */
export function plainStringUnderXl(r: Reader, key: SpecKey, loss: string): Finding | undefined {
  const k = r.d.keys[key];
  const ts = r.choice.toolstack;
  if (k === undefined || ts !== 'xl' || typeof k.value !== 'string') return undefined;
  return {
    ...keyPlace(r.d, key),
    severity: 'error',
    messageId: 'plain-string',
    data: { guest: r.d.name, key, loss },
    remediation: `Write it as a list: ${key} = [ '${k.value}' ].`,
    evidence: { [key]: k.value, toolstack: ts, toolstack_reason: r.choice.reason },
  };
}

/** The domain builder's words (cli/readers/domain.ts) for an item that needs evaluation. */
const NOT_READABLE = 'not statically readable';

/**
 * A disk or vif the config reader could not take as a spec: text that needs
 * evaluation (left unchecked, so unverified) or a number, list or dict (which
 * the toolstack cannot read as a spec). Undefined for a spec to be parsed.
 */
export function unreadableSpec(r: Reader, key: SpecKey, item: DiskFacts | VifFacts): Finding | undefined {
  const problem = item.invalid;
  if (problem === undefined) return undefined;
  const unreadable = problem.startsWith(NOT_READABLE);
  // The domain builder's words for a list item that is a number, list or dict.
  if (!unreadable && !problem.startsWith(`a ${key} spec must be a string`)) return undefined;
  const ts = r.choice.toolstack;
  const label = itemLabel(key, item);
  return {
    ...itemPlace(r.d, item, key),
    severity: unreadable ? 'warning' : 'error',
    messageId: unreadable ? 'not-checked' : 'not-a-string',
    data: { guest: r.d.name, item: label, problem, toolstack: ts },
    remediation: unreadable ? `Write the ${key} spec as a literal string so that it can be checked.` : `Write each ${key} as one quoted string.`,
    evidence: { problem, toolstack: ts },
    ...(unreadable ? { unverified: true } : {}),
  };
}
