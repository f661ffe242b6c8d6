/**
 * Which reader a domU config gets: the one of the toolstack that will read it.
 * In this order (issue 11): the host's toolstack (from its facts); the Xen
 * version (`--xen`, the host's, or the config's `xen`): xl from 4.5, xm before
 * 4.0, either in 4.0–4.4; the config's `dialects` mapping; `--dialect`. Only
 * when none of these decides does the file's own syntax (cli/readers/config.ts).
 */
import type { Dialect } from '../model/config-model.js';
import { satisfiesXen } from '../model/xen-version.js';

/** How one file is to be parsed: what `parseConfig` takes besides the text. */
export interface ReadOptions {
  /** The reader to use; absent: the file's syntax decides. */
  dialect?: Dialect;
  reason?: string;
  by?: ReaderSource;
  /** false: detection may stop at the first reader that decides (callers that show no dialectReason). */
  exactReason?: boolean;
  /** Why the syntax decides (shown with the reason). */
  undecided?: string;
  /** The Xen version whose toolstack reads the file. */
  xen?: string;
}

/** Which input decided the reader, in the order they rank. */
export type ReaderSource = 'host' | 'xen' | 'mapped' | 'forced';

export interface ReaderChoice {
  dialect: Dialect;
  /** Why, as `parse config` and reports show it. */
  reason: string;
  /** Which input decided: what a hint may tell the user to change ("--dialect" does nothing against the host's toolstack). */
  by?: ReaderSource;
  /** The Xen version whose toolstack reads the file, when known: the xl reader refuses only what that xl refuses. */
  xen?: string;
}

/** No input decides the reader: the file's syntax must, and this says why. */
export interface Undecided {
  undecided: string;
  /** As in ReaderChoice. */
  xen?: string;
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
  if (o.host) return { dialect: o.host, reason: `the host's toolstack is ${o.host} (its facts say so)`, by: 'host' };
  if (o.xen) {
    const { version, source } = o.xen;
    if (satisfiesXen(version, '>=4.5.0')) return { dialect: 'xl', reason: `Xen ${version} (${source}) has only xl: xm was removed in 4.5`, by: 'xen' };
    if (satisfiesXen(version, '<4.0.0')) return { dialect: 'xm', reason: `Xen ${version} (${source}) has only xm: xl came with 4.0`, by: 'xen' };
  }
  if (o.mapped) return { dialect: o.mapped.dialect, reason: `the config's dialects mapping (${o.mapped.files})`, by: 'mapped' };
  if (o.forced) return { dialect: o.forced, reason: '--dialect', by: 'forced' };
  return undefined;
}

/** The reader these inputs decide, or why the file's syntax must; either way with the Xen version the reading follows. */
export function decideReader(o: ReaderInputs): ReaderChoice | Undecided {
  const decided: ReaderChoice | Undecided = chooseReader(o) ?? { undecided: undecidedBecause(o) };
  if (o.xen) decided.xen = o.xen.version;
  return decided;
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
  choice: Dialect | ReaderChoice | Undecided | undefined,
): ReadOptions {
  if (choice === undefined) return { exactReason: false };
  if (typeof choice === 'string') return { dialect: choice };
  const xen = choice.xen !== undefined ? { xen: choice.xen } : {};
  if ('undecided' in choice) return { exactReason: false, undecided: choice.undecided, ...xen };
  return { dialect: choice.dialect, reason: choice.reason, ...(choice.by ? { by: choice.by } : {}), ...xen };
}
