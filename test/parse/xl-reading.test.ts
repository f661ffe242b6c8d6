/**
 * Each class of config xenlint once read differently from Xen's real xl (issue 11),
 * pinned without xl: the expected values are what xl 4.17 printed for the same
 * text in the differential test (test/integration/xl-oracle.test.ts).
 */
import t from 'tap';
import fc from 'fast-check';
import { parseConfig } from '../../cli/readers/config.js';
import { buildDomain } from '../../cli/readers/domain.js';
import { decodeConfigBytes } from '../../cli/readers/config-bytes.js';
import { strtol0 } from '../../cli/readers/xl-reading.js';
import { readLibxlu } from '../../cli/readers/libxlu.js';
import type { DomainFacts } from '../../cli/model/facts.js';

const HEAD = 'name = "g"\nkernel = "/boot/vmlinuz"\n';
const read = (text: string): DomainFacts => buildDomain(parseConfig(text, 'g.cfg', { dialect: 'xl' }));
const refusal = (d: DomainFacts): { message: string; xlLine?: number } | undefined => {
  const e = d.diagnostics.find((x) => x.severity === 'error');
  if (!e) return undefined;
  return e.xlLine === undefined ? { message: e.message } : { message: e.message, xlLine: e.xlLine };
};

t.test('every number goes through strtol(…, 0), quoted or not', async (t) => {
  const table: Array<[string, number | undefined]> = [
    ['512', 512],
    ['"512"', 512],
    ['"0512"', 330],
    ['0512', 330],
    ['"0x200"', 512],
    ['0x200', 512],
    ['"+512"', 512],
    ['" 512"', 512],
    ['08', undefined],
    ['"08"', undefined],
    ['"512 "', undefined],
    ['"5 12"', undefined],
    ['""', undefined],
    ['"512M"', undefined],
    ['1e3', undefined],
  ];
  for (const [v, mib] of table) {
    const d = read(`${HEAD}memory = ${v}\n`);
    t.equal(refusal(d), undefined, `${v}: accepted`);
    t.equal(d.memoryMiB, mib, `memory = ${v}`);
    if (mib === undefined) t.ok(d.diagnostics.some((x) => x.code === 'xl-warning' && /not a valid number/.test(x.message)), `${v}: xl's warning`);
  }
});

t.test('integers beyond 2^53 stay exact in what xl derives', async (t) => {
  const d = read(`${HEAD}memory = 9007199254740993\n`);
  t.equal(d.xl?.targetMemKb, '9223372036854776832');
  t.equal(d.memoryMiB, undefined, 'no MiB figure a check could misread');
  const over = read(`${HEAD}memory = 99999999999999999999\n`);
  t.equal(over.xl?.targetMemKb, undefined);
  t.match(over.diagnostics.map((x) => x.message).join('\n'), /could not be parsed as a number: Numerical result out of range/);
  t.same(strtol0('-0x10'), { value: -16n, rest: '', digits: true, range: false });
});

t.test('+= follows libxlu: text joins, a list and a single value refuse the file, numbers are never read', async (t) => {
  t.equal(read('name = 1\nname += 2\nkernel = "/k"\n').name, '12');
  const mixed = read(`${HEAD}disk = []\ndisk += "x"\n`);
  t.same(refusal(mixed), { message: 'config parsing error near `"x"\': can\'t add [list] to "string" or vice versa', xlLine: 4 });
  t.same(mixed.disks, [], 'a refused file yields nothing beyond the refusal');
  const lone = read(`${HEAD}memory += 4\n`);
  t.equal(refusal(lone), undefined);
  t.equal(lone.memoryMiB, undefined);
  t.match(lone.diagnostics.map((x) => x.message).join('\n'), /can't use \+= with numbers for parameter `memory'/);
  t.equal(read(`${HEAD}memory = 1\nmemory += 2\n`).memoryMiB, undefined);
});

t.test('string escapes as xlu__cfgl_dequote reads them', async (t) => {
  const nameOf = (lit: string): string | undefined => {
    const d = read(`name = ${lit}\nkernel = "/k"\n`);
    return refusal(d) ? undefined : d.name;
  };
  t.equal(nameOf('"a\\tb"'), 'a\tb');
  t.equal(nameOf('"a\\\\b"'), 'a\\b');
  t.equal(nameOf(`'a\\'b'`), "a'b");
  t.equal(nameOf(`'a\\"b'`), 'a"b');
  t.equal(nameOf('"a\\101b"'), 'ab', 'an octal escape with enough digits stores no character');
  t.equal(nameOf('"a\\0 1b"'), 'ab', 'strtoul skips the blank and reads the sign');
  t.same(refusal(read('name = "\\x41bc"\nkernel = "/k"\n')), {
    message: 'config parsing error near `"\\x41bc"\': invalid digit after backslash hexnumerical character escape in quoted string',
    xlLine: 1,
  });
  t.same(refusal(read('name = "a\\7"\nkernel = "/k"\n')), {
    message: 'config parsing error near `"a\\7"\': invalid digit after backslash octalnumerical character escape in quoted string',
    xlLine: 1,
  });
  t.same(refusal(read('name = "a\\q"\nkernel = "/k"\n')), { message: 'config parsing error near `"a\\q"\': invalid character after backlash in quoted string', xlLine: 1 });
  t.match(refusal(read('name = "a\0b"\nkernel = "/k"\n'))?.message, /^xl aborts \(assertion failed\)/, 'a NUL inside quotes crashes xl');
});

t.test('bytes that are not UTF-8 are kept as bytes', async (t) => {
  const bytes = Buffer.from('name = "caf\xe9"\nkernel = "/k"\n', 'latin1');
  const { text, encoding } = decodeConfigBytes(bytes);
  t.equal(encoding, 'bytes');
  t.equal(Buffer.from(read(text).name, 'latin1').toString('hex'), Buffer.from('caf\xe9', 'latin1').toString('hex'));
  t.equal(decodeConfigBytes(Buffer.from('name = "café"\n', 'utf8')).encoding, 'utf8');
});

t.test('the end of the file: a stray byte is dropped, a comment needs its newline', async (t) => {
  t.equal(refusal(read(`${HEAD}memory = 512\n@`)), undefined, 'one rejected byte before EOF is dropped');
  t.equal(read(`${HEAD}memory = 512\n@`).memoryMiB, 512);
  t.same(refusal(read(`${HEAD}memory = 512\n@@`)), { message: "config parsing error near `@@': lexical error", xlLine: 4 });
  t.match(refusal(read(`${HEAD}# last`))?.message, /^config parsing error near `#': lexical error/, 'the error state stops at the blank');
  t.match(refusal(read(`${HEAD}memory = 512\r\n`))?.message, /^config parsing error near `\r': lexical error/);
  t.same(refusal(read(`${HEAD}x = @`)), { message: "config parsing error near `@': syntax error, unexpected $end, expecting STRING or NUMBER or '['", xlLine: 3 });
});

t.test("bison's messages and the line xl prints", async (t) => {
  t.same(refusal(read(`${HEAD}memory\n`)), { message: "config parsing error near <newline>: syntax error, unexpected NEWLINE, expecting += or '='", xlLine: 2 });
  t.same(refusal(read(`${HEAD}vcpus = 2 2\n`)), { message: "config parsing error near `2': syntax error, unexpected NUMBER, expecting $end", xlLine: 3 });
  t.same(refusal(read(`${HEAD}disk = [ "a" "b" ]\n`)), { message: "config parsing error near `\"b\"': syntax error, unexpected STRING, expecting ']'", xlLine: 3 });
  t.same(refusal(read(`${HEAD}= 4\n`)), { message: "config parsing error near `=': syntax error, unexpected '=', expecting $end or IDENT or NEWLINE or ';'", xlLine: 3 });
  const python = read(`${HEAD}memory = 1024 + 1024\n`);
  t.match(refusal(python)?.message, /^config parsing error near `\+': lexical error/);
  t.ok(python.diagnostics.some((x) => x.code === 'python-under-xl' && /looks like it contains Python code/.test(x.message)));
});

t.test('the guest type as xl 4.17 decides it', async (t) => {
  t.equal(read(`${HEAD}pvh = 1\n`).type, 'pv', 'pvh = 1 is not read since 4.9');
  t.equal(read(`${HEAD}type = ""\n`).type, 'hvm', 'the empty string is a prefix of "hvm"');
  t.equal(read(`${HEAD}type = "p"\n`).type, 'pv');
  t.equal(read(`${HEAD}type = "pvh"\n`).type, 'pvh');
  const loader = read('name = "g"\nkernel = "/usr/lib/xen/boot/hvmloader"\n');
  t.equal(loader.type, 'pv', 'kernel = hvmloader does not make an HVM guest');
  t.equal(loader.xl?.kernel, '/usr/lib/xen/boot/hvmloader');
  t.equal(read('name = "g"\ntype = "hvm"\nkernel = "/usr/lib/xen/boot/hvmloader"\n').xl?.kernel, undefined, 'HVM ignores kernel = hvmloader');
  t.match(refusal(read(`${HEAD}type = "HVM"\n`))?.message, /^Invalid domain type HVM\./);
  t.match(refusal(read(`${HEAD}builder = "vmx"\n`))?.message, /^Invalid domain type vmx\./);
  t.match(refusal(read(`${HEAD}type = "pv"\nbuilder = "hvm"\n`))?.message, /^Contradicting "builder" and "type" options specified\./);
});

t.test('name, vCPUs and actions xl refuses', async (t) => {
  t.match(refusal(read('kernel = "/k"\n'))?.message, /^Domain name must be specified\./);
  t.equal(read('name = 42\nkernel = "/k"\n').name, '42');
  t.match(refusal(read(`${HEAD}vcpus = 4\nmaxvcpus = 2\n`))?.message, /^maxvcpus < vcpus/);
  t.match(refusal(read(`${HEAD}vcpus = "-1"\n`))?.message, /^invalid number of cpus provided/);
  t.match(refusal(read(`${HEAD}on_reboot = "reboot"\n`))?.message, /^Unknown on_reboot action "reboot" specified/);
  t.match(refusal(read('name = "g"\n'))?.message, /^Neither kernel nor bootloader specified/);
  t.same(read(`${HEAD}pci = [ "00:1d.0", "0000:03:00.1@2" ]\n`).xl?.pci, ['0000:00:1d.0', '0000:03:00.1']);
  t.match(refusal(read(`${HEAD}pci = [ "zz:00.0" ]\n`))?.message, /^unable to parse PCI_SPEC_STRING `zz:00.0' for passthrough/);
});

t.test('disks and vifs as xl reads them', async (t) => {
  t.same(read(`${HEAD}disk = "phy:/dev/vg/g,xvda,w"\nvif = "bridge=xenbr0"\n`).disks, [], 'a plain string is no list: no device');
  t.same(read(`${HEAD}vif = "bridge=xenbr0"\n`).vifs, []);
  const macs = read(`${HEAD}vif = [ "mac=00-16-3e-0a-0b-0c", "mac=0:16:3e:1:2:3, bridge=br0", "bridge=br0 mac=00:16:3e:00:00:01", "mac=01:00:5e:00:00:01" ]\n`);
  t.same(
    macs.vifs.map((v) => [v.mac, v.bridge]),
    [
      ['00:16:3e:0a:0b:0c', undefined],
      ['00:16:3e:01:02:03', 'br0'],
      [undefined, 'br0 mac=00:16:3e:00:00:01'],
      ['01:00:5e:00:00:01', undefined],
    ],
  );
  const short = read(`${HEAD}vif = [ "mac=00:16:3e:70:1f, bridge=xenbr1" ]\n`);
  t.equal(short.vifs[0]?.mac, '00:16:3e:70:1f:0b', "a short MAC reads on into the next piece of xl's buffer");
  t.match(refusal(read(`${HEAD}disk = [ "bogus" ]\n`))?.message, /^config parsing error in disk specification: no vdev specified in `bogus'/);
  const stops = read(`${HEAD}disk = [ "phy:/dev/a,xvda,w", [ "x" ], "phy:/dev/b,xvdb,w" ]\n`).disks;
  t.same(stops.map((d) => [d.vdev, d.invalid]), [['xvda', undefined], [undefined, 'a disk spec must be a string, not a list']], 'xl stops at the first item that is not a string');
  const stale = read(`${HEAD}memory = 99999999999999999999\nvif = [ "rate=10Mb/s" ]\n`);
  t.match(refusal(stale)?.message, /^config parsing error in vif: rate overflow in `10Mb\/s'/, 'xl tests a stale errno');
});

t.test('property: the reader never throws and refusals carry a position', async () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', '=', '"', "'", '\\', '[', ']', ',', '\n', '\r', '#', ' ', '+', '0', 'x', '@', ';', '\0') }), (text) => {
      const r = readLibxlu(text);
      for (const e of r.errors) if (!(e.line >= 1 && e.column >= 1 && e.xlLine >= 0)) return false;
      const d = read(text);
      return d.diagnostics.every((x) => x.line >= 1 && x.column >= 1);
    }),
    { numRuns: 500 },
  );
});

/** The xl of one release, as lint reads a file once the Xen version is known (reader-choice.ts decideReader). */
const readFor = (xen: string | undefined, text: string): DomainFacts =>
  buildDomain(parseConfig(text, 'g.cfg', { dialect: 'xl', ...(xen !== undefined ? { xen } : {}) }));

t.test("xl's refusals and its reading of the guest type follow the release (boundaries 4.5/4.6, 4.6/4.7, 4.9/4.10)", async (t) => {
  const vcpus = `${HEAD}vcpus = 8\nmaxvcpus = 4\n`;
  t.match(refusal(readFor(undefined, vcpus))?.message, /^maxvcpus < vcpus/, 'version unknown: the newest xl refuses it');
  t.match(refusal(readFor('4.6.0', vcpus))?.message, /^maxvcpus < vcpus/, '4.6.0 refuses it (b642ed6775)');
  t.equal(refusal(readFor('4.5.5', vcpus)), undefined, '4.5 has no such check: the guest is read');
  t.equal(readFor('4.5.5', vcpus).maxvcpus, 4, 'and maxvcpus is read as written');

  const softReset = `${HEAD}on_soft_reset = "explode"\n`;
  t.match(refusal(readFor('4.7.0', softReset))?.message, /^Unknown on_soft_reset action "explode" specified/, '4.7 reads on_soft_reset');
  t.equal(refusal(readFor('4.6.6', softReset)), undefined, '4.6 does not read it');

  const bogusType = `${HEAD}type = "container"\n`;
  t.match(refusal(readFor('4.10.0', bogusType))?.message, /^Invalid domain type container\./, '4.10 reads type');
  t.equal(refusal(readFor('4.9.4', bogusType)), undefined, '4.9 does not read type at all');

  const hvmByType = 'name = "w"\ntype = "hvm"\n';
  t.equal(readFor('4.10.0', hvmByType).type, 'hvm');
  t.equal(readFor('4.9.4', hvmByType).type, 'pv', "4.9 ignores type: xl builds the guest PV (xl's default)");
  t.match(refusal(readFor('4.9.4', hvmByType))?.message, /^Neither kernel nor bootloader specified: the xl of Xen 4\.9\.4 does not read `type`/, 'and as PV it needs a kernel, which the refusal explains');
  t.equal(readFor('4.9.4', hvmByType).diagnostics.find((x) => x.severity === 'error')?.line, 2, 'at the type line, its cause');

  const builder = 'name = "w"\nbuilder = "hvm"\n';
  t.equal(readFor('4.1.6', builder).type, 'hvm', 'builder = "hvm" makes HVM in every release');
  t.equal(readFor('4.9.4', 'name = "w"\nkernel = "/k"\nbuilder = "bogus"\n').type, 'pv', 'before 4.10 any other builder is PV, not refused');
  t.equal(refusal(readFor('4.9.4', 'name = "w"\nkernel = "/k"\nbuilder = "bogus"\n')), undefined);
  t.match(refusal(readFor('4.10.0', 'name = "w"\nkernel = "/k"\nbuilder = "bogus"\n'))?.message, /^Invalid domain type bogus\./);
  t.match(refusal(readFor('4.10.0', `${builder}type = "pv"\nkernel = "/k"\n`))?.message, /^Contradicting "builder" and "type"/);
  t.equal(readFor('4.9.4', `${builder}type = "pv"\n`).type, 'hvm', '4.9: builder decides, type unread');
});

t.test("pci entries follow the release's reading: PCI_SPEC_STRING from 4.15, xlu_pci_parse_bdf before (dropped 4.1-4.5, refused 4.6-4.14), 4.0's sscanf", async (t) => {
  const pci = (list: string): string => `${HEAD}pci = [ ${list} ]\n`;
  const bad = pci('"zz:00.0", "03:00.1"');
  t.match(refusal(readFor('4.15.0', bad))?.message, /^unable to parse PCI_SPEC_STRING `zz:00.0' for passthrough/, '4.15 reads a PCI_SPEC_STRING');
  t.match(refusal(readFor('4.14.0', bad))?.message, /^unable to parse PCI BDF `zz:00.0' for passthrough/, '4.6-4.14: xlu_pci_parse_bdf and exit');
  t.match(refusal(readFor('4.6.0', bad))?.message, /^unable to parse PCI BDF/, '4.6.0 is the first to stop');
  const dropped = readFor('4.5.0', bad);
  t.equal(refusal(dropped), undefined, '4.5 does not stop');
  t.same(dropped.xl?.pci, ['0000:03:00.1'], 'it drops the entry and reads the next');
  const note = dropped.diagnostics.find((x) => x.code === 'xl-pci-dropped');
  t.equal(note?.severity, 'warning');
  t.match(note?.message, /the xl of Xen 4\.5\.0 cannot read PCI entry `zz:00\.0' and drops it without a word/);
  t.equal(note?.line, 3, 'at the pci line');
  t.same(readFor('4.1.0', bad).xl?.pci, ['0000:03:00.1'], '4.1 (libxl_device_pci_parse_bdf) drops it too');

  // The grammars differ: 4.15 wants a device number <= 0x1f and knows `name=`; before, dev and vslot are masked with 0xff.
  t.same(readFor('4.14.0', pci('"00:3f.0"')).xl?.pci, ['0000:00:3f.0'], 'dev 0x3f: read before 4.15');
  t.match(refusal(readFor('4.15.0', pci('"00:3f.0"')))?.message, /PCI_SPEC_STRING/, 'and refused from 4.15');
  t.match(refusal(readFor('4.14.0', pci('"bdf=03:00.0"')))?.message, /^unable to parse PCI BDF/, 'bdf= is a 4.15 key');
  t.same(readFor('4.15.0', pci('"bdf=03:00.0"')).xl?.pci, ['0000:03:00.0']);
  t.same(readFor('4.14.0', pci('" 0x3:0x0.+1@1f,msitranslate=1"')).xl?.pci, ['0000:03:00.1'], "strtoul's white space, 0x and sign");
  t.same(readFor('4.14.0', pci('"0001:03:00.*"')).xl?.pci, ['0001:03:00.0'], 'a * function');
  t.match(refusal(readFor('4.14.0', pci('"03:00.0,permissive"')))?.message, /^unable to parse PCI BDF/, 'an option without =');
  t.match(refusal(readFor('4.14.0', pci('"100:00.0"')))?.message, /^unable to parse PCI BDF/, 'bb:dd.f with a bus over 0xff');

  // Options: unknown ones are printed and ignored; rdm_policy is checked from 4.6.
  const opts = (xen: string, opt: string): DomainFacts => readFor(xen, pci(`"03:00.0,${opt}"`));
  const warned = (d: DomainFacts): string[] => d.diagnostics.filter((x) => x.code === 'xl-warning').map((x) => x.message);
  t.same(warned(opts('4.4.0', 'seize=1')), ['xl: Unknown PCI BDF option: seize'], 'seize arrived in 4.5');
  t.same(warned(opts('4.5.0', 'seize=1')), []);
  t.same(warned(opts('4.1.0', 'permissive=1')), ['xl: Unknown PCI BDF option: permissive'], 'permissive arrived in 4.2');
  t.same(warned(opts('4.2.0', 'permissive=1')), []);
  t.same(warned(opts('4.5.0', 'rdm_policy=loose')), ['xl: Unknown PCI BDF option: rdm_policy'], 'rdm_policy arrived in 4.6');
  t.same(opts('4.5.0', 'rdm_policy=loose').xl?.pci, ['0000:03:00.0']);
  t.match(refusal(opts('4.6.0', 'rdm_policy=loose'))?.message, /^loose is not an valid PCI RDM property policy: 'strict' or 'relaxed'\. unable to parse PCI BDF `03:00.0,rdm_policy=loose'/);
  t.same(warned(opts('4.14.0', 'vga=1')), ['xl: Unknown PCI BDF option: vga']);

  // Xen 4.0: sscanf, nothing refused, and an entry with no token is read forever.
  t.same(readFor('4.0.0', pci('"0000:03:00.1@2"')).xl?.pci, ['0000:03:00.1']);
  t.same(readFor('4.0.0', pci('"01:00.0"')).xl?.pci, ['0001:00:00.0'], "4.0's first format converts two fields of bb:dd.f and keeps them: domain 1, bus 0");
  t.same(readFor('4.0.0', pci('"zz"')).xl?.pci, ['0000:00:00.0']);
  t.equal(refusal(readFor('4.0.0', pci('"zz"'))), undefined);
  t.match(refusal(readFor('4.0.0', pci('"03:00.0", ",,"')))?.message, /^PCI entry `,,' has no device: the xl of Xen 4\.0\.0 reads it again and again and never finishes/);

  t.match(refusal(readFor(undefined, bad))?.message, /PCI_SPEC_STRING/, 'version unknown: the newest xl');
  // From 4.15 libxlu says why before xl's refusal; libxl's enum names match without regard to case.
  t.match(refusal(readFor('4.17.0', pci('"0000:81:00.0,rdm_policy=loose"')))?.message, /^Unknown RDM policy: loose; unable to parse PCI_SPEC_STRING/);
  t.match(refusal(readFor('4.17.0', pci('"03:00.0,vga=1"')))?.message, /^Unknown PCI_SPEC_STRING option: vga; unable to parse/);
  t.same(readFor('4.17.0', pci('"0000:81:00.0,rdm_policy=STRICT"')).xl?.pci, ['0000:81:00.0'], 'STRICT is strict (strcasecmp)');
  t.match(refusal(readFor('4.14.0', pci('"0000:81:00.0,rdm_policy=STRICT"')))?.message, /^STRICT is not an valid PCI RDM property policy/, 'before 4.15 strcmp');
});
