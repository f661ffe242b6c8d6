/**
 * Seeded generator of xl domU configs for the differential test against Xen's
 * real xl. Each config is bytes (NUL, CR and invalid UTF-8 included), built from
 * a realistic guest whose settings are written in one of the many spellings
 * libxlu's grammar and xl_parse.c read — or refuse. Deterministic for a seed.
 */

/** mulberry32: small, fast, good enough to spread the cases. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rand, p: number): boolean => r() < p;

/** A value as written in the file (already quoted when it is a string). */
const q = (s: string): string => `"${s}"`;
const sq = (s: string): string => `'${s}'`;

const NUMBERS = {
  plain: ['512', '1024', '2048', '256', '4096', '768'],
  corner: [
    '0512', '0x200', '08', '00', '0', '0x', '0777', '1e3', '0xffffffffffff', '9007199254740993', '99999999999999999999',
    '"512"', '"0512"', '"0x200"', '"+512"', '"-512"', '"512 "', '" 512"', '"5 12"', '""', '"512M"', "'1024'", '"08"', '" +0x10"',
    '"9223372036854775807"', '"9223372036854775808"', '"-0"',
  ],
};
const VCPUS = ['1', '2', '4', '8', '"2"', '"02"', '"0x4"', '0', '"-1"', '3', '"3 "', '010'];
const TYPES = ['"pv"', '"hvm"', '"pvh"', '""', '"HVM"', '"h"', '"p"', '"pvhx"', '"hv"', '"Pv"', '"hvm "'];
const BUILDERS = ['"hvm"', '"generic"', '"vmx"', '"linux"', '"g"', '""'];
const KERNELS = ['"/boot/vmlinuz-6.1.0-18-amd64"', '"/usr/lib/xen/boot/hvmloader"', '"/usr/lib/xen-4.17/boot/hvmloader"', '"hvmloader"', '"/boot/vmlinuz\\t"', "'/vmlinuz'"];
const ACTIONS = ['destroy', 'restart', 'preserve', 'rename-restart', 'coredump-destroy', 'coredump-restart', 'soft-reset', 'Destroy', 'reboot', ''];
const DISKS = [
  'phy:/dev/vg0/GUEST-disk,xvda,w',
  'phy:/dev/vg0/GUEST-swap,xvdb,w',
  'file:/srv/xen/GUEST.img,xvda,w',
  'file:/srv/xen/GUEST.img,hda,r',
  '/dev/vg0/GUEST,xvda,w',
  'tap:aio:/srv/xen/GUEST.img,xvda,w',
  'tap:qcow2:/srv/xen/GUEST.qcow2,xvdb,w',
  'tap2:tapdisk:aio:/srv/GUEST.img,xvda,w',
  'qcow2:/srv/GUEST.qcow2,xvdb,w',
  'raw:/srv/GUEST.raw,xvdc,r',
  'vhd:/srv/GUEST.vhd,xvdd,w',
  'aio:/srv/GUEST.img,xvde,w',
  'file:/srv/iso/debian.iso,hdc:cdrom,r',
  ',hdc:cdrom,r',
  '/srv/iso/debian.iso,xvdc:cdrom,r',
  'vdev=xvda,target=/dev/vg0/GUEST,format=raw,access=rw',
  'format=qcow2, vdev=xvdb, target=/srv/GUEST.qcow2',
  'backendtype=phy,vdev=xvde,target=/dev/vg0/GUEST-e',
  'backendtype=qdisk,vdev=xvdf,format=qcow2,target=/srv/GUEST.qcow2',
  'devtype=cdrom,vdev=hdc,access=ro,target=/srv/iso/x.iso',
  'vdev=hdd,devtype=cdrom',
  'script=block-iscsi,vdev=xvdg,target=iqn.2001-05.com.example:GUEST',
  'vdev=xvdh,access=r,target=/srv/GUEST,with,commas',
  'phy:/dev/vg0/GUEST,xvda,w!',
  'phy:/dev/vg0/GUEST,xvda',
  'phy:/dev/vg0/GUEST,xvda,rw',
  'phy:/dev/vg0/GUEST,xvda,x',
  'phy:/dev/vg0/GUEST,ioemu:hda,w',
  'phy:/dev/vg0/GUEST,sda1,w',
  'phy:/dev/vg0/GUEST,xvda1,w',
  'file:/srv/GUEST.img,xvda,w,devtype=disk',
  'GUEST-nodev',
  '',
  'vdev=xvdz,target=/x,bogus=1',
  'format=vmdk,vdev=xvdi,target=/srv/GUEST.vmdk',
  'phy:/dev/vg0/GUEST,xvda,r,backendtype=phy',
  'target=/dev/vg0/GUEST',
  '/dev/vg0/GUEST,,w',
];
const MACS = [
  '00:16:3e:01:02:03', '00-16-3e-0a-0b-0c', '0:16:3e:1:2:3', '00:16:3E:AB:CD:EF', '01:00:5e:00:00:01', 'ff:ff:ff:ff:ff:ff',
  '00:16:3e:zz:00:01', '00:16:3e:100:00:01', '00.16.3e.01.02.03', '00:16:3e:01:02:03:04', '0x00:16:3e:01:02:03', '00:16:3e:01:02:03 ',
];
const VIF_KEYS = ['bridge=xenbr0', 'bridge=br-lan', 'model=e1000', 'model=rtl8139', 'type=ioemu', 'type=vif', 'type=netfront', 'vifname=vif-GUEST', 'script=vif-bridge', 'ip=192.0.2.10', 'rate=10Mb/s', 'backend=0', 'gatewaydev=eth0', 'bogus=1', 'bridge'];
const PCIS = [
  '0000:00:1d.0', '00:1d.0', '01:00.0,permissive=1', '0000:03:00.1@2', '0000:00:1d.*', 'zz:00.0', '0000:00:1d.0,msitranslate=1,power_mgmt=1', '1:0.0', '',
  // libxlu's own messages before xl's refusal, and libxl's case-insensitive enum (invalid is one of its names).
  '0000:81:00.0,rdm_policy=loose', '0000:81:00.0,rdm_policy=STRICT', '0000:81:00.0,rdm_policy=invalid', '03:00.0,vga=1', 'bdf=03:00.0,seize=1', 'bdf=03:00.0,name=gpu0', '00:3f.0',
];
const VNCS = ['1', '0', '"1"', '"yes"', '2', '"0"', 'true'];
/**
 * Pieces of a `vfb` item: xl splits it with strtok(",") (empty pieces vanish), skips
 * leading blanks but not tabs, stops the item at a piece without `=`, and reads
 * `vnc=` with atoi (RELEASE-4.17.0:tools/xl/xl_parse.c).
 */
const VFB_KEYS = [
  'vnc=1', 'vnc=1', 'vnc=0', 'vnc=2', 'vnc=-1', 'vnc=x', 'vnc=', 'vnc=1x', 'vnc= 1', 'vnc = 1', ' vnc=1', '\tvnc=1', 'vnc=007',
  'vnc=4294967296', 'vnc=99999999999999999999', 'vnc=-99999999999999999999', 'vnclisten=0.0.0.0', 'vnclisten=127.0.0.1:1', 'vncdisplay=1',
  'vncunused=1', 'vncpasswd=s3cret', 'keymap=de', 'sdl=1', 'opengl=0', 'display=:0', 'xauthority=/root/.Xauthority', 'type=vnc', 'vnc', 'bogus=1', '=1',
];
const NAMES = [
  (n: string) => q(n),
  (n: string) => sq(n),
  (n: string) => q(`${n}\\t1`),
  (n: string) => q(`${n}\\'x`),
  (n: string) => sq(`${n}\\"x`),
  (n: string) => q(`${n}\\\\x`),
  (n: string) => q(`\\x41${n}`),
  (n: string) => q(`\\x4${n}`),
  (n: string) => q(`${n}\\101`),
  (n: string) => q(`${n}\\0 1`),
  (n: string) => q(`${n}\\7`),
  (n: string) => q(`${n}\\089`),
  (n: string) => q(`${n}\\q`),
  (n: string) => q(`${n}\\n`),
  (n: string) => `"g\xc3\xa4st-${n}"`,
  (n: string) => `"${n}\xff\xfe"`,
  (n: string) => `"${n}\x00z"`,
  () => '42',
  () => '0x2a',
  () => '""',
];

interface Piece {
  /** Lines (without terminator) making up the statement(s). */
  lines: string[];
}

function spaced(r: Rand, key: string, op: string, value: string): string {
  const a = pick(r, ['', ' ', ' ', '\t']);
  const b = pick(r, ['', ' ', ' ', '  ']);
  return `${key}${a}${op}${b}${value}`;
}

function list(r: Rand, items: string[]): string {
  if (items.length === 0) return pick(r, ['[]', '[ ]', '[\n]']);
  const multi = chance(r, 0.3);
  const sep = multi ? ',\n    ' : pick(r, [',', ', ', ' , ']);
  const trailing = chance(r, 0.25) ? ',' : '';
  return multi ? `[\n    ${items.join(sep)}${trailing}\n]` : `[ ${items.join(sep)}${trailing} ]`;
}

function numberValue(r: Rand): string {
  return chance(r, 0.6) ? pick(r, NUMBERS.plain) : pick(r, NUMBERS.corner);
}

function diskSpec(r: Rand, guest: string): string {
  return pick(r, DISKS).replaceAll('GUEST', guest);
}

function vfbSpec(r: Rand): string {
  const n = Math.floor(r() * 4);
  const parts = Array.from({ length: n }, () => pick(r, VFB_KEYS));
  let joined = parts[0] ?? '';
  for (const p of parts.slice(1)) joined += pick(r, [',', ',', ', ', ',,', ' ,']) + p;
  return joined;
}

/**
 * A `vfb` list (a PV guest's framebuffer; the first one's `vnc=` is what xl
 * enables, and any vfb makes xl ignore the top-level `vnc`), from its own random
 * stream so that adding it left the rest of each generated config as it was.
 */
function vfbPieces(r: Rand): Piece[] {
  if (!chance(r, 0.2)) return [];
  const form = r();
  if (form < 0.06) return [{ lines: [spaced(r, 'vfb', '=', q(vfbSpec(r)))] }];
  if (form < 0.12) return [{ lines: [spaced(r, 'vfb', '=', pick(r, ['[]', '[ [ "vnc=1" ] ]', '[ "vnc=0", [ "vnc=1" ] ]', '[ 1 ]', '[ "" , "vnc=1" ]']))] }];
  const items = Array.from({ length: 1 + Math.floor(r() * 2) }, () => (chance(r, 0.5) ? q(vfbSpec(r)) : sq(vfbSpec(r))));
  const out: Piece[] = [{ lines: [spaced(r, 'vfb', '=', list(r, items))] }];
  if (chance(r, 0.1)) out.push({ lines: [spaced(r, 'vfb', '+=', list(r, [q(vfbSpec(r))]))] });
  return out;
}

function vifSpec(r: Rand, guest: string): string {
  const parts: string[] = [];
  if (chance(r, 0.7)) parts.push(`mac=${pick(r, MACS.slice(0, chance(r, 0.7) ? 4 : MACS.length))}`);
  const n = Math.floor(r() * 3);
  for (let i = 0; i < n; i++) parts.push(pick(r, VIF_KEYS).replaceAll('GUEST', guest));
  if (parts.length === 0) return '';
  let joined = parts[0]!;
  for (const p of parts.slice(1)) joined += pick(r, [',', ',', ', ', ' ', ',,']) + p;
  return joined;
}

/** One guest's settings, each in a randomly chosen spelling. */
function guestPieces(r: Rand, index: number): Piece[] {
  const guest = `guest${index}`;
  const out: Piece[] = [];
  const st = (line: string): void => void out.push({ lines: [line] });

  if (!chance(r, 0.04)) st(spaced(r, 'name', '=', chance(r, 0.7) ? q(guest) : pick(r, NAMES)(guest)));
  const kind = r();
  if (kind < 0.25) st(spaced(r, 'type', '=', chance(r, 0.7) ? pick(r, TYPES.slice(0, 3)) : pick(r, TYPES)));
  else if (kind < 0.35) st(spaced(r, 'builder', '=', pick(r, BUILDERS)));
  else if (kind < 0.4) st(spaced(r, 'pvh', '=', pick(r, ['1', '0', '"1"'])));
  if (chance(r, 0.05)) st(spaced(r, 'type', '=', pick(r, TYPES)));
  if (chance(r, 0.05)) st(spaced(r, 'builder', '=', pick(r, BUILDERS)));

  if (chance(r, 0.85)) st(spaced(r, 'kernel', '=', chance(r, 0.8) ? KERNELS[0]! : pick(r, KERNELS)));
  else st(spaced(r, 'bootloader', '=', q('pygrub')));
  if (chance(r, 0.3)) st(spaced(r, 'extra', '=', q('console=hvc0 root=/dev/xvda1')));

  if (chance(r, 0.85)) st(spaced(r, 'memory', '=', numberValue(r)));
  if (chance(r, 0.3)) st(spaced(r, 'maxmem', '=', numberValue(r)));
  if (chance(r, 0.7)) st(spaced(r, 'vcpus', '=', chance(r, 0.7) ? pick(r, VCPUS.slice(0, 4)) : pick(r, VCPUS)));
  if (chance(r, 0.25)) st(spaced(r, 'maxvcpus', '=', pick(r, VCPUS)));

  if (chance(r, 0.8)) {
    const n = Math.floor(r() * 3) + (chance(r, 0.1) ? 0 : 1);
    const items = Array.from({ length: n }, () => sq(diskSpec(r, guest)));
    if (chance(r, 0.05)) st(spaced(r, 'disk', '=', sq(diskSpec(r, guest))));
    else st(spaced(r, 'disk', '=', list(r, items)));
  }
  if (chance(r, 0.75)) {
    const n = Math.floor(r() * 3);
    const items = Array.from({ length: n }, () => q(vifSpec(r, guest)));
    if (chance(r, 0.05)) st(spaced(r, 'vif', '=', q(vifSpec(r, guest))));
    else st(spaced(r, 'vif', '=', list(r, items)));
  }
  if (chance(r, 0.2)) st(spaced(r, 'vnc', '=', pick(r, VNCS)));
  if (chance(r, 0.1)) st(spaced(r, 'vnclisten', '=', q('0.0.0.0')));
  if (chance(r, 0.08)) st(spaced(r, 'spice', '=', pick(r, VNCS)));
  if (chance(r, 0.1)) st(spaced(r, 'pci', '=', list(r, Array.from({ length: 1 + Math.floor(r() * 2) }, () => q(pick(r, PCIS))))));
  for (const k of ['on_poweroff', 'on_reboot', 'on_crash']) {
    if (chance(r, 0.2)) st(spaced(r, k, '=', q(chance(r, 0.8) ? pick(r, ACTIONS.slice(0, 4)) : pick(r, ACTIONS))));
  }
  return out;
}

/** Grammar corners layered on top of a guest: each changes the bytes, not the guest. */
const MUTATIONS: Array<(r: Rand, pieces: Piece[]) => void> = [
  // repeated key: the last one wins
  (r, p) => p.push({ lines: [spaced(r, 'memory', '=', pick(r, NUMBERS.plain))] }),
  // += on strings, lists and numbers, with and without an earlier `=`
  (r, p) => p.push({ lines: [spaced(r, 'extra', '+=', q(' quiet'))] }),
  (r, p) => p.push({ lines: [spaced(r, 'disk', '+=', list(r, [sq('phy:/dev/vg0/more,xvdz,w')]))] }),
  (r, p) => p.push({ lines: [spaced(r, 'vif', '+=', list(r, [q('bridge=xenbr1')]))] }),
  (r, p) => p.push({ lines: [spaced(r, 'memory', '+=', pick(r, ['4', '"4"']))] }),
  (r, p) => p.push({ lines: [spaced(r, 'name', '+=', pick(r, ['2', '"-b"']))] }),
  (r, p) => p.push({ lines: [spaced(r, 'disk', '+=', q('x'))] }),
  (r, p) => p.push({ lines: [spaced(r, 'extra', '+=', '[ "a" ]')] }),
  (r, p) => p.push({ lines: ['name = 1', 'name += 2'] }),
  // nested and empty lists on keys xl reads as lists
  (r, p) => p.push({ lines: [spaced(r, 'cpuid', '=', pick(r, ['[ "host", [ "x" ] ]', '[[]]', '[ [ "a", "b" ], ]']))] }),
  (r, p) => p.push({ lines: [spaced(r, 'disk', '=', pick(r, ['[ [ "phy:/dev/x,xvda,w" ] ]', '[ "phy:/dev/x,xvda,w", [] ]', '[,]', '[ "a" "b" ]']))] }),
  // statement separators and blank lines
  (r, p) => {
    const a = p.shift();
    const b = p.shift();
    if (a && b) p.unshift({ lines: [`${a.lines.join('\n')}${pick(r, [';', ' ; ', ';;'])}${b.lines.join('\n')}`] });
  },
  (_r, p) => p.splice(1, 0, { lines: ['', ';', ''] }),
  // comments anywhere
  (r, p) => p.splice(Math.floor(r() * p.length), 0, { lines: [pick(r, ['# comment', '#', '  # indented', '#xenlint: size=xvda:10G', "# it's \"quoted\""])] }),
  (r, p) => {
    const x = pick(r, p);
    if (x) x.lines[x.lines.length - 1] += pick(r, [' # trailing', '# x', '\t#']);
  },
  // tokens libxlu refuses
  (r, p) => p.push({ lines: [pick(r, ['memory = 1024 + 1024', 'memory = 512k', 'kernel = "/boot/" + "vmlinuz"', 'import os', 'vcpus = (2)', 'Memory = 512', 'on_crash = destroy', 'disk = [ "a", ] ]', 'x = @', 'vcpus = -1', 'memory = 5.12', 'name: "x"', '= 4', 'memory 512', 'extra = "unterminated', "extra = 'a\\", 'x = $y', 'vcpus = 2 2', 'memory = 0x1g'])] }),
  // uppercase and dotted keys
  (r, p) => p.push({ lines: [pick(r, ['a.b = 1', 'x_1 = "y"', 'device_model_version = "qemu-xen"', 'ab9 = []'])] }),
  // a bad byte inside or outside quotes
  (r, p) => p.push({ lines: [pick(r, ['extra = "a\x00b"', 'x\x00 = 1', 'extra = "\xe9t\xe9"', 'extra = "caf\u00e9"', '\xff', 'extra = "\x01\x7f"', 'extra = "\\x41\\x4a"'])] }),
];

/** How the whole file ends and which line terminators it uses. */
function assemble(r: Rand, pieces: Piece[]): Buffer {
  const lines = pieces.flatMap((p) => p.lines.join('\n').split('\n'));
  const eolKind = r();
  const eol = eolKind < 0.95 ? '\n' : eolKind < 0.98 ? '\r\n' : '\r';
  let text = lines.join(eol);
  const end = r();
  if (end < 0.8) text += eol;
  else if (end < 0.86) text += '';
  else if (end < 0.89) text += `${eol}# last line without newline`;
  else if (end < 0.94) text += `${eol}${pick(r, ['@', '#', 'x', ' ', '+', ';', '\x00', '\xff', ']', '@@'])}`;
  else if (end < 0.97) text += `${eol}${eol}`;
  else text += `${eol}#`;
  return Buffer.from(text, 'latin1');
}

/** The n-th config of a seed, as bytes. */
export function generateConfig(seed: number, n: number): Buffer {
  const r = rng((seed * 1_000_003 + n) >>> 0);
  const pieces = [...guestPieces(r, n), ...vfbPieces(rng(((seed * 1_000_003 + n) ^ 0x76fb) >>> 0))];
  const mutations = chance(r, 0.45) ? 0 : 1 + Math.floor(r() * 2);
  for (let i = 0; i < mutations; i++) pick(r, MUTATIONS)(r, pieces);
  return assemble(r, pieces);
}
