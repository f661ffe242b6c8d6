#!/usr/bin/env node
/** Entry point: the command line (commands/main.ts) with this process's arguments. */
import { main } from './commands/main.js';

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

// Not a top-level await: the installed entry is a CommonJS script (build/bundle.mjs).
void main(process.argv.slice(2));
