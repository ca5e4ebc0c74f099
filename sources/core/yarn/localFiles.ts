/** Files the plugin keeps on this machine only: where its local caches live, and how a file is recognized unchanged. */

import {type Project} from '@yarnpkg/core';
import {type PortablePath, npath, ppath, xfs} from '@yarnpkg/fslib';

/** Where the plugin keeps its local caches: next to Yarn's install state, in `.yarn/`. */
export function localCachePath(project: Project, file: string): PortablePath {
  return ppath.join(ppath.dirname(project.configuration.get(`installStatePath`)), file as PortablePath);
}

/** Device, inode, size, modification and change times (ns): another file, or an edited one, differs. */
export async function identityOf(file: PortablePath): Promise<string> {
  return (await statOf(file)).identity;
}

export async function statOf(file: PortablePath) {
  return identified(await xfs.statPromise(file, {bigint: true}));
}

/** `statOf` without a round trip through the thread pool (a few files at the start of every install), or null when the file does not exist. */
export function statIfPresentSync(file: PortablePath): {identity: string, changedAtMs: number} | null {
  try {
    return identified(xfs.statSync(file, {bigint: true}));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return null;
    throw error;
  }
}

/** A text file's contents, or null when it does not exist (any other error is thrown). */
export function readTextIfPresentSync(file: PortablePath): string | null {
  try {
    return xfs.readFileSync(file, `utf8`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return null;
    throw error;
  }
}

function identified(stat: {dev: bigint, ino: bigint, size: bigint, mtimeNs: bigint, ctimeNs: bigint}) {
  return {
    identity: `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`,
    changedAtMs: Number(stat.ctimeNs / 1_000_000n),
  };
}

/**
 * The identity of the plugin's own file (the bundle Yarn loaded), or null
 * when it cannot be told: what the plugin remembered between installs is
 * bound to it, since another release of the plugin may read code otherwise.
 */
export function pluginFileIdentity(): {identity: string, changedAtMs: number} | null {
  return typeof __filename === `string` ? statIfPresentSync(npath.toPortablePath(__filename)) : null;
}
