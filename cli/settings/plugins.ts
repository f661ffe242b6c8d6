/**
 * Plugins: ES modules named in the config that export `Check[]` (default export
 * or a named `checks`). Each check's metadata is validated before anything runs;
 * a broken plugin is a usage error naming the plugin, never a crash.
 *
 * A plugin is someone else's code, so nothing it hands over is trusted to be what
 * it claims: metadata and findings are copied into plain data (a getter that
 * throws, a cycle or a BigInt is reported, not met later by a formatter), and
 * whatever `run` or `explain` throws — an Error, a string, `null`, an object whose
 * `message` getter throws — becomes an Error naming the plugin, the check and
 * what was expected, which the engine reports as that check's error.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Check, CheckContext, Finding, Skip } from '../model/contract.js';
import type { Facts } from '../model/facts.js';
import { UsageError } from './config.js';
import { describeErrors, validator } from './validators.js';

const CHECK_SHAPE = 'expected a check object: { id, title, severity, needs, sources, messages, run(facts, ctx) }';

export async function loadPlugins(specs: string[], baseDir: string): Promise<Check[]> {
  const all: Check[] = [];
  for (const spec of specs) all.push(...(await loadPlugin(spec, baseDir)));
  return all;
}

async function loadPlugin(spec: string, baseDir: string): Promise<Check[]> {
  const isPath = spec.startsWith('.') || isAbsolute(spec);
  const target = isPath ? pathToFileURL(resolve(baseDir, spec)).href : spec;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(target)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`plugin ${spec}: cannot be loaded: ${describeThrown(err).split('\n')[0]}`);
  }
  let list: unknown[] | undefined;
  try {
    const exported = mod['default'] ?? mod['checks'];
    list = Array.isArray(exported) ? [...(exported as unknown[])] : exported && typeof exported === 'object' ? [exported] : undefined;
  } catch (err) {
    throw new UsageError(`plugin ${spec}: its export cannot be read: ${describeThrown(err)} (expected a default export or \`checks\`: an array of checks)`);
  }
  if (!list || list.length === 0) {
    throw new UsageError(`plugin ${spec}: exports no checks (expected a default export or \`checks\`: an array of checks)`);
  }
  const validate = await validator('check');
  const checks: Check[] = [];
  for (const [i, c] of list.entries()) checks.push(await pluginCheck(spec, i, c, validate));
  return checks;
}

type Validate = Awaited<ReturnType<typeof validator>>;

async function pluginCheck(spec: string, i: number, c: unknown, validate: Validate): Promise<Check> {
  let where = `plugin ${spec}: check ${i + 1}`;
  if (c === null || typeof c !== 'object') throw new UsageError(`${where}: is not an object but ${describeValue(c)} (${CHECK_SHAPE})`);
  let run: unknown;
  let explain: unknown;
  let meta: Record<string, unknown>;
  try {
    const { run: r, explain: e, ...rest } = c as Record<string, unknown>;
    run = r;
    explain = e;
    meta = plainData(rest) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`${where}: its metadata cannot be read as plain data: ${err instanceof NotPlain ? err.message : describeThrown(err)} (${CHECK_SHAPE}, with JSON values: no cycles, no getters that throw)`);
  }
  if (typeof meta['id'] === 'string') where += ` (${meta['id']})`;
  if (!validate(meta)) throw new UsageError(`${where}: invalid metadata:\n  ${describeErrors(validate.errors).join('\n  ')}`);
  if (typeof run !== 'function') throw new UsageError(`${where}: has no run(facts, ctx) function`);
  if (explain !== undefined && typeof explain !== 'function') throw new UsageError(`${where}: explain must be a function`);
  if (meta['options'] !== undefined) {
    const { Ajv } = await import('ajv');
    try {
      new Ajv({ strict: false }).compile(meta['options'] as object);
    } catch (err) {
      throw new UsageError(`${where}: its options schema cannot be compiled: ${describeThrown(err)} (expected a JSON Schema object)`);
    }
  }
  const check = { ...meta } as unknown as Check;
  check.run = (facts: Facts, ctx: CheckContext) => guardedRun(where, () => (run as Check['run']).call(c, facts, ctx));
  if (typeof explain === 'function') check.explain = (facts: Facts, ctx: CheckContext) => guardedExplain(where, () => (explain as NonNullable<Check['explain']>).call(c, facts, ctx));
  return check;
}

function guardedRun(where: string, call: () => unknown): Finding[] | Skip {
  let result: unknown;
  try {
    result = plainData(call());
  } catch (err) {
    throw new Error(`${where}: run() ${failure(err)} (expected an array of findings: plain objects, no cycles, no getters that throw)`);
  }
  if (Array.isArray(result)) {
    result.forEach((f: unknown, n) => {
      if (f === null || typeof f !== 'object' || Array.isArray(f)) {
        throw new Error(`${where}: run() returned item ${n + 1} that is ${describeValue(f)} (expected a finding object: { messageId, data, domain, file, line, ... })`);
      }
    });
  }
  return result as Finding[] | Skip;
}

function guardedExplain(where: string, call: () => unknown): string[] {
  let result: unknown;
  try {
    result = plainData(call());
  } catch (err) {
    throw new Error(`${where}: explain() ${failure(err)} (expected an array of lines of text)`);
  }
  if (!Array.isArray(result)) throw new Error(`${where}: explain() returned ${describeValue(result)} (expected an array of lines of text)`);
  return result.map((line: unknown) => (typeof line === 'string' ? line : JSON.stringify(line) ?? String(line)));
}

/** What went wrong: a throw inside the plugin's own code, or a result that is not plain data. */
function failure(err: unknown): string {
  return err instanceof NotPlain ? `returned what cannot be read as plain data: ${err.message}` : `threw ${describeThrown(err)}`;
}

class NotPlain extends Error {}

/**
 * A JSON copy: getters are called once, here; functions and undefined drop out.
 * Cycles, BigInts and getters that throw become a NotPlain error with the cause.
 */
function plainData(value: unknown): unknown {
  if (value === undefined || typeof value === 'function') return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new NotPlain(describeThrown(err).split('\n')[0]);
  }
  return text === undefined ? undefined : JSON.parse(text);
}

/** Whatever was thrown, described without trusting it: its own getters and toString may throw too. */
export function describeThrown(err: unknown): string {
  try {
    if (err instanceof Error) return `${String(err.name)}: ${String(err.message)}`;
    return describeValue(err);
  } catch {
    return 'a value that cannot be described (its properties throw)';
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `the ${typeof v} ${String(v)}`;
  if (typeof v === 'object') return 'an object that is not an Error';
  return `a ${typeof v}`;
}
