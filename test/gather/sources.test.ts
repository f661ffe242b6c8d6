import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { LiveSource, defaultCommandPath, deviceNumberText, findOnPath } from '../../cli/sources/live-source.js';
import { RootSource } from '../../cli/sources/root-source.js';
import { resolveUnderRoot } from '../../cli/sources/root-path.js';
import { DETAIL, fsFailure, type EvidenceSource } from '../../cli/sources/source.js';
import { BIN, GiB, makeFakeHost, makeTempDir } from '../fixtures/gather/fake-host.js';

const host = await makeFakeHost();
t.teardown(host.cleanup);

/** The same assertions hold for a live source redirected to the tree and a root source on it. */
const sources: Array<[string, EvidenceSource]> = [
  ['live (fsRoot)', new LiveSource({ fsRoot: host.root, path: BIN.xl })],
  ['root', new RootSource(host.root)],
];

for (const [label, src] of sources) {
  t.test(`${label}: files`, async (t) => {
    const caps = await src.readText('/proc/xen/capabilities');
    t.same(caps, { ok: true, text: 'control_d\n', truncated: false });

    const cut = await src.readText('/proc/cpuinfo', 10);
    t.ok(cut.ok && cut.truncated && cut.text === 'processor\t', 'read at most maxBytes and says it was cut');

    const exact = await src.readText('/proc/xen/capabilities', 10);
    t.ok(exact.ok && !exact.truncated, 'a file of exactly maxBytes is not truncated');

    t.same(await src.readText('/etc/xen/nope.cfg'), { ok: false, status: 'missing', detail: DETAIL.missing });
    t.same(await src.readText('/etc/xen/web.cfg/x'), { ok: false, status: 'missing', detail: DETAIL.missing }, 'a file used as a directory is missing');
    t.same(await src.readText('/etc/xen'), { ok: false, status: 'error', detail: DETAIL.isDirectory });
    t.same(await src.readText('etc/xen/web.cfg'), { ok: false, status: 'error', detail: DETAIL.relative });

    const viaLink = await src.readText('/etc/xen/auto/web');
    const direct = await src.readText('/etc/xen/web.cfg');
    t.ok(viaLink.ok && direct.ok && viaLink.text === direct.text, 'an absolute link target is re-rooted at the directory');
  });

  t.test(`${label}: symlinks never lead out of the root`, async (t) => {
    const outsideText = await readFile(path.join(host.outside, 'secret.cfg'), 'utf8');
    t.match(outsideText, /outside-secret/, 'the file the links aim at exists');
    for (const p of ['/etc/xen/escape.cfg', '/etc/xen/escape-abs.cfg', '/../outside/secret.cfg', '/etc/../../outside/secret.cfg']) {
      const r = await src.readText(p);
      t.same(r, { ok: false, status: 'error', detail: DETAIL.escapes }, p);
      t.same(await src.realPath(p), { ok: false, status: 'error', detail: DETAIL.escapes }, `realPath ${p}`);
    }
    const listing = await src.listDir('/etc/xen');
    t.ok(listing.ok);
    if (listing.ok) {
      t.same(
        listing.entries.filter((e) => e.name.startsWith('escape')),
        [
          { name: 'escape-abs.cfg', type: 'broken' },
          { name: 'escape.cfg', type: 'broken' },
        ],
        'escaping links are listed as broken',
      );
    }
  });

  t.test(`${label}: directories and paths`, async (t) => {
    const xen = await src.listDir('/etc/xen');
    t.ok(xen.ok);
    if (xen.ok) {
      const byName = Object.fromEntries(xen.entries.map((e) => [e.name, e.type]));
      t.equal(byName['auto'], 'dir');
      t.equal(byName['scripts'], 'dir');
      t.equal(byName['web.cfg'], 'file');
      t.same(
        xen.entries.map((e) => e.name),
        [...xen.entries.map((e) => e.name)].sort(),
        'entries come sorted by name',
      );
    }
    const proc = await src.listDir('/proc');
    t.ok(proc.ok && proc.entries.some((e) => e.name === 'self' && e.type === 'dir'), 'a link to a directory is typed dir');
    const brif = await src.listDir('/sys/class/net/xenbr0/brif');
    t.same(brif.ok && brif.entries, [
      { name: 'eth0', type: 'broken' },
      { name: 'vif3.0', type: 'broken' },
    ]);
    t.same(await src.listDir('/etc/xen/web.cfg'), { ok: false, status: 'error', detail: DETAIL.notDirectory });
    t.same(await src.listDir('/nope'), { ok: false, status: 'missing', detail: DETAIL.missing });

    t.same(await src.realPath('/etc/xen/auto/web'), { ok: true, path: '/etc/xen/web.cfg' });
    t.same(await src.realPath('/dev/vg0/db'), { ok: true, path: '/dev/dm-1' }, 'a chain of links, absolute then relative');
    t.same(await src.realPath('/etc/xen/./auto/../web.cfg'), { ok: true, path: '/etc/xen/web.cfg' });
    t.same(await src.realPath('/etc/xen/gone'), { ok: false, status: 'missing', detail: DETAIL.missing });
  });

  t.test(`${label}: sizes`, async (t) => {
    t.same(await src.fileSize('/srv/xen/legacy.img'), { ok: true, bytes: 4 * GiB, via: 'stat' }, 'a sparse image has its full size');
    t.same(await src.fileSize('/srv/xen'), { ok: false, status: 'error', detail: DETAIL.isDirectory });
    t.same(await src.fileSize('/srv/xen/none.img'), { ok: false, status: 'missing', detail: DETAIL.missing });

    t.same(await src.blockDeviceSize('/dev/vg0/web'), { ok: true, bytes: 10 * GiB, via: '/sys/class/block/dm-0/size' });
    t.same(await src.blockDeviceSize('vg0/db'), { ok: true, bytes: 200 * GiB, via: '/sys/class/block/dm-1/size' }, 'phy:vg/lv means /dev/vg/lv');
    t.same(await src.blockDeviceSize('/dev/mapper/vg0-db'), { ok: true, bytes: 200 * GiB, via: '/sys/class/block/dm-1/size' });
    t.same(
      await src.blockDeviceSize('/dev/sda1'),
      { ok: true, bytes: 4 * GiB, via: '/sys/block/sda/sda1/size' },
      'a partition on a kernel without /sys/class/block (2.6.16/2.6.18)',
    );
    const none = await src.blockDeviceSize('/dev/vg0/none');
    t.same(none, { ok: false, status: 'missing', detail: DETAIL.missing });
    const noSys = await src.blockDeviceSize('/dev/dm-0/../sda1/..');
    t.equal(noSys.ok, false, 'nonsense device paths fail without throwing');
  });
}

t.test('a FIFO or device node is never opened for reading', async (t) => {
  const dir = await makeTempDir();
  t.teardown(() => import('node:fs/promises').then((fs) => fs.rm(dir, { recursive: true, force: true })));
  await mkdir(path.join(dir, 'proc'), { recursive: true });
  execFileSync('mkfifo', [path.join(dir, 'proc', 'fifo')]);
  for (const src of [new LiveSource({ fsRoot: dir }), new RootSource(dir)]) {
    t.same(await src.readText('/proc/fifo'), { ok: false, status: 'error', detail: DETAIL.notRegular });
    t.same(await src.fileSize('/proc/fifo'), { ok: false, status: 'error', detail: DETAIL.notRegular });
  }
});

t.test('resolveUnderRoot', async (t) => {
  const dir = await makeTempDir();
  t.teardown(() => import('node:fs/promises').then((fs) => fs.rm(dir, { recursive: true, force: true })));
  await mkdir(path.join(dir, 'a'), { recursive: true });
  await writeFile(path.join(dir, 'a', 'f'), 'x');
  await symlink('loop2', path.join(dir, 'a', 'loop1'));
  await symlink('loop1', path.join(dir, 'a', 'loop2'));
  await symlink('/a', path.join(dir, 'abs'));
  await symlink('.', path.join(dir, 'a', 'here'));
  t.same(await resolveUnderRoot(dir, '/abs/here/here/f'), { ok: true, hostPath: '/a/f', fsPath: path.join(dir, 'a', 'f') });
  t.same(await resolveUnderRoot(dir, '/a/loop1'), { ok: false, status: 'error', detail: DETAIL.loop });
  t.same(await resolveUnderRoot(dir, '/abs', false), { ok: true, hostPath: '/abs', fsPath: path.join(dir, 'abs') }, 'followLast=false stops at the link');
  t.same(await resolveUnderRoot(dir, '/'), { ok: true, hostPath: '/', fsPath: dir });
  t.same(await resolveUnderRoot(dir, '/a/f/..'), { ok: false, status: 'missing', detail: DETAIL.missing }, 'a file is not a directory');
});

t.test('commands on the live source', async (t) => {
  const xl = new LiveSource({ fsRoot: host.root, path: BIN.xl });
  const ok = await xl.run(['xl', 'info'], 10_000);
  t.equal(ok.status, 'ok');
  t.match(ok.status === 'ok' ? ok.stdout : '', /^xen_caps\s+: xen-3\.0-x86_64 xen-3\.0-x86_32p .* \n/m, 'stdout kept exactly, trailing blank included');

  const unknown = await xl.run(['xl', 'frobnicate'], 10_000);
  t.same(unknown, {
    status: 'error',
    detail: '`xl frobnicate` exited with status 1',
    exitCode: 1,
    stdout: '',
    stderr: "xl: unknown subcommand 'frobnicate'\n",
  });

  const none = await makeTempDir('xenlint-empty-path-');
  t.teardown(() => import('node:fs/promises').then((fs) => fs.rm(none, { recursive: true, force: true })));
  t.same(await new LiveSource({ path: none }).run(['xl', 'info'], 1000), { status: 'skipped', detail: 'xl not found' });
  t.same(await new LiveSource({ path: '' }).run(['xl', 'info'], 1000), { status: 'skipped', detail: 'xl not found' });
  t.same(await xl.run(['/usr/bin/env', 'true'], 1000), { status: 'skipped', detail: '/usr/bin/env not found' }, 'only bare names are looked up on PATH');

  const hang = await new LiveSource({ path: BIN.hang }).run(['xl', 'info'], 300);
  t.equal(hang.status, 'error');
  t.equal(hang.status === 'error' && hang.detail, '`xl info` timed out after 300 ms');

  const fail = await new LiveSource({ path: BIN.fail }).run(['xl', 'info'], 10_000);
  t.equal(fail.status, 'error');
  if (fail.status === 'error') {
    t.equal(fail.exitCode, 1);
    t.match(fail.stderr, /cannot init xl context/);
  }
});

t.test('PATH helpers', async (t) => {
  t.equal(defaultCommandPath('/usr/bin:/bin'), '/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin', 'sbin dirs added for non-root users');
  t.equal(defaultCommandPath('/usr/sbin:/usr/bin'), '/usr/sbin:/usr/bin:/usr/local/sbin:/sbin');
  t.equal(defaultCommandPath(undefined), '/usr/local/sbin:/usr/sbin:/sbin');
  t.equal(await findOnPath('xl', `relative/dir:${BIN.xm}:${BIN.xl}`), path.join(BIN.xl, 'xl'));
  t.equal(await findOnPath('README', BIN.xl), undefined);
});

t.test('device numbers and fs errors', async (t) => {
  t.equal(deviceNumberText(0xfd01), '253:1', 'dm-1');
  t.equal(deviceNumberText(0x801), '8:1');
  t.equal(deviceNumberText(0x10010300), '259:65536', 'large minors use the high bits');
  t.same(fsFailure(Object.assign(new Error('x'), { code: 'EACCES' })), { ok: false, status: 'denied', detail: DETAIL.denied });
  t.same(fsFailure(Object.assign(new Error('x'), { code: 'EPERM' })), { ok: false, status: 'denied', detail: DETAIL.denied });
  t.same(fsFailure(Object.assign(new Error('x'), { code: 'EIO' })), { ok: false, status: 'error', detail: 'EIO: input/output error' });
  t.same(fsFailure(new Error('no code')), { ok: false, status: 'error', detail: 'read failed' });
});
