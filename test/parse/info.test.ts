import t from 'tap';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import {
  parseInfo,
  hostFactsFromInfo,
  hostFactsFromInfoText,
  decodeCaps,
  KNOWN_INFO_KEYS,
  type ParsedInfo,
} from '../../cli/readers/info.js';
import { dom0MemFromCmdline } from '../../cli/readers/xen-cmdline.js';
import type { Diagnostic } from '../../cli/model/diagnostic.js';
import { join } from 'node:path';
import { fromRoot } from '../helpers/paths.js';

const SAMPLES = fromRoot('samples/info');
const sample = (name: string): string => readFileSync(join(SAMPLES, name), 'utf8');
const sampleNames = readdirSync(SAMPLES).filter((n) => n.endsWith('.txt')).sort();

function positionsOk(diags: Diagnostic[]): boolean {
  return diags.every((d) => Number.isInteger(d.line) && Number.isInteger(d.column) && d.line >= 1 && d.column >= 1);
}

const codes = (info: ParsedInfo): string[] => info.diagnostics.map((d) => d.code ?? '');

interface Expect {
  toolstack: 'xl' | 'xm' | undefined;
  version: string;
  versionText: string;
  arch: 'x86' | 'arm';
  bits: 32 | 64;
  pae?: boolean;
  pv: string[];
  hvm: string[];
  scheduler?: string;
  nrCpus: number;
  cpuMhz: number;
  total: number;
  free: number;
  claims?: number;
  virtCaps?: string[];
  dom0Mem?: number;
  machine: string;
}

const X86_HVM3 = ['x86_32', 'x86_32p', 'x86_64'];

const TABLE: Record<string, Expect> = {
  'xm-3.0.2-x86_32p.txt': {
    toolstack: 'xm', version: '3.0.2+2', versionText: '3.0.2-2', arch: 'x86', bits: 32, pae: true,
    pv: ['x86_32p'], hvm: [], nrCpus: 2, cpuMhz: 2992, total: 2047, free: 1264, machine: 'i686',
  },
  'xm-3.0.3-x86_32p.txt': {
    toolstack: 'xm', version: '3.0.3+1', versionText: '3.0.3-1', arch: 'x86', bits: 32, pae: true,
    pv: ['x86_32p'], hvm: ['x86_32', 'x86_32p'], nrCpus: 2, cpuMhz: 2133, total: 4095, free: 3061, machine: 'i686',
  },
  'xm-3.0.4-x86_64.txt': {
    toolstack: 'xm', version: '3.0.4+1', versionText: '3.0.4-1', arch: 'x86', bits: 64,
    pv: ['x86_64'], hvm: X86_HVM3, nrCpus: 4, cpuMhz: 2593, total: 8063, free: 3891, machine: 'x86_64',
  },
  'xm-3.1-x86_64.txt': {
    toolstack: 'xm', version: '3.1.0', versionText: '3.1.0', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 4, cpuMhz: 2394, total: 4094, free: 2803, machine: 'i686',
  },
  'xm-3.2-x86_64.txt': {
    toolstack: 'xm', version: '3.2.0', versionText: '3.2.0', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 8, cpuMhz: 2311, total: 16382, free: 12215, machine: 'x86_64',
  },
  'xm-3.4-x86_64.txt': {
    toolstack: 'xm', version: '3.4.2', versionText: '3.4.2', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 8, cpuMhz: 2666, total: 12279, free: 8192,
    virtCaps: ['hvm', 'hvm_directio'], machine: 'x86_64',
  },
  'xm-3.4-forum-collapsed.txt': {
    toolstack: 'xm', version: '3.4.2', versionText: '3.4.2', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 4, cpuMhz: 2833, total: 4093, free: 511, virtCaps: ['hvm'],
    machine: 'x86_64',
  },
  'xm-4.0-x86_64.txt': {
    toolstack: 'xm', version: '4.0.1', versionText: '4.0.1', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 16, cpuMhz: 2400, total: 24566, free: 18135,
    virtCaps: ['hvm', 'hvm_directio'], dom0Mem: 2048, machine: 'x86_64',
  },
  'xm-4.0-quoted-printable-crlf.txt': {
    toolstack: 'xm', version: '4.0.1', versionText: '4.0.1', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 16, cpuMhz: 2400, total: 24566, free: 18135,
    virtCaps: ['hvm', 'hvm_directio'], dom0Mem: 2048, machine: 'x86_64',
  },
  'xm-xenapi-4.0-x86_64.txt': {
    toolstack: 'xm', version: '4.0.1', versionText: '4.0.1', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 8, cpuMhz: 2527, total: 8189, free: 5061, dom0Mem: 1024,
    machine: 'x86_64',
  },
  'xm-4.1-numa-x86_64.txt': {
    toolstack: 'xm', version: '4.1.1', versionText: '4.1.1', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 8, cpuMhz: 2200, total: 16381, free: 9200,
    virtCaps: ['hvm', 'hvm_directio'], dom0Mem: 2048, machine: 'x86_64',
  },
  'xl-4.1-x86_64.txt': {
    toolstack: 'xl', version: '4.1.2', versionText: '4.1.2', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 4, cpuMhz: 3013, total: 8190, free: 6012, virtCaps: ['hvm'],
    dom0Mem: 1024, machine: 'x86_64',
  },
  'xl-4.4-x86_64.txt': {
    toolstack: 'xl', version: '4.4.1', versionText: '4.4.1', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 8, cpuMhz: 3392, total: 16262, free: 11077, claims: 0,
    virtCaps: ['hvm', 'hvm_directio'], dom0Mem: 2048, machine: 'x86_64',
  },
  'xm-4.4-x86_64.txt': {
    toolstack: 'xm', version: '4.4.0', versionText: '4.4.0', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 4, cpuMhz: 3192, total: 8077, free: 4095,
    virtCaps: ['hvm', 'hvm_directio'], dom0Mem: 1536, machine: 'x86_64',
  },
  'xl-4.11-mail-wrapped.txt': {
    toolstack: 'xl', version: '4.11.4', versionText: '4.11.4', arch: 'x86', bits: 64, pv: ['x86_64', 'x86_32p'],
    hvm: X86_HVM3, scheduler: 'credit', nrCpus: 12, cpuMhz: 3492.072, total: 32635, free: 20271, claims: 0,
    virtCaps: ['pv', 'hvm', 'hvm_directio', 'pv_directio', 'hap', 'shadow', 'iommu_hap_pt_share'], dom0Mem: 2048,
    machine: 'x86_64',
  },
  'xl-4.12-x86_64.txt': {
    toolstack: 'xl', version: '4.12.4+36.g1d3ab68', versionText: '4.12.4.36.g1d3ab68', arch: 'x86', bits: 64,
    pv: ['x86_64', 'x86_32p'], hvm: X86_HVM3, scheduler: 'credit2', nrCpus: 24, cpuMhz: 2394.454, total: 131037,
    free: 97325, claims: 0, virtCaps: ['pv', 'hvm', 'hvm_directio', 'pv_directio'], dom0Mem: 4096, machine: 'x86_64',
  },
  'xl-4.17-x86_64.txt': {
    toolstack: 'xl', version: '4.17.4-pre', versionText: '4.17.4-pre', arch: 'x86', bits: 64, pv: ['x86_64'],
    hvm: X86_HVM3, scheduler: 'credit2', nrCpus: 16, cpuMhz: 3693.062, total: 65391, free: 42217, claims: 0,
    virtCaps: ['pv', 'hvm', 'hvm_directio', 'pv_directio', 'hap', 'shadow', 'iommu_hap_pt_share', 'gnttab-v1', 'gnttab-v2'],
    dom0Mem: 4096, machine: 'x86_64',
  },
  'xl-4.17-numa-x86_64.txt': {
    toolstack: 'xl', version: '4.17.4-pre', versionText: '4.17.4-pre', arch: 'x86', bits: 64, pv: ['x86_64'],
    hvm: X86_HVM3, scheduler: 'credit2', nrCpus: 16, cpuMhz: 3693.062, total: 65391, free: 42217, claims: 0,
    virtCaps: ['pv', 'hvm', 'hvm_directio', 'pv_directio', 'hap', 'shadow', 'iommu_hap_pt_share', 'gnttab-v1', 'gnttab-v2'],
    dom0Mem: 4096, machine: 'x86_64',
  },
  'xl-4.18-aarch64.txt': {
    toolstack: 'xl', version: '4.18.0', versionText: '4.18.0', arch: 'arm', bits: 64, pv: ['aarch64', 'armv7l'],
    hvm: [], scheduler: 'credit2', nrCpus: 4, cpuMhz: 54, total: 3840, free: 2711, claims: 0,
    virtCaps: ['hvm', 'hvm_directio', 'hap', 'iommu_hap_pt_share', 'vpmu', 'gnttab-v1'], dom0Mem: 1024, machine: 'aarch64',
  },
};

t.test('every sample has an expectation row', async (t) => {
  t.same(sampleNames, Object.keys(TABLE).sort());
});

for (const name of sampleNames) {
  t.test(`sample ${name}`, async (t) => {
    const e = TABLE[name];
    if (!e) return t.fail(`no expectation for ${name}`);
    const info = parseInfo(sample(name));
    t.notOk(info.diagnostics.some((d) => d.severity !== 'info'), 'no warnings or errors');
    t.ok(positionsOk(info.diagnostics));
    const h = hostFactsFromInfo(info, `samples/info/${name}`);
    t.equal(h.source, `samples/info/${name}`);
    t.equal(h.toolstack, e.toolstack, 'toolstack');
    t.equal(h.version, e.version, 'version');
    t.equal(h.versionText, e.versionText, 'versionText');
    t.equal(h.arch, e.arch, 'arch');
    t.equal(h.hypervisorBits, e.bits, 'bits');
    t.equal(h.hypervisorPae, e.pae, 'pae');
    t.same(h.pvAbis, e.pv, 'pvAbis');
    t.same(h.hvmAbis, e.hvm, 'hvmAbis');
    t.equal(h.scheduler, e.scheduler, 'scheduler');
    t.equal(h.nrCpus, e.nrCpus, 'nrCpus');
    t.equal(h.cpuMhz, e.cpuMhz, 'cpuMhz');
    t.equal(h.totalMemoryMiB, e.total, 'total');
    t.equal(h.freeMemoryMiB, e.free, 'free');
    t.equal(h.outstandingClaimsMiB, e.claims, 'claims');
    t.same(h.virtCaps, e.virtCaps, 'virtCaps');
    t.equal(h.dom0Machine, e.machine, 'machine');
    t.equal(h.commandline ? dom0MemFromCmdline(h.commandline.options)?.amountMiB : undefined, e.dom0Mem, 'dom0_mem');
    t.equal(h.fields['xen_major'], e.version.split('.')[0]);
    t.equal(h.fieldLines?.['xen_caps'], info.fieldLines['xen_caps']);
    t.notOk(h.fields['xen_caps']?.endsWith(' '), 'trailing blank trimmed');
  });
}

t.test('23-column layout: keys, values and line numbers as printed', async (t) => {
  const info = parseInfo(sample('xm-3.0.4-x86_64.txt'));
  t.equal(info.order.length, 25);
  t.equal(info.order[0], 'host');
  t.equal(info.order.at(-1), 'xend_config_format');
  t.equal(info.fields['xen_caps'], 'xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64');
  t.equal(info.fields['version'], '#1 SMP Wed Jan 17 14:29:31 GMT 2007');
  t.equal(info.fieldLines['host'], 1);
  t.equal(info.fieldLines['xend_config_format'], 25);
  t.equal(info.fields['hw_caps']?.split(':').length, 7, 'xm 3.0.x trims trailing zero words');
  t.notOk('xen_scheduler' in info.fields);
  t.equal(info.reverseAlphabetical, false);
});

t.test('3.0.2: no xen_scheduler, no xend_config_format, no xen_pagesize', async (t) => {
  const info = parseInfo(sample('xm-3.0.2-x86_32p.txt'));
  for (const k of ['xen_scheduler', 'xend_config_format', 'xen_pagesize']) t.notOk(k in info.fields, k);
  const h = hostFactsFromInfo(info, 'x');
  t.equal(h.scheduler, undefined);
  t.equal(h.hypervisorPae, true);
});

t.test('hypervisor bitness comes from xen_caps, never from machine', async (t) => {
  const h = hostFactsFromInfo(parseInfo(sample('xm-3.1-x86_64.txt')), 'x');
  t.equal(h.dom0Machine, 'i686');
  t.equal(h.hypervisorBits, 64);
  t.equal(h.hypervisorPae, undefined);
  const text = 'host : a\nmachine : x86_64\nxen_major : 3\nxen_minor : 0\nxen_extra : .3\nxen_caps : xen-3.0-x86_32p\n';
  const h2 = hostFactsFromInfo(parseInfo(text), 'x');
  t.equal(h2.hypervisorBits, 32, '64-bit dom0 uname does not make a 32-bit Xen 64-bit');
  const h3 = hostFactsFromInfo(parseInfo('host : a\nmachine : x86_64\nxen_major : 4\nxen_minor : 1\n'), 'x');
  t.equal(h3.hypervisorBits, undefined, 'no xen_caps: unknown');
  t.equal(h3.arch, undefined);
});

t.test('forum-collapsed copy: key : value, preamble ignored with a note', async (t) => {
  const info = parseInfo(sample('xm-3.4-forum-collapsed.txt'));
  t.equal(info.fields['host'], 'xenbox');
  t.equal(info.fields['node_to_cpu'], 'node0:0-3');
  t.equal(info.fieldLines['host'], 3);
  t.same(codes(info), ['info-preamble']);
  t.same(info.diagnostics[0] && [info.diagnostics[0].line, info.diagnostics[0].column], [1, 1]);
});

t.test('empty values and (none)', async (t) => {
  const text = [
    'host                   : h',
    'virt_caps              :',
    'xen_changeset          : ',
    'xen_major              : 4',
    'xen_minor              : 1',
    'xen_extra              : (none)',
    'xen_scheduler          : (none)',
    'xen_commandline        : ',
    'xen_caps               : xen-3.0-x86_64',
  ].join('\n');
  const info = parseInfo(text);
  t.equal(info.fields['virt_caps'], '');
  t.equal(info.fields['xen_changeset'], '');
  t.equal(info.fields['xen_scheduler'], '(none)', 'kept as printed');
  const h = hostFactsFromInfo(info, 'x');
  t.same(h.virtCaps, [], 'present but empty: no HVM support');
  t.equal(h.scheduler, undefined, '(none) is not a scheduler');
  t.equal(h.version, '4.1.0', '(none) extra reads as empty');
  t.equal(h.versionText, '4.1');
  t.same(h.commandline, { raw: '', options: [] });
  const h2 = hostFactsFromInfo(parseInfo('host : h\nxen_major : 3\nxen_minor : 0\n'), 'x');
  t.equal(h2.virtCaps, undefined, 'absent field: unknown');
  t.equal(h2.commandline, undefined);
});

t.test('xl virt_caps with no tokens prints no blank after the colon', async (t) => {
  const info = parseInfo('host : h\nvirt_caps              :\ntotal_memory           : 100\nxen_caps : xen-3.0-x86_64\n');
  t.equal(info.fields['virt_caps'], '');
  t.equal(info.fields['total_memory'], '100', 'next key not swallowed');
});

t.test('mail wrapping: unkeyed lines join the field above with a space', async (t) => {
  const info = parseInfo(sample('xl-4.11-mail-wrapped.txt'));
  t.equal(info.fields['xen_caps'], 'xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64');
  t.equal(info.fields['virt_caps'], 'pv hvm hvm_directio pv_directio hap shadow iommu_hap_pt_share');
  t.equal(
    info.fields['xen_commandline'],
    'placeholder dom0_mem=2048M,max:2048M dom0_max_vcpus=2 dom0_vcpus_pin smt=true',
  );
  const wrapped = info.diagnostics.filter((d) => d.code === 'info-wrapped');
  t.same(wrapped.map((d) => d.line), [13, 25, 31]);
  t.ok(wrapped.every((d) => d.severity === 'info' && d.column === 1));
  const stray = info.diagnostics.filter((d) => d.code === 'info-stray-line');
  t.equal(stray.length, 1, 'prose after a blank line is not glued onto the last field');
  t.equal(info.fields['xend_config_format'], '4');
  const h = hostFactsFromInfo(info, 'mail');
  t.same(h.commandline?.options.map((o) => o.name), ['dom0_mem', 'dom0_max_vcpus', 'dom0_vcpus_pin', 'smt']);
});

t.test('xm 3.2–4.0 multi-line NUMA fields keep one node per line', async (t) => {
  const info = parseInfo(sample('xm-4.0-x86_64.txt'));
  t.equal(info.fields['node_to_cpu'], 'node0:0-7\nnode1:8-15');
  t.equal(info.fields['node_to_memory'], 'node0:8703\nnode1:9432');
  t.equal(info.fields['node_to_dma32_mem'], 'node0:2995\nnode1:0');
  t.equal(info.fields['max_node_id'], '1');
  t.equal(info.fieldLines['node_to_memory'], 16);
  t.same(codes(info), [], 'continuations of NUMA fields are normal, not notes');
  const i32 = parseInfo(sample('xm-3.2-x86_64.txt'));
  t.equal(i32.fields['node_to_cpu'], 'node0:0-3\nnode1:4-7');
  t.equal(i32.fields['xen_major'], '3', 'the field after the continuation is read');
});

t.test('Xen-API xm info: reverse alphabetical order', async (t) => {
  const info = parseInfo(sample('xm-xenapi-4.0-x86_64.txt'));
  t.equal(info.reverseAlphabetical, true);
  t.equal(info.order[0], 'xend_config_format');
  t.equal(info.order.at(-1), 'cc_compile_by');
  t.equal(hostFactsFromInfo(info, 'info.txt').toolstack, 'xm');
  t.equal(parseInfo(sample('xl-4.17-x86_64.txt')).reverseAlphabetical, false);
});

t.test('xl info -n: cpu_topology, device topology and numa_info tables', async (t) => {
  const info = parseInfo(sample('xl-4.17-numa-x86_64.txt'));
  t.equal(info.command, 'xl info -n');
  const cpus = info.tables.cpu_topology ?? [];
  t.equal(cpus.length, 16);
  t.same(cpus[9], { cpu: 9, core: 4, socket: 0, node: 1 });
  t.same(info.tables.numa_info, [
    { node: 0, memsize: 32683, memfree: 19837, distances: [10, 32] },
    { node: 1, memsize: 32768, memfree: 22380, distances: [32, 10] },
  ]);
  t.same(info.tables.device_topology?.[3], { device: '0000:40:01.1', node: 1 });
  t.equal(info.tables.device_topology?.length, 5);
  t.equal(info.fields['cpu_topology'], '');
  t.equal(info.fields['xen_major'], '4', 'fields after the tables are read');
  t.equal(info.fields['free_cpus'], '0', 'fields before the tables are untouched');
  t.same(codes(info), []);
});

t.test('xm info -n: xend table layout', async (t) => {
  const info = parseInfo(sample('xm-4.1-numa-x86_64.txt'));
  t.equal(info.command, 'xm info -n');
  t.equal(info.tables.cpu_topology?.length, 8);
  t.same(info.tables.cpu_topology?.[5], { cpu: 5, core: 1, socket: 1, node: 1 });
  t.same(info.tables.numa_info, [
    { node: 0, memsize: 8190, memfree: 4400, distances: [10, 20] },
    { node: 1, memsize: 8191, memfree: 4800, distances: [20, 10] },
  ]);
  t.same(codes(info), []);
});

t.test('quoted-printable, CRLF and a shell prompt give the same fields as the clean copy', async (t) => {
  const clean = parseInfo(sample('xm-4.0-x86_64.txt'));
  const messy = parseInfo(sample('xm-4.0-quoted-printable-crlf.txt'));
  t.same(messy.fields, clean.fields);
  t.same(messy.order, clean.order);
  t.equal(messy.command, 'xm info');
  t.same(codes(messy), ['info-quoted-printable']);
  t.equal(messy.fieldLines['host'], 2, 'the prompt line still counts');
  t.equal(messy.fieldLines['xen_scheduler'], 28, 'a soft break keeps the first line number, later lines keep theirs');
});

t.test('quoted-printable is only decoded when every = is an escape', async (t) => {
  const plain = 'host : a\nxen_major : 4\nxen_minor : 17\nplatform_params : virt_start=0xffff800000000000\nxen_commandline : dom0_mem=3D dom0_max_vcpus=20\n';
  const info = parseInfo(plain);
  t.equal(info.fields['xen_commandline'], 'dom0_mem=3D dom0_max_vcpus=20', 'raw = signs: not QP');
  t.notOk(codes(info).includes('info-quoted-printable'));
  const qp = 'host : a\nxen_major : 4\nxen_minor : 17\nxen_commandline : dom0_mem=3D1G dom0_max_vcpus=3D20 sched=\n=3Dcredit2\n';
  t.equal(parseInfo(qp).fields['xen_commandline'], 'dom0_mem=1G dom0_max_vcpus=20 sched=credit2');
});

t.test('CR-only and CRLF line ends, BOM', async (t) => {
  const lf = 'host : a\nxen_major : 4\nxen_minor : 17\nxen_extra : .4-pre\n';
  for (const text of [lf.replace(/\n/g, '\r\n'), lf.replace(/\n/g, '\r'), `\uFEFF${lf}`]) {
    const info = parseInfo(text);
    t.same(info.fields, { host: 'a', xen_major: '4', xen_minor: '17', xen_extra: '.4-pre' });
    t.equal(info.fieldLines['xen_extra'], 4);
  }
});

t.test('shell prompts: info command kept, other commands ignored', async (t) => {
  const text = [
    'root@xen:~# xm list',
    'Name                                        ID   Mem VCPUs      State   Time(s)',
    'Domain-0                                     0  1024     2     r-----  12345.6',
    'root@xen:~# sudo /usr/sbin/xm info',
    'host                   : xen',
    'xen_major              : 3',
    'xen_minor              : 2',
    'xen_extra              : .1',
    'root@xen:~#',
  ].join('\n');
  const info = parseInfo(text);
  t.equal(info.command, 'xm info');
  t.same(Object.keys(info.fields), ['host', 'xen_major', 'xen_minor', 'xen_extra']);
  const foreign = info.diagnostics.filter((d) => d.code === 'info-foreign-output');
  t.equal(foreign.length, 1);
  t.same([foreign[0]?.line, foreign[0]?.column], [1, 1]);
  t.equal(hostFactsFromInfo(info, 'paste').toolstack, 'xm');
  const hash = parseInfo('# xl info\nhost : a\nxen_major : 4\nxen_minor : 19\n');
  t.equal(hash.command, 'xl info');
  t.equal(hash.fields['host'], 'a');
});

t.test('mail quoting with > is stripped, columns still point into the original line', async (t) => {
  const text = '> host                   : xen\n> xen_major              : 4\n>\n> xen_minor              : 2\n> nr_cpus                : x\n';
  const info = parseInfo(text);
  t.same(info.fields, { host: 'xen', xen_major: '4', xen_minor: '2', nr_cpus: 'x' });
  const bad = info.diagnostics.find((d) => d.code === 'info-value');
  t.same([bad?.line, bad?.column], [5, 28]);
});

t.test('text that is not info output', async (t) => {
  const cfg = '\n\n  name = "web01"\nmemory = 512\nvif = [ "bridge=xenbr0" ]\n';
  const info = parseInfo(cfg);
  t.same(info.fields, {});
  t.equal(info.diagnostics.length, 1);
  const d = info.diagnostics[0];
  t.equal(d?.severity, 'error');
  t.equal(d?.code, 'not-info');
  t.match(d?.message, /does not look like xl\/xm info output/);
  t.match(d?.message, /config file/);
  t.same([d?.line, d?.column], [3, 3]);
  for (const text of ['', '   \n\n', 'hello world', 'foo : bar\nbaz : qux\n', '{"host": "x"}']) {
    const i = parseInfo(text);
    t.same(i.diagnostics.map((x) => x.code), ['not-info'], JSON.stringify(text));
    t.ok(positionsOk(i.diagnostics));
  }
  t.same(parseInfo('xen_caps : xen-3.0-x86_64\n').fields, { xen_caps: 'xen-3.0-x86_64' }, 'a single xen_caps line is enough');
});

t.test('duplicate keys: last wins, with a warning at the second key', async (t) => {
  const text = 'host : a\nxen_major : 3\nxen_minor : 0\n  xen_major : 4\n';
  const info = parseInfo(text);
  t.equal(info.fields['xen_major'], '4');
  t.equal(info.fieldLines['xen_major'], 4);
  t.same(info.order, ['host', 'xen_major', 'xen_minor']);
  const d = info.diagnostics.find((x) => x.code === 'info-duplicate');
  t.equal(d?.severity, 'warning');
  t.same([d?.line, d?.column], [4, 3]);
  t.match(d?.message, /line 2/);
});

t.test('malformed values are reported where they are, and left out of the host view', async (t) => {
  const text = [
    'host                   : h',
    'nr_cpus                : four',
    'cpu_mhz                : 2.4GHz',
    'total_memory           : 4096 MB',
    'xen_major              : 4',
    'xen_minor              : 1',
    'xen_caps               : xen-3.0-x86_64 bogus',
  ].join('\n');
  const info = parseInfo(text);
  const values = info.diagnostics.filter((d) => d.code === 'info-value');
  t.same(values.map((d) => [d.line, d.column]), [[2, 26], [4, 26], [3, 26], [7, 26]]);
  const h = hostFactsFromInfo(info, 'x');
  t.equal(h.nrCpus, undefined);
  t.equal(h.cpuMhz, undefined);
  t.equal(h.totalMemoryMiB, undefined);
  t.same(h.pvAbis, ['x86_64']);
});

t.test('unknown keys: accepted with the padded layout, not from wrapped text', async (t) => {
  const info = parseInfo('host                   : h\nxen_major : 4\nxen_minor : 20\nfuture_field           : 1\nxen_commandline : dom0_mem=min:1G,\nmax:4G\n');
  t.equal(info.fields['future_field'], '1');
  t.notOk('max' in info.fields, '"max:4G" is a wrapped value, not a key');
  t.equal(info.fields['xen_commandline'], 'dom0_mem=min:1G, max:4G');
});

t.test('keys named like Object.prototype members stay plain data', async (t) => {
  const info = parseInfo('host : a\nxen_major : 4\nxen_minor : 1\n__proto__     : x\nconstructor   : y\n');
  t.equal(Object.getPrototypeOf(info.fields), Object.prototype);
  t.equal(info.fields['constructor'], 'y');
  t.notOk(info.order.includes('__proto__'));
  t.equal(info.fields['xen_minor'], '1 __proto__     : x', 'read as a wrapped line instead');
});

t.test('toolstack guess', async (t) => {
  const guess = (text: string, source = 'info.txt') => hostFactsFromInfo(parseInfo(text), source).toolstack;
  const xl41 = sample('xl-4.1-x86_64.txt');
  t.equal(guess(xl41), undefined, 'xl 4.1 and xm 4.1 print the same fields');
  t.equal(guess(xl41, 'xl info'), 'xl');
  t.equal(guess(xl41, '/tmp/captures/host7-xl_info.txt'), 'xl');
  t.equal(guess(xl41, 'xm info'), 'xm');
  t.equal(guess(sample('xl-4.4-x86_64.txt'), 'xm info'), 'xl', 'fields beat the source name');
  t.equal(guess('host : a\nnr_cpus : 2\nmax_cpu_id : 1\nnr_nodes : 1\n'), 'xl');
  t.equal(guess('host : a\nnr_cpus : 2\nnr_nodes : 1\nsockets_per_node : 1\n'), 'xm');
  t.equal(guess('host : a\nxen_major : 3\nxen_minor : 4\n'), 'xm', 'no xl before 4.0');
  t.equal(guess('host : a\nxen_major : 4\nxen_minor : 2\nxen_extra : .0\n'), undefined, 'partial output: unknown');
});

t.test('decodeCaps: the strings each build prints (xen-facts A4)', async (t) => {
  const rows: Array<[string, { bits?: number; pae?: boolean; arch?: string; pv: string[]; hvm: string[] }]> = [
    ['xen-3.0-x86_32', { bits: 32, pae: false, arch: 'x86', pv: ['x86_32'], hvm: [] }],
    ['xen-3.0-x86_32 hvm-3.0-x86_32', { bits: 32, pae: false, arch: 'x86', pv: ['x86_32'], hvm: ['x86_32'] }],
    ['xen-3.0-x86_32p', { bits: 32, pae: true, arch: 'x86', pv: ['x86_32p'], hvm: [] }],
    ['xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p', { bits: 32, pae: true, arch: 'x86', pv: ['x86_32p'], hvm: ['x86_32', 'x86_32p'] }],
    ['xen-3.0-x86_64', { bits: 64, arch: 'x86', pv: ['x86_64'], hvm: [] }],
    ['xen-3.0-x86_64 xen-3.0-x86_32p ', { bits: 64, arch: 'x86', pv: ['x86_64', 'x86_32p'], hvm: [] }],
    ['hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64', { bits: 64, arch: 'x86', pv: [], hvm: X86_HVM3 }],
    ['hvm-3.0-x86_32 hvm-3.0-x86_32p', { bits: 32, pae: true, arch: 'x86', pv: [], hvm: ['x86_32', 'x86_32p'] }],
    ['xen-3.0-aarch64 xen-3.0-armv7l', { bits: 64, arch: 'arm', pv: ['aarch64', 'armv7l'], hvm: [] }],
    ['xen-3.0-armv7l', { bits: 32, arch: 'arm', pv: ['armv7l'], hvm: [] }],
    ['xen-3.0-ia64 xen-3.0-ia64be hvm-3.0-ia64 hvm-3.0-ia64-sioemu', { bits: 64, arch: 'ia64', pv: ['ia64', 'ia64be'], hvm: ['ia64'] }],
    ['xen-3.0-powerpc64', { bits: 64, arch: 'powerpc', pv: [], hvm: [] }],
    ['', { pv: [], hvm: [] }],
    ['garbage words', { pv: [], hvm: [] }],
  ];
  for (const [caps, e] of rows) {
    const d = decodeCaps(caps);
    t.equal(d.bits, e.bits, `${caps}: bits`);
    t.equal(d.pae, e.pae, `${caps}: pae`);
    t.equal(d.arch, e.arch, `${caps}: arch`);
    t.same(d.pvAbis, e.pv, `${caps}: pv`);
    t.same(d.hvmAbis, e.hvm, `${caps}: hvm`);
  }
  t.same(decodeCaps('xen-3.0-x86_64 hvm-3.0-x86_32').caps, [
    { token: 'xen-3.0-x86_64', kind: 'xen', abi: 'x86_64' },
    { token: 'hvm-3.0-x86_32', kind: 'hvm', abi: 'x86_32' },
  ]);
  t.equal(decodeCaps('hvm-3.0-ia64-sioemu').caps[0]?.abi, 'ia64-sioemu', 'unknown ABIs stay in caps');
});

t.test('hostFactsFromInfoText tags diagnostics with the source', async (t) => {
  const r = hostFactsFromInfoText('host : a\nxen_major : 4\nxen_minor : 1\nnr_cpus : x\n', 'hostA/xl-info.txt');
  t.equal(r.host.source, 'hostA/xl-info.txt');
  t.equal(r.diagnostics[0]?.file, 'hostA/xl-info.txt');
});

// --- property tests -------------------------------------------------------

const REAL_KEYS = [...KNOWN_INFO_KEYS];
const ALL_SAMPLES = sampleNames.map(sample);

function assertSound(text: string): void {
  const info = parseInfo(text);
  if (!positionsOk(info.diagnostics)) throw new Error(`bad position: ${JSON.stringify(info.diagnostics)}`);
  for (const k of info.order) if (!(k in info.fields) || !(k in info.fieldLines)) throw new Error(`order/fields mismatch ${k}`);
  hostFactsFromInfo(info, 'prop');
}

t.test('property: random text never throws, positions are 1-based', async (t) => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => assertSound(s)), { numRuns: 400 });
  fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => assertSound(s)), { numRuns: 400 });
  t.pass();
});

const valueArb = fc.stringMatching(/^[A-Za-z0-9 .,:=_()#@\/-]{0,40}$/);
const lineArb = fc.oneof(
  fc.tuple(fc.constantFrom(...REAL_KEYS), fc.constantFrom('', ' ', '          ', '\t'), valueArb).map(([k, pad, v]) => `${k}${pad}: ${v}`),
  fc.tuple(fc.constantFrom(...REAL_KEYS), valueArb).map(([k, v]) => `${k.padEnd(23)}: ${v}`),
  fc.constantFrom(
    'cpu:    core    socket     node', '  3:       1        0        0', 'node:    memsize    memfree    distances',
    '   0:     32683      19837      10,32', '                         node1:4-7', 'device           node',
    '0000:00:1f.2      0', '[root@h ~]# xm info', 'root@h:~# xl list', '', '>', '=', 'virt_start=3D0x0=',
    '   1:      8191MB     4800MB         0MB         :  20   10 ',
  ),
  valueArb,
);
const eolArb = fc.constantFrom('\n', '\r\n', '\r');

t.test('property: line soups built from real keys and table rows', async (t) => {
  fc.assert(
    fc.property(fc.array(lineArb, { maxLength: 60 }), eolArb, (lines, eol) => assertSound(lines.join(eol))),
    { numRuns: 500 },
  );
  t.pass();
});

t.test('property: well-formed key/value lines are read back exactly', async (t) => {
  const plainKeys = REAL_KEYS.filter((k) => !['cpu_topology', 'numa_info', 'device topology'].includes(k));
  const value = fc.stringMatching(/^[A-Za-z0-9.,_()-][A-Za-z0-9 .,:_()-]{0,30}[A-Za-z0-9.,_()-]$/);
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(fc.constantFrom(...plainKeys), value), { selector: ([k]) => k, minLength: 3, maxLength: 30 }),
      fc.boolean(),
      (pairs, padded) => {
        const text = pairs.map(([k, v]) => (padded ? `${k.padEnd(23)}: ${v}` : `${k} : ${v}`)).join('\n');
        const info = parseInfo(text);
        const want = Object.fromEntries(pairs);
        if (JSON.stringify(info.fields) !== JSON.stringify(want)) throw new Error(`${JSON.stringify(info.fields)} != ${JSON.stringify(want)}`);
        if (info.diagnostics.some((d) => d.severity === 'error')) throw new Error('unexpected error');
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

t.test('property: mutated samples (deleted, duplicated, garbled lines) never throw', async (t) => {
  const mutation = fc.tuple(fc.constantFrom('delete', 'duplicate', 'garble', 'truncate', 'swap'), fc.nat(), fc.nat(), fc.string({ maxLength: 8 }));
  fc.assert(
    fc.property(fc.constantFrom(...ALL_SAMPLES), fc.array(mutation, { maxLength: 8 }), (text, muts) => {
      const lines = text.split('\n');
      for (const [op, a, b, junk] of muts) {
        if (lines.length === 0) break;
        const i = a % lines.length;
        const line = lines[i] ?? '';
        if (op === 'delete') lines.splice(i, 1);
        else if (op === 'duplicate') lines.splice(b % (lines.length + 1), 0, line);
        else if (op === 'garble') {
          const at = line.length ? b % line.length : 0;
          lines[i] = line.slice(0, at) + junk + line.slice(at + 1);
        } else if (op === 'truncate') lines[i] = line.slice(0, b % (line.length + 1));
        else {
          const j = b % lines.length;
          lines[i] = lines[j] ?? '';
          lines[j] = line;
        }
      }
      assertSound(lines.join('\n'));
    }),
    { numRuns: 400 },
  );
  t.pass();
});
