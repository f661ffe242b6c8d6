import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import {
  parseSxp,
  readXendConfig,
  renderSxp,
  networkScriptOf,
  XEND_DEFAULTS,
  XEND_DEFAULTS_SOURCE,
  type SxpNode,
} from '../../cli/readers/sxp.js';
import type { Diagnostic } from '../../cli/model/diagnostic.js';
import { fromRoot } from '../helpers/paths.js';

const sample = (name: string): string =>
  readFileSync(fromRoot('samples/xend-config', name), 'utf8');

/** Atoms as plain strings and lists as arrays, to compare trees without positions. */
function plain(n: SxpNode): unknown {
  return n.kind === 'atom' ? n.value : n.items.map(plain);
}

const brief = (ds: Diagnostic[]) => ds.map((d) => ({ code: d.code, severity: d.severity, line: d.line, column: d.column }));

t.test('samples read as xend reads them', async (t) => {
  t.test('Debian Etch 3.0.3', async (t) => {
    const r = readXendConfig(sample('debian-etch-3.0.3.sxp'), '/etc/xen/xend-config.sxp');
    t.same(r.diagnostics, []);
    t.same(r.values, {
      'xend-unix-server': 'yes',
      'network-script': 'network-dummy',
      'vif-script': 'vif-bridge',
      'dom0-min-mem': '196',
      'dom0-cpus': '0',
    });
    t.equal(r.lines['network-script'], 34);
    t.equal(r.lines['dom0-min-mem'], 46);
    t.same(networkScriptOf(r.values), { script: 'network-dummy', args: {} });
  });

  t.test('Xen 3.1 with network-bridge on eth1', async (t) => {
    const r = readXendConfig(sample('xen-3.1-network-bridge.sxp'), 'x.sxp');
    t.same(r.diagnostics, []);
    t.equal(r.values['xen-api-server'], '((unix))');
    t.equal(r.values['xend-relocation-address'], '');
    t.equal(
      r.values['xend-relocation-hosts-allow'],
      '^localhost$ ^localhost\\.localdomain$ ^node2\\.example\\.com$',
      'the doubled backslash reads as one',
    );
    t.equal(r.values['network-script'], 'network-bridge netdev=eth1 bridge=xenbr1 vifnum=1');
    t.same(networkScriptOf(r.values), {
      script: 'network-bridge',
      args: { netdev: 'eth1', bridge: 'xenbr1', vifnum: '1' },
    });
    t.equal(r.values['vnc-listen'], '0.0.0.0');
    t.equal(r.lines['network-script'], 27);
  });

  t.test('Xen 4.1 with nested xen-api-server lists', async (t) => {
    const r = readXendConfig(sample('xen-4.1-xen-api.sxp'), 'x.sxp');
    t.same(r.diagnostics, []);
    t.equal(
      r.values['xen-api-server'],
      "((9363 pam '^localhost$ ^mgmt[0-9]+\\\\.example\\\\.com$') (unix none))",
      'rendered back as s-expression text with escapes',
    );
    t.equal(r.lines['xen-api-server'], 11, 'line of the entry, not of its continuation');
    t.equal(r.values['enable-dom0-ballooning'], 'yes');
    t.equal(r.values['total_available_memory'], '0');
    t.same(networkScriptOf(r.values), { script: 'network-bridge', args: { antispoof: 'no' } });
    // The rendered text reads back to the same tree.
    const again = parseSxp(r.values['xen-api-server'] ?? '');
    t.same(again.diagnostics, []);
    t.same(again.nodes.map(plain), [[['9363', 'pam', '^localhost$ ^mgmt[0-9]+\\.example\\.com$'], ['unix', 'none']]]);
  });

  t.test('routed networking', async (t) => {
    const r = readXendConfig(sample('network-route.sxp'), 'x.sxp');
    t.same(r.diagnostics, []);
    t.same(networkScriptOf(r.values), { script: 'network-route', args: { netdev: 'eth0' } });
    t.equal(r.values['vif-script'], 'vif-route');
    t.equal(r.values['enable-dom0-ballooning'], 'no');
  });
});

t.test('lexical quirks of xend sxp.py', async (t) => {
  const cases: Array<{ name: string; text: string; tree: unknown[]; diags?: Array<Partial<Diagnostic>> }> = [
    { name: 'plain atoms and lists', text: '(a b)(c (d e))', tree: [['a', 'b'], ['c', ['d', 'e']]] },
    { name: 'comment to end of line', text: '(a b) # (c d)\n(e f)', tree: [['a', 'b'], ['e', 'f']] },
    {
      name: "'#' ends a word",
      text: '(vncpasswd abc#123\n)',
      tree: [['vncpasswd', 'abc']],
      diags: [{ code: 'sxp-comment-in-word', severity: 'warning', line: 1, column: 15 }],
    },
    { name: "'#' inside a string is text", text: "(vncpasswd 'abc#123')", tree: [['vncpasswd', 'abc#123']] },
    { name: 'separators end a word', text: '(a b;c)', tree: [['a', 'b', ';c']] },
    { name: 'a word may start with a separator', text: '([x] !y)', tree: [['[x', ']', '!y']] },
    { name: 'quotes inside a word are ordinary', text: "(a it's)", tree: [['a', "it's"]] },
    { name: 'double-quoted string', text: '(a "b c")', tree: [['a', 'b c']] },
    { name: 'other quote inside a string', text: `(a "it's" 'say "hi"')`, tree: [['a', "it's", 'say "hi"']] },
    { name: 'escaped quote', text: "(a 'it\\'s')", tree: [['a', "it's"]] },
    { name: 'doubled backslash', text: "(a '^x\\\\.y$')", tree: [['a', '^x\\.y$']] },
    { name: 'simple escapes', text: "(a '\\t\\n\\\"')", tree: [['a', '\t\n"']] },
    { name: 'hex escape', text: "(a '\\x41\\x4g')", tree: [['a', 'A\x04g']] },
    { name: 'octal escape', text: "(a '\\101\\0x')", tree: [['a', 'A\x00x']] },
    {
      name: 'unknown escape drops the next character',
      text: "(a '^x\\.y$')",
      tree: [['a', '^x\\y$']],
      diags: [{ code: 'sxp-escape', severity: 'warning', line: 1, column: 7 }],
    },
    {
      name: 'octal out of range',
      text: "(a '\\777')",
      tree: [['a', '\xff']],
      diags: [{ code: 'sxp-escape', severity: 'error', line: 1, column: 5 }],
    },
    {
      name: '\\x without digits',
      text: "(a '\\xg')",
      tree: [['a', '\\xg']],
      diags: [{ code: 'sxp-escape', severity: 'error', line: 1, column: 5 }],
    },
    { name: 'empty string', text: "(a '')", tree: [['a', '']] },
    { name: 'empty list', text: '()', tree: [[]] },
    { name: 'CRLF line ends', text: '(a b)\r\n(c d)\r\n', tree: [['a', 'b'], ['c', 'd']] },
    {
      name: 'string across lines',
      text: "(a 'b\nc')",
      tree: [['a', 'b\nc']],
      diags: [{ code: 'sxp-multiline-string', severity: 'warning', line: 1, column: 4 }],
    },
    {
      name: 'Ctrl-D ends the input',
      text: '(a b)\x04(c d)',
      tree: [['a', 'b']],
      diags: [{ code: 'sxp-eot', severity: 'warning', line: 1, column: 6 }],
    },
    {
      name: 'non-ASCII first character of a word',
      text: '(a éb)',
      tree: [['a', 'éb']],
      diags: [{ code: 'sxp-syntax', severity: 'error', line: 1, column: 4 }],
    },
    { name: 'non-ASCII later in a word is accepted', text: '(a bé)', tree: [['a', 'bé']] },
  ];
  for (const c of cases) {
    const r = parseSxp(c.text);
    t.same(r.nodes.map(plain), c.tree, `${c.name}: tree`);
    t.same(brief(r.diagnostics), c.diags ?? [], `${c.name}: diagnostics`);
  }
});

t.test('node positions are 1-based line and column', async (t) => {
  const r = parseSxp("# head\n(key\n   'v w'  (x))");
  const list = r.nodes[0];
  t.match(list, { kind: 'list', line: 2, column: 1 });
  if (list?.kind !== 'list') throw new Error('expected a list');
  t.match(list.items[0], { kind: 'atom', value: 'key', quoted: false, line: 2, column: 2 });
  t.match(list.items[1], { kind: 'atom', value: 'v w', quoted: true, line: 3, column: 4 });
  t.match(list.items[2], { kind: 'list', line: 3, column: 11 });
});

t.test('syntax errors: exact positions and recovery', async (t) => {
  t.test("stray ')'", async (t) => {
    const r = parseSxp('(a b))\n(c d)');
    t.same(brief(r.diagnostics), [{ code: 'sxp-syntax', severity: 'error', line: 1, column: 6 }]);
    t.same(r.nodes.map(plain), [['a', 'b'], ['c', 'd']]);
  });

  t.test('list never closed at the end of the file', async (t) => {
    const r = parseSxp('(a b)\n(c (d e)\n  f');
    t.same(brief(r.diagnostics), [{ code: 'sxp-syntax', severity: 'error', line: 2, column: 1 }]);
    t.same(r.nodes.map(plain), [['a', 'b'], ['c', ['d', 'e'], 'f']]);
  });

  t.test('two unclosed lists at the end are both reported, innermost first', async (t) => {
    const r = parseSxp('(a\n  (b c');
    t.same(brief(r.diagnostics), [
      { code: 'sxp-syntax', severity: 'error', line: 2, column: 3 },
      { code: 'sxp-syntax', severity: 'error', line: 1, column: 1 },
    ]);
  });

  t.test("missing ')' is recovered at the next top-level entry", async (t) => {
    const r = readXendConfig('(logfile /var/log/xen/xend.log\n(dom0-min-mem 196)\n(dom0-cpus 0)\n', 'f');
    t.same(brief(r.diagnostics), [{ code: 'sxp-syntax', severity: 'error', line: 1, column: 1 }]);
    t.match(r.diagnostics[0]?.message, /not closed before the next top-level entry at 2:1/);
    t.same(r.values, { logfile: '/var/log/xen/xend.log', 'dom0-min-mem': '196', 'dom0-cpus': '0' });
  });

  t.test('a balanced file with a continuation line at column 1 is read as xend reads it', async (t) => {
    const r = parseSxp('(xen-api-server ((9363 pam)\n(unix none)))\n(a b)');
    t.same(r.diagnostics, []);
    t.same(r.nodes.map(plain), [['xen-api-server', [['9363', 'pam'], ['unix', 'none']]], ['a', 'b']]);
  });

  t.test('an indented continuation line is not taken as a new entry', async (t) => {
    const r = parseSxp('(xen-api-server ((9363 pam)\n (unix none)))');
    t.same(r.diagnostics, []);
    t.same(r.nodes.map(plain), [['xen-api-server', [['9363', 'pam'], ['unix', 'none']]]]);
  });

  t.test('unterminated string: reported at its quote, rest of the file still read', async (t) => {
    const text = "(a b)\n(vncpasswd 'secret)\n(dom0-min-mem 196)\n(dom0-cpus 2)\n";
    const r = readXendConfig(text, 'xend-config.sxp');
    const syntax = r.diagnostics.filter((d) => d.code === 'sxp-syntax');
    t.same(brief(syntax), [
      { code: 'sxp-syntax', severity: 'error', line: 2, column: 12 },
      { code: 'sxp-syntax', severity: 'error', line: 2, column: 1 },
    ]);
    t.match(syntax[0]?.message, /unterminated string/);
    t.equal(r.values['vncpasswd'], 'secret)', 'the string ends at its line');
    t.equal(r.values['dom0-min-mem'], '196');
    t.equal(r.values['dom0-cpus'], '2');
    t.ok(r.diagnostics.every((d) => d.file === 'xend-config.sxp'));
  });

  t.test('unterminated string on the last line', async (t) => {
    const r = parseSxp('(a "b');
    t.same(brief(r.diagnostics), [
      { code: 'sxp-syntax', severity: 'error', line: 1, column: 4 },
      { code: 'sxp-syntax', severity: 'error', line: 1, column: 1 },
    ]);
    t.same(r.nodes.map(plain), [['a', 'b']]);
  });

  t.test('backslash at the very end', async (t) => {
    const r = parseSxp("(a 'b\\");
    t.equal(r.diagnostics[0]?.line, 1);
    t.equal(r.diagnostics[0]?.column, 4);
    t.match(r.diagnostics[0]?.message, /unterminated/);
  });

  t.test('column after a tab counts one character', async (t) => {
    const r = parseSxp('\t)');
    t.same(brief(r.diagnostics), [{ code: 'sxp-syntax', severity: 'error', line: 1, column: 2 }]);
  });
});

t.test('readXendConfig: how xend picks values', async (t) => {
  t.test('duplicate key: the first wins, the later one is reported', async (t) => {
    const r = readXendConfig('(dom0-min-mem 196)\n(dom0-min-mem 512)\n', 'f');
    t.equal(r.values['dom0-min-mem'], '196');
    t.equal(r.lines['dom0-min-mem'], 1);
    t.same(brief(r.diagnostics), [{ code: 'xend-duplicate-key', severity: 'warning', line: 2, column: 1 }]);
    t.match(r.diagnostics[0]?.message, /first entry \(line 1\)/);
  });

  t.test('several unquoted values: xend uses the first', async (t) => {
    const r = readXendConfig('(network-script network-bridge netdev=eth1)', 'f');
    t.equal(r.values['network-script'], 'network-bridge');
    t.same(brief(r.diagnostics), [{ code: 'xend-extra-values', severity: 'warning', line: 1, column: 32 }]);
    t.match(r.diagnostics[0]?.message, /\(network-script 'network-bridge netdev=eth1'\)/);
    t.same(networkScriptOf(r.values), { script: 'network-bridge', args: {} });
  });

  t.test('key without value', async (t) => {
    const r = readXendConfig('(xend-relocation-server)', 'f');
    t.same(r.values, {});
    t.same(brief(r.diagnostics), [{ code: 'xend-no-value', severity: 'warning', line: 1, column: 1 }]);
  });

  t.test('things that are not (key value) entries', async (t) => {
    const r = readXendConfig('stray\n()\n((a b) c)\n(ok yes)', 'f');
    t.same(r.values, { ok: 'yes' });
    t.same(brief(r.diagnostics), [
      { code: 'xend-not-entry', severity: 'warning', line: 1, column: 1 },
      { code: 'xend-not-entry', severity: 'warning', line: 2, column: 1 },
      { code: 'xend-not-entry', severity: 'warning', line: 3, column: 1 },
    ]);
  });

  t.test('a quoted key is still a key', async (t) => {
    const r = readXendConfig("('dom0-cpus' 2)", 'f');
    t.same(r.values, { 'dom0-cpus': '2' });
  });

  t.test('a list value is rendered as text', async (t) => {
    const r = readXendConfig("(xen-api-server ((9363 pam '^a\\\\.b$') (unix none)))", 'f');
    t.equal(r.values['xen-api-server'], "((9363 pam '^a\\\\.b$') (unix none))");
  });

  t.test('odd key names do not touch the prototype', async (t) => {
    const r = readXendConfig('(__proto__ x)\n(constructor y)', 'f');
    t.equal(Object.getPrototypeOf(r.values), Object.prototype);
    t.equal(Object.getOwnPropertyDescriptor(r.values, '__proto__')?.value, 'x');
    t.equal(r.values['constructor'], 'y');
  });

  t.test('an empty file has no values and no diagnostics', async (t) => {
    t.same(readXendConfig('', 'f'), { values: {}, lines: {}, diagnostics: [] });
    t.same(readXendConfig('# only comments\n\n', 'f'), { values: {}, lines: {}, diagnostics: [] });
  });
});

t.test('renderSxp quotes what needs quoting', async (t) => {
  const r = parseSxp(`(a 'b c' "" 'plain' x\\y 'it\\'s' (d))`);
  const n = r.nodes[0];
  if (!n) throw new Error('no node');
  t.equal(renderSxp(n), "(a 'b c' '' 'plain' 'x\\\\y' 'it\\'s' (d))");
});

t.test('networkScriptOf', async (t) => {
  t.equal(networkScriptOf({}), undefined);
  t.equal(networkScriptOf({ 'network-script': '' }), undefined);
  t.equal(networkScriptOf({ 'network-script': '   ' }), undefined);
  t.same(networkScriptOf({ 'network-script': 'network-bridge netdev=eth1 bridge=xenbr1' }), {
    script: 'network-bridge',
    args: { netdev: 'eth1', bridge: 'xenbr1' },
  });
  t.same(networkScriptOf({ 'network-script': '/etc/xen/scripts/my-net  start  a=b=c' }), {
    script: '/etc/xen/scripts/my-net',
    args: { start: '', a: 'b=c' },
  });
});

t.test('XEND_DEFAULTS cite their source and hold C1 values', async (t) => {
  t.equal(XEND_DEFAULTS_SOURCE, 'tools/python/xen/xend/XendOptions.py@RELEASE-4.4.0');
  t.equal(XEND_DEFAULTS['xend-relocation-server'], 'no');
  t.equal(XEND_DEFAULTS['xend-relocation-hosts-allow'], '');
  t.equal(XEND_DEFAULTS['vif-script'], 'vif-bridge');
  t.equal(XEND_DEFAULTS['dom0-min-mem'], '0');
  t.equal(XEND_DEFAULTS['xen-api-server'], '((unix))');
  t.notOk('network-script' in XEND_DEFAULTS, 'no network-script default: xend then sets up no network');
  t.ok(Object.isFrozen(XEND_DEFAULTS));
});

const positionsValid = (ds: Diagnostic[]): boolean =>
  ds.every((d) => Number.isInteger(d.line) && Number.isInteger(d.column) && d.line >= 1 && d.column >= 1);

t.test('property: random text never throws and positions are valid', async (t) => {
  const sxpChars = fc.constantFrom(...'()\'"\\#; \n\tabx01é\x04[]'.split(''));
  fc.assert(
    fc.property(fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ unit: sxpChars, maxLength: 300 }),
      ), (text) => {
      const r = readXendConfig(text, 'f');
      const p = parseSxp(text);
      return positionsValid(r.diagnostics) && positionsValid(p.diagnostics);
    }),
    { numRuns: 2000 },
  );
  t.pass('no counterexample');
});

t.test('property: mutated samples never throw; positions stay inside the text', async (t) => {
  const texts = [
    sample('debian-etch-3.0.3.sxp'),
    sample('xen-3.1-network-bridge.sxp'),
    sample('xen-4.1-xen-api.sxp'),
    sample('network-route.sxp'),
  ];
  const edit = fc.record({
    at: fc.nat(),
    del: fc.nat({ max: 5 }),
    ins: fc.string({ unit: fc.constantFrom(...'()\'"\\# \n'.split('')), maxLength: 4 }),
  });
  fc.assert(
    fc.property(fc.constantFrom(...texts), fc.array(edit, { minLength: 1, maxLength: 6 }), (base, edits) => {
      let text = base;
      for (const e of edits) {
        const at = e.at % (text.length + 1);
        text = text.slice(0, at) + e.ins + text.slice(at + e.del);
      }
      const r = readXendConfig(text, 'f');
      const lineCount = text.split('\n').length;
      return positionsValid(r.diagnostics) && r.diagnostics.every((d) => d.line <= lineCount);
    }),
    { numRuns: 1000 },
  );
  t.pass('no counterexample');
});

t.test('property: rendering any parsed tree reads back to the same tree', async (t) => {
  const atom = fc.string({ maxLength: 8 });
  const tree = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, atom, fc.array(tie('node'), { maxLength: 4 })),
  })).node;
  fc.assert(
    fc.property(fc.array(tree, { minLength: 1, maxLength: 4 }), (items) => {
      const toNode = (v: unknown): SxpNode =>
        typeof v === 'string'
          ? { kind: 'atom', value: v, quoted: true, line: 1, column: 1 }
          : { kind: 'list', items: (v as unknown[]).map(toNode), line: 1, column: 1 };
      const node = toNode(items);
      const text = renderSxp(node);
      const back = parseSxp(text);
      const quiet = back.diagnostics.filter((d) => d.code !== 'sxp-multiline-string');
      return quiet.length === 0 && back.nodes.length === 1 && JSON.stringify(plain(back.nodes[0] as SxpNode)) === JSON.stringify(items);
    }),
    { numRuns: 500 },
  );
  t.pass('no counterexample');
});
