/**
 * collectConfigFiles says once, as soon as it has found the given number of
 * files, that they are many (lint sizes V8's heap then, before the list is
 * made: issue 14), whether they come from a folder walked, a glob or the
 * command line; never for fewer.
 */
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectConfigFiles } from '../../cli/sources/files.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir('xenlint-many-');
for (let d = 0; d < 3; d++) {
  mkdirSync(join(root, `d${d}`));
  for (let i = 0; i < 40; i++) writeFileSync(join(root, `d${d}`, `g${i}.cfg`), `name = "g${d}-${i}"\n`);
  writeFileSync(join(root, `d${d}`, 'notes.txt'), 'not a config\n');
}

async function timesTold(paths: string[], files: number): Promise<{ told: number; found: number; at: number[] }> {
  let told = 0;
  const at: number[] = [];
  const collected = await collectConfigFiles(paths, undefined, root, {
    files,
    reached: () => {
      told++;
      at.push(files);
    },
  });
  return { told, found: collected.files.length, at };
}

t.test('a folder walked: told once at the count, never below it', async (t) => {
  t.same(await timesTold(['.'], 100), { told: 1, found: 120, at: [100] });
  t.same(await timesTold(['.'], 120), { told: 1, found: 120, at: [120] });
  t.same(await timesTold(['.'], 121), { told: 0, found: 120, at: [] });
});

t.test('a glob and files named on the command line count too', async (t) => {
  t.equal((await timesTold(['d*/*.cfg'], 100)).told, 1);
  t.equal((await timesTold(['d0/*.cfg'], 41)).told, 0);
  const named = Array.from({ length: 40 }, (_, i) => `d1/g${i}.cfg`);
  t.equal((await timesTold(named, 40)).told, 1);
  t.equal((await timesTold(named, 41)).told, 0);
  t.equal((await timesTold(['d0', 'd1/g0.cfg', 'd2/*.cfg'], 81)).told, 1, 'a folder, a file and a glob add up');
});

t.test('without the option nothing changes', async (t) => {
  const collected = await collectConfigFiles(['.'], undefined, root);
  t.equal(collected.files.length, 120);
});
