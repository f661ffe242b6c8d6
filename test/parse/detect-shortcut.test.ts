/**
 * parseConfig(…, { exactReason: false }) — what lint uses — may skip the
 * Python reader when the xl reading already decides. It must read every file
 * exactly as the full detection does: same dialect, same entries, comments and
 * diagnostics; only `dialectReason` may be shorter.
 */
import t from 'tap';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { parseConfig } from '../../cli/readers/config.js';
import type { ParsedConfig } from '../../cli/model/config-model.js';
import { join } from 'node:path';
import { fromRoot } from '../helpers/paths.js';

const SAMPLES = fromRoot('samples/domains');
const samples = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.cfg'))
  .map((name) => ({ name, text: readFileSync(join(SAMPLES, name), 'utf8') }));

function withoutReason(p: ParsedConfig): Omit<ParsedConfig, 'dialectReason'> {
  const { dialectReason, ...rest } = p;
  void dialectReason;
  return rest;
}

type T = Pick<typeof t, 'equal' | 'same' | 'type'>;

function sameReading(t: T, text: string, name: string): void {
  const exact = parseConfig(text, name);
  const quick = parseConfig(text, name, { exactReason: false });
  t.equal(quick.dialect, exact.dialect, `${name}: dialect`);
  t.same(withoutReason(quick), withoutReason(exact), `${name}: same reading`);
  t.type(quick.dialectReason, 'string');
}

// One line per kind of decision: xl hints, xm hints, no hint, Python-only, xl-only, neither.
const CASES: Array<[string, string]> = [
  ['xl hint (type)', 'name = "a"\ntype = "pv"\nmemory = 512\n'],
  ['xm hint (ip)', 'name = "a"\nip = "10.0.0.2"\nmemory = 512\n'],
  ['xm hint, Python rejects it', 'name = "a"\nip = "10.0.0.2"\nvif += [ "bridge=xenbr0" ]\n'],
  ['xl and xm hints', 'name = "a"\ntype = "hvm"\ndevice_model = "/usr/lib/xen/bin/qemu-dm"\n'],
  ['no hint', 'name = "a"\nmemory = 512\ndisk = [ "phy:/dev/vg0/a,xvda,w" ]\n'],
  ['Python only', 'import os\nname = "a"\nmemory = 512\n'],
  ['xl only (+= with no earlier =)', 'name = "a"\nvif += [ "bridge=xenbr0" ]\n'],
  ['w! disk', 'name = "a"\ndisk = [ "phy:/dev/sdb,xvdb,w!" ]\n'],
  ['neither', 'name = "a\nmemory = [\n'],
  ['empty', ''],
];

t.test('the shortcut reads every sample and every kind of decision as the full detection does', async (t) => {
  for (const s of samples) sameReading(t, s.text, s.name);
  for (const [name, text] of CASES) sameReading(t, text, name);
});

t.test('property: realistic and mutated configs read the same with and without the shortcut', async (t) => {
  const lines = [
    ...samples.flatMap((s) => s.text.split('\n')),
    ...CASES.flatMap(([, text]) => text.split('\n')),
    'builder = "hvm"',
    'on_xend_stop = "suspend"',
    'maxvcpus = 4',
    'disk = [ "format=raw, vdev=xvda, access=rw, target=/dev/vg0/x" ]',
    "kernel = '/usr/lib/xen/boot/hvmloader'",
    'if x:',
    '    y = 1',
  ];
  const config = fc.array(fc.constantFrom(...lines), { maxLength: 25 }).map((ls) => ls.join('\n'));
  const mutated = fc
    .tuple(config, fc.nat(), fc.constantFrom('', '"', "'", '[', ']', '=', '#', '+', '\n', 'x'))
    .map(([text, at, ch]) => (text.length === 0 ? ch : text.slice(0, at % text.length) + ch + text.slice(at % text.length)));
  fc.assert(
    fc.property(fc.oneof(config, mutated), (text) => {
      const exact = parseConfig(text, 'p.cfg');
      const quick = parseConfig(text, 'p.cfg', { exactReason: false });
      return quick.dialect === exact.dialect && JSON.stringify(withoutReason(quick)) === JSON.stringify(withoutReason(exact));
    }),
    { numRuns: 400 },
  );
  t.pass('no difference found');
});
