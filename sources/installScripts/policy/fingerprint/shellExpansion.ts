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
  // `**` walks into the workspaces' node_modules too: not a path into one workspace (round 24, M1).
  if (!hasGlob(text) || text.includes(`**`))
    return [];
  const path = posix.normalize(posix.join(cwd === `` ? `.` : cwd, text)).replace(/\/+$/, ``);
  if (path.startsWith(`../`) || path.split(`/`).includes(`node_modules`))
    return [];
  const segments = path.split(`/`);
  const matches = new Set<string>();
  for (const folder of workspaceFolders) {
    const parts = folder.split(`/`);
    if (parts.length > segments.length || parts.includes(`..`) || segments.slice(parts.length).some(hasGlob))
      continue;
    if (parts.every((part, index) => globRegExp(segments[index]).test(part)))
      matches.add([...parts, ...segments.slice(parts.length)].join(`/`));
  }
  return [...matches].sort().map(match => cwd === `` ? match : posix.relative(cwd, match));
}

/**
 * Whether `text` holds a glob that Yarn's shell expands (fast-glob's syntax:
 * `*`, `?`, `[…]`, the extglobs `@(…)`, `!(…)`, `+(…)`, `*(…)`, `?(…)`, and
 * brace lists `{a,b}`, `{1..3}`: round 23, M3).
 */
export function hasGlob(text: string): boolean {
  return /[*?[]|[@!+]\(/.test(text) || firstBraceGroup(text) !== null;
}

/** How many segments of a path below node_modules name the package: two for a scope (`@s/n`), else one (`@(a|b)` is an extglob). */
export function nameSegments(path: string): number {
  return path.startsWith(`@`) && !path.startsWith(`@(`) ? 2 : 1;
}

/** An unquoted word that the shell would expand as a glob. */
export function isGlobWord(word: Word): boolean {
  return !word.quoted && hasGlob(word.text);
}

/** More alternatives than this, and a brace list is read as `*` (every match) rather than listed. */
const MAX_BRACE_WORDS = 64;

/**
 * The words a brace list makes of `text`, as the shell expands them, in order
 * (`node_modules/{a,b*}/x.js` → `node_modules/a/x.js`, `node_modules/b*\/x.js`;
 * `{1..3}`, `{a..c}`; nested lists). Past MAX_BRACE_WORDS words a list stands
 * for `*`, which matches at least what it would. No list: `[text]`.
 */
export function expandBraces(text: string): Array<string> {
  const done: Array<string> = [];
  const work = [text];
  while (work.length > 0) {
    const current = work.pop()!;
    const group = firstBraceGroup(current);
    if (group === null) {
      if (!done.includes(current))
        done.push(current);
      continue;
    }
    const around = (middle: string) => `${current.slice(0, group.start)}${middle}${current.slice(group.end + 1)}`;
    if (group.alternatives === null || done.length + work.length + group.alternatives.length > MAX_BRACE_WORDS)
      work.push(around(`*`));
    else
      for (const alternative of [...group.alternatives].reverse())
        work.push(around(alternative));
  }
  return done;
}

/**
 * The first `{…}` of `text` that the shell expands: its place and its words
 * (`null`: a range too long to list). `{}` and `{a}` are no list.
 */
function firstBraceGroup(text: string): {start: number, end: number, alternatives: Array<string> | null} | null {
  for (let start = text.indexOf(`{`); start !== -1; start = text.indexOf(`{`, start + 1)) {
    const parts: Array<string> = [];
    let depth = 0;
    let from = start + 1;
    let end = -1;
    for (let index = start + 1; index < text.length && end === -1; index++) {
      const char = text[index];
      if (char === `{`) {
        depth++;
      } else if (char === `}` && depth > 0) {
        depth--;
      } else if (char === `}`) {
        parts.push(text.slice(from, index));
        end = index;
      } else if (char === `,` && depth === 0) {
        parts.push(text.slice(from, index));
        from = index + 1;
      }
    }
    if (end === -1)
      return null;
    if (parts.length > 1)
      return {start, end, alternatives: parts};
    const range = braceRange(parts[0]);
    if (range !== undefined)
      return {start, end, alternatives: range};
  }
  return null;
}

/** `1..3`, `-2..2..2`, `a..e`: the words; null when more than MAX_BRACE_WORDS; undefined when it is no range. */
function braceRange(text: string): Array<string> | null | undefined {
  const numbers = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(text);
  const letters = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?$/.exec(text);
  const bounds = numbers ?? letters;
  if (bounds === null)
    return undefined;
  const from = numbers !== null ? Number(bounds[1]) : bounds[1].charCodeAt(0);
  const to = numbers !== null ? Number(bounds[2]) : bounds[2].charCodeAt(0);
  const step = Math.abs(Number(bounds[3] ?? 1)) || 1;
  if (Math.abs(to - from) / step >= MAX_BRACE_WORDS)
    return null;
  const words: Array<string> = [];
  for (let value = from; from <= to ? value <= to : value >= to; value += from <= to ? step : -step)
    words.push(numbers !== null ? String(value) : String.fromCharCode(value));
  return words;
}

/** More wildcards than this in one pattern, and it is read as matching everything (a regular expression with many could backtrack for long). */
const MAX_WILDCARDS = 3;

/**
 * A glob of one name or path segment as a regular expression: `*`, `?`,
 * `[…]`, `[!…]`. Where the exact match would take more than this reading
 * needs (`!(x)`, a repeated group, a POSIX class, a list of globs, many
 * wildcards), the expression matches more than the glob, never less: what
 * it selects is followed, so reading more only binds more files.
 */
export function globRegExp(pattern: string): RegExp {
  let wildcards = 0;
  let source = ``;
  // Wildcards in a row are one: `*(x)*` reads as `*`.
  const anyName = () => {
    if (!source.endsWith(`[^/]*`)) {
      source += `[^/]*`;
      wildcards++;
    }
  };
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    const group = /^[@!+*?]\(/.test(pattern.slice(index, index + 2)) ? closingOf(pattern, index + 1, `(`, `)`) : -1;
    const braces = char === `{` ? firstBraceGroup(pattern.slice(index)) : null;
    if (group !== -1) {
      // An extglob: a list of literals is matched exactly (once, or optionally); anything else matches any name.
      const alternatives = pattern.slice(index + 2, group).split(`|`);
      const literal = alternatives.every(alternative => !/[*?[\]{}()|!@+\\]/.test(alternative));
      if (literal && (char === `@` || char === `?`)) {
        source += `(?:${alternatives.map(escapeRegExp).join(`|`)})${char === `?` ? `?` : ``}`;
      } else {
        anyName();
      }
      index = group;
    } else if (braces !== null && braces.start === 0) {
      const alternatives = braces.alternatives;
      if (alternatives !== null && alternatives.every(alternative => !/[*?[\]{}()|!@+\\]/.test(alternative))) {
        source += `(?:${alternatives.map(escapeRegExp).join(`|`)})`;
      } else {
        anyName();
      }
      index += braces.end;
    } else if (char === `*`) {
      anyName();
    } else if (char === `?`) {
      source += `[^/]`;
    } else if (char === `[` && closingOfClass(pattern, index) !== -1) {
      const close = closingOfClass(pattern, index);
      let inner = pattern.slice(index + 1, close);
      const negated = inner.startsWith(`!`) || inner.startsWith(`^`);
      if (negated)
        inner = inner.slice(1);
      // A POSIX class (`[[:alpha:]]`) matches any one character here.
      source += inner.includes(`[:`) ? `[^/]` : `[${negated ? `^` : ``}${inner.replace(/[\\\]^[]/g, match => `\\${match}`)}]`;
      index = close;
    } else {
      source += escapeRegExp(char);
    }
  }
  return wildcards > MAX_WILDCARDS ? /^[\s\S]*$/ : new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, match => `\\${match}`);
}

/** The index of the `close` that ends the group opened at `open` (nested groups counted), or -1. */
function closingOf(text: string, open: number, opening: string, close: string): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === opening)
      depth++;
    else if (text[index] === close && --depth === 0)
      return index;
  }
  return -1;
}

/** The `]` that ends the bracket expression at `open` (a `]` right after `[` or `[!` is a member; `[:alpha:]` inside), or -1. */
function closingOfClass(text: string, open: number): number {
  let index = open + 1;
  if (text[index] === `!` || text[index] === `^`)
    index++;
  if (text[index] === `]`)
    index++;
  for (; index < text.length; index++) {
    if (text[index] === `[` && text[index + 1] === `:`) {
      const end = text.indexOf(`:]`, index + 2);
      if (end === -1)
        return -1;
      index = end + 1;
    } else if (text[index] === `]`) {
      return index;
    }
  }
  return -1;
}
