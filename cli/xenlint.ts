#!/usr/bin/env node
/**
 * Entry point. `xenlint --version` and plain `xenlint lint FILE...` and
 * `xenlint check` command lines — what hooks and CI run — skip yargs
 * (fast-argv.ts); everything else goes to the full command line in
 * yargs-cli.ts. Every command module, and with it every heavy dependency, is
 * imported inside its handler, so that start-up costs only what the command
 * needs.
 */
import { fastPath } from './commands/fast-argv.js';
import type { RunCommand } from './commands/yargs-cli.js';

// `xenlint lint x.cfg | head -1`: the reader has gone. Nothing more can be said,
// so later writes are dropped and the command ends with its own exit code, with
// no stack trace; any other failure to write is one clear line and exit 2.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return;
    if (stream === process.stdout) process.stderr.write(`xenlint: cannot write the output: ${err.code ?? err.message}\n`);
    process.exit(2);
  });
}

const run: RunCommand = async (load, argv) => {
  const { handleFailure } = await import('./commands/failure.js');
  try {
    const mod = await load();
    process.exitCode = await mod.default(argv);
  } catch (err) {
    process.exitCode = handleFailure(err);
  }
};

const fast = fastPath(process.argv.slice(2));
if (fast?.kind === 'version') {
  const { TOOL_VERSION } = await import('./model/tool-version.js');
  process.stdout.write(`${TOOL_VERSION}\n`);
} else if (fast?.kind === 'lint') {
  await run(() => import('./commands/lint.js'), fast.argv);
} else if (fast?.kind === 'check') {
  await run(() => import('./commands/check.js'), fast.argv);
} else {
  const [{ buildCli }, { hideBin }] = await Promise.all([import('./commands/yargs-cli.js'), import('yargs/helpers')]);
  await buildCli(hideBin(process.argv), run).parseAsync();
}
