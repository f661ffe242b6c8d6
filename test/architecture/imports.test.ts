/**
 * The import direction, read from the sources: every import of a file under
 * cli/ or checks/ goes where the layer map (layers.ts) allows, and no file
 * reaches itself through its imports (type-only imports count: a cycle of types
 * is still two modules that cannot be understood apart).
 *
 * A test of the project's own rather than dependency-cruiser: the rules fit in
 * one small map, TypeScript's own scanner (ts.preProcessFile) already finds every
 * static, dynamic and type import, and no dependency with its own configuration
 * language is added for it.
 */
import t from 'tap';
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { LAYERS, type Layer } from './layers.js';
import { ROOT } from '../helpers/paths.js';

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sourcesUnder(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** `dir/**`, `dir/*.ts` or one file. */
export function matchesPattern(file: string, pattern: string): boolean {
  if (pattern.endsWith('/**')) return file.startsWith(pattern.slice(0, -2));
  if (pattern.endsWith('/*.ts')) return posix.dirname(file) === pattern.slice(0, -5) && file.endsWith('.ts');
  return file === pattern;
}

export function layerOf(file: string, layers: Layer[] = LAYERS): Layer | undefined {
  return layers.find((l) => l.files.some((p) => matchesPattern(file, p)));
}

/** The project files a source imports (relative specifiers, .js mapped back to .ts), type imports included. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles
    .map((i) => i.fileName)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(ROOT, join(ROOT, dirname(file), s)).split('\\').join('/').replace(/\.js$/, '.ts'));
}

export function violations(graph: Map<string, string[]>, layers: Layer[] = LAYERS): string[] {
  const out: string[] = [];
  for (const [file, deps] of graph) {
    const from = layerOf(file, layers);
    if (!from) {
      out.push(`${file}: in no layer of test/architecture/layers.ts`);
      continue;
    }
    for (const dep of deps) {
      if (!graph.has(dep)) continue; // JSON data, declaration files
      const to = layerOf(dep, layers);
      if (!to) continue; // reported as a file of its own
      if (to === from) {
        if (from.sameLayer === false && dep !== file) out.push(`${file} (${from.name}) imports ${dep}: files of layer ${from.name} may not import each other`);
        continue;
      }
      if (!from.mayImport.includes(to.name)) out.push(`${file} (${from.name}) imports ${dep} (${to.name}): ${from.name} may import ${from.mayImport.join(', ') || 'nothing else'}`);
    }
  }
  return out;
}

/** Every cycle, as the strongly connected components of more than one file (or a file importing itself). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const graph = new Map([...sourcesUnder('cli'), ...sourcesUnder('checks')].map((f) => [f, importsOf(f)]));

t.test('every import goes the way the layer map allows', async (t) => {
  t.ok(graph.size > 100, `the sources were read (${graph.size} files)`);
  t.same(violations(graph), []);
});

t.test('a check imports only checks/api.ts and checks/lib', async (t) => {
  const checks = [...graph.keys()].filter((f) => layerOf(f)?.name === 'checks');
  t.ok(checks.length >= 20, `${checks.length} checks`);
  for (const f of checks) {
    const bad = graph.get(f)!.filter((d) => graph.has(d) && d !== 'checks/api.ts' && !d.startsWith('checks/lib/'));
    t.same(bad, [], f);
  }
});

t.test('no cycles', async (t) => {
  t.same(cycles(graph), []);
});

t.test('the test bites: a check importing the program, a lower layer importing a higher one, and a cycle', async (t) => {
  const planted = new Map(graph);
  planted.set('checks/disk-spec.ts', [...graph.get('checks/disk-spec.ts')!, 'cli/readers/disk-spec.ts']);
  planted.set('cli/model/facts.ts', [...graph.get('cli/model/facts.ts')!, 'cli/engine/engine.ts']);
  planted.set('checks/hvm-smp.ts', [...graph.get('checks/hvm-smp.ts')!, 'checks/disk-spec.ts']);
  const found = violations(planted);
  for (const want of [
    /^checks\/disk-spec\.ts \(checks\) imports cli\/readers\/disk-spec\.ts \(readers\)/,
    /^cli\/model\/facts\.ts \(model\) imports cli\/engine\/engine\.ts \(engine\)/,
    /^checks\/hvm-smp\.ts \(checks\) imports checks\/disk-spec\.ts: files of layer checks may not import each other/,
  ]) {
    t.ok(found.some((f) => want.test(f)), `reported: ${want}`);
  }
  t.equal(found.length, 3);
  const cyclic = new Map(graph);
  cyclic.set('cli/report/index.ts', [...graph.get('cli/report/index.ts')!, 'cli/report/json.ts']);
  cyclic.set('cli/report/json.ts', [...graph.get('cli/report/json.ts')!, 'cli/report/index.ts']);
  t.same(cycles(cyclic), [['cli/report/index.ts', 'cli/report/json.ts']]);
  t.equal(layerOf('cli/nowhere.ts', LAYERS.filter((l) => l.name !== 'commands')), undefined, 'a file outside every layer is reported');
});
