/** `xenlint check`: one host — hypervisor, dom0 and every domU config — live, or from --root / --facts. */
import { finish, prepare, type ReportArgs } from './pipeline.js';
import { gatherProblems, hostFacts, type HostArgs } from './host-facts.js';

export default async function check(argv: Record<string, unknown>): Promise<number> {
  const args = argv as ReportArgs & HostArgs;
  const prepared = await prepare(args);
  const facts = await hostFacts(args, prepared.loaded);
  const files = (facts.domains ?? []).map((d) => d.file).filter((f): f is string => f !== undefined);
  return finish('check', facts, args, prepared, { files, problems: gatherProblems(facts) });
}
