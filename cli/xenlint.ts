#!/usr/bin/env node
/**
 * Entry point. Only yargs is loaded eagerly: every command module, and with it
 * every heavy dependency, is imported inside its handler so that `--help`,
 * `--version` and a one-file `lint` start as fast as Node allows.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { TOOL_VERSION } from './tool-version.js';

const cli = yargs(hideBin(process.argv))
  .scriptName('xenlint')
  .usage('$0 <command> [options]\n\nPreflight checks for Xen hosts and domU configs.')
  .version(TOOL_VERSION)
  .strict()
  .demandCommand(1, 'Name a command; see --help.')
  .recommendCommands()
  .wrap(Math.min(100, process.stdout.columns || 100))
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`xenlint: ${msg}\nRun "xenlint --help" for usage.\n`);
    process.exit(2);
  });

await cli.parseAsync();
