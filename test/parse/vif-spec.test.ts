import t from 'tap';
import fc from 'fast-check';
import {
  parseMac,
  parseVifSpec,
  parseXlMac,
  parseXlRate,
  parseXmRate,
  vifIsEmulated,
  vifSpecToString,
  type VifSpec,
} from '../../cli/readers/vif-spec.js';
import { joinSpecWords, vifToLibxlJson } from '../../cli/readers/libxl-json.js';

function okVif(spec: string | string[], dialect: 'xm' | 'xl' = 'xl', context?: 'config' | 'attach'): VifSpec {
  const r = parseVifSpec(spec, dialect, context ? { context } : {});
  if (!r.ok) throw new Error(`expected ${JSON.stringify(spec)} to parse: ${r.error.message}`);
  return r.vif;
}

const rateOut = (bytes: number, usecs: number): string => `vif: {
    "rate_bytes_per_interval": ${bytes},
    "rate_interval_usecs": ${usecs}
}

`;

/**
 * Xen's own vectors: tools/xl/check-xl-vif-parse (tools/libxl/ before 4.15).
 * Each case is the argv words after `xl -N network-attach 0`; `out` is the
 * exact stdout, null when xl must fail.
 */
const XEN_VIF_VECTORS: Array<{ out: string | null; cases: string[] }> = [
  { out: null, cases: ['foo'] },
  { out: null, cases: ['rate=foo', 'rate=foo', 'rate=10MB', 'rate=10MB/m', 'rate=10ZB', 'rate=10ZB/s', 'rate=10ZB/m'] },
  { out: rateOut(100000, 50000), cases: ['rate=16000000b/s', 'rate=16000000b/s@50ms', 'rate=2000000B/s', 'rate=2000000B/s@50ms'] },
  { out: rateOut(100, 50000), cases: ['rate=16Kb/s', 'rate=16Kb/s@50ms', 'rate=2KB/s', 'rate=2KB/s@50ms'] },
  { out: rateOut(100000, 50000), cases: ['rate=16Mb/s', 'rate=16Mb/s@50ms', 'rate=2MB/s', 'rate=2MB/s@50ms'] },
  { out: rateOut(50000000, 50000), cases: ['rate=8Gb/s', 'rate=8Gb/s@50ms', 'rate=1GB/s', 'rate=1GB/s@50ms'] },
  { out: null, cases: ['rate=4294967296b/s', 'rate=4294967296Kb/s', 'rate=4294967296Mb/s', 'rate=4294967296Gb/s'] },
  { out: null, cases: ['rate=0B/s'] },
  { out: null, cases: ['rate=10Mb/s@foo', 'rate=10Mb/s@10h', 'rate=10MB/s@foo', 'rate=10MB/s@10h'] },
  { out: rateOut(10000000, 1000000), cases: ['rate=80Mb/s@1s', 'rate=10MB/s@1s'] },
  { out: null, cases: ['rate=1B/s@4294967296us', 'rate=1B/s@4294968ms', 'rate=1B/s@4295s'] },
  { out: null, cases: ['rate=1B/s@0us'] },
  { out: null, cases: ['rate=4294967295GB/s@5us', 'rate=4296MB/s@4294s'] },
  { out: null, cases: ['rate=@'] },
  { out: 'vif: {\n    "trusted": "True"\n}\n\n', cases: ['trusted'] },
  { out: 'vif: {\n    "trusted": "False"\n}\n\n', cases: ['untrusted'] },
];

t.test("Xen's check-xl-vif-parse vectors", async (t) => {
  let valid = 0;
  let invalid = 0;
  for (const { out, cases } of XEN_VIF_VECTORS) {
    for (const word of cases) {
      const r = parseVifSpec([word], 'xl');
      if (out === null) {
        invalid++;
        t.notOk(r.ok, `${word} is rejected`);
      } else {
        valid++;
        t.equal(r.ok && vifToLibxlJson(r.vif), out, word);
      }
    }
  }
  t.same({ valid, invalid }, { valid: 20, invalid: 24 }, 'every case of the script');
});

t.test('rate forms (xl)', async (t) => {
  const table: Array<[string, number, number]> = [
    // rate, bytes per interval, interval in µs
    ['10Mb/s', 62500, 50000],
    ['250KB/s', 12500, 50000],
    ['1MB/s@20ms', 20000, 20000], // the manual's example: 20,000 bytes every 20,000 µs
    ['1MB/s@20000us', 20000, 20000],
    ['1MB/s@1s', 1000000, 1000000],
    ['1MB/s@2', 2000000, 2000000], // no unit: seconds
    ['1MB/s@20m', 20000, 20000], // m without s
    ['1MB/s@500u', 500, 500],
    ['100B/s', 5, 50000],
    ['100b/s', 0, 50000], // 12 B/s: less than one byte per 50 ms, accepted as 0
    ['1Gb/s', 6250000, 50000],
    ['4294967295B/s', 214748364, 50000],
    ['010MB/s', 400000, 50000], // strtoull base 0: 010 is octal 8
    ['08MB/s', -1, 0], // octal 0 then "8": zero -> overflow
  ];
  for (const [rate, bytes, usecs] of table) {
    const r = parseXlRate(rate);
    if (bytes < 0) {
      t.notOk(r.ok, `${rate} rejected`);
      continue;
    }
    t.ok(r.ok, rate);
    if (r.ok) t.same([r.rate.bytesPerInterval, r.rate.intervalUsecs], [bytes, usecs], rate);
  }
  const octal = parseXlRate('010MB/s');
  t.match(octal.ok && octal.warnings, [/octal/]);
  const bare = parseXlRate('1MB/s@2');
  t.match(bare.ok && bare.warnings, [/seconds/]);
  t.match(parseXlRate('@'), { ok: false, message: /no rate specified/ });
  t.match(parseXlRate('10ZB/s'), { ok: false, message: /invalid rate/ });
  t.match(parseXlRate('1B/s@0us'), { ok: false, message: /replenishment interval overflow/ });
  t.match(parseXlRate('1B/s@x'), { ok: false, message: /invalid replenishment interval/ });
  t.match(parseXlRate('99999999999999999999999B/s'), { ok: false, message: /rate overflow/ });
  const big = parseXlRate('4294967295GB/s@1us');
  t.ok(big.ok, 'largest rate still fits 64 bits with a 1 µs interval');
});

t.test('rate forms (xm: xend netif.py)', async (t) => {
  t.same(parseXmRate('10Mb/s'), { text: '10Mb/s', bytesPerSecond: 1250000, bytesPerInterval: 62500, intervalUsecs: 50000 });
  t.equal(parseXmRate('1MB/s@20ms')?.bytesPerInterval, 20000);
  t.equal(parseXmRate('1MB/s@1s')?.intervalUsecs, 1000000);
  t.equal(parseXmRate('010MB/s')?.bytesPerSecond, 10000000, 'decimal in xend');
  t.equal(parseXmRate('1MB/s@2'), null, 'xend wants the unit');
  t.equal(parseXmRate('1MB/s@20m'), null);
  t.equal(parseXmRate('100b/s'), null, 'zero bytes per interval means unlimited');
  t.equal(parseXmRate('5GB/s@1s'), null, 'more than 2^32-1 bytes per interval means unlimited');
  t.equal(parseXmRate('10 Mb/s'), null);

  const r = parseVifSpec('bridge=xenbr0,rate=10Mbit/s', 'xm');
  t.ok(r.ok, 'xm carries on');
  t.match(r.warnings, [{ code: 'rate-ignored', offset: 'bridge=xenbr0,rate='.length, message: /silently leaves the vif unlimited/ }]);
  t.equal(r.ok && r.vif.rate, undefined);
  t.equal(r.ok && r.vif.xlCompatible, false, 'xl exits on the same rate');
});

t.test('MAC addresses', async (t) => {
  t.same(parseMac('00:16:3E:74:3d:76'), {
    text: '00:16:3e:74:3d:76',
    octets: [0x00, 0x16, 0x3e, 0x74, 0x3d, 0x76],
    xenOui: true,
    multicast: false,
    locallyAdministered: false,
  });
  t.match(parseMac('02:00:00:12:34:56'), { xenOui: false, locallyAdministered: true, multicast: false });
  t.match(parseMac('01:00:5e:00:00:01'), { multicast: true });
  t.equal(parseMac('0:16:3e:1:2:3')?.text, '00:16:3e:01:02:03');
  for (const bad of ['00:16:3e:00:00', '00:16:3e:00:00:01:02', '00-16-3e-00-00-01', '00:16:3g:00:00:01', '000:16:3e:00:00:01', '', 'random']) {
    t.equal(parseMac(bad), null, `${bad} rejected`);
  }
  // Any six one- or two-digit octets, either case: the octets and the text are what parseInt and padStart give.
  const octet = fc.stringMatching(/^[0-9a-fA-F]{1,2}$/);
  fc.assert(fc.property(fc.array(octet, { minLength: 6, maxLength: 6 }), (parts) => {
    const mac = parseMac(parts.join(':'));
    const octets = parts.map((p) => parseInt(p, 16));
    return mac !== null && mac.octets.every((o, i) => o === octets[i]) && mac.text === octets.map((o) => o.toString(16).padStart(2, '0')).join(':');
  }));

  // xl's own reader is lenient: any one separator, 0x prefixes, junk after the 6th octet.
  const into = [0, 0, 0, 0, 0, 0];
  t.match(parseXlMac('00-16-3e-00-00-01', into), { ok: true });
  t.same(into, [0, 0x16, 0x3e, 0, 0, 1]);
  t.match(parseXlMac('0x00:16:3e:00:00:01xyz', [0, 0, 0, 0, 0, 0]), { ok: true, ignored: 'xyz' });
  t.match(parseXlMac('00:16:3e', [0, 0, 0, 0, 0, 0]), { ok: false });
  t.match(parseXlMac('00:16:3e:100:00:01', [0, 0, 0, 0, 0, 0]), { ok: false });
  t.match(parseXlMac('-1:16:3e:00:00:01', [0, 0, 0, 0, 0, 0]), { ok: false });

  const table: Array<[string, 'xm' | 'xl', boolean, string | null]> = [
    // spec, dialect, ok, problem code
    ['mac=00:16:3e:74:34:32', 'xl', true, null],
    ['mac=00:16:3e:74:34:32', 'xm', true, null],
    ['mac=01:16:3e:74:34:32', 'xl', false, 'mac-multicast'],
    ['mac=ff:ff:ff:ff:ff:ff', 'xm', false, 'mac-multicast'],
    ['mac=00:00:00:00:00:00', 'xl', true, 'mac-zero'],
    ['mac=00:00:00:00:00:00', 'xm', true, 'mac-zero'],
    ['mac=00-16-3e-74-34-32', 'xl', true, 'mac-format'],
    ['mac=00-16-3e-74-34-32', 'xm', false, 'mac-invalid'],
    ['mac=00:16:3e', 'xm', false, 'mac-invalid'],
  ];
  for (const [spec, dialect, ok, code] of table) {
    const r = parseVifSpec(spec, dialect);
    t.equal(r.ok, ok, `${dialect} ${spec}`);
    const problems = [...r.warnings, ...(r.ok ? [] : [r.error])];
    if (code === null) t.same(problems, [], `${dialect} ${spec}: no problem`);
    else t.ok(problems.some((p) => p.code === code), `${dialect} ${spec}: ${code}`);
  }
  // xl in a config file only prints "Invalid parameter `mac'"; network-attach fails.
  const cfg = parseVifSpec('mac=00:16:3e,bridge=xenbr0', 'xl');
  t.ok(cfg.ok);
  t.match(cfg.warnings, [{ code: 'mac-invalid', fatalOnAttach: true, offset: 4 }]);
  t.notOk(parseVifSpec(['mac=00:16:3e'], 'xl').ok);
  t.equal(okVif('mac=00:16:3E:74:34:32').mac, '00:16:3e:74:34:32');
  t.equal(
    vifToLibxlJson(okVif(['mac=00:16:3E:74:34:32', 'bridge=xenbr1'])),
    'vif: {\n    "mac": "00:16:3e:74:34:32",\n    "bridge": "xenbr1"\n}\n\n',
  );
});

t.test('xl keys: config file vs network-attach', async (t) => {
  const v = okVif(
    'mac=00:16:3e:5f:48:e4, bridge=xenbr1,type=ioemu,model=e1000,vifname=web0,script=vif-route,ip=10.0.0.5 10.0.0.6,backend=netdom,rate=10Mb/s@20ms,gatewaydev=eth1,devid=3,mtu=9000,vlan=10p/20,forwarddev=eth9,colo_sock_mirror_id=m1,trusted',
  );
  t.same(
    {
      mac: v.mac,
      bridge: v.bridge,
      type: v.type,
      nictype: v.nictype,
      model: v.model,
      vifname: v.vifname,
      script: v.script,
      ips: v.ips,
      backend: v.backend,
      rate: v.rate?.bytesPerInterval,
      gatewaydev: v.gatewaydev,
      devid: v.devid,
      mtu: v.mtu,
      vlan: v.vlan,
      forwarddev: v.forwarddev,
      colo: v.colo,
      trusted: v.trusted,
    },
    {
      mac: '00:16:3e:5f:48:e4',
      bridge: 'xenbr1',
      type: 'ioemu',
      nictype: 'vif_ioemu',
      model: 'e1000',
      vifname: 'web0',
      script: 'vif-route',
      ips: ['10.0.0.5', '10.0.0.6'],
      backend: 'netdom',
      rate: 25000,
      gatewaydev: 'eth1',
      devid: 3,
      mtu: 9000,
      vlan: '10p/20',
      forwarddev: 'eth9',
      colo: { colo_sock_mirror_id: 'm1' },
      trusted: true,
    },
  );
  t.equal(v.keys['bridge'], 'xenbr1', 'leading space of a piece is skipped');
  t.equal(v.keys['trusted'], 'true');
  t.equal(
    vifToLibxlJson(v),
    `vif: {
    "backend_domname": "netdom",
    "devid": 3,
    "mtu": 9000,
    "vlan": "10p/20",
    "model": "e1000",
    "mac": "00:16:3e:5f:48:e4",
    "ip": "10.0.0.5 10.0.0.6",
    "bridge": "xenbr1",
    "ifname": "web0",
    "script": "vif-route",
    "nictype": "vif_ioemu",
    "rate_bytes_per_interval": 25000,
    "rate_interval_usecs": 20000,
    "gatewaydev": "eth1",
    "coloft_forwarddev": "eth9",
    "colo_sock_mirror_id": "m1",
    "trusted": "True"
}

`,
  );

  // Pieces xl only complains about in a config file but refuses on network-attach.
  const table: Array<[string, string, RegExp]> = [
    ['bridge=xenbr0,foo=bar', 'unknown-key', /^unrecognized argument `foo=bar'$/],
    ['bridge=xenbr0,policy=x', 'unknown-key', /unrecognized argument `policy=x'/],
    ['type=netfront', 'vif-type', /Invalid parameter `type'/],
    ['bridge=xenbr0,trusted=1', 'unknown-key', /unrecognized argument `trusted=1'/],
    ['bridge', 'unknown-key', /unrecognized argument `bridge'/],
  ];
  for (const [spec, code, message] of table) {
    const cfg = parseVifSpec(spec, 'xl');
    t.ok(cfg.ok, `config: ${spec} only warns`);
    t.match(cfg.warnings, [{ code, message, fatalOnAttach: true }], spec);
    const attach = parseVifSpec(spec.split(','), 'xl');
    t.notOk(attach.ok, `network-attach: ${spec} fails`);
    t.equal(!attach.ok && attach.error.code, code);
  }

  // Fatal everywhere: rate, devid and mtu make xl exit.
  for (const spec of ['bridge=xenbr0,rate=10Mbit', 'devid=x', 'mtu=', 'mtu=-1']) {
    const r = parseVifSpec(spec, 'xl');
    t.notOk(r.ok, `${spec} fails in a config file too`);
  }
  const trailing = parseVifSpec('mtu=1500bytes', 'xl');
  t.equal(trailing.ok && trailing.vif.mtu, 1500);
  t.match(trailing.warnings, [{ code: 'ignored-text' }]);

  const netdev = parseVifSpec('netdev=eth0', 'xl');
  t.equal(netdev.ok && netdev.vif.gatewaydev, 'eth0');
  t.match(netdev.warnings, [{ code: 'deprecated-key', message: /netdev parameter is deprecated/ }]);
  const accel = parseVifSpec('accel=sfc', 'xl');
  t.ok(accel.ok);
  t.match(accel.warnings, [{ code: 'accel-ignored' }]);

  // strtok: empty pieces vanish, trailing spaces stay.
  const spaces = okVif(',,bridge=xenbr0 ,, ');
  t.equal(spaces.bridge, 'xenbr0 ');
  t.same(okVif('').entries, []);
  // A word of network-attach is one piece, commas and all.
  t.equal(okVif(['bridge=a,b'], 'xl').bridge, 'a,b');
  t.equal(okVif(['mac=00:16:3e:00:00:01,bridge=xenbr0'], 'xl').bridge, undefined, 'xl reads the MAC and drops the rest');
  t.notOk(parseVifSpec([''], 'xl').ok, 'an empty word is an unrecognized argument');
  t.equal(vifToLibxlJson(okVif([], 'xl')), 'vif: {\n\n}\n\n');
});

t.test('vlan', async (t) => {
  for (const ok of ['10', '10p/20', '10p/100+10x4', '1-4094u/5p', '4094']) {
    t.same(parseVifSpec(`vlan=${ok}`, 'xl').warnings, [], ok);
  }
  for (const bad of ['0', '4095', '10/20', '10p/20p', '20-10', '4000+100x2', 'ten']) {
    t.match(parseVifSpec(`vlan=${bad}`, 'xl').warnings, [{ code: 'vlan-invalid', offset: 5 }], bad);
  }
});

t.test('xm vif specs', async (t) => {
  const v = okVif("mac=00:16:3e:00:00:11, bridge=xenbr0, ip=192.168.1.10 192.168.1.11, vifname=web-eth0, type=ioemu, model=e1000, rate=10MB/s", 'xm');
  t.same(
    { mac: v.mac, bridge: v.bridge, ips: v.ips, vifname: v.vifname, type: v.type, model: v.model, rate: v.rate?.bytesPerSecond },
    { mac: '00:16:3e:00:00:11', bridge: 'xenbr0', ips: ['192.168.1.10', '192.168.1.11'], vifname: 'web-eth0', type: 'ioemu', model: 'e1000', rate: 10000000 },
  );
  t.equal(v.xlCompatible, true);
  t.same(okVif('', 'xm').entries, [], "vif = [ '' ] is all defaults");
  t.same(okVif('  ', 'xm').entries, []);

  const rejected: Array<[string, RegExp, number]> = [
    ['bridge=xenbr0,mtu=9000', /^Invalid vif option: mtu$/, 14],
    ['bridge=xenbr0, foo=1', /^Invalid vif option: foo$/, 15],
    ['bridge=xenbr0,trusted', /^trusted should be a pair, separated by an equals sign\.$/, 14],
    ['bridge=xenbr0,', /^ should be a pair/, 14],
  ];
  for (const [spec, message, offset] of rejected) {
    const r = parseVifSpec(spec, 'xm');
    t.notOk(r.ok, spec);
    if (!r.ok) {
      t.match(r.error.message, message, spec);
      t.equal(r.error.offset, offset, `${spec} offset`);
    }
  }

  const accel = parseVifSpec('bridge=xenbr0,accel=sfc', 'xm');
  t.ok(accel.ok);
  t.match(accel.warnings, [{ code: 'xm-version', message: /accel is not in xm 3\.0\.4's list/ }]);

  const netfront = okVif('type=netfront,bridge=xenbr0', 'xm');
  t.equal(netfront.xlCompatible, false);
  t.match(netfront.xlIncompatibility, /Invalid parameter `type'/);
  const weird = parseVifSpec('type=pv', 'xm');
  t.match(weird.warnings, [{ code: 'vif-type' }]);

  // Duplicate keys: the dict keeps the last.
  t.equal(okVif('bridge=a,bridge=b', 'xm').bridge, 'b');
  t.equal(okVif('bridge=a,bridge=b', 'xl').bridge, 'b');
});

t.test('emulated NICs of HVM guests', async (t) => {
  const xl = (s: string): VifSpec => okVif(s, 'xl');
  const xm = (s: string): VifSpec => okVif(s, 'xm');
  t.equal(vifIsEmulated(xl(''), 'hvm'), true, 'xl: ioemu by default');
  t.equal(vifIsEmulated(xl('type=ioemu'), 'hvm'), true);
  t.equal(vifIsEmulated(xl('type=vif'), 'hvm'), false);
  t.equal(vifIsEmulated(xl(''), 'pv'), false);
  t.equal(vifIsEmulated(xl(''), 'pvh'), false);
  t.equal(vifIsEmulated(xm('type=ioemu'), 'hvm', '3.0.2'), true);
  t.equal(vifIsEmulated(xm('bridge=xenbr0'), 'hvm', '3.0.3'), false, '3.0.2/3.0.3 needed type=ioemu');
  t.equal(vifIsEmulated(xm('bridge=xenbr0'), 'hvm', '3.0.4'), true);
  t.equal(vifIsEmulated(xm('bridge=xenbr0'), 'hvm', '4.1.2'), true);
  t.equal(vifIsEmulated(xm('bridge=xenbr0'), 'hvm'), undefined, 'version needed');
  t.equal(vifIsEmulated(xm('bridge=xenbr0'), 'hvm', 'unknown'), undefined);
  t.equal(vifIsEmulated(xm('type=netfront'), 'hvm', '4.1.2'), false);
});

t.test('vifSpecToString reads back to the same device', async (t) => {
  for (const { out, cases } of XEN_VIF_VECTORS) {
    if (out === null) continue;
    for (const word of cases) {
      const v = okVif([word]);
      t.equal(vifToLibxlJson(okVif(vifSpecToString(v))), out, word);
    }
  }
  t.equal(vifSpecToString(okVif('type=ioemu, mac=00:16:3E:00:00:01,accel=x', 'xm')), 'type=ioemu,mac=00:16:3e:00:00:01,accel=x');
});

const REAL_VIFS = [
  'mac=00:16:3E:74:3d:76,model=rtl8139,bridge=xenbr0',
  'mac=00:16:3e:5f:48:e4,bridge=xenbr1',
  '',
  'bridge=xenbr0,rate=10Mb/s@20ms',
  'type=ioemu, mac=00:16:3e:00:00:11, bridge=xenbr0, model=e1000',
  'ip=192.168.1.10 192.168.1.11,script=vif-route,vifname=web0',
  'vlan=10p/100+10x4,mtu=9000,trusted',
  'type=netfront,bridge=br0',
];

const mutatedVif = fc
  .tuple(
    fc.constantFrom(...REAL_VIFS),
    fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.constantFrom(',', '=', ':', ' ', '@', '/', 'x', '0', '9', '-', '\n')), { maxLength: 4 }),
  )
  .map(([spec, edits]) => {
    let s = spec;
    for (const [n, insert, ch] of edits) {
      const i = s.length === 0 ? 0 : n % s.length;
      s = insert ? s.slice(0, i) + ch + s.slice(i) : s.slice(0, i) + s.slice(i + 1);
    }
    return s;
  });

t.test('properties', async (t) => {
  const anySpec = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme-ascii', maxLength: 60 }), mutatedVif);
  fc.assert(
    fc.property(anySpec, fc.constantFrom<'xm' | 'xl'>('xm', 'xl'), fc.constantFrom<'config' | 'attach'>('config', 'attach'), (spec, dialect, context) => {
      const r = parseVifSpec(spec, dialect, { context });
      const problems = [...r.warnings, ...(r.ok ? [] : [r.error, ...(r.moreErrors ?? [])])];
      return (r.ok || r.error.code !== 'internal') && problems.every((p) => p.offset >= 0 && p.offset <= spec.length && p.message !== '');
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string({ maxLength: 12 }), mutatedVif), { maxLength: 4 }), (words) => {
      const r = parseVifSpec(words, 'xl');
      const length = joinSpecWords(words).length;
      const problems = [...r.warnings, ...(r.ok ? [] : [r.error])];
      return problems.every((p) => p.offset >= 0 && p.offset <= length);
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), (s) => {
      const r = parseXlRate(s);
      return r.ok ? r.rate.intervalUsecs > 0 && r.rate.intervalUsecs <= 0xffffffff && Number.isSafeInteger(r.rate.bytesPerInterval) : r.message !== '';
    }),
  );
  // Rate arithmetic agrees with a direct computation over the whole unit grid.
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4294967295 }),
      fc.constantFrom('', 'K', 'M', 'G'),
      fc.constantFrom('B', 'b'),
      fc.integer({ min: 1, max: 9000 }),
      fc.constantFrom('us', 'ms', 's'),
      (n, mult, unit, i, iu) => {
        const r = parseXlRate(`${n}${mult}${unit}/s@${i}${iu}`);
        const bps = (BigInt(n) * { '': 1n, K: 1000n, M: 1000000n, G: 1000000000n }[mult]!) / (unit === 'b' ? 8n : 1n);
        const usecs = BigInt(i) * { us: 1n, ms: 1000n, s: 1000000n }[iu]!;
        if (usecs > 0xffffffffn || bps > 0xffffffffffffffffn / usecs) return !r.ok;
        return r.ok && BigInt(r.rate.bytesPerInterval) === (bps * usecs) / 1000000n && BigInt(r.rate.intervalUsecs) === usecs;
      },
    ),
  );
  // Round trip: the canonical string reads back to the same libxl device.
  let checked = 0;
  fc.assert(
    fc.property(mutatedVif, (spec) => {
      const r = parseVifSpec(spec, 'xl');
      if (!r.ok || r.warnings.some((w) => w.fatalOnAttach)) return true;
      checked++;
      const again = parseVifSpec(vifSpecToString(r.vif), 'xl');
      return again.ok && vifToLibxlJson(again.vif) === vifToLibxlJson(r.vif);
    }),
    { numRuns: 1000 },
  );
  t.ok(checked > 50, `round-tripped ${checked} specs`);
});
