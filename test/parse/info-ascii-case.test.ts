/**
 * cli/readers/info.ts spells the letters of its xen_caps token and of the "xl"/"xm"
 * source-name test in both cases instead of using the `i` flag (compiling a class
 * with `i` works out its Unicode case closure: start-up cost, issue 14). These hold
 * it to the `i` regexes it replaced, on strings mixing ASCII letters of both cases
 * with the non-ASCII characters whose case mappings reach ASCII (Kelvin sign, long
 * s, dotted and dotless i), which `i` without `u` must not fold.
 */
import t from 'tap';
import fc from 'fast-check';
import { decodeCaps, hostFactsFromInfo, parseInfo } from '../../cli/readers/info.js';

const OLD_CAP_TOKEN = /^(xen|hvm)-(\d+\.\d+)-([a-z0-9_]+(?:-[a-z0-9_]+)*)$/i;
const OLD_XL = /(^|[^a-z0-9])xl([^a-z0-9]|$)/i;
const OLD_XM = /(^|[^a-z0-9])xm([^a-z0-9]|$)/i;

const tricky = ['\u212A', '\u017F', '\u0130', '\u0131', '\u00E9', '\u00C9'];
const piece = fc.oneof(
  fc.constantFrom('xen', 'XEN', 'Xen', 'hvm', 'HVM', 'hVm', 'xl', 'XL', 'xL', 'xm', 'XM', 'Xm', 'x86_64', 'X86_32P', 'ia64', '3.0', '4.17'),
  fc.constantFrom('-', '_', '.', ' ', '/', '0', '9', 'a', 'z', 'A', 'Z', 'k', 's', 'i', 'I', ...tricky),
);
const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));

t.test('decodeCaps takes exactly the tokens the i-flag regex took', async (t) => {
  fc.assert(
    fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), (tokens) => {
      const caps = tokens.join(' ');
      const expected = caps
        .split(/\s+/)
        .map((token) => [token, OLD_CAP_TOKEN.exec(token)] as const)
        .filter(([, m]) => m !== null)
        .map(([token, m]) => ({ token, kind: m![1]!.toLowerCase(), abi: m![3]!.toLowerCase() }));
      t.same(decodeCaps(caps).caps, expected, caps);
    }),
    { numRuns: 3000 },
  );
  t.same(decodeCaps('XEN-3.0-x86_64 hvm-3.0-X86_32P \u212Aen-3.0-x86_64 xen-3.0-x86_6\u017F').caps.map((c) => c.token), ['XEN-3.0-x86_64', 'hvm-3.0-X86_32P']);
});

t.test('the source name says xl or xm exactly where the i-flag regexes said so', async (t) => {
  // xl 4.1 and xm 4.1 print the same fields: only the source name can tell them apart.
  const info = parseInfo('host : h\nrelease : 2.6.32\nxen_major : 4\nxen_minor : 1\nxen_extra : .2\n');
  const oracle = (name: string): 'xl' | 'xm' | undefined => {
    const base = name.split('/').pop()!;
    const xl = OLD_XL.test(base);
    const xm = OLD_XM.test(base);
    return xl !== xm ? (xl ? 'xl' : 'xm') : undefined;
  };
  fc.assert(
    fc.property(text, (name) => {
      t.equal(hostFactsFromInfo(info, `/captures/${name}`).toolstack, oracle(name), name);
    }),
    { numRuns: 3000 },
  );
  t.equal(hostFactsFromInfo(info, 'XL-4.1.txt').toolstack, 'xl');
  t.equal(hostFactsFromInfo(info, 'host-Xm.txt').toolstack, 'xm');
  t.equal(hostFactsFromInfo(info, 'x\u212Al.txt').toolstack, undefined);
  t.equal(hostFactsFromInfo(info, 'boxl.txt').toolstack, undefined);
});
