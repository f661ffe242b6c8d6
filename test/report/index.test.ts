import t from 'tap';
import { readFileSync } from 'node:fs';
import { FORMATS, formatReport, isFormat, pickFormat, useColor, type Format } from '../../cli/report/index.js';
import { formatStylish } from '../../cli/report/stylish.js';
import { formatJson } from '../../cli/report/json.js';
import { formatSarif } from '../../cli/report/sarif.js';
import { formatJunit } from '../../cli/report/junit.js';
import { formatGithub } from '../../cli/report/github.js';
import { formatHtml } from '../../cli/report/html.js';
import { CWD, sampleReport, sampleRules } from '../fixtures/report/sample-report.js';
import { fromRoot } from '../helpers/paths.js';

const opts = { color: false, cwd: CWD, rules: sampleRules(), verbose: true };

t.test('pickFormat: explicit wins, GitHub Actions gets annotations, else stylish', async (t) => {
  const table: Array<[string | undefined, NodeJS.ProcessEnv, boolean, Format]> = [
    [undefined, {}, true, 'stylish'],
    [undefined, {}, false, 'stylish'],
    ['', {}, false, 'stylish'],
    [undefined, { GITHUB_ACTIONS: 'true' }, false, 'github'],
    [undefined, { GITHUB_ACTIONS: 'true' }, true, 'github'],
    [undefined, { GITHUB_ACTIONS: 'false' }, false, 'stylish'],
    [undefined, { GITHUB_ACTIONS: '1' }, false, 'stylish'],
    [undefined, { CI: 'true' }, false, 'stylish'],
    [undefined, { GITLAB_CI: 'true' }, false, 'stylish'],
    ['sarif', { GITHUB_ACTIONS: 'true' }, false, 'sarif'],
    ['stylish', { GITHUB_ACTIONS: 'true' }, false, 'stylish'],
    ['json', {}, true, 'json'],
    ['junit', {}, false, 'junit'],
    ['github', {}, true, 'github'],
  ];
  for (const [requested, env, tty, expected] of table) {
    t.equal(pickFormat(requested, env, tty), expected, `${JSON.stringify(requested)} ${JSON.stringify(env)} tty=${tty}`);
  }
  t.throws(() => pickFormat('checkstyle', {}, false), /unknown report format "checkstyle" \(expected one of stylish, json, sarif, junit, github, html\)/);
  t.throws(() => pickFormat('SARIF', {}, false), /unknown report format/, 'names are exact');
});

t.test('useColor: flag, then NO_COLOR, then FORCE_COLOR, then the terminal', async (t) => {
  const table: Array<[boolean | undefined, NodeJS.ProcessEnv, boolean, boolean, string]> = [
    [undefined, {}, true, true, 'a terminal'],
    [undefined, {}, false, false, 'a pipe'],
    [undefined, { TERM: 'dumb' }, true, false, 'a dumb terminal'],
    [undefined, { TERM: 'xterm-256color' }, true, true, 'xterm'],
    [true, {}, false, true, '--color into a pipe'],
    [false, {}, true, false, '--no-color on a terminal'],
    [true, { NO_COLOR: '1' }, false, true, '--color beats NO_COLOR'],
    [false, { FORCE_COLOR: '1' }, true, false, '--no-color beats FORCE_COLOR'],
    [undefined, { NO_COLOR: '1' }, true, false, 'NO_COLOR=1'],
    [undefined, { NO_COLOR: '0' }, true, false, 'NO_COLOR=0 also disables (any non-empty value)'],
    [undefined, { NO_COLOR: 'false' }, true, false, 'NO_COLOR=false also disables'],
    [undefined, { NO_COLOR: '' }, true, true, 'NO_COLOR empty is unset'],
    [undefined, { FORCE_COLOR: '1' }, false, true, 'FORCE_COLOR=1 into a pipe'],
    [undefined, { FORCE_COLOR: '3' }, false, true, 'FORCE_COLOR=3'],
    [undefined, { FORCE_COLOR: 'true' }, false, true, 'FORCE_COLOR=true'],
    [undefined, { FORCE_COLOR: '0' }, true, false, 'FORCE_COLOR=0 on a terminal'],
    [undefined, { FORCE_COLOR: 'false' }, true, false, 'FORCE_COLOR=false'],
    [undefined, { FORCE_COLOR: 'FALSE' }, true, false, 'FORCE_COLOR=FALSE'],
    [undefined, { FORCE_COLOR: '' }, false, false, 'FORCE_COLOR empty is unset (pipe)'],
    [undefined, { FORCE_COLOR: '' }, true, true, 'FORCE_COLOR empty is unset (terminal)'],
    [undefined, { FORCE_COLOR: '1', TERM: 'dumb' }, false, true, 'FORCE_COLOR beats TERM=dumb'],
    [undefined, { NO_COLOR: '1', FORCE_COLOR: '1' }, true, false, 'NO_COLOR beats FORCE_COLOR'],
    [undefined, { NO_COLOR: '', FORCE_COLOR: '1' }, false, true, 'empty NO_COLOR does not stop FORCE_COLOR'],
  ];
  for (const [flag, env, tty, expected, what] of table) t.equal(useColor(flag, env, tty), expected, what);
});

t.test('formatReport dispatches to each formatter', async (t) => {
  const direct: Record<Format, (r: ReturnType<typeof sampleReport>) => string> = {
    stylish: (r) => formatStylish(r, opts),
    json: (r) => formatJson(r, opts),
    sarif: (r) => formatSarif(r, opts),
    junit: (r) => formatJunit(r, opts),
    github: (r) => formatGithub(r, opts),
    html: (r) => formatHtml(r, opts),
  };
  t.same(FORMATS, ['stylish', 'json', 'sarif', 'junit', 'github', 'html']);
  for (const format of FORMATS) {
    t.equal(await formatReport(sampleReport(), format, opts), direct[format](sampleReport()), format);
  }
  await t.rejects(formatReport(sampleReport(), 'xml' as Format, opts), /unknown report format "xml"/);
  t.ok(isFormat('junit'));
  t.notOk(isFormat('toString'), 'no prototype names');
});

t.test('each formatter loads on its own; index.ts loads none of them eagerly', async (t) => {
  const dir = fromRoot('cli/report/');
  const valueImports = (file: string) =>
    [...readFileSync(`${dir}${file}`, 'utf8').matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
  t.same(
    valueImports('index.ts'),
    [],
    'index.ts has only type imports at the top (formatters come through import())',
  );
  t.same(valueImports('sarif.ts'), ['node:path', './shared.js', './json-pieces.js'], 'the import reader sees value imports');
  const formatters = ['stylish.ts', 'json.ts', 'sarif.ts', 'junit.ts', 'github.ts'];
  for (const f of formatters) {
    const imports = valueImports(f);
    const others = imports.filter((i) => formatters.some((g) => i === `./${g.replace(/\.ts$/, '.js')}`));
    t.same(others, [], `${f} imports no other formatter`);
    t.ok(
      imports.every((i) => i.startsWith('node:') || ['./shared.js', './color.js', './options.js', './json-pieces.js'].includes(i)),
      `${f} needs only node builtins and the small shared modules: ${imports.join(', ')}`,
    );
  }
});
