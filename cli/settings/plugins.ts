/**
 * Plugins: ES modules named in the config that export `Check[]` (default export
 * or a named `checks`). Each check's metadata is validated before anything runs;
 * a broken plugin is a usage error naming the plugin, never a crash.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Check } from '../model/contract.js';
import { UsageError } from './config.js';
import { describeErrors, validator } from './validators.js';

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
    throw new UsageError(`plugin ${spec}: cannot be loaded: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const exported = mod['default'] ?? mod['checks'];
  const list = Array.isArray(exported) ? exported : exported && typeof exported === 'object' ? [exported] : undefined;
  if (!list || list.length === 0) {
    throw new UsageError(`plugin ${spec}: exports no checks (expected a default export or \`checks\`: an array of checks)`);
  }
  const validate = await validator('check');
  return list.map((c, i) => {
    const where = `plugin ${spec}: check ${i + 1}${c && typeof c === 'object' && typeof c.id === 'string' ? ` (${c.id})` : ''}`;
    if (!c || typeof c !== 'object') throw new UsageError(`${where}: is not an object`);
    const { run, explain, hostOnly, perGuest, summarize, across, ...meta } = c as Record<string, unknown>;
    if (!validate(meta)) throw new UsageError(`${where}: invalid metadata:\n  ${describeErrors(validate.errors).join('\n  ')}`);
    // Version 2 (any of the parts) or version 1 (run over the whole facts): see cli/model/contract.ts.
    const parts = { hostOnly, perGuest, summarize, across };
    for (const [name, fn] of Object.entries(parts)) {
      if (fn !== undefined && typeof fn !== 'function') throw new UsageError(`${where}: ${name} must be a function`);
    }
    const hasPart = Object.values(parts).some((fn) => fn !== undefined);
    if (!hasPart && typeof run !== 'function') {
      throw new UsageError(`${where}: has no run(facts, ctx) function and none of hostOnly, perGuest, summarize, across`);
    }
    if (run !== undefined && typeof run !== 'function') throw new UsageError(`${where}: run must be a function`);
    if (explain !== undefined && typeof explain !== 'function') throw new UsageError(`${where}: explain must be a function`);
    return c as Check;
  });
}
