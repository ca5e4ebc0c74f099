/**
 * How internal names are spelled and matched: registry URLs compared by origin,
 * globs of internal names, and the forms a name takes (case, percent-encoding)
 * that a person or a registry reads as the same package.
 */

import {normalizeRegistryUrl} from '../../core/policy/webUrl';

export {normalizeRegistryUrl};

// ---------------------------------------------------------------------------
// Registry URLs
// ---------------------------------------------------------------------------

/**
 * Scheme, host and port of a registry (already normalized) or of a request.
 * Tarballs and packuments are compared with their registry by origin, not by
 * path: GitLab group registries and GitHub Packages serve tarballs outside the
 * registry's base path, while a different origin is a different server.
 */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

// ---------------------------------------------------------------------------
// Globs
// ---------------------------------------------------------------------------

/** Longest npm package name. */
export const MAX_NAME_LENGTH = 214;

/** Characters of a valid new npm name (lowercase, URL-safe, none of `~'!()*`), plus the two wildcards. */
export const GLOB_PART = /^[a-z0-9._*?-]+$/;
export const LITERAL = /[a-z0-9._-]/;

/**
 * Why `glob` is not a usable `trustInternalPackages` entry, or null when it
 * is. A glob is an npm name (`name` or `@scope/name`) in which `*` stands for
 * any run of characters and `?` for one character, neither crossing the `/`
 * between scope and name. Nothing else is glob syntax: `[`, `{`, `!` would
 * mean something in other tools and here would silently match nothing.
 */
export function globProblem(glob: string): string | null {
  if (glob === ``)
    return `it is empty`;
  if (glob.trim() !== glob)
    return `it has leading or trailing whitespace`;
  if (glob.length > MAX_NAME_LENGTH)
    return `it is longer than ${MAX_NAME_LENGTH} characters, the longest npm name`;
  if (/[A-Z]/.test(glob))
    return `npm names are lowercase (matching ignores case anyway); write ${JSON.stringify(glob.toLowerCase())}`;
  if (/[[\]{}()!+@^$|\\,]/.test(glob.startsWith(`@`) ? glob.slice(1) : glob))
    return `only "*" and "?" are wildcards; other glob syntax and other special characters cannot appear in an npm name`;

  const split = splitGlob(glob);
  if (typeof split === `string`)
    return split;

  for (const [label, part] of split.scope !== null ? [[`scope`, split.scope], [`name`, split.name]] : [[`name`, split.name]]) {
    if (part === ``)
      return `its ${label} is empty`;
    if (!GLOB_PART.test(part))
      return `its ${label} ${JSON.stringify(part)} has characters that cannot appear in an npm name (allowed: a-z 0-9 . _ - and the wildcards * ?)`;
    if (part.startsWith(`.`) || part.startsWith(`_`))
      return `its ${label} starts with "${part[0]}", which npm names cannot`;
  }

  // A glob that is nothing but wildcards makes every name (or every name of
  // every scope) internal: that is a typo, not a policy.
  if (split.scope !== null && !LITERAL.test(split.scope))
    return `its scope is only wildcards, which would make every scope internal; name the scope`;
  if (split.scope === null && !LITERAL.test(split.name))
    return `it is only wildcards, which would make every unscoped package internal`;

  return null;
}

export function splitGlob(glob: string): {scope: string | null, name: string} | string {
  if (!glob.startsWith(`@`)) {
    if (glob.includes(`/`))
      return `an unscoped name cannot contain "/"; a scoped glob starts with "@"`;
    return {scope: null, name: glob};
  }
  const slash = glob.indexOf(`/`);
  if (slash === -1)
    return `a scoped glob needs "/" after the scope, e.g. "@corp/*"`;
  const name = glob.slice(slash + 1);
  if (name.includes(`/`))
    return `it has more than one "/"`;
  return {scope: glob.slice(1, slash), name};
}

/** `*` matches any run of characters (also none), `?` exactly one; every other character only itself. */
export function wildcardMatch(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let star = -1;
  let starText = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === `*`) {
      star = p++;
      starText = t;
    } else if (p < pattern.length && (pattern[p] === `?` || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star + 1;
      t = ++starText;
    } else {
      return false;
    }
  }
  while (pattern[p] === `*`)
    p++;
  return p === pattern.length;
}

/** A comparison key: a lowercase name split into scope (without `@`) and the rest. */
export interface NameKey {
  scope: string | null;
  name: string;
}

export function keyOf(form: string): NameKey {
  const lowered = form.toLowerCase();
  const slash = lowered.indexOf(`/`);
  if (lowered.startsWith(`@`) && slash !== -1)
    return {scope: lowered.slice(1, slash), name: lowered.slice(slash + 1)};
  return {scope: null, name: lowered};
}

export function keyMatchesGlob(key: NameKey, glob: InternalGlob): boolean {
  if ((key.scope === null) !== (glob.scope === null))
    return false;
  if (key.scope !== null && glob.scope !== null && !wildcardMatch(key.scope, glob.scope))
    return false;
  return wildcardMatch(key.name, glob.name);
}

/** How often a name is percent-decoded at most; real npm names contain no `%` at all. */
export const MAX_DECODE_ROUNDS = 3;

/**
 * The name as written and as it reads after each round of percent-decoding,
 * or where decoding failed. A server that decodes the path once more than the
 * client encoded it sees the decoded form, so every form counts.
 */
export function nameForms(name: string): {forms: string[], undecodable: string | null} {
  const forms = [name];
  let current = name;
  for (let round = 0; round < MAX_DECODE_ROUNDS && current.includes(`%`); ++round) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch (error) {
      if (error instanceof URIError)
        return {forms, undecodable: `${JSON.stringify(current)} has a malformed percent-escape`};
      throw error;
    }
    if (decoded === current)
      break;
    forms.push(decoded);
    current = decoded;
  }
  return {forms, undecodable: null};
}

/**
 * True when `name` matches `glob` the way the internal-name check matches it:
 * case-insensitively, in any percent-decoded form, `*` and `?` never crossing
 * the scope's `/`. Throws when the glob is invalid: validate globs first
 * (`globProblem`, `makeInternalModel`), so that a typo is an error, not a
 * glob that matches nothing.
 */
export function matchesGlob(name: string, glob: string): boolean {
  const problem = globProblem(glob);
  if (problem !== null)
    throw new Error(`Invalid internal package glob ${JSON.stringify(glob)}: ${problem}`);
  const split = splitGlob(glob);
  if (typeof split === `string`)
    throw new Error(`Invalid internal package glob ${JSON.stringify(glob)}: ${split}`);
  const compiled: InternalGlob = {glob, ...split};
  return nameForms(name).forms.some(form => keyMatchesGlob(keyOf(form), compiled));
}

export interface InternalGlob {
  glob: string;
  /** The scope part without `@`, or null for an unscoped glob. */
  scope: string | null;
  name: string;
}
