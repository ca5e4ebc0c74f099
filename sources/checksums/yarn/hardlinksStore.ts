/**
 * `nmMode: hardlinks-global`: the node-modules linker builds a package's
 * folder from a listing in Yarn's machine-wide store
 * (`<globalFolder>/store/v1/<xx>/<archive checksum>.json`: path → digest of
 * a `.dat` file it hard-links), not from the archive the plugin verified. Yarn
 * trusts that listing: its paths are joined onto the package folder unchecked
 * (`../../scripts/x.js` lands in the project), and a `.dat` file is hashed
 * again only when its modification time disagrees with the listing. Another
 * project on the machine, or a restored CI cache, can therefore decide what
 * gets linked.
 *
 * Without a listing Yarn builds one from the archive and hashes every `.dat`
 * file it links, repairing any that differs. So before anything is linked,
 * every listing in the store is removed: what Yarn links is then what the
 * checked archives hold.
 */

import {type Configuration, MessageName, ReportError, formatUtils} from '@yarnpkg/core';
import {type PortablePath, npath, ppath, xfs} from '@yarnpkg/fslib';

import {isStoreListing, usesGlobalHardlinksStore} from '../policy/hardlinksStore';

/** Where Yarn keeps the listings and files of `hardlinks-global` (its `getHardlinksStorePath`, version 1). */
export function hardlinksStorePath(configuration: Configuration): PortablePath {
  return ppath.join(configuration.get(`globalFolder`), `store/v1` as PortablePath);
}

/**
 * Removes every package listing of Yarn's global hard-link store, when this
 * project links from it. Returns how many were removed. A listing that cannot
 * be removed stops the install: Yarn would link from it unchecked.
 */
export async function forgetHardlinksStoreListings(configuration: Configuration): Promise<number> {
  if (!usesGlobalHardlinksStore({nodeLinker: configuration.get(`nodeLinker`), nmMode: configuration.get(`nmMode`)}))
    return 0;
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

async function readdirIfPresent(configuration: Configuration, folder: PortablePath) {
  try {
    return await xfs.readdirPromise(folder, {withFileTypes: true});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No store yet (nothing linked with hardlinks-global on this machine), or a file where Yarn keeps a folder.
    if (code === `ENOENT` || code === `ENOTDIR`)
      return [];
    throw refusal(configuration, folder, error as Error);
  }
}

function refusal(configuration: Configuration, path: PortablePath, error: Error): ReportError {
  const shown = formatUtils.pretty(configuration, npath.fromPortablePath(path), formatUtils.Type.PATH);
  const setting = formatUtils.pretty(configuration, `nmMode`, formatUtils.Type.CODE);
  const fix = formatUtils.pretty(configuration, `yarn config set nmMode hardlinks-local`, formatUtils.Type.CODE);
  return new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `Cannot clear ${shown} in Yarn's hard-link store (${error.message}). With ${setting} set to hardlinks-global, Yarn links packages from the store's listings without checking them against the archives; the plugin removes every listing before the install so that Yarn rebuilds each one from the checked archive. Make the store writable, or run ${fix}.`);
}
