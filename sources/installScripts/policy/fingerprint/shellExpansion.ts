/**
 * What Yarn's shell expands in a word that the analysis can know: variables
 * an earlier command of the same script set to a literal, `${X:-default}`,
 * and globs, matched against the package's workspaces (round 20, M4, M7).
 * Pure: text in, text out.
 */

import {posix} from 'path';

import type {Word} from './shell';

/** Variables Yarn and npm set for every script: a `${X:-default}` of one of them never takes its default. */
const SCRIPT_VARIABLES = /^(?:INIT_CWD|PROJECT_CWD|PWD|HOME|PATH|NODE|BERRY_BIN_FOLDER|npm_\w+)$/i;

const EXPANSION = /\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\}|\{([A-Za-z_]\w*)(:?[-=+])([^{}$`]*)\})/g;

/** A `${X:-default}` read as its default. */
export interface DefaultedExpansion {
  expansion: string;
  name: string;
  value: string;
}

/**
 * `text` with `$T`/`${T}` replaced by what `variables` knows of T,
 * `${X:-default}` (also `-`, `=`, `:=`) by its default unless X is one Yarn
 * or npm always sets, and `${X:+alternative}` (also `+`) by its alternative,
 * which is what it is when X is set (round 21, M2); `onDefault` hears of
 * each expansion read one way when the environment may make it the other.
 */
export function expandVariables(text: string, variables: ReadonlyMap<string, string> | undefined, onDefault: (defaulted: DefaultedExpansion) => void): string {
  return text.replace(EXPANSION, (whole, plain?: string, braced?: string, defaulted?: string, operator?: string, value?: string) => {
    const name = plain ?? braced ?? defaulted!;
    const known = variables?.get(name);
    const alternative = operator?.endsWith(`+`) === true;
    if (known !== undefined)
      return defaulted === undefined ? known : alternative ? (known === `` && operator === `:+` ? `` : value!) : known;
    if (defaulted === undefined)
      return whole;
    if (SCRIPT_VARIABLES.test(name))
      return alternative ? value! : whole;
    onDefault({expansion: whole, name, value: value!});
    return value!;
  });
}

/** The variables after a command made only of assignments (`T=packages/a`): literals kept, anything computed forgotten. */
export function withAssignments(variables: ReadonlyMap<string, string> | undefined, assignments: ReadonlyArray<string>): ReadonlyMap<string, string> {
  const next = new Map(variables ?? []);
  for (const text of assignments) {
    const equals = text.indexOf(`=`);
    const value = text.slice(equals + 1);
    if (/[$`]/.test(value))
      next.delete(text.slice(0, equals));
    else
      next.set(text.slice(0, equals), value);
  }
  return next;
}

/**
 * `packages/t*\/gen.js` from `cwd`: the paths into each of `workspaceFolders`
 * (paths from the package's root) whose folder part it matches, the rest
 * holding no glob, relative to `cwd` and sorted as the shell sorts its
 * matches (`node packages/*\/gen.js` runs the first; round 21, M2). Empty
 * otherwise (no glob, no workspace, a path out of the package or into
 * node_modules).
 */
export function workspaceGlobPaths(text: string, cwd: string, workspaceFolders: ReadonlyArray<string>): Array<string> {
  if (!/[*?[]/.test(text))
    return [];
  const path = posix.normalize(posix.join(cwd === `` ? `.` : cwd, text)).replace(/\/+$/, ``);
  if (path.startsWith(`../`) || path.split(`/`).includes(`node_modules`))
    return [];
  const segments = path.split(`/`);
  const matches = new Set<string>();
  for (const folder of workspaceFolders) {
    const parts = folder.split(`/`);
    if (parts.length > segments.length || parts.includes(`..`) || segments.slice(parts.length).some(segment => /[*?[]/.test(segment)))
      continue;
    if (parts.every((part, index) => globRegExp(segments[index]).test(part)))
      matches.add([...parts, ...segments.slice(parts.length)].join(`/`));
  }
  return [...matches].sort().map(match => cwd === `` ? match : posix.relative(cwd, match));
}

/** An unquoted word that the shell would expand as a glob. */
export function isGlobWord(word: Word): boolean {
  return !word.quoted && /[*?[]/.test(word.text);
}

/** A shell glob of one path segment as a regular expression (`*`, `?`, `[…]`, `[!…]`). */
export function globRegExp(pattern: string): RegExp {
  let source = ``;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === `*`) {
      source += `[^/]*`;
    } else if (char === `?`) {
      source += `[^/]`;
    } else if (char === `[` && pattern.indexOf(`]`, index + 2) !== -1) {
      const close = pattern.indexOf(`]`, index + 2);
      let inner = pattern.slice(index + 1, close);
      const negated = inner.startsWith(`!`) || inner.startsWith(`^`);
      if (negated)
        inner = inner.slice(1);
      source += `[${negated ? `^` : ``}${inner.replace(/[\\\]^]/g, match => `\\${match}`)}]`;
      index = close;
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\/]/g, match => `\\${match}`);
    }
  }
  return new RegExp(`^${source}$`);
}
