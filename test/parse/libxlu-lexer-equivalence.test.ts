/**
 * cli/readers/libxlu.ts's lexer reads char codes; before, it read one-character
 * strings (charAt). Everything readLibxlu returns (settings, numbers, comments,
 * errors with their words and lines, notes, the Python hint, where it stopped)
 * must be what the old reader returned. The oracle is the old file, kept in
 * test/parse/reference/libxlu.ts.
 */
import t from 'tap';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { readLibxlu } from '../../cli/readers/libxlu.js';
import { readLibxlu as readLibxluBefore } from './reference/libxlu.js';
import { mutatedSample, samples } from '../helpers/config-samples.js';

const same = (text: string): boolean => isDeepStrictEqual(readLibxlu(text), readLibxluBefore(text));

/**
 * Pieces at the edges of each character class the lexer tells apart: letters and
 * digits next to the ones that end an IDENT or a NUMBER (`` ` ``, `{`, `/`, `:`,
 * `@`, `[`, `g`, upper case), every punctuation and Python-hint character, blanks,
 * quotes with escapes, comments with and without their newline, CR, NUL, non-ASCII.
 */
const PIECES = [
  'memory', 'vif.default.bridge', 'on_crash', 'a9_.z', 'Name', 'A', 'Z', '`', '{', '/', '@', 'g', 'y', 'z', '_', 'x', 'f',
  '0', '9', '0x1f', '0xg', '0512', '09', '512M', '1e', '12abcdefx', ' ', '\t', '  \t ', '\n', '\r\n', '\r', '=', '+=', '+', '-',
  '.', ',', ';', '[', ']', '(', ')', ':', '#', '# comment\n', '#x', "'phy:/dev/a,xvda,w'", '"x\\"y"', "'unterminated", '"a\\\n',
  '"\\x41"', '"\\101"', '"\\q"', '"\\', "'\\''", '"', "'", '\\', 'é', '\u0000', '\u2028', '\ud83d\ude00', '\ud800',
];

t.test('random text reads as before', async (t) => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), same), { numRuns: 1500 });
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'az09_.x =+-,;[]()#:"\'\\\n\t\rAZ`{/@g'), maxLength: 200 }), same), { numRuns: 1500 });
  t.pass('random text');
});

t.test('token soups read as before', async (t) => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }).map((p) => p.join('')), same), { numRuns: 3000 });
  t.pass('token soups');
});

t.test('the samples, whole and mutated, read as before', async (t) => {
  for (const s of samples) t.ok(same(s.text), s.name);
  fc.assert(fc.property(mutatedSample(PIECES, 6), same), { numRuns: 1500 });
});
