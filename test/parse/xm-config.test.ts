import t from 'tap';
import fc from 'fast-check';
import { parseXmConfig, xmEntriesOnLines } from '../../cli/readers/xm-config.js';
import { READ_LIMITS } from '../../cli/readers/read-limits.js';
import type { ConfigValue, ParsedConfig } from '../../cli/model/config-model.js';
import { codes, mutatedSample, positionsInBounds, samples } from '../helpers/config-samples.js';

const parse = (text: string): ParsedConfig => parseXmConfig(text, 'guest.cfg');
/** The value of the only (or first) entry, without positions, for compact tables. */
function plain(v: ConfigValue): unknown {
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'number':
      return { n: v.value, raw: v.raw };
    case 'list':
      return v.tuple ? { tuple: v.items.map(plain) } : v.items.map(plain);
    case 'dict':
      return { dict: v.entries.map((e) => [plain(e.key), plain(e.value)]) };
    case 'unreadable':
      return { unreadable: v.text, reason: v.reason };
  }
}
const valueOf = (src: string): unknown => plain(parse(`x = ${src}\n`).entries[0]!.value);

t.test('string literals of Python 2', async (t) => {
  const table: Array<[string, string]> = [
    [`'single'`, 'single'],
    [`"double"`, 'double'],
    [`'''triple\nsingle'''`, 'triple\nsingle'],
    [`"""triple "quoted" text"""`, 'triple "quoted" text'],
    [`r'C:\\raw\\n'`, 'C:\\raw\\n'],
    [`R"\\d+"`, '\\d+'],
    [`'tab\\tnl\\n'`, 'tab\tnl\n'],
    [`'\\x41\\101\\q'`, 'AA\\q'],
    [`'it\\'s'`, "it's"],
    [`'con' 'cat' "enated"`, 'concatenated'],
    [`'/usr/' + 'lib64' + '/xen/bin/qemu-dm'`, '/usr/lib64/xen/bin/qemu-dm'],
    [`('implicit '\n     'continuation')`, 'implicit continuation'],
    [`'line \\\ncontinued'`, 'line continued'],
    [`b'bytes'`, 'bytes'],
  ];
  for (const [src, want] of table) {
    const p = parse(`x = ${src}\n`);
    t.same(p.diagnostics, [], `${JSON.stringify(src)} has no diagnostics`);
    t.equal(plain(p.entries[0]!.value), want, JSON.stringify(src));
  }
});

t.test("u'' values: read, but xm silently drops them at the top level", async (t) => {
  const p = parse("name = u'web01'\nvif = [ u'bridge=xenbr0' ]\nextra = 'a' + u'b'\n");
  t.same(p.entries.map((e) => plain(e.value)), ['web01', ['bridge=xenbr0'], 'ab']);
  t.same(codes(p), ['xm-dropped@1:8', 'xm-dropped@3:9'], 'inside a list it is fine; concatenation makes unicode');
  t.match(p.diagnostics[0]!.message, /xm silently ignores `name`.*unicode/);
  t.equal(p.diagnostics[0]!.severity, 'warning');
});

t.test('numbers keep their raw text', async (t) => {
  const table: Array<[string, number]> = [
    ['512', 512],
    ['0512', 330],
    ['0x1F', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['-1', -1],
    ['+2', 2],
    ['256 + 256', 512],
    ['1024 - 24', 1000],
  ];
  for (const [src, n] of table) t.same(valueOf(src), { n, raw: src }, src);
  const long = parse('memory = 512L\n');
  t.same(plain(long.entries[0]!.value), { n: 512, raw: '512L' });
  t.same(codes(long), ['xm-dropped@1:10'], 'a long is dropped by xm');
  const bad = parse('memory = 09\nvcpus = 2\n');
  t.same(codes(bad), ['xm-syntax@1:10']);
  t.match(bad.diagnostics[0]!.message, /leading 0 means octal/);
  t.same(bad.entries.map((e) => [e.key, e.value.kind]), [
    ['memory', 'unreadable'],
    ['vcpus', 'number'],
  ]);
});

t.test('lists, tuples, dicts, trailing commas, True/False/None', async (t) => {
  t.same(valueOf(`[ 'a', 'b', ]`), ['a', 'b']);
  t.same(valueOf(`[]`), []);
  t.same(valueOf(`[ [1, 2], ['x'] ]`), [[{ n: 1, raw: '1' }, { n: 2, raw: '2' }], ['x']]);
  t.same(valueOf(`('a', 'b')`), { tuple: ['a', 'b'] });
  t.same(valueOf(`('a',)`), { tuple: ['a'] });
  t.same(valueOf(`()`), { tuple: [] });
  t.same(valueOf(`'a', 'b'`), { tuple: ['a', 'b'] }, 'a bare tuple');
  t.same(valueOf(`('a')`), 'a', 'parentheses alone make no tuple');
  t.same(valueOf(`{ 'type': 'vnc', 'port': 5901, }`), { dict: [['type', 'vnc'], ['port', { n: 5901, raw: '5901' }]] });
  t.same(valueOf(`[ 'a' ] + [ 'b' ]`), ['a', 'b']);
  t.same(valueOf('True'), { n: 1, raw: 'True' });
  t.same(valueOf('False'), { n: 0, raw: 'False' });
  t.same(valueOf('None'), { unreadable: 'None', reason: 'None (xm treats the option as unset)' });
  const p = parse("acpi = True\nvif = ('bridge=xenbr0',)\nopts = {}\nkernel = None\n");
  t.same(codes(p), ['xm-dropped@1:8', 'xm-dropped@2:7', 'xm-dropped@3:8', 'xm-dropped@4:10'], 'xm keeps only str, list, int, float');
  t.same(
    p.diagnostics.filter((d) => d.code === 'not-static'),
    [],
    'None is not reported as unreadable code',
  );
});

t.test('positions of entries and values, across continuations', async (t) => {
  const p = parse("disk = [ 'phy:/dev/vg0/a,xvda1,w',\n         'phy:/dev/vg0/b,xvda2,w' ]\nname = \\\n  'web01'; memory = 512\n");
  t.same(p.diagnostics, []);
  t.same(p.entries.map((e) => [e.key, e.line, e.column, e.value.line, e.value.column]), [
    ['disk', 1, 1, 1, 8],
    ['name', 3, 1, 4, 3],
    ['memory', 4, 12, 4, 21],
  ]);
  const disk = p.entries[0]!.value;
  t.ok(disk.kind === 'list' && disk.items[1]!.line === 2 && disk.items[1]!.column === 10);
});

t.test('augmented and chained assignment', async (t) => {
  const p = parse("disk = [ 'a' ]\ndisk += [ 'b' ]\na = b = 3\nmemory *= 2\n");
  t.same(p.entries.map((e) => [e.key, e.op]), [
    ['disk', '='],
    ['disk', '+='],
    ['a', '='],
    ['b', '='],
  ]);
  t.same(codes(p), ['not-static@4:8']);
});

t.test('what needs evaluation becomes unreadable, with the place that needs it', async (t) => {
  const table: Array<[string, string, string]> = [
    ["'/usr/' + arch_libdir + '/xen/bin/qemu-dm'", 'uses the variable `arch_libdir`', '1:15'],
    ['os.uname()[4]', 'calls `os.uname()`, which needs running Python', '1:5'],
    ["'%s-disk' % name", '`%` string formatting needs evaluation', '1:15'],
    ['os.path.join("/a", "b")', 'calls `os.path.join()`, which needs running Python', '1:5'],
    ['xm_vars.var', 'attribute access `xm_vars.var` needs evaluation', '1:5'],
    ['memory * 2', 'operator `*` needs evaluation', '1:12'],
    ["[ 'x%d' % i for i in range(3) ]", 'a list comprehension needs evaluation', '1:5'],
    ["'a' if big else 'b'", 'a conditional expression (`… if … else …`) needs evaluation', '1:5'],
    ["'a' + 1", '`+` between a str and an int fails in Python (TypeError), so xm cannot load this file', '1:9'],
    ['lambda v: v', 'a `lambda` needs evaluation', '1:5'],
    ['not x', '`not` needs evaluation', '1:5'],
    ['a == b', 'a comparison needs evaluation', '1:5'],
  ];
  for (const [src, reason, at] of table) {
    const p = parse(`x = ${src}\n`);
    t.same(p.entries[0]!.value, { kind: 'unreadable', text: src, reason, line: 1, column: 5 }, src);
    t.same(codes(p), [`not-static@${at}`], `${src} diagnostic position`);
  }
  const item = parse("disk = [ 'file:/img/a,hda,w', 'phy:' + dev + ',hdb,w' ]\n");
  const disk = item.entries[0]!.value;
  t.ok(disk.kind === 'list' && disk.items[0]!.kind === 'string' && disk.items[1]!.kind === 'unreadable', 'only the item that needs evaluation is unreadable');
  t.same(codes(item), ['not-static@1:40']);
});

t.test('statements that are not assignments are reported and skipped', async (t) => {
  const src = [
    'import os, re', // 1
    'from xen.util import auxbin', // 2
    'os.system("echo hi")', // 3
    '"""a docstring is harmless"""', // 4
    'pass', // 5
    'print "building", name', // 6
    'memory = 512', // 7
    '',
  ].join('\n');
  const p = parse(src);
  t.same(codes(p), ['not-static@1:1', 'not-static@2:1', 'not-static@3:1', 'not-static@6:1']);
  t.ok(p.diagnostics.every((d) => d.severity === 'warning'));
  t.same(p.entries.map((e) => e.key), ['memory']);
});

t.test('blocks are skipped whole, with their span, and reading resumes after them', async (t) => {
  const src = [
    "name = 'hvm1'", // 1
    "if os.uname()[4] == 'x86_64':", // 2
    "    arch_libdir = 'lib64'", // 3
    '', // 4
    '    # still in the block', // 5
    'else:', // 6
    "    arch_libdir = 'lib'", // 7
    'def vif_for(n):', // 8
    "    return 'bridge=xenbr%d' % n", // 9
    '@decorator', // 10
    'def other():', // 11
    '    pass', // 12
    'for i in range(2): disk.append(i)', // 13
    'try:', // 14
    '    import extra', // 15
    'except ImportError:', // 16
    '    pass', // 17
    'memory = 512', // 18
    '',
  ].join('\n');
  const p = parse(src);
  t.same(codes(p), ['not-static@2:1', 'not-static@8:1', 'not-static@10:1', 'not-static@13:1', 'not-static@14:1']);
  t.same(p.entries.map((e) => e.key), ['name', 'memory'], 'nothing inside a block is read');
  const ifBlock = p.diagnostics[0]!;
  t.match(ifBlock.message, /`if` block \(lines 2-7\)/);
  t.equal(ifBlock.endLine, 7);
  t.match(p.diagnostics[1]!.message, /`def` definition \(lines 8-9\)/);
  t.match(p.diagnostics[3]!.message, /line 13\)/);
  t.same(p.comments.map((c) => c.line), [5], 'comments inside blocks are still collected');
});

t.test('indentation errors of Python are syntax errors', async (t) => {
  const p = parse('memory = 512\n  vcpus = 2\nif x:\nname = "a"\n');
  t.same(codes(p), ['xm-syntax@2:3', 'not-static@3:1', 'xm-syntax@3:5']);
  t.match(p.diagnostics[0]!.message, /unexpected indent/);
  t.match(p.diagnostics[2]!.message, /expected an indented block/);
  t.same(p.entries.map((e) => e.key), ['memory', 'vcpus', 'name'], 'the lines are read anyway');
});

t.test('syntax errors carry exact positions, and reading resumes', async (t) => {
  const table: Array<[string, string[], string[]]> = [
    ['memory = 512M\nvcpus = 2\n', ['xm-syntax@1:13'], ['memory', 'vcpus']],
    ['memory = $\nvcpus = 2\n', ['xm-syntax@1:10'], ['vcpus']],
    ["extra = 'console=xvc0\nvcpus = 2\n", ['xm-syntax@1:9'], ['extra', 'vcpus']],
    ["disk = [ 'a',\n         'b'\nvif = [ 'bridge=xenbr0' ]\n", ['xm-syntax@3:1'], ['disk', 'vif']],
    ["memory = 1\nvif = [ 'a'\n", ['xm-syntax@2:7'], ['memory', 'vif']],
    ["vif = [ 'a' )\nmemory = 1\n", ['xm-syntax@1:13'], ['vif', 'memory']],
    ['memory = 1)\nvcpus = 2\n', ['xm-syntax@1:11'], ['memory', 'vcpus']],
    ["1 = 2\nvcpus = 2\n", ['xm-syntax@1:1'], ['vcpus']],
    ["x = '''never closed\nvcpus = 2\n", ['xm-syntax@1:5'], ['x']],
    ['memory = 512 \\ 2\nvcpus = 2\n', ['xm-syntax@1:14'], ['memory', 'vcpus']],
    ["name = 'a' 'b' c\nvcpus = 2\n", ['xm-syntax@1:16'], ['name', 'vcpus']],
    ["x = '\\x4'\nvcpus = 2\n", ['xm-syntax@1:6'], ['x', 'vcpus']],
  ];
  for (const [src, want, keys] of table) {
    const p = parse(src);
    t.same(codes(p), want, JSON.stringify(src));
    t.same(p.entries.map((e) => e.key), keys, `${JSON.stringify(src)} keys`);
  }
  const p = parse('memory = 512M\n');
  t.same(p.entries[0]!.value, { kind: 'unreadable', text: '512M', reason: 'syntax error', line: 1, column: 10 });
  t.same(parse("disk = [ 'a',\n         'b'\nvif = [ 'bridge=xenbr0' ]\n").entries[0]!.value.kind, 'unreadable', 'the unclosed list is unreadable');
});

t.test('comments are collected with positions; `#` inside strings is not a comment', async (t) => {
  const p = parse("# head\nname = 'a#b' # trailing\ndisk = [ 'x', # inside\n  'y' ]\n");
  t.same(p.comments, [
    { text: ' head', line: 1, column: 1 },
    { text: ' trailing', line: 2, column: 14 },
    { text: ' inside', line: 3, column: 15 },
  ]);
  t.equal(plain(p.entries[0]!.value), 'a#b');
});

t.test('CRLF files read like LF files', async (t) => {
  const p = parse("name = 'a'\r\ndisk = [ 'x',\r\n  'y' ]\r\n# c\r\n");
  t.same(p.diagnostics, []);
  t.same(p.entries.map((e) => plain(e.value)), ['a', ['x', 'y']]);
  t.same(p.comments, [{ text: ' c', line: 4, column: 1 }]);
});

t.test('the xm samples read statically', async (t) => {
  const hvm = samples.find((s) => s.name === 'xm-hvm-win2003.cfg')!;
  const p = parseXmConfig(hvm.text, hvm.name);
  t.notOk(p.diagnostics.some((d) => d.severity === 'error'), 'no errors');
  const dm = p.entries.find((e) => e.key === 'device_model')!;
  t.equal(dm.value.kind, 'unreadable');
  t.match(dm.value.kind === 'unreadable' ? dm.value.reason : '', /arch_libdir/);
  const disk = p.entries.find((e) => e.key === 'disk')!;
  t.same(plain(disk.value), ['file:/var/lib/xen/images/win2003.img,ioemu:hda,w', ',hdc:cdrom,r']);
  t.same(plain(p.entries.find((e) => e.key === 'builder')!.value), 'hvm');
  t.notOk(p.entries.some((e) => e.key === 'arch_libdir'), 'assignments inside the if block are not read');

  const ovm = samples.find((s) => s.name === 'ovm-vm-oel5.cfg')!;
  const o = parseXmConfig(ovm.text, ovm.name);
  t.same(codes(o), ['xm-dropped@3:25'], 'OVM_high_availability = False is dropped by xm');
  t.same(plain(o.entries.find((e) => e.key === 'OVM_os_type')!.value), 'Oracle Linux 5');
  for (const s of samples) {
    const r = parseXmConfig(s.text, s.name);
    t.notOk(r.diagnostics.some((d) => d.severity === 'error'), `${s.name}: valid Python`);
  }
});

t.test('deep nesting and long chains are reported, not a crash', async (t) => {
  const deep = parse('x = ' + '['.repeat(5000) + ']'.repeat(5000) + '\nvcpus = 2\n');
  t.same(codes(deep), ['xm-syntax@1:105']);
  t.match(deep.diagnostics[0]!.message, /nested too deeply/);
  t.same(deep.entries.map((e) => e.key), ['x', 'vcpus']);
  t.same(codes(parse('x = ' + '-'.repeat(5000) + '1\n')), ['xm-syntax@1:105']);
  t.same(codes(parse('x = ' + 'not '.repeat(5000) + '1\n')), ['xm-syntax@1:405']);
  const long = parse('x = ' + "'ab' + ".repeat(20000) + "'c'\n");
  t.same(long.diagnostics, []);
  t.equal(plain(long.entries[0]!.value), 'ab'.repeat(20000) + 'c');
  t.same(codes(parse('x = ' + 'f('.repeat(3000) + ')'.repeat(3000) + '\n')), ['xm-syntax@1:205']);
});

// ---------------------------------------------------------------------------

const PY_TOKENS = [
  'memory', 'disk', 'OVM_x', ' = ', '=', '==', '+=', "'a'", '"b"', "'''", '"""', "u'x'", "r'\\'", "'\\x4'", '[', ']', '(', ')', '{', '}', ',', ';', ':',
  '.', '%', '+', '-', '*', '**', '\n', '\r\n', '    ', '\t', '\\\n', '\\', '# c\n', '#', '0512', '09', '1L', '1.5e3', '0x', '1j', 'import', 'os', 'def',
  'if', 'else', 'elif', 'for', 'in', 'lambda', 'not', 'True', 'None', '@', '`', '$', 'é',
];

const property = (text: string): boolean => {
  const a = parseXmConfig(text, 'f');
  return positionsInBounds(text, a) === undefined && JSON.stringify(a) === JSON.stringify(parseXmConfig(text, 'f'));
};

t.test('positions past a multi-line token stay on its last line (fast-check finding)', async (t) => {
  for (const text of ['import"""\r\n', 'import """a\nbc"""\n', 'if x: """\n\n"""\n']) {
    t.equal(positionsInBounds(text, parse(text)), undefined, JSON.stringify(text));
  }
  const p = parse('import """a\nbc"""\n');
  t.same([p.diagnostics[0]!.endLine, p.diagnostics[0]!.endColumn], [2, 6]);
});

t.test('property: random text never throws and stays in bounds', async (t) => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), property), { numRuns: 400 });
  t.pass('random text');
});

t.test('property: Python token soups never throw and stay in bounds', async (t) => {
  fc.assert(fc.property(fc.array(fc.constantFrom(...PY_TOKENS), { maxLength: 60 }), (parts) => property(parts.join(''))), { numRuns: 800 });
  t.pass('token soups');
});

t.test('property: mutated samples never throw and stay in bounds', async (t) => {
  fc.assert(
    fc.property(mutatedSample(['"', "'", '[', ')', '\n', '#', ' ', ':', '\\', '%']), property),
    { numRuns: 400 },
  );
  t.pass('mutated samples');
});

// ---------------------------------------------------------------------------
// xmEntriesOnLines: what the xl reader's Python hint reads (config.ts pythonHints).

const onLines = (text: string, lines: number[]): unknown => {
  const set = new Set(lines);
  return parseXmConfig(text, 'f').entries.filter((e) => set.has(e.line));
};

t.test('xmEntriesOnLines reads what parseXmConfig reads on those lines, and nothing else', async (t) => {
  const text = "import os\nmemory = 512\nname = 'a' + \\\n  'b'\nif x:\n    vcpus = 2\ndisk = [ 'phy:/dev/x,xvda,w',\n  'file:/y,xvdb,r' ]; vif = 1\nbad = (\n";
  for (const lines of [[2], [3], [4], [6], [7], [8], [9], [2, 8], [1, 2, 3, 4, 5, 6, 7, 8, 9], []]) {
    t.same(xmEntriesOnLines(text, 'f', new Set(lines)), onLines(text, lines), `lines ${lines.join(',')}`);
  }
  t.same(xmEntriesOnLines(text, 'f', new Set([3])).map((e) => e.key), ['name'], 'a statement continued onto the next line is on its first');
  t.same(xmEntriesOnLines(text, 'f', new Set([4])), [], 'and not on the continuation');
  t.same(xmEntriesOnLines(text, 'f', new Set([8])).map((e) => e.key), ['vif'], 'the entry on the line of a statement spanning it');
});

t.test('xmEntriesOnLines past the statements limit: the whole file is read, as parseXmConfig stops', async (t) => {
  const n = READ_LIMITS.statements;
  const text = 'x = 1\n'.repeat(n) + 'memory = 512\n';
  const last = new Set([n + 1]);
  t.same(onLines(text, [n + 1]), [], 'parseXmConfig stops before the last setting');
  t.same(xmEntriesOnLines(text, 'f', last), [], 'and so does the reading on its line');
  t.same(xmEntriesOnLines('x = 1\n'.repeat(n - 1) + 'memory = 512\n', 'f', new Set([n])).map((e) => e.key), ['memory'], 'one below the limit it is read');
});

t.test('property: xmEntriesOnLines equals parseXmConfig filtered by line', async (t) => {
  const soup = fc.array(fc.constantFrom(...PY_TOKENS), { maxLength: 60 }).map((parts) => parts.join(''));
  const sample = fc.nat({ max: samples.length - 1 }).map((i) => samples[i]!.text);
  fc.assert(
    fc.property(fc.oneof(soup, sample), fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 6 }), (text, lines) =>
      JSON.stringify(xmEntriesOnLines(text, 'f', new Set(lines))) === JSON.stringify(onLines(text, lines)),
    ),
    { numRuns: 1500 },
  );
  t.pass('same entries');
});
