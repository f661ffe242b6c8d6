/**
 * The command line from its arguments: what the `xenlint` binary runs
 * (cli/xenlint.ts), and what the CLI tests run in-process. `--version` and
 * plain `xenlint lint FILE...` and `xenlint check` command lines — what hooks
 * and CI run — skip yargs (fast-argv.ts); everything else goes to the full
 * command line in yargs-cli.ts. Every command module, and with it every heavy
 * dependency, is imported inside its handler, so that start-up costs only what
 * the command needs. Sets process.exitCode; writes to process.stdout/stderr.
 */
import { fastPath } from './fast-argv.js';
import type { RunCommand } from './yargs-cli.js';

const run: RunCommand = async (load, argv) => {
  try {
    const mod = await load();
    process.exitCode = await mod.default(argv);
  } catch (err) {
    // Loaded only when needed: it brings the config module, and with it the search for the package root.
    const { handleFailure } = await import('./failure.js');
    process.exitCode = handleFailure(err);
  }
};

export async function main(args: string[]): Promise<void> {
  const fast = fastPath(args);
  if (fast?.kind === 'version') {
    const [{ TOOL_VERSION }, { writeStdout }] = await Promise.all([import('../model/tool-version.js'), import('./output.js')]);
    // To fd 1, as a report is: process.stdout would load streams (and net for a pipe), ~12 M instructions.
    writeStdout(`${TOOL_VERSION}\n`);
  } else if (fast?.kind === 'lint') {
    await run(() => import('./lint.js'), fast.argv);
  } else if (fast?.kind === 'check') {
    await run(() => import('./check.js'), fast.argv);
  } else {
    const { buildCli } = await import('./yargs-cli.js');
    await buildCli(args, run).parseAsync();
  }
}
