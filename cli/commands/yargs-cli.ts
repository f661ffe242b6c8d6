/**
 * The full command line: every command, option, help text and usage error,
 * built with yargs. xenlint.ts loads this module only when the start-up fast
 * path (fast-argv.ts) does not recognise the arguments, since yargs costs about
 * as much as Node's own start-up. Every command module, and with it every heavy
 * dependency, is imported inside its handler.
 */
import yargs, { type Argv } from 'yargs';
import { TOOL_VERSION } from '../model/tool-version.js';
import { closest } from './closest.js';

/** Runs a command handler: `load` imports the command module. */
export type RunCommand = (
  load: () => Promise<{ default: (argv: Record<string, unknown>) => Promise<number> }>,
  argv: Record<string, unknown>,
) => Promise<void>;

const FORMATS = ['stylish', 'json', 'sarif', 'junit', 'github', 'html'] as const;
const SEVERITIES = ['error', 'warning', 'info'] as const;

/** How a report is written and judged: what every reporting command takes. */
function outputOptions<T>(y: Argv<T>) {
  return y
    .option('format', { alias: 'f', choices: FORMATS, describe: 'Report format (default: stylish; github under GitHub Actions)' })
    .option('output', { alias: 'o', type: 'string', describe: 'Write the report to this file instead of stdout' })
    .option('also-output', { type: 'string', describe: "Also write this run's report as FORMAT=FILE, e.g. sarif=xenlint.sarif" })
    .option('color', { type: 'boolean', describe: 'Color the stylish report (default: on a terminal; honours NO_COLOR, FORCE_COLOR)' })
    .option('fail-on', { choices: SEVERITIES, describe: 'Lowest severity that makes the exit code 1 (default: error)' })
    .option('config', { alias: 'c', type: 'string', describe: 'Config file (default: .xenlintrc.yaml found upward to the repository root)' })
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'Show remediation, documentation links and every check status' });
}

function reportOptions<T>(y: Argv<T>) {
  return pluginOptions(outputOptions(y))
    .option('baseline', { type: 'string', describe: 'Hide findings recorded in this baseline file; show only new ones' })
    .option('write-baseline', { type: 'string', describe: "Record this run's findings in a baseline file" })
    .option('xen', { type: 'string', describe: 'Xen version to check against, e.g. 3.0.4 or 4.17 (overrides the facts)' })
    .option('quiet', { type: 'boolean', describe: 'Report errors only: warnings and info are neither shown nor counted' })
    .option('max-warnings', { type: 'number', describe: 'Exit 1 when there are more than this many warnings' });
}

/** Which plugins run: every command that runs checks takes these. */
function pluginOptions<T>(y: Argv<T>) {
  return y
    .option('plugin', { type: 'string', array: true, describe: "Load this plugin module (repeatable); a config's own plugins load only when allowed" })
    .option('plugins', { type: 'boolean', describe: 'With --no-plugins: the built-in checks only, no plugin at all' });
}

/**
 * yargs' "Unknown arguments: fial-on, fialOn" as one word per option (yargs adds
 * the camelCase twin of each), with " (did you mean --fail-on?)" from the
 * options the command knows when one is close.
 */
export function explainUnknown(message: string, known: readonly string[]): string {
  const m = /^Unknown arguments?: (.+)$/.exec(message.split('\n')[0] ?? '');
  if (!m) return message;
  const all = m[1]!.split(', ');
  const camel = (w: string) => w.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const words = all.filter((w) => !(/[A-Z]/.test(w) && all.some((o) => o !== w && camel(o) === w)));
  const options = known.filter((k) => k.length > 1 && !/[A-Z]/.test(k));
  const head = `Unknown ${words.length === 1 ? 'argument' : 'arguments'}: ${words.join(', ')}`;
  for (const word of words) {
    const bare = word.replace(/^-+/, '');
    // Stricter than for check ids: a stray positional must not look like a mistyped option.
    const hint = closest(bare, options, Math.max(1, Math.floor(bare.length / 3)));
    if (hint) return `${head} (did you mean --${hint}?)`;
  }
  return head;
}

/** The yargs command line for these arguments (without the program and script names). */
export function buildCli(args: string[], run: RunCommand): Argv {
  return yargs(args)
    .scriptName('xenlint')
    .usage('$0 <command> [options]\n\nPreflight checks for Xen hosts and their domU configs.')
    .command(
      'check',
      'Check a Xen host: its hypervisor, dom0 and every domU config (live, or from --root / --facts)',
      (y) =>
        reportOptions(y)
          .option('root', {
            type: 'string',
            describe: 'Read a captured or mounted host tree instead of this host; repeat it (or name a directory of captures) to check a fleet',
          })
          .option('facts', { type: 'string', describe: 'Use a saved facts snapshot (YAML/JSON) or an xl/xm info output' })
          .option('timeout', { type: 'number', default: 10, describe: 'Seconds each host command may take' })
          .option('deploy', { type: 'string', array: true, describe: 'Names of the guests about to be deployed: each must fit in free_memory on its own' })
          .conflicts('root', 'facts')
          .example('$0 check', 'on the Xen host itself')
          .example('$0 check --root samples/hosts/xen-3.0.3-pae-legacy', 'a captured host')
          .example('$0 check --root captures/xen1 --root captures/xen2', 'a fleet: each host, then duplicate MACs, names, UUIDs and config drift across them')
          .example('$0 check --root samples/hosts', 'every capture in a directory'),
      (argv) => run(() => import('./check.js'), argv),
    )
    .command(
      'lint <paths..>',
      'Lint domU config files (for pre-commit hooks and CI), against --facts or a --xen target',
      (y) =>
        reportOptions(y)
          .positional('paths', { type: 'string', array: true, describe: 'Config files or directories' })
          .option('facts', { type: 'string', describe: 'Host facts: a snapshot (YAML/JSON) or a saved xl/xm info output' })
          .option('dialect', { choices: ['xm', 'xl'] as const, describe: 'Force the config dialect (default: detected per file)' })
          .option('deploy', { type: 'string', array: true, describe: 'Names of the guests about to be deployed: each must fit in the free memory of --facts on its own' })
          .option('error-on-unmatched-pattern', {
            type: 'boolean',
            describe: 'With --no-error-on-unmatched-pattern: no configs under a directory, or a glob that matches nothing, is no error (exit 0 when there is nothing to lint)',
          })
          .option('cache', { type: 'boolean', describe: 'Keep each file\'s results in a cache file and check only the files that changed since the last run (report unchanged)' })
          .option('cache-location', { type: 'string', describe: 'The cache file, or a directory to keep .xenlintcache in (default: .xenlintcache in the current directory)' })
          .option('cache-strategy', {
            choices: ['metadata', 'content'] as const,
            describe: 'How a changed file is told: metadata (size, mtime, inode; the default) or content (a hash of its bytes: for CI, where a fresh checkout changes every mtime)',
          })
          .example('$0 lint domains/', 'every *.cfg below domains/')
          .example('$0 lint domains/ --cache --cache-strategy content', 'in CI: only the configs whose bytes changed are read and checked')
          .example('$0 lint web01.cfg --facts host-info.txt', 'against a saved `xl info`')
          .example('$0 lint domains/ --facts host-info.txt --deploy db01', 'will db01 fit in the free memory of that capture?'),
      (argv) => run(() => import('./lint.js'), argv),
    )
    .command(
      'migrate <guest>',
      'Can this guest move from host A to host B? Each reason it cannot, with both hosts\' evidence',
      (y) =>
        outputOptions(y)
          .positional('guest', { type: 'string', demandOption: true, describe: "The guest's config file (or, with a capture as --from, its name there)" })
          .option('from', { type: 'string', demandOption: true, describe: 'Host A, where the guest runs: a capture directory, a facts snapshot or an xl/xm info output' })
          .option('to', { type: 'string', demandOption: true, describe: 'Host B, where it is to go: the same kinds of input' })
          .option('dialect', { choices: ['xm', 'xl'] as const, describe: 'Force the config dialect (default: detected)' })
          .option('timeout', { type: 'number', default: 10, describe: 'Seconds each host command may take' })
          .example('$0 migrate web.cfg --from samples/info/xl-4.17-x86_64.txt --to samples/info/xl-4.4-x86_64.txt', 'two saved xl info outputs')
          .example('$0 migrate mail --from capA/ --to capB/ --verbose', 'a guest of capture A, every compared fact shown'),
      (argv) => run(() => import('./migrate.js'), argv),
    )
    .command(
      'facts',
      'Print or save what xenlint knows about a host (or capture its raw evidence)',
      (y) =>
        y
          .option('root', { type: 'string', describe: 'Read a captured or mounted host tree instead of this host' })
          .option('capture', { type: 'string', describe: "Write this host's raw evidence into a directory (for --root later)" })
          .option('output', { alias: 'o', type: 'string', describe: 'Write the snapshot to this file' })
          .option('format', { choices: ['yaml', 'json'] as const, describe: 'Snapshot format (default: from --output, else yaml)' })
          .option('config', { alias: 'c', type: 'string', describe: 'Config file' })
          .option('timeout', { type: 'number', default: 10, describe: 'Seconds each host command may take' })
          .conflicts('root', 'capture'),
      (argv) => run(() => import('./facts.js'), argv),
    )
    .command(
      'rules',
      'List every check: id, severity, Xen range, what it needs',
      (y) =>
        pluginOptions(y)
          .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
          .option('config', { alias: 'c', type: 'string', describe: 'Config file (for plugins)' }),
      (argv) => run(() => import('./rules.js'), argv),
    )
    .command(
      'explain <id>',
      "Show a check's documentation; with facts, its worked numbers for that host",
      (y) =>
        pluginOptions(y)
          .positional('id', { type: 'string', demandOption: true })
          .option('facts', { type: 'string', describe: 'A facts snapshot or xl/xm info output' })
          .option('root', { type: 'string', describe: 'A captured host tree' })
          .option('xen', { type: 'string', describe: 'Xen version to explain against' })
          .option('config', { alias: 'c', type: 'string', describe: 'Config file (for plugins and options)' })
          .conflicts('root', 'facts'),
      (argv) => run(() => import('./explain.js'), argv),
    )
    .command('parse', 'Show how xenlint reads an input (JSON on stdout)', (y) =>
      y
        .command(
          'info <file>',
          'Parse an `xl info` / `xm info` output',
          (y2) => y2.positional('file', { type: 'string', demandOption: true }),
          (argv) => run(() => import('./parse-info.js'), argv),
        )
        .command(
          'config <file>',
          'Parse a domU config file',
          (y2) =>
            y2
              .positional('file', { type: 'string', demandOption: true })
              .option('dialect', { choices: ['xm', 'xl'] as const, describe: 'Force the dialect (when the Xen version does not decide)' })
              .option('xen', { type: 'string', describe: 'Xen version whose toolstack reads the file: xl from 4.5, xm before 4.0' }),
          (argv) => run(() => import('./parse-config.js'), argv),
        )
        .command(
          'disk <spec..>',
          'Parse a disk spec the way `xl -N block-attach 0 SPEC` prints it',
          (y2) => y2.positional('spec', { type: 'string', array: true }).option('dialect', { choices: ['xm', 'xl'] as const, default: 'xl' as const }),
          (argv) => run(() => import('./parse-spec.js'), { ...argv, kind: 'disk' }),
        )
        .command(
          'vif <spec..>',
          'Parse a vif spec the way `xl -N network-attach 0 SPEC` prints it',
          (y2) => y2.positional('spec', { type: 'string', array: true }).option('dialect', { choices: ['xm', 'xl'] as const, default: 'xl' as const }),
          (argv) => run(() => import('./parse-spec.js'), { ...argv, kind: 'vif' }),
        )
        .demandCommand(1, 'Name what to parse: info, config, disk or vif.'),
    )
    .command(
      'init',
      'Write a commented starter .xenlintrc.yaml in the current directory',
      (y) => y.option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing file' }),
      (argv) => run(() => import('./init.js'), argv),
    )
    .completion('completion', 'Print a bash/zsh completion script')
    .version(TOOL_VERSION)
    .alias('h', 'help')
    .strict()
    .demandCommand(1, 'Name a command; see --help.')
    .recommendCommands()
    .wrap(Math.min(100, process.stdout.columns || 100))
    .epilogue('Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage, configuration or internal error.')
    .fail((msg, err, usage) => {
      if (err) throw err;
      // yargs passes its usage helper, which knows the options of the command being parsed.
      const known = Object.keys((usage as unknown as { getDescriptions?: () => Record<string, unknown> }).getDescriptions?.() ?? {});
      process.stderr.write(`xenlint: ${explainUnknown(msg, known)}\nRun "xenlint --help" for usage.\n`);
      process.exit(2);
    });
}
