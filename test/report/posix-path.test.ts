/**
 * The fast paths for normal absolute POSIX paths (cli/model/posix-path.ts):
 * insideCwd (every finding's file in a report) and shared-writable-disk's
 * normalised disk paths skip node's resolve, relative and normalize when the
 * path is normal already. Held to node's own functions, the code before the
 * fast paths, on generated paths full of what normalisation changes: empty,
 * `.` and `..` segments, trailing slashes, names that only look like them.
 */
import t from 'tap';
import fc from 'fast-check';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { isNormalAbsolute, isNormalRelative, normalizePosix } from '../../cli/model/posix-path.js';
import { insideCwd } from '../../cli/report/shared.js';
import { givenKey } from '../../checks/shared-writable-disk.js';

const segment = fc.constantFrom('', '.', '..', '...', 'a', 'b', 'ab', '.a', 'a.', '..a', 'a..', ' ', 'x\ny', 'é');
const relativePath = fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join('/'));
const absolutePath = relativePath.map((p) => `/${p}`);
const anyPath = fc.oneof(absolutePath, relativePath, fc.constantFrom('/', '//', '///a', 'a/', '/a/', '/a/.', '/a/..'));

/** insideCwd as it was: node's resolve and relative. */
function insideCwdByNode(file: string, cwd: string): string | undefined {
  const rel = relative(cwd, resolve(cwd, file));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

t.test('a path called normal and absolute is what posix.normalize and posix.resolve give back', async (t) => {
  let normal = 0;
  let runs = 0;
  fc.assert(
    fc.property(anyPath, (p) => {
      runs++;
      if (!isNormalAbsolute(p)) return true;
      normal++;
      return posix.normalize(p) === p && posix.resolve(p) === p;
    }),
    { numRuns: 3000 },
  );
  t.ok(normal > runs / 20 && normal < runs, `${normal} of ${runs} generated paths were normal`);
  for (const p of ['/', '/a', '/a/b.c', '/a/..b', '/a/.b/c', '/x\ny']) t.ok(isNormalAbsolute(p), `${JSON.stringify(p)} is normal`);
  for (const p of ['', 'a', '//', '/a//b', '/a/', '/a/.', '/a/..', '/a/./b', '/a/../b', '/a\n/']) t.notOk(isNormalAbsolute(p), `${JSON.stringify(p)} is not`);
});

t.test('a path called normal and relative resolves below any normal cwd and comes back as it was', async (t) => {
  let normal = 0;
  let runs = 0;
  fc.assert(
    fc.property(anyPath, absolutePath.filter(isNormalAbsolute), (p, cwd) => {
      runs++;
      if (!isNormalRelative(p)) return true;
      normal++;
      return posix.resolve(cwd, p) === (cwd === '/' ? `/${p}` : `${cwd}/${p}`) && posix.relative(cwd, posix.resolve(cwd, p)) === p;
    }),
    { numRuns: 3000 },
  );
  t.ok(normal > runs / 20 && normal < runs, `${normal} of ${runs} generated paths were normal`);
  for (const p of ['a', 'a/b.c', '..a', '.a/b', 'a/..b', 'x\ny', '...']) t.ok(isNormalRelative(p), `${JSON.stringify(p)} is normal`);
  for (const p of ['', '.', '..', './a', '../a', 'a/', 'a//b', 'a/./b', 'a/../b', 'a/.', '/a']) t.notOk(isNormalRelative(p), `${JSON.stringify(p)} is not`);
});

t.test('normalizePosix is posix.normalize', async () => {
  fc.assert(fc.property(anyPath, (p) => normalizePosix(p) === posix.normalize(p)), { numRuns: 3000 });
});

t.test('insideCwd is what resolve and relative said', async () => {
  // cwd is absolute, as process.cwd() is; files below it are made often, the rest at random.
  const cwd = fc.oneof(absolutePath, fc.constant('/'));
  const below = fc.tuple(cwd, fc.oneof(relativePath, fc.constant(''))).map(([c, rest]) => [`${c}/${rest}`, c] as const);
  const anywhere = fc.tuple(anyPath, cwd);
  fc.assert(
    fc.property(fc.oneof(below, anywhere, fc.tuple(relativePath, cwd), cwd.map((c) => [c, c] as const)), ([file, c]) => insideCwd(file, c) === insideCwdByNode(file, c)),
    { numRuns: 5000 },
  );
});

t.test("shared-writable-disk's key for a disk is the normalised path it was", async () => {
  const disk = (target: string) => ({ index: 0, spec: target, line: 1, column: 1, devtype: 'disk' as const, target, backend: 'file' });
  fc.assert(fc.property(absolutePath, (p) => givenKey(disk(p)) === posix.normalize(p.trim())), { numRuns: 2000 });
});
