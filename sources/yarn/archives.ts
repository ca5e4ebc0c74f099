import {
  Cache, type Locator, MessageName, type Project, ReportError, httpUtils, structUtils, tgzUtils,
} from '@yarnpkg/core';
import {type PortablePath, xfs} from '@yarnpkg/fslib';
import {npmHttpUtils} from '@yarnpkg/plugin-npm';
import {createHash} from 'crypto';

import {archiveHashesOf} from './archiveHashes';
import type {InstallContext} from './installContext';
import {isFileTarball, pinKeyOf} from './packageKeys';
import {type LongWork, silentWork} from './progress';

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

/**
 * Every archive Yarn takes from a cache (its cache, the global cache, the
 * mirror) never reached the network, so the download hook cannot vouch for it.
 * It is vouched for when it is pinned with the checksum yarn.lock records —
 * Yarn then checks the file against that checksum — or when the file itself
 * hashes to the pinned archive checksum; otherwise its tarball is downloaded,
 * verified, rebuilt into an archive, and that archive must be the file.
 */
export async function vouchForCachedArchives(context: InstallContext, cache: Cache, packages: Iterable<Locator>, longWork: LongWork = silentWork) {
  const downloads = await cachedArchivesToDownload(context, cache, packages);
  await downloadCachedArchives(context, downloads, longWork);
}

/** A cached archive that only a verified download of its tarball can vouch for. */
export interface CachedArchiveDownload {
  pkg: Locator;
  key: string;
  files: PortablePath[];
  hashes: string[];
}

/**
 * The cheap part of vouching (no request): which cached archives are vouched
 * for by their pin, and which must be downloaded again (a project adopting the
 * plugin with a warm cache: every archive).
 */
export async function cachedArchivesToDownload(context: InstallContext, cache: Cache, packages: Iterable<Locator>): Promise<CachedArchiveDownload[]> {
  const {project} = context;
  const {configuration} = project;
  const pins = context.pins?.pins;
  if (pins === undefined)
    throw new Error(`Assertion failed: the pins are loaded before archives are vouched for`);
  const {cacheKey} = Cache.getCacheKey(configuration);

  const pending: Array<Promise<CachedArchiveDownload | null>> = [];
  for (const pkg of packages) {
    // Packages of other platforms are linked from Yarn's mock archive, never from a cache file.
    if (project.disabledLocators.has(pkg.locatorHash))
      continue;
    const key = pinKeyOf(pkg);
    if (key === null || isFileTarball(pkg) || context.verified.has(key))
      continue;
    const pin = pins.entries.get(key);
    const recorded = project.storedChecksums.get(pkg.locatorHash) ?? null;
    if (pin?.archiveChecksum && recorded !== null && recorded === pin.archiveChecksum)
      continue;

    const files = [cache.getLocatorPath(pkg, recorded), cache.getLocatorMirrorPath(pkg)]
      .filter((path): path is PortablePath => path !== null && xfs.existsSync(path));
    if (files.length === 0)
      continue;

    pending.push((async () => {
      const remembered = await archiveHashesOf(context);
      const hashes = await Promise.all(files.map(path => remembered.hashOf(path)));
      if (pin?.archiveChecksum === `${cacheKey}/${hashes[0]}` && hashes.every(hash => hash === hashes[0]))
        return null;
      return {pkg, key, files, hashes};
    })());
  }
  return throwAllFailures(await Promise.allSettled(pending)).filter((download): download is CachedArchiveDownload => download !== null);
}

/** The expensive part: download, verify and rebuild each archive; every failure is reported. */
export async function downloadCachedArchives(context: InstallContext, downloads: CachedArchiveDownload[], longWork: LongWork) {
  if (downloads.length === 0)
    return;
  const {project} = context;
  const {configuration} = project;
  const {cacheKey} = Cache.getCacheKey(configuration);
  const title = `Verifying ${downloads.length.toLocaleString(`en-US`)} cached ${downloads.length === 1 ? `archive` : `archives`} against the registry`;
  await longWork(title, downloads.length, async tick => {
    throwAllFailures(await Promise.allSettled(downloads.map(async ({pkg, key, files, hashes}) => {
      try {
        const {found} = await verifyArchive(project, pkg);
        files.forEach((path, index) => {
          if (hashes[index] !== found) {
            throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, `${structUtils.prettyLocator(configuration, pkg)}: the archive ${path} is not the one built from its verified tarball (expected ${found}, found ${hashes[index]}). Remove it with yarn cache clean (and from the mirror) and install again.`);
          }
        });
        const verified = context.verified.get(key);
        if (verified !== undefined) {
          verified.archiveChecksum = `${cacheKey}/${found}`;
        }
      } finally {
        tick();
      }
    })));
  });
}

function throwAllFailures<T>(results: Array<PromiseSettledResult<T>>): T[] {
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === `rejected`);
  if (failures.length > 0) {
    const reasons = failures.map(failure => failure.reason instanceof Error ? failure.reason.message : String(failure.reason));
    throw new ReportError(failures[0].reason instanceof ReportError ? failures[0].reason.reportCode : MessageName.EXCEPTION, reasons.join(`\n`));
  }
  return results.map(result => (result as PromiseFulfilledResult<T>).value);
}
