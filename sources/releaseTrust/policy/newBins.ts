/**
 * New commands: a release that declares a bin the release the project had
 * did not. Yarn links a package's bins into the `PATH` of the scripts of the
 * packages that depend on it (the project's own `postinstall` included), and
 * npm links hoisted ones into `node_modules/.bin`, ahead of the system's
 * programs. A bin named after a program that another program starts by name
 * (cargo starts `rustc`, git its pager, gcc its linker) runs in its place,
 * and no list of such names is complete. A hijacked release that adds one
 * is the way such an attack starts, so a new bin on an upgrade is refused
 * until someone accepts it; a name new to the project has nothing to be
 * compared with, and is judged as a new name.
 *
 * Plain data in; the registry's `bin` is read as data of any shape.
 */

import semver from 'semver';

/**
 * The command names a manifest's `bin` declares, as Yarn reads it: a string
 * is one command named after the package (without its scope); an object maps
 * each name to a file (a value that is no string is no command).
 */
export function binNames(name: string, bin: unknown): Array<string> {
  if (typeof bin === `string`)
    return bin === `` ? [] : [name.replace(/^@[^/]+\//, ``)];
  if (typeof bin !== `object` || bin === null || Array.isArray(bin))
    return [];
  return Object.entries(bin).filter(([key, value]) => key !== `` && typeof value === `string`).map(([key]) => key).sort();
}

export type EarlierRelease = {version: string, bins: ReadonlyArray<string>};

export type NewBinsDecision =
  | {kind: `ok`}
  | {kind: `refuse`, added: Array<string>, bins: Array<string>, earlier: Array<EarlierRelease>};

/**
 * `earlier`: the releases of the name the project had (the lockfile before
 * this install, this release left out); empty when the name is new to it.
 */
export function decideNewBins({bins, earlier}: {bins: ReadonlyArray<string>, earlier: ReadonlyArray<EarlierRelease>}): NewBinsDecision {
  if (earlier.length === 0)
    return {kind: `ok`};
  const known = new Set(earlier.flatMap(release => release.bins));
  const added = [...new Set(bins)].filter(name => !known.has(name)).sort();
  if (added.length === 0)
    return {kind: `ok`};
  return {kind: `refuse`, added, bins: [...new Set(bins)].sort(), earlier: [...earlier].sort((a, b) => compareVersions(a.version, b.version))};
}

/**
 * The release a registry lists just below `version`, for a release the
 * lockfile holds alone (locked by an install that was refused, never
 * verified): what the project most likely upgraded from. Null when there is
 * none, or `version` is no version.
 */
export function releaseBelow(version: string, versions: ReadonlyArray<string>): string | null {
  if (semver.valid(version) === null)
    return null;
  const below = versions.filter(other => semver.valid(other) !== null && semver.lt(other, version));
  return below.length === 0 ? null : below.sort(compareVersions)[below.length - 1];
}

function compareVersions(a: string, b: string): number {
  if (semver.valid(a) !== null && semver.valid(b) !== null)
    return semver.compare(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}
