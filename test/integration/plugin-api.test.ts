/**
 * A plugin written the way a plugin author writes one: in a scratch folder,
 * against the types of the installed package (`npm pack` of HEAD, installed
 * into a temporary prefix), compiled by tsc, tested with `xenlint/testing` under
 * node:test, then loaded through the config's `plugins` and run by the installed
 * `xenlint lint`.
 */
import t from 'tap';
import { createRequire } from 'node:module';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installInto, packHead, packTools, runTool as run } from '../helpers/npm-package.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

t.setTimeout(600_000);

const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');

const CHECK = `import { itemPlace, type Check, type Finding } from 'xenlint/api';

const check: Check = {
  id: 'site-no-file-disks',
  title: 'Guests use LVM, not image files',
  severity: 'warning',
  needs: ['domains'],
  sources: ['site storage policy'],
  messages: { 'image-file': '{{guest}}: disk {{vdev}} is an image file ({{target}})' },
  run(facts) {
    return (facts.domains ?? []).flatMap((d) =>
      d.disks
        .filter((disk) => disk.backend === 'file')
        .map((disk): Finding => ({
          ...itemPlace(d, disk, 'disk'),
          messageId: 'image-file',
          data: { guest: d.name, vdev: disk.vdev ?? '?', target: disk.target ?? '?' },
        })),
    );
  },
};

export default [check];
`;

const TEST = `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertCase, runCheckTests, type CheckTestCase } from 'xenlint/testing';
import checks from './site-no-file-disks.js';

const check = checks[0]!;
const imageFile: CheckTestCase = {
  name: 'an image file is reported at its disk',
  configs: { 'img.cfg': "name = 'img'\\nkernel = '/boot/vmlinuz'\\nmemory = 256\\ndisk = [ 'file:/srv/img.img,xvda,w' ]\\n" },
  findings: [{ file: 'img.cfg', line: 4, messageId: 'image-file', severity: 'warning', message: 'img: disk xvda is an image file (/srv/img.img)' }],
};

runCheckTests(check, [
  { name: 'LVM passes', configs: { 'web.cfg': "name = 'web'\\nkernel = '/boot/vmlinuz'\\nmemory = 256\\ndisk = [ 'phy:/dev/vg0/web,xvda,w' ]\\n" } },
  imageFile,
  { name: 'no guests: skipped', status: 'skipped', reason: /needs domU configs/ },
], test);

test('the tester fails a case that leaves a finding out, and a check that reports one twice', () => {
  assert.throws(() => assertCase(check, { ...imageFile, findings: [] }), /extra finding: img\\.cfg:4/);
  const run = check.run!;
  const twice = { ...check, run: (f: Parameters<typeof run>[0], c: Parameters<typeof run>[1]) => { const r = run(f, c); return Array.isArray(r) ? [...r, ...r] : r; } };
  assert.throws(() => assertCase(twice, imageFile), /duplicated finding/);
});
`;

const TSCONFIG = (typeRoots: string) => `{
  "compilerOptions": {
    "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
    "strict": true, "noUncheckedIndexedAccess": true, "skipLibCheck": false,
    "types": ["node"], "typeRoots": [${JSON.stringify(typeRoots)}],
    "outDir": "dist", "rootDir": "src"
  },
  "include": ["src"]
}
`;

t.test('a plugin built against the installed package types, tested with xenlint/testing, runs in xenlint lint', async (t) => {
  const tools = packTools(t);
  if (!tools) return;
  const tmp = tempDir('xenlint-plugin-');
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

  // HEAD packed as a release is.
  const { pack: packed, tarball, files } = packHead(tools, tmp);
  t.equal(packed.code, 0, 'npm pack', { stderr: packed.stderr });
  for (const f of ['dist/checks/api.d.ts', 'dist/checks/api.js', 'dist/checks/testing.d.ts', 'dist/checks/testing.js', 'dist/cli/model/contract.d.ts']) {
    t.ok(files.includes(f), `the tarball has ${f}`);
  }

  const prefix = join(tmp, 'site');
  mkdirSync(join(prefix, 'src'), { recursive: true });
  writeFileSync(join(prefix, 'package.json'), '{ "name": "site-checks", "private": true, "type": "module" }\n');
  const installed = installInto(tools, tarball, prefix, tmp);
  t.equal(installed.code, 0, 'npm install --prefix', { stderr: installed.stderr });

  // The plugin and its test, compiled against node_modules/xenlint's .d.ts through its `exports`.
  writeFileSync(join(prefix, 'src/site-no-file-disks.ts'), CHECK);
  writeFileSync(join(prefix, 'src/site-no-file-disks.test.ts'), TEST);
  writeFileSync(join(prefix, 'tsconfig.json'), TSCONFIG(join(ROOT, 'node_modules/@types')));
  const built = run(process.execPath, [tsc, '-p', prefix], prefix);
  t.equal(built.code, 0, `tsc compiles the plugin against the installed types: ${built.stdout}${built.stderr}`);

  // The types are real: a finding with a numeric messageId does not compile.
  writeFileSync(join(prefix, 'src/broken.ts'), "import type { Finding } from 'xenlint/api';\nexport const f: Finding = { messageId: 42 };\n");
  const broken = run(process.execPath, [tsc, '-p', prefix, '--noEmit'], prefix);
  t.not(broken.code, 0, 'a wrong finding is a type error');
  t.match(broken.stdout, /broken\.ts.*messageId|Type 'number' is not assignable to type 'string'/s);
  rmSync(join(prefix, 'src/broken.ts'));

  const tested = run(process.execPath, ['--test', 'dist/site-no-file-disks.test.js'], prefix);
  t.equal(tested.code, 0, `node --test runs the plugin's tests: ${tested.stdout}${tested.stderr}`);
  t.match(tested.stdout, /# pass 4/);
  t.match(tested.stdout, /# fail 0/);

  // Loaded through the config, which allows its plugins because it is named with --config, and run by the installed xenlint.
  writeFileSync(join(prefix, '.xenlintrc.yaml'), 'plugins: [./dist/site-no-file-disks.js]\nallowPlugins: true\n');
  writeFileSync(join(prefix, 'img.cfg'), "name = 'img'\nkernel = '/boot/vmlinuz'\nmemory = 256\ndisk = [ 'file:/srv/img.img,xvda,w' ]\n");
  mkdirSync(join(prefix, '.git'));
  const lint = run(join(prefix, 'node_modules/.bin/xenlint'), ['lint', 'img.cfg', '--xen', '4.17', '--format', 'json', '--config', '.xenlintrc.yaml'], prefix);
  t.equal(lint.stderr, '');
  const report = JSON.parse(lint.stdout) as { checks: Array<{ id: string; status: string; findings: Array<{ messageId: string; message: string; line: number }> }> };
  const site = report.checks.find((c) => c.id === 'site-no-file-disks');
  t.match(site, { status: 'fail', findings: [{ messageId: 'image-file', line: 4, message: 'img: disk xvda is an image file (/srv/img.img)' }] });
});
