import t from 'tap';
import fc from 'fast-check';
import { escapeData, escapeProperty, formatGithub, workflowCommand } from '../../cli/report/github.js';
import type { RunReport } from '../../checks/api.js';
import { CWD, cleanReport, sampleReport, sampleRules, summaryOf } from '../fixtures/report/sample-report.js';

const opts = { color: false, cwd: CWD, rules: sampleRules() };

interface Parsed {
  command: string;
  props: Record<string, string>;
  message: string;
}

/** Reads a workflow command line back the way the Actions runner does (ActionCommand.TryParse). */
function parseCommand(line: string): Parsed | undefined {
  const m = /^::([A-Za-z-]+)( [^:]*)?::(.*)$/.exec(line);
  if (!m) return undefined;
  const unescape = (s: string, prop: boolean) => {
    let out = s.replace(/%0D/g, '\r').replace(/%0A/g, '\n');
    if (prop) out = out.replace(/%3A/g, ':').replace(/%2C/g, ',');
    return out.replace(/%25/g, '%');
  };
  const props: Record<string, string> = {};
  for (const pair of (m[2] ?? '').trim().split(',').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    props[pair.slice(0, eq)] = unescape(pair.slice(eq + 1), true);
  }
  return { command: m[1]!, props, message: unescape(m[3]!, false) };
}

t.test('escaping follows @actions/toolkit', async (t) => {
  const data: Array<[string, string]> = [
    ['plain text', 'plain text'],
    ['100%', '100%25'],
    ['%0A literally', '%250A literally'],
    ['a\nb', 'a%0Ab'],
    ['a\r\nb', 'a%0D%0Ab'],
    ['a:b,c', 'a:b,c'],
    ['::error::x', '::error::x'],
  ];
  for (const [input, out] of data) t.equal(escapeData(input), out, `data ${JSON.stringify(input)}`);
  const prop: Array<[string, string]> = [
    ['domains/web01.cfg', 'domains/web01.cfg'],
    ['a:b,c', 'a%3Ab%2Cc'],
    ['C:\\xen\\web,01.cfg', 'C%3A\\xen\\web%2C01.cfg'],
    ['%3A', '%253A'],
    ['x\ny', 'x%0Ay'],
    ['xenlint pv-abi-mismatch', 'xenlint pv-abi-mismatch'],
  ];
  for (const [input, out] of prop) t.equal(escapeProperty(input), out, `property ${JSON.stringify(input)}`);
});

t.test('workflowCommand leaves empty properties out', async (t) => {
  t.equal(workflowCommand('notice', [], 'm'), '::notice::m');
  t.equal(workflowCommand('error', [['file', undefined], ['line', 3], ['title', '']], 'm'), '::error line=3::m');
});

t.test('the sample run', async (t) => {
  const out = formatGithub(sampleReport(), opts);
  const lines = out.trimEnd().split('\n');
  t.equal(lines.length, 11, '7 findings, 1 check error, 2 input problems, 1 summary');
  t.equal(
    lines[0],
    '::error file=domains/web01.cfg,line=4,col=1,title=xenlint pv-abi-mismatch::web01: kernel /boot/vmlinuz-2.6.18-xen is 32-bit PAE (x86_32p) but this hypervisor runs only x86_64 PV guests%0A%0AFix: Boot a 64-bit PV kernel, or run the guest as HVM (builder = "hvm").',
  );
  t.equal(
    lines[1],
    '::error file=domains/db 01 (prod).cfg,line=12,col=9,title=xenlint pv-abi-mismatch::db01: kernel ABI unknown — the ELF note could not be read%0A(xen_caps: xen-3.0-x86_64)',
  );
  t.equal(lines[3], '::notice file=domains/web01.cfg,line=9,col=1,title=xenlint maxmem-below-memory::web01: 内存 «memory» set twice; the last one (line 9) wins', 'info is a notice');
  t.equal(
    lines[4],
    '::warning title=xenlint dom0-mem-max::dom0_mem=2048M has no max: part; dom0 can balloon up and starve guests of memory%0A%0AFix: Use dom0_mem=2048M,max:2048M on the Xen command line.',
    'a host finding is an annotation without a file',
  );
  t.equal(lines[5], '::error title=xenlint vif-bridge-exists::mail02: vif bridge=xenbr1 does not exist in dom0 (bridges: xenbr0, virbr0)');
  t.equal(lines[6]!.split('::')[1], 'warning file=/etc/xen/xl.conf,line=3,col=1,title=xenlint xl-conf-autoballoon');
  t.equal(lines[7], '::error title=xenlint dom0-kernel-modules could not run::lsmod failed (lsmod, exit 127): command not found');
  t.equal(lines[8], '::error file=domains/broken.cfg,line=2,col=14,title=xenlint input problem::cannot read: EACCES: permission denied');
  t.equal(lines[9], '::error title=xenlint input problem::xend-config.sxp: not found under --root (xm host settings unknown)');
  t.equal(
    lines[10],
    'xenlint: 7 findings (3 errors, 3 warnings, 1 info), 2 input problems against Xen 3.0.4; checks: 3 passed, 5 failed, 4 skipped, 2 not applicable, 1 error',
  );
  t.notOk(lines[10]!.startsWith('::'), 'the summary is plain text');
  t.ok(out.endsWith('\n'));
});

t.test('a clean run prints only the summary', async (t) => {
  t.equal(formatGithub(cleanReport(), opts), 'xenlint: no problems found against Xen 3.0.4; checks: 2 passed, 1 not applicable\n');
  const empty: RunReport = { ...cleanReport(), checks: [], summary: summaryOf([]) };
  const { xen: _xen, ...noXen } = empty;
  t.equal(formatGithub(noXen, opts), 'xenlint: no problems found; checks: no checks ran\n');
});

t.test('a line without a usable position, or a position without a file, is not sent', async (t) => {
  const report = sampleReport();
  report.checks[0]!.findings[0]!.line = 0;
  report.checks[2]!.findings[0]!.line = 5;
  report.checks[2]!.findings[0]!.column = 2;
  const lines = formatGithub(report, opts).split('\n');
  t.equal(lines[0]!.split('::')[1], 'error file=domains/web01.cfg,title=xenlint pv-abi-mismatch');
  t.equal(lines[4]!.split('::')[1], 'warning title=xenlint dom0-mem-max');
});

t.test('messages and paths cannot inject workflow commands, and read back intact', async (t) => {
  const hostile = 'bad\n::add-mask::secret\r\n::stop-commands::tok\n%0A, title=x:y';
  const report = sampleReport();
  const f = report.checks[0]!.findings[0]!;
  f.message = hostile;
  f.file = `${CWD}/a,b:c%d\n.cfg`;
  delete f.remediation;
  const lines = formatGithub(report, opts).trimEnd().split('\n');
  t.equal(lines.length, 11, 'still one line per annotation');
  const parsed = parseCommand(lines[0]!)!;
  t.same(parsed, {
    command: 'error',
    props: { file: 'a,b:c%d\n.cfg', line: '4', col: '1', title: 'xenlint pv-abi-mismatch' },
    message: hostile,
  });
  for (const line of lines.slice(0, -1)) t.match(line, /^::(error|warning|notice) /, 'every line but the last is one annotation');
});

t.test('property: escaping round-trips through the runner\'s parser for any text', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (file, message) => {
      const line = workflowCommand('warning', [['file', file], ['title', 'xenlint x']], message);
      if (line.includes('\n') || line.includes('\r')) return false;
      const parsed = parseCommand(line);
      return parsed !== undefined && parsed.message === message && (file === '' ? !('file' in parsed.props) : parsed.props['file'] === file);
    }),
    { numRuns: 500 },
  );
  t.pass('500 random file/message pairs round-tripped');
});
