/**
 * Yarn's machine-wide hard-link store (`nmMode: hardlinks-global`): when it is
 * used, and which of its files are package listings (the rest are the
 * content files they point to).
 */

/** Only the node-modules linker in `hardlinks-global` mode links from the store. */
export function usesGlobalHardlinksStore({nodeLinker, nmMode}: {nodeLinker: unknown, nmMode: unknown}): boolean {
  return nodeLinker === `node-modules` && nmMode === `hardlinks-global`;
}

/**
 * A package listing: `<checksum without its first two characters>.json`
 * (content files are `<sha1 …>.dat`, Yarn's temporary files `.tmp`).
 */
export function isStoreListing(name: string): boolean {
  return name.endsWith(`.json`);
}
