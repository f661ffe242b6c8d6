#!/usr/bin/env node
// The installed CLI (package.json "bin"): dist/bin/xenlint.cjs, a small entry that
// reads the command line (cli/commands/fast-argv.ts) and then runs one bundle for
// the command — dist/bin/lint.cjs, check.cjs, or cli.cjs for everything yargs
// handles — each a single minified CommonJS script built by esbuild from what tsc
// emitted into dist/cli/, started from the V8 code cache made here
// (build/load-bundle.cjs, build/code-cache.cjs). Run by `npm run build` after tsc;
// tests keep running the unbundled dist/cli/ (test/cli/bundle.test.ts holds the two
// to the same output).
//
// Why: `lint one.cfg` loaded about 95 ES modules and 48 CommonJS files of semver;
// Node 20 has no compile cache, so resolving, reading and compiling each one was
// most of the start-up. One file per command measured 0.12 s -> 0.08 s of CPU
// against a code-split bundle (40 chunks) and the unbundled build (bench/README.md).
// Then compiling that one file (and, as the run went, each function it called) was
// the largest cost left: with the code cache `lint one.cfg --facts info.txt` went
// from 2.1x to 1.55x `node -e ''` in CPU; CommonJS rather than ES modules because a
// cache needs vm.Script, and because Node's ES module loader costs an .mjs entry
// about 3 ms more than a .cjs one.
// The dependencies stay npm dependencies; only those a run may not need — ajv
// (a plugin's options schema; a built-in check's is compiled by the build,
// schemas/build-validators.mjs) and yargs (any command line fast-argv does not
// take) — are left to node_modules, imported on first use.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'cli');
const out = join(root, 'dist', 'bin');
/** The bin: build/bin.cjs, which runs the command-line entry (COMMAND_LINE) from its code cache. */
const entry = join(out, 'xenlint.cjs');
const COMMAND_LINE = 'entry.cjs';

/**
 * What the entry (through commands/main.js) imports lazily, by its path in tsc's output: lint and
 * check, the command lines hooks and CI run, each become a CommonJS bundle with a code cache made
 * from a run of `run` (`names`: what main.js takes from it); everything yargs handles stays an ES
 * module without a cache (yargs is an ES module itself, and help or explain is not what a hook runs).
 */
const CACHED = {
  // This run makes the command-line entry's cache too (build/code-cache.cjs): lint is what hooks run.
  './commands/lint.js': { file: 'lint.cjs', names: ['default'], run: ['lint', 'samples/domains/xm-pv-web01.cfg', '--facts', 'samples/info/xl-4.1-x86_64.txt'], entryCache: true },
  './commands/check.js': { file: 'check.cjs', names: ['default'], run: ['check', '--root', 'samples/hosts/xen-4.17-credit2'] },
};
const PLAIN = { './commands/yargs-cli.js': 'cli.mjs' };

// Dependencies a common run does not call, whose top level would still run at load (esbuild runs a
// bundled CommonJS package's module code where its importer's top level imports it), get stand-ins
// that run the package's (bundled) code on first use:
// - semver, needed only for a range cli/model/xen-version.ts does not read itself (a plugin's
//   `^4.1`), yet its top level builds about 80 regular expressions;
// - picomatch and ignore (cli/sources/files.ts), needed only for a path argument that names no file
//   (a glob) and for `.xenlintignore` / `ignorePatterns`: their module code (picomatch's parser and
//   constants, ignore's rules) ran on every start (issue 14).
const ON_FIRST_USE = {
  semver: join(dist, 'model', 'xen-version.js'),
  picomatch: join(dist, 'sources', 'files.js'),
  ignore: join(dist, 'sources', 'files.js'),
};
/**
 * The stand-in for a package whose export is one function with properties (picomatch, ignore): a
 * function that forwards to the real one, and each of its properties forwarded or read through.
 */
function defaultExportOnFirstUse(name) {
  const real = createRequire(import.meta.url)(name);
  const lines = ['let real;', `const load = () => (real ??= require(${JSON.stringify(name)}));`, 'function lazy(...args) { return load()(...args); }'];
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(real))) {
    if (['length', 'name', 'prototype'].includes(key)) continue;
    if (typeof d.value === 'function') lines.push(`lazy[${JSON.stringify(key)}] = function (...args) { return load()[${JSON.stringify(key)}](...args); };`);
    else lines.push(`Object.defineProperty(lazy, ${JSON.stringify(key)}, { get: () => load()[${JSON.stringify(key)}], enumerable: true });`);
  }
  lines.push('export default lazy;');
  return lines.join('\n');
}
const semverOnFirstUse = {
  name: 'xenlint-dependencies-on-first-use',
  setup(b) {
    b.onResolve({ filter: /^(semver|picomatch|ignore)$/ }, (a) => (a.importer === ON_FIRST_USE[a.path] ? { path: a.path, namespace: 'xenlint-lazy' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'xenlint-lazy' }, (a) => ({
      contents:
        a.path === 'semver'
          ? [
              'let semver;',
              "const load = () => (semver ??= require('semver'));",
              // The names xen-version.js imports: another one fails the build ("No matching export").
              'export const satisfies = (...args) => load().satisfies(...args);',
              'export const validRange = (...args) => load().validRange(...args);',
            ].join('\n')
          : defaultExportOnFirstUse(a.path),
      loader: 'js',
      resolveDir: root,
    }));
  },
};

// Node built-ins that Node itself does not load for `node -e ''` cost start-up when a bundle's
// top level requires them, as esbuild makes every import do: node:crypto ~13 M instructions,
// worker_threads ~8 M (it brings the whole of streams), node:v8 ~8 M, fs/promises ~4 M (readline,
// watchers), node:module ~1.2 M (Node's ES module loader behind it: validators.js's createRequire), os, zlib. The common `lint one.cfg` and `check --root` use few or none of them before
// they finish, so our own code (dist/cli, dist/checks) gets stand-ins that require the built-in on
// the first call. A function is forwarded, a class (capitalised) constructed, `constants` read
// through; any other export is left out, so that importing it fails the build ("No matching
// export") instead of binding a value too early. Dependencies (execa) keep their own imports.
const LAZY_BUILTINS = ['node:crypto', 'node:fs/promises', 'node:module', 'node:os', 'node:v8', 'node:worker_threads', 'node:zlib'];
function lazyBuiltinSource(specifier) {
  const real = createRequire(import.meta.url)(specifier);
  const lines = [`let real;`, `const load = () => (real ??= require(${JSON.stringify(specifier)}));`];
  for (const [name, value] of Object.entries(real)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(name) || name === 'default') continue;
    if (name === 'constants' && typeof value === 'object') lines.push(`export const constants = new Proxy({}, { get: (_, k) => load().constants[k] });`);
    else if (typeof value === 'function' && /^[A-Z]/.test(name)) lines.push(`export function ${name}(...args) { return Reflect.construct(load().${name}, args); }`);
    else if (typeof value === 'function') lines.push(`export function ${name}(...args) { return load().${name}(...args); }`);
  }
  return lines.join('\n');
}
const builtinsOnFirstUse = {
  name: 'xenlint-builtins-on-first-use',
  setup(b) {
    const own = (importer) => importer.startsWith(dist) || importer.startsWith(join(root, 'dist', 'checks'));
    b.onResolve({ filter: /^node:/ }, (a) => (LAZY_BUILTINS.includes(a.path) && own(a.importer) ? { path: a.path, namespace: 'xenlint-lazy-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'xenlint-lazy-builtin' }, (a) => ({ contents: lazyBuiltinSource(a.path), loader: 'js', resolveDir: root }));
  },
};

const common = {
  bundle: true,
  plugins: [semverOnFirstUse],
  platform: 'node',
  target: 'node20.19',
  // XENLINT_NOMINIFY=1 node build/bundle.mjs: readable names in a CPU profile of the bundle.
  minify: !process.env.XENLINT_NOMINIFY,
  legalComments: 'eof',
  external: ['ajv', 'yargs', 'yargs/*'],
  logLevel: 'warning',
};

const cjs = {
  ...common,
  plugins: [semverOnFirstUse, builtinsOnFirstUse],
  format: 'cjs',
  // The code finds its files (the package root, the reading threads' script) from import.meta.url.
  define: { 'import.meta': '__xenlintImportMeta' },
  banner: { js: `var __xenlintImportMeta={get url(){return require("node:url").pathToFileURL(__filename).href},dirname:__dirname};` },
};

const esm = {
  ...common,
  format: 'esm',
  // Bundled CommonJS (semver, picomatch) calls require() for Node built-ins; an ES module has none.
  banner: { js: `import { createRequire as __xenlintRequire } from 'node:module'; const require = __xenlintRequire(import.meta.url);` },
};

const loader = join(root, 'build', 'load-bundle.cjs');
const perCommand = {
  name: 'xenlint-per-command',
  setup(b) {
    // The command line (commands/main.js, which the entry imports) loads each command by its sibling path.
    b.onResolve({ filter: /^\.\/(lint|check|yargs-cli)\.js$/ }, (a) => {
      if (a.importer !== join(dist, 'commands', 'main.js')) return undefined;
      const src = `./commands${a.path.slice(1)}`;
      return PLAIN[src] ? { path: `./${PLAIN[src]}`, external: true } : { path: src, namespace: 'xenlint-command' };
    });
    // An ES module with main.js's names, so that esbuild hands main.js the bundle's exports as they are.
    b.onLoad({ filter: /.*/, namespace: 'xenlint-command' }, (a) => {
      const { file, names } = CACHED[a.path];
      const exports = names.map((n) => (n === 'default' ? 'export default command.default;' : `export const ${n} = command.${n};`));
      return { contents: [`import loadBundle from ${JSON.stringify(loader)};`, `const command = loadBundle(${JSON.stringify(file)});`, ...exports].join('\n'), loader: 'js', resolveDir: root };
    });
  },
};

// V8 keeps a script's dynamic-import callback out of its code cache: in Node 20 an import() in a
// script started from a cache fails ("A dynamic import callback was not specified"). So the
// command bundles import what stays outside them (ajv, a config's plugins) through the loader's
// __xenlintImport, a real import() in the entry; what they bundle (import('./x.js'), js-yaml,
// execa) esbuild turns into calls of its own.
const EXTERNAL_IMPORT = /\bimport\((?=\s*(?:['"](?:ajv|yargs)['"/]|[^'"\s]))/g;
// The compiled schema validators (schemas/build-validators.mjs: config.cjs is 160 KB) were
// required from dist/cli/settings/validators/, which compiled one from source whenever a run read a
// config file: +57 M instructions (~10 ms) on `lint one.cfg` with a .xenlintrc.json. The command
// bundles load each from a copy in dist/bin/ with a code cache of its own (validatorScripts below),
// through build/load-bundle.cjs.
const VALIDATOR_REQUIRE = /const require = createRequire\(import\.meta\.url\);\s*const mod = require\(`\$\{builtValidators\(\)\}\/\$\{name\}\.cjs`\);/;
const importThroughLoader = {
  name: 'xenlint-import-through-loader',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/](cli|checks)[\\/].*\.js$/ }, (a) => {
      let text = readFileSync(a.path, 'utf8');
      const validators = a.path === join(dist, 'settings', 'validators.js');
      if (validators) {
        if (!VALIDATOR_REQUIRE.test(text)) throw new Error(`${a.path}: the require of a compiled validator is not where build/bundle.mjs expects it`);
        text = text.replace(VALIDATOR_REQUIRE, "const mod = globalThis[Symbol.for('xenlint.loadBundle')](`validator-${name}.cjs`);");
      }
      return validators || text.search(EXTERNAL_IMPORT) >= 0 ? { contents: text.replace(EXTERNAL_IMPORT, '__xenlintImport('), loader: 'js' } : undefined;
    });
  },
};

/**
 * Each compiled validator as a script build/load-bundle.cjs runs (dist/bin/validator-<name>.cjs),
 * with the code cache of a run of it: its module code, then the validation of an empty object,
 * which compiles the validating function itself (the bulk of the file).
 */
function validatorScripts() {
  const { wrap } = createRequire(import.meta.url)(loader);
  const from = join(dist, 'settings', 'validators');
  for (const name of readdirSync(from).filter((f) => f.endsWith('.cjs'))) {
    const file = `validator-${name}`;
    const path = join(out, file);
    writeFileSync(path, asciiOnly(readFileSync(join(from, name), 'utf8')));
    nameCache(file);
    const source = readFileSync(path, 'latin1');
    const script = new Script(wrap(source), { filename: path });
    const module = { exports: {} };
    script.runInThisContext().call(module.exports, module.exports, createRequire(path), module, path, out, undefined);
    const validate = typeof module.exports === 'function' ? module.exports : module.exports.default;
    validate({});
    writeFileSync(join(out, source.slice(source.lastIndexOf(CACHE_LINE) + CACHE_LINE.length).trim()), script.createCachedData());
  }
}
const CACHE_LINE = '\n//# xenlintCodeCache=';

/**
 * A compiled validator's code with each UTF-16 unit beyond ASCII written as a \u escape, as esbuild
 * writes the bundles (its default charset): build/load-bundle.cjs reads what it runs as latin1,
 * which is the file's text only for ASCII. ajv's code has such characters only inside string
 * literals (the config schema's descriptions say "≤ 3.1"), where the escape is the same string.
 */
const asciiOnly = (code) => code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const NOT_ASCII = /[^\x00-\x7f]/;

// The report formats other than stylish, which a command bundle imports only for a run that asks
// for one (--format), are each a CommonJS file of their own beside the bundles (a "chunk"),
// required on the import(): kept out of lint.cjs and check.cjs, they are neither read, nor
// deserialised from the code cache, by the runs that do not use them. A chunk has no code cache
// (the run that loads one is not the one a hook runs), and it bundles its own copy of what it
// imports, which is why only modules without state of their own are chunks: a format reads the
// report it is given. js-yaml stays in the bundles: as a chunk it cost a YAML config or snapshot
// more (+4.4 M instructions: its whole top level compiled from source) than it saved the others.
const CHUNKS = {
  'report/json.js': 'report-json.cjs',
  'report/sarif.js': 'report-sarif.cjs',
  'report/junit.js': 'report-junit.cjs',
  'report/github.js': 'report-github.cjs',
  'report/html.js': 'report-html.cjs',
  'report/fleet.js': 'report-fleet.cjs',
};
const chunkOf = (a) => (a.kind === 'dynamic-import' ? CHUNKS[relative(dist, join(a.resolveDir, a.path)).split(sep).join('/')] : undefined);
const chunksApart = {
  name: 'xenlint-chunks-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (a) => {
      const chunk = chunkOf(a);
      return chunk ? { path: `./${chunk}`, external: true } : undefined;
    });
  },
};
/** The import() esbuild leaves for each chunk becomes a require of it: the same exports, and no import() in a cached script. */
function requireChunks(file) {
  const path = join(out, file);
  const code = readFileSync(path, 'utf8');
  const chunkImport = /\bimport\("\.\/([\w-]+\.cjs)"\)/g;
  for (const [, name] of code.matchAll(chunkImport)) if (!Object.values(CHUNKS).includes(name)) throw new Error(`${file}: import() of ${name}, which is no chunk`);
  writeFileSync(path, code.replace(chunkImport, 'Promise.resolve().then(()=>require("./$1"))'));
}

/** A bundle's last line names its code cache by a hash of its code: a cache made for other code is never read. */
function nameCache(file) {
  const path = join(out, file);
  const code = readFileSync(path, 'utf8');
  if (/\bimport\(/.test(code)) throw new Error(`${file}: an import() is left that build/load-bundle.cjs cannot serve from the code cache`);
  if (NOT_ASCII.test(code)) throw new Error(`${file}: a character beyond ASCII, which build/load-bundle.cjs, reading latin1, would misread`);
  const hash = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
  appendFileSync(path, `\n//# xenlintCodeCache=${file}.${hash}.v8cache\n`);
}

/**
 * The command-line entry as a script build/load-bundle.cjs runs: no hashbang (it becomes a function
 * body), and its import()s (yargs' cli.mjs; load-bundle's own, which hands a command bundle its
 * import of a plugin) made through the bin's real import(), __xenlintImport: V8 keeps no dynamic
 * import callback for a script started from a cache.
 */
function commandLineScript() {
  const path = join(out, COMMAND_LINE);
  const code = readFileSync(path, 'utf8').replace(/^#!.*\n/, '');
  writeFileSync(path, code.replace(/\bimport\(/g, '__xenlintImport('));
  nameCache(COMMAND_LINE);
}

function makeCache(args, entryCache) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, XENLINT_ENTRY_CACHE: entryCache ? '1' : '' };
    const child = spawn(process.execPath, [join(root, 'build', 'code-cache.cjs'), entry, ...args], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 || code === 1 ? resolve() : reject(new Error(`code cache of \`xenlint ${args.join(' ')}\`: exit ${code}\n${stderr}`))));
  });
}

// dist/bin is this script's alone: no bundle or cache of an earlier build is left to be packed.
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await Promise.all([
  build({ ...cjs, entryPoints: [join(dist, 'xenlint.js')], outfile: join(out, COMMAND_LINE), plugins: [perCommand, semverOnFirstUse, builtinsOnFirstUse] }).then(commandLineScript),
  build({ ...cjs, banner: undefined, define: undefined, entryPoints: [join(root, 'build', 'bin.cjs')], outfile: entry }),
  // lint's threads (cli/commands/lint-parallel.ts) start the script named lint-worker.js beside lint's code.
  build({ ...esm, entryPoints: [join(dist, 'commands', 'lint-worker.js')], outfile: join(out, 'lint-worker.js') }),
  ...Object.entries(CACHED).map(([src, { file }]) =>
    build({ ...cjs, entryPoints: [join(dist, src)], outfile: join(out, file), plugins: [chunksApart, importThroughLoader, semverOnFirstUse, builtinsOnFirstUse] }).then(() => {
      requireChunks(file);
      nameCache(file);
    }),
  ),
  // Required by a bundle, not run as a vm.Script: a chunk keeps its own import()s. fleet's formats are chunks of their own.
  ...Object.entries(CHUNKS).map(([src, file]) =>
    build({ ...cjs, entryPoints: [join(dist, src)], outfile: join(out, file), plugins: [chunksApart, semverOnFirstUse, builtinsOnFirstUse] }).then(() => requireChunks(file)),
  ),
  ...Object.entries(PLAIN).map(([src, file]) => build({ ...esm, entryPoints: [join(dist, src)], outfile: join(out, file) })),
]);
validatorScripts();
// One at a time: two runs at once would each take longer on a busy machine, and the build is not the hot path.
for (const { run, entryCache } of Object.values(CACHED)) await makeCache(run, entryCache);
