/**
 * What the plugin does in each of Yarn's install hooks, and in what order: the
 * one place that calls the checks (install scripts, checksums, dependency
 * confusion, release trust), which never call each other.
 */

import {type Configuration, type Descriptor, type InstallOptions, type Locator, MessageName, type Project, type ResolveOptions, type Resolver, ReportError, type httpUtils} from '@yarnpkg/core';

import {downloadCachedArchivesOnce, finishPins, persistPins, validateChecksums, vouchForInstalledArchives} from './checksums/yarn/checksums';
import {judgeRegistryRecordsWith} from './checksums/yarn/context';
import {forgetLinkerStores} from './checksums/yarn/linkerStores';
import {rememberTarballSources, verifyDownloads} from './checksums/yarn/downloads';
import {checkDependencyEdge, validateInternalNames} from './confusion/yarn/install';
import {guardRequest, isCollisionProbe} from './confusion/yarn/requests';
import {gateBuilds, guardScriptEnvironment, reportSkippedApprovals, takeBackstopRefusals, validateProject as readTrustFile} from './installScripts/yarn/gate';
import {takeLoadRefusals} from './installScripts/yarn/loadGuard';
import {checkPackedDependency} from './installScripts/yarn/packedDependencies';
import {checkNewResolution, releaseWarnings} from './releaseTrust/yarn/install';
import {judgeReleaseRecord} from './releaseTrust/yarn/releases';
import {checkWorkspaceBins} from './releaseTrust/yarn/workspaceBins';
import {judgeKnownMalwareRecord, knownMalwareWarnings, validateFeedPin} from './knownMalware/yarn/install';
import {lockfileVouchedByRecord, recordVerifiedInstall, vouchedDescriptor} from './core/yarn/installRecord';
import {rememberLockfileAtStart} from './core/yarn/lockfileAtStart';

type ErrorReport = {reportError: (name: MessageName, text: string) => void};

// The registry record the checksum check asks for a tarball it verifies is
// also what release trust judges (signature, trust downgrade): one request.
// The malware feed judges the same releases, before their bytes are trusted.
judgeRegistryRecordsWith(judgeReleaseRecord);
judgeRegistryRecordsWith(judgeKnownMalwareRecord);
type Executor = () => Promise<httpUtils.Response>;

/**
 * Start of every install, before anything is resolved: a broken trust file,
 * a misrouted internal name, an insecure setting or a lockfile that disagrees
 * with the pins stops it here. What depends only on the lockfile, the pins,
 * the trust file and the configuration is not checked again when the record
 * of the last verified install vouches that none of them changed.
 */
export async function validateProject(project: Project, report: ErrorReport) {
  try {
    await forgetLinkerStores(project.configuration);
  } catch (error) {
    if (!(error instanceof ReportError))
      throw error;
    report.reportError(error.reportCode, error.message);
    return;
  }
  const lockfile = !lockfileVouchedByRecord(project);
  rememberLockfileAtStart(project, {fromDisk: lockfile});
  validateFeedPin(project);
  await readTrustFile(project, report);
  await validateInternalNames(project, report, {lockfile});
  await validateChecksums(project, report, {lockfile});
}

/**
 * Every request of every command: no internal name leaves for another
 * registry, and every tarball is verified before Yarn sees its bytes (the
 * plugin's own collision probes excepted: they carry no package).
 */
export async function wrapNetworkRequest(executor: Executor, request: {target: string | URL, method?: string, jsonResponse?: boolean, body?: unknown, configuration: Configuration}): Promise<Executor> {
  const url = request.target.toString();
  guardRequest(request.configuration, url, request.body);
  if (isCollisionProbe(request.configuration, url))
    return executor;
  return await verifyDownloads(executor, request);
}

/**
 * Each dependency edge, before Yarn resolves it: cached archives are verified
 * once (at the first edge), internal names must resolve from their registry,
 * a name new to the lockfile must not be a typosquat or brand new, git
 * dependencies must be approved before Yarn packs them, and tarball URLs are
 * remembered so that their downloads are recognized.
 */
export function reduceDependency(dependency: Descriptor, project: Project, locator: Locator, _initial: Descriptor, extra: {resolver: Resolver, resolveOptions: ResolveOptions}): Descriptor | Promise<Descriptor> {
  // A workspace's dependency moved to another release: its new bins are
  // judged on this edge, whatever other edges already settled (the same
  // release reached through another package is on no workspace's PATH).
  const moved = checkWorkspaceBins(dependency, project, locator, extra);
  if (moved !== null)
    return moved.then(() => checkEdge(dependency, project, locator, extra));
  return checkEdge(dependency, project, locator, extra);
}

function checkEdge(dependency: Descriptor, project: Project, locator: Locator, extra: {resolver: Resolver, resolveOptions: ResolveOptions}): Descriptor | Promise<Descriptor> {
  // Yarn calls this for every edge of every install and awaits the result:
  // each check answers null when it has nothing to wait for (a no-op install:
  // always), so the edge is answered synchronously, without a promise.
  // A descriptor that every check passed at once passes again on its other
  // edges of the same resolution (the parent only names the edge in messages).
  let settled = settledDescriptors.get(extra.resolveOptions);
  if (settled === undefined) {
    settled = new Set();
    settledDescriptors.set(extra.resolveOptions, settled);
  }
  if (settled.has(dependency.descriptorHash))
    return dependency;
  // A locked resolution that the record of the last verified install vouched
  // for passed these checks then: only the cache's downloads are awaited.
  const checks = vouchedDescriptor(project, dependency.descriptorHash) ? CACHE_CHECKS : EDGE_CHECKS;
  const answer = edgeChecksFrom(checks, 0, dependency, project, locator, extra);
  if (answer === dependency)
    settled.add(dependency.descriptorHash);
  return answer;
}

/** Per resolution (Yarn makes one `resolveOptions` for each): the descriptors whose checks all answered null. */
const settledDescriptors = new WeakMap<ResolveOptions, Set<string>>();

type EdgeCheck = (dependency: Descriptor, project: Project, locator: Locator, extra: {resolver: Resolver, resolveOptions: ResolveOptions}) => Promise<unknown> | null;

const CACHE_CHECKS: ReadonlyArray<EdgeCheck> = [
  (_dependency, project, _locator, extra) => downloadCachedArchivesOnce(project, extra.resolveOptions.report),
];

const EDGE_CHECKS: ReadonlyArray<EdgeCheck> = [
  ...CACHE_CHECKS,
  (dependency, project, locator) => checkDependencyEdge(dependency, project, locator),
  (dependency, project, locator) => checkNewResolution(dependency, project, locator),
  (dependency, project, locator, extra) => checkPackedDependency(dependency, project, locator, extra),
];

function edgeChecksFrom(checks: ReadonlyArray<EdgeCheck>, start: number, dependency: Descriptor, project: Project, locator: Locator, extra: {resolver: Resolver, resolveOptions: ResolveOptions}): Descriptor | Promise<Descriptor> {
  for (let index = start; index < checks.length; index++) {
    const pending = checks[index](dependency, project, locator, extra);
    if (pending !== null) {
      return pending.then(() => edgeChecksFrom(checks, index + 1, dependency, project, locator, extra));
    }
  }
  rememberTarballSources(dependency, project);
  return dependency;
}

/**
 * After the link step, before the first build (`globalHashGeneration`): every
 * archive taken from a cache is vouched for, then the script gate decides; a
 * refusal keeps the pins verified so far (the install ends before
 * afterAllInstalled) and no install script starts.
 */
export async function beforeBuilds(project: Project) {
  try {
    await vouchForInstalledArchives(project);
  } catch (error) {
    // A refused archive from a cache: yarn.lock already holds it.
    await keepVerifiedPins(project);
    throw error;
  }
  const refusal = await gateBuilds(project);
  if (refusal !== null) {
    await keepVerifiedPins(project);
    throw refusal;
  }
}

/** Right before Yarn starts a script of a dependency: the backstop. */
export async function setupScriptEnvironment(project: Project, env: NodeJS.ProcessEnv) {
  await guardScriptEnvironment(project, env);
}

/**
 * After the builds: approvals Yarn skipped, young names, releases with a
 * malware history and releases no malware feed checked are warnings; scripts the backstop
 * refused are errors in the plugin's own words (the install then stops before
 * afterAllInstalled, so the pins verified so far are kept here).
 */
export async function validateProjectAfterInstall(project: Project, report: ErrorReport & {reportWarning: (name: MessageName, text: string) => void}) {
  await reportSkippedApprovals(project, report);
  for (const warning of [...releaseWarnings(project), ...knownMalwareWarnings(project)])
    report.reportWarning(MessageName.UNNAMED, warning);
  const refusals = [...takeBackstopRefusals(project), ...await takeLoadRefusals(project)];
  if (refusals.length === 0)
    return;
  await keepVerifiedPins(project);
  for (const text of refusals) {
    report.reportError(MessageName.DISABLED_BUILD_SCRIPTS, text);
  }
}

/**
 * Very end of an install: the pins are completed and written (or refused
 * under --immutable), then the record of what this install verified.
 */
export async function afterAllInstalled(project: Project, options: InstallOptions) {
  await finishPins(project, options);
  // Yarn's install report (a StreamReport) tells whether any error was reported; another report counts as failed.
  const report = options.report as {hasErrors?: () => boolean};
  await recordVerifiedInstall(project, {failed: typeof report.hasErrors !== `function` || report.hasErrors()});
}

/** Immutable installs keep the pins file as it is. */
async function keepVerifiedPins(project: Project) {
  if (!project.configuration.get(`enableImmutableInstalls`)) {
    await persistPins(project, undefined, {create: true});
  }
}
