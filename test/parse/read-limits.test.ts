/**
 * The readers stop at documented limits (cli/readers/read-limits.ts, README
 * "Limits") with a diagnostic at the place they stopped, instead of building a
 * million entries: a config of a million keys reads as its first 10 000.
 */
import t from 'tap';
import { parseConfig } from '../../cli/readers/config.js';
import { parseInfo } from '../../cli/readers/info.js';
import { READ_LIMITS } from '../../cli/readers/read-limits.js';
import type { Diagnostic } from '../../cli/model/diagnostic.js';
import { scratch, xenlint } from '../cli/run.js';

const limitOf = (ds: Diagnostic[]): Diagnostic[] => ds.filter((d) => d.code === 'input-limit');

t.test('a config of a million keys stops at the statement limit, in both readers and in detection', async (t) => {
  const text = Array.from({ length: 1_000_000 }, (_, i) => `key${i} = ${i}\n`).join('');
  for (const opts of [{ dialect: 'xl' as const }, { dialect: 'xm' as const }, {}]) {
    const parsed = parseConfig(text, 'million.cfg', opts);
    const what = opts.dialect ?? 'detected';
    t.equal(parsed.entries.length, READ_LIMITS.statements, `${what}: the first ${READ_LIMITS.statements} settings`);
    t.equal(parsed.entries.at(-1)?.key, `key${READ_LIMITS.statements - 1}`, `${what}: in order`);
    const stops = limitOf(parsed.diagnostics);
    t.equal(stops.length, 1, `${what}: one diagnostic`);
    t.match(stops[0], { line: READ_LIMITS.statements + 1, column: 1, severity: 'warning', message: /^xenlint stops reading here: more than 10000 settings in one file/ });
  }
});

t.test('a config under the limits reads whole, without the diagnostic', async (t) => {
  const text = Array.from({ length: READ_LIMITS.statements }, (_, i) => `key${i} = ${i}\n`).join('');
  for (const dialect of ['xl', 'xm'] as const) {
    const parsed = parseConfig(text, 'full.cfg', { dialect });
    t.equal(parsed.entries.length, READ_LIMITS.statements, dialect);
    t.same(limitOf(parsed.diagnostics), [], dialect);
  }
});

t.test('xl: a list stops at the item limit; lists together stop at the value limit', async (t) => {
  const long = parseConfig(`name = "l"\ndisk = [ ${Array.from({ length: 50_000 }, () => '"phy:/dev/sda,xvda,w"').join(', ')} ]\n`, 'l.cfg', { dialect: 'xl' });
  t.match(limitOf(long.diagnostics), [{ line: 2, message: /more than 10000 items in one list/ }]);
  const fits = parseConfig(`x = [ ${Array.from({ length: READ_LIMITS.listItems }, () => '1').join(', ')} ]\n`, 'f.cfg', { dialect: 'xl' });
  t.same(limitOf(fits.diagnostics), [], 'exactly the limit is read');
  const sub = `[ ${Array.from({ length: 9_999 }, () => '1').join(',')} ]`;
  const nested = parseConfig(`x = [ ${Array.from({ length: 12 }, () => sub).join(',\n')} ]\n`, 'n.cfg', { dialect: 'xl' });
  t.match(limitOf(nested.diagnostics), [{ message: /more than 100000 list items in one file/ }]);
});

t.test('xm: the tokenizer stops at its token limit and drops the statement it cut', async (t) => {
  const parsed = parseConfig(`name = "p"\nmemory = ${Array.from({ length: 150_000 }, () => '1').join(' + ')}\n`, 'p.cfg', { dialect: 'xm' });
  const stops = limitOf(parsed.diagnostics);
  t.match(stops, [{ line: 2, column: 1, message: /more than 200000 tokens/ }]);
  t.same(parsed.diagnostics.filter((d) => d.severity === 'error'), [], 'the cut statement is not reported as broken Python');
  t.same(parsed.entries.map((e) => e.key), ['name']);
});

t.test('an info text stops at the line limit', async (t) => {
  const text = `host : h\nrelease : 5.10\n${'xen_extra : .1\n'.repeat(READ_LIMITS.infoLines + 50)}`;
  const info = parseInfo(text);
  const stops = limitOf(info.diagnostics);
  t.match(stops, [{ line: READ_LIMITS.infoLines + 1, message: /more than 20000 lines/ }]);
  t.equal(info.fields['host'], 'h', 'what came before the limit is read');
});

t.test('lint: a million-key config (limits.configBytes raised) ends with the limit finding, exit by severity', async (t) => {
  const dir = scratch({
    '.xenlintrc.yaml': 'limits:\n  configBytes: 33554432\n',
    'million.cfg': Array.from({ length: 1_000_000 }, (_, i) => `key${i} = ${i}\n`).join(''),
  });
  const r = xenlint(['lint', '--format', 'json', '--dialect', 'xl', 'million.cfg'], { cwd: dir });
  t.not(r.code, 2, r.stderr);
  const findings = (JSON.parse(r.stdout) as { checks: Array<{ findings: Array<{ check: string; message: string; line?: number }> }> }).checks.flatMap((c) => c.findings);
  t.match(findings.filter((f) => f.message.includes('stops reading')), [{ check: 'config-readability', line: READ_LIMITS.statements + 1 }]);
});
