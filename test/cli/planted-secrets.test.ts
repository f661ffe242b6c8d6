/**
 * No secret in any output: distinct secrets planted in every kind of input xenlint
 * reads — xl and xm configs (vncpasswd, spicepasswd, a custom `*_secret`, a key
 * named exactly `password`, `password=` inside disk, vif and vfb specs, a string
 * never closed, an expression), a host tree (xl.conf, xend-config.sxp,
 * /proc/cmdline, the `xl info` output's Xen command line), an xl info file and a
 * facts snapshot — then every command and every report format run over them, and
 * every byte they print or write searched for each planted value.
 */
import t from 'tap';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureEvidence } from '../../cli/sources/capture.js';
import { RootSource } from '../../cli/sources/root-source.js';
import { commandProbe } from '../../cli/sources/commands.js';
import { ROOT, scratch, xenlint } from './run.js';

/** Each planted value is distinct, so a leak says where it came from. */
const S = {
  xlVnc: 'PLANTEDxlVnc01',
  xlSpice: 'PLANTEDxlSpice02',
  xlFooSecret: 'PLANTEDxlFoo03',
  xlPassword: 'PLANTEDxlPassword04',
  xlDiskTarget: 'PLANTEDxlDiskTarget05',
  xlDiskRejected: 'PLANTEDxlDiskBad06',
  xlVif: 'PLANTEDxlVif07',
  xlVifBad: 'PLANTEDxlVifBad08',
  xlVfb: 'PLANTEDxlVfb09',
  xlUnclosed: 'PLANTEDxlUnclosed10',
  xlTicket: 'PLANTEDxlTicket11',
  xmVnc: '918273645',
  xmFooSecret: 'PLANTEDxmFoo13',
  xmDisk: 'PLANTEDxmDisk14',
  xmVif: 'PLANTEDxmVif15',
  xmExpr: 'PLANTEDxmExpr16',
  xmVfb: 'PLANTEDxmVfb17',
  hostXlConf: 'PLANTEDhostXlConf18',
  hostXendVnc: 'PLANTEDhostXendVnc19',
  hostXendSecret: 'PLANTEDhostXendRel20',
  hostCmdline: 'PLANTEDhostCmdline21',
  hostXenCmdline: 'PLANTEDhostXenCmdline22',
  hostGuestVnc: 'PLANTEDhostGuestVnc23',
  hostGuestDisk: 'PLANTEDhostGuestDisk24',
  hostGuestExpr: 'PLANTEDhostGuestExpr32',
  probeStderr: 'PLANTEDprobeStderr33',
  plainVnc: 'PLANTEDplainVnc34',
  plainVif: 'PLANTEDplainVif35',
  infoXenCmdline: 'PLANTEDinfoXenCmdline25',
  snapVnc: 'PLANTEDsnapVnc26',
  snapVif: 'PLANTEDsnapVif27',
  snapDisk: 'PLANTEDsnapDisk28',
  snapField: 'PLANTEDsnapField29',
  specDisk: 'PLANTEDspecDisk30',
  specVif: 'PLANTEDspecVif31',
};

const XL = `name = "web"
builder = "hvm"
kernel = "/usr/lib/xen/boot/hvmloader"
memory = 512
vnc = 1
vnclisten = "0.0.0.0"
vncpasswd = "${S.xlVnc}"
spice = 1
spicepasswd = "${S.xlSpice}"
foo_secret = "${S.xlFooSecret}"
password = "${S.xlPassword}"
spice_ticket = '${S.xlTicket}'
disk = [ 'format=raw,vdev=xvda,access=rw,target=iqn.2001-04.com.example:storage,password=${S.xlDiskTarget}', 'vdev=xvdb,access=rw,bogus=1,password=${S.xlDiskRejected},target=/dev/vg0/b' ]
vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0,password=${S.xlVif}', 'model=e1000,bogus,password=${S.xlVifBad}' ]
vfb = [ 'type=vnc,vnclisten=0.0.0.0,vncpasswd=${S.xlVfb}' ]
`;
/** A guest xl accepts: a refused one keeps only the findings on its refusal's line, and the plugin below reports on every line. */
const XL_PLAIN = `name = "plain"
type = "pvh"
kernel = "/boot/vmlinuz"
memory = 512
vncpasswd = "${S.plainVnc}"
vif = [ 'mac=00:16:3e:00:00:09,bridge=xenbr0,password=${S.plainVif}' ]
`;
const XL_BROKEN = `name = "broken"
memory = 256
spicepasswd = "${S.xlUnclosed}
`;
const XM = `name = "old"
kernel = "/boot/vmlinuz-2.6.16"
memory = 256
vncpasswd = ${S.xmVnc}
foo_secret = 'a' + ${S.xmExpr}
my_secret = '${S.xmFooSecret}'
disk = [ 'phy:/dev/vg0/old,xvda1,w', 'iscsi:iqn.2001-04.com.example:x,password=${S.xmDisk},xvdb,w' ]
vif = [ 'mac=00:16:3e:00:00:02, bridge=xenbr0, password=${S.xmVif}' ]
vfb = [ 'type=vnc,vncpasswd=${S.xmVfb}' ]
`;

const LEAKY_PLUGIN = `import { readFileSync } from 'node:fs';
export default [{
  id: 'site-raw-lines', title: 'Quotes the raw lines that set a password', severity: 'warning',
  needs: ['domains'], sources: ['planted-secrets test'],
  messages: { raw: '{{name}}: raw line {{text}}' },
  run(facts) {
    return facts.domains.flatMap((d) => readFileSync(d.file, 'utf8').split('\\n').filter((l) => /passw/.test(l))
      .map((text, i) => ({ messageId: 'raw', data: { name: d.name, text }, evidence: { text }, domain: d.name, file: d.file, line: i + 1, key: 'raw' })));
  },
}];
`;

function plantHost(dir: string): string {
  const host = join(dir, 'host');
  cpSync(join(ROOT, 'samples/hosts/xen-4.17-credit2'), host, { recursive: true, verbatimSymlinks: true });
  appendFileSync(join(host, 'etc/xen/xl.conf'), `vif.default.password="${S.hostXlConf}"\n`);
  writeFileSync(join(host, 'etc/xen/xend-config.sxp'), `(xend-http-server no)\n(vncpasswd '${S.hostXendVnc}')\n(xend-relocation-secret ${S.hostXendSecret})\n`);
  writeFileSync(join(host, 'proc/cmdline'), `placeholder root=/dev/mapper/vg0-root ro quiet iscsi_password=${S.hostCmdline}\n`);
  for (const cmd of ['xl-info', 'xl-info-n']) {
    const f = join(host, '.xenlint/commands', cmd, 'stdout');
    writeFileSync(f, readFileSync(f, 'utf8').replace(/^(xen_commandline\s*: .*)$/m, `$1 secret=${S.hostXenCmdline}`));
  }
  writeFileSync(join(host, 'etc/xen/expr.cfg'), `name = "expr"\nmemory = 128\nfoo_secret = 'a' + ${S.hostGuestExpr}\n`);
  appendFileSync(join(host, 'etc/xen/web.cfg'), `vnc = 1\nvncpasswd = "${S.hostGuestVnc}"\ndisk += [ 'vdev=xvdc,access=ro,target=iqn.2001-04.com.example:c,password=${S.hostGuestDisk}' ]\n`);
  return host;
}

/** Every regular file below dir, with its path. */
function filesBelow(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...filesBelow(p));
    else if (st?.isFile()) out.push({ path: p, text: readFileSync(p, 'latin1') });
  }
  return out;
}

t.test('no planted secret reaches any output or written file', async (t) => {
  const dir = scratch({ 'web.cfg': XL, 'broken.cfg': XL_BROKEN, 'old.xm': XM, 'plain.cfg': XL_PLAIN });
  const host = plantHost(dir);
  const info = readFileSync(join(ROOT, 'samples/info/xl-4.17-x86_64.txt'), 'utf8').replace(/^(xen_commandline\s*: .*)$/m, `$1 secret=${S.infoXenCmdline}`);
  t.match(info, S.infoXenCmdline, 'the info sample has a Xen command line to plant in');
  writeFileSync(join(dir, 'info.txt'), info);
  mkdirSync(join(dir, 'out'));
  const fleetB = join(dir, 'host-b');
  cpSync(host, fleetB, { recursive: true, verbatimSymlinks: true });

  // A snapshot as xenlint writes it, then secrets added as a hand-edited or older one could hold them.
  const made = xenlint(['facts', '--root', host, '--format', 'json'], { cwd: dir });
  t.equal(made.code, 0, made.stderr);
  const snap = JSON.parse(made.stdout);
  const guest = snap.domains[0];
  guest.keys.vncpasswd = { value: S.snapVnc, line: 1, column: 1 };
  guest.keys.password = { value: S.snapVnc, line: 2, column: 1 };
  if (guest.vifs[0]) {
    guest.vifs[0].spec += `,password=${S.snapVif}`;
    guest.vifs[0].keys.password = S.snapVif;
  }
  if (guest.disks[0]) guest.disks[0].spec += `,password=${S.snapDisk}`;
  snap.host.fields.xen_commandline += ` secret=${S.snapField}`;
  writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(snap, null, 2));

  const outputs: Array<{ what: string; text: string }> = [];
  const run = (args: string[]) => {
    const r = xenlint(args, { cwd: dir });
    const what = `xenlint ${args.join(' ')}`;
    t.notMatch(r.stderr, /internal error/, `${what}: no internal error`);
    t.not(r.code, null, `${what}: ended`);
    outputs.push({ what, text: `${r.stdout}\n${r.stderr}` });
    return r;
  };

  const configs = ['web.cfg', 'old.xm', 'broken.cfg'];
  for (const format of ['stylish', 'json', 'sarif', 'junit', 'github', 'html']) run(['lint', ...configs, '--xen', '4.17', '--format', format, '--verbose']);
  // Every format renders the one redacted report; the host's evidence in the richest and the PR annotations.
  for (const format of ['json', 'github', 'stylish']) run(['check', '--root', 'host', '--format', format, '--verbose']);
  run(['lint', ...configs, '--xen', '3.0.4', '--format', 'json']);
  run(['lint', ...configs, '--facts', 'snapshot.json', '--format', 'json']);
  run(['lint', ...configs, '--facts', 'info.txt', '--format', 'sarif']);
  run(['lint', ...configs, '--xen', '4.17', '--output', 'out/report.txt', '--also-output', 'sarif=out/also.sarif', '--write-baseline', 'out/baseline.json']);
  // lint --cache keeps each file's results in a file: the cache holds what reports hold, no more.
  for (const strategy of ['metadata', 'content']) {
    for (const source of [['--xen', '4.17'], ['--facts', 'snapshot.json']]) {
      const cache = `out/lint-cache-${strategy}-${source[0]!.slice(2)}`;
      run(['lint', ...configs, ...source, '--format', 'json', '--cache', '--cache-strategy', strategy, '--cache-location', cache]);
      run(['lint', ...configs, ...source, '--format', 'json', '--cache', '--cache-strategy', strategy, '--cache-location', cache]);
      // A stylish run keeps its written report in the cache too (replayed when nothing changes).
      run(['lint', ...configs, ...source, '--verbose', '--cache', '--cache-strategy', strategy, '--cache-location', cache]);
      const kept = readFileSync(join(dir, cache), 'utf8');
      t.match(kept, /\{"result":\{"name":"web","file":"web\.cfg"/, `${cache}: web.cfg's results are in the cache searched below`);
      t.match(kept, /"textBytes":\d+\}\nweb\.cfg\n/, `${cache}: and the report the run wrote`);
    }
  }
  run(['check', '--root', 'host', '--write-baseline', 'out/check-baseline.json', '--output', 'out/check.html', '--format', 'html']);
  run(['check', '--facts', 'snapshot.json', '--format', 'json']);
  run(['check', '--facts', 'info.txt', '--format', 'json']);
  run(['check', '--root', 'host', '--root', 'host-b', '--format', 'json']);
  run(['migrate', 'web.cfg', '--from', 'info.txt', '--to', 'snapshot.json', '--format', 'json', '--verbose']);
  run(['migrate', 'web', '--from', 'host', '--to', 'host-b', '--verbose']);
  run(['facts', '--root', 'host']);
  run(['facts', '--root', 'host', '--format', 'json']);
  run(['facts', '--root', 'host', '--output', 'out/facts.yaml']);
  for (const f of configs) run(['parse', 'config', f]);
  run(['parse', 'info', 'info.txt']);
  run(['parse', 'disk', `vdev=xvdb,access=rw,bogus=1,password=${S.specDisk},target=iqn`]);
  run(['parse', 'disk', `vdev=xvdb,access=rw,target=iqn.x:y,password=${S.specDisk}`]);
  run(['parse', 'vif', `model=e1000,bogus,password=${S.specVif}`]);
  run(['explain', 'console-exposed', '--root', 'host']);
  run(['explain', 'vif-spec', '--facts', 'snapshot.json']);
  run(['explain', 'disk-spec', '--facts', 'snapshot.json']);
  run(['explain', 'console-exposed', '--facts', 'snapshot.json']);

  // A plugin is code: one that quotes raw config lines in its findings is still redacted in every output.
  writeFileSync(join(dir, 'leaky.mjs'), LEAKY_PLUGIN);
  writeFileSync(join(dir, 'plugin.yaml'), 'plugins: [./leaky.mjs]\nallowPlugins: true\n');
  for (const format of ['json', 'stylish']) {
    const r = run(['lint', 'plain.cfg', '--xen', '4.17', '--config', 'plugin.yaml', '--format', format, '--write-baseline', `out/plugin-${format}.json`]);
    t.match(r.stdout, /plain: raw line vncpasswd = /, 'the plugin ran and reported');
  }

  // What `facts --capture` runs, over the planted tree (its commands' outputs included).
  const capture = join(dir, 'capture');
  await captureEvidence(new RootSource(host), capture);
  run(['check', '--root', 'capture', '--format', 'json']);

  for (const f of [...filesBelow(join(dir, 'out')), ...filesBelow(capture)]) outputs.push({ what: f.path.slice(dir.length + 1), text: f.text });
  t.ok(outputs.some((o) => o.what === 'out/baseline.json') && outputs.some((o) => o.what.startsWith('capture/')), 'the written files are searched too');

  const leaks: string[] = [];
  for (const o of outputs) for (const [name, value] of Object.entries(S)) if (o.text.includes(value)) leaks.push(`${name} in ${o.what}`);
  t.same(leaks, [], 'no planted value in any output');

  // The search would find them: the inputs were read and their secrets stood where they were redacted.
  const all = outputs.map((o) => o.text).join('\n');
  t.match(all, /vncpasswd[^\n]*REDACTED/);
  t.match(all, /password=REDACTED/);
  const parsed = outputs.find((o) => o.what === 'xenlint parse config web.cfg')!.text;
  for (const key of ['vncpasswd', 'spicepasswd', 'foo_secret', 'password', 'spice_ticket']) {
    t.match(parsed, new RegExp(`"${key}": \\{\\s*"value": "REDACTED"`), `parse config shows ${key} as REDACTED`);
  }
});

t.test('fingerprints and baselines do not depend on a secret value', async (t) => {
  const a = scratch({ 'web.cfg': XL, 'old.xm': XM });
  const other = (text: string) => text.replaceAll('PLANTED', 'OTHER').replace(S.xmVnc, '123456789');
  const b = scratch({ 'web.cfg': other(XL), 'old.xm': other(XM) });
  for (const dir of [a, b]) {
    mkdirSync(join(dir, 'out'));
    t.equal(xenlint(['lint', 'web.cfg', 'old.xm', '--xen', '4.17', '--write-baseline', 'out/b.json'], { cwd: dir }).code, 1);
  }
  const baseline = readFileSync(join(a, 'out/b.json'), 'utf8');
  t.equal(baseline, readFileSync(join(b, 'out/b.json'), 'utf8'), 'the same baseline, byte for byte, whatever the passwords are');
  t.match(baseline, /"fingerprint"/);
});

t.test('a facts snapshot is redacted when written, whatever the facts hold', async (t) => {
  const { serializeFacts } = await import('../../cli/sources/snapshot.js');
  const { emptyFacts } = await import('../../cli/model/facts.js');
  const facts = emptyFacts('live');
  facts.host = {
    fields: { xen_commandline: `dom0_mem=1G secret=${S.snapField}` },
    commandline: { raw: `dom0_mem=1G secret=${S.snapField}`, options: [{ name: 'secret', value: S.snapField }] },
  } as never;
  facts.dom0 = { xendConfig: { file: '/etc/xen/xend-config.sxp', values: { vncpasswd: S.hostXendVnc }, lines: { vncpasswd: 3 } } } as never;
  for (const format of ['yaml', 'json'] as const) {
    const text = await serializeFacts(facts, format);
    t.notMatch(text, new RegExp(`${S.snapField}|${S.hostXendVnc}`), format);
    t.match(text, /REDACTED/);
    t.match(text, /vncpasswd"?: 3/, 'the line of a secret key is kept');
  }
});

t.test("a failed command's stderr is redacted in its probe", async (t) => {
  const probe = commandProbe(['xl', 'info'], { status: 'error', detail: 'exited with status 1', exitCode: 1, stderr: `libxl: bad option secret=${S.probeStderr}\n` });
  t.notMatch(JSON.stringify(probe), S.probeStderr);
  t.match(probe.stderr, /secret=REDACTED/);
});
