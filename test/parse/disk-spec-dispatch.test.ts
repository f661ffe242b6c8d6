/**
 * The xl disk scanner tries, at each position, only the rules whose match can
 * start with the character there (firstChars). A wrong first-character set
 * would silently skip a rule, so the derivation must be conservative: any
 * pattern it cannot read plainly is "can start anywhere" (undefined).
 */
import t from 'tap';
import { firstChars } from '../../cli/readers/disk-spec.js';

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
