/**
 * What identifies the code that is running, for `lint --cache` (issue 14): a
 * cached result is only as good as the checks, readers and engine that made
 * it, and a local build with changed checks keeps the version number. `npm run
 * build` (build/build-id.mjs) replaces what tsc emits for this module with a
 * hash of everything it emitted (dist/cli, dist/checks) and of the locked
 * dependencies, before the bundles are made from it; so the id is computed
 * once at build time, never at run time. Run from source or from the test
 * build there is no build: undefined.
 */
export const BUILD_ID: string | undefined = undefined;
