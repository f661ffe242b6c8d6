/**
 * xenlint's published check API (`import … from 'xenlint/api'`): the one module a
 * check imports from outside `checks/`. Built-in checks use exactly what a plugin
 * gets: the Check contract, the facts model, Xen version matching, the parsed
 * disk and vif model, and the helpers the built-in checks share (checks/lib).
 *
 * A check is metadata plus pure functions: a part per guest (one guest's
 * DomainFacts and the host side), a cross-guest part over small per-guest
 * summaries, a host-only part (see `Check` in cli/model/contract.ts). It never
 * reads files, runs commands or keeps state: the engine hands it everything,
 * one guest at a time. Plugins are ES modules whose default export (or named
 * export `checks`) is a `Check[]`; the engine validates each against
 * `schemas/check.schema.json` before running it. A plugin's whole-facts
 * `run(facts, ctx)` still runs (at the end, with every guest kept until then).
 *
 * Each kind of problem a check reports is declared once in `messages` (ESLint's
 * convention: id -> template with `{{name}}` placeholders); a finding names it
 * with `messageId` and fills it with `data`. Reports show the id as
 * `<check>/<message-id>`, a `xenlint-disable-next-line` may name it, and the
 * baseline fingerprint rests on it, never on the wording or a line number.
 *
 * Minimal plugin:
 * ```ts
 * import { defineCheck, itemPlace, placed } from 'xenlint/api';
 * const check = defineCheck({
 *   id: 'site-no-file-disks', title: 'Guests use LVM, not image files',
 *   severity: 'warning', needs: ['domains'], sources: ['site policy'],
 *   messages: { 'image-file': '{{guest}}: disk {{vdev}} is an image file' },
 *   perGuest: (d) => d.disks
 *     .filter((disk) => disk.backend === 'file')
 *     .map((disk) => placed(itemPlace(d, disk, 'disk'), { messageId: 'image-file', data: { guest: d.name, vdev: disk.vdev ?? '?' } })),
 * });
 * export default [check];
 * ```
 */

// The contract and the report model.
export type {
  Check,
  AcrossResult,
  CheckMeta,
  Fold,
  GuestRef,
  GuestResult,
  HostSide,
  WholeCheck,
  CheckContext,
  CheckOutcome,
  FleetHost,
  Finding,
  MemoryView,
  MessageData,
  Need,
  ReportedFinding,
  RunReport,
  Skip,
  Status,
} from '../cli/model/contract.js';
export { defineCheck, hasParts, hostSideOf, isSkip, metaOf, PartsRun, runWhole } from '../cli/model/contract.js';
export { CutText, cutValues, findingCode, placeholders, renderFinding, type Rendered } from '../cli/model/messages.js';

// The facts model: everything a check reads.
export type * from '../cli/model/facts.js';
export { captureLabel } from '../cli/model/facts.js';
export type { Diagnostic, Position, Severity } from '../cli/model/diagnostic.js';
export type { ConfigValue, Dialect } from '../cli/model/config-model.js';

// Xen version matching: ranges are semver ranges over Xen's versions ("<3.0.3", ">=4.5.0").
export { isXenRange, parseXenVersionArg, satisfiesXen } from '../cli/model/xen-version.js';
export { compareText } from '../cli/model/order.js';
export { normalizePosix } from '../cli/model/posix-path.js';

// The parsed disk and vif model, read the way each toolstack reads a spec.
export {
  parseDiskSpec,
  type DiskSpec,
  type DiskSpecResult,
  type SpecDialect,
  type SpecProblem,
} from '../cli/readers/disk-spec.js';
// A guest's disk or vif spec as a toolstack reads it, parsed once (the domain builder's parse when it read it that way).
export { diskSpecAs, vifSpecAs } from '../cli/readers/spec-reading.js';
export { parseVifSpec, vifIsEmulated, type MacInfo, type VifSpec, type VifSpecResult } from '../cli/readers/vif-spec.js';
export { decodeVdev, emulatedDiskBus, isVdevError, VDEV_LIMITS, type VdevInfo } from '../cli/readers/vdev.js';
export { formatBytes, formatMiB, parseSize, parseXenSize } from '../cli/readers/units.js';
export { cmdlineBoolean, cmdlineValue, dom0MemFromCmdline, type Dom0Mem } from '../cli/readers/xen-cmdline.js';
export { networkScriptOf, XEND_DEFAULTS } from '../cli/readers/sxp.js';

// The helpers the built-in checks share.
export * from './lib/guest.js';
export * from './lib/toolstack.js';
export * from './lib/disk.js';
export * from './lib/net.js';
export * from './lib/dom0.js';
export * from './lib/memory.js';
export * from './lib/keys.js';
export * from './lib/key-table.js';
export * from './lib/field-notes.js';
export * from './lib/address.js';
export * from './lib/xend.js';
export * from './lib/xm-leftovers.js';
