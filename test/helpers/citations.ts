/**
 * Finds citations a user cannot open: a path on a developer's machine, or a
 * file of this repository that the repository does not ship. A Xen file cited
 * as `TAG:path` (or `path@TAG`) is Xen's, not ours, and passes; so does a path
 * on the Xen host a doc is about (`/etc/xen/…`, `/proc/…`).
 */
export interface BadCitation {
  cited: string;
  index: number;
  why: string;
}

/** Absolute or relative paths that only exist where xenlint was written. */
const DEVELOPER_PATH = /file:\/\/[^\s`'")\]>]+|(?<![\w.])\.\.\/shared\/[^\s`'")\],;]+|(?<![\w.:/~-])\/(?:work|home|root|Users)\/[^\s`'")\],;]*|\b[A-Z]:\\Users\\[^\s`'")\],;]*/g;

/** This repository's top-level folders: a path under one, not tagged as Xen's, must be ours. */
const REPO_PATH = /(?<![\w:@/.~-])((?:checks|cli|docs|test|samples|schemas|bench|\.ci)\/[\w./-]*[\w-])(?!@|[\w/-])/g;

/** A bare markdown file name (`xen-facts.md`, `design.md`): ours if it is anywhere we ship docs. */
const MARKDOWN_NAME = /(?<![\w:@/.~-])([\w-]+\.md)\b(?!@)/g;

export function unreachableCitations(text: string, exists: (repoRelative: string) => boolean): BadCitation[] {
  const bad: BadCitation[] = [];
  for (const m of text.matchAll(DEVELOPER_PATH)) {
    bad.push({ cited: m[0].replace(/[.:]+$/, ''), index: m.index, why: 'a path on a developer\'s machine' });
  }
  for (const m of text.matchAll(REPO_PATH)) {
    const path = m[1]!.replace(/[.:]+$/, '');
    if (!exists(path)) bad.push({ cited: path, index: m.index, why: 'not a file this repository ships; a Xen file is cited as TAG:path' });
  }
  for (const m of text.matchAll(MARKDOWN_NAME)) {
    const name = m[1]!;
    if (bad.some((b) => m.index >= b.index && m.index < b.index + b.cited.length)) continue;
    if (!['', 'docs/', 'docs/rules/'].some((dir) => exists(`${dir}${name}`))) {
      bad.push({ cited: name, index: m.index, why: 'not a document this repository ships' });
    }
  }
  return bad.sort((a, b) => a.index - b.index);
}
