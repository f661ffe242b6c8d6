/**
 * stylish groups a report's findings by file in typed arrays (issue 14): the
 * headings' order and each table's rows must stay those of the grouping it
 * replaced (a Map of displayed path -> findings, ranked by a Map of the run's
 * files as displayed), kept here as the oracle. The cases mix absolute and
 * relative spellings of one file (one heading, ranked by its last place in the
 * run's files), files the run does not list (after the listed ones, by name),
 * file-less findings (host, first), input problems and tied positions.
 */
import t from 'tap';
import fc from 'fast-check';
import { formatStylish } from '../../cli/report/stylish.js';
import { displayPath } from '../../cli/report/shared.js';
import type { CheckOutcome, ReportedFinding, RunReport } from '../../checks/api.js';
import { summaryOf } from '../fixtures/report/sample-report.js';

const CWD = '/srv/xen';
/** Spellings, some of the same file: inside cwd absolute and relative, outside cwd, and no file at all. */
const FILES = ['/srv/xen/a.cfg', 'a.cfg', './a.cfg', '/srv/xen/d/b.cfg', 'd/b.cfg', '/etc/xen/c.cfg', '/srv/xen/z.cfg', 'm.cfg', '/opt/k.cfg', undefined, ''];
const HOST = '\u0000host';

/** The grouping before issue 14's typed arrays: each heading with its rows' messages, in order. */
function oracle(report: RunReport): Array<[string, string[]]> {
  const order = new Map(report.checks.map((o, i) => [o.id, i]));
  const byFile = new Map<string, Array<{ line: number; column: number; order: number; message: string }>>();
  const rowsOf = (file: string | undefined) => {
    const key = file ? displayPath(file, CWD) : HOST;
    let rows = byFile.get(key);
    if (!rows) byFile.set(key, (rows = []));
    return rows;
  };
  report.checks.forEach((o) => {
    for (const f of o.findings) rowsOf(f.file).push({ line: f.line ?? 0, column: f.column ?? 0, order: order.get(f.check) ?? 0, message: f.message });
  });
  for (const p of report.problems) rowsOf(p.file).push({ line: p.line ?? 0, column: p.column ?? 0, order: -1, message: p.message });
  // Problems come after the findings before the (stable) sort, as the old code pushed them.
  const fileRank = new Map(report.files.map((f, i) => [displayPath(f, CWD), i]));
  return [...byFile.entries()]
    .sort(([a], [b]) => {
      if (a === HOST || b === HOST) return a === HOST ? (b === HOST ? 0 : -1) : 1;
      const ra = fileRank.get(a) ?? Number.MAX_SAFE_INTEGER;
      const rb = fileRank.get(b) ?? Number.MAX_SAFE_INTEGER;
      return ra - rb || (a < b ? -1 : a > b ? 1 : 0);
    })
    .map(([key, rows]) => [key === HOST ? 'host' : key, [...rows].sort((x, y) => x.line - y.line || x.column - y.column || x.order - y.order).map((r) => r.message)]);
}

/** The headings of formatStylish's text with the messages under each. */
function shown(text: string): Array<[string, string[]]> {
  const out: Array<[string, string[]]> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && !lines[i]!.startsWith('\u2716') && !lines[i]!.startsWith('No problems'); i++) {
    const line = lines[i]!;
    if (line === '') continue;
    if (!line.startsWith(' ')) out.push([line, []]);
    else out[out.length - 1]![1].push(/(m\d+|p\d+)/.exec(line)![1]!);
  }
  return out;
}

const finding = fc.record({ file: fc.constantFrom(...FILES), line: fc.integer({ min: 1, max: 3 }), column: fc.integer({ min: 1, max: 2 }) });
const problem = fc.record({ file: fc.constantFrom(...FILES.filter((f) => f !== undefined)), line: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) });

t.test('headings and rows in the order of the grouping they replaced', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.array(finding, { maxLength: 8 }), { minLength: 1, maxLength: 4 }),
      fc.array(problem, { maxLength: 3 }),
      fc.array(fc.constantFrom(...FILES.filter((f): f is string => f !== undefined && f !== '')), { maxLength: 8 }),
      (perCheck, problems, files) => {
        let n = 0;
        const checks: CheckOutcome[] = perCheck.map((fs, c) => ({
          id: `check-${c}`,
          title: `check ${c}`,
          severity: 'warning',
          status: fs.length > 0 ? 'fail' : 'pass',
          suppressed: 0,
          findings: fs.map((f): ReportedFinding => ({
            check: `check-${c}`,
            severity: 'warning',
            message: `m${n++}`,
            fingerprint: 'f'.repeat(24),
            line: f.line,
            column: f.column,
            ...(f.file !== undefined ? { file: f.file } : {}),
          })),
        }));
        const report: RunReport = {
          reportVersion: 1,
          tool: { name: 'xenlint', version: '0.0.0' },
          command: 'lint',
          files,
          checks,
          problems: problems.map((p, i) => ({ file: p.file, message: `p${i}`, ...(p.line !== undefined ? { line: p.line } : {}) })),
          summary: summaryOf(checks),
        };
        t.same(shown(formatStylish(report, { color: false, cwd: CWD, rules: new Map() } as never)), oracle(report));
      },
    ),
    { numRuns: 300 },
  );
});
