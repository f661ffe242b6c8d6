/** `xenlint explain ID`: the rule's documentation and, with facts, its worked numbers. */
import { UsageError } from '../settings/config.js';
import { readRuleDoc, ruleDocUri } from '../settings/rule-docs.js';
import { prepare, resolveXen } from './pipeline.js';
import { closest } from './closest.js';
import type { Facts } from '../model/facts.js';

export default async function explain(argv: Record<string, unknown>): Promise<number> {
  const id = String(argv['id']);
  const prepared = await prepare(argv as { config?: string });
  const check = prepared.checks.find((c) => c.id === id);
  if (!check) {
    const hint = closest(id, prepared.checks.map((c) => c.id));
    throw new UsageError(`no such check "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}; see \`xenlint rules\``);
  }
  const out: string[] = [];
  const doc = readRuleDoc(id);
  out.push(doc ? doc.trimEnd() : `# ${check.id}\n\n${check.title}`);
  const online = ruleDocUri(id);
  if (online) out.push('', `Online (this version): ${online}`);
  let facts: Facts | undefined;
  if (typeof argv['facts'] === 'string') {
    const { loadFactsFile } = await import('../sources/snapshot.js');
    facts = await loadFactsFile(argv['facts']);
  } else if (typeof argv['root'] === 'string') {
    const { gatherFromRoot } = await import('./host-facts.js');
    facts = await gatherFromRoot(argv['root'], prepared.loaded);
  }
  if (facts) {
    const xen = resolveXen(facts, argv as { xen?: string }, prepared.loaded);
    const settings = prepared.settings.get(id);
    const ctx = {
      mode: 'check' as const,
      options: { ...(check.defaults ?? {}), ...(settings?.options ?? {}) },
      ...(xen ? { xenVersion: xen.version } : {}),
    };
    const { runChecks } = await import('../engine/engine.js');
    const { redactReport } = await import('../sources/redact.js');
    const outcome = redactReport(runChecks([check], facts, { command: 'check', ...(xen ? { xen } : {}), settings: prepared.settings })).checks[0]!;
    out.push('', `## For this host${xen ? ` (Xen ${xen.version.replace(/\+.*$/, '')}, from ${xen.source})` : ''}`, '');
    out.push(`Status: ${outcome.status}${outcome.reason ? ` — ${outcome.reason}` : ''}`, '');
    for (const f of outcome.findings) out.push(`- ${f.severity}: ${f.message}`);
    if (outcome.findings.length > 0) out.push('');
    if (check.explain && (outcome.status === 'pass' || outcome.status === 'fail')) {
      try {
        const { redactSecrets } = await import('../sources/redact.js');
        out.push(...check.explain(facts, ctx).map((line) => redactSecrets(line)));
      } catch (err) {
        out.push(`(the check could not explain these facts: ${err instanceof Error ? err.message : String(err)})`);
      }
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
