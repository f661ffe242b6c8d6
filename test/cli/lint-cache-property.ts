/**
 * `lint --cache` against a run without it, over random corpora and random
 * edits (fast-check): each run of an edit sequence is made twice, from the
 * cache the previous cached runs left and without any cache, and the two
 * reports and exit codes must be the same byte for byte. The corpora mix the
 * bench's generated configs with what makes the settled findings a cache keeps
 * delicate: inline directives (next-line and file-wide, naming a check or a
 * check/message-id, unused ones), guests that clash by name and MAC (findings
 * one file's change moves onto another), refused guests, a per-file cap, and a
 * severity override that changes between runs without emptying the cache;
 * half of them big enough that the findings go to a FindingSpill.
 */
import type { Test } from 'tap';
import fc from 'fast-check';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inProcess, ROOT, scratch } from './run.js';
import { LEAN_HEAP_FILES } from '../../cli/commands/pipeline.js';

const corpus = (await import(pathToFileURL(join(ROOT, 'bench/corpus.mjs')).href)) as {
  guestConfig(index: number, seed: number): { name: string; ext: string; text: string };
  hostSnapshot(): string;
};

/** What can be done to one config between two runs. */
type Edit =
  | { op: 'append'; file: number; line: string }
  | { op: 'directive'; file: number; line: string }
  | { op: 'delete'; file: number }
  | { op: 'add'; index: number }
  | { op: 'settings'; which: number };

const DIRECTIVES = [
  '# xenlint-disable-next-line unknown-key',
  '# xenlint-disable-next-line vif-spec',
  '# xenlint-disable unknown-key',
  '# xenlint-disable',
  '# xenlint-disable-next-line memory-fit',
  '# xenlint-disable-next-line unknown-key/unknown-key',
  '# xenlint-disable-next-line no-such-check',
];
const LINES = [
  'bogus_key = 1',
  'site_owner = "ops"',
  "vif = [ 'mac=00:16:3e:aa:bb:cc,bridge=xenbr0' ]",
  'name = "clash"',
  'memory = 65536',
  "disk = [ 'phy:/dev/vg0/x,hda,w,extra' ]",
  'maxmem = 128',
  '# a comment',
];
const SETTINGS = [
  ['limits:', '  findingsPerCheckPerFile: 2', ''],
  ['checks:', '  unknown-key: error', '  vif-spec: info', 'limits:', '  findingsPerCheckPerFile: 2', ''],
  ['checks:', '  config-readability: warning', ''],
];

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('append' as const), file: fc.nat(40), line: fc.constantFrom(...LINES) }),
  fc.record({ op: fc.constant('directive' as const), file: fc.nat(40), line: fc.constantFrom(...DIRECTIVES) }),
  fc.record({ op: fc.constant('delete' as const), file: fc.nat(40) }),
  fc.record({ op: fc.constant('add' as const), index: fc.integer({ min: 100, max: 400 }) }),
  fc.record({ op: fc.constant('settings' as const), which: fc.nat(SETTINGS.length - 1) }),
);

/** JUnit and JSON carry the run's durations, which differ from run to run by nature. */
const untimed = (s: string) => s.replace(/ time="[0-9.]+"/g, '').replace(/"durationMs": [0-9.e-]+/g, '');

/**
 * The property, over runs on one thread ('0') or on worker threads ('2'): two test
 * files share it (lint-cache-property*.test.ts), each a half, so neither nears tap's
 * per-file timeout on a loaded machine (the whole took ~126 s alone).
 */
export async function cachedEqualsUncached(t: Test, threads: '0' | '2', numRuns: number): Promise<void> {
  let trial = 0;
  let compared = 0;
  const root = scratch({ 'host.yaml': corpus.hostSnapshot() });
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        seed: fc.integer({ min: 1, max: 1 << 20 }),
        guests: fc.integer({ min: 2, max: 14 }),
        // A run of LEAN_HEAP_FILES files or more keeps its findings in a FindingSpill, which takes the cache's lines as they are.
        spilled: fc.boolean(),
        // Lines added to the starting corpus: directives and clashes from the first run on.
        extras: fc.array(fc.tuple(fc.nat(40), fc.constantFrom(...LINES, ...DIRECTIVES)), { maxLength: 6 }),
        settings: fc.nat(SETTINGS.length - 1),
        steps: fc.array(fc.array(edit, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        format: fc.constantFrom('stylish', 'json', 'sarif', 'compact'),
        strategy: fc.constantFrom('metadata', 'content'),
      }),
      async ({ seed, guests, spilled, extras, settings, steps, format, strategy }) => {
        const dir = join(root, `t${trial++}`);
        mkdirSync(join(dir, 'g'), { recursive: true });
        writeFileSync(join(dir, '.xenlintrc.yaml'), SETTINGS[settings]!.join('\n'));
        const files: string[] = [];
        const addGuest = (index: number): void => {
          const g = corpus.guestConfig(index, seed);
          const file = join(dir, 'g', `${g.name}-${index}.${g.ext}`);
          writeFileSync(file, g.text);
          files.push(file);
        };
        for (let i = 0; i < (spilled ? LEAN_HEAP_FILES + guests : guests); i++) addGuest(i);
        for (const [n, line] of extras) appendFileSync(files[n % files.length]!, `\n${line}\n`);
        const args = ['lint', 'g', '--facts', join(root, 'host.yaml'), '--format', format, '--no-error-on-unmatched-pattern'];
        const env = { XENLINT_WORKERS: threads };
        const compare = async (when: string): Promise<boolean> => {
          const cached = await inProcess([...args, '--cache', '--cache-location', 'c/', '--cache-strategy', strategy], { cwd: dir, env });
          const plain = await inProcess(args, { cwd: dir, env });
          // A changed limit changes the cache's key: the cached run says once that it lints every file again.
          const stderr = cached.stderr.replace(/^xenlint: --cache: .*\n/gm, '');
          const same = cached.code === plain.code && untimed(cached.stdout) === untimed(plain.stdout) && stderr === plain.stderr;
          compared++;
          if (!same) {
            t.equal(untimed(cached.stdout), untimed(plain.stdout), `${when}: report`);
            t.equal(cached.code, plain.code, `${when}: exit code`);
            t.equal(stderr, plain.stderr, `${when}: stderr`);
          }
          return same;
        };
        mkdirSync(join(dir, 'c'));
        try {
          if (!(await compare('cold'))) return false;
          if (!(await compare('warm, nothing changed'))) return false;
          for (const [n, step] of steps.entries()) {
            for (const e of step) {
              const live = files.filter((f) => f !== '');
              const pick = (k: number) => live[k % Math.max(1, live.length)];
              if (e.op === 'add') addGuest(e.index);
              else if (e.op === 'settings') writeFileSync(join(dir, '.xenlintrc.yaml'), SETTINGS[e.which]!.join('\n'));
              else {
                const file = pick(e.file);
                if (file === undefined) continue;
                if (e.op === 'delete') {
                  rmSync(file);
                  files[files.indexOf(file)] = '';
                } else if (e.op === 'append') appendFileSync(file, `\n${e.line}\n`);
                else {
                  // A directive above a line in the middle of the file: what it names moves to that line.
                  const lines = readFileSync(file, 'utf8').split('\n');
                  lines.splice(Math.floor(lines.length / 2), 0, e.line);
                  writeFileSync(file, lines.join('\n'));
                }
              }
            }
            if (!(await compare(`after step ${n + 1} (${JSON.stringify(step)})`))) return false;
          }
          return true;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    ),
    { numRuns },
  );
  t.ok(compared >= 3 * numRuns, `${compared} runs compared`);
}
