/**
 * `yarn trust diff` in Yarn: the two releases a review compares, read from
 * Yarn's cache or downloaded and verified, and the diff of what they run at
 * install time. Nothing is written to the project or the cache.
 */

import {
  type Cache, type Ident, type Locator, MessageName, type Package, type Project, ReportError, execUtils, structUtils, tgzUtils,
} from '@yarnpkg/core';
import {Filename, type FakeFS, type PortablePath, ppath, xfs} from '@yarnpkg/fslib';
import {parseSyml} from '@yarnpkg/parsers';
import {npmConfigUtils, npmHttpUtils} from '@yarnpkg/plugin-npm';
import {createHash} from 'crypto';
import semver from 'semver';

import {canonicalJson, hashBytes} from '../policy/fingerprint/records';
import {manifestData} from '../policy/fingerprint/tables';
import {diffInstallCode, type DiffSide, type InstallDiff} from '../policy/installDiff';
import type {GateFinding} from '../policy/scriptGate';
import {expectDownload, sha512IntegrityOf} from '../../core/yarn/expectedDownloads';
import {loadPins} from '../../core/yarn/pinsStore';
import {namingPackage} from '../../core/yarn/namedRefusals';
import {archiveFetchOptions, readFromArchive} from './installProfiles';
import {packageFilesOf, readInstallProfile} from './packageFiles';

/** What the new release is compared with. */
export type DiffBase =
  | {kind: `approval`, version: string, approvedAt: string, reason?: string}
  | {kind: `release`, version: string, why: `locked` | `requested`}
  | {kind: `none`};

export interface PackageDiff {
  finding: GateFinding;
  locator: Package;
  base: DiffBase;
  beforeLabel: string | null;
  afterLabel: string;
  diff: InstallDiff;
  /** What the comparison could not cover, in words. */
  notes: Array<string>;
}

/** A release's files as the diff reads them: the bytes of the entries asked for, and its manifest. */
interface ReadRelease {
  manifest: Record<string, unknown>;
  files: Map<string, Buffer | null>;
}

/** Versions of each registry package in the lockfile committed at `HEAD`, by name, with their archive checksums. */
export type CommittedVersions = Map<string, Array<{version: string, checksum: string | null}>>;

/**
 * The registry releases of the lockfile committed in git (`HEAD`), the
 * previous state of a lockfile that an install has rewritten. Null when the
 * project is not in a git repository or the file is not committed.
 */
export async function committedVersions(project: Project): Promise<CommittedVersions | null> {
  const {code, stdout} = await execUtils.execvp(`git`, [`show`, `HEAD:./${Filename.lockfile}`], {cwd: project.cwd, strict: false});
  if (code !== 0)
    return null;
  let parsed: Record<string, unknown>;
  try {
    parsed = parseSyml(stdout) as Record<string, unknown>;
  } catch (error) {
    throw new ReportError(MessageName.UNNAMED, `The yarn.lock committed at HEAD could not be parsed (${(error as Error).message}), so there is no previous release to compare with; name one with --from <version>`);
  }
  const versions: CommittedVersions = new Map();
  for (const [key, entry] of Object.entries(parsed)) {
    if (key === `__metadata` || typeof entry !== `object` || entry === null)
      continue;
    const {resolution, checksum} = entry as {resolution?: unknown, checksum?: unknown};
    if (typeof resolution !== `string`)
      continue;
    const locator = structUtils.tryParseLocator(resolution, true);
    if (locator === null || !locator.reference.startsWith(`npm:`))
      continue;
    const version = semver.valid(locator.reference.slice(`npm:`.length));
    if (version === null)
      continue;
    const name = structUtils.stringifyIdent(locator);
    const known = versions.get(name) ?? [];
    if (!known.some(release => release.version === version))
      known.push({version, checksum: typeof checksum === `string` ? checksum : null});
    versions.set(name, known);
  }
  return versions;
}

/**
 * The release to compare a pending package with when nothing of it was
 * approved: the highest version below the current one in the committed
 * lockfile, else any other version there.
 */
export function previousVersion(committed: CommittedVersions | null, name: string, current: string): string | null {
  const versions = (committed?.get(name) ?? []).map(release => release.version).filter(version => version !== current);
  if (versions.length === 0)
    return null;
  const lower = versions.filter(version => semver.lt(version, current));
  return semver.rsort(lower.length > 0 ? lower : versions)[0];
}

/**
 * The diff of one package of the gate: against `from` when given, else the
 * approval it changed from, else the release the committed lockfile locked.
 */
export async function diffPackage(project: Project, cache: Cache, finding: GateFinding, locator: Package, {from, committed}: {from: string | null, committed: CommittedVersions | null}): Promise<PackageDiff> {
  const name = finding.pkg.name;
  const current = finding.pkg.fingerprint;
  if (`error` in current)
    throw new ReportError(MessageName.UNNAMED, `${structUtils.prettyLocator(project.configuration, locator)} cannot be diffed: ${current.error}`);
  const afterLabel = `${name}@${finding.pkg.version}`;
  const notes: Array<string> = [];

  const approval = finding.approval;
  let base: DiffBase;
  if (from !== null)
    base = {kind: `release`, version: from, why: `requested`};
  else if (approval !== null)
    base = {kind: `approval`, version: approval.version, approvedAt: approval.approvedAt, ...(approval.reason !== undefined ? {reason: approval.reason} : {})};
  else {
    const previous = previousVersion(committed, name, finding.pkg.version);
    base = previous === null ? {kind: `none`} : {kind: `release`, version: previous, why: `locked`};
  }

  const currentKeys = Object.keys(current.files);
  const after = await namingPackage(project.configuration, locator, readFromArchive(project, locator, archiveFetchOptions(project, cache), async (fs, root) => readRelease(fs, root, currentKeys)));
  const afterSide: DiffSide = {label: afterLabel, scripts: current.scripts, files: current.files, release: sideRelease(after)};

  if (base.kind === `none`)
    return {finding, locator, base, beforeLabel: null, afterLabel, diff: diffInstallCode(null, afterSide), notes};

  const beforeLabel = `${name}@${base.version}`;
  const ident = structUtils.convertToIdent(locator);
  const committedChecksum = committed?.get(name)?.find(release => release.version === base.version)?.checksum ?? null;
  let beforeSide: DiffSide;
  if (base.kind === `approval`) {
    const keys = Object.keys(approval!.files);
    // Any archive of that release will do: only bytes that hash to what the approval recorded are shown.
    const release = await readRegistryRelease(project, cache, ident, base.version, committedChecksum, (fs, root) => readRelease(fs, root, keys), {anyCachedArchive: true});
    beforeSide = {label: beforeLabel, scripts: approval!.scripts, files: approval!.files, release: `error` in release ? null : sideRelease(release), ...(`error` in release ? {unavailable: release.error} : {})};
  } else {
    // No recorded fingerprint: what the earlier release runs is recomputed,
    // and its files under every path that the current one runs are compared.
    const release = await readRegistryRelease(project, cache, ident, base.version, committedChecksum, async (fs, root) => {
      const profile = finding.pkg.ownScripts === false ? null : await readInstallProfile(fs, root);
      const own = profile !== null && !(`error` in profile.fingerprint) ? profile.fingerprint : null;
      const keys = [...new Set([...currentKeys, ...Object.keys(own?.files ?? {})])].filter(key => !key.startsWith(`PATH#`));
      return {read: await readRelease(fs, root, keys), keys, own, profileError: profile !== null && `error` in profile.fingerprint ? profile.fingerprint.error : null};
    });
    if (`error` in release)
      throw new ReportError(MessageName.UNNAMED, `${beforeLabel}, the release to compare ${afterLabel} with, could not be read: ${release.error}`);
    if (release.profileError !== null)
      notes.push(`what ${beforeLabel} runs at install time could not be determined (${release.profileError}); its files under the current release's paths are compared`);
    if (currentKeys.some(key => key.startsWith(`PATH#`)))
      notes.push(`the bins on the PATH of the install scripts (PATH# entries) are compared only with an approval`);
    const files: Record<string, string> = {};
    for (const key of release.keys) {
      const hash = entryHash(key, release.read.files.get(key) ?? null, release.read.manifest);
      if (hash !== null) {
        files[key] = hash;
      }
    }
    const scripts = release.own?.scripts ?? scriptsNamed(release.read.manifest, Object.keys(current.scripts));
    beforeSide = {label: beforeLabel, scripts, files, release: sideRelease(release.read)};
    afterSide.files = Object.fromEntries(Object.entries(current.files).filter(([key]) => !key.startsWith(`PATH#`)));
  }
  if (beforeSide.release === null)
    notes.push(`the files of ${beforeLabel} could not be read (${beforeSide.unavailable}): changed entries are named with their hashes`);
  return {finding, locator, base, beforeLabel, afterLabel, diff: diffInstallCode(beforeSide, afterSide), notes};
}

function sideRelease(release: ReadRelease): NonNullable<DiffSide[`release`]> {
  return {manifest: release.manifest, read: path => release.files.get(path) ?? null};
}

/** The scripts of a manifest with the given names (what an earlier release ran under them). */
function scriptsNamed(manifest: Record<string, unknown>, names: Array<string>): Record<string, string> {
  const scripts = manifest.scripts;
  const result: Record<string, string> = {};
  if (typeof scripts !== `object` || scripts === null)
    return result;
  for (const name of names) {
    const command = (scripts as Record<string, unknown>)[name];
    if (typeof command === `string`) {
      result[name] = command;
    }
  }
  return result;
}

/** The hash the fingerprint would record for an entry of a release, null when the release lacks it. */
function entryHash(key: string, bytes: Buffer | null, manifest: Record<string, unknown>): string | null {
  if (key.startsWith(`package.json#`)) {
    const field = key.slice(`package.json#`.length);
    return hashBytes(canonicalJson(field === `data` || field === `all` ? manifestData(manifest, {descriptive: field === `all`}) : manifest[field]));
  }
  return bytes === null ? null : hashBytes(bytes);
}

async function readRelease(fs: FakeFS<PortablePath>, root: PortablePath, keys: Array<string>): Promise<ReadRelease> {
  const manifestBytes = fs.readFileSync(ppath.join(root, Filename.manifest));
  const manifest = JSON.parse(manifestBytes.toString(`utf8`).replace(/^\uFEFF/, ``)) as Record<string, unknown>;
  const files = packageFilesOf(fs, root);
  const read = new Map<string, Buffer | null>();
  for (const key of keys) {
    if (key.startsWith(`package.json#`) || key.startsWith(`PATH#`))
      continue;
    try {
      read.set(key, files.read(key));
    } catch (error) {
      // A link in the archive: the gate refused it already; the diff names it by hash.
      read.set(key, null);
      if (!(error instanceof Error))
        throw error;
    }
  }
  return {manifest, files: read};
}

/**
 * A registry release of `ident` that the project may no longer lock: from
 * Yarn's cache when the pins or the committed lockfile give its archive
 * checksum (Yarn checks it), else downloaded with Yarn's npm client and
 * checked against its pin, or the integrity its registry publishes, before
 * anything reads it. An error is returned, not thrown, when it cannot be had.
 */
async function readRegistryRelease<T>(project: Project, cache: Cache, ident: Ident, version: string, committedChecksum: string | null, read: (fs: FakeFS<PortablePath>, root: PortablePath) => Promise<T>, {anyCachedArchive = false} = {}): Promise<T | {error: string}> {
  const {configuration} = project;
  const name = structUtils.stringifyIdent(ident);
  const locator: Locator = structUtils.makeLocator(ident, `npm:${version}`);
  const pin = (await loadPins(configuration)).pins.entries.get(`${name}@${version}`) ?? null;

  const vouched = [pin?.archiveChecksum ?? null, committedChecksum];
  const inCache = anyCachedArchive ? await cachedChecksums(cache, locator) : [];
  for (const checksum of new Set([...vouched, ...inCache])) {
    if (checksum === null)
      continue;
    const archive = cache.getLocatorPath(locator, checksum);
    if (archive === null || !xfs.existsSync(archive))
      continue;
    const options = archiveFetchOptions(project, cache);
    const result = await configuration.makeFetcher().fetch(locator, {...options, checksums: new Map([[locator.locatorHash, checksum]]), cacheOptions: {skipIntegrityCheck: false}});
    try {
      return await read(result.packageFs, result.prefixPath);
    } finally {
      result.releaseFs?.();
    }
  }

  let integrity = pin?.integrity ?? null;
  if (integrity === null) {
    const published = await publishedIntegrity(project, ident, version);
    if (`error` in published)
      return published;
    integrity = published.integrity;
  }
  const registry = npmConfigUtils.getScopeRegistry(ident.scope, {configuration}).replace(/\/+$/, ``);
  const path = `${npmHttpUtils.getIdentUrl(ident)}/-/${encodeURIComponent(ident.name)}-${encodeURIComponent(version)}.tgz`;
  let bytes: Buffer | null = null;
  let failure: Error | null = null;
  // Yarn's npm fetcher asks for `@scope%2fname`, then `@scope/name`.
  for (const candidate of [...new Set([path, path.replace(/%2f/g, `/`)])]) {
    expectDownload(configuration, `${registry}${candidate}`, integrity);
    try {
      bytes = await npmHttpUtils.get(candidate, {configuration, ident});
      break;
    } catch (error) {
      if (error instanceof ReportError && error.reportCode === MessageName.CACHE_CHECKSUM_MISMATCH)
        return {error: error.message};
      failure = error as Error;
    }
  }
  if (bytes === null)
    return {error: `its tarball could not be downloaded from ${registry}: ${failure?.message}`};
  const found = sha512IntegrityOf(bytes);
  if (found !== integrity)
    return {error: `its tarball is not the one expected\n  expected: ${integrity}\n  found:    ${found}`};
  const zip = await tgzUtils.convertToZip(bytes, {configuration, prefixPath: structUtils.getIdentVendorPath(ident), stripComponents: 1});
  try {
    return await read(zip, structUtils.getIdentVendorPath(ident));
  } finally {
    zip.discardAndClose();
  }
}

/**
 * The checksums of the archives of `locator` in Yarn's cache, found by name
 * (`<slug>-<checksum prefix>.zip`) and hashed as Yarn does: for a caller that
 * checks every byte it uses against hashes it already trusts.
 */
async function cachedChecksums(cache: Cache, locator: Locator): Promise<Array<string>> {
  const prefix = `${structUtils.slugifyLocator(locator)}-`;
  let names: Array<string>;
  try {
    names = await xfs.readdirPromise(cache.cwd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return [];
    throw error;
  }
  const checksums: Array<string> = [];
  for (const name of names.filter(entry => entry.startsWith(prefix) && entry.endsWith(`.zip`))) {
    const checksum = `${cache.cacheKey}/${createHash(`sha512`).update(await xfs.readFilePromise(ppath.join(cache.cwd, name as Filename))).digest(`hex`)}`;
    if (cache.getLocatorPath(locator, checksum) === ppath.join(cache.cwd, name as Filename)) {
      checksums.push(checksum);
    }
  }
  return checksums;
}

/** The SHA-512 integrity the registry publishes for a version; anything weaker cannot vouch for the bytes shown. */
async function publishedIntegrity(project: Project, ident: Ident, version: string): Promise<{integrity: string} | {error: string}> {
  let document: unknown;
  try {
    document = await npmHttpUtils.get(`${npmHttpUtils.getIdentUrl(ident)}/${encodeURIComponent(version)}`, {configuration: project.configuration, ident, jsonResponse: true});
  } catch (error) {
    if (error instanceof ReportError && error.reportCode === MessageName.NETWORK_DISABLED)
      throw error;
    return {error: `its registry could not be asked for it: ${(error as Error).message}`};
  }
  const published = (document as {dist?: {integrity?: unknown}} | null)?.dist?.integrity;
  const integrity = typeof published === `string` ? published.split(/\s+/).find(token => token.startsWith(`sha512-`)) : undefined;
  if (integrity === undefined)
    return {error: `its registry publishes no SHA-512 integrity for it, so its bytes cannot be verified`};
  return {integrity: integrity.replace(/\?.*$/, ``)};
}
