/**
 * A config the toolstack refuses yields the refusal and nothing beyond it
 * (issue 11): xl creates nothing from the file, so no other check judges the
 * guest, no cross-guest check counts it, and no directive in it is "unused".
 * What a check says at the very place xl stops (the vif whose rate xl cannot
 * read, `maxvcpus` below `vcpus`) explains the refusal and is kept.
 */
import t from 'tap';
import { builtinChecks } from '../../checks/index.js';
import { runChecks } from '../../cli/engine/engine.js';
import { emptyFacts, refusalOf, type Facts } from '../../cli/model/facts.js';
import { parseConfig } from '../../cli/readers/config.js';
import { buildDomain } from '../../cli/readers/domain.js';
import { hostFactsFromInfo, parseInfo } from '../../cli/readers/info.js';
import { memoryView } from '../../cli/commands/memory-view.js';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../helpers/paths.js';

const INFO = readFileSync(fromRoot('test/fixtures/info/xl-4.20.1-opensuse-x86_64.txt'), 'utf8');

/** An xl host (the real 4.20.1 capture) with these configs, each read as xl reads it. */
function host(configs: Record<string, string>): Facts {
  const facts = emptyFacts('configs');
  facts.host = hostFactsFromInfo(parseInfo(INFO), 'xl info');
  facts.domains = Object.entries(configs).map(([file, text]) => buildDomain(parseConfig(text, file, { dialect: 'xl', reason: 'test' })));
  return facts;
}

function findings(facts: Facts): Array<{ check: string; messageId?: string; file?: string; line?: number; severity: string; message: string }> {
  const report = runChecks(builtinChecks, facts, { command: 'check', xen: { version: facts.host!.version!, source: 'xl info' } });
  return report.checks.flatMap((c) => c.findings).map((f) => ({ check: f.check, ...(f.messageId ? { messageId: f.messageId } : {}), ...(f.file ? { file: f.file } : {}), ...(f.line !== undefined ? { line: f.line } : {}), severity: f.severity, message: f.message }));
}

// web is fine; its MAC is also on vnc.cfg's vif, and vnc.cfg opens VNC to the world.
const WEB = `name = "web"
type = "pvh"
kernel = "/boot/vmlinuz-6.1.0-21-amd64"
memory = 1024
vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]
`;

t.test('a semantic refusal (maxvcpus < vcpus): the refusal, and what is said at its line', async (t) => {
  const facts = host({
    'web.cfg': WEB,
    'vnc.cfg': `name = "vnc"
type = "hvm"
memory = 40000
vcpus = 4
maxvcpus = 2
vnc = 1
vnclisten = "0.0.0.0"
vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]
# xenlint-disable-next-line memory-fit -- sized for the new host
memory = 40000
`,
  });
  const vnc = facts.domains!.find((d) => d.name === 'vnc')!;
  t.match(refusalOf(vnc)?.message, /^maxvcpus < vcpus/, 'xl refuses it');
  const got = findings(facts);
  const aboutVnc = got.filter((f) => f.file === 'vnc.cfg');
  t.ok(aboutVnc.length > 0, 'the refusal is reported');
  t.same([...new Set(aboutVnc.map((f) => f.line))], [5], 'every finding about the refused file is at the line where xl stops');
  t.ok(aboutVnc.some((f) => f.check === 'config-readability' && /maxvcpus < vcpus/.test(f.message)), "xl's own words");
  t.ok(aboutVnc.some((f) => f.check === 'vcpu-limits'), 'the check that explains the refusal speaks at that line');
  t.notOk(got.some((f) => f.check === 'console-exposed'), 'no VNC finding: xl never starts the guest');
  t.notOk(got.some((f) => f.check === 'memory-fit'), 'its 40000 MiB are not judged, nor counted against the host');
  t.notOk(got.some((f) => /is also used by/.test(f.message)), 'no MAC clash with a guest xl never creates (on either side)');
  t.notOk(got.some((f) => f.check === 'unused-suppression'), 'a directive in the refused file is not called unused');
});

t.test('a device refusal (a vif rate xl cannot read): the device check explains it once, the next vif is not judged', async (t) => {
  const facts = host({
    'web.cfg': WEB,
    'backup.cfg': `name = "backup"
type = "pvh"
kernel = "/boot/vmlinuz-6.1.0-21-amd64"
memory = 1024
vif = [ 'mac=00:16:3e:bc:00:01,bridge=xenbr0,rate=100Mbit/s',
        'mac=00:16:3e:00:00:01,bridge=xenbr1,netmask=255.255.255.0' ]
`,
  });
  const got = findings(facts).filter((f) => f.file === 'backup.cfg');
  t.same(got.map((f) => `${f.check}/${f.messageId}@${f.line}`), ['vif-spec/rejected-xl@5'], 'one finding: the vif xl stops at');
  t.notOk(findings(facts).some((f) => /is also used by/.test(f.message)), 'the second vif, never read by xl, clashes with nothing');
});

t.test('a grammar refusal: only config-readability speaks, at the places libxlu stops', async (t) => {
  const facts = host({ 'web.cfg': WEB, 'sum.cfg': 'name = "sum"\nkernel = "/boot/vmlinuz"\nmemory = 1024 + 1024\nvif = [ "mac=00:16:3e:00:00:01" ]\n' });
  const got = findings(facts).filter((f) => f.file === 'sum.cfg');
  t.ok(got.length > 0);
  t.same([...new Set(got.map((f) => f.check))], ['config-readability']);
  t.same([...new Set(got.map((f) => f.line))], [3]);
});

t.test('the memory picture leaves a refused guest out', async (t) => {
  const facts = host({ 'web.cfg': WEB, 'sum.cfg': 'name = "sum"\nkernel = "/boot/vmlinuz"\nmemory = 1024 + 1024\n' });
  t.same(memoryView(facts, facts.host?.version)?.guests.map((g) => g.name), ['web']);
});

t.test('the same guests with nothing refused: the findings the refusal held back are there', async (t) => {
  // The control: without `maxvcpus = 2` the file is read, and each check judges it.
  const facts = host({
    'web.cfg': WEB,
    'vnc.cfg': 'name = "vnc"\ntype = "hvm"\nmemory = 40000\nvcpus = 4\nvnc = 1\nvnclisten = "0.0.0.0"\nvif = [ \'mac=00:16:3e:00:00:01,bridge=xenbr0\' ]\n',
  });
  const got = findings(facts);
  t.ok(got.some((f) => f.check === 'console-exposed' && f.file === 'vnc.cfg'), 'open VNC');
  t.ok(got.some((f) => f.check === 'memory-fit' && /vnc 40000/.test(f.message)), '40000 MiB do not fit in 32677');
  t.ok(got.some((f) => f.file === 'web.cfg' && /is also used by vnc/.test(f.message)), 'the MAC clash');
});
