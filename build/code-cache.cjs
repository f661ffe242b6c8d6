'use strict';
// Build step (build/bundle.mjs): runs the installed entry (dist/bin/xenlint.cjs) on one
// representative command line and, when the run is over, writes the V8 code cache of
// the command bundle it loaded (build/load-bundle.cjs names the file). Made after the
// run, the cache holds the functions the run compiled as well as the top level.
// Usage: node build/code-cache.cjs ENTRY ARG...   (stdout is the command's: discard it)
const { writeFileSync } = require('node:fs');

const [entry, ...args] = process.argv.slice(2);
const made = [];
globalThis[Symbol.for('xenlint.codeCacheHook')] = (script, cacheFile) => made.push({ script, cacheFile });
process.on('exit', () => {
  // The command bundle is the first script the entry loads; a compiled schema validator it loads
  // after (a config file in the working directory) has its cache made by build/bundle.mjs.
  const command = made.find((m) => /[\\/](lint|check)\.cjs\.[0-9a-f]+\.v8cache$/.test(m.cacheFile ?? ''));
  if (!command) {
    process.stderr.write(`code-cache: expected a command bundle with a cache name among the ${made.length} scripts loaded\n`);
    process.exitCode = 3;
    return;
  }
  writeFileSync(command.cacheFile, command.script.createCachedData());
  // The command-line entry's (build/bin.cjs), from the one run build/bundle.mjs names.
  if (process.env.XENLINT_ENTRY_CACHE === '1') {
    const entryScript = made.find((m) => /[\\/]entry\.cjs\.[0-9a-f]+\.v8cache$/.test(m.cacheFile ?? ''));
    if (!entryScript) {
      process.stderr.write('code-cache: the command-line entry (entry.cjs) was not loaded with a cache name\n');
      process.exitCode = 3;
      return;
    }
    writeFileSync(entryScript.cacheFile, entryScript.script.createCachedData());
  }
});
process.argv = [process.argv[0], entry, ...args];
require(entry);
