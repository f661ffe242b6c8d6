/**
 * --format html: one self-contained page; every finding on it; everything from
 * the inputs escaped (configs are hostile); links only to documentation
 * schemes. (test/integration/html-chromium.test.ts renders it in a real browser.)
 */
import t from 'tap';
import fc from 'fast-check';
import { esc, formatHtml, safeHref } from '../../cli/report/html.js';
import { CWD, sampleReport, sampleRules } from '../fixtures/report/sample-report.js';
import type { RunReport } from '../../checks/api.js';

const opts = { color: false, cwd: CWD, rules: sampleRules() };

t.test('a self-contained page with every finding', async (t) => {
  const report = sampleReport();
  const html = formatHtml(report, opts);
  t.match(html, /^<!DOCTYPE html>/);
  t.notMatch(html, /<link\b|<script\s+src|<img\b|@import|url\(/i, 'no external assets');
  t.notMatch(html.replace(/<a [^>]*href="[^"]*"/g, ''), /https?:\/\//, 'web addresses only in the links a reader follows');
  for (const f of report.checks.flatMap((c) => c.findings)) t.ok(html.includes(esc(f.message)), `finding shown: ${f.message.slice(0, 40)}`);
  for (const p of report.problems) t.ok(html.includes(esc(p.message)), 'problem shown');
});

t.test('hostile text is escaped everywhere', async (t) => {
  const evil = '<img src=x onerror=alert(1)>"\'&\u0007';
  const report = sampleReport();
  const first = report.checks.find((c) => c.findings.length > 0)!;
  first.findings[0] = { ...first.findings[0]!, message: evil, domain: evil, file: `/etc/xen/${evil}.cfg`, evidence: { [evil]: evil }, remediation: evil };
  const rules = sampleRules();
  rules.set(first.id, { ...rules.get(first.id)!, helpUri: 'javascript:alert(1)' });
  const html = formatHtml(report, { ...opts, rules });
  t.notMatch(html, /<img src=x/, 'no markup from the input');
  t.notMatch(html, /javascript:/, 'no script link');
  t.match(html, /&lt;img src=x onerror=alert\(1\)&gt;&quot;&#39;&amp;\\x07/);
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => !/[<>"']/.test(esc(s)) && !/&(?!amp;|lt;|gt;|quot;|#39;)/.test(esc(s))));
});

t.test('safeHref keeps documentation links only', async (t) => {
  t.equal(safeHref('https://xenlint.dev/docs/rules/memory-fit.md'), 'https://xenlint.dev/docs/rules/memory-fit.md');
  t.equal(safeHref('file:///usr/lib/node_modules/xenlint/docs/migrate.md#cpu-vendor'), 'file:///usr/lib/node_modules/xenlint/docs/migrate.md#cpu-vendor');
  t.equal(safeHref('javascript:alert(1)'), undefined);
  t.equal(safeHref('data:text/html,<b>x</b>'), undefined);
  t.equal(safeHref('not a url'), undefined);
});

t.test('a fleet gets the hosts × checks grid, a section per host and a memory bar', async (t) => {
  const one = sampleReport();
  const tag = (r: RunReport, host: string) => r.checks.map((c) => ({ ...c, host, findings: c.findings.map((f) => ({ ...f, host })) }));
  const fleet: RunReport = {
    ...one,
    checks: [...tag(one, 'xen1'), ...tag(sampleReport(), 'xen<2>')],
    problems: [],
    hosts: [
      { name: 'xen1', root: '/c/xen1', files: [], summary: one.summary, memory: { totalMiB: 4096, dom0MiB: 1024, dom0Source: 'dom0_mem', guests: [{ name: 'web01', mib: 4000, autostart: true }] } },
      { name: 'xen<2>', root: '/c/xen2', files: [], summary: one.summary },
    ],
  };
  const html = formatHtml(fleet, opts);
  t.match(html, /<section class="card" id="matrix">/);
  t.match(html, /<a href="#h1">xen&lt;2&gt;<\/a>/, 'host names escaped in the grid');
  t.match(html, /5024 MiB committed of 4096 MiB RAM \(123%\) — over by 928 MiB/);
  t.equal((html.match(/<section class="card host"/g) ?? []).length, 2);
  const cells = [...html.matchAll(/href="#(h\d+-c\d+)"/g)].map((m) => m[1]!);
  t.ok(cells.length > 0 && cells.every((id) => html.includes(`id="${id}"`)), 'every grid cell links to its check on its host');
});
