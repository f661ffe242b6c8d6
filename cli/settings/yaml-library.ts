/**
 * The js-yaml functions xenlint calls, for the modules that load js-yaml on first use
 * (cli/settings/yaml-text.ts, cli/sources/snapshot.ts) to import lazily instead of js-yaml
 * itself. The bundles (build/bundle.mjs) make an `import()` of a module its namespace object at
 * load, one getter a name: js-yaml's 67 names cost every start ~1 M instructions, a YAML input
 * or not (issue 14); this module's three cost next to nothing.
 */
export { dump, load, YAMLException } from 'js-yaml';
