/**
 * The bundled sample hosts as one fleet (`check --root samples/hosts`): each
 * host reports exactly what its expectations.yaml says, and the fleet checks
 * add what only the fleet shows — here a MAC planted on two hosts in a copy of
 * the samples, and the guests mail and web, which xen1, bookworm-xen and
 * trixie-xen each configure differently.
 */
import t from 'tap';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { load } from 'js-yaml';
import { builtinChecks } from '../../checks/index.js';
import { fleetReport } from '../../cli/commands/fleet.js';
import { FLEET_CHECKS } from '../../cli/fleet/checks.js';
import type { RunReport } from '../../checks/api.js';
import { fromRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const SAMPLES = fromRoot('samples/hosts/');
const prepared = { loaded: { config: {}, dir: SAMPLES }, checks: builtinChecks, settings: new Map() };
const FLEET_IDS = new Set(FLEET_CHECKS.map((c) => c.id));

interface Expected {
  check: string;
  severity: string;
  file: string | null;
  line: number | null;
  says: string;
}

function findingsOf(report: RunReport, host: string, fleet: boolean): Expected[] {
  return report.checks
    .filter((c) => c.host === host && FLEET_IDS.has(c.id) === fleet)
    .flatMap((c) => c.findings)
    .map((f) => ({ check: f.check, severity: f.severity, file: f.file ?? null, line: f.line ?? null, says: f.message.slice(0, 60) }))
    .sort((a, b) => `${a.file}:${String(a.line).padStart(5)}:${a.check}:${a.says}`.localeCompare(`${b.file}:${String(b.line).padStart(5)}:${b.check}:${b.says}`));
}

async function plantedFleet(): Promise<RunReport> {
  const dir = tempDir('xenlint-fleet-');
  try {
    cpSync(SAMPLES, dir, { recursive: true, verbatimSymlinks: true });
    // Planted: db on the 4.4 host gets the MAC of db64 on the 3.1 host (vhost2.example.com),
    // in its config and in the copy of it in /etc/xen/auto.
    for (const rel of ['etc/xen/db.cfg', 'etc/xen/auto/db.cfg']) {
      const db = join(dir, 'xen-4.4-xm-to-xl', rel);
      const text = readFileSync(db, 'utf8');
      if (!text.includes('mac=00:16:3e:71:0a:04')) throw new Error(`${rel}: the sample no longer has the MAC the test replaces`);
      writeFileSync(db, text.replace('mac=00:16:3e:71:0a:04', 'mac=00:16:3e:1c:42:10'));
    }
    return await fleetReport([dir], {}, prepared);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const report = await plantedFleet();

t.test('each host reports exactly its expectations', async (t) => {
  t.same(
    report.hosts!.map((h) => basename(h.root)),
    readdirSync(SAMPLES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort(),
    'every sample host',
  );
  for (const h of report.hosts!) {
    const want = load(readFileSync(join(SAMPLES, basename(h.root), 'expectations.yaml'), 'utf8')) as { findings: Expected[]; problems?: unknown[] };
    t.same(findingsOf(report, h.name, false), want.findings, `${h.name}: the findings of its expectations.yaml`);
    t.same(
      report.problems.filter((p) => p.host === h.name).map((p) => ({ file: p.file ?? null, message: p.message })),
      want.problems ?? [],
      `${h.name}: its input problems`,
    );
  }
  t.ok(report.checks.every((c) => c.host !== undefined && c.findings.every((f) => f.host === c.host)), 'every outcome and finding names its host');
});

t.test('the fleet checks find the planted MAC and the drifting configs, nothing else', async (t) => {
  const fleet = Object.fromEntries(report.hosts!.map((h) => [h.name, findingsOf(report, h.name, true)]));
  t.same(fleet['vhost2.example.com'], [
    { check: 'fleet-duplicate-mac', severity: 'error', file: '/etc/xen/db64', line: 12, says: 'db64: MAC 00:16:3e:1c:42:10 is also used by db on trusty-xen' },
  ]);
  t.same(fleet['trusty-xen'], [
    { check: 'fleet-duplicate-mac', severity: 'error', file: '/etc/xen/db.cfg', line: 8, says: 'db: MAC 00:16:3e:1c:42:10 is also used by db64 on vhost2.exa' },
  ]);
  // mail and web exist on xen1, bookworm-xen and trixie-xen, each time with another config.
  for (const host of ['xen1', 'bookworm-xen', 'trixie-xen']) {
    t.same(
      fleet[host]!.map((f) => [f.check, f.severity, f.file]),
      [
        ['fleet-config-drift', 'warning', '/etc/xen/mail.cfg'],
        ['fleet-config-drift', 'warning', '/etc/xen/web.cfg'],
      ],
      `${host}: mail and web differ from the other hosts' copies`,
    );
  }
  for (const id of ['fleet-duplicate-uuid', 'fleet-duplicate-name']) {
    t.ok(report.checks.filter((c) => c.id === id).every((c) => c.status === 'pass'), `${id} passes on every host`);
  }
});
