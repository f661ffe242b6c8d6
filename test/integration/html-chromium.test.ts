/**
 * The HTML report of the sample fleet rendered by Debian's headless Chromium:
 * the DOM it builds holds every finding, the page's script ran without an
 * error, nothing a config says became markup, and a screenshot is kept as an
 * artifact (test/integration/artifacts/, not committed) for a person to look at.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { requireTool } from '../helpers/external-tool.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/xenlint.js');
const ARTIFACTS = join(ROOT, 'test/integration/artifacts');
const EVIL = '<img src=x onerror="document.title=1">';

t.setTimeout(600_000);

/** Chromium with nothing of its own running: no network, no sync, a new profile. */
function chromium(bin: string, profile: string, extra: string[], url: string): { status: number | null; stdout: string; stderr: string } {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    ...extra,
    url,
  ];
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 180_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Text of serialised HTML, entities decoded, whitespace folded: what a reader sees. */
function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

t.test('the fleet report in headless Chromium', async (t) => {
  const bin = requireTool(t, '/usr/bin/chromium', 'Debian package chromium');
  if (!bin) return;
  const dir = tempDir('xenlint-html-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));

  // The sample fleet, plus a guest whose config is written to break the page.
  const fleet = join(dir, 'fleet');
  cpSync(join(ROOT, 'samples/hosts'), fleet, { recursive: true, verbatimSymlinks: true });
  writeFileSync(
    join(fleet, 'xen-4.17-credit2/etc/xen/evil.cfg'),
    `name = '${EVIL}'\nmemory = 1024\nkernel = "/boot/vmlinuz-6.1.0-21-amd64"\nvif = [ 'bridge=${EVIL}' ]\n`,
  );
  const page = join(dir, 'fleet.html');
  const html = spawnSync(process.execPath, [BIN, 'check', '--root', fleet, '--format', 'html', '--output', page], { encoding: 'utf8' });
  t.equal(html.status, 1, `the fleet has findings${html.stderr ? `: ${html.stderr}` : ''}`);
  const json = spawnSync(process.execPath, [BIN, 'check', '--root', fleet, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(json.stdout);
  const findings: Array<{ message: string; fingerprint: string; host: string }> = report.checks.flatMap((c: { findings: unknown[] }) => c.findings);
  t.ok(findings.some((f) => f.message.includes(EVIL)), 'the hostile guest has findings of its own');

  const dom = chromium(bin, join(dir, 'profile-dom'), ['--dump-dom'], pathToFileURL(page).href);
  t.equal(dom.status, 0, `chromium --dump-dom${dom.status === 0 ? '' : `: ${dom.stderr.slice(-2000)}`}`);
  t.match(dom.stdout, /<body[^>]*data-js="ok"/, "the page's script ran to its end");
  t.notMatch(dom.stdout, /data-errors=/, 'no script error');
  t.notMatch(dom.stdout, /<img\b/i, 'nothing from a config became an element');
  t.notMatch(dom.stdout, /<title>1<\/title>/, 'no injected handler ran');
  const seen = text(dom.stdout);
  for (const f of findings) {
    t.ok(dom.stdout.includes(`data-fingerprint="${f.fingerprint}"`), `${f.host}: ${f.message.slice(0, 50)}… has its element`);
    t.ok(seen.includes(f.message.replace(/\s+/g, ' ')), `${f.host}: its message reads as written`);
  }
  t.equal((dom.stdout.match(/<li class="finding /g) ?? []).length, findings.length, 'every finding once, no more');
  for (const h of report.hosts) t.ok(seen.includes(h.name), `host ${h.name} shown`);

  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = join(ARTIFACTS, 'fleet-report.png');
  const png = chromium(bin, join(dir, 'profile-shot'), ['--window-size=1280,2400', '--hide-scrollbars', `--screenshot=${shot}`], pathToFileURL(page).href);
  t.equal(png.status, 0, `chromium --screenshot${png.status === 0 ? '' : `: ${png.stderr.slice(-2000)}`}`);
  const bytes = readFileSync(shot);
  t.same([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  t.ok(statSync(shot).size > 20_000, 'with something drawn on it');
  writeFileSync(join(ARTIFACTS, 'fleet-report.html'), readFileSync(page));
});
