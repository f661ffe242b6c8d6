import t from 'tap';
import { readFileSync } from 'node:fs';
import { TOOL_VERSION } from '../cli/tool-version.js';

t.test('the CLI reports the package version', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  t.equal(TOOL_VERSION, pkg.version);
});
