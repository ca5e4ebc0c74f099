/**
 * New bins on a workspace's PATH: a dependency of one of the project's
 * workspaces moved to another release (package.json edited, `yarn up`,
 * `resolutions`) is compared with the release it resolved to before, even
 * when the new one is already in the lockfile as another package's dependency
 * and so is no release new to the lockfile (outside attack round 36, M4).
 * Yarn puts the workspace's dependencies' bins on the PATH of its scripts, its
 * `postinstall` included, which no approval covers.
 */

import {type Descriptor, type Locator, MessageName, type Project, ReportError, type ResolveOptions, type Resolver, structUtils} from '@yarnpkg/core';

import {decideNewBins} from '../policy/newBins';
import {allowanceFor} from '../../core/policy/trustFile/releases';
import {lockfileAtStart, workspaceDependencyAtStart} from '../../core/yarn/lockfileAtStart';
import {trustFileOf} from '../../core/yarn/trustFileStore';
import {describeNewBins} from './releases';

/**
 * `reduceDependency`, on a workspace's edges: null (nothing to wait for)
 * unless the workspace's dependency on that name changed since the lockfile
 * this install started from; then the release Yarn picks for it is resolved
 * (as Yarn does, from the same resolver) and its bins compared.
 */
export function checkWorkspaceBins(dependency: Descriptor, project: Project, locator: Locator, extra: {resolver: Resolver, resolveOptions: ResolveOptions}): Promise<void> | null {
  // Keyed by the workspaces' locators: one lookup for every other edge.
  const before = workspaceDependencyAtStart(project, locator.locatorHash, dependency.identHash);
  if (before === undefined || before.descriptor.descriptorHash === dependency.descriptorHash || before.resolution === undefined || !dependency.range.startsWith(`npm:`))
    return null;
  const earlier = lockfileAtStart(project).get(before.resolution);
  if (earlier === undefined || !earlier.reference.startsWith(`npm:`) || earlier.version === null)
    return null;
  return judgeMove(dependency, project, locator, extra, {version: earlier.version, bins: [...earlier.bin.keys()]});
}

async function judgeMove(dependency: Descriptor, project: Project, workspace: Locator, extra: {resolver: Resolver, resolveOptions: ResolveOptions}, earlier: {version: string, bins: Array<string>}) {
  const [candidate] = await extra.resolver.getCandidates(dependency, {}, extra.resolveOptions);
  // No candidate: Yarn's own resolution of the edge says so.
  if (candidate === undefined)
    return;
  const pkg = await extra.resolver.resolve(candidate, extra.resolveOptions);
  if (pkg.version === null || pkg.version === earlier.version)
    return;
  const decision = decideNewBins({bins: [...pkg.bin.keys()], earlier: [earlier]});
  if (decision.kind === `ok`)
    return;
  const name = structUtils.stringifyIdent(pkg);
  if (allowanceFor((await trustFileOf(project)).trust, name, pkg.version, `new-bin`) !== null)
    return;
  const path = `${structUtils.prettyLocator(project.configuration, workspace)} › ${structUtils.prettyLocator(project.configuration, pkg)}`;
  throw new ReportError(MessageName.RESOLUTION_MISMATCH, describeNewBins(project.configuration, name, pkg.version, decision, `download`, path));
}
