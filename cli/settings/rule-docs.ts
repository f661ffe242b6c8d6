/**
 * Rule documentation lives in docs/rules/<id>.md; `explain`, SARIF help and the
 * reports' links all read it from there, so the words exist once. Links point
 * at the repository's copy (cli/settings/project.ts), never at this machine's files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { embedded } from '../model/embedded.js';
import { packageRoot } from '../model/package-root.js';
import { projectLinks, ruleDocUrl } from './project.js';

export function ruleDocPath(id: string): string {
  return `${packageRoot()}/docs/rules/${id}.md`;
}

/**
 * The https address of a rule's page in the repository, at this version's tag.
 * Undefined for a check without a page here (a plugin's), or when package.json
 * names no repository: no link is better than a dead one.
 */
export function ruleDocUri(id: string): string | undefined {
  if (!hasRuleDoc(id)) return undefined;
  const links = projectLinks();
  return links ? ruleDocUrl(id, links) : undefined;
}

function hasRuleDoc(id: string): boolean {
  return embedded ? Object.hasOwn(embedded.ruleDocs, id) : existsSync(ruleDocPath(id));
}

/**
 * The https address of a section of another page in docs/ (docs/migrate.md,
 * docs/fleet.md), at this version's tag, like the rule pages; undefined when
 * package.json names no repository.
 */
export function docPageUri(page: string, anchor: string): string | undefined {
  const links = projectLinks();
  return links ? new URL(`../${page}#${anchor}`, ruleDocUrl('page', links)).href : undefined;
}

export function readRuleDoc(id: string): string | undefined {
  const p = ruleDocPath(id);
  const text = embedded ? (Object.hasOwn(embedded.ruleDocs, id) ? embedded.ruleDocs[id] : undefined) : existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  // The generated block's markers (docs/build-metadata.mjs) are for editors of the page, not its readers.
  return text?.replace(/^<!--.*-->\n\n?/gm, '');
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
