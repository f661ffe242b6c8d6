#!/usr/bin/env node
/**
 * Benchmark corpus: N domU configs in the styles real config repositories have,
 * plus the host snapshot they are linted against. Seeded, so the same N gives
 * the same bytes on every machine and every run compares like with like.
 *
 *   node bench/corpus.mjs 10000            -> bench/corpus/n10000/host-NNN/<guest>.<ext>
 *   node bench/corpus.mjs 10000 --seed 7   -> another, equally realistic corpus
 *
 * The mix (roughly): 45 % xm (xend, Python syntax) and 55 % xl; 65 % PV, 30 % HVM,
 * 5 % PVH (xl only); 1–4 disks and 1–4 vifs; memory from 256 MiB to 16 GiB.
 * Styles seen in the wild: the xmexample header and comment blocks, aligned
 * `key    = value`, single or double quotes, one-line and multi-line lists,
 * commented-out settings, trailing comments, the `arch_libdir` Python idiom of
 * xmexample.hvm, xl's key=value disk specs and `+=`, xenlint annotations and
 * suppressions, and a few broken files (an unclosed list, a missing quote).
 * A few guests share a MAC with the previous one (copy-paste), and a few have
 * maxmem above memory, so the checks have something to report.
 *
 * Also writes bench/corpus/host.yaml: a facts snapshot of an Xen 4.1 x86_64
 * host (the last release line where both xm and xl shipped), and
 * bench/corpus/one.cfg, a single typical guest for the start-up scenario.
 * Existing output for the same N and seed is reused (see `ensureCorpus`).
 */
import { mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
/** Bump when the generator's output changes, so stale corpora are rebuilt. */
const GENERATOR_VERSION = 2;
const PER_DIR = 250;

/** mulberry32: small, fast, and identical on every platform. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    /** [[weight, value], ...] */
    weighted: (pairs) => {
      const total = pairs.reduce((n, [w]) => n + w, 0);
      let r = next() * total;
      for (const [w, v] of pairs) {
        if ((r -= w) < 0) return v;
      }
      return pairs[pairs.length - 1][1];
    },
  };
}

const ROLES = ['web', 'db', 'mail', 'app', 'cache', 'lb', 'build', 'ci', 'mon', 'dns', 'vpn', 'ftp', 'backup', 'proxy', 'ldap', 'git', 'jump', 'log'];
const WIN_ROLES = ['win', 'ts', 'ad', 'sql', 'exch'];
const DISTROS = [
  ['2.6.16.33-xen', 'Xen 3.0.4'],
  ['2.6.18-8.el5xen', 'RHEL 5.0'],
  ['2.6.18-194.el5xen', 'CentOS 5.5'],
  ['2.6.18-6-xen-amd64', 'Debian etch'],
  ['2.6.26-2-xen-amd64', 'Debian lenny'],
  ['2.6.32-5-xen-amd64', 'Debian squeeze'],
  ['3.2.0-4-amd64', 'Debian wheezy'],
];
const MEMORY = [
  [3, 256],
  [8, 512],
  [2, 768],
  [10, 1024],
  [3, 1536],
  [9, 2048],
  [3, 3072],
  [6, 4096],
  [3, 8192],
  [1, 16384],
];
const VCPUS = [1, 1, 1, 2, 2, 2, 2, 4, 4, 8];
const BRIDGES = ['xenbr0', 'xenbr0', 'xenbr0', 'xenbr1', 'br-dmz', 'br-storage', 'eth0'];

function hex2(n) {
  return (n & 0xff).toString(16).padStart(2, '0');
}

/** Unique per (guest, vif) for up to 4 million guests: Xen's 00:16:3e OUI plus 22 bits. */
function macFor(guest, vif) {
  const v = ((guest & 0x3fffff) << 2) | (vif & 3);
  return `00:16:3e:${hex2(v >>> 16)}:${hex2(v >>> 8)}:${hex2(v)}`;
}

function uuidFrom(r) {
  const h = () => Math.floor(r.next() * 0x10000).toString(16).padStart(4, '0');
  return `${h()}${h()}-${h()}-4${h().slice(1)}-${h()}-${h()}${h()}${h()}`;
}

/** One guest's config text, and what kind it is (for the stats line). */
export function guestConfig(index, seed = 1) {
  const r = rng((seed * 1000003 + index * 7919) ^ 0x5bd1e995);
  const dialect = r.chance(0.45) ? 'xm' : 'xl';
  const type = r.weighted(dialect === 'xm' ? [[68, 'pv'], [32, 'hvm']] : [[62, 'pv'], [30, 'hvm'], [8, 'pvh']]);
  const windows = type === 'hvm' && r.chance(0.55);
  const role = windows ? r.pick(WIN_ROLES) : r.pick(ROLES);
  const cust = `c${String(r.int(1, 9999)).padStart(4, '0')}`;
  const name = r.chance(0.5) ? `${role}${String(index).padStart(5, '0')}` : `${cust}-${role}${index}`;
  const q = dialect === 'xm' && r.chance(0.5) ? "'" : '"';
  const s = (v) => `${q}${v}${q}`;
  const pad = r.weighted([[5, 0], [3, 1], [2, 2]]); // 0: "k = v", 1: "k=v", 2: aligned
  const kv = (k, v) => (pad === 1 ? `${k}=${v}` : pad === 2 ? `${k.padEnd(11)} = ${v}` : `${k} = ${v}`);
  const lines = [];
  const push = (...ls) => lines.push(...ls);
  const distro = type === 'pvh' ? ['6.1.0-18-amd64', 'Debian bookworm'] : r.pick(DISTROS);
  let memory = r.weighted(MEMORY);
  if (windows && memory < 1024) memory = 2048;
  const vcpus = r.pick(VCPUS);
  const ndisks = r.weighted([[40, 1], [35, 2], [17, 3], [8, 4]]);
  const nvifs = r.weighted([[62, 1], [27, 2], [8, 3], [3, 4]]);
  const lv = r.pick(['vg0', 'vg_guests', 'xenvg', 'vg_ssd', 'data']);
  const broken = r.chance(0.002);

  // Header: the xmexample banner, a one-line note, or nothing.
  const header = r.weighted([[3, 'xmexample'], [4, 'note'], [3, 'none']]);
  if (header === 'xmexample' && dialect === 'xm') {
    push('#  -*- mode: python; -*-', '#' + '='.repeat(76), `# ${name}: ${windows ? 'Windows guest' : distro[1] + ' guest'} (${type.toUpperCase()})`, '#' + '='.repeat(76), '');
  } else if (header !== 'none') {
    push(`# ${name} — ${windows ? 'Windows Server' : distro[1]} ${type.toUpperCase()} guest, owner ${cust}`);
    if (r.chance(0.3)) push('# Ask ops before changing the memory: the host is nearly full.');
    push('');
  }

  const annotate = type !== 'hvm' && r.chance(0.06);
  if (annotate) push(`# xenlint: guest-abi=${r.pick(['x86_64', 'x86_64', 'x86_32p'])}`);

  if (dialect === 'xm' && type === 'hvm') {
    const libdir = r.chance(0.25);
    if (libdir) {
      push('import os, re', 'arch = os.uname()[4]', "if re.search('64', arch):", "    arch_libdir = 'lib64'", 'else:', "    arch_libdir = 'lib'", '');
    }
    push('# Kernel image file.', kv('kernel', s('/usr/lib/xen/boot/hvmloader')), '');
    push("# The domain build function. HVM domain uses 'hvm'.", kv('builder', s('hvm')), '');
    push(kv('name', s(name)));
    push(kv('memory', String(memory)));
    if (r.chance(0.15)) push(kv('maxmem', String(memory * 2)));
    if (r.chance(0.5)) push(kv('shadow_memory', String(r.pick([8, 16]))));
    push(kv('vcpus', String(vcpus)));
    push(kv('acpi', '1'), kv('apic', '1'), kv('pae', '1'));
    push('');
    if (libdir) push(`device_model = '/usr/' + arch_libdir + '/xen/bin/qemu-dm'`);
    else push(kv('device_model', s('/usr/lib/xen/bin/qemu-dm')));
    push(kv('boot', s(r.pick(['c', 'dc', 'cd']))));
    push(kv('sdl', '0'), kv('vnc', '1'), kv('vnclisten', s(r.pick(['0.0.0.0', '127.0.0.1']))));
    if (r.chance(0.5)) push(kv('vncunused', '1'));
    if (r.chance(0.5)) push(kv('serial', s('pty')));
    if (windows) push(kv('usbdevice', s('tablet')), kv('localtime', '1'));
  } else if (dialect === 'xm') {
    push(kv('name', s(name)));
    if (r.chance(0.4)) push(kv('uuid', s(uuidFrom(r))));
    if (r.chance(0.5)) {
      push(kv('kernel', s(`/boot/vmlinuz-${distro[0]}`)), kv('ramdisk', s(`/boot/initrd.img-${distro[0]}`)));
    } else {
      push(kv('bootloader', s(r.pick(['/usr/bin/pygrub', '/usr/lib/xen/bin/pygrub', 'pygrub']))));
    }
    const maxmem = r.weighted([[6, undefined], [3, memory], [1, memory * 2]]);
    if (maxmem !== undefined && r.chance(0.5)) push(kv('maxmem', String(maxmem)));
    push(kv('memory', String(memory)) + (r.chance(0.1) ? '  # was 512, raised after the OOM in March' : ''));
    if (maxmem !== undefined && !lines.some((l) => l.startsWith('maxmem'))) push(kv('maxmem', String(maxmem)));
    push(kv('vcpus', String(vcpus)));
    if (r.chance(0.2)) push(`#vcpus = ${vcpus * 2}`);
    if (r.chance(0.3)) push(kv('cpus', s(`${r.int(0, 3)}-${r.int(4, 7)}`)));
  } else {
    // xl
    push(kv('name', s(name)));
    if (type === 'hvm') {
      push(r.chance(0.15) ? kv('builder', s('hvm')) : kv('type', s('hvm')));
      if (r.chance(0.5)) push(kv('firmware', s(r.pick(['bios', 'seabios']))));
      if (r.chance(0.4)) push(kv('device_model_version', s(r.pick(['qemu-xen', 'qemu-xen-traditional']))));
    } else if (type === 'pvh') {
      push(kv('type', s('pvh')));
    } else if (r.chance(0.5)) {
      push(kv('type', s('pv')));
    }
    push('');
    if (type !== 'hvm') {
      if (type === 'pvh' || r.chance(0.45)) {
        push(
          kv('kernel', s(`/var/lib/xen/boot/${name}/vmlinuz-${distro[0]}`)),
          kv('ramdisk', s(`/var/lib/xen/boot/${name}/initrd.img-${distro[0]}`)),
          kv('cmdline', s('root=/dev/xvda1 ro console=hvc0')),
        );
      } else {
        push(kv('bootloader', s('pygrub')));
      }
      push('');
    }
    push(kv('memory', String(memory)));
    const maxmem = r.weighted([[6, undefined], [3, memory], [1, memory * 2]]);
    if (maxmem !== undefined) push(kv('maxmem', String(maxmem)));
    push(kv('vcpus', String(vcpus)));
    if (r.chance(0.2)) push(kv('maxvcpus', String(vcpus * 2)));
    if (r.chance(0.15)) push(kv('cpu_weight', String(r.pick([128, 256, 512]))));
    if (windows && r.chance(0.6)) push('', '# Hyper-V enlightenments for the Windows guest', kv('viridian', `[ ${s('defaults')} ]`));
  }
  push('');

  // Disks.
  const vdevs = type === 'hvm' ? ['hda', 'hdb', 'hdd', 'sda'] : ['xvda', 'xvdb', 'xvdc', 'xvdd'];
  const partitioned = dialect === 'xm' && type === 'pv' && r.chance(0.3);
  const disks = [];
  for (let i = 0; i < ndisks; i++) {
    const vdev = partitioned ? `xvda${i + 1}` : vdevs[i];
    const what = i === 0 ? 'root' : r.pick(['data', 'swap', 'var', 'logs', 'scratch']);
    const keyValue = dialect === 'xl' && r.chance(0.6);
    const backing = r.weighted([[6, 'phy'], [3, 'file'], [1, dialect === 'xm' ? 'tap:aio' : 'file']]);
    const target = backing === 'phy' ? `/dev/${lv}/${name}-${what}` : `/var/lib/xen/images/${name}-${what}.img`;
    if (keyValue) {
      const fmt = backing === 'phy' ? 'raw' : r.pick(['raw', 'qcow2']);
      disks.push(`format=${fmt}, vdev=${vdev}, access=rw, target=${target}`);
    } else {
      const dev = dialect === 'xm' && type === 'hvm' && r.chance(0.5) ? `ioemu:${vdev}` : vdev;
      const mode = i > 0 && r.chance(0.03) && dialect === 'xm' ? 'w!' : 'w';
      disks.push(`${backing}:${target},${dev},${mode}`);
    }
  }
  if (type === 'hvm' && r.chance(0.4)) {
    disks.push(dialect === 'xl' && r.chance(0.5) ? 'format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/srv/iso/install.iso' : ',hdc:cdrom,r');
  }
  // Vifs.
  const vifs = [];
  for (let i = 0; i < nvifs; i++) {
    const mac = r.chance(0.002) && index > 0 ? macFor(index - 1, i) : macFor(index, i);
    const parts = [`mac=${mac}`, `bridge=${i === 0 ? 'xenbr0' : r.pick(BRIDGES)}`];
    if (type === 'hvm') {
      if (dialect === 'xm' || r.chance(0.3)) parts.unshift('type=ioemu');
      if (r.chance(0.5)) parts.push(`model=${r.pick(['e1000', 'rtl8139', 'e1000', 'virtio-net'])}`);
    }
    if (r.chance(0.1)) parts.push(`vifname=${name.slice(0, 10)}.${i}`);
    vifs.push(parts.join(r.chance(0.5) ? ', ' : ','));
  }
  const list = (key, items) => {
    if (items.length === 1 || r.chance(0.3)) return [kv(key, `[ ${items.map(s).join(', ')} ]`)];
    const head = pad === 1 ? `${key}=[ ` : pad === 2 ? `${key.padEnd(11)} = [ ` : `${key} = [ `;
    return items.map((it, i) => (i === 0 ? head : ' '.repeat(head.length)) + s(it) + (i === items.length - 1 ? ' ]' : ','));
  };
  const plusEquals = dialect === 'xl' && disks.length > 1 && r.chance(0.08);
  if (plusEquals) {
    push(...list('disk', disks.slice(0, 1)), ...list('vif', vifs), '', '# scratch and data disks, added later', `disk += [ ${disks.slice(1).map(s).join(', ')} ]`);
  } else if (r.chance(0.5)) {
    push(...list('vif', vifs), '', ...list('disk', disks));
  } else {
    push(...list('disk', disks), '', ...list('vif', vifs));
  }
  if (broken) lines[lines.length - 1] = lines[lines.length - 1].replace(/ \]$/, '');

  // Tail: root/extra for xm direct boot, lifecycle actions, a framebuffer.
  push('');
  if (dialect === 'xm' && type === 'pv' && lines.some((l) => l.includes('vmlinuz'))) {
    push(kv('root', s(partitioned ? '/dev/xvda1 ro' : '/dev/xvda ro')), kv('extra', s(r.pick(['4 console=xvc0', 'console=hvc0 xencons=tty', 'elevator=noop']))));
    if (r.chance(0.2)) push(kv('ip', s(`10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(2, 254)}`)), kv('netmask', s('255.255.255.0')));
  }
  if (r.chance(0.8)) {
    push(kv('on_poweroff', s('destroy')), kv('on_reboot', s('restart')), kv('on_crash', s(r.pick(['restart', 'restart', 'destroy', 'preserve']))));
  }
  if (type !== 'hvm' && r.chance(0.25)) push(kv('vfb', `[ ${s('type=vnc,vncunused=1,keymap=en-us')} ]`));
  if (dialect === 'xm' && r.chance(0.05)) push(kv('on_xend_stop', s(r.pick(['shutdown', 'suspend']))));
  if (r.chance(0.01)) push('# xenlint-disable-next-line memory-fit', kv('maxmem', String(Math.max(256, memory / 2))));
  if (r.chance(0.001)) push(`extra = "console=hvc0`); // an unclosed string

  const ext = dialect === 'xl' && r.chance(0.12) ? 'xl' : type === 'hvm' && r.chance(0.1) ? 'hvm' : 'cfg';
  return { name, dialect, type, ext, text: `${lines.join('\n')}\n` };
}

export function hostSnapshot() {
  const caps = ['xen-3.0-x86_64', 'xen-3.0-x86_32p', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64'];
  const host = {
    source: 'bench/corpus/host.yaml',
    toolstack: 'xl',
    version: '4.1.4',
    versionText: '4.1.4',
    arch: 'x86',
    hypervisorBits: 64,
    caps: caps.map((token) => ({ token, kind: token.startsWith('hvm') ? 'hvm' : 'xen', abi: token.replace(/^(xen|hvm)-3\.0-/, '') })),
    pvAbis: ['x86_64', 'x86_32p'],
    hvmAbis: ['x86_32', 'x86_32p', 'x86_64'],
    scheduler: 'credit',
    nrCpus: 24,
    cpuMhz: 2666,
    totalMemoryMiB: 196594,
    freeMemoryMiB: 120311,
    virtCaps: ['hvm', 'hvm_directio'],
    commandline: { raw: 'dom0_mem=4096M,max:4096M dom0_max_vcpus=4', options: [{ name: 'dom0_mem', value: '4096M,max:4096M' }, { name: 'dom0_max_vcpus', value: '4' }] },
    dom0Release: '3.2.0-4-amd64',
    dom0Machine: 'x86_64',
    fields: {
      host: 'xen-bench-01',
      release: '3.2.0-4-amd64',
      machine: 'x86_64',
      nr_cpus: '24',
      total_memory: '196594',
      free_memory: '120311',
      xen_major: '4',
      xen_minor: '1',
      xen_extra: '.4',
      xen_caps: caps.join(' '),
      xen_scheduler: 'credit',
      xen_commandline: 'dom0_mem=4096M,max:4096M dom0_max_vcpus=4',
    },
  };
  // YAML by hand (JSON is YAML) keeps the generator free of dependencies.
  return `# Facts snapshot for the benchmark (generated by bench/corpus.mjs)\n${JSON.stringify({ schemaVersion: 1, origin: 'snapshot', host, probes: [], diagnostics: [] }, null, 2)}\n`;
}

/** Writes the corpus for n unless a complete one with the same seed and generator is there. */
export function ensureCorpus(n, seed = 1, log = () => {}) {
  const dir = join(CORPUS_DIR, `n${n}`);
  const stamp = join(dir, '.complete');
  const want = JSON.stringify({ n, seed, generator: GENERATOR_VERSION });
  mkdirSync(CORPUS_DIR, { recursive: true });
  writeFileSync(join(CORPUS_DIR, 'host.yaml'), hostSnapshot());
  writeFileSync(join(CORPUS_DIR, 'one.cfg'), guestConfig(3, seed).text);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return { dir, reused: true };
  rmSync(dir, { recursive: true, force: true });
  const stats = { xm: 0, xl: 0, pv: 0, hvm: 0, pvh: 0, bytes: 0 };
  for (let i = 0; i < n; i++) {
    const g = guestConfig(i, seed);
    const sub = join(dir, `host-${String(Math.floor(i / PER_DIR)).padStart(3, '0')}`);
    if (i % PER_DIR === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `${g.name}.${g.ext}`), g.text);
    stats[g.dialect]++;
    stats[g.type]++;
    stats.bytes += Buffer.byteLength(g.text);
  }
  writeFileSync(stamp, want);
  log(`corpus n=${n}: ${stats.xm} xm / ${stats.xl} xl, ${stats.pv} PV / ${stats.hvm} HVM / ${stats.pvh} PVH, ${(stats.bytes / 1048576).toFixed(1)} MiB`);
  return { dir, reused: false, stats };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args.splice(seedAt, 2)[1]) : 1;
  const sizes = args.length > 0 ? args.map(Number) : [1000];
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < 1) {
      console.error(`usage: node bench/corpus.mjs N... [--seed S]`);
      process.exit(2);
    }
    const { dir, reused } = ensureCorpus(n, seed, console.log);
    if (reused) console.log(`corpus n=${n}: ${dir} is up to date`);
  }
}
