/** `xenlint facts`: print or save the facts snapshot of a host, or capture its raw evidence. */
import { readSettingsText } from '../sources/read-input.js';
import { writeOptionFile } from './output.js';
import { loadConfig, UsageError } from '../settings/config.js';
import { hostFacts } from './host-facts.js';

export default async function facts(argv: Record<string, unknown>): Promise<number> {
  const loaded = await loadConfig({ cwd: process.cwd(), read: readSettingsText, ...(typeof argv['config'] === 'string' ? { file: argv['config'] } : {}) });
  const timeout = typeof argv['timeout'] === 'number' ? argv['timeout'] : undefined;
  if (typeof argv['capture'] === 'string') {
    const [{ LiveSource }, { captureEvidence, CaptureError }] = await Promise.all([import('../sources/live-source.js'), import('../sources/capture.js')]);
    const result = await captureEvidence(new LiveSource(), argv['capture'], {
      ...(loaded.config.configDirs ? { configDirs: loaded.config.configDirs } : {}),
      ...(loaded.config.autostartDir ? { autoDir: loaded.config.autostartDir } : {}),
      ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    }).catch((err: unknown) => {
      throw err instanceof CaptureError ? new UsageError(`--capture ${String(argv['capture'])}: ${err.message}`) : err;
    });
    process.stdout.write(`captured ${result.files.length} files into ${result.dir}; check it with: xenlint check --root ${result.dir}\n`);
    return 0;
  }
  const root = typeof argv['root'] === 'string' ? argv['root'] : undefined;
  const gathered = await hostFacts({ ...(root !== undefined ? { root } : {}), ...(timeout !== undefined ? { timeout } : {}) }, loaded);
  // A live host is read now; a --root tree was captured at some time this run cannot know.
  if (root === undefined) gathered.capturedAt = new Date().toISOString();
  const output = typeof argv['output'] === 'string' ? argv['output'] : undefined;
  const format = argv['format'] === 'json' || argv['format'] === 'yaml' ? argv['format'] : output?.endsWith('.json') ? 'json' : 'yaml';
  const { serializeFacts } = await import('../sources/snapshot.js');
  const text = await serializeFacts(gathered, format);
  if (output) await writeOptionFile('--output', output, text);
  else process.stdout.write(text);
  return 0;
}
