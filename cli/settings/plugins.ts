/**
 * Plugins: ES modules named in the config that export `Check[]` (default export
 * or a named `checks`). Each check's metadata is validated before anything runs;
 * a broken plugin is a usage error naming the plugin, never a crash. A check
 * written for the first contract (free-text `message` findings, no `messages`)
 * is refused here with what to change, before it runs.
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
    const { run, explain, ...meta } = c as Record<string, unknown>;
    const messages = meta['messages'];
    if (messages === undefined || (messages !== null && typeof messages === 'object' && Object.keys(messages).length === 0)) {
      throw new UsageError(
        `${where}: declares no messages. A finding names one of its check's messages (messageId + data); ` +
          'free-text `message` findings (the first version of the check contract) are no longer accepted: declare each text as a template, ' +
          "e.g. messages: { 'image-file': '{{guest}}: disk {{vdev}} is an image file' }, and return { messageId: 'image-file', data: { guest, vdev }, … }",
      );
    }
    if (!validate(meta)) throw new UsageError(`${where}: invalid metadata:\n  ${describeErrors(validate.errors).join('\n  ')}`);
    if (typeof run !== 'function') throw new UsageError(`${where}: has no run(facts, ctx) function`);
    if (explain !== undefined && typeof explain !== 'function') throw new UsageError(`${where}: explain must be a function`);
    return c as Check;
  });
}
