/**
 * Archives Yarn builds from sources of the project instead of downloading
 * them: a `patch:` package (its base archive and the patch) and a `file:`
 * folder. No pin covers them, so in a committed cache an edited archive whose
 * checksum was written into yarn.lock was installed as it was (outside attack
 * round 18, K8, K9). Each cached one is built again from its sources, as
 * Yarn's `--check-cache` does, and must be the cached file.
 */

import {Cache, type Fetcher, type FetchOptions, type Locator, MessageName, type Project, ReportError, ThrowReport, structUtils} from '@yarnpkg/core';
import {xfs} from '@yarnpkg/fslib';

import {REBUILT_FROM_SOURCES, archiveHashesOf} from './archiveHashes';
import {isFileTarball} from '../../core/yarn/packageKeys';

/** `<file>\0<SHA-512>` of the archives this process found to be what their sources build. */
const verifiedInProcess = new Set<string>();

/** A package whose archive Yarn builds on this machine from files of the project (and pinned archives). */
export function isDerivedArchive(pkg: Locator): boolean {
  return pkg.reference.startsWith(`patch:`) || (pkg.reference.startsWith(`file:`) && !isFileTarball(pkg));
}

/** A cached derived archive that is not what its sources build. */
export interface DerivedArchiveFinding {
  pkg: Locator;
  file: string;
  /** What the comparison said, for the message. */
  reason: string;
}

/** The message of a finding: the package, the file, and the fix. */
export function describeDerivedArchiveFinding(project: Project, {pkg, file, reason}: DerivedArchiveFinding): string {
  const what = pkg.reference.startsWith(`patch:`) ? `its base archive and the patch` : `the folder`;
  return `${structUtils.prettyLocator(project.configuration, pkg)}: the cached archive ${file} is not the one Yarn builds from ${what} (${reason}); no pin covers it, and the checksum yarn.lock records for it was written with it. Remove the file (yarn cache clean, or delete it from the committed cache), restore yarn.lock with git checkout -- yarn.lock, and install again.`;
}

/**
 * Builds each derived archive found in the cache again and compares it with
 * the cached file; a file found equal is remembered by its identity and not
 * built again until it changes. Its base archive comes from the cache as
 * usual, where the pins vouch for it.
 */
export async function findDerivedArchiveMismatches(project: Project, cache: Cache, packages: Iterable<Locator>): Promise<Array<DerivedArchiveFinding>> {
  const {configuration} = project;
  const findings: Array<DerivedArchiveFinding> = [];
  let fetcher: Fetcher | undefined;
  let checkCache: Cache | undefined;
  for (const pkg of packages) {
    if (!isDerivedArchive(pkg) || structUtils.isVirtualLocator(pkg) || project.disabledLocators.has(pkg.locatorHash))
      continue;
    const recorded = project.storedChecksums.get(pkg.locatorHash) ?? null;
    const file = cache.getLocatorPath(pkg, recorded);
    // Not in the cache: Yarn builds it from its sources when it fetches it.
    if (file === null || !xfs.existsSync(file))
      continue;
    const remembered = await archiveHashesOf(project);
    // Checked by an earlier step of this install (a file written moments ago
    // is not remembered across installs, but its hash is within one).
    const checked = `${file}\0${await remembered.hashOf(file)}`;
    if (verifiedInProcess.has(checked) || await remembered.builtFrom(file) === REBUILT_FROM_SOURCES)
      continue;

    fetcher ??= configuration.makeFetcher();
    checkCache ??= await Cache.find(configuration, {check: true, immutable: false});
    const normal = fetcher;
    // The base archive of a patch is read from the usual cache (no download).
    const fromUsualCache: Fetcher = {
      supports: (locator, opts) => normal.supports(locator, opts),
      getLocalPath: (locator, opts) => normal.getLocalPath(locator, opts),
      fetch: (locator, opts) => normal.fetch(locator, {...opts, cache}),
    };
    const options: FetchOptions = {project, cache: checkCache, fetcher: fromUsualCache, checksums: project.storedChecksums, report: new ThrowReport()};
    try {
      const fetched = await normal.fetch(pkg, options);
      fetched.releaseFs?.();
    } catch (error) {
      findings.push({pkg, file, reason: (error as Error).message});
      continue;
    }
    verifiedInProcess.add(checked);
    await remembered.rememberBuiltFrom(file, REBUILT_FROM_SOURCES);
  }
  return findings;
}

/** The install's check: refused at the first mismatch, before anything is linked. */
export async function verifyDerivedArchives(project: Project, cache: Cache, packages: Iterable<Locator>): Promise<void> {
  const findings = await findDerivedArchiveMismatches(project, cache, packages);
  if (findings.length > 0) {
    throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, findings.map(finding => describeDerivedArchiveFinding(project, finding)).join(`\n`));
  }
}
