/**
 * YAML text (a config file, a facts snapshot) to plain data, with the two
 * things js-yaml allows that xenlint's inputs never need refused: an alias that
 * makes a small file expand into millions of values when something walks it
 * (a "billion laughs": a 3 KB snapshot kept `check --facts` busy for 37 s in
 * schema validation and the checks), and an alias inside the collection it
 * names (a cycle, which every walk would follow forever). Aliases that repeat a
 * little (a shared list of options) are fine.
 */
/** How many values aliases may add beyond those written out in the file. */
export const ALIAS_EXPANSION_LIMIT = 10_000;

/** The data, or what is wrong with the text (file:line:column when js-yaml knows), for the caller's usage error. */
export async function loadYamlText(text: string, file: string): Promise<{ ok: true; data: unknown } | { ok: false; message: string }> {
  const { load, YAMLException } = await import('./yaml-library.js');
  let data: unknown;
  try {
    data = load(text, { filename: file });
  } catch (err) {
    if (err instanceof YAMLException) {
      const m = err.mark;
      return { ok: false, message: `${m ? `${file}:${m.line + 1}:${m.column + 1}` : file}: not valid YAML: ${err.reason}` };
    }
    throw err;
  }
  const why = aliasProblem(data);
  return why === undefined ? { ok: true, data } : { ok: false, message: `${file}: ${why}` };
}

/**
 * What is wrong with the aliases of loaded YAML data, if anything: a cycle, or
 * more than ALIAS_EXPANSION_LIMIT values beyond those written in the file.
 * Sizes are memoised per collection, so this visits each written value once.
 */
export function aliasProblem(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const size = new Map<object, number>();
  const open = new Set<object>();
  // Values as written: each collection and each slot in one (a slot that is an alias counts once).
  let written = 0;
  interface Frame {
    node: object;
    children: unknown[];
    next: number;
    total: number;
  }
  // An explicit stack: a deeply nested document must not overflow the call stack here.
  const stack: Frame[] = [];
  const enter = (node: object): void => {
    const children = Array.isArray(node) ? node : Object.values(node);
    open.add(node);
    written += 1 + children.length;
    stack.push({ node, children, next: 0, total: 1 });
  };
  enter(data);
  let expanded = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      if (child === null || typeof child !== 'object') top.total += 1;
      else if (open.has(child)) return 'a YAML alias refers to the list or mapping it is in (a cycle): refused, since nothing could read it to the end';
      else {
        const known = size.get(child);
        if (known !== undefined) top.total += known;
        else enter(child);
      }
      continue;
    }
    stack.pop();
    open.delete(top.node);
    size.set(top.node, top.total);
    if (stack.length > 0) stack[stack.length - 1]!.total += top.total;
    else expanded = top.total;
  }
  return expanded - written > ALIAS_EXPANSION_LIMIT
    ? `YAML aliases expand this file to ${expanded} values, ${expanded - written} more than are written in it (a "billion laughs"; at most ${ALIAS_EXPANSION_LIMIT} more are accepted): refused; write the values out instead`
    : undefined;
}
