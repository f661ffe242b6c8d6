// Sums tap's closing `# { total: ... }` lines from the given logs into one plain
// "N passed, N failed[, N skipped]" line, the line CI reads.
import { readFileSync } from 'node:fs';

let pass = 0, fail = 0, skipped = 0, missing = 0;
for (const file of process.argv.slice(2)) {
  const line = readFileSync(file, 'utf8').split('\n').reverse().find((x) => x.startsWith('# { total:'));
  if (!line) { missing += 1; continue; }
  const m = Object.fromEntries([...line.matchAll(/(\w+): (\d+)/g)].map((a) => [a[1], Number(a[2])]));
  pass += m.pass ?? 0;
  fail += m.fail ?? 0;
  skipped += (m.skip ?? 0) + (m.todo ?? 0);
}
// A log without a summary means that run died before reporting: count it as a failure.
fail += missing;
console.log(`${pass} passed, ${fail} failed` + (skipped ? `, ${skipped} skipped` : ''));
