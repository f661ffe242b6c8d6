/**
 * `--format html`: one self-contained page a person would rather look at than
 * read. No network and no external assets: the CSS and a few lines of script
 * (severity filters) are inline. For a fleet, a hosts × checks grid comes
 * first; then, per host, the checks' statuses, memory committed against RAM
 * as a bar, and the findings grouped by guest with links to their docs.
 *
 * Everything from the inputs — guest names, messages, paths, evidence, even
 * check ids and doc links of plugins — is hostile: it goes through `esc`
 * (text and attributes) and links through `safeHref`, and no input ever
 * reaches the script or the style sheet.
 */
import type { FleetHost, MemoryView, ReportedFinding, RunReport, Status } from '../model/contract.js';
import type { Severity } from '../model/diagnostic.js';
import type { FormatOptions, RuleMeta } from './options.js';
import { batched, countFindings, countStatuses, displayPath, grown, membersOf, plural, position, severityCounts, statusCounts, wellFormed } from './shared.js';
import { splitByHost } from './fleet.js';

/** Text and attribute values: the five HTML specials, control characters shown, lone surrogates replaced. */
export function esc(value: unknown): string {
  return wellFormed(String(value))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A link only to documentation schemes; anything else (javascript:, data:) is not linked. */
export function safeHref(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  try {
    const u = new URL(uri);
    return ['https:', 'http:', 'file:'].includes(u.protocol) ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const SEVERITIES: Severity[] = ['error', 'warning', 'info'];
const STATUS_LABEL: Record<Status, string> = { pass: 'passed', fail: 'failed', skipped: 'skipped', 'not-applicable': 'not applicable', error: 'could not run' };

interface Part {
  host: Pick<FleetHost, 'name' | 'root'> & { xen?: RunReport['xen'] };
  report: RunReport;
}

export function formatHtml(report: RunReport, opts: FormatOptions): string {
  return [...htmlPieces(report, opts)].join('');
}

/**
 * formatHtml's page in pieces (issue 14): the findings are read from the run's
 * finding store twice, once to group them by guest and once to write each
 * guest's card; the memory bar is written a guest at a time. What is whole:
 * each guest's card (its findings are sorted before it is written), the
 * hosts × checks grid of a fleet, and the page's head, style and script.
 */
export function htmlPieces(report: RunReport, opts: FormatOptions): Generator<string> {
  return batched(page(report, opts));
}

function* page(report: RunReport, opts: FormatOptions): Generator<string> {
  const fleet = report.hosts !== undefined;
  const parts: Part[] = fleet
    ? splitByHost(report)
    : [{ host: { name: report.command === 'lint' ? 'Configs' : report.command === 'migrate' ? 'Migration' : 'Host', root: '', ...(report.xen ? { xen: report.xen } : {}) }, report }];
  // Grid cells link to `h{host}-c{column}`; each host's check chips carry the same ids.
  const columns = new Map<string, number>();
  for (const o of report.checks) if (!columns.has(o.id)) columns.set(o.id, columns.size);
  const findings = countFindings(report);
  const title = fleet ? `xenlint: ${plural(parts.length, 'host')}` : `xenlint ${report.command}`;
  yield `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="xenlint ${esc(report.tool.version)}">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body data-js="off">
<main>
`;
  yield header(report, title, findings, fleet ? parts.length : undefined);
  yield '\n';
  if (fleet) yield matrix(parts, columns);
  for (const [i, p] of parts.entries()) {
    yield '\n';
    yield* hostSection(p, i, opts, columns);
  }
  yield `\n<footer>xenlint ${esc(report.tool.version)} · ${esc(report.command)} · ${esc(statusCounts(countStatuses(report)))}</footer>`;
  yield `
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function header(report: RunReport, title: string, findings: Record<Severity, number>, hosts: number | undefined): string {
  const total = findings.error + findings.warning + findings.info;
  const verdict = total === 0 && report.problems.length === 0 ? '<p class="verdict ok">No problems found</p>' : `<p class="verdict ${findings.error > 0 ? 'bad' : 'warn'}">${esc(plural(total, 'finding'))}${total ? ` <span class="muted">(${esc(severityCounts(findings))})</span>` : ''}${report.problems.length ? ` · ${esc(plural(report.problems.length, 'input problem'))}` : ''}</p>`;
  const pills = SEVERITIES.map(
    (s) => `<label class="pill sev-${s}"><input type="checkbox" data-filter="${s}" checked> ${findings[s]} ${s === 'info' ? 'info' : s + (findings[s] === 1 ? '' : 's')}</label>`,
  ).join('');
  const against = report.xen && hosts === undefined ? `<span>Xen ${esc(report.xen.version.replace(/\+.*$/, ''))} <span class="muted">(from ${esc(report.xen.source)})</span></span>` : '';
  return `<header>
<div class="brand"><span class="logo" aria-hidden="true">X</span><h1>${esc(title)}</h1></div>
${verdict}
<div class="meta">${hosts !== undefined ? `<span>${esc(plural(hosts, 'host'))}</span>` : ''}${against}<span>Checks: ${esc(statusCounts(countStatuses(report)))}</span></div>
${(report.notes ?? []).length > 0 ? `<ul class="notes">${report.notes!.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
<div class="filters" role="group" aria-label="Show findings of severity">${pills}</div>
</header>`;
}

/** Hosts × checks: one cell per outcome, coloured by status and worst severity, linking to the host's check. */
function matrix(parts: Part[], columns: Map<string, number>): string {
  const ids = [...columns.keys()];
  const head = ids.map((id) => `<th scope="col"><span>${esc(id)}</span></th>`).join('');
  const rows = parts
    .map((p, hi) => {
      const cells = ids
        .map((id, ci) => {
          const o = p.report.checks.find((c) => c.id === id);
          if (!o) return '<td class="cell none" title="not run"></td>';
          const worst = worstSeverity(o.findings);
          const mark = o.status === 'fail' ? String(o.findings.length) : o.status === 'pass' ? '✓' : o.status === 'error' ? '!' : o.status === 'skipped' ? '–' : '·';
          const tip = `${p.host.name} · ${id}: ${STATUS_LABEL[o.status]}${o.status === 'fail' ? ` (${plural(o.findings.length, 'finding')})` : o.reason ? ` — ${o.reason}` : ''}`;
          return `<td class="cell s-${o.status}${worst ? ` sev-${worst}` : ''}"><a href="#h${hi}-c${ci}" title="${esc(tip)}">${esc(mark)}</a></td>`;
        })
        .join('');
      const f = countFindings(p.report);
      return `<tr><th scope="row"><a href="#h${hi}">${esc(p.host.name)}</a><small>${esc(f.error)} / ${esc(f.warning)} / ${esc(f.info)}</small></th>${cells}</tr>`;
    })
    .join('\n');
  return `<section class="card" id="matrix">
<h2>Hosts × checks</h2>
<div class="matrix-wrap"><table class="matrix"><thead><tr><th class="corner">host <small>errors / warnings / info</small></th>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>
<p class="legend"><span class="cell-key s-fail sev-error">2</span> findings (worst error) <span class="cell-key s-fail sev-warning">1</span> warning <span class="cell-key s-pass">✓</span> passed <span class="cell-key s-skipped">–</span> skipped <span class="cell-key s-not-applicable">·</span> not applicable <span class="cell-key s-error">!</span> could not run</p>
</section>`;
}

function worstSeverity(findings: ReportedFinding[]): Severity | undefined {
  return SEVERITIES.find((s) => findings.some((f) => f.severity === s));
}

function* hostSection(p: Part, hi: number, opts: FormatOptions, columns: Map<string, number>): Generator<string> {
  const r = p.report;
  const f = countFindings(r);
  const xen = p.host.xen ? `Xen ${esc(p.host.xen.version.replace(/\+.*$/, ''))}` : '';
  const sub = [p.host.root ? esc(displayPath(p.host.root, opts.cwd)) : '', xen].filter((s) => s !== '').join(' · ');
  const heading = `<h2>${esc(p.host.name)}${sub ? ` <small>${sub}</small>` : ''}</h2>`;
  const guests = byGuest(r, opts);
  yield `<section class="card host" id="h${hi}">
${heading}
<p class="counts"><span class="count sev-error">${f.error} error${f.error === 1 ? '' : 's'}</span><span class="count sev-warning">${f.warning} warning${f.warning === 1 ? '' : 's'}</span><span class="count sev-info">${f.info} info</span></p>
`;
  if (r.memory) yield* memoryBar(r.memory);
  yield `\n${checkGrid(r, hi, opts, columns, guests.worstOfCheck)}\n`;
  yield* guests.cards();
  yield `\n${problems(r, opts)}\n</section>`;
}

function* memoryBar(m: MemoryView): Generator<string> {
  const starting = m.guests.filter((g) => g.autostart);
  const others = m.guests.filter((g) => !g.autostart);
  let started = 0;
  for (const g of starting) started += g.mib;
  const committed = (m.dom0MiB ?? 0) + started;
  const scale = Math.max(m.totalMiB, committed, 1);
  const pct = (mib: number) => `${((mib / scale) * 100).toFixed(3)}%`;
  const over = committed > m.totalMiB;
  const share = Math.round((committed / Math.max(m.totalMiB, 1)) * 100);
  yield `<div class="memory">
<h3>Memory <span class="${over ? 'bad' : 'muted'}">${esc(committed)} MiB committed of ${esc(m.totalMiB)} MiB RAM (${esc(share)}%)${over ? ` — over by ${esc(committed - m.totalMiB)} MiB` : ''}</span></h3>
<div class="bar${over ? ' over' : ''}" role="img" aria-label="${esc(`${committed} MiB of ${m.totalMiB} MiB committed`)}">`;
  if (m.dom0MiB !== undefined) yield `<span class="seg dom0" style="width:${pct(m.dom0MiB)}" title="${esc(`dom0: ${m.dom0MiB} MiB (${m.dom0Source})`)}"></span>`;
  for (const [i, g] of starting.entries()) yield `<span class="seg g${i % 6}" style="width:${pct(g.mib)}" title="${esc(`${g.name}: ${g.mib} MiB`)}"></span>`;
  yield `${over ? `<span class="overflow" style="left:${pct(m.totalMiB)}" title="${esc(`over RAM by ${committed - m.totalMiB} MiB`)}"></span>` : ''}<span class="ram" style="left:${pct(m.totalMiB)}" title="${esc(`RAM: ${m.totalMiB} MiB`)}"></span></div>
<ul class="mem-legend">`;
  yield m.dom0MiB !== undefined ? `<li><i class="dom0"></i>dom0 ${esc(m.dom0MiB)} MiB <span class="muted">(${esc(m.dom0Source)})</span></li>` : `<li class="muted">dom0 size unknown: not counted</li>`;
  for (const [i, g] of starting.entries()) yield `<li><i class="g${i % 6}"></i>${esc(g.name)} ${esc(g.mib)} MiB</li>`;
  yield '</ul>\n';
  if (others.length) {
    yield '<p class="muted small">Not started with the host: ';
    for (const [i, g] of others.entries()) yield `${i > 0 ? ', ' : ''}${esc(g.name)} ${esc(g.mib)} MiB`;
    yield `${m.freeMiB !== undefined ? ` · free now: ${esc(m.freeMiB)} MiB` : ''}</p>`;
  } else if (m.freeMiB !== undefined) {
    yield `<p class="muted small">Free now: ${esc(m.freeMiB)} MiB</p>`;
  }
  yield '\n</div>';
}

function checkGrid(r: RunReport, hi: number, opts: FormatOptions, columns: Map<string, number>, worstOf: (check: number) => Severity | undefined): string {
  const counts = countStatuses(r);
  const chips = r.checks
    .map((o, i) => {
      const ci = columns.get(o.id) ?? i;
      const href = safeHref(opts.rules.get(o.id)?.helpUri);
      const tip = `${o.title}${o.reason ? ` — ${o.reason}` : ''}`;
      const worst = worstOf(i);
      const label = `${esc(o.id)}${o.status === 'fail' ? ` <b>${o.findings.length}</b>` : ''}`;
      return `<li class="chip s-${o.status}${worst ? ` sev-${worst}` : ''}" id="h${hi}-c${ci}" title="${esc(tip)}">${href ? `<a href="${esc(href)}">${label}</a>` : label}</li>`;
    })
    .join('');
  return `<details class="checks"${r.checks.some((o) => o.status === 'error') ? ' open' : ''}>
<summary>Checks: ${esc(statusCounts(counts))}</summary>
<ul class="chips">${chips}</ul>
</details>`;
}

/** Which of SEVERITIES a list of findings has, a bit each (1: error, 2: warning, 4: info). */
function severityBits(severity: string): number {
  const i = (SEVERITIES as string[]).indexOf(severity);
  return i < 0 ? 0 : 1 << i;
}

function worstOfBits(bits: number): Severity | undefined {
  return SEVERITIES.find((_, i) => (bits & (1 << i)) !== 0);
}

/**
 * The host's findings by guest (the host's own by file). The first reading
 * keeps, of each finding, its group's number, and of each group its key and
 * which severities it has (and so of each check); each guest's card then reads
 * its findings again, when it is written.
 */
function byGuest(r: RunReport, opts: FormatOptions): { worstOfCheck: (check: number) => Severity | undefined; cards: () => Generator<string> } {
  const starts: number[] = [];
  let total = 0;
  for (const o of r.checks) {
    starts.push(total);
    total += o.findings.length;
  }
  const groupOf = new Int32Array(total);
  const keys: string[] = [];
  const index = new Map<string, number>();
  let bits = new Uint8Array(64);
  const checkBits = new Uint8Array(r.checks.length);
  let n = 0;
  r.checks.forEach((o, c) => {
    const findings = o.findings;
    for (let i = 0; i < findings.length; i++, n++) {
      const f = findings[i]!;
      const key = f.domain !== undefined ? `guest\u0000${f.domain}` : `host\u0000${f.file ?? ''}`;
      let g = index.get(key);
      if (g === undefined) {
        g = keys.push(key) - 1;
        index.set(key, g);
        if (g === bits.length) bits = grown(bits);
      }
      const bit = severityBits(f.severity);
      bits[g]! |= bit;
      checkBits[c]! |= bit;
      groupOf[n] = g;
    }
  });
  index.clear();
  const finding = (at: number): ReportedFinding => {
    let c = 0;
    while (c + 1 < starts.length && at >= starts[c + 1]!) c++;
    return r.checks[c]!.findings[at - starts[c]!]!;
  };
  return {
    worstOfCheck: (c) => worstOfBits(checkBits[c]!),
    cards: function* () {
      if (total === 0) {
        yield '<p class="none">No findings on this host.</p>';
        return;
      }
      const title = (g: number): string => (keys[g]!.startsWith('guest\u0000') ? keys[g]!.slice(6) : 'Host');
      // Guests with errors first; the host's own findings after its guests' when equal.
      const rank = (g: number): number => {
        const worst = worstOfBits(bits[g]!);
        return (worst === 'error' ? 0 : worst === 'warning' ? 10 : 20) + (title(g) === 'Host' ? 1 : 0);
      };
      const ranks = Int32Array.from(keys, (_, g) => rank(g));
      const order = Array.from(keys, (_, g) => g).sort((a, b) => ranks[a]! - ranks[b]! || (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
      const members = membersOf(groupOf, keys.length);
      yield '<div class="guests">';
      for (const [k, g] of order.entries()) {
        const own = [...members.of(g)].map(finding);
        yield `${k > 0 ? '\n' : ''}${guestCard(title(g), own, worstOfBits(bits[g]!) ?? 'info', opts)}`;
      }
      yield '</div>';
    },
  };
}

/** A guest's card: its findings, worst first, then by line; the file of the first of them beside its name. */
function guestCard(title: string, findings: ReportedFinding[], worst: Severity, opts: FormatOptions): string {
  const file = findings[0]!.file || undefined;
  const sorted = findings.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || (position(a.line) ?? 0) - (position(b.line) ?? 0));
  return `<article class="guest worst-${worst}">
<h3>${esc(title)}${file ? ` <span class="file">${esc(displayPath(file, opts.cwd))}</span>` : ''}</h3>
<ul class="findings">
${sorted.map((f) => findingItem(f, opts.rules.get(f.check), file)).join('\n')}
</ul>
</article>`;
}

function findingItem(f: ReportedFinding, meta: RuleMeta | undefined, groupFile: string | undefined): string {
  const href = safeHref(meta?.helpUri);
  const line = position(f.line);
  const col = position(f.column);
  const at = line !== undefined ? `${line}${col !== undefined ? `:${col}` : ''}` : '';
  const where = f.file && f.file !== groupFile ? `${f.file}${at ? `:${at}` : ''}` : at ? `line ${at}` : '';
  const rule = href ? `<a class="rule" href="${esc(href)}" title="${esc(meta?.title ?? f.check)}">${esc(f.check)}</a>` : `<span class="rule">${esc(f.check)}</span>`;
  const evidence = f.evidence && Object.keys(f.evidence).length > 0
    ? `<dl>${Object.entries(f.evidence).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`
    : '';
  const more = f.remediation || evidence ? `<details><summary>How to fix${evidence ? ' · evidence' : ''}</summary>${f.remediation ? `<p class="fix">${esc(f.remediation)}</p>` : ''}${evidence}</details>` : '';
  return `<li class="finding sev-${esc(f.severity)}" data-severity="${esc(f.severity)}" data-fingerprint="${esc(f.fingerprint)}">
<span class="sev">${esc(f.severity)}</span>
<div class="body"><p class="msg">${esc(f.message)}${f.unverified ? ' <span class="tag">unverified</span>' : ''}</p>
<p class="where">${rule}${where ? ` <span class="loc">${esc(where)}</span>` : ''}</p>${more}</div>
</li>`;
}

function problems(r: RunReport, opts: FormatOptions): string {
  if (r.problems.length === 0) return '';
  return `<div class="problems"><h3>Input problems</h3><ul>${r.problems
    .map((p) => `<li><span class="loc">${esc(p.file ? displayPath(p.file, opts.cwd) : 'input')}${position(p.line) ? `:${position(p.line)}` : ''}</span> ${esc(p.message)}</li>`)
    .join('')}</ul></div>`;
}

const SCRIPT = `
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); document.body.setAttribute('data-errors', errors.join(' | ')); });
  var boxes = document.querySelectorAll('input[data-filter]');
  function apply() {
    for (var i = 0; i < boxes.length; i++) document.body.classList.toggle('hide-' + boxes[i].getAttribute('data-filter'), !boxes[i].checked);
  }
  for (var i = 0; i < boxes.length; i++) boxes[i].addEventListener('change', apply);
  apply();
  document.body.setAttribute('data-js', 'ok');
})();
`;

const CSS = `
:root{--bg:#f5f6f8;--card:#fff;--ink:#1f2328;--muted:#656d76;--line:#d8dee4;--err:#cf222e;--warn:#9a6700;--warnbg:#fff8c5;--info:#0969da;--ok:#1a7f37;--skip:#8c959f;--na:#d0d7de;--broken:#8250df}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 20px 40px}
h1{font-size:22px;margin:0}h2{font-size:18px;margin:0 0 8px}h2 small{font-weight:400;color:var(--muted);font-size:13px;margin-left:6px}
h3{font-size:15px;margin:0 0 6px}
a{color:var(--info);text-decoration:none}a:hover{text-decoration:underline}
.muted{color:var(--muted)}.small{font-size:12px}.bad{color:var(--err)}
header{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin-bottom:16px;display:grid;grid-template-columns:1fr auto;gap:6px 16px;align-items:center}
.brand{display:flex;gap:10px;align-items:center}
.logo{display:inline-grid;place-items:center;width:30px;height:30px;border-radius:7px;background:linear-gradient(135deg,#1f6feb,#8250df);color:#fff;font-weight:700}
.verdict{margin:0;font-size:16px;font-weight:600;justify-self:end}.verdict.ok{color:var(--ok)}.verdict.bad{color:var(--err)}.verdict.warn{color:var(--warn)}
.meta{color:var(--muted);display:flex;gap:14px;flex-wrap:wrap}
.filters{display:flex;gap:6px;justify-self:end;grid-column:2;grid-row:2}
.notes{grid-column:1/-1;margin:4px 0 0;padding-left:18px;color:var(--muted);font-size:12px}
.pill{border:1px solid var(--line);border-radius:999px;padding:2px 10px;font-size:12px;cursor:pointer;user-select:none;background:#fff}
.pill input{margin:0 4px 0 0;vertical-align:-1px}
.pill.sev-error{border-color:#ffcecb;background:#ffebe9}.pill.sev-warning{border-color:#eed888;background:var(--warnbg)}.pill.sev-info{border-color:#b6e3ff;background:#ddf4ff}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin-bottom:16px}
.matrix-wrap{overflow-x:auto}
table.matrix{border-collapse:separate;border-spacing:3px}
.matrix th{font-weight:500;text-align:left;white-space:nowrap}
.matrix thead th{vertical-align:bottom;height:150px;padding:0}
.matrix thead th span{display:inline-block;writing-mode:vertical-rl;transform:rotate(180deg);font-size:12px;color:var(--muted);padding:4px 0}
.matrix th.corner{writing-mode:horizontal-tb;color:var(--muted);font-size:12px;vertical-align:bottom}
.matrix th small,.corner small{display:block;color:var(--muted);font-size:11px;font-weight:400}
.matrix tbody th{padding-right:12px}
.cell{width:26px;height:26px;text-align:center;border-radius:5px;font-size:12px;font-weight:600;padding:0}
.cell a{display:block;line-height:26px;color:inherit;text-decoration:none}
.cell.none{background:transparent}
.s-pass{background:#dafbe1;color:var(--ok)}.s-skipped{background:#f0f2f4;color:var(--skip)}.s-not-applicable{background:#f6f8fa;color:#afb8c1}
.s-error{background:#fbefff;color:var(--broken)}
.s-fail.sev-error{background:var(--err);color:#fff}.s-fail.sev-warning{background:#d4a72c;color:#fff}.s-fail.sev-info{background:#54aeff;color:#fff}
.legend{color:var(--muted);font-size:12px;display:flex;gap:10px;flex-wrap:wrap;align-items:center;margin:8px 0 0}
.cell-key{display:inline-block;min-width:20px;height:20px;line-height:20px;text-align:center;border-radius:4px;font-weight:600;font-size:11px;margin-right:2px}
.counts{display:flex;gap:8px;margin:0 0 12px}
.count{font-size:12px;border-radius:999px;padding:1px 10px;background:#f6f8fa;color:var(--muted)}
.count.sev-error{color:var(--err)}.count.sev-warning{color:var(--warn)}.count.sev-info{color:var(--info)}
.memory{margin:6px 0 14px}
.memory h3 span{font-weight:400;font-size:13px;margin-left:6px}
.bar{position:relative;display:flex;height:22px;border-radius:6px;background:#eaeef2;overflow:visible;box-shadow:inset 0 0 0 1px #d0d7de}
.bar .seg{height:100%;border-right:1px solid rgba(255,255,255,.7)}.bar .seg:first-child{border-radius:6px 0 0 6px}
.bar .ram{position:absolute;top:-4px;bottom:-4px;width:2px;background:var(--ink);margin-left:-1px}
.bar.over .ram{background:var(--err)}
.bar .overflow{position:absolute;top:0;bottom:0;right:0;border-radius:0 6px 6px 0;background:repeating-linear-gradient(135deg,rgba(207,34,46,.55) 0 6px,rgba(255,255,255,.35) 6px 12px)}.bar.over{box-shadow:inset 0 0 0 1px var(--err)}
.dom0{background:#57606a}.g0{background:#218bff}.g1{background:#54aeff}.g2{background:#8250df}.g3{background:#bf8700}.g4{background:#1a7f37}.g5{background:#bc4c00}
.mem-legend{list-style:none;padding:0;margin:8px 0 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
.mem-legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
details.checks{margin:0 0 14px}
details.checks summary{cursor:pointer;color:var(--muted)}
.chips{list-style:none;padding:0;margin:8px 0 0;display:flex;flex-wrap:wrap;gap:5px}
.chip{font-size:12px;border-radius:5px;padding:1px 8px}.chip a{color:inherit}
.chip b{margin-left:4px}
.chip.s-fail.sev-error,.chip.s-fail.sev-warning,.chip.s-fail.sev-info{color:#fff}
.guests{display:grid;gap:10px}
.guest{border:1px solid var(--line);border-left:4px solid var(--skip);border-radius:8px;padding:10px 14px}
.guest.worst-error{border-left-color:var(--err)}.guest.worst-warning{border-left-color:#d4a72c}.guest.worst-info{border-left-color:#54aeff}
.guest .file{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted);font-weight:400;margin-left:6px}
.findings{list-style:none;margin:0;padding:0}
.finding{display:grid;grid-template-columns:74px 1fr;gap:10px;padding:7px 0;border-top:1px solid #eaeef2}
.finding:first-child{border-top:0}
.sev{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.03em;border-radius:4px;padding:1px 0;text-align:center;height:fit-content;margin-top:2px}
.sev-error .sev{background:#ffebe9;color:var(--err)}.sev-warning .sev{background:var(--warnbg);color:var(--warn)}.sev-info .sev{background:#ddf4ff;color:var(--info)}
.msg{margin:0;overflow-wrap:anywhere}
.where{margin:2px 0 0;font-size:12px;color:var(--muted)}
.rule{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.loc{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted);margin-left:6px;overflow-wrap:anywhere}
.tag{font-size:11px;border:1px solid var(--line);border-radius:4px;padding:0 5px;color:var(--muted)}
.finding details{margin-top:4px;font-size:13px}.finding details summary{cursor:pointer;color:var(--muted);font-size:12px}
.fix{margin:4px 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:1px 12px;margin:4px 0;font-size:12px}
dt{color:var(--muted);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}dd{margin:0;overflow-wrap:anywhere}
.none{color:var(--ok);margin:0}
.problems{margin-top:12px;border:1px solid #ffcecb;background:#fff5f5;border-radius:8px;padding:8px 14px}
.problems ul{margin:0;padding-left:18px}
footer{color:var(--muted);font-size:12px;text-align:center}
body.hide-error .finding.sev-error,body.hide-warning .finding.sev-warning,body.hide-info .finding.sev-info{display:none}
@media print{.filters{display:none}details{display:block}body{background:#fff}}
`;
