/**
 * The machine-wide stores two of Yarn's linkers copy packages from instead of
 * their archives, shared by every project on the machine:
 * - the node-modules linker with `nmMode: hardlinks-global`: per archive, a
 *   listing (`<globalFolder>/store/v1/<xx>/<checksum>.json`, path → digest)
 *   of content files it hard-links; Yarn trusts the listing's paths and
 *   hashes a content file again only when its timestamp disagrees;
 * - the pnpm linker: content files named by the SHA-1 of the archive file
 *   they stand for (`<globalFolder>/index/<xx>/<sha1>.dat`), hard-linked
 *   without being read when they already exist.
 */

export type LinkerStore = `hardlinks-listings` | `pnpm-index` | null;

/** Which store the install links from, if any. */
export function linkerStoreOf({nodeLinker, nmMode}: {nodeLinker: unknown, nmMode: unknown}): LinkerStore {
  if (nodeLinker === `node-modules` && nmMode === `hardlinks-global`)
    return `hardlinks-listings`;
  if (nodeLinker === `pnpm`)
    return `pnpm-index`;
  return null;
}

/**
 * A package listing of the hard-link store: `<checksum without its first two
 * characters>.json` (content files are `<sha1 …>.dat`, Yarn's temporary files `.tmp`).
 */
export function isStoreListing(name: string): boolean {
  return name.endsWith(`.json`);
}

/** The pnpm index moved aside to be removed (`index.<random>.removed`): a removal that was interrupted is finished by the next install. */
export function isRemovedIndex(name: string): boolean {
  return /^index\.[0-9a-f]+\.removed$/.test(name);
}
