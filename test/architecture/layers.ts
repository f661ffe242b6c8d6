/**
 * The layers of xenlint's code and which may import which: the map the
 * import-direction test (imports.test.ts) holds the code to. A file belongs to
 * the first layer with a pattern that matches it; an import is allowed within a
 * layer (unless the layer says otherwise) and into the layers it lists. Moving
 * files to other folders means editing the patterns here, nothing else.
 *
 * Patterns: `dir/**` (everything below dir), `dir/*.ts` (the .ts files directly
 * in dir), or one file's path. Paths are relative to the repository root.
 *
 * The data flow, lowest first: the model (facts, Xen versions, the check
 * contract) <- the readers (text -> model pieces) <- the check API and the checks
 * <- the engine <- the report formats <- the commands, which know argv and exit
 * codes and may import everything.
 */
export interface Layer {
  name: string;
  files: string[];
  mayImport: string[];
  /** False: files of this layer may not import each other (a check imports the API, never another check). */
  sameLayer?: boolean;
  why: string;
}

export const LAYERS: Layer[] = [
  {
    name: 'model',
    files: [
      'cli/facts.ts',
      'cli/xen-version.ts',
      'cli/contract.ts',
      'cli/messages.ts',
      'cli/parse/diagnostic.ts',
      'cli/parse/config-model.ts',
      'cli/tool-version.ts',
      'cli/package-root.ts',
      'cli/embedded.ts',
      'cli/validator-types.ts',
      'checks/unused-suppression.ts',
    ],
    mayImport: [],
    why: 'the facts model, positions and severities, Xen version matching, the Check contract and message rendering; the metadata of the engine\'s own check (unused-suppression) lives with the checks but is data the engine reads',
  },
  {
    name: 'readers',
    files: ['cli/parse/**', 'cli/domain.ts', 'cli/xl-reading.ts', 'cli/reader-choice.ts'],
    mayImport: ['model'],
    why: 'pure text/bytes -> model pieces: configs, directives, specs, xl info, kernel images; a parsed config -> a domain',
  },
  {
    name: 'check-api',
    files: ['checks/api.ts', 'checks/lib/**', 'checks/data/**'],
    mayImport: ['model', 'readers'],
    why: 'the published check API and the helpers checks share: the only road from a check to the rest of the program',
  },
  {
    name: 'registry',
    files: ['checks/index.ts'],
    mayImport: ['checks', 'check-api'],
    why: 'the list of built-in checks',
  },
  {
    name: 'testing',
    files: ['checks/testing.ts'],
    mayImport: ['engine', 'readers', 'model'],
    why: 'the check tester shipped to plugin authors: configs through the readers and the engine',
  },
  {
    name: 'checks',
    files: ['checks/*.ts'],
    mayImport: ['check-api'],
    sameLayer: false,
    why: 'a check imports checks/api.ts (and checks/lib), exactly what a plugin gets',
  },
  {
    name: 'engine',
    files: ['cli/engine.ts'],
    mayImport: ['model'],
    why: 'runs checks over facts: statuses, rendering, fingerprints, suppressions, baselines',
  },
  {
    name: 'report',
    files: ['cli/report/**'],
    mayImport: ['model', 'engine'],
    why: 'the report model -> text in each format',
  },
  {
    name: 'sources',
    files: ['cli/gather/**', 'cli/snapshot.ts', 'cli/read-domains.ts', 'cli/files.ts', 'cli/config.ts', 'cli/validators.ts', 'cli/project.ts', 'cli/rule-docs.ts'],
    mayImport: ['model', 'readers'],
    why: 'evidence -> facts (hosts, --root trees, captures, the files a command names) and the config file; the only code that touches the host',
  },
  {
    name: 'commands',
    files: ['cli/**'],
    mayImport: ['model', 'readers', 'check-api', 'registry', 'checks', 'engine', 'testing', 'report', 'sources'],
    why: 'argv, the config, plugins, exit codes: the top, which wires everything',
  },
];
