/** `xenlint rules`: every check with its id, severity, Xen range and needs. */
import { prepare } from './pipeline.js';

export default async function rules(argv: Record<string, unknown>): Promise<number> {
  const { checks } = await prepare(argv as { config?: string });
  const rows = checks.map((c) => ({
    id: c.id,
    severity: c.severity,
    xen: c.xen ?? 'all',
    needs: c.needs.join('+') || '-',
    title: c.title,
  }));
  if (argv['format'] === 'json') {
    const { ruleDocUri } = await import('../settings/rule-docs.js');
    const withDocs = rows.map((r) => ({ ...r, docs: ruleDocUri(r.id) ?? null }));
    process.stdout.write(`${JSON.stringify(withDocs, null, 2)}\n`);
    return 0;
  }
  const head = { id: 'ID', severity: 'SEVERITY', xen: 'XEN', needs: 'NEEDS', title: 'WHAT IT CATCHES' };
  const all = [head, ...rows];
  const width = (k: keyof typeof head) => Math.max(...all.map((r) => r[k].length));
  const w = { id: width('id'), severity: width('severity'), xen: width('xen'), needs: width('needs') };
  const lines = all.map((r) =>
    [r.id.padEnd(w.id), r.severity.padEnd(w.severity), r.xen.padEnd(w.xen), r.needs.padEnd(w.needs), r.title].join('  '),
  );
  process.stdout.write(`${lines.join('\n')}\n\n${rows.length} checks. \`xenlint explain ID\` shows one in full.\n`);
  return 0;
}
