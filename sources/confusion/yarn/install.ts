/** The confusion checks of an install: routes and lockfile resolutions first, then each dependency edge as Yarn resolves it. */

import {
  type Descriptor, type Locator, MessageName, type Project, ReportError, formatUtils, structUtils,
} from '@yarnpkg/core';

import {checkInternalEdge, type EdgeFinding, isInertEdge} from '../policy/edges';
import {auditGlobRoutes, classifyName, type InternalModel} from '../policy/model';
import {matchesGlob} from '../policy/names';
import {checkInternalResolution} from '../policy/resolutions';
import {summarizeNames} from '../policy/nameList';
import {internalModelOf, registryOf} from './model';
import {collisionDecision, describeCollision} from './probes';

/**
 * Internal names at the start of an install: every route first, then (unless
 * `lockfile` is false: the record of the last verified install vouched for
 * it) every locked resolution of an internal name.
 */
export async function validateInternalNames(project: Project, report: {reportError: (name: MessageName, text: string) => void}, {lockfile = true}: {lockfile?: boolean} = {}) {
  const {configuration} = project;
  let model: InternalModel;
  try {
    model = internalModelOf(project);
  } catch (error) {
    if (!(error instanceof ReportError))
      throw error;
    report.reportError(error.reportCode, error.message);
    return;
  }

  const routes = auditGlobRoutes(model);
  const declared = routes.length > 0 ? declaredNames(project) : [];
  for (const route of routes) {
    const affected = declared.filter(name => matchesGlob(name, route.glob));
    const list = affected.length === 0
      ? `No dependency of the project matches it yet`
      : `It affects ${affected.length === 1 ? `1 dependency` : `${affected.length} dependencies`} of the project: ${summarizeNames(affected)}`;
    const scope = /^@([^/]+)\//.exec(route.glob)?.[1];
    const fix = scope !== undefined
      ? `Route the scope to your internal registry with ${formatUtils.pretty(configuration, `yarn config set npmScopes.${scope}.npmRegistryServer <internal registry URL>`, formatUtils.Type.CODE)}`
      : `Make your internal registry the default with ${formatUtils.pretty(configuration, `yarn config set npmRegistryServer <internal registry URL>`, formatUtils.Type.CODE)}`;
    report.reportError(MessageName.INVALID_CONFIGURATION_VALUE, `${route.reason}. ${list}. Nothing was requested for it. ${fix}.`);
  }

  if (!lockfile)
    return;
  checkLockedResolutions(project, model, report);
  for (const pkg of project.originalPackages.values()) {
    const name = structUtils.stringifyIdent(pkg);
    if (!pkg.reference.startsWith(`npm:`) || !classifyName(name, model).internal)
      continue;
    const {selector, params} = structUtils.parseRange(pkg.reference);
    const archiveUrl = typeof params?.__archiveUrl === `string` ? params.__archiveUrl : null;
    for (const finding of checkInternalResolution({name, version: selector, tarballUrl: archiveUrl, registry: registryOf(configuration, pkg)}, model)) {
      report.reportError(MessageName.RESOLUTION_MISMATCH, `${structUtils.prettyLocator(configuration, pkg)} is internal, but ${finding.reason} (expected ${finding.expected}, found ${finding.found}). Nothing was downloaded; restore yarn.lock with ${formatUtils.pretty(configuration, `git checkout -- yarn.lock`, formatUtils.Type.CODE)}.`);
    }
  }
}

/** Names that the workspaces' manifests or yarn.lock depend on (workspaces themselves excluded). */
export function declaredNames(project: Project): string[] {
  const names = new Set<string>();
  for (const workspace of project.workspaces)
    for (const dependencies of [workspace.manifest.dependencies, workspace.manifest.devDependencies, workspace.manifest.peerDependencies])
      for (const descriptor of dependencies.values())
        names.add(structUtils.stringifyIdent(descriptor));
  for (const descriptor of project.storedDescriptors.values())
    names.add(structUtils.stringifyIdent(descriptor));
  for (const workspace of project.workspaces)
    if (workspace.manifest.name !== null)
      names.delete(structUtils.stringifyIdent(workspace.manifest.name));
  return [...names].sort();
}

/**
 * Each descriptor of the lockfile that names an internal package must resolve
 * to that very package (or its remap target) from a registry — not to a
 * tarball URL, and not to another package listed under the same key.
 */
export function checkLockedResolutions(project: Project, model: InternalModel, report: {reportError: (name: MessageName, text: string) => void}) {
  const {configuration} = project;
  for (const [descriptorHash, locatorHash] of project.storedResolutions) {
    const descriptor = project.storedDescriptors.get(descriptorHash);
    const pkg = project.originalPackages.get(locatorHash);
    if (descriptor === undefined || pkg === undefined || descriptor.range.startsWith(`workspace:`) || isInertEdge(structUtils.stringifyIdent(descriptor), descriptor.range, model) || project.tryWorkspaceByLocator(pkg) !== null)
      continue;
    const reached = namesReachedBy(descriptor);
    if (!reached.some(name => classifyName(name, model).internal))
      continue;
    const target = reached[reached.length - 1];
    let reference = pkg.reference;
    if (reference.startsWith(`patch:`)) {
      const source = structUtils.parseRange(reference).source;
      reference = source === null ? `` : structUtils.tryParseDescriptor(decodeURIComponent(source), true)?.range ?? ``;
    }
    if (structUtils.stringifyIdent(pkg) !== target || !reference.startsWith(`npm:`)) {
      report.reportError(MessageName.RESOLUTION_MISMATCH, `yarn.lock resolves ${structUtils.prettyDescriptor(configuration, descriptor)}, an internal package, to ${structUtils.prettyLocator(configuration, pkg)}; it must resolve to ${target} from its registry. Nothing was downloaded; restore yarn.lock with ${formatUtils.pretty(configuration, `git checkout -- yarn.lock`, formatUtils.Type.CODE)}.`);
    }
  }
}

/**
 * The way out of an internal-edge refusal. A workspace's own remap or git/URL/file range is
 * replaced by `yarn add <name>`, which takes the name from its internal registry; anything
 * else (a dependency's edge, a patch) is an edit to make by hand.
 */
function edgeFix(project: Project, locator: Locator, finding: EdgeFinding): string {
  const {configuration} = project;
  const workspace = project.tryWorkspaceByLocator(locator);
  if (workspace !== null && (finding.kind === `remap` || finding.kind === `not-registry`)) {
    const add = workspace === project.topLevelWorkspace ? `yarn add ${finding.name}`
      : workspace.manifest.name !== null ? `yarn workspace ${structUtils.stringifyIdent(workspace.manifest.name)} add ${finding.name}` : null;
    if (add !== null)
      return `Depend on it with a plain range of its internal registry: run ${formatUtils.pretty(configuration, add, formatUtils.Type.CODE)}.`;
  }
  return `Depend on it with a plain range of its internal registry, e.g. ${formatUtils.pretty(configuration, `"${finding.name}": "^1.0.0"`, formatUtils.Type.CODE)}.`;
}

/**
 * Every dependency edge, before it is resolved: an internal name must resolve
 * through its internal registry as a plain range, and a name new to the
 * lockfile must not also exist on the public registry.
 */
export function checkDependencyEdge(dependency: Descriptor, project: Project, locator: Locator): Promise<void> | null {
  const {configuration} = project;
  const model = internalModelOf(project);
  const name = structUtils.stringifyIdent(dependency);
  if (isInertEdge(name, dependency.range, model))
    return null;
  const findings = checkInternalEdge({from: structUtils.stringifyLocator(locator), name, range: dependency.range}, model);
  if (findings.length > 0) {
    throw new ReportError(MessageName.RESOLUTION_MISMATCH, findings.map(finding => `${structUtils.prettyLocator(configuration, locator)} depends on ${structUtils.prettyDescriptor(configuration, dependency)}: ${finding.reason} (expected ${finding.expected}, found ${finding.found}). Nothing was downloaded. ${edgeFix(project, locator, finding)}`).join(`\n`));
  }

  // A resolution the lockfile does not already hold is a new one — a new name,
  // a moved range, `yarn up` — and the registry may now offer an attacker's
  // version: probe every internal name it reaches (a remap's target too).
  if (dependency.range.startsWith(`workspace:`) || project.storedResolutions.has(dependency.descriptorHash))
    return null;
  const internal = namesReachedBy(dependency).filter(target => classifyName(target, model).internal);
  // Which dependency brings the name in, as release trust says it.
  const via = `${structUtils.prettyLocator(configuration, locator)} › ${structUtils.prettyDescriptor(configuration, dependency)}`;
  return internal.length === 0 ? null : probeNewResolution(project, internal, via);
}

async function probeNewResolution(project: Project, names: Array<string>, via: string) {
  for (const target of names) {
    const decision = await collisionDecision(project, target, {probe: true, newResolution: true});
    if (decision.kind === `collision`) {
      throw new ReportError(MessageName.RESOLUTION_MISMATCH, `${via}: ${describeCollision(project.configuration, decision)}`);
    }
  }
}

/** The declared name, and the names an `npm:` remap (possibly patched) points to. */
export function namesReachedBy(dependency: Descriptor): string[] {
  const names = [structUtils.stringifyIdent(dependency)];
  let range = dependency.range;
  for (let hop = 0; hop < 8; ++hop) {
    if (range.startsWith(`patch:`)) {
      const source = structUtils.parseRange(range).source;
      const inner = source === null ? null : structUtils.tryParseDescriptor(decodeURIComponent(source), true);
      if (inner === null)
        break;
      range = inner.range;
      continue;
    }
    // A remap is `npm:<name>@<range>`: without an `@` after the name's first
    // character, the range is a plain one (the common case) and names nothing.
    if (!range.startsWith(`npm:`) || range.indexOf(`@`, 5) === -1)
      break;
    const target = structUtils.tryParseDescriptor(range.slice(4), true);
    if (target === null)
      break;
    names.push(structUtils.stringifyIdent(target));
    range = target.range;
  }
  return [...new Set(names)];
}
