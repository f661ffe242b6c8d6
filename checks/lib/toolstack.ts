/**
 * Which toolstack reads a guest's config — xm (xend) or xl (libxl). Several checks
 * depend on it, and the file's syntax alone does not tell: most xm configs are
 * valid xl too. One answer, with its reason, for all of them.
 */
import type { Facts } from '../api.js';
import type { Dialect } from '../../cli/parse/config-model.js';
import { satisfiesXen } from '../../cli/xen-version.js';

export interface ToolstackChoice {
  toolstack: Dialect;
  /** Why: "the file's dialect", "the host runs xl", "Xen 4.5 and later have only xl", ... */
  reason: string;
}

/**
 * Which toolstack will read a guest's config: the host's when known (gathered
 * from `xl info`/`xm info` or a running xend), else xl from Xen 4.5 (xend was
 * removed, 9e8672f1c3) and xm before 4.0 (xl did not exist yet), else the
 * dialect the file is written in.
 */
export function toolstackFor(dialect: Dialect, facts: Facts, xenVersion: string | undefined): ToolstackChoice {
  const host = facts.host?.toolstack;
  if (host !== undefined) return { toolstack: host, reason: `the host's toolstack is ${host}` };
  if (xenVersion !== undefined) {
    if (satisfiesXen(xenVersion, '>=4.5.0')) return { toolstack: 'xl', reason: `Xen ${xenVersion} has only xl (xm was removed in 4.5)` };
    if (satisfiesXen(xenVersion, '<4.0.0')) return { toolstack: 'xm', reason: `Xen ${xenVersion} has only xm (xl came with 4.0)` };
  }
  return { toolstack: dialect, reason: `the file is written for ${dialect}` };
}
