import t from 'tap';
import fc from 'fast-check';
import { readDirectives } from '../../cli/readers/directives.js';
import { parseConfig } from '../../cli/readers/config.js';
import type { Dialect } from '../../cli/model/config-model.js';

const read = (text: string, dialect: Dialect = 'xl') => readDirectives(parseConfig(text, 'g.cfg', { dialect }));
const bad = (r: ReturnType<typeof read>): string[] => r.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`);

t.test('disable-next-line points at the next line that holds a setting (line and first column)', async (t) => {
  for (const dialect of ['xl', 'xm'] as const) {
    const r = read(
      [
        'name = "a"', // 1
        '# xenlint-disable-next-line vif-limit, bridge-missing -- lab host, bridges come later', // 2
        '', // 3
        '# an ordinary comment', // 4
        'vif = [ "bridge=xenbr9" ]', // 5
        '    # xenlint-disable-next-line', // 6
        'memory = 64', // 7
        '',
      ].join('\n'),
      dialect,
    );
    t.same(r.diagnostics, [], dialect);
    t.same(
      r.suppressions,
      [
        { ids: ['vif-limit', 'bridge-missing'], scope: 'next-line', line: 5, column: 1, directiveLine: 2, directiveColumn: 1, reason: 'lab host, bridges come later' },
        { ids: [], scope: 'next-line', line: 7, column: 1, directiveLine: 6, directiveColumn: 5 },
      ],
      dialect,
    );
  }
});

t.test('next-line inside a multi-line list and after a trailing directive', async (t) => {
  const r = read(['disk = [ "phy:/dev/vg/a,xvda,w",', '  # xenlint-disable-next-line disk-size', '  "phy:/dev/vg/b,xvdb,w" ]', 'memory = 1 # xenlint-disable-next-line mem-low', 'vcpus = 1', ''].join('\n'));
  t.same(r.suppressions.map((s) => [s.ids, s.line, s.column]), [
    [['disk-size'], 3, 3],
    [['mem-low'], 5, 1],
  ]);
});

t.test('disable applies to the whole file', async (t) => {
  const r = read('# xenlint-disable\n# xenlint-disable pv-abi-mismatch,site/old-kernel -- legacy guest\nmemory = 1\n');
  t.same(r.suppressions, [
    { ids: [], scope: 'file', line: 1, column: 1, directiveLine: 1, directiveColumn: 1 },
    { ids: ['pv-abi-mismatch', 'site/old-kernel'], scope: 'file', line: 2, column: 1, directiveLine: 2, directiveColumn: 1, reason: 'legacy guest' },
  ]);
  t.same(r.diagnostics, []);
});

t.test('annotations with the position of each name', async (t) => {
  const r = read(
    [
      'kernel = "/boot/vmlinuz-2.6.18-xen" # xenlint: guest-abi=x86_32p', // 1
      '# xenlint: autostart=yes, size=hda:200G', // 2
      'disk = [ "file:/img/a.img,hda,w",   # xenlint: size=200G', // 3
      '         # xenlint: size=1.5T', // 4
      '         "file:/img/b.img,hdb,w" ]', // 5
      '#xenlint:guest-abi=x86_32-bimodal', // 6
      '',
    ].join('\n'),
  );
  t.same(r.diagnostics, []);
  t.same(r.annotations, [
    { name: 'guest-abi', value: 'x86_32p', line: 1, column: 48 },
    { name: 'autostart', value: 'yes', line: 2, column: 12 },
    { name: 'size', value: 'hda:200G', line: 2, column: 27 },
    { name: 'size', value: '200G', line: 3, column: 48 },
    { name: 'size', value: '1.5T', line: 4, column: 21 },
    { name: 'guest-abi', value: 'x86_32-bimodal', line: 6, column: 10 },
  ]);
});

t.test('malformed directives are bad-directive diagnostics at the fault', async (t) => {
  const table: Array<[string, string[], RegExp]> = [
    ['# xenlint-enable vif-limit\n', ['bad-directive@1:3'], /unknown directive `xenlint-enable`/],
    ['# xenlint-disable-next-lines x\nmemory = 1\n', ['bad-directive@1:3'], /unknown directive `xenlint-disable-next-lines`/],
    ['# xenlint-disable:x\n', ['bad-directive@1:3'], /unknown directive `xenlint-disable:x`/],
    ['# xenlint-disable-next-line vif-limit because lab\nmemory = 1\n', ['bad-directive@1:29'], /not a check id.* -- /],
    ['# xenlint-disable a,,b\n', ['bad-directive@1:21'], /empty check id/],
    ['# xenlint-disable Vif-Limit\n', ['bad-directive@1:19'], /`Vif-Limit` is not a check id/],
    ['memory = 1\n# xenlint-disable-next-line x\n', ['bad-directive@2:3'], /not followed by any setting/],
    ['# xenlint:\n', ['bad-directive@1:11'], /no annotation/],
    ['# xenlint: guest-abi\n', ['bad-directive@1:12'], /not name=value/],
    ['# xenlint: guest-abi=x86_128\n', ['bad-directive@1:12'], /expected x86_32, x86_32p/],
    ['# xenlint: size=big\n', ['bad-directive@1:12'], /expected a size/],
    ['# xenlint: autostart=maybe\n', ['bad-directive@1:12'], /expected yes or no/],
    ['# xenlint: cluster-fs=xvdb:\n', ['bad-directive@1:12'], /expected the cluster filesystem/],
    ['# xenlint: cluster-fs=a b\n', ['bad-directive@1:12'], /expected the cluster filesystem/],
    ['# xenlint: size=10G,\n', ['bad-directive@1:21'], /empty annotation/],
    ['# xenlint: =x\n', ['bad-directive@1:12'], /not name=value/],
  ];
  for (const [src, want, msg] of table) {
    const r = read(src);
    t.same(bad(r), want, JSON.stringify(src));
    t.match(r.diagnostics[0]?.message ?? '', msg, JSON.stringify(src));
    t.ok(r.diagnostics.every((d) => d.severity === 'warning' && d.file === 'g.cfg'));
  }
  t.same(read('# xenlint: cluster-fs=ocfs2, cluster-fs=xvdb:gfs2\n').annotations.map((a) => a.value), ['ocfs2', 'xvdb:gfs2'], 'cluster-fs, bare or by vdev');
  const partial = read('# xenlint: size=big, autostart=no\n');
  t.same(partial.annotations.map((a) => a.name), ['autostart'], 'the good annotation next to a bad one is kept');
  const unknown = read('# xenlint: site-owner=ops\n');
  t.same(unknown.annotations, [{ name: 'site-owner', value: 'ops', line: 1, column: 12 }], 'an unknown annotation is kept…');
  t.same(bad(unknown), ['bad-directive@1:12'], '…and reported');
});

t.test('comments that are not directives are left alone', async (t) => {
  const r = read(
    [
      'vif = [ "a", "b", "c", "d" ] # expect: vif-limit',
      '# expect-next-line: bridge-missing',
      'memory = 1',
      '# this file is checked by xenlint',
      '# xenlint rules are in docs/rules',
      '# disable xenlint-disable here? no',
      '',
    ].join('\n'),
  );
  t.same(r, { annotations: [], suppressions: [], diagnostics: [] });
});

t.test('directives in a file with syntax errors still find their line', async (t) => {
  const r = read("# xenlint-disable-next-line python-under-xl\nimport os\nmemory = 1\n", 'xl');
  t.same(r.suppressions.map((s) => s.line), [2], 'the broken line counts as content');
  const crlf = read('# xenlint-disable-next-line x\r\n\r\nmemory = 1\r\n', 'xl');
  t.same(crlf.suppressions.map((s) => s.line), [3], 'the CR diagnostic on a blank line does not count as content');
});

t.test('property: any comment text never throws and positions stay in bounds', async (t) => {
  const word = fc.constantFrom('xenlint', 'xenlint-disable', 'xenlint-disable-next-line', 'xenlint:', ' ', ',', '--', '=', 'size', 'hda:', '200G', 'guest-abi', 'x86_32p', 'a', '-', 'é', ':');
  fc.assert(
    fc.property(fc.array(fc.array(word, { maxLength: 8 }), { maxLength: 6 }), fc.boolean(), (comments, trailing) => {
      const text = comments.map((c, i) => (trailing && i % 2 ? `memory = ${i} #${c.join('')}` : `#${c.join('')}`)).join('\n') + '\nvcpus = 1\n';
      const lines = text.split('\n');
      const r = read(text);
      const inBounds = (p: { line: number; column: number }): boolean => p.line >= 1 && p.column >= 1 && p.line <= lines.length && p.column <= (lines[p.line - 1]?.length ?? 0) + 1;
      return [...r.annotations, ...r.suppressions, ...r.diagnostics].every(inBounds) && JSON.stringify(r) === JSON.stringify(read(text));
    }),
    { numRuns: 500 },
  );
  t.pass('directive properties');
});
