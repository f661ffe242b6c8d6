/**
 * Which reader a domU config gets: the one of the toolstack that will read it.
 * In this order (issue 11): the host's toolstack (from its facts); the Xen
 * version (`--xen`, the host's, or the config's `xen`): xl from 4.5, xm before
 * 4.0, either in 4.0–4.4; the config's `dialects` mapping; `--dialect`. Only
 * when none of these decides does the file's own syntax (cli/readers/config.ts).
 */
import type { Dialect } from '../model/config-model.js';
import { satisfiesXen } from '../model/xen-version.js';

export interface ReaderChoice {
  dialect: Dialect;
  /** Why, as `parse config` and reports show it. */
  reason: string;
}

export interface ReaderInputs {
  /** The host's toolstack, when its facts say. */
  host?: Dialect;
  xen?: { version: string; source: string };
  /** The `dialects` rule of the config that matches the file. */
  mapped?: { dialect: Dialect; files: string };
  /** `--dialect`. */
  forced?: Dialect;
}

/** The reader these inputs decide, or undefined when the file's syntax must. */
export function chooseReader(o: ReaderInputs): ReaderChoice | undefined {
  if (o.host) return { dialect: o.host, reason: `the host's toolstack is ${o.host} (its facts say so)` };
  if (o.xen) {
    const { version, source } = o.xen;
    if (satisfiesXen(version, '>=4.5.0')) return { dialect: 'xl', reason: `Xen ${version} (${source}) has only xl: xm was removed in 4.5` };
    if (satisfiesXen(version, '<4.0.0')) return { dialect: 'xm', reason: `Xen ${version} (${source}) has only xm: xl came with 4.0` };
  }
  if (o.mapped) return { dialect: o.mapped.dialect, reason: `the config's dialects mapping (${o.mapped.files})` };
  if (o.forced) return { dialect: o.forced, reason: '--dialect' };
  return undefined;
}

/** Why the file's syntax decides: nothing else did. */
export function undecidedBecause(o: ReaderInputs): string {
  if (o.xen) return `Xen ${o.xen.version} (${o.xen.source}) has both xm and xl and the host's toolstack is unknown`;
  return 'the toolstack is unknown (no host facts, no --xen or config xen, no dialects mapping, no --dialect)';
}

/** The reader inputs a host's own evidence gives: its toolstack, and its Xen version. */
export function hostReaderInputs(host: { toolstack?: Dialect; version?: string; source: string } | undefined): ReaderInputs {
  const inputs: ReaderInputs = {};
  if (host?.toolstack) inputs.host = host.toolstack;
  if (host?.version) inputs.xen = { version: host.version, source: host.source };
  return inputs;
}

/**
 * What parseConfig is told for a file: the chosen reader and why, or why the
 * file's syntax must decide. A dialect alone counts as forced. Callers that
 * keep no dialectReason (lint, gathering) let detection stop at the first
 * reader that decides (`exactReason: false`).
 */
export function parseOptionsFor(
  choice: Dialect | ReaderChoice | { undecided: string } | undefined,
): { dialect?: Dialect; reason?: string; exactReason?: boolean; undecided?: string } {
  if (choice === undefined) return { exactReason: false };
  if (typeof choice === 'string') return { dialect: choice };
  if ('undecided' in choice) return { exactReason: false, undecided: choice.undecided };
  return { dialect: choice.dialect, reason: choice.reason };
}
