/**
 * cli/model/sha256.ts must give exactly node:crypto's SHA-256 hex digest of a
 * string's UTF-8 bytes, in JavaScript and after it has switched to node:crypto:
 * fingerprints in users' baselines are made from it.
 */
import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { JS_HASHES, jsSha256Hex, sha256Hex } from '../cli/model/sha256.js';

const native = (text: string): string => createHash('sha256').update(text).digest('hex');

t.test('the published test vectors', async (t) => {
  t.equal(jsSha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.equal(jsSha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.equal(jsSha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

t.test('every length around the block and padding boundaries', async (t) => {
  for (let n = 0; n <= 200; n++) {
    const text = 'x'.repeat(n);
    if (jsSha256Hex(text) !== native(text)) t.fail(`length ${n}`);
  }
  t.pass('0..200 bytes');
});

t.test('multi-byte characters, astral ones and lone surrogates, as Buffer.from encodes them', async (t) => {
  for (const text of ['é', 'ʃi', '€uro', '😀 guest', '\ud800', 'a\udc00b', 'k\u0000domain\u0000key\u0000id\u0000m', 'ü'.repeat(40)]) {
    t.equal(jsSha256Hex(text), native(text), JSON.stringify(text));
  }
});

t.test('agrees with node:crypto on any string', async () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 200 })), (text) => jsSha256Hex(text) === native(text)),
    { numRuns: 2000 },
  );
});

t.test('a long text after short ones (the buffer grows and is reused)', async (t) => {
  const long = 'disk = [ "phy:/dev/vg/guest,xvda,w" ]\n'.repeat(5000);
  t.equal(jsSha256Hex('short'), native('short'));
  t.equal(jsSha256Hex(long), native(long));
  t.equal(jsSha256Hex('short again'), native('short again'));
});

t.test('sha256Hex: the JavaScript digests first, then node:crypto, the same digests either way', async (t) => {
  const texts = Array.from({ length: JS_HASHES + 50 }, (_, i) => `memory-fit\u0000guest-${i}\u0000memory\u0000id\u0000over-host ${'é'.repeat(i % 5)}`);
  const bad = texts.filter((text) => sha256Hex(text) !== native(text));
  t.same(bad, [], `${texts.length} texts across the switch`);
});
