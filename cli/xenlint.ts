#!/usr/bin/env node
/** Entry point: the command line (commands/main.ts) with this process's arguments. */
import { main } from './commands/main.js';

await main(process.argv.slice(2));
