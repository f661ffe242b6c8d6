#!/usr/bin/env node
// The installed CLI (package.json "bin"): dist/bin/xenlint.mjs, a small entry that
// reads the command line (cli/commands/fast-argv.ts) and then loads one bundle for
// the command — dist/bin/lint.mjs, check.mjs, or cli.mjs for everything yargs
// handles — each a single minified ES module built by esbuild from what tsc
// emitted into dist/cli/. Run by `npm run build` after tsc; tests keep running the
// unbundled dist/cli/ (test/cli/bundle.test.ts holds the two to the same output).
//
// Why: `lint one.cfg` loaded about 95 ES modules and 48 CommonJS files of semver;
// Node 20 has no compile cache, so resolving, reading and compiling each one was
// most of the start-up. One file per command measured 0.12 s -> 0.08 s of CPU
// against a code-split bundle (40 chunks) and the unbundled build (bench/README.md).
// The dependencies stay npm dependencies; only those a run may not need — ajv
// (the options of a check set in a config file) and yargs (any command line
// fast-argv does not take) — are left to node_modules, loaded on first use.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'cli');
const out = join(root, 'dist', 'bin');

/** What the entry (through commands/main.js) imports lazily, by its path in tsc's output, and the bundle that replaces it. */
const COMMANDS = {
  './commands/lint.js': 'lint.mjs',
  './commands/check.js': 'check.mjs',
  './commands/yargs-cli.js': 'cli.mjs',
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  minify: true,
  legalComments: 'eof',
  external: ['ajv', 'yargs', 'yargs/*'],
  // Bundled CommonJS (semver, picomatch) calls require() for Node built-ins; an ES module has none.
  banner: { js: `import { createRequire as __xenlintRequire } from 'node:module'; const require = __xenlintRequire(import.meta.url);` },
  logLevel: 'warning',
};

const perCommand = {
  name: 'xenlint-per-command',
  setup(b) {
    // The command line (commands/main.js, which the entry imports) loads each command by its sibling path.
    b.onResolve({ filter: /^\.\/(lint|check|yargs-cli)\.js$/ }, (a) =>
      a.importer === join(dist, 'commands', 'main.js') ? { path: `./${COMMANDS[`./commands${a.path.slice(1)}`]}`, external: true } : undefined,
    );
  },
};

await Promise.all([
  build({ ...common, entryPoints: [join(dist, 'xenlint.js')], outfile: join(out, 'xenlint.mjs'), plugins: [perCommand] }),
  // lint's reading threads (cli/sources/read-parallel.ts) start the script named read-worker.js beside the code.
  build({ ...common, entryPoints: [join(dist, 'sources', 'read-worker.js')], outfile: join(out, 'read-worker.js') }),
  // And, with built-in checks only, the script named lint-worker.js beside lint's code (cli/commands/lint-parallel.ts).
  build({ ...common, entryPoints: [join(dist, 'commands', 'lint-worker.js')], outfile: join(out, 'lint-worker.js') }),
  ...Object.entries(COMMANDS).map(([src, file]) => build({ ...common, entryPoints: [join(dist, src)], outfile: join(out, file) })),
]);
