/**
 * Helpers for checks about dom0 itself: which of a set of kernel modules are
 * loaded, and dom0's kernel release wherever the facts carry it.
 */
import type { Facts } from '../../cli/model/facts.js';

/** Loaded modules whose name is in `names` (module names use `_`, aliases may use `-`). */
export function loadedAmong(modules: string[], names: ReadonlySet<string>): string[] {
  return modules.filter((m) => names.has(m.replace(/-/g, '_')));
}

/** dom0's `uname -r`: from dom0 facts, else the `release` field of xl/xm info. */
export function dom0Release(facts: Facts): string | undefined {
  return facts.dom0?.kernelRelease ?? facts.host?.dom0Release;
}

/** The numeric part of a Linux release, e.g. "2.6.16.33-xen0" -> [2, 6, 16, 33]. */
export function releaseNumbers(release: string): number[] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(release);
  if (!m) return undefined;
  return m.slice(1).filter((x): x is string => x !== undefined).map(Number);
}

/** Negative, zero or positive as a is older than, equal to or newer than b (missing parts count as 0). */
export function compareReleases(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
