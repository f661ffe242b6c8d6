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
    const meta = {
      id: c.id,
      title: c.title,
      severity: c.severity,
      sources: c.sources,
    } as RuleMeta;
    // Only SARIF shows the help text: reading and cutting up every rule's page on
    // each run cost a third of `lint one.cfg`'s own start-up (bench/README.md).
    Object.defineProperty(meta, 'helpText', {
      get: () => {
        const text = ruleHelpText(c.id, c.title);
        Object.defineProperty(meta, 'helpText', { value: text, enumerable: true, writable: true, configurable: true });
        return text;
      },
      enumerable: true,
      configurable: true,
    });
    const helpUri = ruleDocUri(c.id);
    if (helpUri) meta.helpUri = helpUri;
    if (c.xen) meta.xen = c.xen;
    metas.set(c.id, meta);
  }
  return metas;
}
