'use strict';
// Bundled into the installed entry (dist/bin/xenlint.cjs, build/bundle.mjs): runs one
// command bundle (dist/bin/lint.cjs or check.cjs — CommonJS) as a vm.Script with
// the V8 code cache `npm run build` made for it, so that neither the bundle's top level
// nor the functions a typical run calls are compiled again. Node 20 has no module
// compile cache (module.enableCompileCache is 22.1); vm.Script's cachedData is the way.
//
// The cache's name comes from the bundle's last line (a hash of its code, written by the
// build), so a cache that is not this bundle's is never read: V8 itself checks only the
// source's length. V8 refuses a cache made by another Node or with other V8 flags
// (script.cachedDataRejected); then the source is compiled as usual. Nothing is ever
// written here: the cache is made only by the build (build/code-cache.cjs, which
// registers the hook below before it runs a command).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const CACHE_LINE = '\n//# xenlintCodeCache=';
const HOOK = Symbol.for('xenlint.codeCacheHook');

/**
 * The bundles' import() of what they leave to node_modules (ajv) and of a config's plugins: V8
 * does not keep a script's dynamic-import callback in its code cache, so the bundles (see
 * build/bundle.mjs) call this real import() of the entry, which lives in the same directory.
 */
const importHere = (specifier) => import(specifier);

/** The text V8 compiles for a bundle: its code as the body of a CommonJS-style function. */
const wrap = (source) => `(function (exports, require, module, __filename, __dirname, __xenlintImport) {${source}\n})`;

/** module.exports of the command bundle (or compiled schema validator) `name` beside this entry. */
module.exports = loadBundle;
module.exports.wrap = wrap;
// The command bundles load the schema validators' scripts through it (build/bundle.mjs).
globalThis[Symbol.for('xenlint.loadBundle')] = loadBundle;

function loadBundle(name) {
  const filename = join(__dirname, name);
  // As latin1, not utf8: the build writes every script it loads here in ASCII (build/bundle.mjs
  // asciiOnly), where the two read the same, and latin1 is one copy of the bytes into a one-byte
  // string where V8's UTF-8 decoder first scans them (~1 M instructions for lint.cjs's 555 KB).
  // latin1Slice, not readFileSync(f, 'latin1'): that compiles Node's encoding-name functions.
  const source = readFileSync(filename).latin1Slice();
  const at = source.lastIndexOf(CACHE_LINE);
  const cacheFile = at < 0 ? undefined : join(__dirname, source.slice(at + CACHE_LINE.length).trim());
  let cachedData;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      // No cache (a build without one, or a copy of the bundle alone): compile from source.
    }
  }
  const script = new Script(wrap(source), { filename, cachedData });
  const module = { exports: {} };
  // This entry's own require: the bundle sits beside it, so relative names and node_modules resolve
  // alike, and createRequire would load node:module (with Node's ES module loader behind it) for nothing.
  script.runInThisContext().call(module.exports, module.exports, require, module, filename, __dirname, importHere);
  globalThis[HOOK]?.(script, cacheFile);
  return module.exports;
}
