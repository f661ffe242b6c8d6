import { lstat, mkdir, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import type { Facts, Probe } from '../../cli/model/facts.js';
import { captureEvidence } from '../../cli/sources/capture.js';
import { gatherFacts } from '../../cli/sources/gather.js';
import { LiveSource } from '../../cli/sources/live-source.js';
import { RootSource } from '../../cli/sources/root-source.js';
import { type BytesResult, DETAIL, type EvidenceSource, failure } from '../../cli/sources/source.js';
import { describeErrors, validator } from '../../cli/settings/validators.js';
import { BIN, GiB, makeFakeHost, makeTempDir } from '../fixtures/gather/fake-host.js';

const host = await makeFakeHost();
t.teardown(host.cleanup);

/** Every path under `dir` with what identifies its content and metadata (not atime). */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p);
    const link = st.isSymbolicLink() ? await readlink(p) : '';
    out.set(path.relative(dir, p), `${st.mode}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${link}`);
    if (st.isDirectory()) for (const e of await readdir(p)) await walk(path.join(p, e));
  };
  await walk(dir);
  return out;
}

function probe(facts: Facts, name: string): Probe | undefined {
  return facts.probes.find((p) => p.name === name);
}

function withoutOrigin(f: Facts): Omit<Facts, 'origin' | 'root'> {
  const { origin: _o, root: _r, ...rest } = f;
  return rest;
}

const live = (binPath: string, fsRoot = host.root): LiveSource => new LiveSource({ fsRoot, path: binPath });

t.test('a live gather of the fake host', async (t) => {
  const before = await snapshot(host.base);
  const facts = await gatherFacts(live(BIN.xl));
  const after = await snapshot(host.base);
  t.same([...after], [...before], 'nothing in the host tree (or next to it) was created, removed or modified');

  t.equal(facts.origin, 'live');
  t.equal(facts.root, undefined);
  t.equal(facts.host?.source, 'xl info');
  t.equal(facts.host?.version, '4.4.1');
  t.equal(facts.host?.toolstack, 'xl', 'xend is not running');
  t.same(facts.host?.pvAbis, ['x86_64', 'x86_32p']);

  const d = facts.dom0;
  t.equal(d?.isDom0, true);
  t.equal(d?.kernelRelease, '3.16.0-4-amd64');
  t.equal(d?.cmdline, 'placeholder root=/dev/mapper/vg0-root ro quiet');
  t.ok(d?.modules?.includes('xen_netback'));
  t.ok(d?.cpuFlags?.includes('hypervisor'));
  t.same(d?.processes, ['cpufreqd', 'init', 'xenconsoled', 'xenstored'], 'comm, and stat where comm is missing');
  t.same(d?.cpufreq, { drivers: ['acpi-cpufreq'], governors: ['ondemand'] });
  t.same(d?.interfaces, ['eth0', 'lo', 'vif3.0', 'xenbr0']);
  t.same(d?.bridges, [{ name: 'xenbr0', ports: ['eth0', 'vif3.0'] }]);
  t.same(d?.netloop, { loaded: false }, 'modules and interfaces were read and show no netloop');
  t.equal(d?.xendConfig?.values['network-script'], 'network-bridge netdev=eth0');
  t.equal(d?.xendConfig?.values['vncpasswd'], 'REDACTED');
  t.equal(d?.xlConf?.values['vif.default.bridge'], 'xenbr0');
  t.equal(d?.memoryMiB, 2048, "dom0's row of xl list");
  t.same(d?.running, [
    { name: 'web', memoryMiB: 1024, vcpus: 2 },
    { name: 'win', memoryMiB: 4096, vcpus: 2 },
  ]);

  const names = facts.domains?.map((x) => `${x.name}:${x.file}:${x.autostart}`);
  t.same(
    names,
    ['db:/etc/xen/db.cfg:false', 'legacy:/etc/xen/legacy:true', 'web:/etc/xen/web.cfg:true', 'solo:/etc/xen/auto/solo.cfg:true'],
    'backups, examples, README, dotfiles, subdirectories and escaping links are not guests; auto/ marks autostart (link or copy), and an auto-only config is a guest',
  );
  const byName = Object.fromEntries((facts.domains ?? []).map((x) => [x.name, x]));
  t.same(byName['web']?.kernel, { path: '/boot/vmlinuz-3.16.0-4-amd64', source: 'elf', bits: 64, abi: 'x86_64', line: 3, column: 1 });
  t.same(byName['web']?.disks.map((x) => [x.sizeBytes, x.sizeSource]), [[10 * GiB, 'block-device']]);
  t.same(byName['db']?.disks.map((x) => [x.target, x.sizeBytes, x.sizeSource]), [
    ['/dev/vg0/db', 200 * GiB, 'block-device'],
    ['/srv/xen/db-data.qcow2', 50 * GiB, 'file'],
  ], 'an LV through two links, and a qcow2 by its header, not its file size');
  t.equal(byName['db']?.kernel, undefined, 'HVM: no PV kernel');
  t.same(byName['legacy']?.kernel, {
    path: '/boot/vmlinuz-2.6.18-xenU',
    source: 'unknown',
    reason: 'cannot read the kernel image /boot/vmlinuz-2.6.18-xenU: not found',
    line: 3,
    column: 1,
  });
  t.same(byName['legacy']?.disks.map((x) => [x.sizeBytes, x.sizeUnknown]), [
    [4 * GiB, undefined],
    [undefined, 'cannot measure /srv/xen/missing.img: not found'],
  ]);
  t.equal(byName['solo']?.kernel?.source, 'unknown', 'pygrub: the kernel is inside the guest');
  t.same(byName['solo']?.disks.map((x) => x.sizeBytes), [10 * GiB], 'phy:vg0/web is /dev/vg0/web');
  t.equal(byName['db']?.keys['vncpasswd']?.value, 'REDACTED');
  t.match(byName['web']?.keys['vfb']?.value, ['type=vnc,vnclisten=0.0.0.0,vncpasswd=REDACTED']);
  t.notMatch(JSON.stringify(facts), /s3cr3t|hunter2|xend-secret|oldpass|dotfile-secret|outside-secret/, 'no password anywhere in the facts');

  t.same(probe(facts, 'xl info'), { name: 'xl info', status: 'ok', command: ['xl', 'info'], provides: 'host', exitCode: 0 });
  t.equal(probe(facts, 'xm info'), undefined, 'xm is not tried when xl answers');
  t.equal(probe(facts, 'xl dmesg'), undefined, 'xl info printed xen_commandline: no need for the boot messages');
  t.equal(probe(facts, '/sys/module/netloop/parameters/nloopbacks')?.status, 'skipped');
  t.same(probe(facts, 'kernel:/boot/vmlinuz-2.6.18-xenU'), { name: 'kernel:/boot/vmlinuz-2.6.18-xenU', status: 'error', detail: 'not found' });
  t.equal(probe(facts, 'disk:/srv/xen/missing.img')?.status, 'error');
  t.equal(facts.probes.filter((p) => p.name === 'disk:/dev/vg0/web').length, 1, 'a disk shared by two guests is reported once');
  t.same(facts.diagnostics.filter((x) => x.severity === 'error'), [], 'the fixture parses cleanly');

  const validate = await validator('facts');
  const valid = validate(JSON.parse(JSON.stringify(facts)));
  t.same(valid ? [] : describeErrors(validate.errors), [], 'a valid facts snapshot (schemas/facts.schema.json)');
});

t.test('each command status, and the xm fallback', async (t) => {
  const empty = await makeTempDir('xenlint-nobin-');
  t.teardown(() => rm(empty, { recursive: true, force: true }));
  const cases: Array<{ name: string; path: string; expect: Record<string, Partial<Probe> | undefined>; source?: string }> = [
    {
      name: 'no xl and no xm on PATH',
      path: empty,
      expect: {
        'xl info': { status: 'skipped', detail: 'xl not found' },
        'xm info': { status: 'skipped', detail: 'xm not found' },
        'xl list': { status: 'skipped', detail: 'xl not found' },
        'xm list': { status: 'skipped', detail: 'xm not found' },
      },
    },
    {
      name: 'xl hangs past the timeout',
      path: BIN.hang,
      expect: {
        'xl info': { status: 'error', detail: '`xl info` timed out after 400 ms', provides: 'host' },
        'xl info -n': { status: 'error', detail: '`xl info -n` timed out after 400 ms' },
        'xm info': { status: 'skipped', detail: 'xm not found' },
      },
    },
    {
      name: 'xl exits non-zero',
      path: BIN.fail,
      expect: {
        'xl info': {
          status: 'error',
          detail: '`xl info` exited with status 1',
          exitCode: 1,
          stderr:
            'xc: error: Could not obtain handle on privileged command interface (2 = No such file or directory): Internal error\nlibxl: error: libxl.c:99:libxl_ctx_alloc: cannot open libxc handle: No such file or directory\ncannot init xl context',
        },
      },
    },
    {
      name: 'xend-era host: only xm',
      path: BIN.xm,
      source: 'xm info',
      expect: {
        'xl info': { status: 'skipped', detail: 'xl not found' },
        'xm info': { status: 'ok', exitCode: 0 },
        'xm list': { status: 'ok', exitCode: 0 },
      },
    },
    {
      name: 'xl hangs, xm answers',
      path: `${BIN.hang}:${BIN.xm}`,
      source: 'xm info',
      expect: { 'xl info': { status: 'error' }, 'xm info': { status: 'ok' } },
    },
    {
      name: 'xm cannot reach xend',
      path: BIN.xendDown,
      expect: {
        'xm info': {
          status: 'error',
          exitCode: 1,
          stderr: 'Error: Unable to connect to xend: No such file or directory. Is xend running?',
        },
      },
    },
  ];
  for (const c of cases) {
    const facts = await gatherFacts(live(c.path), { timeoutMs: 400 });
    for (const [name, want] of Object.entries(c.expect)) {
      const got = probe(facts, name);
      if (want === undefined) t.equal(got, undefined, `${c.name}: ${name} not run`);
      else t.match(got, { ...want, name }, `${c.name}: ${name}`);
    }
    t.equal(facts.host?.source, c.source, `${c.name}: host facts from ${c.source ?? 'nothing'}`);
    t.ok(facts.dom0 && facts.domains, `${c.name}: files are still read`);
  }
  const xm = await gatherFacts(live(BIN.xm));
  t.equal(xm.host?.versionText, '3.0.3-1');
  t.equal(xm.host?.toolstack, 'xm');
  t.equal(xm.dom0?.memoryMiB, 512, "dom0's row of xm list");
  t.match(probe(xm, 'xm dmesg'), { status: 'ok', command: ['xm', 'dmesg'] }, 'xm 3.0 info has no xen_commandline: read the boot messages');
  t.same(xm.host?.commandline, {
    raw: '/xen-3.0.3-1-i386-pae.gz sched=sedf dom0_mem=524288',
    options: [{ name: 'sched', value: 'sedf' }, { name: 'dom0_mem', value: '524288' }],
  });
  t.same(xm.dom0?.running, [{ name: 'etch-web', memoryMiB: 256, vcpus: 1 }]);
});

t.test('with xend running, xm is the toolstack even when xl answers', async (t) => {
  const other = await makeFakeHost();
  t.teardown(other.cleanup);
  await mkdir(path.join(other.root, 'proc/2380'));
  await writeFile(path.join(other.root, 'proc/2380/comm'), 'xend\n');
  const facts = await gatherFacts(live(BIN.xl, other.root));
  t.equal(facts.host?.source, 'xl info');
  t.equal(facts.host?.toolstack, 'xm');
});

t.test('a tree with nothing in it', async (t) => {
  const empty = await makeTempDir('xenlint-emptyroot-');
  t.teardown(() => rm(empty, { recursive: true, force: true }));
  await mkdir(path.join(empty, 'proc'));
  await mkdir(path.join(empty, 'sys/class/net'), { recursive: true });
  const facts = await gatherFacts(new RootSource(empty));
  t.equal(facts.origin, 'root');
  t.equal(facts.root, empty);
  t.equal(facts.host, undefined);
  t.equal(facts.dom0, undefined, 'an unmounted /proc and /sys are not "no processes, no interfaces"');
  t.equal(facts.domains, undefined);
  t.match(probe(facts, 'xl info'), { status: 'skipped', detail: 'not captured' });
  t.match(probe(facts, '/proc/*/comm'), { status: 'skipped', detail: /not mounted/ });
  t.match(probe(facts, '/sys/class/net'), { status: 'skipped', detail: /not mounted/ });
  t.match(probe(facts, '/etc/xen'), { status: 'skipped', detail: DETAIL.missing, provides: 'domains' });
});

/** A live source where some paths are unreadable, as for a non-root user. */
class DenyingSource implements EvidenceSource {
  readonly kind = 'live' as const;
  constructor(
    private readonly inner: EvidenceSource,
    private readonly denied: Set<string>,
  ) {}
  private deny(p: string): boolean {
    return [...this.denied].some((d) => p === d || p.startsWith(`${d}/`));
  }
  readBytes(p: string, n: number): Promise<BytesResult> {
    return this.deny(p) ? Promise.resolve(failure('denied', DETAIL.denied)) : this.inner.readBytes(p, n);
  }
  async readText(p: string, n?: number): ReturnType<EvidenceSource['readText']> {
    return this.deny(p) ? failure('denied', DETAIL.denied) : this.inner.readText(p, n);
  }
  async listDir(p: string): ReturnType<EvidenceSource['listDir']> {
    return this.deny(p) ? failure('denied', DETAIL.denied) : this.inner.listDir(p);
  }
  realPath(p: string): ReturnType<EvidenceSource['realPath']> {
    return this.inner.realPath(p);
  }
  async fileSize(p: string): ReturnType<EvidenceSource['fileSize']> {
    return this.deny(p) ? failure('denied', DETAIL.denied) : this.inner.fileSize(p);
  }
  async blockDeviceSize(p: string): ReturnType<EvidenceSource['blockDeviceSize']> {
    return this.deny(p) ? failure('denied', DETAIL.denied) : this.inner.blockDeviceSize(p);
  }
  run(argv: readonly string[], ms: number): ReturnType<EvidenceSource['run']> {
    return this.inner.run(argv, ms);
  }
}

t.test('a capture reads back as the live run it came from', async (t) => {
  const out = await makeTempDir('xenlint-capture-');
  t.teardown(() => rm(out, { recursive: true, force: true }));

  const variants: Array<[string, EvidenceSource, Parameters<typeof gatherFacts>[1]]> = [
    ['xl host', live(BIN.xl), {}],
    ['xm host', live(BIN.xm), {}],
    ['commands failing and hanging', live(`${BIN.hang}:${BIN.xendDown}`), { timeoutMs: 300 }],
    [
      'unreadable files (not root)',
      new DenyingSource(live(BIN.xl), new Set(['/etc/xen/xend-config.sxp', '/etc/xen/db.cfg', '/proc/533', '/boot', '/etc/xen/auto', '/srv/xen/legacy.img'])),
      {},
    ],
    ['small read limits', live(BIN.xl), { configMaxBytes: 120, kernelMaxBytes: 100 }],
  ];
  let n = 0;
  for (const [name, source, opts] of variants) {
    const dir = path.join(out, `c${n++}`);
    const before = await snapshot(host.base);
    const direct = await gatherFacts(source, opts);
    const cap = await captureEvidence(source, dir, opts);
    t.same([...(await snapshot(host.base))], [...before], `${name}: capturing wrote nothing into the host tree`);
    t.same(withoutOrigin(cap.facts), withoutOrigin(direct), `${name}: the recorded run is an ordinary run`);
    const back = await gatherFacts(new RootSource(dir), opts);
    t.equal(back.origin, 'root');
    t.equal(back.root, dir);
    t.same(withoutOrigin(back), withoutOrigin(direct), `${name}: --root on the capture gives the same facts`);

    // And a capture of the capture (what samples/hosts must survive) changes nothing.
    const again = path.join(out, `c${n++}`);
    await captureEvidence(new RootSource(dir), again, opts);
    t.same(withoutOrigin(await gatherFacts(new RootSource(again), opts)), withoutOrigin(direct), `${name}: re-captured`);
  }

  const denied = await gatherFacts(new RootSource(path.join(out, 'c6')));
  t.match(probe(denied, '/etc/xen/xend-config.sxp'), { status: 'error', detail: 'permission denied: run as root' });
  t.match(probe(denied, 'config:/etc/xen/db.cfg'), { status: 'error', detail: 'permission denied: run as root' });
  t.match(probe(denied, '/etc/xen/auto'), { status: 'error', detail: 'permission denied: run as root' });
  t.equal(denied.domains?.find((d) => d.name === 'web')?.autostart, undefined, 'autostart unknown when auto/ is unreadable');
  t.match(denied.domains?.find((d) => d.name === 'web')?.kernel, { source: 'unknown', reason: /permission denied/ });

  const custom = { configDirs: ['/etc/xen/auto'], autoDir: '/nonexistent' };
  const direct = await gatherFacts(live(BIN.xl), custom);
  await captureEvidence(live(BIN.xl), path.join(out, 'custom'), custom);
  t.same(
    withoutOrigin(await gatherFacts(new RootSource(path.join(out, 'custom')))),
    withoutOrigin(direct),
    'a capture taken with other config directories reads back with them, unasked',
  );
  t.same(direct.domains?.map((d) => d.file), ['/etc/xen/auto/legacy', '/etc/xen/auto/solo.cfg', '/etc/xen/auto/web']);

  const small = await gatherFacts(new RootSource(path.join(out, 'c8')), { configMaxBytes: 120, kernelMaxBytes: 100 });
  t.ok(small.domains?.some((d) => d.diagnostics.some((x) => x.code === 'config-too-big')), 'a cut config is reported');
});

t.test('what a capture holds', async (t) => {
  const out = await makeTempDir('xenlint-capture-');
  t.teardown(() => rm(out, { recursive: true, force: true }));
  const dir = path.join(out, 'cap');
  const cap = await captureEvidence(live(BIN.xl), dir, { now: new Date('2024-05-01T12:00:00Z') });
  t.same(cap.manifest, {
    format: 1,
    tool: { name: 'xenlint', version: cap.manifest.tool.version },
    capturedAt: '2024-05-01T12:00:00.000Z',
    note: cap.manifest.note,
    hostname: 'jessie-dom0',
  });
  t.same(JSON.parse(await readFile(path.join(dir, '.xenlint/capture.json'), 'utf8')), cap.manifest);
  t.equal(await readFile(path.join(dir, '.xenlint/commands/xl-info/argv'), 'utf8'), 'xl\ninfo\n');
  t.equal(await readFile(path.join(dir, '.xenlint/commands/xl-info/exit-code'), 'utf8'), '0\n');
  t.match(await readFile(path.join(dir, '.xenlint/commands/xl-info/stdout'), 'utf8'), /^xen_version\s+: 4\.4\.1$/m);
  t.equal(await readlink(path.join(dir, 'etc/xen/auto/web')), '../web.cfg', 'autostart links are kept, relative');
  const sizes = JSON.parse(await readFile(path.join(dir, '.xenlint/sizes.json'), 'utf8'));
  t.same(sizes.blockDevices['/dev/vg0/db'], { bytes: 200 * GiB, via: '/sys/class/block/dm-1/size' });
  t.same(sizes.files['/srv/xen/legacy.img'], { bytes: 4 * GiB, via: 'stat' });
  t.equal((await lstat(path.join(dir, 'srv/xen/db-data.qcow2'))).size, 512, 'only the header of a qcow2 image');
  t.equal((await lstat(path.join(dir, 'srv/xen/legacy.img'))).size, 0, 'raw images are not copied: an empty stand-in keeps the path resolvable');
  t.equal((await lstat(path.join(dir, 'dev/dm-1'))).size, 0, 'nor block devices: the stand-in is what /dev/vg0/db resolves to');
  await t.rejects(lstat(path.join(dir, 'etc/xen/xmexample1')), 'files the gatherer did not read are not captured');
  await t.rejects(lstat(path.join(dir, 'etc/xen/web.cfg~')), 'backups with old passwords are not captured');

  const all: string[] = [];
  const emptyDirs: string[] = [];
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p);
    if (st.isDirectory()) {
      const entries = await readdir(p);
      if (entries.length === 0) emptyDirs.push(p);
      for (const e of entries) await walk(path.join(p, e));
    } else if (st.isFile()) all.push(await readFile(p, 'latin1'));
  };
  await walk(dir);
  t.same(emptyDirs, [], 'no empty directory: a capture survives a git commit');
  t.equal(await readFile(path.join(dir, 'sys/class/net/eth0/.xenlint-keep'), 'utf8'), '');
  t.notMatch(all.join('\n'), /s3cr3t|hunter2|xend-secret|oldpass|dotfile-secret|outside-secret/, 'no password in any captured file');
  t.match(await readFile(path.join(dir, 'etc/xen/db.cfg'), 'utf8'), /^vncpasswd = "REDACTED"$/m);

  await t.rejects(captureEvidence(live(BIN.xl), dir), { name: 'CaptureError', message: /is not empty/ }, 'a non-empty directory is refused');
  const file = path.join(out, 'a-file');
  await writeFile(file, 'x');
  await t.rejects(captureEvidence(live(BIN.xl), file), { name: 'CaptureError', message: /not a directory/ });
});

t.test('the real machine: never throws, reads without a PATH', async (t) => {
  const empty = await makeTempDir('xenlint-nobin-');
  t.teardown(() => rm(empty, { recursive: true, force: true }));
  const facts = await gatherFacts(new LiveSource({ path: empty }), { configDirs: [path.join(host.root, 'etc/xen')], autoDir: '/nonexistent/auto' });
  t.equal(facts.origin, 'live');
  t.match(probe(facts, 'xl info'), { status: 'skipped', detail: 'xl not found' });
  t.ok(facts.probes.every((p) => ['ok', 'skipped', 'error'].includes(p.status)));
  t.same(
    facts.domains?.map((d) => d.name),
    ['db', 'outside', 'legacy', 'web'],
    'config directories can be anywhere; on the real / the OS follows links (escape.cfg reaches the file next to the tree), unlike under --root',
  );
});
