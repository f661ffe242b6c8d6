/**
 * The start-up fast path. yargs and its helpers cost about as much CPU as
 * Node's own start-up (bench/README.md), which a pre-commit hook pays on every
 * commit. The two commands a hook runs, `xenlint --version` and
 * `xenlint lint FILE... [options]` with plain options, are recognised here
 * without yargs; anything else — help, completion, an unknown or repeated
 * option, a value yargs would reject or coerce, another command — returns
 * undefined and goes to the full yargs command line, which decides exactly as
 * before. test/cli/fast-argv.test.ts checks that whatever is accepted here
 * gives the lint handler the same arguments yargs gives it.
 */

export type FastPath = { kind: 'version' } | { kind: 'lint'; argv: Record<string, unknown> };

const FORMATS = new Set(['stylish', 'json', 'sarif', 'junit', 'github']);
const SEVERITIES = new Set(['error', 'warning', 'info']);
const DIALECTS = new Set(['xm', 'xl']);

interface OptionSpec {
  /** The key the handler reads. */
  key: string;
  kind: 'string' | 'boolean';
  choices?: Set<string>;
}

const LINT_OPTIONS: Record<string, OptionSpec> = {
  '--format': { key: 'format', kind: 'string', choices: FORMATS },
  '-f': { key: 'format', kind: 'string', choices: FORMATS },
  '--output': { key: 'output', kind: 'string' },
  '-o': { key: 'output', kind: 'string' },
  '--color': { key: 'color', kind: 'boolean' },
  '--fail-on': { key: 'fail-on', kind: 'string', choices: SEVERITIES },
  '--config': { key: 'config', kind: 'string' },
  '-c': { key: 'config', kind: 'string' },
  '--baseline': { key: 'baseline', kind: 'string' },
  '--write-baseline': { key: 'write-baseline', kind: 'string' },
  '--xen': { key: 'xen', kind: 'string' },
  '--verbose': { key: 'verbose', kind: 'boolean' },
  '-v': { key: 'verbose', kind: 'boolean' },
  '--facts': { key: 'facts', kind: 'string' },
  '--dialect': { key: 'dialect', kind: 'string', choices: DIALECTS },
};

/** A value yargs reads as the same plain string: not empty, not an option. */
function plainValue(v: string | undefined): v is string {
  return v !== undefined && v !== '' && !v.startsWith('-');
}

/** What the argument vector asks for, when it is one of the fast cases; else undefined. */
export function fastPath(args: readonly string[]): FastPath | undefined {
  if (args.length === 1 && args[0] === '--version') return { kind: 'version' };
  if (args[0] !== 'lint') return undefined;
  const argv: Record<string, unknown> = { verbose: false };
  const seen = new Set<string>();
  const paths: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) {
      if (!plainValue(a)) return undefined;
      paths.push(a);
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
    if (name === '--no-color') {
      name = '--color';
      negated = true;
    }
    const spec = LINT_OPTIONS[name];
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
    argv[spec.key] = value;
  }
  if (paths.length === 0) return undefined;
  argv['paths'] = paths;
  return { kind: 'lint', argv };
}
