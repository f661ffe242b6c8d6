/**
 * Rule documentation lives in docs/rules/<id>.md; `explain`, SARIF help and the
 * stylish report's links all read it from there, so the words exist once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { embedded } from './embedded.js';

const docsDir = fileURLToPath(new URL(import.meta.url.includes('/dist/cli/') ? '../../docs/rules/' : '../docs/rules/', import.meta.url));

export function ruleDocPath(id: string): string {
  return `${docsDir}${id}.md`;
}

export function ruleDocUri(id: string): string {
  return pathToFileURL(ruleDocPath(id)).href;
}

export function readRuleDoc(id: string): string | undefined {
  if (embedded) return Object.hasOwn(embedded.ruleDocs, id) ? embedded.ruleDocs[id] : undefined;
  const p = ruleDocPath(id);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

/** The body of one `## Heading` section, trimmed; undefined when absent. */
export function docSection(doc: string, heading: string): string | undefined {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.trim().toLowerCase() === `## ${heading.toLowerCase()}`);
  if (start < 0) return undefined;
  let end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  if (end < 0) end = lines.length;
  return lines.slice(start + 1, end).join('\n').trim();
}

/** Short help for SARIF and `rules`: what it catches and how to fix it. */
export function ruleHelpText(id: string, title: string): string {
  const doc = readRuleDoc(id);
  if (!doc) return title;
  const parts = [docSection(doc, 'What it catches'), docSection(doc, 'How to fix')].filter((s): s is string => !!s);
  return parts.length > 0 ? parts.join('\n\n') : title;
}
