/**
 * Git dependencies, which Yarn packs by running their scripts: refused at
 * resolution unless their commit is approved.
 */

import {
  type Configuration, type Descriptor, type Locator, MessageName, type Package, type Project, ReportError, type Resolver,
  type ResolveOptions, formatUtils, structUtils,
} from '@yarnpkg/core';
import {gitUtils} from '@yarnpkg/plugin-git';

import {decidePackedDependency, type PackedDecision, type PackedTarget} from '../policy/packedDependencies';
import {gitDependenciesOf} from '../../core/policy/trustFile/types';
import {trustFileOf} from '../../core/yarn/trustFileStore';

/**
 * The source that Yarn would pack for a range or a locator reference, looking
 * through `patch:` (whose source is packed first), or null for sources that
 * are downloaded as published (registries, tarballs, folders).
 */
export function packedSourceOf(rangeOrReference: string): {kind: `git` | `exec`, range: string} | null {
  let range = rangeOrReference;
  for (let hop = 0; hop < 8 && range.startsWith(`patch:`); ++hop) {
    const source = structUtils.parseRange(range).source;
    const inner = source === null ? null : structUtils.tryParseDescriptor(decodeURIComponent(source), true);
    if (inner === null)
      return null;
    range = inner.range;
  }
  // Nearly every edge is a registry range: skip the git patterns for those.
  if (range.startsWith(`npm:`) || range.startsWith(`workspace:`))
    return null;
  if (range.startsWith(`exec:`))
    return {kind: `exec`, range};
  if (gitUtils.isGitUrl(range))
    return {kind: `git`, range};
  return null;
}

/** The repository URL as Yarn's git fetcher hands it to git (and as the trust file keys it). */
export function repositoryOf(range: string): string {
  return gitUtils.normalizeRepoUrl(gitUtils.splitRepoUrl(range).repo, {git: true});
}

/** What Yarn fetches for a resolved packed locator reference. */
export function packedTargetOf(source: {kind: `git` | `exec`, range: string}): PackedTarget {
  if (source.kind === `exec`)
    return {kind: `exec`, generator: structUtils.parseRange(source.range).source ?? source.range.slice(`exec:`.length)};
  const {treeish} = gitUtils.splitRepoUrl(source.range);
  return {kind: `git`, repository: repositoryOf(source.range), commit: treeish.protocol === gitUtils.TreeishProtocols.Commit ? treeish.request : null};
}

function approveCommand(target: Extract<PackedDecision, {state: `unapproved`}>) {
  return `yarn trust approve-git ${target.repository}#${target.commit}`;
}

/** The refusal of one packed dependency, ending with the command that approves it. */
export function describePackedRefusal(configuration: Configuration, what: string, decision: Exclude<PackedDecision, {state: `approved`}>, trustFilePath: string) {
  const file = formatUtils.pretty(configuration, trustFilePath, formatUtils.Type.PATH);
  if (decision.state === `undecidable`)
    return `${what} is packed from sources at fetch time, running code of its own, but ${decision.reason}. Nothing was fetched. Depend on a published version instead.`;
  const approved = decision.approvedCommits.length === 0
    ? `${file} approves no commit of ${decision.repository}`
    : `${file} approves ${decision.repository} only at ${decision.approvedCommits.join(`, `)}`;
  return [
    `${what} is a git dependency: to pack it, Yarn would clone ${decision.repository} at commit ${decision.commit} and run its prepare and install scripts (and npm's, if it ships a package-lock.json).`,
    `  expected: a commit approved in the trust file; ${approved}`,
    `  found: ${decision.commit}`,
    `  Nothing was fetched and none of its scripts ran. After reviewing the repository at that commit, run ${formatUtils.pretty(configuration, approveCommand(decision), formatUtils.Type.CODE)}`,
  ].join(`\n`);
}

/**
 * `reduceDependency`: every edge, before it is resolved or fetched. A packed
 * dependency — declared as one, or locked in yarn.lock to one — may only be
 * fetched at a commit the trust file approves. Resolving a git range is a
 * `git ls-remote`, which runs no code of the repository; cloning and packing
 * only happen later, when Yarn fetches it.
 */
export function checkPackedDependency(dependency: Descriptor, project: Project, locator: Locator, {resolver, resolveOptions}: {resolver: Resolver, resolveOptions: ResolveOptions}): Promise<void> | null {
  // Without a fetcher (a project read from yarn.lock alone, as the trust
  // commands do) nothing can be fetched, so nothing can be packed: the install
  // or the command that fetches decides.
  if (!resolveOptions.fetchOptions)
    return null;
  const lockedHash = project.storedResolutions.get(dependency.descriptorHash);
  const locked = lockedHash !== undefined ? project.originalPackages.get(lockedHash) : undefined;
  const lockedSource = locked !== undefined ? packedSourceOf(locked.reference) : null;
  if (lockedSource === null && (locked !== undefined || packedSourceOf(dependency.range) === null))
    return null;
  return decidePackedEdge(dependency, project, locator, lockedSource, {resolver, resolveOptions});
}

async function decidePackedEdge(dependency: Descriptor, project: Project, locator: Locator, lockedSource: ReturnType<typeof packedSourceOf>, {resolver, resolveOptions}: {resolver: Resolver, resolveOptions: ResolveOptions}) {
  let source = lockedSource;
  if (source === null) {
    const declared = packedSourceOf(dependency.range)!;
    source = declared.kind === `exec` ? declared : {kind: `git`, range: await resolveGitRange(project, structUtils.makeDescriptor(dependency, declared.range), {resolver, resolveOptions})};
  }

  const trustFile = await trustFileOf(project);
  const decision = decidePackedDependency(packedTargetOf(source), gitDependenciesOf(trustFile.trust));
  if (decision.state !== `approved`) {
    const what = `${structUtils.prettyLocator(project.configuration, locator)} › ${structUtils.prettyDescriptor(project.configuration, dependency)}`;
    throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, describePackedRefusal(project.configuration, what, decision, trustFile.path));
  }
}

/** The locator reference (with its commit) that Yarn's own resolvers give a git range. */
async function resolveGitRange(project: Project, descriptor: Descriptor, {resolver, resolveOptions}: {resolver: Resolver, resolveOptions: ResolveOptions}): Promise<string> {
  const {range} = descriptor;
  let candidates: Locator[];
  try {
    candidates = await resolver.getCandidates(descriptor, {}, resolveOptions);
  } catch (error) {
    // Yarn's own refusals (approvedGitRepositories, network settings) say it best.
    if (error instanceof ReportError)
      throw error;
    throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `yarn-plugin-trust could not ask which commit ${formatUtils.pretty(project.configuration, range, formatUtils.Type.RANGE)} designates (${(error as Error).message}), so it was not fetched.`);
  }
  if (candidates.length !== 1)
    throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `yarn-plugin-trust expected one commit for ${formatUtils.pretty(project.configuration, range, formatUtils.Type.RANGE)}, found ${candidates.length}, so it was not fetched.`);
  return candidates[0].reference;
}

export interface PackedFinding {
  pkg: Package;
  decision: PackedDecision;
}

/** Every packed package of the project (from yarn.lock), judged against the trust file. */
export function packedDependencyFindings(project: Project, trust: Parameters<typeof gitDependenciesOf>[0]): PackedFinding[] {
  const findings: PackedFinding[] = [];
  for (const pkg of project.storedPackages.values()) {
    if (structUtils.isVirtualLocator(pkg))
      continue;
    const source = packedSourceOf(pkg.reference);
    if (source !== null) {
      findings.push({pkg, decision: decidePackedDependency(packedTargetOf(source), gitDependenciesOf(trust))});
    }
  }
  return findings.sort((a, b) => structUtils.stringifyLocator(a.pkg).localeCompare(structUtils.stringifyLocator(b.pkg)));
}

/** Plain data for `--json`. */
export function packedFindingToJson(finding: PackedFinding) {
  const {decision} = finding;
  return {
    locator: structUtils.stringifyLocator(finding.pkg),
    state: decision.state,
    repository: decision.state === `unapproved` ? decision.repository : null,
    commit: decision.state === `approved` ? decision.approval.commit : decision.state === `unapproved` ? decision.commit : null,
    approvedCommits: decision.state === `unapproved` ? decision.approvedCommits : null,
    reason: decision.state === `undecidable` ? decision.reason : null,
    fix: decision.state === `unapproved` ? approveCommand(decision) : null,
  };
}

/** Packed packages of the project: Yarn ran their scripts when it packed them. */
export function packedPackagesOf(project: Project): Package[] {
  return [...project.storedPackages.values()].filter(pkg => !structUtils.isVirtualLocator(pkg) && packedSourceOf(pkg.reference) !== null);
}
