/**
 * Facts snapshots on disk: YAML or JSON, validated against schemas/facts.schema.json.
 * `--facts` also takes a plain `xl info` / `xm info` output, since that is what
 * admins already keep next to their configs.
 */
import { emptyFacts, type Facts } from '../model/facts.js';
import { UsageError, type InputLimits } from '../settings/config.js';
import { describeErrors, validator } from '../settings/validators.js';
import { redactDeep } from './redact.js';
import { readInputText } from './read-input.js';

export async function loadFactsFile(file: string, limits?: InputLimits): Promise<Facts> {
  const text = readInputText(file, 'facts', limits);
  // A snapshot written by hand or by an older xenlint may hold what this one redacts.
  if (looksLikeInfo(text)) return redactDeep({ ...(await factsFromInfoText(text, file)), savedIn: file });
  const data = await parseSnapshotText(text, file);
  const validate = await validator('facts');
  if (!validate(data)) {
    const lines = describeErrors(validate.errors).slice(0, 12);
    throw new UsageError(`${file}: not a valid xenlint facts snapshot:\n  ${lines.join('\n  ')}`);
  }
  return redactDeep({ ...(data as Facts), savedIn: file });
}

/** xl/xm info output: `key   : value` lines, with the keys every version prints. */
export function looksLikeInfo(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^\s*(host|xen_caps|xen_major|release|nr_cpus)\s*:/m.test(head) && !/^\s*schemaVersion\s*:/m.test(head) && !head.trimStart().startsWith('{');
}

export async function factsFromInfoText(text: string, file: string): Promise<Facts> {
  const { parseInfo, hostFactsFromInfo } = await import('../readers/info.js');
  const info = parseInfo(text);
  const facts = emptyFacts('info-file');
  facts.host = hostFactsFromInfo(info, file);
  for (const d of info.diagnostics) facts.diagnostics.push({ ...d, file });
  return facts;
}

async function parseSnapshotText(text: string, file: string): Promise<unknown> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new UsageError(`${file}: not valid JSON: ${(err as Error).message}`);
    }
  }
  const { loadYamlText } = await import('../settings/yaml-text.js');
  const loaded = await loadYamlText(text, file);
  if (!loaded.ok) throw new UsageError(loaded.message);
  return loaded.data;
}

export async function serializeFacts(gathered: Facts, format: 'yaml' | 'json'): Promise<string> {
  const facts = redactDeep(gathered);
  if (format === 'json') return `${JSON.stringify(facts, null, 2)}\n`;
  const { dump } = await import('../settings/yaml-library.js');
  return `# xenlint facts snapshot (schemas/facts.schema.json)\n${dump(facts, { noRefs: true, lineWidth: 120, skipInvalid: true })}`;
}
