/**
 * The README's "Many hosts" section: every xenlint command in it runs as written
 * (from a directory where `samples/` is the repository's), and exits 0 or 1 —
 * a verdict, never a usage error. The Ansible lines are run for real by
 * test/integration/ansible.test.ts; the last migrate line needs their captures.
 */
import t from 'tap';
import { readFileSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, inProcess } from './run.js';
import { tempDir } from '../helpers/temp-dir.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = /^## Many hosts\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
const commands = [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1]!.replace(/\\\n\s*/g, ' ').split('\n'))
  .map((l) => l.trim())
  .filter((l) => l.startsWith('xenlint ') && !l.includes('xenlint-captures/'));

t.ok(section.length > 0, 'the README has a "Many hosts" section');
t.ok(commands.length >= 5, `its commands: ${commands.length}`);

const dir = tempDir('xenlint-readme-');
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
symlinkSync(join(ROOT, 'samples'), join(dir, 'samples'));

for (const line of commands) {
  t.test(line, async (t) => {
    const args = line.split(/\s+/).slice(1);
    const r = await inProcess(args, { cwd: dir });
    t.ok(r.code === 0 || r.code === 1, `exit ${r.code}${r.stderr ? `: ${r.stderr}` : ''}`);
    t.ok(r.stdout.length > 0 || args.includes('--output'), 'it reports');
    const out = args[args.indexOf('--output') + 1];
    if (args.includes('--output') && out) t.ok(existsSync(join(dir, out)), `${out} written`);
  });
}
