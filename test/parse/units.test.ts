import t from 'tap';
import fc from 'fast-check';
import { parseSize, parseXenSize, readXenSize, formatMiB, formatBytes } from '../../cli/readers/units.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

t.test('parseSize: sizes as admins write them in annotations', async (t) => {
  const rows: Array<[string, 'B' | 'K' | 'M' | 'G', number | undefined]> = [
    ['200G', 'B', 200 * GiB],
    ['160G', 'B', 160 * GiB],
    ['2T', 'B', 2 * TiB],
    ['512M', 'B', 512 * MiB],
    ['1.5T', 'B', 1.5 * TiB],
    ['0.5G', 'B', 512 * MiB],
    ['.5G', 'B', 512 * MiB],
    ['200GiB', 'B', 200 * GiB],
    ['200GB', 'B', 200 * GiB],
    ['200 G', 'B', 200 * GiB],
    ['200g', 'B', 200 * GiB],
    ['  64k ', 'B', 64 * KiB],
    ['4096', 'B', 4096],
    ['4096', 'K', 4096 * KiB],
    ['512', 'M', 512 * MiB],
    ['8', 'G', 8 * GiB],
    ['10B', 'G', 10],
    ['1.25K', 'B', 1280],
    ['1.0000001K', 'B', 1024],
    ['', 'B', undefined],
    ['G', 'B', undefined],
    ['-1G', 'B', undefined],
    ['1X', 'B', undefined],
    ['1.2.3G', 'B', undefined],
    ['1GG', 'B', undefined],
    ['0x10M', 'B', undefined],
    ['99999999T', 'B', undefined],
  ];
  for (const [text, unit, want] of rows) t.equal(parseSize(text, unit), want, `${JSON.stringify(text)} ${unit}`);
});

t.test("Xen's <size>: C integer, one suffix, default KiB", async (t) => {
  const rows: Array<[string, number | undefined]> = [
    ['512M', 512 * MiB],
    ['512m', 512 * MiB],
    ['1G', GiB],
    ['2t', 2 * TiB],
    ['4096B', 4096],
    ['524288', 512 * MiB],
    ['16k', 16 * KiB],
    ['0x100000', GiB],
    ['010', 8 * KiB],
    ['0', 0],
    ['512MB', undefined],
    ['M', undefined],
    ['-1G', undefined],
    ['1.5G', undefined],
  ];
  for (const [text, want] of rows) t.equal(parseXenSize(text), want, text);
  t.same(readXenSize('1G+25%'), { bytes: GiB, rest: '+25%', percent: false });
  t.same(readXenSize('25%'), { bytes: 25, rest: '%', percent: true });
  t.same(readXenSize('08'), { bytes: 0, rest: '8', percent: false }, 'octal stops at 8, as strtoull does');
  t.equal(readXenSize('x'), undefined);
});

t.test('formatMiB', async (t) => {
  const rows: Array<[number, string]> = [
    [131072, '128 GiB'],
    [16319, '16 319 MiB'],
    [1024, '1 GiB'],
    [2 * 1024 * 1024, '2 TiB'],
    [512, '512 MiB'],
    [0, '0 MiB'],
    [1536, '1 536 MiB'],
    [1234567, '1 234 567 MiB'],
    [1.5, '1.5 MiB'],
    [-2048, '-2 GiB'],
  ];
  for (const [n, want] of rows) t.equal(formatMiB(n), want, String(n));
});

t.test('formatBytes', async (t) => {
  const rows: Array<[number, string]> = [
    [200 * GiB, '200 GiB'],
    [2 * TiB, '2 TiB'],
    [128 * GiB, '128 GiB'],
    [137438953472, '128 GiB'],
    [1.5 * TiB, '1 536 GiB'],
    [123456789, '117.7 MiB'],
    [512, '512 bytes'],
    [0, '0 bytes'],
    [64 * KiB, '64 KiB'],
    [2 * TiB + 1, '2 TiB'],
    [3 * TiB + 512 * GiB, '3 584 GiB'],
  ];
  for (const [n, want] of rows) t.equal(formatBytes(n), want, String(n));
});

t.test('property: sizes round-trip and nothing throws', async (t) => {
  fc.assert(
    fc.property(fc.nat({ max: 8_000_000 }), fc.constantFrom('K', 'M', 'G'), (n, unit) => {
      const shift = { K: 10, M: 20, G: 30 }[unit];
      if (parseSize(`${n}${unit}`, 'B') !== n * 2 ** shift) throw new Error(`${n}${unit}`);
      if (parseXenSize(`${n}${unit.toLowerCase()}`) !== n * 2 ** shift) throw new Error(`xen ${n}${unit}`);
      if (parseSize(formatMiB(n).replace(/ (?=\d)/g, '').replace(/iB$/, ''), 'B') !== n * MiB) throw new Error(formatMiB(n));
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.string(), fc.double(), (s, d) => {
      parseSize(s, 'K');
      parseXenSize(s);
      readXenSize(s);
      formatMiB(d);
      formatBytes(d);
    }),
    { numRuns: 300 },
  );
  t.pass();
});
