/**
 * Property tests for the pre-4.15 reading of a `pci` entry (cli/readers/xl-pci-legacy.ts):
 * any text terminates with a device or a reason, never a throw, and on the
 * entries both grammars share (dddd:bb:dd.f with a device number below 0x20,
 * optional @vslot and known options) it names the device 4.15's parser names.
 */
import t from 'tap';
import fc from 'fast-check';
import { readLegacyPciEntry } from '../../cli/readers/xl-pci-legacy.js';
import { parsePciSpec } from '../../cli/readers/xl-reading.js';

const RELEASES = ['4.0.0', '4.1.6', '4.2.5', '4.4.4', '4.5.5', '4.6.6', '4.10.4', '4.14.6'];

t.test('any text: a device or nothing, never a throw, and a device is always dddd:bb:dd.f', async (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom(...RELEASES),
      fc.string({ unit: fc.constantFrom('0', '1', 'a', 'f', 'x', 'z', ':', '.', '@', ',', '=', '*', ' ', '-', '+', '\0', 'seize', 'rdm_policy', 'strict') }),
      (xen, spec) => {
        const r = readLegacyPciEntry(spec, xen);
        // 4.0 keeps the domain as an unsigned int: up to eight digits.
        const domain = xen === '4.0.0' ? '[0-9a-f]{4,8}' : '[0-9a-f]{4}';
        if (r.bdf !== undefined && !new RegExp(`^${domain}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$`).test(r.bdf)) return false;
        if (r.loops && xen !== '4.0.0') return false;
        return r.bdf !== undefined || r.loops === true || xen !== '4.0.0';
      },
    ),
    { numRuns: 3000 },
  );
});

const hex = (max: number, width: number): fc.Arbitrary<string> => fc.integer({ min: 0, max }).map((n) => n.toString(16).padStart(width, '0'));

t.test('the entries both grammars read: the same device as 4.15 reads', async (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom(...RELEASES.filter((r) => r !== '4.0.0')),
      hex(0xffff, 4),
      hex(0xff, 2),
      hex(0x1f, 2),
      fc.oneof(hex(7, 1), fc.constant('*')),
      fc.option(hex(0x1f, 2), { nil: undefined }),
      fc.subarray(['msitranslate=1', 'power_mgmt=0']),
      (xen, dom, bus, dev, func, vslot, options) => {
        const spec = `${dom}:${bus}:${dev}.${func}${vslot !== undefined ? `@${vslot}` : ''}${options.map((o) => `,${o}`).join('')}`;
        const legacy = readLegacyPciEntry(spec, xen);
        return legacy.bdf !== undefined && legacy.bdf === parsePciSpec(spec) && legacy.warnings.length === 0;
      },
    ),
    { numRuns: 2000 },
  );
});
