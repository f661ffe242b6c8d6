/**
 * A baseline rests on what a finding is (check, message id, guest, config key),
 * not on where it is or how it is worded: moving lines and rewording a message
 * leave it matching, while another finding of the same kind is still new.
 */
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inProcess, scratch, xenlint } from './run.js';
import { siteNoFileDisksPlugin } from './configs.js';

// Two disks at xvda: disk-spec/duplicate-vdev, whose text names the other disk's line.
const DUPLICATE = `name = "db"
memory = 1024
disk = [ 'phy:/dev/vg0/db,xvda,w',
         'phy:/dev/vg0/db-data,xvda,w' ]
bootloader = "pygrub"
`;

interface JsonFinding {
  check: string;
  messageId: string | null;
  message: string;
  line: number | null;
}

function findingsOf(stdout: string): JsonFinding[] {
  return (JSON.parse(stdout) as { checks: Array<{ findings: JsonFinding[] }> }).checks.flatMap((c) => c.findings);
}

t.test('disk-spec: lines moved above and between the disks, the baseline still matches', async (t) => {
  const dir = scratch({ 'db.cfg': DUPLICATE });
  const first = await inProcess(['lint', 'db.cfg', '--xen', '4.17', '--format', 'json', '--write-baseline', 'base.json'], { cwd: dir });
  t.equal(first.code, 1, first.stderr);
  const dup = findingsOf(first.stdout).find((f) => f.messageId === 'duplicate-vdev');
  t.match(dup, { check: 'disk-spec', line: 4, message: /on line 3/ }, 'the text carries a line number');
  const base = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')) as { findings: Array<{ messageId?: string }> };
  t.ok(base.findings.some((f) => f.messageId === 'duplicate-vdev'), 'the baseline records the message id');

  writeFileSync(join(dir, 'db.cfg'), `# database guest\n# (moved)\n\n${DUPLICATE.replace("'phy:/dev/vg0/db,xvda,w',", "'phy:/dev/vg0/db,xvda,w',\n         # the data disk")}`);
  const moved = await inProcess(['lint', 'db.cfg', '--xen', '4.17', '--format', 'json'], { cwd: dir });
  t.equal(findingsOf(moved.stdout).find((f) => f.messageId === 'duplicate-vdev')?.message.includes('on line 6'), true, 'the text changed with the lines');
  const kept = await inProcess(['lint', 'db.cfg', '--xen', '4.17', '--baseline', 'base.json'], { cwd: dir });
  t.equal(kept.code, 0, `moved lines keep the baseline matching: ${kept.stdout}`);

  // A third disk at xvda is one more finding of the same kind on the same key: new, not hidden by the other.
  writeFileSync(join(dir, 'db.cfg'), DUPLICATE.replace("'phy:/dev/vg0/db-data,xvda,w' ]", "'phy:/dev/vg0/db-data,xvda,w',\n         'phy:/dev/vg0/db-logs,xvda,w' ]"));
  const third = await inProcess(['lint', 'db.cfg', '--xen', '4.17', '--format', 'json', '--baseline', 'base.json'], { cwd: dir });
  t.equal(third.code, 1, 'a third duplicate is new');
  t.same(findingsOf(third.stdout).map((f) => f.messageId), ['duplicate-vdev']);
});

const plugin = siteNoFileDisksPlugin;

t.test('a reworded message keeps the baseline matching; a free-text (first contract) plugin is refused, naming it', async (t) => {
  const dir = scratch({
    'site.mjs': plugin('{{guest}}: disk {{vdev}} is an image file'),
    'img.cfg': "name = 'img'\nkernel = '/boot/vmlinuz'\nmemory = 256\ndisk = [ 'file:/srv/img.img,xvda,w' ]\n",
    '.xenlintrc.yaml': 'plugins: [./site.mjs]\n',
  });
  const first = xenlint(['lint', 'img.cfg', '--plugin', 'site.mjs', '--xen', '4.4', '--format', 'json', '--write-baseline', 'base.json'], { cwd: dir });
  t.equal(first.code, 1, first.stderr);
  t.match(findingsOf(first.stdout).find((f) => f.check === 'site-no-file-disks'), { messageId: 'image-file', message: 'img: disk xvda is an image file' });

  writeFileSync(join(dir, 'site.mjs'), plugin('{{guest}} keeps disk {{vdev}} in an image file; site policy wants LVM'));
  const reworded = xenlint(['lint', 'img.cfg', '--plugin', 'site.mjs', '--xen', '4.4', '--format', 'json'], { cwd: dir });
  t.match(findingsOf(reworded.stdout).find((f) => f.check === 'site-no-file-disks'), { message: 'img keeps disk xvda in an image file; site policy wants LVM' });
  const kept = xenlint(['lint', 'img.cfg', '--plugin', 'site.mjs', '--xen', '4.4', '--baseline', 'base.json'], { cwd: dir });
  t.equal(kept.code, 0, `the reworded message still matches: ${kept.stdout}`);

  // The first contract (free text, no messages) is refused before anything runs: a usage error naming the plugin and the check.
  writeFileSync(join(dir, 'site.mjs'), plugin('unused').replace(/\n  messages: .*\n/, '\n').replace("messageId: 'image-file', data: { guest: d.name, vdev: k.vdev }", "message: d.name + ': disk ' + k.vdev + ' is an image file'"));
  const v1 = xenlint(['lint', 'img.cfg', '--plugin', 'site.mjs', '--xen', '4.4', '--format', 'json', '--baseline', 'base.json'], { cwd: dir });
  t.equal(v1.code, 2, v1.stdout);
  t.match(v1.stderr, /plugin site\.mjs: check 1 \(site-no-file-disks\): declares no messages/);
  t.notMatch(v1.stderr, /\n\s+at /, 'no stack trace');
});
