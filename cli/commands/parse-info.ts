/** `xenlint parse info FILE`: every field as printed plus the normalised host view, as JSON. */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../settings/config.js';
import { redactDeep } from '../sources/redact.js';
import { hostFactsFromInfo, parseInfo } from '../readers/info.js';

export default async function parseInfoCommand(argv: Record<string, unknown>): Promise<number> {
  const file = String(argv['file']);
  const text = await readInput(file);
  const info = parseInfo(text);
  const { fields, fieldLines, ...normalized } = hostFactsFromInfo(info, file);
  const out = {
    file,
    fields,
    ...normalized,
    tables: info.tables,
    fieldLines,
    diagnostics: info.diagnostics.map((d) => ({ ...d, file })),
  };
  process.stdout.write(`${JSON.stringify(redactDeep(out), null, 2)}\n`);
  return info.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

export async function readInput(file: string): Promise<string> {
  try {
    return file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? String(err)}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
