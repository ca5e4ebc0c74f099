import {
  type Cache, type Locator, MessageName, type Project, ReportError, httpUtils, structUtils, tgzUtils,
} from '@yarnpkg/core';
import {xfs} from '@yarnpkg/fslib';
import {npmHttpUtils} from '@yarnpkg/plugin-npm';
import {createHash} from 'crypto';

import {isFileTarball, pinKeyOf} from './packageKeys';

/**
 * Downloads a package's tarball the way Yarn's fetchers do — so the network
 * hook verifies it against the registry and the pins — and checks that the
 * archive Yarn builds from those bytes has the checksum yarn.lock records.
 * This is what ties an archive already in the cache, which never reached the
 * network, to a verified tarball.
 */
export async function verifyArchive(project: Project, pkg: Locator) {
  const {configuration} = project;
  const bytes: Buffer = await downloadTarball(project, pkg);

  const zip = await tgzUtils.convertToZip(bytes, {
    configuration,
    prefixPath: structUtils.getIdentVendorPath(pkg),
    stripComponents: 1,
  });
  const archive = zip.getBufferAndClose();
  const found = createHash(`sha512`).update(archive).digest(`hex`);

  const recorded = project.storedChecksums.get(pkg.locatorHash) ?? null;
  const expected = recorded === null ? null : recorded.slice(recorded.indexOf(`/`) + 1);
  if (expected !== null && expected !== found) {
    throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, `${structUtils.prettyLocator(configuration, pkg)}: yarn.lock records the archive checksum ${recorded}, but the verified tarball builds an archive with checksum ${found}. The lockfile or Yarn's cache holds another package under this name; restore yarn.lock and run yarn cache clean.`);
  }
  return {found, recorded};
}

async function downloadTarball(project: Project, pkg: Locator): Promise<Buffer> {
  const {configuration} = project;
  if (/^https?:/.test(pkg.reference))
    return await httpUtils.get(pkg.reference.replace(/#.*$/, ``), {configuration});

  const archiveUrl = structUtils.parseRange(pkg.reference).params?.__archiveUrl;
  if (typeof archiveUrl === `string`)
    return await npmHttpUtils.get(archiveUrl, {configuration, ident: pkg});

  const {selector: version} = structUtils.parseRange(pkg.reference);
  return await npmHttpUtils.get(`${npmHttpUtils.getIdentUrl(pkg)}/-/${encodeURIComponent(pkg.name)}-${encodeURIComponent(version)}.tgz`, {configuration, ident: pkg});
}

/** Lockfile packages that have no pin yet although their archive is already in the cache. */
export function unpinnedCacheHits(project: Project, cache: Cache, pinned: ReadonlySet<string>): Locator[] {
  const hits: Locator[] = [];
  for (const pkg of project.originalPackages.values()) {
    const key = pinKeyOf(pkg);
    if (key === null || pinned.has(key) || isFileTarball(pkg))
      continue;
    const checksum = project.storedChecksums.get(pkg.locatorHash) ?? null;
    if (checksum !== null && xfs.existsSync(cache.getLocatorPath(pkg, checksum))) {
      hits.push(pkg);
    }
  }
  return hits;
}
