/**
 * The start-up fast path must give lint and check exactly what yargs gives them,
 * and must leave to yargs everything it is not sure about (help, unknown or
 * repeated options, invalid choices, values yargs would coerce or reject).
 */
import t from 'tap';
import fc from 'fast-check';
import { fastPath } from '../../cli/commands/fast-argv.js';
import { buildCli } from '../../cli/commands/yargs-cli.js';

/** The keys the lint and check commands and the report pipeline read from argv. */
const HANDLER_KEYS = ['paths', 'facts', 'dialect', 'root', 'timeout', 'format', 'output', 'color', 'fail-on', 'config', 'baseline', 'write-baseline', 'xen', 'verbose', 'quiet', 'max-warnings', 'error-on-unmatched-pattern', 'cache', 'cache-location', 'cache-strategy'];

type Parsed = { ok: true; command: string; argv: Record<string, unknown> } | { ok: false; message: string };

/** What the yargs command line makes of `args`, without running a command or exiting. */
async function viaYargs(args: string[]): Promise<Parsed> {
  let result: Parsed | undefined;
  const exit = process.exit;
  const write = process.stderr.write;
  process.exit = ((code?: number) => {
    throw new Error(`exit ${code}`);
  }) as typeof process.exit;
  process.stderr.write = ((chunk: unknown) => {
    result ??= { ok: false, message: String(chunk) };
    return true;
  }) as typeof process.stderr.write;
  try {
    await buildCli(args, async (load, argv) => {
      const source = load.toString();
      result = { ok: true, command: /import\(.\.\/([a-z-]+)\.js.\)/.exec(source)?.[1] ?? source, argv };
    }).parseAsync();
  } catch (err) {
    result ??= { ok: false, message: String(err) };
  } finally {
    process.exit = exit;
    process.stderr.write = write;
  }
  return result ?? { ok: false, message: 'no command ran' };
}

function handlerView(argv: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of HANDLER_KEYS) if (argv[k] !== undefined) out[k] = argv[k];
  return out;
}

async function agrees(args: string[]): Promise<{ fast: boolean; same: boolean; detail: string }> {
  const fast = fastPath(args);
  if (fast === undefined || fast.kind === 'version') return { fast: false, same: true, detail: 'left to yargs' };
  const y = await viaYargs(args);
  if (!y.ok) return { fast: true, same: false, detail: `yargs rejects it: ${y.message}` };
  const a = JSON.stringify(handlerView(fast.argv));
  const b = JSON.stringify(handlerView(y.argv));
  return { fast: true, same: y.command === fast.kind && a === b, detail: `fast ${fast.kind} ${a}\nyargs ${y.command} ${b}` };
}

t.test('--version alone takes the fast path and prints what yargs prints', async (t) => {
  t.same(fastPath(['--version']), { kind: 'version' });
  const logged: string[] = [];
  const log = console.log;
  console.log = (...xs: unknown[]) => void logged.push(xs.join(' '));
  try {
    await viaYargs(['--version']);
  } finally {
    console.log = log;
  }
  const { TOOL_VERSION } = await import('../../cli/model/tool-version.js');
  t.same(logged, [TOOL_VERSION], 'yargs prints the bare version, as the fast path does');
});

t.test('plain lint command lines: the fast path agrees with yargs', async (t) => {
  const table: string[][] = [
    ['lint', 'web01.cfg'],
    ['lint', 'domains/', 'web01.cfg', './other.cfg', '../up/x.cfg', '/etc/xen/auto'],
    ['lint', 'web01.cfg', '--facts', 'host.yaml'],
    ['lint', 'web01.cfg', '--facts=host-info.txt', '--xen', '3.0.4'],
    ['lint', '--xen', '4.17', 'a.cfg'],
    ['lint', 'a.cfg', '--xen', '4.17.4-pre'],
    ['lint', 'a.cfg', '-f', 'json', '-o', 'out.json'],
    ['lint', 'a.cfg', '--format=sarif', '--output=report.sarif'],
    ['lint', 'a.cfg', '--format', 'github', '--fail-on', 'warning'],
    ['lint', 'a.cfg', '--fail-on=info', '--verbose'],
    ['lint', 'a.cfg', '-v', 'b.cfg'],
    ['lint', 'a.cfg', '--color'],
    ['lint', 'a.cfg', '--no-color'],
    ['lint', 'a.cfg', '--color', 'b.cfg'],
    ['lint', 'a.cfg', '-c', 'ci/xenlint.yaml', '--baseline', '.xenlint-baseline.json'],
    ['lint', 'a.cfg', '--write-baseline', 'base.json'],
    ['lint', 'a.cfg', '--dialect', 'xm'],
    ['lint', 'a.cfg', '--dialect=xl', '--format', 'junit'],
    ['lint', 'web 01.cfg', 'ümlaut.cfg', 'a=b.cfg'],
    ['lint', '1.cfg', '2024', '0x10', '.hidden.cfg'],
    ['lint', 'configs/**/*.cfg', './legacy/{a,b}/*.cfg', 'x/[ab].cfg'],
    ['lint', 'a.cfg', '--quiet'],
    ['lint', 'a.cfg', '--max-warnings', '0'],
    ['lint', 'a.cfg', '--max-warnings=25', '--quiet', '--fail-on', 'warning'],
    ['lint', 'a.cfg', '--cache'],
    ['lint', 'a.cfg', '--cache', '--cache-location', 'ci/cache', '--cache-strategy', 'content'],
    ['lint', 'a.cfg', '--cache-strategy=metadata', '--cache'],
    ['check', '--max-warnings', '3'],
    ['check'],
    ['check', '--root', 'samples/hosts/xen-4.17-credit2'],
    ['check', '--root=/mnt/host', '--format', 'json', '-o', 'report.json'],
    ['check', '--facts', 'host.yaml', '--xen', '3.0.4', '--fail-on', 'warning'],
    ['check', '--timeout', '30', '-v', '--no-color'],
    ['check', '--timeout=5', '--root', 'x', '--baseline', 'b.json', '-c', 'ci.yaml'],
  ];
  for (const args of table) {
    const r = await agrees(args);
    t.ok(r.fast, `fast path taken: ${args.join(' ')}`);
    t.ok(r.same, `${args.join(' ')}\n${r.detail}`);
  }
});

t.test('anything unusual is left to yargs', async (t) => {
  const table: string[][] = [
    [],
    ['--help'],
    ['-h'],
    ['--version', 'lint'],
    ['lint'],
    ['lint', '--help'],
    ['lint', 'a.cfg', '--help'],
    ['lint', 'a.cfg', '--version'],
    ['lint', 'a.cfg', '--timeout', '3'],
    ['lint', 'a.cfg', '--format', 'yaml'],
    ['lint', 'a.cfg', '--format'],
    ['lint', 'a.cfg', '--format', ''],
    ['lint', 'a.cfg', '--format', 'json', '--format', 'sarif'],
    ['lint', 'a.cfg', '-vf', 'json'],
    ['lint', 'a.cfg', '--verbose', 'false'],
    ['lint', 'a.cfg', '--verbose=true'],
    ['lint', 'a.cfg', '--no-verbose'],
    ['lint', 'a.cfg', '--no-format'],
    ['lint', 'a.cfg', '--failOn', 'info'],
    ['lint', 'a.cfg', '--fial-on', 'info'],
    ['lint', 'a.cfg', '--quite'],
    ['lint', 'a.cfg', '--max-warnings', '-1'],
    ['lint', 'a.cfg', '--max-warnings', '1.5'],
    ['lint', 'a.cfg', '--max-warnings', '007'],
    ['lint', 'a.cfg', '--max-warnings'],
    ['lint', 'a.cfg', '--quiet=true'],
    ['lint', 'a.cfg', '--no-quiet'],
    ['lint', 'a.cfg', '--xen', '-1'],
    ['lint', 'a.cfg', '--', 'b.cfg'],
    ['lint', '-'],
    ['check', 'host1'],
    ['check', '--root', 'x', '--facts', 'y'],
    ['check', '--timeout', '1.5'],
    ['check', '--timeout', '0'],
    ['check', '--timeout', 'abc'],
    ['check', '--dialect', 'xm'],
    ['check', '--capture', 'dir'],
    ['check', '--help'],
    ['lint', 'a.cfg', '--root', 'x'],
    ['rules'],
    ['xlint', 'a.cfg'],
  ];
  for (const args of table) t.equal(fastPath(args), undefined, args.join(' ') || '(nothing)');
});

t.test('property: any argument vector the fast path accepts, yargs reads the same way', async (t) => {
  const token = fc.oneof(
    fc.constantFrom(
      'a.cfg',
      'dir/',
      './b.xl',
      '1',
      '3.0.4',
      'true',
      'false',
      'json',
      'sarif',
      'xm',
      'xl',
      'info',
      'error',
      '--format',
      '-f',
      '--output',
      '-o',
      '--color',
      '--no-color',
      '--fail-on',
      '--config',
      '-c',
      '--baseline',
      '--write-baseline',
      '--xen',
      '--verbose',
      '-v',
      '--facts',
      '--dialect',
      '--format=json',
      '--xen=4.17',
      '--dialect=xm',
      '--root',
      '--root=/mnt',
      '--timeout',
      '--timeout=7',
      '--quiet',
      '--max-warnings',
      '--max-warnings=0',
      '--cache',
      '--cache-location',
      '--cache-strategy',
      '--cache-strategy=content',
      'metadata',
      '--quite',
      '0',
      '-1',
      'configs/**/*.cfg',
      '{a,b}.cfg',
      '10',
      '010',
      '-x',
      '--',
      '',
    ),
    fc.string({ maxLength: 6 }),
  );
  const vectors = fc.tuple(fc.constantFrom('lint', 'check'), fc.array(token, { maxLength: 8 })).map(([cmd, xs]) => [cmd, ...xs]);
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(vectors, async (args) => {
      const r = await agrees(args);
      if (r.fast) accepted++;
      if (!r.same) throw new Error(`${JSON.stringify(args)}\n${r.detail}`);
    }),
    { numRuns: 400 },
  );
  t.ok(accepted > 30, `the property exercised the fast path (${accepted} of 400 vectors)`);
});
