/**
 * The built-in cross-guest checks fold their guests' summaries as the guests
 * arrive (Check.fold) instead of keeping every summary for `across`. The fold
 * must report exactly what the array form reported: the same findings, in the
 * same order, the same statuses and reasons. The oracle is each check as it
 * was in the array form (test/checks/reference/, copied from before the fold),
 * run on generated guests through the engine beside the built-in check.
 */
import t from 'tap';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import type { Check, CheckOutcome } from '../../checks/api.js';
import type { DomainFacts } from '../../cli/model/facts.js';
import { runChecks } from '../../cli/engine/engine.js';
import duplicateGuest from '../../checks/duplicate-guest.js';
import vifSpec from '../../checks/vif-spec.js';
import sharedWritableDisk from '../../checks/shared-writable-disk.js';
import memoryFit from '../../checks/memory-fit.js';
import duplicateGuestArray from './reference/duplicate-guest.js';
import vifSpecArray from './reference/vif-spec.js';
import sharedWritableDiskArray from './reference/shared-writable-disk.js';
import memoryFitArray from './reference/memory-fit.js';
import { domainFromText, facts, host } from '../helpers/facts.js';
import type { Facts } from '../../cli/model/facts.js';
import { setKeyHashForTesting, setRecordBlockForTesting } from '../../cli/model/record-log.js';

interface Setting {
  hostSide?: Omit<Facts, 'domains'>;
  options?: Record<string, unknown>;
}

function outcomes(check: Check, domains: DomainFacts[], command: 'lint' | 'check', xen?: string, setting: Setting = {}): Array<Omit<CheckOutcome, 'durationMs'>> {
  const f = { ...(setting.hostSide ? structuredClone(setting.hostSide) : facts()), domains: structuredClone(domains) };
  const settings = new Map([[check.id, setting.options ? { options: setting.options } : {}]]);
  return runChecks([check], f, { command, settings, ...(xen ? { xen: { version: xen, source: 'test' } } : {}) }).checks.map(({ durationMs: _, ...o }) => o);
}

/** Runs both forms on each generated set of guests; counts the sets where the check found something across guests. */
function sameAsArray(
  t: { ok(v: boolean, m: string): void },
  folded: Check,
  array: Check,
  guests: fc.Arbitrary<DomainFacts[]>,
  crossGuest: (o: Array<Omit<CheckOutcome, 'durationMs'>>) => boolean,
  settings: fc.Arbitrary<Setting> = fc.constant({}),
): void {
  for (const variant of VARIANTS) {
    let found = 0;
    const undo = variant.apply();
    try {
      fc.assert(
        fc.property(guests, fc.constantFrom<'lint' | 'check'>('lint', 'check'), fc.constantFrom(undefined, '3.4.0', '4.17.0'), settings, (domains, command, xen, setting) => {
          const o = outcomes(folded, domains, command, xen, setting);
          assert.deepStrictEqual(o, outcomes(array, domains, command, xen, setting));
          if (crossGuest(o)) found++;
        }),
        { numRuns: 150 },
      );
    } finally {
      undo();
    }
    t.ok(found > 20, `the same outcomes${variant.label}; ${found} of 150 runs had cross-guest findings`);
  }
}

/**
 * The folds keep their records off the heap (cli/model/record-log.ts): in
 * memory until a block fills, then in a temporary file, or held in memory
 * where TMPDIR names no folder; keys by hash, checked against the record.
 * Small blocks and one hash for every key make every run go through each.
 */
const VARIANTS: Array<{ label: string; apply: () => () => void }> = [
  { label: '', apply: () => () => {} },
  {
    label: ' (records in a temporary file, every key of one hash)',
    apply: () => {
      const block = setRecordBlockForTesting(64);
      const hash = setKeyHashForTesting(() => 7);
      return () => {
        setRecordBlockForTesting(block);
        setKeyHashForTesting(hash);
      };
    },
  },
  {
    label: ' (records held in memory: no TMPDIR folder)',
    apply: () => {
      const block = setRecordBlockForTesting(64);
      const tmp = process.env['TMPDIR'];
      process.env['TMPDIR'] = '/nonexistent/xenlint-test-no-tmpdir';
      return () => {
        setRecordBlockForTesting(block);
        if (tmp === undefined) delete process.env['TMPDIR'];
        else process.env['TMPDIR'] = tmp;
      };
    },
  },
];

const has = (...ids: string[]) => (o: Array<Omit<CheckOutcome, 'durationMs'>>) => o[0]!.findings.some((f) => ids.includes(f.messageId ?? ''));

/** A config of the given body lines, at a file name of its own (or, now and then, another guest's: one guest read twice). */
function configs(bodies: fc.Arbitrary<string>, dialect: fc.Arbitrary<'xl' | 'xm'> = fc.constantFrom('xl', 'xm')): fc.Arbitrary<DomainFacts[]> {
  return fc
    .array(fc.record({ body: bodies, dialect, file: fc.nat(9), pad: fc.nat(2) }), { maxLength: 9 })
    .map((gs) => gs.map((g, i) => domainFromText(`${'# pad\n'.repeat(g.pad)}${g.body}`, g.dialect, `/etc/xen/${g.file < 8 ? `g${i}` : `g${g.file - 8}`}.cfg`)));
}

t.test('duplicate-guest: the fold reports what the array form did', async (t) => {
  const name = fc.constantFrom('web', 'db', ' web', 'mail', '');
  const uuid = fc.constantFrom('5f3a0c4e-8d21-4c55-9b7e-1a2b3c4d5e6f', '5F3A0C4E8D214C559B7E1A2B3C4D5E6F', '00000000-0000-0000-0000-000000000001', ' ');
  const body = fc
    .record({ name: fc.option(name, { nil: undefined }), uuid: fc.option(uuid, { nil: undefined }), uuidFirst: fc.boolean() })
    .map((g) => {
      const lines = [g.name !== undefined ? `name = "${g.name}"` : undefined, "bootloader = 'pygrub'", g.uuid !== undefined ? `uuid = "${g.uuid}"` : undefined].filter((l) => l !== undefined);
      if (g.uuidFirst) lines.reverse();
      return `${lines.join('\n')}\n`;
    });
  sameAsArray(t, duplicateGuest, duplicateGuestArray, configs(body), has('duplicate-name', 'duplicate-uuid'));
});

t.test('vif-spec: the fold reports what the array form did', async (t) => {
  const mac = fc.constantFrom('00:16:3e:00:00:01', '00:16:3E:00:00:01', '00:16:3e:00:00:02', '00:11:22:33:44:55');
  const vif = fc
    .record({ mac: fc.option(mac, { nil: undefined }), bridge: fc.option(fc.constantFrom('xenbr0', 'xenbr1'), { nil: undefined }) })
    .map((v) => [v.mac !== undefined ? `mac=${v.mac}` : undefined, v.bridge !== undefined ? `bridge=${v.bridge}` : undefined].filter((x) => x !== undefined).join(','));
  const body = fc
    .record({ name: fc.constantFrom('web', 'db', 'mail'), vifs: fc.array(vif, { maxLength: 3 }), oneLine: fc.boolean() })
    .map((g) => `name = "${g.name}"\nbootloader = 'pygrub'\nvif = [ ${g.vifs.map((v) => `'${v}'`).join(g.oneLine ? ', ' : ',\n  ')} ]\n`);
  sameAsArray(t, vifSpec, vifSpecArray, configs(body), has('shared-mac', 'shared-mac-other-bridge'));
});

t.test('shared-writable-disk: the fold reports what the array form did', async (t) => {
  const target = fc.constantFrom('phy:/dev/vg/a', 'phy:vg/a', '/dev/vg/a', 'file:/srv/a.img', 'file:/srv/./a.img', 'phy:/dev/mapper/vg-a', 'iscsi:iqn.x');
  const disk = fc.record({ target, vdev: fc.constantFrom('xvda', 'xvdb', 'xvdc', 'hdc:cdrom'), access: fc.constantFrom('w', 'w', 'w', 'r', 'w!', 'rw') });
  const body = fc
    .record({
      name: fc.constantFrom('web', 'db', 'mail', 'backup'),
      disks: fc.array(disk, { minLength: 1, maxLength: 3 }),
      cluster: fc.option(fc.nat(2), { nil: undefined }),
      oneLine: fc.boolean(),
    })
    .map((g) => {
      const items = g.disks.map((d) => `'${d.target},${d.vdev},${d.access}'`);
      const note = g.cluster !== undefined && g.disks[g.cluster] ? `# xenlint: cluster-fs=${g.disks[g.cluster]!.vdev}:ocfs2\n` : '';
      return `name = "${g.name}"\nbootloader = 'pygrub'\n${note}disk = [ ${items.join(g.oneLine ? ', ' : ',\n  ')} ]\n`;
    });
  // On a host, symlinks resolved: /dev/vg/a and /dev/mapper/vg-a are one device.
  const resolving = configs(body).map((ds) => {
    for (const d of ds) for (const k of d.disks) if (k.target !== undefined && /vg.a$/.test(k.target)) k.resolvedPath = '/dev/dm-3';
    return ds;
  });
  sameAsArray(t, sharedWritableDisk, sharedWritableDiskArray, fc.oneof(configs(body), resolving), has('shared-writable'));
});

t.test('memory-fit: the fold reports what the array form did', async (t) => {
  // Now and then long names, some characters outside the BMP: nine guests' arithmetic and list of
  // guests pass the 1 000 characters the report keeps of a value (CutText makes only that much).
  const name = fc
    .record({ base: fc.constantFrom('web', 'db', 'mail', 'backup'), long: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined, freq: 3 }) })
    .map((n) => (n.long !== undefined ? `${n.base}-${'\u00e9\u{1f600}x'.repeat(n.long)}` : n.base));
  const body = fc
    .record({
      name,
      memory: fc.option(fc.constantFrom(512, 2048, 8192), { nil: undefined }),
      maxmem: fc.option(fc.constantFrom(1024, 4096), { nil: undefined }),
      hvm: fc.boolean(),
      autostart: fc.option(fc.constantFrom('yes', 'no'), { nil: undefined }),
    })
    .map((g) =>
      [
        g.autostart !== undefined ? `# xenlint: autostart=${g.autostart}` : undefined,
        `name = "${g.name}"`,
        g.hvm ? "builder = 'hvm'" : "bootloader = 'pygrub'",
        g.memory !== undefined ? `memory = ${g.memory}` : undefined,
        g.maxmem !== undefined ? `maxmem = ${g.maxmem}` : undefined,
      ]
        .filter((l) => l !== undefined)
        .join('\n') + '\n',
    );
  const setting = fc.record({
    total: fc.option(fc.constantFrom(4096, 16384, 65536), { nil: undefined }),
    free: fc.option(fc.constantFrom(1000, 3000, 9000), { nil: undefined }),
    running: fc.option(fc.subarray(['web', 'db', 'mail']), { nil: undefined }),
    deploy: fc.option(fc.subarray(['web', 'db', 'nosuch']), { nil: undefined }),
    overheadPercent: fc.constantFrom(0, 10),
    dom0: fc.option(fc.constantFrom(1024, 4096), { nil: undefined }),
  }).map((x): Setting => {
    const hostSide = facts({
      host: host('4.17.0', { ...(x.total !== undefined ? { totalMemoryMiB: x.total } : {}), ...(x.free !== undefined ? { freeMemoryMiB: x.free } : {}) }),
      ...(x.running !== undefined || x.dom0 !== undefined
        ? { dom0: { ...(x.running !== undefined ? { running: x.running.map((name) => ({ name })) } : {}), ...(x.dom0 !== undefined ? { memoryMiB: x.dom0 } : {}) } as never }
        : {}),
    });
    delete hostSide.domains;
    return { hostSide, options: { overheadPercent: x.overheadPercent, ...(x.deploy !== undefined ? { deploy: x.deploy } : {}) } };
  });
  sameAsArray(t, memoryFit, memoryFitArray, configs(body), has('autostart-overcommit', 'autostart-overcommit-if-dom0-balloons', 'no-room', 'no-room-unless-dom0-balloons'), setting);
});
