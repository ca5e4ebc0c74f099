/** Rules for single values of the trust file (names, paths, versions, URLs, timestamps), shared by the parser and by commands that validate input early. */

import semver from 'semver';
import {MAX_NAME_LENGTH, NAME_PART, TIMESTAMP} from './types';

// ---------------------------------------------------------------------------
// Value rules, shared by the parser and by callers that validate input early.

/**
 * Why `name` is not an npm package name, or null when it is one. With
 * `legacy`, uppercase letters are allowed, as in names published before npm
 * forbade them (`JSONStream`) and still served by registries that Yarn
 * installs from: what runs at install time must be decidable for them too.
 */
export function packageNameProblem(name: string, {legacy = false}: {legacy?: boolean} = {}): string | null {
  if (name.length === 0)
    return `the name is empty`;
  if (name.length > MAX_NAME_LENGTH)
    return `it is longer than ${MAX_NAME_LENGTH} characters`;
  if (/[A-Z]/.test(name) && !legacy)
    return `it contains uppercase letters`;

  const match = /^(?:@([^/]*)\/)?([^/]*)$/.exec(name);
  if (match === null)
    return `only a scoped name ("@scope/name") may contain "/"`;

  const [, scope, bare] = match;
  for (const part of scope !== undefined ? [scope, bare] : [bare]) {
    if (part.length === 0)
      return `it has an empty ${part === scope ? `scope` : `name`}`;
    if (part.startsWith(`.`) || part.startsWith(`_`))
      return `a name or scope may not start with "." or "_"`;
    if (!NAME_PART.test(legacy ? part.toLowerCase() : part)) {
      return `it contains characters other than ${legacy ? `letters` : `lowercase letters`}, digits, "-", ".", "_" and "~"`;
    }
  }

  return null;
}

export function isValidPackageName(name: string): boolean {
  return packageNameProblem(name) === null;
}

/** Why `path` is not a normalized relative POSIX path, or null when it is one. */
export function filePathProblem(path: string): string | null {
  if (path.length === 0)
    return `the path is empty`;
  if (path.startsWith(`/`))
    return `it is absolute (starts with "/")`;
  if (path.includes(`\\`))
    return `it contains a backslash`;
  if (/[\u0000-\u001f\u007f]/.test(path))
    return `it contains a control character`;

  for (const segment of path.split(`/`)) {
    if (segment === ``)
      return `it has an empty segment`;
    if (segment === `..`)
      return `it has a ".." segment`;
    // "./a.js" and "a.js" would be two keys for one file.
    if (segment === `.`) {
      return `it has a "." segment`;
    }
  }

  return null;
}

/** Exact versions only, in the form semver itself prints them. */
export function isExactVersion(version: string): boolean {
  const parsed = semver.parse(version);
  if (parsed === null)
    return false;

  // semver.parse also takes " v1.2.3"; only the canonical spelling is accepted
  // so that one release has one spelling in the file.
  const build = parsed.build.length > 0 ? `+${parsed.build.join(`.`)}` : ``;
  return `${parsed.version}${build}` === version;
}

/** Printable ASCII only: URL parsers silently drop tabs and newlines and map look-alike Unicode. */
export const PRINTABLE_ASCII = /^[\x21-\x7E]+$/;

/**
 * Why `url` is not usable as a registry URL, or null when it is one: an
 * absolute `https:` or `http:` URL written with "//" and a host, without
 * userinfo (`https://registry.npmjs.org@evil.com` reads as npm to a person),
 * a query or a fragment. Spelling is not normalized: a trailing slash or an
 * explicit default port is accepted.
 */
export function registryUrlProblem(url: string): string | null {
  if (url.length === 0)
    return `the URL is empty`;
  if (!PRINTABLE_ASCII.test(url))
    return `it contains a space, a control character or a non-ASCII character`;
  if (!/^https?:\/\//.test(url))
    return `it does not start with "https://" or "http://"`;
  // URL parsers read a backslash as "/" in http(s) URLs: it would move the host.
  if (url.includes(`\\`))
    return `it contains a backslash`;

  const authority = /^https?:\/\/([^/?#]*)/.exec(url)![1];
  if (authority.includes(`@`))
    return `it contains userinfo (a "@" before the host)`;
  if (url.includes(`?`))
    return `it has a query ("?")`;
  if (url.includes(`#`))
    return `it has a fragment ("#")`;
  if (authority.length === 0)
    return `it has no host`;

  try {
    new URL(url);
  } catch (error) {
    if (!(error instanceof TypeError))
      throw error;
    return `it is not a valid URL`;
  }

  return null;
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export function isUtcTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (match === null)
    return false;

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const daysInMonth = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return month >= 1 && month <= 12
    && day >= 1 && day <= daysInMonth[month - 1]
    && hour <= 23 && minute <= 59 && second <= 59;
}

// ---------------------------------------------------------------------------
// Git dependencies: an optional top-level section, `gitDependencies`, mapping
// a repository URL to the commits reviewers approved. Yarn packs a git
// dependency (running its prepare and install scripts) when it fetches it, so
// an approval names the exact commit, never a branch or a tag.

export const GIT_COMMIT = /^[0-9a-f]{40}$/;

/**
 * Why `url` is not a repository URL as this section stores it, or null: a
 * "<protocol>:" URL of printable ASCII without a fragment (the commit is not
 * part of the key).
 */
export function repositoryUrlProblem(url: string): string | null {
  if (url.length === 0)
    return `the URL is empty`;
  if (!PRINTABLE_ASCII.test(url))
    return `it contains a space, a control character or a non-ASCII character`;
  if (!/^[a-z][a-z0-9+.-]*:/.test(url))
    return `it does not start with a protocol such as "https:" or "ssh:"`;
  if (url.includes(`#`))
    return `it has a fragment ("#"); the commit belongs in "approvals"`;
  return null;
}
