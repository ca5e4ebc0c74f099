/**
 * The lockfile as an install found it, before resolution replaced Yarn's
 * package map: which releases are new to the lockfile. Shared by the checks
 * that judge only new releases (release trust, known malware).
 */

import {type Descriptor, type Package, type Project, structUtils} from '@yarnpkg/core';

import {projectState} from './projectState';

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
  workspaces: new Map<string, Map<string, {descriptor: Descriptor, resolution: string | undefined}>>(),
}));

/** Start of an install: remember which releases the lockfile holds (no work until a record is judged). */
export function rememberLockfileAtStart(project: Project) {
  const state = startState.of(project);
  state.lockfile = project.originalPackages;
  state.workspaces = new Map();
  for (const workspace of project.workspaces) {
    const locked = project.originalPackages.get(workspace.anchoredLocator.locatorHash);
    if (locked === undefined)
      continue;
    state.workspaces.set(workspace.anchoredLocator.locatorHash, new Map([...locked.dependencies].map(([identHash, descriptor]) => [identHash, {descriptor, resolution: project.storedResolutions.get(descriptor.descriptorHash)}])));
  }
}

/** A workspace's dependency on a name as the lockfile held it when this install started, and the locator it resolved to. */
export function workspaceDependencyAtStart(project: Project, workspaceHash: string, identHash: string): {descriptor: Descriptor, resolution: string | undefined} | undefined {
  return startState.existing(project)?.workspaces.get(workspaceHash)?.get(identHash);
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
