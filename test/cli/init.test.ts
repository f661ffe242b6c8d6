/**
 * `xenlint init` then `xenlint lint`, as a new user runs them: the starter config
 * must be one xenlint accepts, and so must its commented examples once enabled.
 */
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratch, inProcess } from './run.js';

const GOOD = `name = "web01"
type = "pv"
kernel = "/boot/vmlinuz-6.1.0-xen"
memory = 1024
disk = [ 'phy:/dev/vg0/web01,xvda,w' ]
vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0' ]
`;
const BAD = `name = "db01"
type = "hvm"
memory = 2048
disk = [ 'phy:/dev/vg0/db01,hda,w,extra' ]
`;

t.test('init writes a config that lint then uses', async (t) => {
  const dir = scratch({ 'domains/web01.cfg': GOOD });
  const init = await inProcess(['init'], { cwd: dir });
  t.equal(init.code, 0, init.stderr);
  t.match(init.stdout, /^wrote .*\.xenlintrc\.yaml$/m);

  const good = await inProcess(['lint', 'domains', '--xen', '4.17'], { cwd: dir });
  t.equal(good.stderr, '', 'no configuration error');
  t.equal(good.code, 0, good.stdout);

  writeFileSync(join(dir, 'domains/db01.cfg'), BAD);
  const bad = await inProcess(['lint', 'domains', '--xen', '4.17'], { cwd: dir });
  t.equal(bad.code, 1, 'a finding fails the run under the starter failOn: error');
  t.match(bad.stdout, /db01\.cfg\n\s+4:\d+\s+error .*disk-spec/);
});

t.test('the starter config is in effect, and its commented examples are valid when enabled', async (t) => {
  const dir = scratch({ 'domains/web01.cfg': GOOD, 'legacy/old.cfg': GOOD.replace(/web01/g, 'old01').replace(':01,', ':02,') });
  t.equal((await inProcess(['init'], { cwd: dir })).code, 0);
  const file = join(dir, '.xenlintrc.yaml');
  const starter = readFileSync(file, 'utf8');

  // failOn from the starter is read: raising it to info makes a warning fail.
  writeFileSync(join(dir, 'domains/typo.cfg'), `${GOOD.replace(/web01/g, 'web09').replace(':01,', ':09,')}memroy = 512\n`);
  writeFileSync(file, starter.replace(/^failOn: error$/m, 'failOn: info'));
  const strict = await inProcess(['lint', 'domains', '--xen', '4.17'], { cwd: dir });
  t.equal(strict.code, 1, 'unknown-key warning fails under failOn: info');
  t.match(strict.stdout, /memroy.*unknown-key/);

  // Every commented setting except plugins (which names a module to load) enabled at once.
  const keys = /^# (xen|checks|dialects|configDirs|autostartDir):/;
  let inBlock = false;
  const enabled = starter
    .split('\n')
    .map((line) => {
      inBlock = keys.test(line) || (inBlock && line.startsWith('#   '));
      return inBlock ? line.slice(2) : line;
    })
    .join('\n');
  t.match(enabled, /^checks:\n {2}scheduler: warning$/m);
  t.match(enabled, /^dialects:\n {2}- files: "legacy\/\*\*\/\*\.cfg"$/m);
  t.notMatch(enabled, /^plugins:/m);
  writeFileSync(file, enabled);
  const all = await inProcess(['lint', 'domains', 'legacy'], { cwd: dir });
  t.equal(all.stderr, '', 'no configuration error');
  t.equal(all.code, 0, all.stdout);
});
