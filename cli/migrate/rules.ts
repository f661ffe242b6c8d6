/**
 * Why a guest cannot move from host A to host B: one rule per reason Xen's own
 * code gives, each with both sides' evidence. docs/migrate.md cites the source
 * of every rule; keep the two in step.
 *
 * A rule sees the guest (read from its config, its kernel read on A when A is a
 * capture) and both hosts' Facts. It returns findings about the guest — placed
 * on the config key that matters, so every report format can point at it — or a
 * skip with the fact it lacks. Rules that are the same judgement a host check
 * already makes (bridges, weights and caps) run that check on B with the guest.
 */
import type { CheckContext, DomainFacts, Facts, Finding, Skip } from '../../checks/api.js';
import type { TextFinding } from '../model/contract.js';
import type { Probe } from '../model/facts.js';
import type { Severity } from '../model/diagnostic.js';
import { satisfiesXen } from '../model/xen-version.js';
import { capsText, keyPlace, keyText, kindLabel, listNames, typePlace } from '../../checks/lib/guest.js';
import { dom0MayBalloon, footprint } from '../../checks/lib/memory.js';
import { toolstackFor } from '../../checks/lib/toolstack.js';
import bridgeMissing from '../../checks/bridge-missing.js';
import scheduler, { hostScheduler } from '../../checks/scheduler.js';
import { renderFinding } from '../model/messages.js';
import { cpuVendor, maskable, maskedFeatures, missingFeatures, parseHwCaps, type HwCaps } from './cpu.js';
import type { Side } from './sides.js';

export interface Migration {
  guest: DomainFacts;
  from: Side;
  to: Side;
  /** One probe per disk of the guest, looked up in B's capture (absent unless B is a capture). */
  storage?: Probe[];
}

export interface MigrationRule {
  /** kebab-case, stable; also the anchor of its section in docs/migrate.md. */
  id: string;
  title: string;
  severity: Severity;
  sources: string[];
  run(m: Migration): TextFinding[] | Skip;
}

type Evidence = Record<string, string | number | boolean>;

function version(s: Side): string | undefined {
  return s.facts.host?.version;
}

/** Xen's own spelling ("4.17.4-pre") for messages. */
function shown(s: Side): string {
  const h = s.facts.host;
  return `Xen ${h?.versionText ?? h?.version ?? '(version unknown)'}`;
}

function hostName(s: Side): string {
  return `${s.role === 'from' ? 'A' : 'B'} (${s.spec})`;
}

/** Each fact of both sides under "from." and "to.", so every format shows them side by side. */
function both(facts: Record<string, [string | number | boolean | undefined, string | number | boolean | undefined]>): Evidence {
  const out: Evidence = {};
  for (const [k, [a, b]] of Object.entries(facts)) {
    if (a !== undefined) out[`from.${k}`] = a;
    if (b !== undefined) out[`to.${k}`] = b;
  }
  return out;
}

function versions(m: Migration): { a: string; b: string } | Skip {
  const a = version(m.from);
  const b = version(m.to);
  if (a === undefined || b === undefined) {
    return { skip: `Xen version of ${a === undefined ? hostName(m.from) : hostName(m.to)} unknown` };
  }
  return { a, b };
}

function isSkip(v: unknown): v is Skip {
  return typeof v === 'object' && v !== null && typeof (v as Skip).skip === 'string';
}

function toolstackOf(m: Migration, s: Side): 'xm' | 'xl' {
  return toolstackFor(m.guest.dialect, s.facts, version(s)).toolstack;
}

/** Where a finding about the whole guest points: the key that made it what it is, else `name`. */
function guestPlace(g: DomainFacts) {
  return typePlace(g);
}

const libxlStream: MigrationRule = {
  id: 'libxl-stream',
  title: 'xl on the target reads the libxl stream version the source sends (v2 from Xen 4.6)',
  severity: 'error',
  sources: [
    'RELEASE-4.6.0:tools/libxl/libxl_sr_stream_format.h:19 (RESTORE_STREAM_VERSION 2)',
    'RELEASE-4.6.0:tools/libxl/xl_cmdimpl.c:112-114 (XL_MANDATORY_FLAG_STREAMv2)',
    'RELEASE-4.5.0:tools/libxl/xl_cmdimpl.c:2366-2371 ("Savefile has mandatory flag(s) … need newer xl")',
  ],
  run(m) {
    const v = versions(m);
    if (isSkip(v)) return v;
    if (toolstackOf(m, m.from) !== 'xl' || toolstackOf(m, m.to) !== 'xl') return { skip: 'the libxl stream is xl to xl; a host with xm is the toolstack rule' };
    if (!(satisfiesXen(v.a, '>=4.6.0') && satisfiesXen(v.b, '<4.6.0'))) return [];
    return [
      {
        ...guestPlace(m.guest),
        message: `${m.guest.name}: ${shown(m.from)} sends libxl migration stream v2 (Xen 4.6 and later); the xl of ${shown(m.to)} refuses it ("Savefile has mandatory flag(s) 0x2 which are not supported; need newer xl")`,
        remediation: 'Migrate to a host with Xen 4.6 or later, or upgrade the target first. A stream from 4.5 and older is converted on a newer target, not the other way round.',
        evidence: both({ xen_version: [v.a, v.b], libxl_stream: ['v2', 'legacy (v1)'] }),
      },
    ];
  },
};

const libxcStream: MigrationRule = {
  id: 'libxc-stream',
  title: 'The target accepts the libxc stream version the source sends (v3 from Xen 4.14)',
  severity: 'error',
  sources: [
    'RELEASE-4.14.0:tools/libxc/xc_sr_save.c:16 (.version = htonl(3))',
    'RELEASE-4.14.0:tools/libxc/xc_sr_restore.c:38 (accepts 2 <= version <= 3)',
    'RELEASE-4.13.0:tools/libxc/xc_sr_restore.c:36-40, xc_sr_stream_format.h:26 (accepts only IHDR_VERSION 2)',
    'RELEASE-4.17.0:docs/specs/libxc-migration-stream.pandoc:130',
  ],
  run(m) {
    const v = versions(m);
    if (isSkip(v)) return v;
    if (!(satisfiesXen(v.a, '>=4.14.0') && satisfiesXen(v.b, '<4.14.0'))) return [];
    return [
      {
        ...guestPlace(m.guest),
        message: `${m.guest.name}: ${shown(m.from)} writes libxc migration stream v3 (Xen 4.14 and later); ${shown(m.to)} accepts only v2 and stops with "Invalid Version"`,
        remediation: 'Migrate only to hosts with Xen 4.14 or later (upgrade the target first); a stream from an older Xen is accepted by a newer one, not the other way round.',
        evidence: both({ xen_version: [v.a, v.b], libxc_stream: ['v3', 'v2 only'] }),
      },
    ];
  },
};

const toolstack: MigrationRule = {
  id: 'toolstack',
  title: 'Both hosts migrate with the same toolstack (xm/xend or xl)',
  severity: 'error',
  sources: [
    'RELEASE-4.1.0:tools/python/xen/xend/XendOptions.py:89 (xend relocation port 8002)',
    'RELEASE-4.1.0:tools/libxl/xl_cmdimpl.c:2995 (xl migrate runs "xl migrate-receive" on the target over ssh)',
  ],
  run(m) {
    const a = toolstackOf(m, m.from);
    const b = toolstackOf(m, m.to);
    if (a === b) return [];
    return [
      {
        ...guestPlace(m.guest),
        message: `${m.guest.name}: ${hostName(m.from)} migrates with ${a} and ${hostName(m.to)} with ${b}: xm migrate sends to xend's relocation server (TCP 8002), xl migrate runs "xl migrate-receive" on the target over ssh; neither receives the other's stream`,
        remediation: 'Move both hosts to the same toolstack first (xl from Xen 4.1; xend is gone in 4.5), or shut the guest down and start it on the target from its config.',
        evidence: both({ toolstack: [a, b], xen_version: [version(m.from), version(m.to)] }),
      },
    ];
  },
};

const guestAbi: MigrationRule = {
  id: 'guest-abi',
  title: "The target's xen_caps offer the guest's PV ABI or HVM",
  severity: 'error',
  sources: [
    'xen_caps as printed by xl/xm info (RELEASE-4.17.0:tools/xl/xl_info.c)',
    'RELEASE-4.14.0:xen/arch/x86/setup.c:1946-1956 (xen-3.0-x86_32p only with opt_pv32)',
    'RELEASE-4.10.0:tools/xl/xl_parse.c:904-915 (type="pvh" from 4.10)',
  ],
  run(m) {
    const g = m.guest;
    const to = m.to.facts.host!;
    const from = m.from.facts.host!;
    if (!to.caps) return { skip: `xen_caps of ${hostName(m.to)} unknown` };
    const ev = both({ xen_caps: [from.caps ? capsText(from.caps) : undefined, capsText(to.caps)] });
    if (g.type === 'pvh' && to.version !== undefined && satisfiesXen(to.version, '<4.10.0')) {
      return [
        {
          ...guestPlace(g),
          message: `${g.name}: PVH guest, but ${hostName(m.to)} runs ${shown(m.to)}: PVH guests (type="pvh") exist from Xen 4.10`,
          remediation: 'Migrate PVH guests only to hosts with Xen 4.10 or later.',
          evidence: { ...both({ xen_version: [from.version, to.version] }), 'guest.type': 'pvh' },
        },
      ];
    }
    if (g.type !== 'pv') {
      if ((to.hvmAbis ?? []).length > 0) return [];
      return [
        {
          ...guestPlace(g),
          message: `${g.name}: ${kindLabel(g)} guest, but ${hostName(m.to)} offers no HVM (no hvm-3.0-* in xen_caps: no VT-x/AMD-V, or it is off in the firmware)`,
          remediation: 'Pick a target with hardware virtualisation enabled (xen_caps lists hvm-3.0-*).',
          evidence: ev,
        },
      ];
    }
    const offered = to.pvAbis ?? [];
    const abi = g.kernel?.abi;
    if (abi !== undefined) {
      const fits = abi === 'x86_32-bimodal' ? offered.some((a) => a === 'x86_32' || a === 'x86_32p') : offered.includes(abi);
      if (fits) return [];
      return [
        {
          ...keyPlace(g, 'kernel'),
          message: `${g.name}: PV kernel is ${abi}, but ${hostName(m.to)} runs PV guests only as ${offered.length ? listNames(offered) : 'nothing (no xen-3.0-* in xen_caps)'}`,
          remediation: abi === 'x86_32p' ? 'Pick a target whose xen_caps list xen-3.0-x86_32p (from 4.14 only when Xen is built with PV32 and booted without pv=no-32), or run the guest in a PV shim / as HVM.' : 'Pick a target whose xen_caps list the guest\'s ABI.',
          evidence: { ...ev, 'guest.kernel_abi': abi },
        },
      ];
    }
    const lost = (from.pvAbis ?? []).filter((a) => !offered.includes(a));
    if (lost.length === 0) return [];
    return [
      {
        ...guestPlace(g),
        unverified: true,
        message: `${g.name}: PV guest whose kernel ABI is unknown (${g.kernel?.reason ?? 'no kernel read'}); ${hostName(m.from)} runs ${listNames(from.pvAbis ?? [])} PV guests, ${hostName(m.to)} not ${listNames(lost)}`,
        remediation: 'Give A as a capture so xenlint reads the kernel, or annotate the config (# xenlint: guest-abi=x86_64).',
        evidence: ev,
      },
    ];
  },
};

const hvmSave: MigrationRule = {
  id: 'hvm-save',
  title: 'HVM guests can be saved and restored (Xen 3.1 and later on both hosts)',
  severity: 'error',
  sources: ['9e19e45e05, 8fc1da06ae, d11bec8a19 ("[HVM] save restore" series, first in 3.1)', 'docs/rules/hvm-save-migrate.md'],
  run(m) {
    if (m.guest.type !== 'hvm') return { skip: `${kindLabel(m.guest)} guest: not an HVM guest` };
    const v = versions(m);
    if (isSkip(v)) return v;
    const old = [m.from, m.to].filter((s) => satisfiesXen(version(s)!, '<3.1.0'));
    if (old.length === 0) return [];
    return [
      {
        ...guestPlace(m.guest),
        message: `${m.guest.name}: HVM guest and ${old.map((s) => `${hostName(s)} runs ${shown(s)}`).join(', ')}: HVM guests cannot be saved, restored or migrated before Xen 3.1`,
        remediation: 'Upgrade both hosts to Xen 3.1 or later, or move the guest cold (shut down, copy its disks, start it on the target).',
        evidence: both({ xen_version: [v.a, v.b] }),
      },
    ];
  },
};

const passthrough: MigrationRule = {
  id: 'passthrough',
  title: 'The guest has no PCI device passed through',
  severity: 'error',
  sources: ['RELEASE-4.22.0:SUPPORT.md:890-905 (PCI passthrough: "Not compatible with migration")'],
  run(m) {
    const pci = m.guest.keys['pci'];
    if (!pci) return [];
    const devices = Array.isArray(pci.value) ? pci.value.length : pci.value === null ? 1 : String(pci.value).trim() === '' ? 0 : 1;
    if (devices === 0) return [];
    return [
      {
        ...keyPlace(m.guest, 'pci'),
        message: `${m.guest.name}: ${devices === 1 ? 'a PCI device is' : `${devices} PCI devices are`} passed through (pci=); Xen's support statement: PCI passthrough is "not compatible with migration"`,
        remediation: 'Detach the device (xl pci-detach) before migrating and attach the target\'s afterwards, or move the guest cold.',
        evidence: { 'guest.pci': JSON.stringify(pci.value) },
      },
    ];
  },
};

function capsOf(s: Side): HwCaps | undefined {
  return parseHwCaps(s.facts.host?.fields['hw_caps'], version(s));
}

const vendor: MigrationRule = {
  id: 'cpu-vendor',
  title: 'Both hosts have CPUs of the same vendor (Intel or AMD)',
  severity: 'error',
  sources: [
    'RELEASE-4.22.0:CHANGELOG.md:54-59 (cross-vendor support removed: "guests can now only be configured as the same vendor as the host CPU")',
    'RELEASE-4.17.0:xen/arch/x86/hvm/hvm.c:3804-3825 (cross-vendor SYSCALL/SYSENTER emulation up to 4.21; RELEASE-4.17.0:SUPPORT.md never lists cross-vendor migration)',
  ],
  run(m) {
    const a = cpuVendor(m.from.facts.dom0?.cpuVendor, capsOf(m.from));
    const b = cpuVendor(m.to.facts.dom0?.cpuVendor, capsOf(m.to));
    if (!a || !b) return { skip: `CPU vendor of ${!a ? hostName(m.from) : hostName(m.to)} unknown (no /proc/cpuinfo, no VMX/SVM bit in hw_caps)` };
    if (a.vendor === b.vendor) return [];
    const vb = version(m.to);
    const refused = vb !== undefined && satisfiesXen(vb, '>=4.22.0');
    return [
      {
        ...guestPlace(m.guest),
        severity: refused ? 'error' : 'warning',
        message: refused
          ? `${m.guest.name}: ${hostName(m.from)} has ${a.vendor} CPUs and ${hostName(m.to)} ${b.vendor}: ${shown(m.to)} only runs guests configured as its own vendor (cross-vendor support was removed in 4.22)`
          : `${m.guest.name}: ${hostName(m.from)} has ${a.vendor} CPUs and ${hostName(m.to)} ${b.vendor}: cross-vendor migration relies on emulation Xen never listed as supported, and 4.22 removed it`,
        remediation: 'Migrate between hosts of the same CPU vendor; across vendors, shut the guest down and start it on the target.',
        evidence: both({ cpu_vendor: [`${a.vendor} (${a.from})`, `${b.vendor} (${b.from})`] }),
      },
    ];
  },
};

const cpuFeatures: MigrationRule = {
  id: 'cpu-features',
  title: "The target's CPU has every feature the guest saw on the source, unless cpuid= masks it",
  severity: 'error',
  sources: [
    'RELEASE-4.14.0:tools/libxc/xc_sr_stream_format.h:77 (X86_CPUID_POLICY record: the guest\'s CPUID travels with it from 4.14)',
    'RELEASE-4.17.0:tools/libs/guest/xg_sr_common_x86.c:150-177 ("Failed to set CPUID policy")',
    'RELEASE-4.22.0:CHANGELOG.md:407-411 (4.14: ensure the features visible at boot are compatible with anywhere the guest might migrate)',
    'RELEASE-4.17.0:xen/include/public/arch-x86/cpufeatureset.h (which features guests see by default) and RELEASE-4.6.0:xen/include/asm-x86/cpufeature.h (hw_caps words before 4.7)',
    'RELEASE-4.17.0:tools/libs/light/libxl_cpuid.c (cpuid= feature names)',
  ],
  run(m) {
    const a = capsOf(m.from);
    const b = capsOf(m.to);
    if (!a || !b) return { skip: `hw_caps of ${!a ? hostName(m.from) : hostName(m.to)} unknown or all zero` };
    if (a.layout !== b.layout) {
      return { skip: `hw_caps of Xen ${version(m.from)} and Xen ${version(m.to)} use different word layouts (featureset words from 4.7): not comparable` };
    }
    const va = cpuVendor(m.from.facts.dom0?.cpuVendor, a);
    const vb = cpuVendor(m.to.facts.dom0?.cpuVendor, b);
    if (va && vb && va.vendor !== vb.vendor) return { skip: `${va.vendor} and ${vb.vendor} CPUs: see cpu-vendor; their feature words are not comparable bit by bit` };
    const missing = missingFeatures(a, b)!.names;
    if (missing.length === 0) return [];
    const g = m.guest;
    const cpuid = g.keys['cpuid'];
    const masked = cpuid ? maskedFeatures(cpuid.value) : new Set<string>();
    const ev = both({ hw_caps: [m.from.facts.host!.fields['hw_caps'], m.to.facts.host!.fields['hw_caps']] });
    if (masked === undefined) {
      return [
        {
          ...keyPlace(g, 'cpuid'),
          severity: 'warning',
          unverified: true,
          message: `${g.name}: ${hostName(m.to)} lacks ${describe(missing)}; cpuid= is written as register masks, so xenlint cannot tell whether it hides them`,
          remediation: 'Write cpuid= in libxl form ("host,avx2=0,…") so it can be checked, or make sure the masks clear these features.',
          evidence: { ...ev, 'guest.cpuid': keyText(g, 'cpuid') ?? JSON.stringify(cpuid!.value) },
        },
      ];
    }
    const left = missing.filter((n) => !masked.has(n));
    if (left.length === 0) return [];
    const from = version(m.from);
    const to = version(m.to);
    const policyTravels = from !== undefined && to !== undefined && satisfiesXen(from, '>=4.14.0') && satisfiesXen(to, '>=4.14.0');
    const names = left.filter(maskable);
    const mask = names.length ? `"host,${names.map((n) => `${n}=0`).join(',')}"` : undefined;
    return [
      {
        ...(cpuid ? keyPlace(g, 'cpuid') : guestPlace(g)),
        severity: policyTravels ? 'error' : 'warning',
        message: policyTravels
          ? `${g.name}: ${hostName(m.to)} lacks ${describe(left)} that ${hostName(m.from)} shows the guest; from Xen 4.14 the guest's CPUID travels with it and the target fails "Failed to set CPUID policy"`
          : `${g.name}: ${hostName(m.to)} lacks ${describe(left)} that ${hostName(m.from)} shows the guest; the guest keeps using them after the move and may crash`,
        remediation: mask
          ? `Boot the guest with a cpuid= mask of what every host in the pool has, e.g. cpuid = ${mask}${cpuid ? ' (add these to the mask it has)' : ''}, or migrate to a host with the same CPU.`
          : 'Migrate to a host with the same CPU features, or mask the guest to the features both hosts share.',
        evidence: { ...ev, ...(cpuid ? { 'guest.cpuid': keyText(g, 'cpuid') ?? JSON.stringify(cpuid.value) } : {}) },
      },
    ];
  },
};

function describe(names: string[]): string {
  const shownNames = names.length > 12 ? [...names.slice(0, 12), `${names.length - 12} more`] : names;
  return `CPU feature${names.length === 1 ? '' : 's'} ${listNames(shownNames)}`;
}

const memory: MigrationRule = {
  id: 'memory',
  title: "The guest fits in the target's free memory",
  severity: 'error',
  sources: ['docs/rules/memory-fit.md (what a guest takes when it starts; free_memory excludes outstanding claims)'],
  run(m) {
    const free = m.to.facts.host!.freeMemoryMiB;
    if (free === undefined) return { skip: `free_memory of ${hostName(m.to)} unknown` };
    const fp = footprint(m.guest, version(m.to), 0);
    if (fp.totalMiB <= free) return [];
    const balloon = dom0MayBalloon(m.to.facts);
    return [
      {
        ...keyPlace(m.guest, fp.startKey),
        severity: balloon.may ? 'warning' : 'error',
        message: `${m.guest.name}: needs ${fp.totalMiB} MiB${fp.note ? ` (${fp.note})` : ''}, more than free_memory ${free} MiB on ${hostName(m.to)}${balloon.may ? `; dom0 may balloon down to make room (${balloon.why})` : ` (${balloon.why})`}`,
        remediation: 'Free memory on the target (stop or shrink guests there), lower the guest\'s memory before migrating, or pick another target.',
        evidence: { ...both({ free_memory: [m.from.facts.host!.freeMemoryMiB, free], total_memory: [m.from.facts.host!.totalMemoryMiB, m.to.facts.host!.totalMemoryMiB] }), 'guest.needs': fp.totalMiB },
      },
    ];
  },
};

function onTarget(m: Migration): { facts: Facts; ctx: CheckContext } {
  const v = version(m.to);
  return {
    facts: { ...m.to.facts, domains: [m.guest] },
    ctx: { mode: 'check', options: {}, ...(v !== undefined ? { xenVersion: v } : {}) },
  };
}

const bridges: MigrationRule = {
  id: 'bridges',
  title: "The target's dom0 has every bridge the guest's vifs attach to",
  severity: 'error',
  sources: ['docs/rules/bridge-missing.md (which bridge a vif gets; vif-bridge fails without it)'],
  run(m) {
    if (m.to.kind !== 'capture') return { skip: `${hostName(m.to)} is ${m.to.kind === 'info' ? 'an xl info output' : 'a snapshot'}: its bridges are known only from a capture` };
    if (m.guest.vifs.length === 0) return { skip: 'the guest has no vifs' };
    const { facts, ctx } = onTarget(m);
    const r = bridgeMissing.run(facts, { ...ctx, options: { ...(bridgeMissing.defaults ?? {}) } });
    if (isSkip(r)) return r;
    // Rendered here: a migration rule's findings carry their text, not bridge-missing's message ids.
    return r.map(({ messageId: _id, data: _data, ...f }) => ({ ...f, message: `${checkText(bridgeMissing, f, _id, _data)} (on ${hostName(m.to)})` }));
  },
};

const storage: MigrationRule = {
  id: 'storage',
  title: "The target's capture has the storage paths the guest's disks name",
  severity: 'warning',
  sources: ['docs/capture.md (what a capture records: files, sizes of the block devices and images its guests use)'],
  run(m) {
    if (m.to.kind !== 'capture' || !m.storage) return { skip: `${hostName(m.to)} is ${m.to.kind === 'info' ? 'an xl info output' : 'a snapshot'}: its storage is known only from a capture` };
    const looked = m.storage.filter((p) => p.name.startsWith('disk:'));
    if (looked.length === 0) return { skip: 'the guest has no disks whose path dom0 sees (none, cdroms, or script backends)' };
    const findings: TextFinding[] = [];
    for (const p of looked) {
      if (p.status !== 'error') continue;
      const target = p.name.slice('disk:'.length);
      const disk = m.guest.disks.find((d) => d.target === target);
      findings.push({
        ...(disk ? { domain: m.guest.name, ...(m.guest.file ? { file: m.guest.file } : {}), line: disk.line, column: disk.column, key: 'disk' } : keyPlace(m.guest, 'disk')),
        unverified: true,
        message: `${m.guest.name}: disk ${target} is not on ${hostName(m.to)} as captured (${p.detail ?? 'not found'})`,
        remediation: 'Storage must be shared and visible at the same path on both hosts (or copied first). If it is shared, re-capture the target after attaching it, or ignore this warning.',
        evidence: { 'to.disk': `${target}: ${p.detail ?? 'not found'}` },
      });
    }
    return findings;
  },
};

const WEIGHT_KEYS = ['cpu_weight', 'cpu_cap', 'cap', 'weight'];

const schedulerRule: MigrationRule = {
  id: 'scheduler',
  title: 'Weights and caps the guest sets mean the same under the target\'s scheduler',
  severity: 'warning',
  sources: ['docs/rules/scheduler.md (which scheduler runs; which honours weights and caps)'],
  run(m) {
    const set = WEIGHT_KEYS.filter((k) => m.guest.keys[k] !== undefined);
    if (set.length === 0) return { skip: 'the guest sets no weight or cap' };
    const a = hostScheduler(m.from.facts, version(m.from));
    const b = hostScheduler(m.to.facts, version(m.to));
    if (a.name === undefined || b.name === undefined) return { skip: `scheduler of ${a.name === undefined ? hostName(m.from) : hostName(m.to)} ${a.name === undefined ? a.source : b.source}` };
    if (a.name === b.name) return [];
    const { facts, ctx } = onTarget(m);
    const onB = scheduler.run(facts, ctx);
    const ignored = isSkip(onB) ? [] : onB.filter((f) => f.domain === m.guest.name && f.key !== undefined && set.includes(f.key));
    return set.map((key) => {
      const why = ignored.find((f) => f.key === key);
      return {
        ...keyPlace(m.guest, key),
        message: `${m.guest.name}: ${key} = ${keyText(m.guest, key) ?? '(needs evaluation)'} was set for ${a.name} on ${hostName(m.from)}; ${hostName(m.to)} runs ${b.name}${why ? `, where it ${whyText(why).replace(/^[^:]*: /, '')}` : ', which weighs guests against different defaults and peers'}`,
        remediation: 'Review the guest\'s weight and cap against the target\'s scheduler and guests (xl sched-credit / xl sched-credit2) after the move.',
        evidence: both({ scheduler: [`${a.name} (${a.source})`, `${b.name} (${b.source})`] }),
      };
    });
  },
};

export const MIGRATION_RULES: readonly MigrationRule[] = [
  toolstack,
  libxlStream,
  libxcStream,
  guestAbi,
  hvmSave,
  passthrough,
  vendor,
  cpuFeatures,
  memory,
  bridges,
  storage,
  schedulerRule,
];

/** Every fact the rules compare, A beside B, for `--verbose`. */
export function comparedFacts(m: Migration): Array<{ fact: string; from: string; to: string }> {
  const rows: Array<{ fact: string; from: string; to: string }> = [];
  const add = (fact: string, f: (s: Side) => string | undefined) => rows.push({ fact, from: f(m.from) ?? '?', to: f(m.to) ?? '?' });
  add('input', (s) => `${s.kind} ${s.spec}`);
  add('Xen version', (s) => s.facts.host?.versionText ?? s.facts.host?.version);
  add('toolstack', (s) => toolstackOf(m, s));
  add('xen_caps', (s) => (s.facts.host?.caps ? capsText(s.facts.host.caps) : undefined));
  add('scheduler', (s) => {
    const h = hostScheduler(s.facts, version(s));
    return h.name !== undefined ? `${h.name} (${h.source})` : undefined;
  });
  add('CPU vendor', (s) => {
    const v = cpuVendor(s.facts.dom0?.cpuVendor, capsOf(s));
    return v ? `${v.vendor} (${v.from})` : undefined;
  });
  add('hw_caps', (s) => s.facts.host?.fields['hw_caps']);
  add('free_memory', (s) => (s.facts.host?.freeMemoryMiB !== undefined ? `${s.facts.host.freeMemoryMiB} MiB` : undefined));
  add('total_memory', (s) => (s.facts.host?.totalMemoryMiB !== undefined ? `${s.facts.host.totalMemoryMiB} MiB` : undefined));
  add('bridges', (s) => (s.kind === 'capture' && s.facts.dom0?.bridges ? s.facts.dom0.bridges.map((b) => b.name).join(' ') || '(none)' : undefined));
  return rows;
}

/** A scheduler finding's text, rendered from its message id as the engine would. */
function whyText(f: Finding): string {
  const r = renderFinding(scheduler, f);
  return r.ok ? r.text : r.reason;
}

/** A check's finding as text, from its message id and data. */
function checkText(check: Parameters<typeof renderFinding>[0], f: Omit<Finding, 'messageId' | 'data'>, messageId: string, data: Finding['data']): string {
  const r = renderFinding(check, { ...f, messageId, ...(data !== undefined ? { data } : {}) });
  return r.ok ? r.text : r.reason;
}
