import t from 'tap';
import fc from 'fast-check';
import check, { framesFor, grantNeed, GRANTS_PER_FRAME } from '../../checks/grant-frames.js';
import { context, domainFromText, facts, host, listLine, run, skipReason } from '../helpers/facts.js';

const XL_CAPS = 'xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64';

function guest(vcpus: number, vifs: number, extra = '', type = 'pvh'): ReturnType<typeof domainFromText> {
  const bridges = Array.from({ length: vifs }, (_, i) => `bridge=br${i}`);
  return domainFromText(
    `name = "g"\ntype = "${type}"\nvcpus = ${vcpus}\n${extra}disk = [ 'phy:/dev/vg0/g,xvda,w' ]\n${listLine('vif', bridges)}`,
    'xl',
  );
}

t.test('frames a guest gets, release by release', async (t) => {
  const g = guest(1, 1);
  const at = (v: string, cmdline?: string, xlConf?: Record<string, number>) =>
    framesFor(g, facts({ host: host(v, { xenCaps: XL_CAPS, ...(cmdline ? { cmdline } : {}) }), ...(xlConf ? { dom0: { xlConf: { file: '/etc/xen/xl.conf', values: xlConf, lines: {} } } } : {}) }), v).frames;
  t.equal(at('4.9.4'), 32, '4.9: the hypervisor default, 32');
  t.equal(at('4.9.4', 'gnttab_max_nr_frames=48'), 48, 'the older option name');
  t.equal(at('4.10.0'), 32, "4.10: xl's default 32 although the hypervisor's is 64");
  t.equal(at('4.12.4'), 32, '4.12: still 32');
  t.equal(at('4.12.4', undefined, { max_grant_frames: 40 }), 40, 'xl.conf sets it');
  t.equal(at('4.13.0'), 64, "4.13: the hypervisor's default");
  t.equal(at('4.17.3', 'gnttab_max_frames=128'), 128, '4.17: the command line value');
  t.equal(framesFor(guest(1, 1, 'max_grant_frames = 96\n'), facts({ host: host('4.20.0') }), '4.20.0').frames, 96, 'the config wins');
  t.equal(framesFor(guest(1, 1, 'max_grant_frames = 96\n'), facts({ host: host('4.9.0') }), '4.9.0').frames, 32, 'before 4.10 xl has no per-guest value');
});

t.test('the cap: 4.10–4.17 only', async (t) => {
  const big = guest(1, 1, 'max_grant_frames = 128\n');
  for (const [v, capped] of [['4.10.0', true], ['4.17.3', true], ['4.18.0', false], ['4.20.0', false]] as const) {
    const r = run(check, facts({ host: host(v, { xenCaps: XL_CAPS }), domains: [big] }), context(check, { xen: v }));
    t.same(r.map((f) => f.messageId), capped ? ['over-cap'] : [], `${v}: ${capped ? 'over the cap' : 'no cap'}`);
  }
});

t.test('grants needed', async (t) => {
  t.equal(grantNeed(guest(8, 9)).total, 9 * 8 * 514 + 353, '9 vifs × 8 queues + one disk');
  t.equal(grantNeed(guest(16, 1)).queues, 8, 'netfront queues stop at 8');
  t.equal(grantNeed(guest(0, 1)).queues, 1, 'at least one queue');
  t.equal(grantNeed(guest(8, 2), '3.2.0-4-amd64').queues, 1, 'a dom0 before Linux 3.16 offers one queue');
  t.equal(grantNeed(guest(8, 2), '6.1.0-21-amd64').queues, 8);
  const hvm = domainFromText(`name = "w"\ntype = "hvm"\nvcpus = 2\ndisk = [ 'phy:/dev/vg0/w,hda,w', ',hdc:cdrom,r' ]\nvif = [ 'bridge=xenbr0' ]\n`, 'xl');
  t.same([grantNeed(hvm).vifs, grantNeed(hvm).disks], [1, 1], "an HVM guest's CD-ROM stays emulated");
});

t.test('the boundary: exactly the frames available passes, one grant more fails', async (t) => {
  // 4 vifs × 8 queues × 514 + 353 = 16801 grants; 33 frames hold 16896, 32 hold 16384.
  const f = (frames: number) =>
    run(check, facts({ host: host('4.20.0', { cmdline: `gnttab_max_frames=${frames}` }), domains: [guest(8, 4)] }), context(check, { xen: '4.20.0' }));
  t.same(f(33), []);
  const r = f(32);
  t.equal(r.length, 1);
  t.match(r[0]!.message, /need at least 16801 grants \(4 vif\(s\) × 8 queue\(s\), 1 disk\(s\)\) but it gets 32 grant frames = 16384 grants on Xen 4\.20\.0/);
  t.match(r[0]!.remediation, /max_grant_frames = 33/);
});

t.test('skipped without a version; explain shows the arithmetic', async (t) => {
  t.match(skipReason(check.run(facts({ domains: [guest(1, 1)] }), context(check, { mode: 'lint' }))), /Xen version unknown/);
  const lines = check.explain!(facts({ host: host('4.20.0'), domains: [guest(8, 9)] }), context(check, { xen: '4.20.0' }));
  t.match(lines.join('\n'), /vifs: 9 × 8 queue\(s\) \(min\(vcpus 8, 8\)\) × 514 grants = 37008/);
  t.match(lines.join('\n'), /available: 64 frames × 512 = 32768 grants/);
});

t.test('property: a finding exactly when the need exceeds frames × 512', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 256 }), (vcpus, vifs, frames) => {
      const g = guest(vcpus, vifs, `max_grant_frames = ${frames}\n`);
      const r = check.run(facts({ host: host('4.20.0'), domains: [g] }), context(check, { xen: '4.20.0' }));
      const over = grantNeed(g).total > frames * GRANTS_PER_FRAME;
      return Array.isArray(r) && r.length === (over ? 1 : 0);
    }),
    { numRuns: 200 },
  );
});
