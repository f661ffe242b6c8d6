import t from 'tap';
import fc from 'fast-check';
import { parseXlConfig, strtolBase0, PYTHON_UNDER_XL_MESSAGE } from '../../cli/readers/xl-config.js';
import type { ConfigValue, ParsedConfig } from '../../cli/model/config-model.js';
import { codes, mutatedSample, positionsInBounds, samples } from '../helpers/config-samples.js';

const parse = (text: string): ParsedConfig => parseXlConfig(text, 'guest.cfg');

t.test('reads the value kinds of libxlu with their positions', async (t) => {
  const p = parse(
    [
      "name = 'web01'",
      'kernel = "/boot/vmlinuz-4.19"',
      'memory = 2048',
      "vif = [ 'bridge=xenbr0' ]",
      'disk = [ "phy:/dev/vg/a,xvda,w",',
      '         "phy:/dev/vg/b,xvdb,w", ]',
      'cpus = [ [ "0-1" ], [ "2" ] ]',
      'pci = []',
      'vif.default.bridge = "xenbr1"',
      '',
    ].join('\n'),
  );
  t.same(p.diagnostics, []);
  t.equal(p.dialect, 'xl');
  t.same(
    p.entries.map((e) => [e.key, e.op, e.line, e.column]),
    [
      ['name', '=', 1, 1],
      ['kernel', '=', 2, 1],
      ['memory', '=', 3, 1],
      ['vif', '=', 4, 1],
      ['disk', '=', 5, 1],
      ['cpus', '=', 7, 1],
      ['pci', '=', 8, 1],
      ['vif.default.bridge', '=', 9, 1],
    ],
  );
  t.same(p.entries[0]!.value, { kind: 'string', value: 'web01', line: 1, column: 8 });
  t.same(p.entries[2]!.value, { kind: 'number', value: 2048, raw: '2048', line: 3, column: 10 });
  const disk = p.entries[4]!.value;
  t.equal(disk.kind, 'list');
  if (disk.kind === 'list') {
    t.same({ line: disk.line, column: disk.column }, { line: 5, column: 8 });
    t.same(
      disk.items.map((i) => (i.kind === 'string' ? [i.value, i.line, i.column] : null)),
      [
        ['phy:/dev/vg/a,xvda,w', 5, 10],
        ['phy:/dev/vg/b,xvdb,w', 6, 10],
      ],
    );
  }
  const cpus = p.entries[5]!.value;
  t.ok(cpus.kind === 'list' && cpus.items.every((i) => i.kind === 'list'), 'nested lists');
  t.same(p.entries[6]!.value, { kind: 'list', items: [], line: 8, column: 7 });
});

t.test('numbers follow strtol base 0 and keep their raw text', async (t) => {
  const table: Array<[string, number | undefined]> = [
    ['512', 512],
    ['0512', 330],
    ['0x200', 512],
    ['0', 0],
    ['00', 0],
    ['09', undefined],
    ['0x', undefined],
    ['12ab', undefined],
    ['1x', undefined],
    ['9223372036854775807', 9223372036854775807],
    ['9223372036854775808', undefined],
  ];
  for (const [raw, value] of table) {
    t.equal(strtolBase0(raw), value, raw);
    const p = parse(`memory = ${raw}\n`);
    const v = p.entries[0]!.value;
    if (value === undefined) {
      t.same(v, { kind: 'string', value: raw, line: 1, column: 10 }, `${raw} stays a string`);
      t.same(codes(p), ['xl-number@1:10'], `${raw} is reported`);
      t.equal(p.diagnostics[0]!.severity, 'warning');
    } else {
      t.same(v, { kind: 'number', value, raw, line: 1, column: 10 }, raw);
      if (raw === '0512') t.same(codes(p), ['xl-octal@1:10'], 'a leading zero that changes the value is reported');
      else t.same(p.diagnostics, [], `${raw} is clean`);
    }
  }
  t.same(parse("memory = '4096'\n").entries[0]!.value, { kind: 'string', value: '4096', line: 1, column: 10 }, 'a quoted number is a string');
});

t.test('identifiers are lowercase only: uppercase is a lexical error at its position', async (t) => {
  const p = parse("OVM_os_type = 'Oracle Linux 5'\nmemory = 1024\n");
  t.same(codes(p), ['xl-lexical@1:1'], 'xl keeps quiet about the syntax error on the same line');
  t.match(p.diagnostics[0]!.message, /^config parsing error near `OVM_os_type': lexical error .*lowercase/);
  t.same(p.entries.map((e) => e.key), ['memory'], 'the next line is still read');

  const q = parse('vncDisplay = 1\nvcpus = 2\n');
  t.same(codes(q), ['xl-lexical@1:4'], 'the run starts at the uppercase letter');
  t.match(q.diagnostics[0]!.message, /^config parsing error near `Display': lexical error/);
  t.same(q.entries.map((e) => e.key), ['vnc', 'vcpus'], 'the lexer drops the run and the parser reads what is left: `vnc = 1`');
});

t.test('a unit suffix on a number is a lexical error', async (t) => {
  const p = parse('memory = 512M\nvcpus = 2\n');
  t.same(codes(p), ['xl-lexical@1:13']);
  t.match(p.diagnostics[0]!.message, /^config parsing error near `M': lexical error .*unit suffix/);
  t.same(p.entries.map((e) => e.key), ['memory', 'vcpus'], 'the setting itself is read; the file is refused anyway');
});

t.test('strings: both quotes, backslash escapes, libxlu quirks', async (t) => {
  const value = (src: string): ConfigValue => parse(`x = ${src}\n`).entries[0]!.value;
  const table: Array<[string, string]> = [
    [`'single'`, 'single'],
    [`"double"`, 'double'],
    [`"it's"`, "it's"],
    [`'say \\"hi\\"'`, 'say "hi"'],
    [`"a\\\\b"`, 'a\\b'],
    [`"tab\\there"`, 'tab\there'],
    [`"nl\\n"`, 'nl\n'],
    [`"# not a comment"`, '# not a comment'],
    [`"console=hvc0 (x) os.uname()"`, 'console=hvc0 (x) os.uname()'],
  ];
  for (const [src, want] of table) {
    const v = value(src);
    t.equal(v.kind === 'string' ? v.value : undefined, want, src);
  }
  const hex = parse('x = "\\x41"\n');
  t.same(codes(hex), ['xl-lexical@1:6'], '\\x is always rejected by libxlu (it wants more digits than it reads)');
  t.match(hex.diagnostics[0]!.message, /^config parsing error near `"\\x41"': invalid digit after backslash hexnumerical character escape in quoted string/);
  const oct = parse('x = "a\\101b"\n');
  t.same(codes(oct), ['xl-lexical@1:7']);
  t.equal(oct.diagnostics[0]!.severity, 'warning');
  t.same(oct.entries[0]!.value, { kind: 'string', value: 'ab', line: 1, column: 5 }, 'the escaped character is dropped');
  t.same(codes(parse('x = "\\1"\n')), ['xl-lexical@1:6'], 'a short octal escape is an error');
  t.same(codes(parse('x = "\\q"\n')), ['xl-lexical@1:6'], 'unknown escape');
  t.match(parse('x = "\\q"\n').diagnostics[0]!.message, /invalid character after backlash in quoted string/, "xl's own spelling");
});

t.test('a string cannot span lines', async (t) => {
  const p = parse('extra = "console=hvc0\nroot=/dev/xvda1"\nmemory = 1\n');
  t.same(codes(p), ['xl-lexical@1:9', 'xl-lexical@2:6'], 'the second line is lexed on its own: `root = /dev…`');
  t.match(p.diagnostics[0]!.message, /not closed on this line/);
  t.same(p.entries.map((e) => e.key), ['memory']);
});

t.test('`;` and newline end statements; the last one may lack a newline', async (t) => {
  const p = parse('vcpus = 2; memory = 512 ;maxmem=1024');
  t.same(p.diagnostics, []);
  t.same(
    p.entries.map((e) => [e.key, e.column]),
    [
      ['vcpus', 1],
      ['memory', 12],
      ['maxmem', 26],
    ],
  );
});

t.test('+= is its own operator', async (t) => {
  const p = parse('disk = [ "a" ]\ndisk += [ "b" ]\nextra+="x"\n');
  t.same(p.diagnostics, []);
  t.same(
    p.entries.map((e) => [e.key, e.op]),
    [
      ['disk', '='],
      ['disk', '+='],
      ['extra', '+='],
    ],
  );
});

t.test('comments are collected with positions and untrimmed text', async (t) => {
  const p = parse('# head\nmemory = 512 # trailing  \ndisk = [ "a", # inside a list\n  "b" ]\n#\n');
  t.same(p.diagnostics, []);
  t.same(p.comments, [
    { text: ' head', line: 1, column: 1 },
    { text: ' trailing  ', line: 2, column: 14 },
    { text: ' inside a list', line: 3, column: 15 },
    { text: '', line: 5, column: 1 },
  ]);
  const disk = p.entries[1]!.value;
  t.ok(disk.kind === 'list' && disk.items.length === 2, 'a comment inside a list is a newline');
});

t.test('a comment on the last line needs a newline (the lexer rule is `#.*\\n`)', async (t) => {
  const p = parse('memory = 512\n# end');
  t.same(codes(p), ['xl-lexical@2:1'], '`#` starts a rejected run (`end` after it is a setting without `=`, on the same line)');
  t.same(p.comments, [], 'not a comment to libxlu');
  t.same(parse('memory = 512\n# end\n').diagnostics, []);
  t.same(parse('memory = 512\n#').diagnostics, [], 'one rejected character at the very end is dropped');
});

t.test('CRLF line endings: every CR is a lexical error', async (t) => {
  const p = parse('name = "a"\r\nmemory = 512\r\n# c\r\n');
  t.same(codes(p), ['xl-lexical@1:11', 'xl-lexical@2:13']);
  t.match(p.diagnostics[0]!.message, /^config parsing error near `\r': lexical error .*CRLF/);
  t.same(p.entries.map((e) => e.key), ['name', 'memory']);
  t.same(p.comments, [{ text: ' c\r', line: 3, column: 1 }], 'a comment runs to the newline, CR included');
});

// bison resumes at the next line (`error NEWLINE`), except after a whole setting: there it
// has already reduced to `file: stmts assignment`, where no error rule applies, and gives
// up on the file (xl 4.17 prints nothing for `vcpus = 2 3` or `@` on the next line).
t.test("syntax errors carry the exact position and bison's message; reading resumes at the next line, or stops after a whole setting", async (t) => {
  const table: Array<[string, string[], string[], string]> = [
    ['memory = \nvcpus = 2\n', ['xl-syntax@1:10'], ['vcpus'], "near <newline>: syntax error, unexpected NEWLINE, expecting STRING or NUMBER or '['"],
    ['on_crash = destroy\nvcpus = 2\n', ['xl-syntax@1:12'], ['vcpus'], "near `destroy': syntax error, unexpected IDENT, expecting STRING or NUMBER or '['"],
    ['memory = 512 1024\nvcpus = 2\n', ['xl-syntax@1:14'], ['memory'], "near `1024': syntax error, unexpected NUMBER, expecting $end"],
    ['memory = 512 1024\nvcpus = @\n', ['xl-syntax@1:14'], ['memory'], "near `1024': syntax error, unexpected NUMBER, expecting $end"],
    ['= 5\nvcpus = 2\n', ['xl-syntax@1:1'], ['vcpus'], "near `=': syntax error, unexpected '=', expecting $end or IDENT or NEWLINE or ';'"],
    ['"memory" = 5\nvcpus = 2\n', ['xl-syntax@1:1'], ['vcpus'], "unexpected STRING, expecting $end or IDENT or NEWLINE or ';'"],
    ['memory\nvcpus = 2\n', ['xl-syntax@1:7'], ['vcpus'], "near <newline>: syntax error, unexpected NEWLINE, expecting += or '='"],
    ['disk = [ "a" "b" ]\nvcpus = 2\n', ['xl-syntax@1:14'], ['vcpus'], "unexpected STRING, expecting ']'"],
    ['disk = [ , "a" ]\nvcpus = 2\n', ['xl-syntax@1:10'], ['vcpus'], "unexpected ',', expecting ']'"],
    ['vif = [ "a" ]]\nvcpus = 2 3\n', ['xl-syntax@1:14'], ['vif'], "unexpected ']', expecting $end"],
    ['memory 512\nvcpus = 2 3\n', ['xl-syntax@1:8', 'xl-syntax@2:11'], ['vcpus'], "near `512': syntax error, unexpected NUMBER, expecting += or '='"],
    ['a = 1; = 2; b = 3\n', ['xl-syntax@1:8'], ['a'], "unexpected '=', expecting $end or IDENT or NEWLINE or ';'"],
  ];
  for (const [src, want, keys, message] of table) {
    const p = parse(src);
    t.same(codes(p), want, JSON.stringify(src));
    t.same(p.entries.map((e) => e.key), keys, `${JSON.stringify(src)} keys`);
    t.ok(p.diagnostics[0]!.message.includes(message), `${JSON.stringify(src)}: ${p.diagnostics[0]!.message}`);
    t.ok(p.diagnostics.every((d) => d.severity === 'error' && d.file === 'guest.cfg'));
  }
  t.equal(parse('memory\nvcpus = 2\n').diagnostics[0]!.xlLine, 0, 'xl prints the line before a newline it stumbles on');
});

t.test('after a syntax error bison reports another only once three tokens are shifted; libxlu reads no escape after an error', async (t) => {
  // Each row as the real xl 4.17 prints it.
  t.same(codes(parse('import os\nif re.search\nx = 1\n')), ['xl-syntax@1:8'], '`if` is one token on: xl says nothing about `re.search`');
  t.same(codes(parse('import os\nx = 1\nif re.search\n')), ['xl-syntax@1:8', 'xl-syntax@3:4'], 'a whole setting in between: it does');
  t.same(codes(parse('name = "\\q"\n')), ['xl-lexical@1:9'], 'a bad escape alone is an error');
  t.same(codes(parse('x y\nname = "\\q"\n')), ['xl-syntax@1:3'], 'after an error xlu__cfgl_dequote returns at once: no escape error');
  t.same(codes(parse('x y\nextra = "a\0b"\n')), ['xl-syntax@1:3'], 'nor the assertion a NUL trips');
  t.same(codes(parse('extra = "a\0b"\nz = @\n')), ['xl-lexical@1:11'], 'the assertion ends xl: nothing after it (the `@`) is said');
});

t.test('an unclosed list: the error is at the first token that cannot continue it', async (t) => {
  const p = parse('disk = [ "phy:/dev/vg/a,xvda,w",\n         "phy:/dev/vg/b,xvdb,w"\nvif = [ "bridge=xenbr0" ]\nmemory = 512\n');
  t.same(codes(p), ['xl-syntax@3:1']);
  t.match(p.diagnostics[0]!.message, /^config parsing error near `vif': syntax error, unexpected IDENT, expecting '\]'/);
  t.same(p.entries.map((e) => e.key), ['memory'], 'bison skips to the end of the line of the error');
  const eof = parse('memory = 512\ndisk = [ "a",\n  "b"\n');
  t.same(codes(eof), ['xl-syntax@4:1'], 'at the end of the file');
  t.match(eof.diagnostics[0]!.message, /unexpected \$end, expecting '\]'/);
  t.equal(eof.diagnostics[0]!.xlLine, 3);
});

t.test('Python under xl: errors plus one python-under-xl warning', async (t) => {
  const src = [
    'import os, re',
    "arch = os.uname()[4]",
    "if re.search('64', arch):",
    "    arch_libdir = 'lib64'",
    'else:',
    "    arch_libdir = 'lib'",
    "device_model = '/usr/' + arch_libdir + '/xen/bin/qemu-dm'",
    "builder = 'hvm'",
    'memory = 512',
    '',
  ].join('\n');
  const p = parse(src);
  const py = p.diagnostics.filter((d) => d.code === 'python-under-xl');
  t.equal(py.length, 1, 'exactly one warning');
  t.equal(py[0]!.severity, 'warning');
  t.equal(py[0]!.message, PYTHON_UNDER_XL_MESSAGE);
  t.match(py[0]!.message, /Config file looks like it contains Python code/);
  t.match(py[0]!.message, /Arbitrary Python is no longer supported/);
  t.same({ line: py[0]!.line, column: py[0]!.column }, { line: 2, column: 16 }, 'at the first Python-looking character (`os.uname` is one name to libxlu)');
  t.ok(p.diagnostics.some((d) => d.severity === 'error' && d.code === 'xl-syntax'));
  t.ok(p.diagnostics.some((d) => d.severity === 'error' && d.code === 'xl-lexical'));
  t.same(p.entries.map((e) => e.key), ['arch_libdir', 'arch_libdir', 'device_model'], 'plain settings between the Python are read (indentation means nothing to xl), up to `+ arch_libdir`, where bison gives up');
  t.notOk(p.diagnostics.some((d) => d.line > 7), 'nothing is said after the line where xl stops reading');

  const ops = parse('memory = 256 + 256\n');
  t.same(codes(ops), ['xl-lexical@1:14', 'python-under-xl@1:14'], 'libxlu flags `+ - . ( ) :` outside strings');

  t.same(parse('extra = "a + b (c): d.e"\n').diagnostics, [], 'the same characters inside a string are fine');
  t.same(parse('vif.default.bridge = "br0"\n').diagnostics, [], 'dots inside names are fine');
  t.same(codes(parse("OVM_x = 'y'\n")), ['xl-lexical@1:1'], 'an uppercase error alone does not claim Python');
});

t.test("lists nested beyond bison's stack: xl's \"memory exhausted\", not a crash", async (t) => {
  const p = parse('x = ' + '['.repeat(30000) + ']'.repeat(30000) + '\nvcpus = 2\n');
  t.same(codes(p), ['xl-syntax@1:4501'.replace('4501', String(4 + 4997))]);
  t.match(p.diagnostics[0]!.message, /^config parsing error near `\[': memory exhausted/);
  t.same(p.entries, [], 'bison stops reading');
  t.same(parse('x = ' + '['.repeat(4996) + ']'.repeat(4996) + '\n').diagnostics, [], '4996 levels are still read, as by xl 4.17');
});

t.test('empty and comment-only files', async (t) => {
  for (const src of ['', '\n', '# only a comment\n', '\n\n;\n']) {
    const p = parse(src);
    t.same(p.entries, [], JSON.stringify(src));
    t.same(p.diagnostics, [], JSON.stringify(src));
  }
});

t.test('samples written for xl parse cleanly', async (t) => {
  for (const s of samples.filter((x) => x.name.startsWith('xl-'))) {
    const p = parseXlConfig(s.text, s.name);
    t.same(p.diagnostics, [], s.name);
    t.ok(p.entries.length > 5, `${s.name} has settings`);
  }
  const plus = parseXlConfig(samples.find((s) => s.name === 'xl-pv-plusequals-app.cfg')!.text, 'x');
  t.same(plus.entries.filter((e) => e.op === '+=').map((e) => e.key), ['vif', 'disk']);
});

// ---------------------------------------------------------------------------
// Properties: the reader never throws, stays in bounds and is deterministic.

const XL_TOKENS = [
  'memory', 'disk', 'vif.default.bridge', 'OVM_os_type', 'Name', '=', '+=', ' = ', "'phy:/dev/a,xvda,w'", '"x\\"y"', "'unterminated",
  '"\\x41"', '"\\101"', '[', ']', ',', ';', '\n', '\r\n', '# comment\n', '#', '0x1f', '0512', '09', '512M', ' ', '\t', '(', ')', '.',
  ':', '+', '-', 'import', 'os', 'def', '\\', 'é', '\u0000',
];

t.test('property: random text never throws and stays in bounds', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      const a = parseXlConfig(text, 'f');
      return positionsInBounds(text, a) === undefined && JSON.stringify(a) === JSON.stringify(parseXlConfig(text, 'f'));
    }),
    { numRuns: 400 },
  );
  t.pass('random text');
});

t.test('property: token soups never throw and stay in bounds', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...XL_TOKENS), { maxLength: 60 }), (parts) => {
      const text = parts.join('');
      const a = parseXlConfig(text, 'f');
      return positionsInBounds(text, a) === undefined && JSON.stringify(a) === JSON.stringify(parseXlConfig(text, 'f'));
    }),
    { numRuns: 600 },
  );
  t.pass('token soups');
});

t.test('property: mutated samples never throw and stay in bounds', async (t) => {
  fc.assert(
    fc.property(mutatedSample(['"', "'", '[', ']', '\n', '#', 'A', '+', '\\']), (text) => {
      const a = parseXlConfig(text, 'f');
      return positionsInBounds(text, a) === undefined && JSON.stringify(a) === JSON.stringify(parseXlConfig(text, 'f'));
    }),
    { numRuns: 400 },
  );
  t.pass('mutated samples');
});

t.test('the bounds helper itself catches a bad position', async (t) => {
  const p = parse('memory = 1\n');
  t.equal(positionsInBounds('memory = 1\n', p), undefined);
  t.match(positionsInBounds('m', p) ?? '', /^value/);
  t.match(positionsInBounds('memory = 1\n', { ...p, entries: [{ ...p.entries[0]!, line: 3 }] }) ?? '', /^entry/);
  t.match(positionsInBounds('memory = 1\n', { ...p, diagnostics: [{ severity: 'error', message: 'x', line: 1, column: 0 }] }) ?? '', /^diagnostic/);
});
