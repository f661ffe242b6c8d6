/**
 * `npm test` runs the tests compiled into .test-build/ (test/compile.mjs). A test that
 * finds a repository file relative to its own location would look for it inside
 * .test-build/ there and pass only under `npx tap test/x.test.ts`; this keeps every
 * test on test/helpers/paths.ts instead.
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fromRoot } from './helpers/paths.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

// Built from parts so this file does not match itself. A URL that climbs out of the
// test's folder ('../..') is what breaks; './x' next to a module is left alone (a test's
// plugin source, written into a scratch folder, does that).
const meta = 'import' + '.meta';
const relativeToFile = new RegExp(
  `new URL\\(\\s*['"\`]\\.\\.[^)]*${meta}\\.url|fileURLToPath\\(${meta}\\.url\\)|${meta}\\.(dirname|filename)|\\b__dirname\\b`,
);

t.test('tests resolve repository files from the root, not from their own location', async (t) => {
  // test/integration runs from source (npm run test:integration), where such paths hold.
  const offenders = tsFiles(fromRoot('test'))
    .filter((f) => !f.startsWith(fromRoot('test/integration/')))
    .flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${relative(fromRoot(), f)}:${i + 1}`, line }))
        .filter(({ line }) => relativeToFile.test(line)),
    )
    .map(({ where, line }) => `${where}: ${line.trim()}`);
  t.same(offenders, [], 'use fromRoot(...) from test/helpers/paths.ts: npm test runs the compiled copy in .test-build/, where paths relative to the test file point elsewhere');
});
