import type { Check } from '../model/contract.js';
import type { RuleMeta } from '../report/index.js';
import { UNUSED_SUPPRESSION } from '../../checks/unused-suppression.js';
import { ruleDocUri, ruleHelpText } from '../settings/rule-docs.js';

/** Report metadata for every check that ran, plus the engine's own unused-suppression check. */
export function ruleMetas(checks: Check[]): Map<string, RuleMeta> {
  const metas = new Map<string, RuleMeta>();
  const all: Array<Pick<Check, 'id' | 'title' | 'severity' | 'xen' | 'sources'>> = [
    ...checks,
    UNUSED_SUPPRESSION,
  ];
  for (const c of all) {
    const meta: RuleMeta = {
      id: c.id,
      title: c.title,
      severity: c.severity,
      helpText: ruleHelpText(c.id, c.title),
      sources: c.sources,
    };
    const helpUri = ruleDocUri(c.id);
    if (helpUri) meta.helpUri = helpUri;
    if (c.xen) meta.xen = c.xen;
    metas.set(c.id, meta);
  }
  return metas;
}
