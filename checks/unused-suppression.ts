/**
 * unused-suppression: the one check the engine runs itself, because only the
 * engine knows which `xenlint-disable` directives hid a finding (cli/engine/engine.ts).
 * Its metadata lives here, with the other checks', for `rules`, SARIF and docs.
 * It is metadata only (types from checks/api.ts, no code) and the engine reads it.
 */
import type { Need } from '../cli/model/contract.js';
import type { Severity } from '../cli/model/diagnostic.js';

export const UNUSED_SUPPRESSION = {
  id: 'unused-suppression',
  title: 'Suppression directives that match no finding',
  severity: 'warning' as Severity,
  /** Directives live in domU configs. */
  needs: ['domains'] as Need[],
  sources: ['ESLint --report-unused-disable-directives (the convention xenlint follows)'],
  messages: {
    unused: '{{directive}} for {{what}} suppresses nothing',
  } as Record<string, string>,
};
