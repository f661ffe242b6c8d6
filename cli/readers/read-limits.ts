/**
 * How much of one input the readers read (README "Limits"). Past a limit a
 * reader stops where it is and says so in a diagnostic: the rest of the file is
 * not read, so a config of a million settings costs what ten thousand do. Real
 * configs hold tens of settings and lists of a few items; these are xenlint's
 * limits, not the toolstack's.
 */
import { diag, type Diagnostic, type Position } from '../model/diagnostic.js';

export const READ_LIMITS = {
  /** Settings (`key = value`) in one config file. */
  statements: 10_000,
  /** Items in one list (`disk = [ ... ]`). */
  listItems: 10_000,
  /** List items in one file, all lists together (nested lists multiply otherwise). */
  values: 100_000,
  /** Tokens the xm (Python) reader takes from one file. */
  tokens: 200_000,
  /** Lines of an `xl info` / `xm info` text. */
  infoLines: 20_000,
} as const;

export type ReadLimit = keyof typeof READ_LIMITS;

const WHAT: Record<ReadLimit, string> = {
  statements: 'settings in one file',
  listItems: 'items in one list',
  values: 'list items in one file',
  tokens: 'tokens (names, values, operators) in one file',
  infoLines: 'lines',
};

/** The diagnostic of a reader that stopped at a limit (code `input-limit`). */
export function limitDiagnostic(limit: ReadLimit, at: Position, file?: string): Diagnostic {
  const d = diag('warning', `xenlint stops reading here: more than ${READ_LIMITS[limit]} ${WHAT[limit]} (a limit of xenlint's, README "Limits"); the rest is not checked`, at, 'input-limit');
  if (file !== undefined) d.file = file;
  return d;
}
