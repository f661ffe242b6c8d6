import t from 'tap';
import { readFileSync } from 'node:fs';
import { TOOL_VERSION } from '../cli/model/tool-version.js';
import { fromRoot } from './helpers/paths.js';

t.test('the CLI reports the package version', async (t) => {
  const pkg = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8'));
  t.equal(TOOL_VERSION, pkg.version);
});
