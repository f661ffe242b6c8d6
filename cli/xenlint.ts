#!/usr/bin/env node
/** Entry point: the command line (commands/main.ts) with this process's arguments. */
import { main } from './commands/main.js';

// `xenlint lint x.cfg | head -1`: the reader has gone. Nothing more can be said,
// so later writes are dropped and the command ends with its own exit code, with
// no stack trace; any other failure to write is one clear line and exit 2.
function onWriteError(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return;
    if (stream === process.stdout) process.stderr.write(`xenlint: cannot write the output: ${err.code ?? err.message}\n`);
    process.exit(2);
  });
}

// Attached when a stream is first used, not here: creating process.stdout or stderr
// loads streams and, for a pipe, net (~15 M instructions), and a plain lint writes
// its report to fd 1 without either (commands/output.ts writeStdout).
for (const name of ['stdout', 'stderr'] as const) {
  const own = Object.getOwnPropertyDescriptor(process, name);
  if (!own?.get || !own.configurable) {
    onWriteError(process[name]);
    continue;
  }
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own.enumerable ?? true,
    get() {
      Object.defineProperty(process, name, own);
      const stream = process[name];
      onWriteError(stream);
      return stream;
    },
  });
}

// The report goes to fd 1 itself (commands/output.ts writeStdout); a symbol, not an import,
// for the command bundles each hold their own copy of output.ts.
(globalThis as Record<symbol, unknown>)[Symbol.for('xenlint.stdoutIsFd1')] = true;

// Not a top-level await: the installed entry is a CommonJS script (build/bundle.mjs).
void main(process.argv.slice(2));
