/**
 * Absolute paths in what Yarn's environment files set. Yarn expands `${PWD}`
 * and the like when it reads `.env.yarn`, so a value names the project's files
 * by absolute paths (`/home/me/app/node_modules/x/a.so`, `file:///home/me/app/…`);
 * the analysis, written for scripts, would take those as outside the project
 * (round 20, M1-M3). Each one inside the project, however it is spelled, is
 * written relative to the project's folder before the values are analysed.
 */

import {posix} from 'node:path';

/** What the Yarn wiring knows of the disk: the real path of an absolute path, links followed as far as they exist. */
export type RealPath = (path: string) => string;

export type EnvironmentPathsResult = {value: string} | {error: string};

// A path starts at the start of the value or after a separator a program splits values at.
// A file: URL keeps its tabs and line breaks, which its parser drops (round 21, M4).
const ABSOLUTE_PATH = /(?<=^|[\s=:;,'"])(?:file:(?:\/\/(?:localhost)?)?\/[^ :;,'"]*|\/[^\s:;,'"]*)/gi;

/**
 * `value` with every absolute path (or file: URL) that lies in `projectFolder`
 * (a real, absolute, normalized path) written as `./relative`; a path through
 * `/proc` (its `cwd` is whatever folder a script runs in), one into a
 * `node_modules` folder outside the project (a sibling checkout's) or a URL
 * that cannot be decoded is an error.
 */
export function projectRelativePaths(value: string, projectFolder: string, realPath: RealPath): EnvironmentPathsResult {
  let error: string | null = null;
  const rewritten = value.replace(ABSOLUTE_PATH, token => {
    const path = filePathOf(token);
    if (path === null) {
      error ??= `${JSON.stringify(token)} is a file: URL with a malformed percent-escape`;
      return token;
    }
    const normalized = posix.normalize(path);
    // Links first, then `..`, as the system resolves it (`node_modules/link/../x`).
    const real = realPath(path);
    if ([normalized, real].some(candidate => candidate === `/proc` || candidate.startsWith(`/proc/`))) {
      error ??= `${JSON.stringify(token)} goes through /proc, which names the folder each script runs in (another package's, for a dependency's build)`;
      return token;
    }
    // What the system opens is the real path; a link out of the project
    // (a portal's folder) leads outside it.
    if (real === projectFolder)
      return `.`;
    if (real.startsWith(`${projectFolder}/`))
      return `./${real.slice(projectFolder.length + 1)}`;
    if ([normalized, real].some(candidate => /\/node_modules(?:\/|$)/.test(candidate))) {
      error ??= `${JSON.stringify(token)} names what is installed in a node_modules folder outside the project, code that no approval holds`;
      return token;
    }
    return token;
  });
  return error !== null ? {error} : {value: rewritten};
}

/**
 * Why programs that read `value` would expand it again, or null: after Yarn
 * expanded `${…}`, a `$(…)`, `${…}` (from `\${`) or backtick left in it is
 * code to make, which imports every variable of its environment and expands
 * the ones its makefiles use (`CFLAGS`, `CC`: `$(shell …)` runs a command),
 * and to the shells that read `ENV` or `BASH_ENV` (round 23, M1).
 */
export function laterExpansion(value: string): string | null {
  const found = /\$[({]|`/.exec(value);
  return found === null ? null : `${JSON.stringify(found[0])} is left in it after Yarn's own expansion, and make (which imports every variable of its environment) or a shell expands it again, running what it names`;
}

/** The path a token names: itself, or a file: URL decoded as Node does (query and fragment dropped). */
function filePathOf(token: string): string | null {
  const url = /^file:(?:\/\/(?:localhost)?)?(\/.*)$/is.exec(token.replace(/[\t\n\r]/g, ``));
  if (url === null)
    return token;
  try {
    return decodeURIComponent(url[1].replace(/[?#].*$/s, ``));
  } catch (error) {
    if (error instanceof URIError)
      return null;
    throw error;
  }
}
