/** hw_caps, vendor and cpuid= readers of `xenlint migrate`. */
import t from 'tap';
import fc from 'fast-check';
import { cpuVendor, maskedFeatures, missingFeatures, parseHwCaps } from '../../cli/migrate/cpu.js';

t.test('parseHwCaps reads the words in the layout of the Xen that printed them', async (t) => {
  t.same(parseHwCaps('178bf3ff:76f8320b', '4.17.4-pre'), { words: [0x178bf3ff, 0x76f8320b], layout: 'featureset' });
  t.equal(parseHwCaps('bfebfbff:2c100800', '4.6.0')?.layout, 'linux');
  t.equal(parseHwCaps('bfebfbff:2c100800', '4.7.0')?.layout, 'featureset', '4.7 is the first featureset layout');
  t.equal(parseHwCaps('00000000:00000000', '4.18.0'), undefined, 'all zero (Arm) says nothing');
  t.equal(parseHwCaps('bfebfbff:00000=', '4.0.0'), undefined, 'a mangled field is unknown, not zero');
  t.equal(parseHwCaps(undefined, '4.0.0'), undefined);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 2, maxLength: 12 }), (words) => {
      const text = words.map((w) => w.toString(16).padStart(8, '0')).join(':');
      const caps = parseHwCaps(text, '4.17.0');
      return words.every((w) => w === 0) ? caps === undefined : caps !== undefined && caps.words.every((w, i) => w === words[i]);
    }),
  );
  fc.assert(fc.property(fc.string(), fc.string(), (text, version) => void parseHwCaps(text, version) === undefined));
});

t.test('cpuVendor: /proc/cpuinfo first, then the VMX/SVM bit', async (t) => {
  t.equal(cpuVendor('GenuineIntel', undefined)?.vendor, 'Intel');
  t.equal(cpuVendor('AuthenticAMD', parseHwCaps('bfebfbff:77fafbff', '4.11.0'))?.vendor, 'AMD', 'cpuinfo wins');
  t.equal(cpuVendor(undefined, parseHwCaps('bfebfbff:77fafbff:2c100800:00000121', '4.11.0'))?.vendor, 'Intel', 'featureset word 1 bit 5');
  t.equal(cpuVendor(undefined, parseHwCaps('178bf3ff:76f8320b:2e500800:244037ff', '4.17.0'))?.vendor, 'AMD', 'featureset word 3 bit 2');
  t.equal(cpuVendor(undefined, parseHwCaps('bfebfbff:2c100800:00000000:00007f00:77fafbff:00000000:00000021', '4.4.0'))?.vendor, 'Intel', 'Linux word 4 bit 5');
  t.equal(cpuVendor(undefined, parseHwCaps('178bf3ff:efd3fbff:00000000:00001310:00802001:00000000:000037ff', '4.1.0'))?.vendor, 'AMD', 'Linux word 6 bit 2');
  t.equal(cpuVendor(undefined, parseHwCaps('bfebfbff:00000000:00000000:00000080', '3.0.2')), undefined, 'too few words to tell');
});

t.test('missingFeatures counts only what guests see, in one layout', async (t) => {
  const a = parseHwCaps('178bf3ff:76f8320b:2e500800:244037ff:0000000f:219c91a9:00400004:00000780', '4.17.0')!;
  const noAvx2 = parseHwCaps('178bf3ff:76f8320b:2e500800:244037ff:0000000f:219c9189:00400004:00000780', '4.17.0')!;
  t.same(missingFeatures(a, noAvx2), { names: ['avx2'] });
  t.same(missingFeatures(noAvx2, a), { names: [] }, 'more features on the target are fine');
  const noSvm = parseHwCaps('178bf3ff:76f8320b:2e500800:244037fb:0000000f:219c91a9:00400004:00000780', '4.17.0')!;
  t.same(missingFeatures(a, noSvm), { names: [] }, 'SVM is opt-in nested virtualisation, not a default guest feature');
  t.equal(missingFeatures(a, parseHwCaps('bfebfbff:2c100800', '4.4.0')!), undefined, 'layouts differ');
});

t.test('maskedFeatures reads libxl cpuid=', async (t) => {
  t.same([...maskedFeatures('host,avx2=0,aes=0,sse4a=1')!], ['avx2', 'aes']);
  t.same([...maskedFeatures(['host', 'avx2=0'])!], ['avx2']);
  t.equal(maskedFeatures(['1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxx0xx']), undefined, 'xend register masks');
  t.equal(maskedFeatures(42), undefined);
  fc.assert(fc.property(fc.oneof(fc.string(), fc.array(fc.string())), (v) => void maskedFeatures(v) === undefined));
});
