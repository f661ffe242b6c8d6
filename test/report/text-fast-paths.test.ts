/**
 * The report formats' text helpers have fast paths (issue 14): wellFormed uses
 * the ES2024 built-ins, xmlText/xmlAttr return a text that needs no change as
 * it is, and a SARIF artifact location cuts a path under the source root off it
 * and leaves a path of URI-plain characters unencoded. Each must give what the
 * code it replaced gave; that code is kept here as the oracle. The generators
 * lean on the characters each path turns on: lone and paired surrogates, XML's
 * specials and forbidden controls, C1 controls, `..`, `.`, doubled slashes,
 * percent-worthy characters, a root of `/` and paths equal to the root.
 */
import t from 'tap';
import fc from 'fast-check';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { wellFormed } from '../../cli/report/shared.js';
import { xmlAttr, xmlText } from '../../cli/report/junit.js';
import { artifactLocation } from '../../cli/report/sarif.js';

function oldWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const DISCOURAGED = /[\u007f-\u009f]/g;
const representable = (text: string): string => oldWellFormed(String(text)).replace(NOT_XML, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
const charRef = (c: string): string => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;

function oldXmlText(text: string): string {
  return representable(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;').replace(DISCOURAGED, charRef);
}

function oldXmlAttr(text: string): string {
  return representable(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\t\n\r]/g, charRef)
    .replace(DISCOURAGED, charRef);
}

function oldInside(path: string, dir: string): string | undefined {
  const rel = relative(resolve(oldWellFormed(dir)), resolve(oldWellFormed(path)));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

const oldEncodePath = (path: string): string => oldWellFormed(path).split('/').map(encodeURIComponent).join('/');

/** Places.artifact as it was, for a context with only a source root (what artifactLocation builds). */
function oldArtifact(file: string, cwd: string, root: string): { uri: string; uriBaseId: string } {
  const abs = resolve(cwd, file);
  const rel = oldInside(abs, root);
  if (rel !== undefined) return { uri: oldEncodePath(rel), uriBaseId: '%SRCROOT%' };
  return { uri: oldEncodePath(abs.split(sep).join('/').replace(/^\/+/, '')), uriBaseId: 'LOCALROOT' };
}

/** Characters each fast path turns on, and plain ones. */
const tricky = fc.constantFrom(
  'a', 'Z', '0', '-', '_', '.', '~', '*', "'", '(', ')', '!', ' ', '/', '\\', '%', '#', '?', '&', '<', '>', '"', '\t', '\n', '\r',
  '\u0000', '\u0001', '\u000b', '\u001f', '\u007f', '\u0085', '\u009f', '\u00a0', 'é', '内', '\ud83d', '\ude00', '\ud83d\ude00', '\ufffe', '\uffff', '\ufffd',
);
const text = fc.oneof(fc.string({ unit: tricky, maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 24 }), fc.string({ maxLength: 24 }));

t.test('wellFormed gives what the look-behind regex gave', async (t) => {
  fc.assert(fc.property(text, (s) => wellFormed(s) === oldWellFormed(s)), { numRuns: 3000 });
  t.equal(wellFormed('a\ud83db'), 'a\ufffdb', 'a lone high surrogate is replaced');
  t.equal(wellFormed('\ude00\ud83d\ude00'), '\ufffd\ud83d\ude00', 'a lone low one too, a pair kept');
});

t.test('xmlText and xmlAttr give what the chains of replaces gave', async (t) => {
  fc.assert(
    fc.property(text, (s) => xmlText(s) === oldXmlText(s) && xmlAttr(s) === oldXmlAttr(s)),
    { numRuns: 3000 },
  );
  t.equal(xmlAttr('plain text'), 'plain text');
  t.equal(xmlAttr("a'b"), 'a&apos;b', 'an apostrophe is not plain in an attribute');
  t.equal(xmlText("a'b"), "a'b", 'but is in text');
  t.equal(xmlText('\u0085'), '&#x85;', 'a C1 control is not plain');
});

t.test('a SARIF artifact location is what resolving both paths and encoding every segment gave', async (t) => {
  const segment = fc.oneof(fc.constantFrom('', '.', '..', 'etc', 'xen', 'a b', 'x%y', 'n10000', 'host-000', 'g.cfg', '内', '\ud83d'), fc.string({ unit: tricky, maxLength: 6 }));
  const path = fc.tuple(fc.boolean(), fc.array(segment, { maxLength: 5 })).map(([abs, parts]) => (abs ? '/' : '') + parts.join('/'));
  const dir = fc.oneof(fc.constantFrom('/', '/work', '/work/', '/work/wt', '/work/./wt/..', '//work'), path.map((p) => `/${p}`));
  fc.assert(
    fc.property(path, dir, dir, (file, cwd, root) => {
      const got = artifactLocation(file, cwd, root);
      const want = oldArtifact(file, cwd, root);
      return got.uri === want.uri && got.uriBaseId === want.uriBaseId;
    }),
    { numRuns: 4000 },
  );
  t.same(artifactLocation('host-000/a.cfg', '/work/wt', '/work'), { uri: 'wt/host-000/a.cfg', uriBaseId: '%SRCROOT%' });
  t.same(artifactLocation('/work', '/work', '/work'), { uri: 'work', uriBaseId: 'LOCALROOT' }, 'the root itself is not inside it');
  t.same(artifactLocation('/workx/a', '/', '/work'), { uri: 'workx/a', uriBaseId: 'LOCALROOT' }, 'a sibling with the root as a prefix is not inside it');
  t.same(artifactLocation('/a b/c', '/', '/'), { uri: 'a%20b/c', uriBaseId: '%SRCROOT%' }, 'under the root /');
});
