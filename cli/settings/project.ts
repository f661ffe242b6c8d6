/**
 * Where xenlint lives on the web, derived from package.json `repository` and
 * `homepage` only, so that a move of the repository is one edit there. Rule
 * documentation links are pinned to the tag of the running version
 * (`v<version>`), so a report always links the text of the rules that produced it.
 *
 * package.json is read at run time (cli/model/package-root.ts), not imported.
 */
import { ownPackage } from '../model/package-root.js';
import { TOOL_VERSION } from '../model/tool-version.js';

export interface ProjectLinks {
  /** The repository's web address, e.g. https://github.com/xenlint/xenlint (no trailing slash). */
  repository: string;
  /** Where a user reads about xenlint (package.json `homepage`, else the repository). */
  home: string;
}

interface PackageFields {
  name?: unknown;
  repository?: unknown;
  homepage?: unknown;
}

/**
 * The https address of a package.json `repository`: an object with `url` or a
 * string, in any form npm accepts (git+https, git://, git@host:, ssh://, .git
 * suffix, `github:owner/name`, `owner/name`). Undefined when it names no web host.
 */
export function repositoryWebUrl(repository: unknown): string | undefined {
  const raw = typeof repository === 'string' ? repository : typeof repository === 'object' && repository !== null ? (repository as { url?: unknown }).url : undefined;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  let s = raw.trim();
  const shorthand = /^(?:(github|gitlab|bitbucket):)?([A-Za-z0-9][\w.-]*)\/([\w.-]+)$/.exec(s);
  if (shorthand) {
    const host = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' }[shorthand[1] ?? 'github'];
    return `https://${host}/${shorthand[2]}/${shorthand[3]!.replace(/\.git$/, '')}`;
  }
  const scp = /^[\w.-]+@([\w.-]+):(.+)$/.exec(s);
  if (scp) s = `https://${scp[1]}/${scp[2]}`;
  s = s.replace(/^git\+/, '').replace(/^(?:git|ssh):\/\/(?:[^@/]+@)?/, 'https://').replace(/^http:\/\//, 'https://');
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.hostname === '') return undefined;
  const path = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  if (path === '') return undefined;
  return `https://${url.hostname}${path}`;
}

export function linksFrom(pkg: PackageFields): ProjectLinks | undefined {
  const repository = repositoryWebUrl(pkg.repository);
  if (!repository) return undefined;
  const home = typeof pkg.homepage === 'string' && /^https:\/\//.test(pkg.homepage) ? pkg.homepage : repository;
  return { repository, home };
}

let cached: { links: ProjectLinks | undefined } | undefined;

/** The links of the installed xenlint; undefined when its package.json cannot be found or names no repository. */
export function projectLinks(): ProjectLinks | undefined {
  cached ??= { links: readOwnPackage() };
  return cached.links;
}

function readOwnPackage(): ProjectLinks | undefined {
  const own = ownPackage();
  return own ? linksFrom(own.json as PackageFields) : undefined;
}

/** The documentation page of a rule at the tag of this version: `<repository>/blob/v<version>/docs/rules/<id>.md`. */
export function ruleDocUrl(id: string, links: ProjectLinks, version: string = TOOL_VERSION): string {
  return `${links.repository}/blob/v${encodeURIComponent(version)}/docs/rules/${encodeURIComponent(id)}.md`;
}

/**
 * The `$id` of a JSON schema shipped in schemas/: the file as served raw from
 * the default branch (HEAD), so an editor that follows `$schema` gets the JSON itself.
 */
export function schemaUrl(file: string, links: ProjectLinks): string {
  return `${links.repository}/raw/HEAD/schemas/${encodeURIComponent(file)}`;
}
