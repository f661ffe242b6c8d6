/**
 * The xl disk scanner tries, at each position, only the rules whose match can
 * start with the character there (firstChars). A wrong first-character set
 * would silently skip a rule, so the derivation must be conservative: any
 * pattern it cannot read plainly is "can start anywhere" (undefined).
 */
import t from 'tap';
import fc from 'fast-check';
import { firstChars, literalHead } from '../../cli/readers/disk-spec.js';

t.test('first characters of the scanner patterns', async (t) => {
  const table: Array<[string, string | undefined]> = [
    ['format=[^,]*,?', 'f'],
    ['cdrom,?', 'c'],
    ['devtype=cdrom,?', 'd'],
    ['grant_usage=1,?', 'g'],
    ['target=[^\\n]*', 't'],
    ['(?:raw|qcow2?|vhd):', 'rqv'],
    ['tap2?:', 't'],
    // Not plainly literal at the start: tried everywhere.
    ['(?:iscsi|e?nbd|drbd):', undefined],
    ['[a-z][a-z0-9]*:', undefined],
    ['[ \\t\\n]+', undefined],
    ['[a-z][-a-z0-9]*=[^,],?', undefined],
    ['a?b', undefined],
    ['a*b', undefined],
    ['a|b', undefined],
    ['(?:a|b)?c', undefined],
    ['(?:a|b)|c', undefined],
    ['(?:a|(?:b))c', undefined],
    ['\\.x', undefined],
    ['', undefined],
  ];
  for (const [pattern, first] of table) t.equal(firstChars(pattern), first, pattern);
});

// firstChars and literalHead read the patterns with character tests; these were their regular
// expressions (the rules are made at load, and compiling these cost every start: issue 14).
function oldFirstChars(pattern: string): string | undefined {
  const literalStart = (alt: string): boolean => /^[a-z0-9_]/.test(alt) && !/^.[?*+{]/.test(alt);
  if (pattern.startsWith('(?:')) {
    const close = pattern.indexOf(')');
    if (close < 0) return undefined;
    const inner = pattern.slice(3, close);
    const after = pattern.slice(close + 1);
    if (/[([\\]/.test(inner) || /^[?*+{]/.test(after) || after.includes('|')) return undefined;
    const alts = inner.split('|');
    if (!alts.every(literalStart)) return undefined;
    return [...new Set(alts.map((a) => a[0]))].join('');
  }
  if (pattern.includes('|') || !literalStart(pattern)) return undefined;
  return pattern[0];
}
const OLD_LITERAL_HEAD = /^([-a-z0-9_=]+)(\[\^,\]\*,\?|,\?|\[\^\\n\]\*)$/;
function oldLiteralHead(pattern: string): { word: string; rest: string } | undefined {
  const m = OLD_LITERAL_HEAD.exec(pattern);
  if (!m) return undefined;
  return { word: m[1]!, rest: m[2] === '[^,]*,?' ? 'value' : m[2] === ',?' ? 'param' : 'line' };
}
/** Pattern text from the pieces the scanner's patterns are made of, and characters around their edges. */
const pattern = fc
  .array(
    fc.oneof(
      fc.constantFrom('(?:', ')', '|', '[^,]*', ',?', '[^\\n]*', '?', '*', '+', '{', '[', '(', '\\', '\n', '\u2028', '.', ':', '='),
      fc.constantFrom('a', 'z', '0', '9', '_', '-', 'A', 'format=', 'cdrom', 'qcow2', 'raw', ' '),
    ),
    { maxLength: 8 },
  )
  .map((p) => p.join(''));

t.test('firstChars and literalHead answer as the regular expressions they replace', async (t) => {
  // One assertion for the whole run (fast-check reports the smallest pattern that differs).
  fc.assert(
    fc.property(pattern, (p) => firstChars(p) === oldFirstChars(p) && JSON.stringify(literalHead(p)) === JSON.stringify(oldLiteralHead(p))),
    { numRuns: 5000 },
  );
  t.pass('5000 patterns');
  t.same(literalHead('vdev=[^,]*,?'), { word: 'vdev=', rest: 'value' });
  t.same(literalHead('discard,?'), { word: 'discard', rest: 'param' });
  t.same(literalHead('target=[^\\n]*'), { word: 'target=', rest: 'line' });
  t.equal(literalHead(',?'), undefined);
  t.equal(firstChars('a'), 'a');
  t.equal(firstChars('a?'), undefined);
});
