/**
 * hvm-emulated-disks: an HVM guest's disks as qemu-xen emulates them under xl.
 *
 * libxl gives hdX, sdX and xvdX one disk index each (a → 0 …) and, for
 * qemu-xen, emulates (RELEASE-4.17.0:tools/libs/light/libxl_dm.c):
 * - `sdX` as SCSI;
 * - with `hdtype = "ahci"` (from 4.6, commit 05d428addd) indexes 0–5 on AHCI;
 * - otherwise indexes 0–3 (`hda`–`hdd` and `xvda`–`xvdd`) as IDE, and the
 *   rest not at all: "Only 4 emulated IDE disks are supported … Disk will be
 *   available via PV drivers but not as an emulated disk."
 * Rules:
 * - an HVM guest that boots from disk but has no emulated hard disk (all of
 *   them `xvde` and later): its firmware sees no disk to boot — error;
 * - a read-only hard disk on IDE or AHCI: libxl refuses the guest, "qemu-xen
 *   doesn't support read-only IDE disk drivers" (from 4.7,
 *   RELEASE-4.7.0:tools/libxl/libxl_dm.c) — error;
 * - `hdtype = "ahci"` before 4.6: xl does not read it, the disks stay IDE —
 *   warning (unknown-key leaves this key to this check).
 * Only guests whose device model is qemu-xen (the default since 4.3) under xl;
 * qemu-xen-traditional has other rules.
 */
import type { CheckContext, DomainFacts, Finding, HostSide } from './api.js';
import type { DiskFacts } from './api.js';
import { defineCheck, placed, satisfiesXen } from './api.js';
import { keyPlace, keyText, xenLabel } from './lib/guest.js';
import { readerOf } from './lib/toolstack.js';
import { bootsFromDisk, diskLocation, isUsableHardDisk, libxlDiskNumber, plainVdev } from './lib/disk.js';

/** hdtype read by xl (05d428addd). */
export const AHCI_RANGE = '>=4.6.0';
/** libxl refuses read-only IDE/AHCI hard disks. */
export const READ_ONLY_REFUSED = '>=4.7.0';

type Bus = 'ide' | 'ahci' | 'scsi' | 'none';

/** Where qemu-xen puts a hard disk of an HVM guest. */
export function busOf(disk: DiskFacts, ahci: boolean): Bus {
  const v = plainVdev(disk.vdev);
  const i = v !== undefined ? libxlDiskNumber(v) : undefined;
  if (i === undefined) return 'none';
  if (i.scsi) return 'scsi';
  if (ahci && i.index < 6) return 'ahci';
  return i.index < 4 ? 'ide' : 'none';
}

function usesQemuXen(d: DomainFacts): boolean {
  const dm = keyText(d, 'device_model_version')?.trim();
  return dm === undefined || dm === 'qemu-xen';
}

function examine(d: DomainFacts, version: string | undefined, xen: string): Finding[] {
  const out: Finding[] = [];
  const hdtype = keyText(d, 'hdtype')?.trim().toLowerCase();
  const ahciRead = version === undefined || satisfiesXen(version, AHCI_RANGE);
  if (hdtype === 'ahci' && !ahciRead) {
    out.push(placed(keyPlace(d, 'hdtype'), {
      severity: 'warning',
      messageId: 'hdtype-ignored',
      data: { guest: d.name, xen },
      remediation: 'Remove hdtype on this version (and keep the boot disk among hda–hdd / xvda–xvdd), or upgrade to Xen 4.6 or later.',
      evidence: { hdtype: 'ahci', xen_version: version ?? '' },
    }));
  }
  const ahci = hdtype === 'ahci' && ahciRead;
  const disks = d.disks.filter(isUsableHardDisk);
  if (disks.length > 0 && bootsFromDisk(d) && disks.every((k) => busOf(k, ahci) === 'none')) {
    const first = disks[0]!;
    const slots = ahci ? 'six AHCI slots (xvda–xvdf)' : 'four IDE slots (hda–hdd or xvda–xvdd)';
    out.push(placed(diskLocation(d, first), {
      severity: 'error',
      messageId: 'no-emulated-boot-disk',
      data: { guest: d.name, disks: disks.map((k) => plainVdev(k.vdev) ?? k.spec).join(', '), slots },
      remediation: `Name the boot disk ${ahci ? 'xvda' : 'hda or xvda'} (an emulated slot); keep xvde and later for data disks the guest reaches through PV drivers.`,
      evidence: { disks: disks.map((k) => k.vdev ?? '').join(' '), hdtype: hdtype ?? 'ide', ...(version !== undefined ? { xen_version: version } : {}) },
    }));
  }
  const refuses = version === undefined || satisfiesXen(version, READ_ONLY_REFUSED);
  if (refuses) {
    for (const k of disks) {
      if (k.access !== 'r') continue;
      const bus = busOf(k, ahci);
      if (bus !== 'ide' && bus !== 'ahci') continue;
      const word = bus === 'ahci' ? 'AHCI' : 'IDE';
      out.push(placed(diskLocation(d, k), {
        severity: 'error',
        messageId: 'read-only-emulated-disk',
        data: { guest: d.name, n: k.index + 1, spec: k.spec, bus: word, vdev: String(plainVdev(k.vdev)), xl: version === undefined ? 'xl (4.7 and later)' : `xl of ${xen}` },
        remediation: `Attach it as a CD-ROM (devtype=cdrom) if it is an image to read, move it to xvde or later (PV only), or make it writable.`,
        evidence: { disk: k.spec, vdev: k.vdev ?? '', access: 'r', bus: word },
      }));
    }
  }
  return out;
}

function perGuest(d: DomainFacts, facts: HostSide, ctx: CheckContext): Finding[] | { skip: string } {
  const r = readerOf(d, facts, ctx);
  if (!(d.type === 'hvm' && r.choice.toolstack === 'xl' && usesQemuXen(d))) return { skip: 'no HVM guest run by xl with qemu-xen among the given configs' };
  return examine(d, r.version, xenLabel(r.shown));
}

const check = defineCheck({
  id: 'hvm-emulated-disks',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['disk', 'hdtype'],
  title: 'HVM disks qemu-xen cannot emulate: a boot disk past the four IDE slots, read-only IDE disks, hdtype before 4.6',
  severity: 'error',
  needs: ['domains'],
  messages: {
    'hdtype-ignored': '{{guest}}: xl of {{xen}} does not read `hdtype` (AHCI came with 4.6, 05d428addd): the disks stay on IDE, where only the first four are emulated',
    'no-emulated-boot-disk':
      '{{guest}}: HVM guest that boots from disk, but none of its disks ({{disks}}) is in the {{slots}} qemu-xen emulates: ' +
      'the firmware sees no disk to boot from (disks beyond them are "available via PV drivers but not as an emulated disk")',
    'read-only-emulated-disk':
      '{{guest}}: disk {{n}} "{{spec}}" is a read-only hard disk on emulated {{bus}} ({{vdev}}): {{xl}} stops with "qemu-xen doesn\'t support read-only {{bus}} disk drivers"',
  },
  sources: [
    'RELEASE-4.17.0:tools/libs/light/libxl_dm.c — disk index mapping; "Only 4 emulated IDE disks are supported"; "qemu-xen doesn\'t support read-only IDE disk drivers" / "… AHCI …"',
    'RELEASE-4.7.0:tools/libxl/libxl_dm.c — the read-only refusal, first in 4.7 (absent from RELEASE-4.6.0)',
    'RELEASE-4.6.0:tools/libxl/libxl_dm.c — hdtype AHCI, index < 6 (commit 05d428addd)',
    'RELEASE-4.17.0:docs/man/xen-vbd-interface.7.pandoc — hd*/sd* are emulated and PV; xvde and later are PV only',
  ],
  perGuest,
});

export default check;
