#!/usr/bin/env node
// The standalone single-file build: the CLI with every dependency, the compiled
// schema validators, the rule docs and package.json's fields in one ES module,
// for dom0s where npm is unwelcome. Needs `npm run build` first (it bundles
// dist/, exactly what tsc emitted). Output: dist/standalone/xenlint.mjs, or the
// path given as the first argument.
//
// Lazily imported command modules stay lazy: esbuild turns each `import()` of a
// bundled module into a call of that module's init function, so a command's code
// is compiled only when it runs, without code splitting into several files.
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'cli');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outfile = process.argv[2] ? resolve(process.argv[2]) : join(root, 'dist', 'standalone', 'xenlint.mjs');
// package.json engines.node (">=MAJOR.MINOR"): the bundle refuses older Nodes itself.
const [, minMajor, minMinor] = /^>=\s*(\d+)\.(\d+)/.exec(pkg.engines.node) ?? [];
if (!minMajor) throw new Error(`package.json engines.node ${pkg.engines.node}: expected ">=MAJOR.MINOR"`);
const minNode = `${minMajor}.${minMinor}`;

function embeddedModule() {
  const docsDir = join(root, 'docs', 'rules');
  const ruleDocs = Object.fromEntries(
    readdirSync(docsDir)
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => [f.slice(0, -3), readFileSync(join(docsDir, f), 'utf8')]),
  );
  const schemas = readdirSync(join(dist, 'settings', 'validators')).filter((f) => f.endsWith('.cjs')).sort();
  const imports = schemas.map((f, i) => `import v${i} from ${JSON.stringify(join(dist, 'settings', 'validators', f))};`);
  const validators = schemas.map((f, i) => `${JSON.stringify(f.slice(0, -4))}: v${i}.default ?? v${i}`);
  const { name, version, repository, homepage } = pkg;
  return [
    ...imports,
    `export const embedded = {`,
    `  ruleDocs: ${JSON.stringify(ruleDocs)},`,
    `  packageJson: ${JSON.stringify({ name, version, repository, homepage })},`,
    `  validators: { ${validators.join(', ')} },`,
    `};`,
  ].join('\n');
}

const embedPlugin = {
  name: 'xenlint-embedded',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]cli[\\/]model[\\/]embedded\.js$/ }, () => ({ contents: embeddedModule(), loader: 'js', resolveDir: join(dist, 'model') }));
  },
};

const result = await build({
  entryPoints: [join(dist, 'xenlint.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  minify: true,
  legalComments: 'eof',
  // Bundled CommonJS (semver, ajv's runtime, the validators) calls require() for
  // Node built-ins; an ES module has no require, so give it one.
  banner: {
    js: [
      `// xenlint ${pkg.version} standalone (${pkg.license}); needs Node.js >= ${minNode}`,
      // On an older Node, say so instead of failing somewhere inside.
      `{const[a,b]=process.versions.node.split('.').map(Number);if(a<${minMajor}||(a===${minMajor}&&b<${minMinor})){process.stderr.write('xenlint: needs Node.js >= ${minNode}; this is '+process.version+'\\n');process.exit(2)}}`,
      `import { createRequire as __xenlintRequire } from 'node:module'; const require = __xenlintRequire(import.meta.url);`,
    ].join('\n'),
  },
  plugins: [embedPlugin],
  logLevel: 'warning',
  metafile: true,
});
if (process.env.XENLINT_BUNDLE_META) writeFileSync(process.env.XENLINT_BUNDLE_META, JSON.stringify(result.metafile));
const bytes = statSync(outfile).size;
const inputs = Object.keys(result.metafile.inputs).length;
console.error(`wrote ${outfile}: ${(bytes / 1024).toFixed(0)} KiB from ${inputs} modules`);
