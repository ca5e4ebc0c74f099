/**
 * Two of Yarn's linkers copy packages from a machine-wide store rather than
 * from the archives the plugin checked (see policy/linkerStores.ts). Another
 * project on the machine, or a restored CI cache, can write that store, and
 * Yarn links from it unchecked: a `hardlinks-global` listing whose path
 * climbs out of `node_modules` plants a file in the project, a content file
 * swapped under its name replaces a package's file (outside attack rounds 43
 * and 44). So before anything is linked, what Yarn would trust there is
 * removed; Yarn then builds it again from the checked archives:
 * - `hardlinks-global`: every listing. Without one, Yarn lists the archive
 *   and hashes every content file it links, replacing any that differs.
 * - the pnpm linker: its whole index. Without it, Yarn writes each file it
 *   links from the archive.
 */

import {type Configuration, MessageName, ReportError, formatUtils} from '@yarnpkg/core';
import {type PortablePath, npath, ppath, xfs} from '@yarnpkg/fslib';
import {randomBytes} from 'crypto';

import {isRemovedIndex, isStoreListing, linkerStoreOf} from '../policy/linkerStores';

/** Where Yarn keeps the listings and files of `hardlinks-global` (its `getHardlinksStorePath`, version 1). */
export function hardlinksStorePath(configuration: Configuration): PortablePath {
  return ppath.join(configuration.get(`globalFolder`), `store/v1` as PortablePath);
}

/** Where the pnpm linker keeps the files it hard-links. */
export function pnpmIndexPath(configuration: Configuration): PortablePath {
  return ppath.join(configuration.get(`globalFolder`), `index` as PortablePath);
}

/**
 * Removes what the project's linker would link from the machine-wide store
 * without checking it. Returns how many listings or index folders were
 * removed. What cannot be removed stops the install.
 */
export async function forgetLinkerStores(configuration: Configuration): Promise<number> {
  switch (linkerStoreOf({nodeLinker: configuration.get(`nodeLinker`), nmMode: configuration.get(`nmMode`)})) {
    case `hardlinks-listings`:
      return await forgetHardlinksListings(configuration);
    case `pnpm-index`:
      return await forgetPnpmIndex(configuration);
    case null:
      return 0;
  }
}

async function forgetHardlinksListings(configuration: Configuration): Promise<number> {
  const store = hardlinksStorePath(configuration);
  let removed = 0;
  await Promise.all((await readdirIfPresent(configuration, store)).map(async folder => {
    const path = ppath.join(store, folder.name);
    for (const entry of await readdirIfPresent(configuration, path)) {
      // A folder named like a listing makes Yarn's read fail, and Yarn then builds the listing from the archive.
      if (!isStoreListing(entry.name) || entry.isDirectory())
        continue;
      const listing = ppath.join(path, entry.name);
      try {
        await xfs.unlinkPromise(listing);
        removed += 1;
      } catch (error) {
        // Another Yarn removed it first (it rewrites listings by removing them).
        if ((error as NodeJS.ErrnoException).code === `ENOENT`)
          continue;
        throw refusal(configuration, listing, error as Error);
      }
    }
  }));
  return removed;
}

/**
 * The index is moved aside first (one rename: a Yarn running at the same
 * time sees it whole or not at all), then removed with what an interrupted
 * install left aside.
 */
async function forgetPnpmIndex(configuration: Configuration): Promise<number> {
  const index = pnpmIndexPath(configuration);
  const aside = ppath.join(ppath.dirname(index), `index.${randomBytes(8).toString(`hex`)}.removed` as PortablePath);
  try {
    await xfs.renamePromise(index, aside);
  } catch (error) {
    // No index yet: nothing was linked with the pnpm linker on this machine.
    if ((error as NodeJS.ErrnoException).code !== `ENOENT`)
      throw refusal(configuration, index, error as Error);
  }
  const leftovers = (await readdirIfPresent(configuration, ppath.dirname(index))).filter(entry => isRemovedIndex(entry.name));
  for (const entry of leftovers) {
    const path = ppath.join(ppath.dirname(index), entry.name);
    try {
      await xfs.removePromise(path, {recursive: true});
    } catch (error) {
      throw refusal(configuration, path, error as Error);
    }
  }
  return leftovers.length;
}

async function readdirIfPresent(configuration: Configuration, folder: PortablePath) {
  try {
    return await xfs.readdirPromise(folder, {withFileTypes: true});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No store yet (nothing linked this way on this machine), or a file where Yarn keeps a folder.
    if (code === `ENOENT` || code === `ENOTDIR`)
      return [];
    throw refusal(configuration, folder, error as Error);
  }
}

function refusal(configuration: Configuration, path: PortablePath, error: Error): ReportError {
  const shown = formatUtils.pretty(configuration, npath.fromPortablePath(path), formatUtils.Type.PATH);
  const pnpm = configuration.get(`nodeLinker`) === `pnpm`;
  const setting = formatUtils.pretty(configuration, pnpm ? `nodeLinker: pnpm` : `nmMode: hardlinks-global`, formatUtils.Type.CODE);
  const fix = formatUtils.pretty(configuration, pnpm ? `yarn config set nodeLinker node-modules` : `yarn config set nmMode hardlinks-local`, formatUtils.Type.CODE);
  return new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `Cannot clear ${shown} in Yarn's global folder (${error.message}). With ${setting}, Yarn links packages from there without checking them against the archives; the plugin clears it before the install so that Yarn writes what it links from the checked archives. Make the folder writable, or run ${fix}.`);
}
