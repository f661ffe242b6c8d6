import t from 'tap';
import fc from 'fast-check';
import builtin from '../../checks/unknown-key.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import type { Dialect } from '../../cli/model/config-model.js';
import { domainFromText, facts, host, rendering, runOnDomains, type RenderedFinding, type Target } from '../helpers/facts.js';
import { keyRelease, keyStatus } from '../../checks/lib/key-table.js';
import {
  XL_KEYS,
  XL_ONLY_INSTEAD,
  XM_KEYS,
  XM_ONLY_INSTEAD,
  editDistance,
  editDistanceWithin,
  isXlIdentifier,
  matchesExtraKey,
  suggestKeys,
  toolstackFor,
} from '../../checks/lib/keys.js';

/** The check, its findings' text rendered from its messages as the engine does. */
const check = rendering(builtin);

const run = (domains: DomainFacts[], o: Target = {}): RenderedFinding[] => runOnDomains(check, domains, { mode: 'lint', ...o });

t.test('edit distance counts an adjacent transposition as one step', async (t) => {
  const table: Array<[string, string, number]> = [
    ['memory', 'memory', 0],
    ['memroy', 'memory', 1],
    ['vpcus', 'vcpus', 1],
    ['vcpu', 'vcpus', 1],
    ['maxmen', 'maxmem', 1],
    ['on_crahs', 'on_crash', 1],
    ['kernal', 'kernel', 1],
    ['', 'abc', 3],
    ['arch', 'acpi', 3],
  ];
  for (const [a, b, d] of table) t.equal(editDistance(a, b), d, `${a} / ${b}`);
});

t.test('edit distance properties', async (t) => {
  const word = fc.string({ maxLength: 12 });
  fc.assert(fc.property(word, (a) => editDistance(a, a) === 0));
  fc.assert(fc.property(word, word, (a, b) => editDistance(a, b) === editDistance(b, a)));
  fc.assert(fc.property(word, word, (a, b) => editDistance(a, b) <= Math.max(a.length, b.length)));
  fc.assert(fc.property(word, word, (a, b) => editDistance(a, b) >= Math.abs(a.length - b.length)));
  t.pass('properties hold');
});

t.test('bounded edit distance agrees with the full one up to its limit', async (t) => {
  // A small alphabet makes near strings (and transpositions) common.
  const word = fc.string({ maxLength: 10, unit: fc.constantFrom('a', 'b', 'c', '_') });
  fc.assert(fc.property(word, word, fc.integer({ min: 0, max: 4 }), (a, b, limit) => {
    const full = editDistance(a, b);
    const bounded = editDistanceWithin(a, b, limit);
    return full <= limit ? bounded === full : bounded > limit;
  }), { numRuns: 2000 });
  t.equal(editDistanceWithin('vpcus', 'vcpus', 2), 1);
  t.equal(editDistanceWithin('memroy', 'memory', 1), 1);
  t.equal(editDistanceWithin('arch', 'acpi', 3), 3);
  t.ok(editDistanceWithin('arch', 'acpi', 2) > 2, 'beyond the limit');
  t.ok(editDistanceWithin('a', 'abcd', 1) > 1, 'lengths too far apart');
});

t.test('suggestions: closest known keys, case ignored, none for helper-like names', async (t) => {
  t.same(suggestKeys('memroy', XL_KEYS), ['memory']);
  t.same(suggestKeys('Memory', XM_KEYS), ['memory']);
  t.equal(suggestKeys('vpcus', XL_KEYS)[0], 'vcpus');
  t.same(suggestKeys('on_crahs', XM_KEYS), ['on_crash']);
  t.same(suggestKeys('arch', XM_KEYS), []);
  t.same(suggestKeys('arch_libdir', XM_KEYS), []);
  t.same(suggestKeys('xyz', XL_KEYS), [], 'short names get one edit at most');
  t.ok(suggestKeys('vcpu', XL_KEYS).length <= 2, 'at most two suggestions');
});

t.test('key tables are consistent', async (t) => {
  for (const k of XL_KEYS) t.ok(isXlIdentifier(k), `${k} is an xl identifier`);
  for (const k of XM_ONLY_INSTEAD.keys()) {
    t.notOk(XL_KEYS.has(k), `${k}: an xm-only key is not an xl key`);
    t.ok(XM_KEYS.has(k), `${k}: an xm-only key is an xm key`);
  }
  for (const k of XL_ONLY_INSTEAD.keys()) {
    if (k === 'maxvcpus') continue;
    t.notOk(XM_KEYS.has(k), `${k}: an xl-only key is not an xm key`);
  }
  // RELEASE-4.0.0:tools/python/xen/xm/create.py reads hasattr(vals, 'maxvcpus') (68a94cf528); 3.4.0-rc3 does not.
  t.ok(keyStatus('xm', 'maxvcpus', keyRelease('xm', '4.0')!).read, 'xm reads maxvcpus from 4.0');
  t.notOk(keyStatus('xm', 'maxvcpus', keyRelease('xm', '3.4')!).read, 'xm 3.4 does not');
  for (const k of ['name', 'memory', 'maxmem', 'vcpus', 'disk', 'vif', 'kernel', 'ramdisk', 'bootloader', 'on_crash']) {
    t.ok(keyStatus('xl', k, keyRelease('xl', '4.22')!).read && keyStatus('xm', k, keyRelease('xm', '3.0.4')!).read, `${k} is common to both`);
  }
});

t.test('extraKeys: exact names and prefixes', async (t) => {
  t.ok(matchesExtraKey('site_owner', ['site_*']));
  t.ok(matchesExtraKey('backup', ['backup']));
  t.notOk(matchesExtraKey('backups', ['backup']));
  t.notOk(matchesExtraKey('owner_site', ['site_*']));
});

t.test('which toolstack reads the file', async (t) => {
  const none = facts();
  t.equal(toolstackFor('xm', none, undefined).toolstack, 'xm', 'unknown version: the dialect');
  t.equal(toolstackFor('xm', none, '4.5.0').toolstack, 'xl', '4.5 has only xl');
  t.equal(toolstackFor('xm', none, '4.5.1-pre').toolstack, 'xl', 'a 4.5.x prerelease counts as 4.5');
  t.equal(toolstackFor('xm', none, '4.4.4').toolstack, 'xm', '4.4: both exist, the dialect decides');
  t.equal(toolstackFor('xl', none, '4.4.4').toolstack, 'xl');
  t.equal(toolstackFor('xl', none, '3.4.2').toolstack, 'xm', 'before 4.0 there is no xl');
  const xmHost = facts({ host: host(undefined, { toolstack: 'xm' }) });
  t.equal(toolstackFor('xl', xmHost, '4.1.2').toolstack, 'xm', "the host's toolstack wins");
});

t.test('xl: every unknown key is reported, with what xl uses instead for xm keys', async (t) => {
  const d = domainFromText('name = "a"\ntype = "pv"\nmemroy = 512\ncpu_cap = 50\nvcpu_avail = 1\nbootloader = "pygrub"\nsite_x = 1\nguest_os_type = "linux"\n', 'xl');
  const f = run([d]);
  const byKey = new Map(f.map((x) => [x.key, x]));
  t.same([...byKey.keys()], ['memroy', 'cpu_cap', 'vcpu_avail', 'site_x', 'guest_os_type']);
  t.match(byKey.get('memroy')!.message, /Did you mean `memory`\?/);
  t.match(byKey.get('cpu_cap')!.remediation, /\bcap\b/);
  t.match(byKey.get('vcpu_avail')!.remediation, /maxvcpus/);
  t.match(byKey.get('guest_os_type')!.message, /xm option that xl does not have/);
  for (const x of f) {
    t.equal(x.severity, 'warning');
    t.equal(x.domain, 'a');
    t.ok(x.line !== undefined && x.line >= 1);
  }
  t.same(run([d], { options: { extraKeys: ['site_*'] } }).map((x) => x.key), ['memroy', 'cpu_cap', 'vcpu_avail', 'guest_os_type']);
});

t.test('xl: versions of maxvcpus; type and pvh are pvh-and-type\'s', async (t) => {
  const hvm = domainFromText('name = "w"\ntype = "hvm"\nmemory = 1024\n', 'xl');
  t.same(run([hvm], { xen: '4.9.0' }), [], 'type=hvm on 4.9 is reported by pvh-and-type, not here');
  t.same(run([hvm], { xen: '4.10.0' }), [], '4.10 reads type');
  t.same(run([hvm]), [], 'version unknown: no version detail');
  const pv = domainFromText('name = "p"\ntype = "pv"\nkernel = "/boot/k"\n', 'xl');
  t.same(run([pv], { xen: '4.9.0' }), [], 'type=pv on 4.9 changes nothing');
  const caps = domainFromText('name = "c"\ntype = "pv"\nkernel = "/boot/k"\ncap = 50\ncpu_weight = 512\nmaxvcpus = 4\n', 'xl');
  // cap/cpu_weight before 4.2 are reported by the scheduler check, not here.
  t.same(run([caps], { xen: '4.1.2' }).map((x) => x.key), [], '4.1 reads maxvcpus; cap/cpu_weight are the scheduler check\'s');
  t.same(run([caps], { xen: '4.0.1', toolstack: 'xl' }).map((x) => x.key), ['maxvcpus']);
  t.same(run([caps], { xen: '4.2.0' }), []);
  const pvh = domainFromText('name = "h"\npvh = 1\nkernel = "/boot/k"\n', 'xl');
  for (const xen of ['4.3.0', '4.8.0', '4.10.0', undefined]) t.same(run([pvh], { xen }), [], `pvh on ${xen ?? 'an unknown version'}: pvh-and-type's`);
});

t.test('xl: deprecated builder only where type exists', async (t) => {
  const d = domainFromText('name = "b"\nbuilder = "hvm"\nmemory = 1024\n', 'xl');
  t.same(run([d], { xen: '4.9.0', toolstack: 'xl' }), [], 'builder is the only spelling before 4.10');
  const f = run([d], { xen: '4.17.0' });
  t.equal(f.length, 1);
  t.equal(f[0]?.severity, 'info');
  t.match(f[0]?.message, /deprecated in xl \(since 4\.10\)/);
});

t.test('xm: typos and xl keys are reported; helper variables and vendor metadata are not', async (t) => {
  const text = [
    'import os',
    'arch = os.uname()[4]',
    'arch_libdir = "lib64"',
    'OVM_os_type = "Oracle Linux 5"',
    'name = "m"',
    'memroy = 512',
    'maxvcpus = 4',
    'type = "hvm"',
    'builder = "hvm"',
    'acpi_s3 = 1',
    '',
  ].join('\n');
  const f = run([domainFromText(text, 'xm')], { xen: '3.4.2' });
  t.same(f.map((x) => x.key), ['memroy', 'maxvcpus', 'type']);
  t.equal(f.find((x) => x.key === 'type')?.severity, 'warning', 'with builder = "hvm" the guest is still HVM');
  const noBuilder = run([domainFromText('name = "m"\ntype = "hvm"\n', 'xm')], { xen: '3.4.2' });
  t.equal(noBuilder[0]?.severity, 'error', 'without builder, xm builds a PV guest');
});

t.test('xm: options of later versions on 3.0.x', async (t) => {
  const d = domainFromText('name = "v"\nbuilder = "hvm"\nviridian = 1\nhpet = 1\ncpu_cap = 50\n', 'xm');
  t.same(run([d], { xen: '3.0.3' }).map((x) => x.key), ['viridian', 'hpet', 'cpu_cap']);
  t.same(run([d], { xen: '3.0.4' }).map((x) => x.key), ['viridian', 'hpet']);
  t.same(run([d], { xen: '3.1.0' }).map((x) => x.key), ['viridian', 'hpet'], 'hpet is new in xm 3.3');
  t.same(run([d], { xen: '3.3.0' }).map((x) => x.key), ['viridian'], 'viridian is new in xm 3.4');
  t.same(run([d], { xen: '3.4.0' }), []);
  t.same(run([d]), [], 'version unknown: nothing version-specific');
});

t.test('the host toolstack, not the dialect, decides', async (t) => {
  const d = domainFromText('name = "x"\nmemory = 512\ncpu_cap = 50\non_xend_stop = "suspend"\n', 'xm');
  t.same(run([d], { toolstack: 'xm', xen: '4.1.2' }), []);
  t.same(run([d], { toolstack: 'xl', xen: '4.1.2' }).map((x) => x.key), ['cpu_cap', 'on_xend_stop']);
  t.same(run([d], { xen: '4.5.0' }), [], 'from 4.5 the file is xend-removed\'s, once');
});

t.test('uppercase names under xl are left to config-readability', async (t) => {
  const d = domainFromText("OVM_os_type = 'x'\nname = 'o'\n", 'xm');
  t.same(run([d], { xen: '4.17.0' }), []);
});

t.test('never throws on arbitrary key names', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,15}$/), { maxLength: 8 }), fc.constantFrom<Dialect>('xm', 'xl'), (names, dialect) => {
      const text = names.map((n, i) => `${n} = ${i}`).join('\n') + '\n';
      const f = run([domainFromText(text, dialect)], { xen: '4.4.0' });
      return f.every((x) => x.key !== undefined && (x.line ?? 0) >= 1);
    }),
  );
  t.pass('ok');
});

t.test('xl: a key newer than the host is "new in 4.N", at the boundary releases', async (t) => {
  const d = domainFromText('name = "n"\ntype = "pv"\nkernel = "/boot/k"\nbootloader_restrict = 1\nxenstore_quota = [ "nodes:2000" ]\n', 'xl');
  const at = (xen: string): string[] => run([d], { xen, toolstack: 'xl' }).map((x) => `${x.key}: ${x.message}`);
  t.same(at('4.17.0'), [
    'bootloader_restrict: n: `bootloader_restrict` is new in xl 4.18: xl of Xen 4.17.0 ignores it without a word',
    'xenstore_quota: n: `xenstore_quota` is new in xl 4.22: xl of Xen 4.17.0 ignores it without a word',
  ]);
  t.same(at('4.18.0').map((s) => s.split(':')[0]), ['xenstore_quota'], '4.18 reads bootloader_restrict');
  t.same(at('4.21.2').map((s) => s.split(':')[0]), ['xenstore_quota'], 'a 4.21 point release is 4.21');
  t.same(at('4.22.0'), []);
  t.same(at('4.23.0-unstable'), [], 'newer than the table: as the newest release');
  const f = run([d], { xen: '4.17.0', toolstack: 'xl' })[0]!;
  t.equal(f.severity, 'warning');
  t.equal(f.evidence?.['read_in'], 'RELEASE-4.18.0:tools/xl/xl_parse.c');
  t.equal(f.evidence?.['not_read_in'], 'RELEASE-4.17.0:tools/xl/xl_parse.c');
  t.match(f.remediation, /upgrade to Xen 4\.18/);
});

t.test('xl: pvh by version is pvh-and-type\'s (one finding, not two)', async (t) => {
  const d = domainFromText('name = "h"\npvh = 1\nkernel = "/boot/k"\n', 'xl');
  for (const xen of ['4.3.0', '4.8.5', '4.9.0', '4.17.0']) t.same(run([d], { xen, toolstack: 'xl' }), [], xen);
});

t.test('xm: new in and gone since, at the boundary releases', async (t) => {
  const d = domainFromText('name = "m"\nmemory = 512\nmaxvcpus = 4\nvtpm = [ "instance=1" ]\n', 'xm');
  const keys = (xen: string): string[] => run([d], { xen, toolstack: 'xm' }).map((x) => `${x.key}@${x.evidence?.['new_in'] ?? `-${x.evidence?.['gone_since']}`}`);
  t.same(keys('3.4.0'), ['maxvcpus@4.0']);
  t.same(keys('4.0.0'), [], 'xm 4.0 reads maxvcpus (68a94cf528) and vtpm');
  t.same(keys('4.2.0'), []);
  t.same(keys('4.3.0'), ['vtpm@-4.3'], 'vtpm left xm in 4.3');
  const f = run([d], { xen: '4.3.0', toolstack: 'xm' })[0]!;
  t.match(f.message, /xm of Xen 4\.3\.0 no longer has the `vtpm` option \(gone since 4\.3\)/);
  const old = run([d], { xen: '3.4.0', toolstack: 'xm' })[0]!;
  t.match(old.remediation, /vcpus/, 'what this xm uses instead');
});

t.test('xl: keys xl only warns about, from the release that started warning', async (t) => {
  const d = domainFromText('name = "v"\ntype = "pv"\nkernel = "/boot/k"\nvncviewer = 1\n', 'xl');
  const at = (xen: string): string[] => run([d], { xen, toolstack: 'xl' }).map((x) => x.message);
  t.same(at('4.1.0'), ['v: `vncviewer` is new in xl 4.2: xl of Xen 4.1.0 ignores it without a word']);
  t.same(at('4.4.0'), [], '4.2–4.4 start a viewer for it (RELEASE-4.4.0:tools/libxl/xl_cmdimpl.c)');
  t.same(at('4.5.0'), ['v: xl does not use `vncviewer`: it prints "WARNING: ignoring "vncviewer" option" and ignores the setting'], 'c28219f035');
  t.match(run([d])[0]?.message, /xl does not use `vncviewer` \(from 4\.5\)/, 'version unknown: says from when');
  const dm = domainFromText('name = "h"\nbuilder = "hvm"\ndevice_model = "/usr/lib/xen/bin/qemu-dm"\n', 'xl');
  t.same(run([dm], { xen: '4.1.0', toolstack: 'xl' }).filter((x) => x.key === 'device_model'), [], 'xl 4.1 used device_model as the device model path');
  t.equal(run([dm], { xen: '4.2.0', toolstack: 'xl' }).filter((x) => x.key === 'device_model').length, 1);
});

t.test('xl: a deprecated key is reported only where its replacement exists', async (t) => {
  const d = domainFromText('name = "s"\nbuilder = "hvm"\nstdvga = 1\nmemory = 1024\n', 'xl');
  const keys = (xen: string): string[] => run([d], { xen, toolstack: 'xl' }).map((x) => x.key!);
  t.same(keys('4.2.0'), [], 'vga arrived in 4.3: stdvga is the only spelling on 4.2');
  t.same(keys('4.3.0'), ['stdvga']);
  t.same(keys('4.10.0'), ['builder', 'stdvga']);
});
