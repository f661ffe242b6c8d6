/** `xenlint init`: a commented starter config in the current directory. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STARTER_CONFIG, UsageError } from '../settings/config.js';

export default async function init(argv: Record<string, unknown>): Promise<number> {
  const file = join(process.cwd(), '.xenlintrc.yaml');
  if (existsSync(file) && !argv['force']) throw new UsageError(`${file} exists; pass --force to overwrite it`);
  writeFileSync(file, STARTER_CONFIG);
  process.stdout.write(`wrote ${file}\n`);
  return 0;
}
