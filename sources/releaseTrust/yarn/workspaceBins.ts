/**
 * New bins on a workspace's PATH: a dependency of one of the project's
 * workspaces moved to another release (package.json edited, `yarn up`,
 * `resolutions`, `yarn dedupe`, an alias in place of the name) is compared
 * with the release of the same package the workspace had before, even when
 * the new one is already in the lockfile as another package's dependency and
 * so is no release new to the lockfile (outside attack rounds 36 M4, 37 M2
 * and M5). Yarn puts the workspace's dependencies' bins on the PATH of its
 * scripts, its `postinstall` included, which no approval covers.
 */

import {type Descriptor, type Locator, MessageName, type Package, type Project, ReportError, type ResolveOptions, type Resolver, structUtils} from '@yarnpkg/core';

import {decideNewBins} from '../policy/newBins';
import {allowanceFor} from '../../core/policy/trustFile/releases';
import {isRegistryRelease, lockfileAtStart, workspaceAtStart} from '../../core/yarn/lockfileAtStart';
import {trustFileOf} from '../../core/yarn/trustFileStore';
import {registryNameOf, registrySourceOf} from './names';
import {describeNewBins} from './releases';

/**
 * `reduceDependency`, on a workspace's edges: null (nothing to wait for) when
 * the edge is locked for that workspace to the release yarn.lock resolved it
 * to, or installs a package the workspace did not depend on (a new name is
 * judged as one). Otherwise the release Yarn picks for it (the lockfile's,
 * or one resolved as Yarn does, from the same resolver) is compared with the
 * releases of that package the workspace had, whatever key it is under.
 */
export function checkWorkspaceBins(dependency: Descriptor, project: Project, locator: Locator, extra: {resolver: Resolver, resolveOptions: ResolveOptions}): Promise<void> | null {
  // Only workspaces' edges: one check of the reference for every other edge.
  const matched = locator.reference.startsWith(`workspace:`) ? workspaceAtStart(project, locator) : undefined;
  if (matched === undefined)
    return null;
  const {start, strict} = matched;
  // `yarn set resolution` makes Yarn resolve the edge as another descriptor (outside attack round 38, A6).
  const aliasHash = project.resolutionAliases.get(dependency.descriptorHash);
  const effective = aliasHash === undefined ? dependency : project.storedDescriptors.get(aliasHash) ?? dependency;
  const current = project.storedResolutions.get(effective.descriptorHash);
  const locked = start.resolutions.get(dependency.descriptorHash);
  if (locked !== undefined && locked === current)
    return null;
  // Through `patch:` too: unlocked, the patched release's source is resolved (a
  // patch is resolved relative to its workspace, which is fetched later); the
  // project's own patch may change its bins, and is the project's own code.
  const source = registrySourceOf(effective);
  const name = registryNameOf(effective);
  const earlier = name === null ? undefined : start.releases.get(name);
  if (earlier === undefined || source === null)
    return null;
  const atStart = lockfileAtStart(project);
  // Yarn forgets a `patch:` resolution at every install and resolves it again
  // from its source's (its builtin compat patches, a project's patch file):
  // the source's locked release is the one the patch is made from, which
  // resolveAsYarn would give too, without reading the archive again.
  const sourceResolution = source !== effective ? project.storedResolutions.get(source.descriptorHash) : undefined;
  const picked = current !== undefined ? atStart.get(current) : sourceResolution !== undefined ? atStart.get(sourceResolution) : undefined;
  // A locked release the workspace already had (a patch of it, such as
  // Yarn's builtin compat patches, reaches here under another descriptor):
  // nothing to wait for, so the edge stays synchronous.
  if (picked !== undefined && !needsJudging(picked, earlier, strict))
    return null;
  return judgeMove(project, locator, picked ?? (() => resolveAsYarn(source, extra)), earlier, strict);
}

/** Whether a release on a workspace's edge may bring bins its earlier releases did not have. */
function needsJudging(pkg: Package, earlier: ReadonlyArray<Package>, strict: boolean): boolean {
  return pkg.version !== null && isRegistryRelease(pkg) && (strict || !earlier.some(release => release.version === pkg.version));
}

/** The release Yarn's resolver picks for an edge the lockfile does not resolve; null when none (Yarn says so itself). */
async function resolveAsYarn(dependency: Descriptor, extra: {resolver: Resolver, resolveOptions: ResolveOptions}): Promise<Package | null> {
  const [candidate] = await extra.resolver.getCandidates(dependency, {}, extra.resolveOptions);
  return candidate === undefined ? null : await extra.resolver.resolve(candidate, extra.resolveOptions);
}

/**
 * `strict`: the workspace is new to yarn.lock, and `earlier` is every
 * workspace's: the release is compared with the other releases of its
 * package there, even when some workspace had this one (its bins were on
 * that workspace's PATH, not on this one's).
 */
async function judgeMove(project: Project, workspace: Locator, picked: Package | (() => Promise<Package | null>), earlier: ReadonlyArray<Package>, strict: boolean) {
  const pkg = typeof picked === `function` ? await picked() : picked;
  if (pkg === null || pkg.version === null || !needsJudging(pkg, earlier, strict))
    return;
  const others = earlier.filter(release => release.version !== null && release.version !== pkg.version);
  const decision = decideNewBins({bins: [...pkg.bin.keys()], earlier: others.map(release => ({version: release.version!, bins: [...release.bin.keys()]}))});
  if (decision.kind === `ok`)
    return;
  const name = structUtils.stringifyIdent(pkg);
  if (allowanceFor((await trustFileOf(project)).trust, name, pkg.version, `new-bin`) !== null)
    return;
  const path = `${structUtils.prettyLocator(project.configuration, workspace)} › ${structUtils.prettyLocator(project.configuration, pkg)}`;
  throw new ReportError(MessageName.RESOLUTION_MISMATCH, describeNewBins(project.configuration, name, pkg.version, decision, `download`, path));
}
