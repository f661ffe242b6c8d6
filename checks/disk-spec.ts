/**
 * disk-spec: disk specs the toolstack that reads the config refuses, ignores
 * or misreads.
 *
 * Each spec is taken as the toolstack that will use the file reads it
 * (diskSpecAs/vifSpecAs: the domain builder's parse when it read the spec that
 * way, parsed once more only when the host's toolstack differs from the file's
 * dialect; xl's libxlu scanner or xm's create.py/blkif.py rules, cli/readers/disk-spec.ts),
 * which also says whether an xm spec survives the move to xl. On top of what
 * the reader reports: a `disk` given as a plain string under xl (ignored
 * whole), two disks at one virtual device, and HVM disks qemu cannot emulate
 * as IDE.
 */
import {
  defineCheck,
  type Dialect,
  type DiskFacts,
  type DiskSpec,
  diskSpecAs,
  emulatedDiskBus,
  type Finding,
  keyText,
  type MessageData,
  plainStringUnderXl,
  plainVdev,
  type Reader,
  readerOf,
  satisfiesXen,
  type Severity,
  SPEC_MESSAGES,
  SPEC_PREFIX,
  specFinding,
  type SpecProblem,
  unreadableSpec,
} from './api.js';
import { CHOOSING_VIRTUALIZATION } from './lib/field-notes.js';

/** xend 3.0.2's image.py only handed hda–hdd to qemu-dm and refused other HVM disks ("hvm: for qemu vbd type=file&dev=hda~hdd"). */
const XEND_HDA_HDD_ONLY = '<3.0.3';
/** xm 3.0.x takes exactly 3 or 4 fields; the 5th (blkif protocol) came later. */
const XM_FOUR_FIELDS = '<3.1.0';
/** xm 4.x reads a 5th field; between 3.1 and 4.0 it is not confirmed either way. */
const XM_FIVE_FIELDS = '>=4.0.0';

/**
 * Names xend's blkif.py turns into device numbers without asking dom0's /dev
 * (`hd[a-t]` with the IDE majors, `sd[a-z]`, `sd[a-i][a-z]` in 4.x, hex numbers);
 * libxl (and so cli/readers/vdev.ts) stops at hdd and sdp.
 */
function xendKnowsVdev(vdev: string): boolean {
  return (
    /^hd[a-t]([1-9]|[1-5][0-9]|6[0-3])?$/.test(vdev) ||
    /^sd[a-z]([1-9]|1[0-5])?$/.test(vdev) ||
    /^sd[a-i][a-z]([1-9]|1[0-5])?$/.test(vdev) ||
    /^(0x)?[0-9a-f]+$/i.test(vdev)
  );
}

function who(ts: Dialect): string {
  return ts === 'xl' ? 'xl' : 'xm';
}

function diskFinding(c: Reader, disk: DiskFacts, severity: Severity, messageId: string, data: MessageData, remediation: string, extra: Record<string, string | number | boolean> = {}): Finding {
  return specFinding(c, 'disk', disk, severity, { messageId, data }, remediation, extra);
}

function isWriteBang(spec: string): boolean {
  return /(^|,)\s*(access\s*=\s*)?w!\s*(,|$)/.test(spec);
}

function rejected(c: Reader, disk: DiskFacts, error: SpecProblem): Finding {
  const ts = c.choice.toolstack;
  if (ts === 'xl' && isWriteBang(disk.spec)) {
    return diskFinding(
      c,
      disk,
      'error',
      'w-bang-xl',
      {},
      'Write `w` (access=rw). xl has no mode that overrides the in-use check, so a disk shared writable between guests needs another arrangement (e.g. a cluster filesystem attached with care).',
      { problem: error.message },
    );
  }
  return diskFinding(c, disk, 'error', ts === 'xl' ? 'rejected-xl' : 'rejected-xm', { problem: error.message }, ts === 'xl'
    ? 'Fix the spec (xl-disk-configuration(5)): e.g. "format=raw, vdev=xvda, access=rw, target=/dev/vg/guest".'
    : 'Fix the spec: TYPE:TARGET,VDEV,MODE such as "phy:/dev/vg/guest,xvda,w".', { problem: error.message });
}

/** Findings for the reader's warnings on a spec that parsed. */
function warningsOf(c: Reader, disk: DiskFacts, spec: DiskSpec, warnings: SpecProblem[]): Finding[] {
  const out: Finding[] = [];
  const ts = c.choice.toolstack;
  for (const w of warnings) {
    switch (w.code) {
      case 'deprecated-prefix':
        // xl ignores phy:/file:/tap: and reads format prefixes: harmless.
        break;
      case 'vdev-invalid': {
        const vdev = spec.vdev ?? '';
        if (ts === 'xm' && xendKnowsVdev(vdev)) break;
        out.push(diskFinding(c, disk, 'error', ts === 'xl' ? 'vdev-invalid-xl' : 'vdev-invalid-xm', { problem: w.message },
        'Use a vdev the toolstack knows: xvda…xvdz, xvdaa… for PV disks, hda–hdd (IDE) or sda–sdp for emulated ones.', { vdev }));
        break;
      }
      case 'xm-version':
        if (c.version !== undefined && satisfiesXen(c.version, XM_FOUR_FIELDS)) {
          out.push(diskFinding(c, disk, 'error', 'fifth-field-rejected', { xen: c.shown ?? c.version ?? '' }, 'Drop the 5th field (the blkif protocol) on this version.'));
        } else if (c.version === undefined || !satisfiesXen(c.version, XM_FIVE_FIELDS)) {
          out.push(diskFinding(c, disk, 'warning', 'fifth-field-unknown', { problem: w.message, xen: c.version !== undefined ? `Xen ${c.shown}` : 'an unknown Xen version' }, 'Drop the 5th field unless you know this xm reads it; pass --xen to let xenlint decide.'));
        }
        break;
      case 'xm-disk-type':
        out.push(diskFinding(c, disk, 'info', 'block-script', { problem: w.message }, 'Make sure the block script exists on every host that may run this guest.'));
        break;
      case 'ignored-text':
        out.push(diskFinding(c, disk, 'warning', 'ignored-text', { problem: w.message }, 'Remove the stray text.'));
        break;
      default:
        out.push(diskFinding(c, disk, 'warning', 'spec-warning', { problem: w.message }, 'Fix the spec so that it says what you mean.'));
    }
  }
  if (ts === 'xm' && !spec.xlCompatible) {
    const xlOnly = c.version !== undefined && satisfiesXen(c.version, '>=4.5.0');
    out.push(diskFinding(
      c,
      disk,
      xlOnly ? 'warning' : 'info',
      'xl-incompatible',
      { why: spec.xlIncompatibility ?? 'xl rejects it' },
      isWriteBang(disk.spec)
        ? 'Before moving to xl, change `w!` to `w` and decide how the shared disk is handled without it.'
        : 'Rewrite the spec in a form both toolstacks read, e.g. "phy:/dev/vg/guest,xvda,w".',
    ));
  }
  return out;
}

interface Parsed {
  disk: DiskFacts;
  spec: DiskSpec;
}

/** Two disks at one virtual device: same name or same device number. */
function duplicates(c: Reader, parsed: Parsed[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Map<string, Parsed>();
  for (const p of parsed) {
    const vdev = plainVdev(p.spec.vdev);
    if (vdev === undefined) continue;
    const id = p.spec.vdevInfo !== undefined ? `#${p.spec.vdevInfo.devNumber}` : `=${vdev}`;
    const first = seen.get(id);
    if (!first) {
      seen.set(id, p);
      continue;
    }
    const same = plainVdev(first.spec.vdev) === vdev ? `\`${vdev}\`` : `\`${vdev}\` (the same device as \`${plainVdev(first.spec.vdev)}\`)`;
    out.push(diskFinding(c, p.disk, 'error', 'duplicate-vdev',
      { same, other: first.disk.index + 1, otherSpec: first.disk.spec, otherLine: first.disk.line, toolstack: who(c.choice.toolstack) },
      'Give every disk of the guest its own vdev.',
      { vdev, ...(p.spec.vdevInfo ? { device_number: p.spec.vdevInfo.devNumber } : {}), other_disk: first.disk.spec }));
  }
  return out;
}

/** HVM disks and qemu's 4 IDE positions (hda–hdd; the field notes: "Xen uses QEMU to emulate a Intel PIIX3 IDE chipset"). */
function emulation(c: Reader, parsed: Parsed[]): Finding[] {
  if (c.d.type !== 'hvm') return [];
  const out: Finding[] = [];
  if (c.choice.toolstack === 'xm') {
    for (const p of parsed) {
      const vdev = plainVdev(p.spec.vdev);
      if (vdev === undefined || !/^hd[e-t]/.test(vdev)) continue;
      const old = c.version !== undefined && satisfiesXen(c.version, XEND_HDA_HDD_ONLY);
      out.push(diskFinding(c, p.disk, old ? 'error' : 'warning', old ? 'hvm-ide-refused' : 'hvm-ide-invisible', { vdev, xen: c.shown ?? '' },
      'Keep an HVM guest to four IDE disks (hda–hdd, a CD-ROM included), or install PV drivers in the guest and give the extra disks xvd names.', { vdev }));
    }
    return out;
  }
  const hdtype = keyText(c.d, 'hdtype') === 'ahci' ? 'ahci' : 'ide';
  const slots = new Map<string, Parsed>();
  for (const p of parsed) {
    const info = p.spec.vdevInfo;
    if (!info) continue;
    const bus = emulatedDiskBus(info, hdtype);
    if (bus !== 'ide' && bus !== 'ahci') continue;
    const slot = `${bus}:${info.disk}`;
    const first = slots.get(slot);
    if (!first) {
      slots.set(slot, p);
      continue;
    }
    if (first.spec.vdevInfo?.devNumber === info.devNumber) continue; // already a duplicate vdev
    out.push(diskFinding(c, p.disk, 'error', 'emulated-slot-clash',
      { vdev: info.name, otherVdev: first.spec.vdevInfo?.name ?? '?', other: first.disk.index + 1, unit: String(info.disk), bus: bus.toUpperCase() },
      'Number the disks so that each index (hda/xvda = 0, hdb/xvdb = 1, …) is used once.', { vdev: info.name, other_vdev: first.spec.vdevInfo?.name ?? '' }));
  }
  return out;
}

function examine(c: Reader): Finding[] {
  const { d } = c;
  if (!d.keys['disk']) return [];
  const plain = plainStringUnderXl(c, 'disk', 'no disks at all');
  if (plain) return [plain];
  const ts = c.choice.toolstack;
  const out: Finding[] = [];
  const parsed: Parsed[] = [];
  for (const disk of d.disks) {
    const unreadable = unreadableSpec(c, 'disk', disk);
    if (unreadable) {
      out.push(unreadable);
      continue;
    }
    const result = diskSpecAs(disk, ts);
    if (!result.ok) {
      out.push(rejected(c, disk, result.error));
      continue;
    }
    // One by one: a spec of 200 000 items makes as many warnings, too many to spread into a call.
    for (const f of warningsOf(c, disk, result.disk, result.warnings)) out.push(f);
    parsed.push({ disk, spec: result.disk });
  }
  out.push(...duplicates(c, parsed), ...emulation(c, parsed));
  return out;
}

const check = defineCheck({
  id: 'disk-spec',
  // Where its findings sit: a refused guest is judged only when one of these is on a refusal's line.
  findingKeys: ['disk'],
  title: 'Disk specs the toolstack refuses, ignores or will refuse after a move to xl',
  severity: 'error',
  needs: ['domains'],
  messages: {
    ...SPEC_MESSAGES,
    'w-bang-xl': `${SPEC_PREFIX}xl does not know the access mode \`w!\` (xm's "writable even if already in use"): "unknown value for access", and xl refuses to create the guest`,
    'rejected-xl': `${SPEC_PREFIX}{{problem}}: xl stops reading the config and creates nothing`,
    'rejected-xm': `${SPEC_PREFIX}{{problem}}: xm create stops with an error and creates nothing`,
    'vdev-invalid-xl': `${SPEC_PREFIX}{{problem}} ("Invalid or unsupported virtual disk identifier"), so the guest is not created`,
    'vdev-invalid-xm': `${SPEC_PREFIX}{{problem}}, so the guest is not created`,
    'fifth-field-rejected': `${SPEC_PREFIX}xm of Xen {{xen}} takes 3 or 4 fields and rejects this spec ("Invalid disk specifier")`,
    'fifth-field-unknown': `${SPEC_PREFIX}{{problem}}; xenlint cannot tell for {{xen}}`,
    'block-script': `${SPEC_PREFIX}{{problem}}`,
    'ignored-text': `${SPEC_PREFIX}{{problem}}`,
    'spec-warning': `${SPEC_PREFIX}{{problem}}`,
    'xl-incompatible': `${SPEC_PREFIX}works with xm, but {{why}}; it breaks when the guest moves to xl (from Xen 4.5 xl is the only toolstack)`,
    'duplicate-vdev': `${SPEC_PREFIX}uses vdev {{same}} like disk {{other}} "{{otherSpec}}" on line {{otherLine}}: a guest has one device per virtual disk number, so {{toolstack}} cannot attach both and the guest is not created`,
    'hvm-ide-refused': `${SPEC_PREFIX}xend of Xen {{xen}} hands only hda–hdd to qemu-dm and refuses \`{{vdev}}\` for an HVM guest ("hvm: for qemu vbd type=file&dev=hda~hdd")`,
    'hvm-ide-invisible': `${SPEC_PREFIX}qemu-dm emulates four IDE disks (hda–hdd); \`{{vdev}}\` is not one of them, so the guest's BIOS and an OS without Xen PV drivers never see it`,
    'emulated-slot-clash': `${SPEC_PREFIX}\`{{vdev}}\` and \`{{otherVdev}}\` (disk {{other}}) are both disk {{unit}} to libxl, which hands both to qemu as {{bus}} unit {{unit}}: qemu cannot put two drives in one slot and the device model fails`,
  },
  sources: [
    'xm specs: 3.0.4-branched:tools/python/xen/xm/create.py and 3.0.4-branched:tools/python/xen/xend/server/blkif.py (modes r, w, w!); xl specs: RELEASE-4.22.0:docs/man/xl-disk-configuration.5.pod.in, RELEASE-4.22.0:tools/libs/util/libxlu_disk_l.l ("unknown value for access" for w!)',
    'RELEASE-4.22.0:tools/libs/util/libxlu_cfg.c xlu_cfg_get_list: a list key given as a plain string: "parameter `disk\' is a single value but should be a list", the key is ignored',
    'RELEASE-4.22.0:docs/man/xen-vbd-interface.7.pandoc and libxl__device_disk_dev_number in RELEASE-4.22.0:tools/libs/light/libxl_device.c: vdev names and limits; RELEASE-4.4.0:tools/python/xen/util/blkif.py maps hd[a-t]',
    'RELEASE-4.22.0:tools/libs/light/libxl_dm.c: qemu emulates IDE disks 0–3 (hda–hdd; 0–5 with hdtype="ahci"); 3.0.2-branched:tools/python/xen/xend/image.py "hvm: for qemu vbd type=file&dev=hda~hdd"',
    `${CHOOSING_VIRTUALIZATION}, "Xen uses QEMU to emulate a Intel PIIX3 IDE chipset"`,
    '9e8672f1c3: xm removed in Xen 4.5',
  ],
  perGuest(d, facts, ctx) {
    return examine(readerOf(d, facts, ctx));
  },
});

export default check;
