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
    files: ['cli/model/**', 'checks/unused-suppression.ts'],
    mayImport: [],
    why: 'the facts model, positions and severities, Xen version matching, the Check contract and message rendering; the metadata of the engine\'s own check (unused-suppression) lives with the checks but is data the engine reads',
  },
  {
    name: 'readers',
    files: ['cli/readers/**'],
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
    files: ['cli/engine/**'],
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
    name: 'settings',
    files: ['cli/settings/**'],
    mayImport: ['model'],
    why: 'the .xenlintrc file and its schema validators, the plugins it names, where the project and its rule pages live',
  },
  {
    name: 'sources',
    files: ['cli/sources/**'],
    mayImport: ['model', 'readers', 'settings'],
    why: 'evidence -> facts (hosts, --root trees, captures, the files a command names, snapshots checked against their schema); the only code that touches the host',
  },
  {
    name: 'commands',
    files: ['cli/**'],
    mayImport: ['model', 'readers', 'check-api', 'registry', 'checks', 'engine', 'testing', 'report', 'settings', 'sources'],
    why: 'argv, exit codes, and the migrate and fleet commands\' own logic: the top, which wires everything',
  },
];
