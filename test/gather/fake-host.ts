/**
 * A fake dom0 for the gatherer's tests: test/fixtures/gather/host copied into a
 * temporary directory (symlinks kept as they are), plus what git cannot hold
 * well: kernel images built with the ELF builder, a sparse raw image, a qcow2
 * header, and a file outside the root that escaping symlinks point at.
 */
import { cp, mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EM, buildElf, gzip, linuxXenNotes } from '../helpers/elf-builder.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/gather/', import.meta.url));
export const HOST_FIXTURE = path.join(FIXTURES, 'host');
export const BIN = {
  xl: path.join(FIXTURES, 'bin-xl'),
  hang: path.join(FIXTURES, 'bin-hang'),
  fail: path.join(FIXTURES, 'bin-fail'),
  xm: path.join(FIXTURES, 'bin-xm'),
  xendDown: path.join(FIXTURES, 'bin-xend-down'),
};

export const GiB = 1024 ** 3;

export interface FakeHost {
  /** The temporary directory holding `root/` and `outside/`. */
  base: string;
  root: string;
  outside: string;
  cleanup(): Promise<void>;
}

export async function makeTempDir(prefix = 'xenlint-gather-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export function qcow2Header(virtualBytes: number): Uint8Array {
  const h = new Uint8Array(512);
  const dv = new DataView(h.buffer);
  h.set([0x51, 0x46, 0x49, 0xfb], 0);
  dv.setUint32(4, 3, false);
  dv.setBigUint64(24, BigInt(virtualBytes), false);
  dv.setUint32(20, 16, false); // cluster_bits
  return h;
}

export async function makeFakeHost(): Promise<FakeHost> {
  const base = await makeTempDir();
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  await cp(HOST_FIXTURE, root, { recursive: true, verbatimSymlinks: true });
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(outside, 'secret.cfg'), 'name = "outside"\nvncpasswd = "outside-secret"\n');

  await mkdir(path.join(root, 'boot'), { recursive: true });
  // A 64-bit PV guest kernel with the notes a Xen-enabled Linux carries.
  await writeFile(
    path.join(root, 'boot/vmlinuz-3.16.0-4-amd64'),
    gzip(buildElf({ elfClass: 64, machine: EM.X86_64, notes: linuxXenNotes({ is64: true }), notesIn: 'both', textSize: 4096 })),
  );
  await mkdir(path.join(root, 'srv/xen'), { recursive: true });
  // Sparse: 4 GiB apparent size, no blocks.
  await writeFile(path.join(root, 'srv/xen/legacy.img'), '');
  await truncate(path.join(root, 'srv/xen/legacy.img'), 4 * GiB);
  const qcow = path.join(root, 'srv/xen/db-data.qcow2');
  await writeFile(qcow, qcow2Header(50 * GiB));
  await truncate(qcow, 196_608);

  // Links that try to leave the root.
  await symlink('../../../outside/secret.cfg', path.join(root, 'etc/xen/escape.cfg'));
  await symlink('/../outside/secret.cfg', path.join(root, 'etc/xen/escape-abs.cfg'));
  return { base, root, outside, cleanup: () => rm(base, { recursive: true, force: true }) };
}
