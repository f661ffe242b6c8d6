import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseXlConf } from '../../cli/readers/xl-conf.js';
import { fromRoot } from '../helpers/paths.js';

const SAMPLE = readFileSync(fromRoot('samples/xl.conf/xl.conf'), 'utf8');
const codes = (d: Array<{ code?: string; line: number; column: number }>): string[] => d.map((x) => `${x.code}@${x.line}:${x.column}`);

t.test('the sample xl.conf', async (t) => {
  const r = parseXlConf(SAMPLE, '/etc/xen/xl.conf');
  t.same(r.diagnostics, []);
  t.same(r.values, {
    autoballoon: 'auto',
    'vif.default.script': 'vif-bridge',
    'vif.default.bridge': 'xenbr0',
    claim_mode: 1,
    'vm.cpumask': '4-63',
  });
  t.same(r.lines, { autoballoon: 7, 'vif.default.script': 19, 'vif.default.bridge': 20, claim_mode: 23, 'vm.cpumask': 26 });
});

t.test('values and quirks', async (t) => {
  const r = parseXlConf('autoballoon=1\nlockfile = "/var/lock/xl"\nautoballoon = "off"\nmax_grant_frames = 0x40\nblkdev_start="xvd" ; blkdev_start += "a"\n', 'xl.conf');
  t.same(r.values, { autoballoon: 'off', lockfile: '/var/lock/xl', max_grant_frames: 64, blkdev_start: 'xvda' }, 'last wins; += concatenates strings');
  t.equal(r.lines.autoballoon, 3);
  t.same(r.diagnostics, []);
});

t.test('deprecated, unknown and list-valued keys', async (t) => {
  const r = parseXlConf('defaultbridge = "xenbr1"\nvifscript = "vif-nat"\nautoballon = "off"\noutput_format = [ "json" ]\n', 'xl.conf');
  t.same(codes(r.diagnostics), ['xl-conf-deprecated@1:1', 'xl-conf-deprecated@2:1', 'xl-conf-unknown-key@3:1', 'xl-conf-value@4:1']);
  t.match(r.diagnostics[0]!.message, /use `vif.default.bridge`/);
  t.match(r.diagnostics[1]!.message, /use `vif.default.script`/);
  t.equal(r.diagnostics[2]!.severity, 'info');
  t.same(r.values, { defaultbridge: 'xenbr1', vifscript: 'vif-nat', autoballon: 'off' });
});

t.test('syntax errors come through with positions', async (t) => {
  const r = parseXlConf('autoballoon = off\nclaim_mode = 1\n', 'xl.conf');
  t.same(codes(r.diagnostics), ['xl-syntax@1:15']);
  t.same(r.values, { claim_mode: 1 }, 'an unreadable value is left out');
});

t.test('property: never throws, positions in bounds, deterministic', async (t) => {
  const tok = fc.constantFrom('autoballoon', 'vif.default.bridge', '=', '+=', '"auto"', '1', '0x', '[', ']', ',', ';', '\n', '# c\n', ' ', 'X', '(', '"');
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), fc.array(tok, { maxLength: 40 }).map((a) => a.join(''))), (text) => {
      const r = parseXlConf(text, 'xl.conf');
      const lines = text.split('\n');
      const ok = r.diagnostics.every((d) => d.line >= 1 && d.column >= 1 && d.line <= lines.length && d.column <= (lines[d.line - 1]?.length ?? 0) + 1);
      const linesOk = Object.values(r.lines).every((l) => l >= 1 && l <= lines.length);
      return ok && linesOk && JSON.stringify(r) === JSON.stringify(parseXlConf(text, 'xl.conf'));
    }),
    { numRuns: 400 },
  );
  t.pass('xl.conf properties');
});
