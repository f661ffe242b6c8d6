/**
 * Files the CLI reads beside itself (rule docs, package.json, the compiled schema
 * validators), carried inside the standalone single-file build instead. In the
 * package and when running from source this module is empty and the files are
 * read from disk; build/standalone.mjs replaces it, in the bundle only, with one
 * that holds their contents.
 */
import type { Validator } from './validator-types.js';

export interface Embedded {
  /** docs/rules/<id>.md by id. */
  ruleDocs: Record<string, string>;
  /** The fields of package.json the CLI reads. */
  packageJson: { name: string; version: string; repository?: unknown; homepage?: unknown };
  /** By file name: a schema's (SchemaName) or a built-in check's options (`options-<id>`). */
  validators: Record<string, Validator>;
}

export const embedded: Embedded | undefined = undefined;
