/**
 * Integration tests drive real programs (Xen's xl and readnotes, pre-commit, Ansible,
 * Chromium, the SARIF validator). Outside CI a missing program is a clearly reported
 * skip; in CI (`CI=true`, where .ci/run installs them) it is a failure, so a broken
 * install step can never turn the suite green by skipping.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable: as given when it contains a slash, else found on PATH. */
export function findExecutable(name: string): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next
    }
  }
  return undefined;
}

/** The part of a tap Test that requireTool uses (a skipped subtest shows as `# SKIP` in the summary). */
interface SkippableTest {
  fail(message: string): unknown;
  test(name: string, extra: { skip: string }, cb: () => void): unknown;
}

/**
 * The program's path, or undefined after skipping (outside CI) or failing (in CI) the
 * test with a message that says what is missing and which Debian/npm package brings it.
 */
export function requireTool(t: SkippableTest, name: string, installHint: string): string | undefined {
  const found = findExecutable(name);
  if (found) return found;
  const message = `${name} not found (${installHint})`;
  if (process.env.CI === 'true') t.fail(`${message}; CI installs it, so its absence is a failure`);
  else t.test(message, { skip: `skipped: ${message}` }, () => {});
  return undefined;
}
