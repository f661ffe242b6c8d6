/**
 * The start-up fast path. yargs and its helpers cost about as much CPU as
 * Node's own start-up, and more for a command with many options, since yargs
 * lays out the command's help text before running it (bench/README.md). What
 * hooks and CI run — `xenlint --version`, `xenlint lint FILE... [options]` and
 * `xenlint check [options]` with plain options — is recognised here without
 * yargs; anything else — help, completion, an unknown or repeated option, a
 * value yargs would reject or coerce, another command — returns undefined and
 * goes to the full yargs command line, which decides exactly as before.
 * test/cli/fast-argv.test.ts checks that whatever is accepted here gives the
 * command the same arguments yargs gives it.
 */

export type FastPath = { kind: 'version' } | { kind: 'lint' | 'check'; argv: Record<string, unknown> };

const FORMATS = new Set(['stylish', 'json', 'sarif', 'junit', 'github', 'html']);
const SEVERITIES = new Set(['error', 'warning', 'info']);
const DIALECTS = new Set(['xm', 'xl']);

interface OptionSpec {
  /** The key the handler reads. */
  key: string;
  /** integer: 1 to 999999 (check's --timeout); count: 0 to 999999. */
  kind: 'string' | 'boolean' | 'integer' | 'count';
  choices?: Set<string>;
}

const REPORT_OPTIONS: Record<string, OptionSpec> = {
  '--format': { key: 'format', kind: 'string', choices: FORMATS },
  '-f': { key: 'format', kind: 'string', choices: FORMATS },
  '--output': { key: 'output', kind: 'string' },
  '-o': { key: 'output', kind: 'string' },
  '--also-output': { key: 'also-output', kind: 'string' },
  '--color': { key: 'color', kind: 'boolean' },
  '--fail-on': { key: 'fail-on', kind: 'string', choices: SEVERITIES },
  '--config': { key: 'config', kind: 'string' },
  '-c': { key: 'config', kind: 'string' },
  '--baseline': { key: 'baseline', kind: 'string' },
  '--write-baseline': { key: 'write-baseline', kind: 'string' },
  '--xen': { key: 'xen', kind: 'string' },
  '--verbose': { key: 'verbose', kind: 'boolean' },
  '--plugins': { key: 'plugins', kind: 'boolean' },
  '-v': { key: 'verbose', kind: 'boolean' },
  '--quiet': { key: 'quiet', kind: 'boolean' },
  // yargs reads it as a number; only plain digits are taken here.
  '--max-warnings': { key: 'max-warnings', kind: 'count' },
};

const LINT_OPTIONS: Record<string, OptionSpec> = {
  ...REPORT_OPTIONS,
  '--facts': { key: 'facts', kind: 'string' },
  '--dialect': { key: 'dialect', kind: 'string', choices: DIALECTS },
  '--error-on-unmatched-pattern': { key: 'error-on-unmatched-pattern', kind: 'boolean' },
  '--cache': { key: 'cache', kind: 'boolean' },
  '--cache-location': { key: 'cache-location', kind: 'string' },
  '--cache-strategy': { key: 'cache-strategy', kind: 'string', choices: new Set(['metadata', 'content']) },
};

const CHECK_OPTIONS: Record<string, OptionSpec> = {
  ...REPORT_OPTIONS,
  '--root': { key: 'root', kind: 'string' },
  '--facts': { key: 'facts', kind: 'string' },
  // yargs reads it as a number; only plain digits are taken here.
  '--timeout': { key: 'timeout', kind: 'integer' },
};

/** A value yargs reads as the same plain string: not empty, not an option. */
function plainValue(v: string | undefined): v is string {
  return v !== undefined && v !== '' && !v.startsWith('-');
}

/** What the argument vector asks for, when it is one of the fast cases; else undefined. */
export function fastPath(args: readonly string[]): FastPath | undefined {
  if (args.length === 1 && args[0] === '--version') return { kind: 'version' };
  if (args[0] === 'lint') {
    const parsed = readOptions(args, LINT_OPTIONS);
    if (!parsed || parsed.positionals.length === 0) return undefined;
    return { kind: 'lint', argv: { ...parsed.argv, paths: parsed.positionals } };
  }
  if (args[0] === 'check') {
    const parsed = readOptions(args, CHECK_OPTIONS);
    // check takes no positionals, and --root and --facts exclude each other: yargs says so.
    if (!parsed || parsed.positionals.length > 0 || ('root' in parsed.argv && 'facts' in parsed.argv)) return undefined;
    return { kind: 'check', argv: { timeout: 10, ...parsed.argv } };
  }
  return undefined;
}

/** The options after the command word, and its positionals; undefined when anything is unusual. */
function readOptions(args: readonly string[], options: Record<string, OptionSpec>): { argv: Record<string, unknown>; positionals: string[] } | undefined {
  const argv: Record<string, unknown> = { verbose: false };
  const seen = new Set<string>();
  const positionals: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) {
      if (!plainValue(a)) return undefined;
      positionals.push(a);
      continue;
    }
    let name = a;
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 2) {
      name = a.slice(0, eq);
      inline = a.slice(eq + 1);
    }
    let negated = false;
    if (name === '--no-color' || name === '--no-plugins' || name === '--no-error-on-unmatched-pattern') {
      name = `--${name.slice(5)}`;
      negated = true;
    }
    const spec = options[name];
    if (!spec || seen.has(spec.key)) return undefined;
    seen.add(spec.key);
    if (spec.kind === 'boolean') {
      if (inline !== undefined) return undefined;
      const next = args[i + 1];
      if (next === 'true' || next === 'false') return undefined;
      argv[spec.key] = !negated;
      continue;
    }
    if (negated) return undefined;
    const value = inline ?? args[++i];
    if (!plainValue(value)) return undefined;
    if (spec.choices && !spec.choices.has(value)) return undefined;
    if (spec.kind === 'integer' || spec.kind === 'count') {
      if (!(spec.kind === 'integer' ? /^[1-9][0-9]{0,5}$/ : /^(?:0|[1-9][0-9]{0,5})$/).test(value)) return undefined;
      argv[spec.key] = Number(value);
    } else {
      argv[spec.key] = value;
    }
  }
  return { argv, positionals };
}
