/**
 * The lockfile as an install found it, before resolution replaced Yarn's
 * package map: which releases are new to the lockfile. Shared by the checks
 * that judge only new releases (release trust, known malware).
 */

import {type Locator, type LocatorHash, type Package, type Project, structUtils} from '@yarnpkg/core';
import {Filename, ppath} from '@yarnpkg/fslib';
import {parseSyml} from '@yarnpkg/parsers';

import {projectState} from './projectState';
import {readTextIfPresentSync} from './localFiles';

/** A workspace's locked dependencies when the install started. */
export type WorkspaceAtStart = {
  /** Each locked descriptor (by hash) and the locator yarn.lock resolved it to. */
  resolutions: Map<string, LocatorHash | undefined>;
  /** The registry releases its dependencies resolved to, by package name (an alias's key is not its name). */
  releases: Map<string, Array<Package>>;
};

const startState = projectState(`release-trust-start`, () => ({
  /** The lockfile's packages when the install started (Yarn replaces the map after resolving). */
  lockfile: null as Map<string, Package> | null,
  locked: null as Set<string> | null,
  /** The lockfile's registry releases by name, and the package map they were read from. */
  byName: null as Map<string, Array<Package>> | null,
  byNameOf: null as Map<string, Package> | null,
  /**
   * Per workspace, its locked dependencies and what they resolved to: Yarn
   * drops the workspaces' entries from its package map before it resolves.
   */
  workspaces: new Map<string, WorkspaceAtStart>(),
  /** The same by the workspaces' names, the name locked in each folder, and every workspace's releases together. */
  workspacesByName: new Map<string, WorkspaceAtStart>(),
  nameInFolder: new Map<string, string>(),
  anyWorkspace: null as WorkspaceAtStart | null,
}));

/**
 * Start of an install: remember which releases the lockfile holds (no work
 * until a record is judged), and what each workspace's dependencies resolved
 * to: `fromDisk` reads yarn.lock for that (when the record of the last
 * verified install does not vouch for Yarn's resolutions in memory).
 */
export function rememberLockfileAtStart(project: Project, {fromDisk}: {fromDisk: boolean}) {
  const state = startState.of(project);
  state.lockfile = project.originalPackages;
  state.workspaces = new Map();
  state.workspacesByName = new Map();
  state.nameInFolder = new Map();
  const anyWorkspace: WorkspaceAtStart = {resolutions: new Map(), releases: new Map()};
  state.anyWorkspace = anyWorkspace;
  // `yarn dedupe` and `yarn set resolution` move locked descriptors to other
  // locked releases in memory before the install starts (outside attack
  // rounds 37 M2, 38 A6): what yarn.lock says is then read from the file.
  const onDisk = fromDisk ? resolutionsOnDisk(project) : null;
  // Every locked workspace, kept by folder and by name (see workspaceAtStart):
  // a pull request may rename or move one (outside attack rounds 38-40).
  for (const locked of project.originalPackages.values()) {
    if (!locked.reference.startsWith(`workspace:`))
      continue;
    const resolutions = new Map<string, LocatorHash | undefined>();
    const releases = new Map<string, Array<Package>>();
    for (const descriptor of locked.dependencies.values()) {
      const resolution = onDisk?.get(descriptor.descriptorHash) ?? project.storedResolutions.get(descriptor.descriptorHash);
      resolutions.set(descriptor.descriptorHash, resolution);
      const pkg = resolution === undefined ? undefined : project.originalPackages.get(resolution);
      // A registry release, or a patch of one (its bins are the patched manifest's).
      if (pkg === undefined || !isRegistryRelease(pkg))
        continue;
      const name = structUtils.stringifyIdent(pkg);
      releases.set(name, [...releases.get(name) ?? [], pkg]);
      anyWorkspace.releases.set(name, [...anyWorkspace.releases.get(name) ?? [], pkg]);
    }
    state.workspaces.set(locked.reference, {resolutions, releases});
    state.workspacesByName.set(structUtils.stringifyIdent(locked), {resolutions, releases});
    state.nameInFolder.set(locked.reference, structUtils.stringifyIdent(locked));
  }
}

/** A release from a registry, or a patch of one. */
export function isRegistryRelease(pkg: Package): boolean {
  return pkg.reference.startsWith(`npm:`) || (pkg.reference.startsWith(`patch:`) && pkg.reference.includes(`@npm%3A`));
}

/** Descriptor hash → locator hash, as yarn.lock on disk resolves each descriptor (Yarn's own reading of its keys). */
function resolutionsOnDisk(project: Project): Map<string, LocatorHash> | null {
  const resolutions = new Map<string, LocatorHash>();
  // No lockfile: nothing was resolved before.
  const text = readTextIfPresentSync(ppath.join(project.cwd, Filename.lockfile));
  if (text === null)
    return null;
  const parsed = parseSyml(text) as Record<string, {resolution?: unknown}>;
  for (const [key, entry] of Object.entries(parsed)) {
    if (key === `__metadata` || typeof entry?.resolution !== `string`)
      continue;
    // Yarn read the same file before: what it could not read, it refused.
    const locator = structUtils.tryParseLocator(entry.resolution, true);
    for (const spelled of locator === null ? [] : key.split(/ *, */)) {
      const descriptor = structUtils.tryParseDescriptor(spelled, true);
      // Older lockfiles miss the `npm:` protocol: normalized as Yarn does.
      if (descriptor !== null)
        resolutions.set(project.configuration.normalizeDependency(descriptor).descriptorHash, locator!.locatorHash);
    }
  }
  return resolutions;
}

/**
 * A workspace's locked dependencies as they were when this install started:
 * the workspace locked under its name, or else the one locked in its folder
 * under a name no workspace has now (renamed in place); a pull request may
 * rename or move a workspace, not both (outside attack rounds 38 A2, 39 B1,
 * 40 C1). One matched neither way (new to yarn.lock, or renamed and moved:
 * a nameless workspace's name is its folder's, C2) is `strict`: compared
 * with the releases every workspace had. Undefined outside an install, or
 * when yarn.lock held no workspace.
 */
export function workspaceAtStart(project: Project, workspace: Locator): {start: WorkspaceAtStart, strict: boolean} | undefined {
  const state = startState.existing(project);
  if (state === undefined || state.workspaces.size === 0 || state.anyWorkspace === null)
    return undefined;
  const byName = state.workspacesByName.get(structUtils.stringifyIdent(workspace));
  if (byName !== undefined)
    return {start: byName, strict: false};
  const lockedName = state.nameInFolder.get(workspace.reference);
  if (lockedName !== undefined && !project.workspaces.some(other => structUtils.stringifyIdent(other.anchoredLocator) === lockedName))
    return {start: state.workspaces.get(workspace.reference)!, strict: false};
  return {start: state.anyWorkspace, strict: true};
}

/**
 * The lockfile's packages when this install started; outside an install (or
 * before resolution replaced them), the project's current ones.
 */
export function lockfileAtStart(project: Project): Map<string, Package> {
  return startState.existing(project)?.lockfile ?? project.originalPackages;
}

/** Whether `name@version` (a registry release) is new to the lockfile this install started from; never outside an install. */
export function isNewRelease(project: Project, name: string, version: string): boolean {
  const state = startState.existing(project);
  // Outside an install (`yarn trust verify`) every release is already locked.
  if (state?.lockfile == null)
    return false;
  state.locked ??= new Set([...state.lockfile.values()].filter(pkg => pkg.reference.startsWith(`npm:`)).map(pkg => `${structUtils.stringifyIdent(pkg)}@${pkg.version}`));
  return !state.locked.has(`${name}@${version}`);
}

/** The registry releases of `name` the lockfile held when this install started (outside an install, the current ones). */
export function lockedReleasesOf(project: Project, name: string): ReadonlyArray<Package> {
  const state = startState.of(project);
  const lockfile = lockfileAtStart(project);
  if (state.byName === null || state.byNameOf !== lockfile) {
    state.byName = new Map();
    state.byNameOf = lockfile;
    for (const pkg of lockfile.values()) {
      if (!pkg.reference.startsWith(`npm:`) || structUtils.isVirtualLocator(pkg))
        continue;
      const ident = structUtils.stringifyIdent(pkg);
      state.byName.set(ident, [...state.byName.get(ident) ?? [], pkg]);
    }
  }
  return state.byName.get(name) ?? [];
}
