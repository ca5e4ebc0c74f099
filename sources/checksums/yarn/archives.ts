/**
 * Archives taken from a cache or mirror: vouched for against their pins
 * (rebuilt from a verified download where Yarn records no checksum) before
 * they are linked.
 */

import {
  Cache, type Configuration, type Locator, MessageName, type Package, type Project, ReportError, formatUtils, httpUtils, structUtils, tgzUtils,
} from '@yarnpkg/core';
import {type PortablePath, xfs} from '@yarnpkg/fslib';
import {npmHttpUtils} from '@yarnpkg/plugin-npm';
import {createHash} from 'crypto';

import {archiveChecksum, archiveChecksumsFor} from '../policy/pins';
import {archiveHashesOf} from './archiveHashes';
import type {CachedArchiveDownload, ChecksumContext} from './context';
import {isFileTarball, pinKeyOf} from '../../core/yarn/packageKeys';
import {type LongWork, silentWork} from '../../core/yarn/progress';
import {namingPackage} from '../../core/yarn/namedRefusals';

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

/** Downloads a package's tarball through Yarn's HTTP client, so that the network hook verifies it. */
export async function downloadTarball(project: Project, pkg: Locator): Promise<Buffer> {
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
export async function vouchForCachedArchives(context: ChecksumContext, cache: Cache, packages: Iterable<Package>, longWork: LongWork = silentWork) {
  const downloads = await cachedArchivesToDownload(context, cache, packages);
  await downloadCachedArchives(context, downloads, longWork);
}

/**
 * The cheap part of vouching (no request): which cached archives are vouched
 * for by their pin, and which must be downloaded again (a project adopting the
 * plugin with a warm cache: every archive).
 */
export async function cachedArchivesToDownload(context: ChecksumContext, cache: Cache, packages: Iterable<Package>): Promise<CachedArchiveDownload[]> {
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
    // Yarn checks a cache file against the checksum it expects, except for
    // packages with os/cpu/libc conditions, whose archives it never checks.
    if (pin?.archiveChecksum && recorded !== null && recorded === pin.archiveChecksum && pkg.conditions == null)
      continue;

    const files = [cache.getLocatorPath(pkg, recorded), cache.getLocatorMirrorPath(pkg)]
      .filter((path): path is PortablePath => path !== null && xfs.existsSync(path));
    if (files.length === 0)
      continue;

    pending.push((async () => {
      const remembered = await archiveHashesOf(context.project);
      const hashes = await Promise.all(files.map(path => remembered.hashOf(path)));
      if (pin?.archiveChecksum === `${cacheKey}/${hashes[0]}` && hashes.every(hash => hash === hashes[0]))
        return null;
      // A pin without an archive checksum (a package with conditions): these
      // very files were already compared with an archive built from the pinned tarball.
      if (pin !== undefined && pin.archiveChecksum === null && (await Promise.all(files.map(path => remembered.builtFrom(path)))).every(integrity => integrity === pin.integrity))
        return null;
      return {pkg, key, files, hashes};
    })());
  }
  return throwAllFailures(await Promise.allSettled(pending)).filter((download): download is CachedArchiveDownload => download !== null);
}

/** The expensive part: download, verify and rebuild each archive; every failure is reported. */
export async function downloadCachedArchives(context: ChecksumContext, downloads: CachedArchiveDownload[], longWork: LongWork) {
  if (downloads.length === 0)
    return;
  const {project} = context;
  const {configuration} = project;
  const {cacheKey} = Cache.getCacheKey(configuration);
  const title = `Verifying ${downloads.length.toLocaleString(`en-US`)} cached ${downloads.length === 1 ? `archive` : `archives`} against the registry`;
  await longWork(title, downloads.length, async tick => {
    throwAllFailures(await Promise.allSettled(downloads.map(async ({pkg, key, files, hashes}) => {
      try {
        const {found} = await namingPackage(configuration, pkg, verifyArchive(project, pkg));
        files.forEach((path, index) => {
          if (hashes[index] !== found) {
            throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, `${structUtils.prettyLocator(configuration, pkg)}: the archive ${path} is not the one built from its verified tarball (expected ${found}, found ${hashes[index]}). Remove it with yarn cache clean (and from the mirror) and install again.`);
          }
        });
        const verified = context.verified.get(key);
        if (verified !== undefined) {
          verified.archiveChecksum = `${cacheKey}/${found}`;
          const remembered = await archiveHashesOf(context.project);
          await Promise.all(files.map(path => remembered.rememberBuiltFrom(path, verified.integrity)));
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

/**
 * Before resolution: every pinned package that yarn.lock does not record (a
 * deleted or regenerated lockfile) gets its pinned archive checksum as the one
 * Yarn expects. The fetch step reads `storedChecksums`, so Yarn's own cache
 * check then refuses any other archive for it, from its cache or its mirror,
 * before linking, and yarn.lock never records another checksum. Archives
 * already there are checked now, so that the refusal says where they are.
 */
export async function expectPinnedArchives(context: ChecksumContext, cache: Cache) {
  const {project} = context;
  const pins = context.pins;
  if (pins === undefined)
    throw new Error(`Assertion failed: the pins are loaded before their checksums are expected`);
  const {cacheKey} = Cache.getCacheKey(project.configuration);

  // Packages of yarn.lock are left as they are: with a checksum, Yarn checks
  // it (and it was compared with the pin); with conditions, Yarn ignores any
  // checksum and would look for the archive under that checksum's file name.
  // An install with its lockfile intact thus builds no locator here.
  const known = new Set<string>();
  for (const pkg of project.originalPackages.values()) {
    const key = pinKeyOf(pkg);
    if (key !== null && (pkg.conditions != null || project.storedChecksums.has(pkg.locatorHash))) {
      known.add(key);
    }
  }

  const expected: Array<{pkg: Locator, key: string, checksum: string}> = [];
  for (const [key, checksum] of archiveChecksumsFor(pins.pins, cacheKey)) {
    if (known.has(key))
      continue;
    const pkg = locatorOfPinKey(key);
    if (pkg === null || project.storedChecksums.has(pkg.locatorHash))
      continue;
    project.storedChecksums.set(pkg.locatorHash, checksum);
    expected.push({pkg, key, checksum});
  }

  const mismatches = await Promise.all(expected.map(async ({pkg, key, checksum}) => {
    const found = [];
    for (const file of cachedFilesOf(cache, pkg, checksum)) {
      const actual = archiveChecksum(cacheKey, await (await archiveHashesOf(context.project)).hashOf(file.path));
      if (actual !== checksum)
        found.push(describeCachedArchive(project.configuration, pkg, key, pins.path, file, checksum, actual));
    }
    return found;
  }));
  const messages = mismatches.flat();
  if (messages.length > 0) {
    throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, messages.join(`\n`));
  }
}

/** Where Yarn looks for a package's archive: its cache (under `checksum`), then its mirror. */
export function cachedFilesOf(cache: Cache, pkg: Locator, checksum: string | null): Array<CachedFile> {
  const files: Array<CachedFile> = [];
  const cached = cache.getLocatorPath(pkg, checksum);
  if (xfs.existsSync(cached))
    files.push({path: cached, place: cache.mirrorCwd === null && cache.configuration.get(`enableGlobalCache`) ? `global-cache` : `cache`});
  const mirrored = cache.getLocatorMirrorPath(pkg);
  if (mirrored !== null && xfs.existsSync(mirrored))
    files.push({path: mirrored, place: `mirror`});
  return files;
}

export interface CachedFile {
  path: PortablePath;
  place: `cache` | `global-cache` | `mirror`;
}

/** How a message names the place of a cached archive, and the command that empties it. */
export function describeCachePlace(configuration: Configuration, file: CachedFile) {
  const command = (text: string) => formatUtils.pretty(configuration, text, formatUtils.Type.CODE);
  switch (file.place) {
    case `mirror`:
      return {where: `Yarn's mirror`, short: `the mirror`, clean: command(`yarn cache clean --mirror`)};
    case `global-cache`:
      return {where: `Yarn's global cache`, short: `the global cache`, clean: command(`yarn cache clean`)};
    case `cache`:
      return {where: `the project's cache`, short: `the project's cache`, clean: command(`yarn cache clean`)};
  }
}

function describeCachedArchive(configuration: Configuration, pkg: Locator, key: string, pinsPath: PortablePath, file: CachedFile, expected: string, found: string) {
  const {where, short, clean} = describeCachePlace(configuration, file);
  const expectedLabel = `expected (pinned when first verified):`;
  return [
    `${structUtils.prettyLocator(configuration, pkg)}: the archive ${formatUtils.pretty(configuration, file.path, formatUtils.Type.PATH)} in ${where} differs from the one pinned for ${key} in ${formatUtils.pretty(configuration, pinsPath, formatUtils.Type.PATH)}`,
    `  ${expectedLabel} ${expected}`,
    `  ${`found (in ${short}):`.padEnd(expectedLabel.length)} ${found}`,
    `  Nothing was installed and yarn.lock was not written. Something other than a verified download wrote that archive (a shared CI cache, another project on this machine); do not install it. Remove it with ${clean}, then install again.`,
  ].join(`\n`);
}

/**
 * The package a pin stands for: `name@npm:version` for a registry pin, the
 * locator itself for a tarball URL. Pins of `file:` tarballs name no locator
 * (their reference holds a hash of the file) and are checked from the file.
 */
export function locatorOfPinKey(key: string): Locator | null {
  const at = key.indexOf(`@`, 1);
  const rest = key.slice(at + 1);
  if (/^https?:/.test(rest))
    return structUtils.parseLocator(key, true);
  if (rest.includes(`:`))
    return null;
  return structUtils.makeLocator(structUtils.parseIdent(key.slice(0, at)), `npm:${rest}`);
}
