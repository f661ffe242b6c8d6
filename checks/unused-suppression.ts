/**
 * unused-suppression: the one check the engine runs itself, because only the
 * engine knows which `xenlint-disable` directives hid a finding (cli/engine.ts).
 * Its metadata lives here, with the other checks', for `rules`, SARIF and docs.
 * It is metadata only and the engine reads it, so it belongs with the model and
 * imports the model, not checks/api.ts.
 */
import type { Severity } from '../cli/parse/diagnostic.js';

export const UNUSED_SUPPRESSION = {
  id: 'unused-suppression',
  title: 'Suppression directives that match no finding',
  severity: 'warning' as Severity,
  sources: ['ESLint --report-unused-disable-directives (the convention xenlint follows)'],
  messages: {
    unused: '{{directive}} for {{what}} suppresses nothing',
  } as Record<string, string>,
};
