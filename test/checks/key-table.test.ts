/**
 * checks/data/config-keys.json (built by checks/data/build-key-table.mjs from
 * xen-project/xen) held to facts read by hand from the same files, and to the
 * configs this repository ships.
 */
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import check from '../../checks/unknown-key.js';
import { keyRelease, keyReleases, keyStatus, keysEverRead, releaseFor, type KeyToolstack } from '../../checks/lib/key-table.js';
import { domainFromText, runOnDomains } from '../helpers/facts.js';
import { ROOT } from '../helpers/paths.js';

const root = `${ROOT}/`;

/** [toolstack, key, release, read?, where to see it] — each checked by reading the cited file at that tag. */
const FACTS: Array<[KeyToolstack, string, string, boolean, string]> = [
  ['xl', 'memory', '4.0', true, 'RELEASE-4.0.0:tools/libxl/xl.c parse_config_file: xlu_cfg_get_long (config, "memory", …)'],
  ['xl', 'memory', '4.22', true, 'RELEASE-4.22.0:tools/xl/xl_parse.c'],
  ['xl', 'maxvcpus', '4.0', false, 'RELEASE-4.0.0:tools/libxl/xl.c has no "maxvcpus"'],
  ['xl', 'maxvcpus', '4.1', true, 'RELEASE-4.1.0:tools/libxl/xl_cmdimpl.c xlu_cfg_get_long (config, "maxvcpus", …)'],
  ['xl', 'cpu_weight', '4.1', false, 'RELEASE-4.1.0:tools/libxl/xl_cmdimpl.c has no "cpu_weight"'],
  ['xl', 'cpu_weight', '4.2', true, 'RELEASE-4.2.0:tools/libxl/xl_cmdimpl.c'],
  ['xl', 'cap', '4.1', false, 'RELEASE-4.1.0:tools/libxl/xl_cmdimpl.c: "cap" only in libxl_tmem_set, not the domain config'],
  ['xl', 'cap', '4.2', true, 'RELEASE-4.2.0:tools/libxl/xl_cmdimpl.c'],
  ['xl', 'cpus', '4.1', false, 'RELEASE-4.1.0:tools/libxl/xl_cmdimpl.c reads "cpus" only for cpupool-create'],
  ['xl', 'cpus', '4.2', true, 'RELEASE-4.2.0:tools/libxl/xl_cmdimpl.c parse_config_data'],
  ['xl', 'spice', '4.1', false, 'RELEASE-4.1.0:tools/libxl/xl_cmdimpl.c has no "spice"'],
  ['xl', 'spice', '4.2', true, 'RELEASE-4.2.0:tools/libxl/xl_cmdimpl.c'],
  ['xl', 'device_model_args_hvm', '4.2', true, 'RELEASE-4.2.0:tools/libxl/xl_cmdimpl.c: parse_extra_args(_hvm), "device_model_args"#type'],
  ['xl', 'pvh', '4.3', false, 'RELEASE-4.3.0:tools/libxl/xl_cmdimpl.c has no "pvh"'],
  ['xl', 'pvh', '4.4', true, 'RELEASE-4.4.0:tools/libxl/xl_cmdimpl.c xlu_cfg_get_defbool(config, "pvh", …)'],
  ['xl', 'pvh', '4.8', true, 'RELEASE-4.8.0:tools/libxl/xl_cmdimpl.c'],
  ['xl', 'pvh', '4.9', false, 'RELEASE-4.9.0:tools/xl/xl_parse.c has no "pvh"'],
  ['xl', 'cmdline', '4.4', false, 'RELEASE-4.4.0:tools/libxl/xl_cmdimpl.c has no "cmdline"'],
  ['xl', 'cmdline', '4.5', true, 'RELEASE-4.5.0:tools/libxl/xl_cmdimpl.c'],
  ['xl', 'type', '4.9', false, 'RELEASE-4.9.0:tools/xl/xl_parse.c: "type" only as a vif option (MATCH_OPTION)'],
  ['xl', 'type', '4.10', true, 'RELEASE-4.10.0:tools/xl/xl_parse.c xlu_cfg_get_string (config, "type", …)'],
  ['xl', 'max_grant_frames', '4.9', false, 'RELEASE-4.9.0:tools/xl/xl_parse.c'],
  ['xl', 'max_grant_frames', '4.10', true, 'RELEASE-4.10.0:tools/xl/xl_parse.c'],
  ['xl', 'passthrough', '4.12', false, 'RELEASE-4.12.0:tools/xl/xl_parse.c'],
  ['xl', 'passthrough', '4.13', true, 'RELEASE-4.13.0:tools/xl/xl_parse.c'],
  ['xl', 'bootloader_restrict', '4.17', false, 'RELEASE-4.17.0:tools/xl/xl_parse.c'],
  ['xl', 'bootloader_restrict', '4.18', true, 'RELEASE-4.18.0:tools/xl/xl_parse.c'],
  ['xl', 'hvm_pirq', '4.18', false, 'RELEASE-4.18.0:tools/xl/xl_parse.c'],
  ['xl', 'hvm_pirq', '4.19', true, 'RELEASE-4.19.0:tools/xl/xl_parse.c'],
  ['xl', 'xenstore_quota', '4.21', false, 'RELEASE-4.21.0:tools/xl/xl_parse.c'],
  ['xl', 'xenstore_quota', '4.22', true, 'RELEASE-4.22.0:tools/xl/xl_parse.c'],
  ['xl', 'vif', '4.22', true, 'RELEASE-4.22.0:tools/xl/xl_parse.c xlu_cfg_get_list (config, "vif", …)'],
  ['xl', 'mac', '4.22', false, 'RELEASE-4.22.0:tools/xl/xl_parse.c: "mac" is a vif spec option (parse_nic_config), not a config key'],
  ['xl', 'bridge', '4.22', false, 'RELEASE-4.22.0:tools/xl/xl_parse.c: "bridge" is a vif spec option'],
  ['xm', 'memory', '3.0.0', true, "RELEASE-3.0.0:tools/python/xen/xm/create.py gopts.var('memory', …)"],
  ['xm', 'memory', '4.4', true, 'RELEASE-4.4.0:tools/python/xen/xm/create.py'],
  ['xm', 'cdrom', '3.0.0', true, "RELEASE-3.0.0:tools/python/xen/xm/create.py gopts.var('cdrom', …)"],
  ['xm', 'cdrom', '3.0.3', false, '3.0.3-branched:tools/python/xen/xm/create.py has no cdrom'],
  ['xm', 'vncpasswd', '3.0.3', false, '3.0.3-branched:tools/python/xen/xm/create.py: vncpasswd only inside the vfb spec help'],
  ['xm', 'vncpasswd', '3.0.4', true, "3.0.4-branched:tools/python/xen/xm/create.py gopts.var('vncpasswd', …)"],
  ['xm', 'cpu_cap', '3.0.3', false, '3.0.3-branched:tools/python/xen/xm/create.py'],
  ['xm', 'cpu_cap', '3.0.4', true, "3.0.4-branched:tools/python/xen/xm/create.py gopts.var('cpu_cap', …)"],
  ['xm', 'vcpu_avail', '3.0.4', false, '3.0.4-branched:tools/python/xen/xm/create.py'],
  ['xm', 'vcpu_avail', '3.1', true, '3.1.0-branched:tools/python/xen/xm/create.py'],
  ['xm', 'timer_mode', '3.1', false, '3.1.0-branched:tools/python/xen/xm/create.py'],
  ['xm', 'timer_mode', '3.2', true, '3.2.0-rc6:tools/python/xen/xm/create.py'],
  ['xm', 'viridian', '3.3', false, '3.3.0-branched:tools/python/xen/xm/create.py'],
  ['xm', 'viridian', '3.4', true, '3.4.0-rc3:tools/python/xen/xm/create.py'],
  ['xm', 'maxvcpus', '3.4', false, '3.4.0-rc3:tools/python/xen/xm/create.py has no maxvcpus'],
  ['xm', 'maxvcpus', '4.0', true, "RELEASE-4.0.0:tools/python/xen/xm/create.py vcpu_conf(): hasattr(vals, 'maxvcpus') (68a94cf528)"],
  ['xm', 'pool', '4.0', false, 'RELEASE-4.0.0:tools/python/xen/xm/create.py'],
  ['xm', 'pool', '4.1', true, "RELEASE-4.1.0:tools/python/xen/xm/create.py gopts.var('pool', …)"],
  ['xm', 'vtpm', '4.2', true, "RELEASE-4.2.0:tools/python/xen/xm/create.py gopts.var('vtpm', …)"],
  ['xm', 'vtpm', '4.3', false, 'RELEASE-4.3.0:tools/python/xen/xm/create.py has no vtpm'],
  ['xm', 'vncviewer', '4.4', true, "RELEASE-4.4.0:tools/python/xen/xm/create.py gopts.opt('vncviewer', …): a config can set it"],
  ['xm', 'vncviewer-autopass', '4.4', false, "RELEASE-4.4.0:tools/python/xen/xm/create.py gopts.opt('vncviewer-autopass'): not a Python name, command line only"],
  ['xm', 'type', '4.4', false, 'RELEASE-4.4.0:tools/python/xen/xm/create.py: xm has builder, not type'],
];

t.test('the table agrees with facts read by hand from the tagged files', async (t) => {
  for (const [ts, key, version, read, where] of FACTS) {
    const r = keyRelease(ts, version);
    t.ok(r, `${ts} ${version} is in the table`);
    if (r) t.equal(keyStatus(ts, key, r).read, read, `${ts} ${version} ${read ? 'reads' : 'does not read'} ${key} (${where})`);
  }
});

t.test('the table covers every key xl_parse.c reads at 4.22', async (t) => {
  // Counted by hand in RELEASE-4.22.0:tools/xl/xl_parse.c: 170 distinct keys named as a string literal in
  // xlu_cfg_get_* / xlu_cfg_replace_string calls, plus device_model_args_pv and device_model_args_hvm that
  // the parse_extra_args macro spells as "device_model_args"#type.
  const r = keyRelease('xl', '4.22')!;
  t.equal(r.tag, 'RELEASE-4.22.0');
  t.equal(r.file, 'tools/xl/xl_parse.c');
  const read = [...keysEverRead('xl')].filter((k) => keyStatus('xl', k, r).read);
  t.equal(read.length, 172);
  t.equal(r.count, 172, 'the release row says the same');
  for (const k of ['xenstore_quota', 'xenstore_feature_mask', 'llc_colors', 'arm_sci', 'device_model_args_pv', 'device_model_args_hvm', 'vif', 'disk', 'builder', 'device_model', 'vncviewer', 'vif2']) {
    t.ok(keyStatus('xl', k, r).read, `4.22 reads ${k}`);
  }
});

t.test('every release from the oldest to the newest, each reading a plausible number of keys', async (t) => {
  t.same(keyReleases('xl').map((r) => r.version), ['4.0', ...Array.from({ length: 22 }, (_, i) => `4.${i + 1}`)]);
  t.same(keyReleases('xm').map((r) => r.version), ['3.0.0', '3.0.2', '3.0.3', '3.0.4', '3.1', '3.2', '3.3', '3.4', '4.0', '4.1', '4.2', '4.3', '4.4']);
  for (const ts of ['xl', 'xm'] as const) {
    for (const r of keyReleases(ts)) {
      const read = [...keysEverRead(ts)].filter((k) => keyStatus(ts, k, r).read).length;
      t.equal(read, r.count, `${ts} ${r.version}: the count agrees with the keys`);
      t.ok(r.count >= 30, `${ts} ${r.version} reads ${r.count} keys`);
    }
  }
});

t.test('a Xen version belongs to the newest release not newer than it', async (t) => {
  t.equal(releaseFor('xl', '4.17.4-pre')?.version, '4.17');
  t.equal(releaseFor('xl', '4.23.0-unstable')?.version, '4.22', 'newer than the table: the newest release');
  t.equal(releaseFor('xl', '3.4.2'), undefined, 'older than xl');
  t.equal(releaseFor('xm', '3.0.1')?.version, '3.0.0');
  t.equal(releaseFor('xm', '3.0.4-1')?.version, '3.0.4');
  t.equal(releaseFor('xm', '3.2.1')?.version, '3.2');
  t.equal(releaseFor('xm', '2.0.7'), undefined);
});

function configFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return configFiles(path);
    return e.isFile() && e.name.endsWith('.cfg') ? [path] : [];
  });
}

/** What unknown-key says when it calls a key unknown, new, gone or the other toolstack's. */
const CALLED_UNKNOWN = /does not know|is new in|is gone from|has no `|no longer has|is an xm option|is an xl option/;

t.test('no key of the bundled configs is called unknown for a release that reads it', async (t) => {
  const files = [...configFiles(`${root}samples`), ...configFiles(`${root}test/fixtures`)];
  t.ok(files.length > 100, `${files.length} configs`);
  const domains = files.map((f) => domainFromText(readFileSync(f, 'utf8'), undefined, f.slice(root.length)));
  for (const ts of ['xl', 'xm'] as const) {
    for (const r of keyReleases(ts)) {
      const wrong = runOnDomains(check, domains, { xen: `${r.version}${r.version.split('.').length === 2 ? '.0' : ''}`, toolstack: ts, mode: 'lint' })
        .filter((f) => f.key !== undefined && CALLED_UNKNOWN.test(f.message) && keyStatus(ts, f.key, r).read)
        .map((f) => `${f.file}:${f.line}: ${f.message}`);
      t.same(wrong, [], `${ts} ${r.version}`);
    }
  }
});

t.test('each key line of the table read as its first, last and missing releases', async (t) => {
  // config-keys.json keeps a key's history as one line, `name first last [missing…]`, read on first use.
  const table = JSON.parse(readFileSync(`${root}checks/data/config-keys.json`, 'utf8')) as Record<KeyToolstack, { keys: string[] }>;
  for (const ts of ['xl', 'xm'] as const) {
    const releases = keyReleases(ts).map((r) => r.version);
    const names: string[] = [];
    for (const line of table[ts].keys) {
      const [name, first, last, ...missing] = line.split(' ') as [string, string, string, ...string[]];
      names.push(name);
      for (const r of keyReleases(ts)) {
        const at = releases.indexOf(r.version);
        const read = at >= releases.indexOf(first) && at <= releases.indexOf(last) && !missing.includes(r.version);
        t.equal(keyStatus(ts, name, r).read, read, `${ts} ${name} ${r.version}`);
      }
    }
    t.same([...keysEverRead(ts)], names, `${ts}: every key, in the table's order`);
    // Names an object would have inherited are keys no release reads.
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'acpi ']) {
      t.same(keyStatus(ts, name, keyReleases(ts)[0]!), { read: false, never: true }, `${ts} ${JSON.stringify(name)}`);
    }
  }
});
