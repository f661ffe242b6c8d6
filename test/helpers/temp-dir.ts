/**
 * Temporary folders for tests, removed when the test process exits: a run of
 * the suite otherwise leaves a thousand or more in /tmp (every property-test
 * run, every spawned-CLI test), and CI machines and developers' laptops keep them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
let hooked = false;

/** Removes a folder this process made, now (for tests that make many, e.g. one per property-test run). */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A new folder in the OS temporary directory, named `prefix` + six random characters. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const d of made) removeTempDir(d);
    });
  }
  return dir;
}
