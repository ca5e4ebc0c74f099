/**
 * The checksum check of an install: settings and lockfile against the pins
 * first, cached archives before linking, and the pins written (or refused
 * under --immutable) at the end.
 */

import {Cache, type Configuration, type InstallOptions, type Locator, MessageName, type Package, type Project, type Report, ReportError, formatUtils, structUtils} from '@yarnpkg/core';
import {gitUtils} from '@yarnpkg/plugin-git';

import {archiveChecksum, type ArchiveFinding, checkArchiveChecksums, diffPins, hasChanges, type PinChanges, prunePins, withPins} from '../policy/pins';
import {auditSettings, type GitRepositoriesContext, type SettingFinding, type SettingName} from '../policy/settings';
import type {Pin, Pins} from '../../core/policy/pinsFile';
import {archiveHashesOf, saveArchiveHashes} from './archiveHashes';
import {cachedArchivesToDownload, cachedFilesOf, describeCachePlace, downloadCachedArchives, expectPinnedArchives, vouchForCachedArchives} from './archives';
import {type ChecksumContext, contextOf, existingContextOf} from './context';
import {registryRecordOf} from './downloads';
import {verifyDerivedArchives} from './derivedArchives';
import {verifyFileTarballs} from './fileTarballs';
import {isNewRelease, lockfileAtStart} from '../../core/yarn/lockfileAtStart';
import {unchangedSinceVouched} from '../../core/yarn/installRecord';
import {npmSelectorOf, pinKeyOf, registriesOf} from '../../core/yarn/packageKeys';
import {pinOtherPlatforms} from './platformPins';
import {loadPins, savePins, type LoadedPins} from '../../core/yarn/pinsStore';
import {projectCache} from '../../core/yarn/projectCache';
import {reportedWork, silentWork} from '../../core/yarn/progress';

/** Findings about checksums that the install and `yarn trust check` share. */
export interface ChecksumReport {
  settings: SettingFinding[];
  archives: ArchiveFinding[];
  /** Packages of the lockfile that have no pin yet. */
  unpinned: Locator[];
}

/**
 * Checks that need no network: insecure Yarn settings, and the chain from the
 * lockfile to the pins (a cache hit never reaches the registry, so the pins'
 * record of Yarn's archive checksum is what protects it).
 */
export function runChecksumChecks(project: Project, pins: Pins): ChecksumReport {
  const {configuration} = project;
  const approvedGitRepositories = gitRepositoryPatterns(configuration);
  const settings = auditSettings({
    checksumBehavior: configuration.get(`checksumBehavior`),
    enableStrictSsl: configuration.get(`enableStrictSsl`),
    unsafeHttpWhitelist: configuration.get(`unsafeHttpWhitelist`),
    registries: registriesOf(configuration),
    approvedGitRepositories,
    // Only a refusal of approvedGitRepositories uses it, and it scans every package.
    gitRepositories: approvedGitRepositories.length > 0 ? gitRepositoriesContext(project) : undefined,
    allowed: new Set(configuration.get(`trustAllowInsecureSettings`) as Array<SettingName>),
  });

  // originalPackages is the lockfile before resolution and the new lockfile after it.
  // The label of an entry is only written into a finding: made for those alone.
  const entries = [];
  const unpinned = [];
  for (const pkg of project.originalPackages.values()) {
    const key = pinKeyOf(pkg);
    if (key === null)
      continue;
    // Optional packages of other platforms (`@esbuild/darwin-arm64` on Linux)
    // are pinned too, from their registry's integrity.
    if (!pins.entries.has(key) && (pkg.conditions == null || project.accessibleLocators.has(pkg.locatorHash)))
      unpinned.push(pkg);
    entries.push({key, checksum: project.storedChecksums.get(pkg.locatorHash) ?? null, get label() {
      return structUtils.stringifyLocator(pkg);
    }});
  }

  return {settings, archives: checkArchiveChecksums(entries, pins), unpinned};
}

export function describeSettingFinding(configuration: Configuration, finding: SettingFinding) {
  if (finding.fix !== undefined) {
    const cause = finding.cause === undefined ? `` : ` ${finding.cause}`;
    return `${formatUtils.pretty(configuration, finding.path, formatUtils.Type.CODE)} is ${formatUtils.pretty(configuration, finding.found, formatUtils.Type.CODE)} (expected ${formatUtils.pretty(configuration, finding.expected, formatUtils.Type.CODE)}): ${finding.why}${cause} Run ${formatUtils.pretty(configuration, finding.fix, formatUtils.Type.CODE)}; only if you accept the risk, add ${formatUtils.pretty(configuration, finding.setting, formatUtils.Type.CODE)} to ${formatUtils.pretty(configuration, `trustAllowInsecureSettings`, formatUtils.Type.SETTING)} instead.`;
  }
  const accept = `If you accept the risk, add ${formatUtils.pretty(configuration, finding.setting, formatUtils.Type.CODE)} to ${formatUtils.pretty(configuration, `trustAllowInsecureSettings`, formatUtils.Type.SETTING)}`;
  const restore = restoreCommand(finding);
  return `${formatUtils.pretty(configuration, finding.path, formatUtils.Type.CODE)} is ${formatUtils.pretty(configuration, finding.found, formatUtils.Type.CODE)} (expected ${formatUtils.pretty(configuration, finding.expected, formatUtils.Type.CODE)}): ${finding.why} ${restore === null ? `${accept}.` : `${accept}; otherwise restore it with ${formatUtils.pretty(configuration, restore, formatUtils.Type.CODE)}.`}`;
}

/** The `yarn config set` that restores a setting, where one value does it. */
function restoreCommand(finding: SettingFinding): string | null {
  switch (finding.setting) {
    case `checksumBehavior`:
    case `enableStrictSsl`:
      return `yarn config set ${finding.path} ${finding.expected}`;
    case `httpRegistry`:
      return /^[\w.]+$/.test(finding.path) && finding.expected.startsWith(`https:`) ? `yarn config set ${finding.path} ${finding.expected}` : null;
    default:
      return null;
  }
}

export function describeArchiveFinding(configuration: Configuration, finding: ArchiveFinding, pinsPath: string, cacheNotes: Array<string> = []) {
  return `${finding.label}: yarn.lock records the archive checksum ${finding.found}, but ${formatUtils.pretty(configuration, pinsPath, formatUtils.Type.PATH)} recorded ${finding.expected} when its tarball was verified. The lockfile was edited, or a weakened checksumBehavior let Yarn accept another archive; restore yarn.lock with ${formatUtils.pretty(configuration, `git checkout -- yarn.lock`, formatUtils.Type.CODE)}.${cacheNotes.map(note => `\n  ${note}`).join(``)}`;
}

/**
 * The cached archives of a package whose lockfile checksum disagrees with its
 * pin, when they are not the pinned archive: restoring yarn.lock alone would
 * leave them in place for the next install to trip over.
 */
async function describeUnpinnedCachedArchives(project: Project, cache: Cache, finding: ArchiveFinding) {
  const pkg = [...project.originalPackages.values()].find(candidate => pinKeyOf(candidate) === finding.key);
  if (pkg === undefined)
    return [];
  const {cacheKey} = Cache.getCacheKey(project.configuration);
  const notes = [];
  for (const file of cachedFilesOf(cache, pkg, finding.found)) {
    const found = archiveChecksum(cacheKey, await (await archiveHashesOf(project)).hashOf(file.path));
    if (found === finding.expected)
      continue;
    const {where, clean} = describeCachePlace(project.configuration, file);
    notes.push(found === finding.found
      ? `The archive ${formatUtils.pretty(project.configuration, file.path, formatUtils.Type.PATH)} in ${where} has the checksum yarn.lock records: remove it with ${clean}.`
      : `The archive ${formatUtils.pretty(project.configuration, file.path, formatUtils.Type.PATH)} in ${where} is not the pinned one either: remove it with ${clean}.`);
  }
  return notes;
}

/**
 * The checksum check at the start of an install: the pins are loaded; the
 * settings and the lockfile are checked against them (unless `lockfile` is
 * false: the record of the last verified install vouched for all three);
 * then the archives in the cache.
 */
export async function validateChecksums(project: Project, report: {reportError: (name: MessageName, text: string) => void}, {lockfile = true}: {lockfile?: boolean} = {}) {
  const {configuration} = project;
  let loaded: LoadedPins;
  try {
    loaded = await loadPins(configuration);
  } catch (error) {
    if (!(error instanceof ReportError))
      throw error;
    report.reportError(error.reportCode, error.message);
    return;
  }
  contextOf(project).pins = loaded;

  const findings = lockfile ? runChecksumChecks(project, loaded.pins) : {settings: [], archives: [], unpinned: []};
  for (const pkg of lockfile ? project.originalPackages.values() : []) {
    // The lockfile's `version:` field must agree with the resolution it
    // describes; an edited one would make another version's code pass.
    if (pkg.reference.startsWith(`npm:`) && npmSelectorOf(pkg.reference) !== pkg.version) {
      report.reportError(MessageName.RESOLUTION_MISMATCH, `${structUtils.prettyLocator(configuration, pkg)}: yarn.lock gives it the version ${pkg.version}, which is not the version it resolves to. The lockfile was edited; restore it with ${formatUtils.pretty(configuration, `git checkout -- yarn.lock`, formatUtils.Type.CODE)}.`);
      return;
    }
  }
  const cache = await projectCache(project);
  for (const finding of findings.settings)
    report.reportError(MessageName.INVALID_CONFIGURATION_VALUE, describeSettingFinding(configuration, finding));
  for (const finding of findings.archives)
    report.reportError(MessageName.CACHE_CHECKSUM_MISMATCH, describeArchiveFinding(configuration, finding, loaded.path, await describeUnpinnedCachedArchives(project, cache, finding)));
  if (findings.settings.length > 0 || findings.archives.length > 0)
    return;

  const context = contextOf(project);
  const steps = [
    () => verifyFileTarballs(context, cache, loaded.pins, project.originalPackages.values()),
    () => verifyDerivedArchives(project, cache, project.originalPackages.values()),
    () => expectPinnedArchives(context, cache),
    // Only the cheap part of vouching here: validateProject has no report to
    // show progress in, and downloading every cached archive again (a project
    // adopting the plugin with a warm cache) takes long enough to need it.
    async () => {
      context.cachedArchiveDownloads = {downloads: await cachedArchivesToDownload(context, cache, project.originalPackages.values())};
    },
  ];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      if (!(error instanceof ReportError))
        throw error;
      report.reportError(error.reportCode, error.message);
      return;
    }
  }
}

/**
 * The downloads that validateChecksums found necessary, run once, at the
 * start of the resolution (the first dependency edge Yarn reduces), in a
 * section of Yarn's own report. An install that reduces no edge leaves them
 * to vouchForInstalledArchives, before any script runs.
 */
export function downloadCachedArchivesOnce(project: Project, report: Report | undefined): Promise<void> | null {
  const context = existingContextOf(project);
  const pending = context?.cachedArchiveDownloads;
  if (typeof context === `undefined` || typeof pending === `undefined` || pending.verified)
    return null;
  if (pending.downloads.length === 0) {
    // A no-op install: nothing to download, so no edge needs to wait.
    pending.verified = true;
    return null;
  }
  pending.done ??= downloadCachedArchives(context, pending.downloads, report !== undefined ? reportedWork(report) : silentWork).then(() => {
    pending.verified = true;
  });
  return pending.done;
}

/**
 * After the fetch step, before any script: archives this install took from a
 * cache without downloading them (a fresh resolution can hit the global cache)
 * must be vouched for too.
 */
export async function vouchForInstalledArchives(project: Project) {
  const context = existingContextOf(project);
  if (context?.pins === undefined || context.archivesVouched)
    return;
  const packages = [...project.storedPackages.values()].filter(pkg => !structUtils.isVirtualLocator(pkg));
  context.recordStage = `linked`;
  try {
    const cache = await projectCache(project);
    await vouchForCachedArchives(context, cache, packages);
    await verifyDerivedArchives(project, cache, packages);
    await judgeNewReleasesFromCache(context, packages);
  } finally {
    context.recordStage = undefined;
  }
  context.archivesVouched = true;
}

/**
 * A release new to the lockfile that a cache held and its pin vouched for
 * (a pull request carries its pins lines) was never downloaded, so its
 * registry record was not judged with its bytes: it is asked now, before any
 * script runs (new bins, known malware, signatures: outside attack round 38,
 * A4 and A5). Downloads were judged already.
 */
async function judgeNewReleasesFromCache(context: ChecksumContext, packages: ReadonlyArray<Package>) {
  const {project} = context;
  const locked = lockfileAtStart(project);
  const unjudged = packages.filter(pkg => {
    // A package of the lockfile the install started from is no new release (a no-op install: every one).
    if (locked.has(pkg.locatorHash) || !pkg.reference.startsWith(`npm:`) || project.disabledLocators.has(pkg.locatorHash))
      return false;
    const key = pinKeyOf(pkg);
    return key !== null && !context.verified.has(key) && !context.registryRecords.has(key)
      && isNewRelease(project, structUtils.stringifyIdent(pkg), npmSelectorOf(pkg.reference));
  });
  await Promise.all(unjudged.map(pkg => registryRecordOf(context, pkg)));
}

/**
 * The pins after this install: every tarball verified now is pinned with the
 * archive checksum Yarn computed for it, `otherPlatforms` (see
 * `pinOtherPlatforms`) are added, and pins of packages that left the lockfile
 * are pruned.
 */
export function nextPins(project: Project, otherPlatforms: Array<Pin> = []): {loaded: LoadedPins, pins: Pins, changes: PinChanges} | null {
  const context = existingContextOf(project);
  const loaded = context?.pins;
  if (typeof context === `undefined` || typeof loaded === `undefined`)
    return null;

  let pins = withPins(loaded.pins, [...[...context.verified.values()].map(verified => {
    const pinned = loaded.pins.entries.get(verified.key)?.archiveChecksum ?? null;
    // Yarn records no checksum for packages with conditions, and the platforms
    // that do not install one cannot know it: a new pin of one leaves it
    // unknown, so that every platform writes the same line.
    const archiveChecksum = project.conditionalLocators.has(verified.pkg.locatorHash)
      ? pinned
      : project.storedChecksums.get(verified.pkg.locatorHash) ?? verified.archiveChecksum ?? pinned;
    return {key: verified.key, integrity: verified.integrity, archiveChecksum};
  }), ...otherPlatforms]);

  const live = new Set<string>();
  for (const pkg of project.originalPackages.values()) {
    const key = pinKeyOf(pkg);
    if (key !== null) {
      live.add(key);
    }
  }
  pins = prunePins(pins, live);
  return {loaded, pins, changes: diffPins(loaded.pins, pins)};
}

export function describePinChanges(changes: PinChanges) {
  return [
    ...changes.added.map(pin => `+ ${pin.key} ${pin.integrity}`),
    ...changes.changed.map(({before, after}) => `~ ${after.key} ${before.integrity} ${before.archiveChecksum ?? `-`} → ${after.integrity} ${after.archiveChecksum ?? `-`}`),
    ...changes.removed.map(pin => `- ${pin.key}`),
  ].join(`\n`);
}

/**
 * Writes the pins, once per install (`next`: the pins `nextPins` just
 * computed). `create` writes the file even when it would be empty: after a
 * refusal, so that the project counts as under the plugin and the release
 * that a refused install locked is judged again by the next one.
 */
export async function persistPins(project: Project, next?: ReturnType<typeof nextPins>, {create = false}: {create?: boolean} = {}) {
  const context = existingContextOf(project);
  if (next === undefined) {
    await verifyNewFileTarballs(project);
    next = nextPins(project);
  }
  await saveArchiveHashes(project);
  if (next === null || typeof context === `undefined` || context.pinsWritten)
    return;
  context.pinsWritten = true;
  if (hasChanges(next.changes) || (!next.loaded.exists && (next.pins.entries.size > 0 || create))) {
    await savePins(next.loaded.path, next.pins);
  }
}

/** Very end of an install: under --immutable a pins change fails like a lockfile change. */
export async function finishPins(project: Project, options: InstallOptions) {
  // With --mode=skip-build the gate never ran: vouch for the archives here.
  await vouchForInstalledArchives(project);
  await verifyNewFileTarballs(project);
  let otherPlatforms;
  try {
    otherPlatforms = await pinOtherPlatforms(project, (pkg, why) => {
      options.report.reportWarning(MessageName.UNNAMED, `${structUtils.prettyLocator(project.configuration, pkg)} is not installed on this platform and was not pinned for the platforms that install it: ${why}. The first install on such a platform pins it; commit the pins file from there.`);
    });
  } catch (error) {
    // yarn.lock already holds the refused release: keep what was verified,
    // so that the next install judges that release again.
    if (!options.immutable)
      await persistPins(project, undefined, {create: true});
    throw error;
  }
  // Nothing verified, nothing of another platform to pin, and the lockfile
  // and pins those the record vouched for: the last verified install's end
  // computed these very pins (a no-op install; 2,150 pins on jest).
  if (otherPlatforms.length === 0 && existingContextOf(project)?.verified.size === 0 && unchangedSinceVouched(project)) {
    await saveArchiveHashes(project);
    return;
  }
  const next = nextPins(project, otherPlatforms);
  if (next === null)
    return;
  if (options.immutable && hasChanges(next.changes)) {
    throw new ReportError(MessageName.FROZEN_LOCKFILE_EXCEPTION, `The pins file ${formatUtils.pretty(project.configuration, next.loaded.path, formatUtils.Type.PATH)} would have been modified by this install, which is explicitly forbidden (--immutable):\n${describePinChanges(next.changes)}\nRun ${formatUtils.pretty(project.configuration, `yarn install`, formatUtils.Type.CODE)} without --immutable and commit the pins file.`);
  }
  await persistPins(project, next);
}

/** `file:` tarballs added by this resolution are pinned from the bytes on disk. */
async function verifyNewFileTarballs(project: Project) {
  const context = existingContextOf(project);
  if (typeof context?.pins === `undefined`)
    return;
  await verifyFileTarballs(context, await projectCache(project), context.pins.pins, project.storedPackages.values());
}

/**
 * What explains an approvedGitRepositories value: Yarn's migration marks what
 * it sets with the source `<compat>`, and keeps doing it while yarn.lock is old.
 */
function gitRepositoriesContext(project: Project): GitRepositoriesContext {
  const repositories = new Set<string>();
  const ranges = [
    ...[...project.originalPackages.values()].map(pkg => pkg.reference),
    ...project.workspaces.flatMap(workspace => [...workspace.manifest.dependencies.values(), ...workspace.manifest.devDependencies.values()].map(descriptor => descriptor.range)),
  ];
  for (const range of ranges) {
    if (!range.startsWith(`npm:`) && !range.startsWith(`workspace:`) && gitUtils.isGitUrl(range)) {
      repositories.add(gitUtils.normalizeRepoUrl(gitUtils.splitRepoUrl(range).repo, {git: true}));
    }
  }
  return {
    lockfileVersion: project.lockfileLastVersion,
    writtenByMigration: project.configuration.sources.get(`approvedGitRepositories`) === `<compat>`,
    gitRepositories: [...repositories].sort(),
  };
}

function gitRepositoryPatterns(configuration: Configuration): string[] {
  if (!configuration.settings.has(`approvedGitRepositories`))
    return [];
  // Declared by the builtin git plugin, whose types this plugin does not import.
  const value: unknown = (configuration.get as (key: string) => unknown).call(configuration, `approvedGitRepositories`);
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === `string`) : [];
}
