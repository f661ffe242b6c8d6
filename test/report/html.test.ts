/**
 * --format html: one self-contained page; every finding on it; everything from
 * the inputs escaped (configs are hostile); links only to documentation
 * schemes. (test/integration/html-chromium.test.ts renders it in a real browser.)
 */
import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { esc, formatHtml, htmlPieces, safeHref } from '../../cli/report/html.js';
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

// The texts formatHtml wrote before it wrote its page in pieces (main at 0c132f1): the bar and its legend are now written a guest at a time.
t.test('the memory bar: guests started with the host, the others, free memory, over RAM', async (t) => {
  const memories: Array<[RunReport['memory'], string]> = [
    [
      { totalMiB: 4096, dom0MiB: 1024, dom0Source: 'dom0_mem', freeMiB: 800, guests: [{ name: 'web<01>', mib: 1000.25, autostart: true }, { name: 'db01', mib: 2000.5, autostart: true }, { name: 'spare', mib: 512, autostart: false }, { name: 'old & slow', mib: 256, autostart: false }] },
      "<div class=\"memory\">\n<h3>Memory <span class=\"muted\">4024.75 MiB committed of 4096 MiB RAM (98%)</span></h3>\n<div class=\"bar\" role=\"img\" aria-label=\"4024.75 MiB of 4096 MiB committed\"><span class=\"seg dom0\" style=\"width:25.000%\" title=\"dom0: 1024 MiB (dom0_mem)\"></span><span class=\"seg g0\" style=\"width:24.420%\" title=\"web&lt;01&gt;: 1000.25 MiB\"></span><span class=\"seg g1\" style=\"width:48.840%\" title=\"db01: 2000.5 MiB\"></span><span class=\"ram\" style=\"left:100.000%\" title=\"RAM: 4096 MiB\"></span></div>\n<ul class=\"mem-legend\"><li><i class=\"dom0\"></i>dom0 1024 MiB <span class=\"muted\">(dom0_mem)</span></li><li><i class=\"g0\"></i>web&lt;01&gt; 1000.25 MiB</li><li><i class=\"g1\"></i>db01 2000.5 MiB</li></ul>\n<p class=\"muted small\">Not started with the host: spare 512 MiB, old &amp; slow 256 MiB · free now: 800 MiB</p>\n</div>\n",
    ],
    [
      { totalMiB: 2048, dom0Source: 'unknown', guests: [{ name: 'a', mib: 1500, autostart: true }, { name: 'b', mib: 1024, autostart: true }] },
      "<div class=\"memory\">\n<h3>Memory <span class=\"bad\">2524 MiB committed of 2048 MiB RAM (123%) — over by 476 MiB</span></h3>\n<div class=\"bar over\" role=\"img\" aria-label=\"2524 MiB of 2048 MiB committed\"><span class=\"seg g0\" style=\"width:59.429%\" title=\"a: 1500 MiB\"></span><span class=\"seg g1\" style=\"width:40.571%\" title=\"b: 1024 MiB\"></span><span class=\"overflow\" style=\"left:81.141%\" title=\"over RAM by 476 MiB\"></span><span class=\"ram\" style=\"left:81.141%\" title=\"RAM: 2048 MiB\"></span></div>\n<ul class=\"mem-legend\"><li class=\"muted\">dom0 size unknown: not counted</li><li><i class=\"g0\"></i>a 1500 MiB</li><li><i class=\"g1\"></i>b 1024 MiB</li></ul>\n\n</div>\n",
    ],
  ];
  for (const [memory, want] of memories) {
    const html = formatHtml({ ...sampleReport(), memory: memory! }, opts);
    t.equal(html.slice(html.indexOf('<div class="memory">'), html.indexOf('<details class="checks"')), want);
  }
});

t.test('the sample page is the text it was before it was written in pieces', async (t) => {
  const digest = (text: string) => createHash('sha256').update(text).digest('hex');
  t.equal(digest(formatHtml(sampleReport(), opts)), '3723550f65ff94f06356e8ca52f35bf78e8b9187ba89d07dd33887488f91f322');
  t.equal(digest([...htmlPieces(sampleReport(), opts)].join('')), '3723550f65ff94f06356e8ca52f35bf78e8b9187ba89d07dd33887488f91f322', 'the same in pieces');
});
