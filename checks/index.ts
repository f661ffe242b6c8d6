/**
 * The built-in checks, in the order reports list them. A check is added here and
 * nowhere else; `test/docs.test.ts` fails when a check has no docs page.
 *
 * `unused-suppression` is not listed: the engine itself reports directives that
 * matched nothing (cli/engine.ts), with its docs in docs/rules/unused-suppression.md.
 */
import type { Check } from './api.js';

export const builtinChecks: Check[] = [];
