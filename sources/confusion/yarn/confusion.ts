import {
  type Configuration, type Descriptor, type Locator, MessageName, type Project, ReportError, formatUtils, httpUtils, structUtils,
} from '@yarnpkg/core';
import {type PortablePath, ppath, xfs} from '@yarnpkg/fslib';
import {npmConfigUtils} from '@yarnpkg/plugin-npm';

import {type CollisionDecision, decideCollision, type ProbeResult} from '../policy/collisions';
import {checkInternalEdge, isInertEdge} from '../policy/edges';
import {auditGlobRoutes, classifyName, type InternalModel, makeInternalModel} from '../policy/model';
import {matchesGlob} from '../policy/names';
import {findProbe, parseProbeCache, serializeProbeCache} from '../policy/probeCache';
import {mayRequest} from '../policy/requests';
import {checkInternalResolution} from '../policy/resolutions';
import {summarizeNames} from '../policy/nameList';
import {collisionAcknowledgementOf} from '../../core/policy/trustFile/edits';
import {projectState} from '../../core/yarn/projectState';
import {rememberedTrustFile} from '../../core/yarn/trustFileStore';
import {writeFileAtomic} from '../../core/yarn/atomicWrite';

/**
 * `trustPublicRegistryServer`, or else the default of Yarn's own
 * `npmRegistryServer` setting — the public npm registry — read from Yarn's
 * setting definitions rather than written here.
 */
export function publicRegistryOf(configuration: Configuration): string {
  const configured = configuration.get(`trustPublicRegistryServer`);
  if (typeof configured === `string`)
    return configured;
  const definition = configuration.settings.get(`npmRegistryServer`);
  const yarnDefault = definition !== undefined && `default` in definition ? definition.default : null;
  if (typeof yarnDefault !== `string`)
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `Yarn declares no default npmRegistryServer: set trustPublicRegistryServer`);
  return yarnDefault;
}

function publicRegistriesOf(configuration: Configuration) {
  const publicRegistry = publicRegistryOf(configuration);
  // Yarn treats the two spellings of the npm registry as one (see its
  // NpmSemverFetcher.isConventionalTarballUrl); so must we.
  const aliases = [publicRegistry, publicRegistry.replace(`://registry.yarnpkg.com`, `://registry.npmjs.org`), publicRegistry.replace(`://registry.npmjs.org`, `://registry.yarnpkg.com`)];
  return [...new Set([...aliases, npmConfigUtils.getScopeRegistry(`jsr`, {configuration})])];
}

/** What the confusion checks learn during one install or command. */
interface ConfusionContext {
  project: Project;
  /** Internal names and their registries, built once per project. */
  internalModel?: InternalModel;
  /** The plugin's own collision probes, allowed to the public registry without credentials. */
  probeUrls: Set<string>;
  /** Collision probes of this process, by name: each name is asked once per process. */
  probes: Map<string, Promise<ProbeResult>>;
  /** The last pending write of the probe cache: writes are chained so none is lost. */
  probeCacheUpdate?: Promise<void>;
}

const confusionState = projectState<ConfusionContext>(`confusion`, project => ({project, probeUrls: new Set(), probes: new Map()}));

/**
 * Makes guardRequest judge the requests made for `project` with all its
 * internal names, the private workspaces' included (a command calls this; an
 * install does it by validating the internal names first).
 */
export function guardRequestsOf(project: Project) {
  confusionState.of(project);
}

/** Which names are internal and where they must come from, from Yarn's settings and the workspaces. */
export function internalModelOf(project: Project): InternalModel {
  const context = confusionState.of(project);
  if (context.internalModel !== undefined)
    return context.internalModel;

  const named = project.workspaces.filter(workspace => workspace.manifest.name !== null);
  const model = buildModel(
    project.configuration,
    named.filter(workspace => workspace.manifest.private).map(workspace => structUtils.stringifyIdent(workspace.manifest.name!)),
    named.map(workspace => structUtils.stringifyIdent(workspace.manifest.name!)),
  );
  context.internalModel = model;
  return model;
}

function buildModel(configuration: Configuration, privateWorkspaces: string[], workspaces: string[]): InternalModel {
  const scopes = new Set([...configuration.get(`npmScopes`).keys(), `jsr`]);
  const result = makeInternalModel({
    scopeRegistries: [...scopes].map(scope => ({scope, registry: npmConfigUtils.getScopeRegistry(scope, {configuration})})),
    defaultRegistry: npmConfigUtils.getDefaultRegistry({configuration}),
    publicRegistries: publicRegistriesOf(configuration),
    internalGlobs: configuration.get(`trustInternalPackages`),
    privateWorkspaces,
    workspaces,
  });
  if (!result.ok) {
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, result.errors.map(error => `${formatUtils.pretty(configuration, error.field, formatUtils.Type.CODE)}: ${error.value}: ${error.reason}`).join(`\n`));
  }
  return result.model;
}

function registryOf(configuration: Configuration, pkg: Locator) {
  return npmConfigUtils.getScopeRegistry(pkg.scope, {configuration});
}

/**
 * Start of an install, before any request: internal globs must have a route,
 * and internal packages of the lockfile must come from their registry.
 */
export async function validateInternalNames(project: Project, report: {reportError: (name: MessageName, text: string) => void}) {
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
    report.reportError(MessageName.INVALID_CONFIGURATION_VALUE, `${route.reason}. ${list}. Nothing was requested for it. Route its scope to your registry with ${formatUtils.pretty(configuration, `npmScopes`, formatUtils.Type.SETTING)} (unscoped names: make ${formatUtils.pretty(configuration, `npmRegistryServer`, formatUtils.Type.SETTING)} your internal registry).`);
  }

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
function declaredNames(project: Project): string[] {
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
function checkLockedResolutions(project: Project, model: InternalModel, report: {reportError: (name: MessageName, text: string) => void}) {
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
 * Every dependency edge, before it is resolved: an internal name must resolve
 * through its internal registry as a plain range, and a name new to the
 * lockfile must not also exist on the public registry.
 */
export async function checkDependencyEdge(dependency: Descriptor, project: Project, locator: Locator): Promise<Descriptor> {
  const {configuration} = project;
  const model = internalModelOf(project);
  const name = structUtils.stringifyIdent(dependency);
  if (isInertEdge(name, dependency.range, model))
    return dependency;
  const findings = checkInternalEdge({from: structUtils.stringifyLocator(locator), name, range: dependency.range}, model);
  if (findings.length > 0) {
    throw new ReportError(MessageName.RESOLUTION_MISMATCH, findings.map(finding => `${structUtils.prettyLocator(configuration, locator)} depends on ${structUtils.prettyDescriptor(configuration, dependency)}, but ${formatUtils.pretty(configuration, finding.name, formatUtils.Type.NAME)} is internal: ${finding.reason} (expected ${finding.expected}, found ${finding.found}). Nothing was downloaded. Depend on it with a plain range of its internal registry, e.g. ${formatUtils.pretty(configuration, `"${finding.name}": "^1.0.0"`, formatUtils.Type.CODE)}.`).join(`\n`));
  }

  // A resolution the lockfile does not already hold is a new one — a new name,
  // a moved range, `yarn up` — and the registry may now offer an attacker's
  // version: probe every internal name it reaches (a remap's target too).
  if (!dependency.range.startsWith(`workspace:`) && !project.storedResolutions.has(dependency.descriptorHash)) {
    for (const target of namesReachedBy(dependency)) {
      if (!classifyName(target, model).internal)
        continue;
      const decision = await collisionDecision(project, target, {probe: true, newResolution: true});
      if (decision.kind === `collision`) {
        throw new ReportError(MessageName.RESOLUTION_MISMATCH, describeCollision(configuration, decision));
      }
    }
  }
  return dependency;
}

/** The declared name, and the names an `npm:` remap (possibly patched) points to. */
function namesReachedBy(dependency: Descriptor): string[] {
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

export function describeCollision(configuration: Configuration, decision: Extract<CollisionDecision, {kind: `collision`}>) {
  return `${formatUtils.pretty(configuration, decision.name, formatUtils.Type.NAME)} is internal, but the public registry ${decision.probe.registry} also has a package of that name (checked ${decision.probe.checkedAt}): a dependency-confusion attack may be under way. Nothing was installed. If your company owns the public name, run ${formatUtils.pretty(configuration, `yarn trust acknowledge ${decision.name}`, formatUtils.Type.CODE)} after checking it.`;
}

/**
 * Before any request of any command: no internal name leaves for a host other
 * than its registry — in the URL, or in a JSON body such as the package list
 * that `yarn npm audit` posts. Commands that run before (or without) an
 * install still have the names that Yarn's settings make internal.
 */
export function guardRequest(configuration: Configuration, url: string, body: unknown) {
  const context = confusionState.ofConfiguration(configuration);
  const model = context !== undefined ? internalModelOf(context.project) : internalModelOfConfiguration(configuration);
  const isProbe = isCollisionProbe(configuration, url);
  const findings = [];
  for (const name of [null, ...namesInBody(body)]) {
    const decision = mayRequest({url, name, ...(isProbe ? {probe: {credentials: false}} : {})}, model);
    if (!decision.ok) {
      findings.push(...decision.findings);
    }
  }
  if (findings.length > 0) {
    throw new ReportError(MessageName.NETWORK_DISABLED, findings.map(finding => `yarn-plugin-trust refused to send a request about the internal package ${formatUtils.pretty(configuration, finding.name ?? `(unknown)`, formatUtils.Type.NAME)} to ${finding.host}: ${finding.reason}. Nothing was sent.`).join(`\n`));
  }
}

/** Whether `url` is one of the plugin's own collision probes (sent without credentials, not a download). */
export function isCollisionProbe(configuration: Configuration, url: string): boolean {
  return confusionState.ofConfiguration(configuration)?.probeUrls.has(url) ?? false;
}

/** Package names a request body carries: the keys of a JSON object (the audit format). */
function namesInBody(body: unknown): string[] {
  let value = body;
  if (typeof value === `string` || Buffer.isBuffer(value)) {
    try {
      value = JSON.parse(value.toString());
    } catch {
      // Not JSON: a body that is not a package list names no package.
      return [];
    }
  }
  if (typeof value !== `object` || value === null || Array.isArray(value))
    return [];
  return Object.keys(value).filter(key => structUtils.tryParseIdent(key) !== null);
}

const CONFIGURATION_MODEL = Symbol.for(`yarn-plugin-trust/internal-model`);

/** The internal names that Yarn's settings alone define (no workspaces known). */
function internalModelOfConfiguration(configuration: Configuration): InternalModel {
  const carrier = configuration as unknown as {[CONFIGURATION_MODEL]?: InternalModel};
  const cached = carrier[CONFIGURATION_MODEL];
  if (cached !== undefined)
    return cached;
  const model = buildModel(configuration, [], []);
  carrier[CONFIGURATION_MODEL] = model;
  return model;
}

function probeCachePath(configuration: Configuration): PortablePath {
  return ppath.join(configuration.get(`globalFolder`), `yarn-plugin-trust-probes.json` as PortablePath);
}

async function readProbeCache(configuration: Configuration): Promise<ProbeResult[]> {
  const path = probeCachePath(configuration);
  let text: string;
  try {
    text = await xfs.readFilePromise(path, `utf8`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return [];
    throw error;
  }
  // An unreadable cache only costs new probes: every name is asked again.
  return parseProbeCache(text).entries;
}

/**
 * Whether `name` collides with a public package: from the probe cache while
 * its answer is fresh, otherwise by asking the public registry, without
 * credentials. An unanswerable probe is a refusal.
 */
export async function collisionDecision(project: Project, name: string, {probe, newResolution = false}: {probe: boolean; newResolution?: boolean}): Promise<CollisionDecision> {
  const {configuration} = project;
  const context = confusionState.of(project);
  const publicRegistry = publicRegistryOf(configuration);
  const trust = rememberedTrustFile(project)?.trust;
  const acknowledged = trust === undefined ? null : collisionAcknowledgementOf(trust, name);
  const maxAgeMs = configuration.get(`trustCollisionProbeMaxAge`) * 60_000;
  const decide = (entries: ProbeResult[], age: number) => decideCollision({
    name,
    publicRegistry,
    probe: findProbe(entries, name, publicRegistry),
    acknowledged,
    probesEnabled: configuration.get(`trustCollisionProbes`),
    now: new Date(),
    maxAgeMs: age,
  });

  // An answer of this very process is always current.
  const ongoing = context.probes.get(name);
  if (ongoing !== undefined)
    return decide([await ongoing], maxAgeMs);

  // A new resolution is exactly when an attacker's fresh upload would be
  // picked: a cached "not on the public registry" does not count then (a
  // cached "it is there" still refuses at once). Elsewhere — check, status —
  // cached answers are reused for their lifetime.
  const cached = await readProbeCache(configuration);
  const decision = decide(cached, newResolution ? 0 : maxAgeMs);
  if (decision.kind !== `probe-needed` || !probe)
    return decision;

  const pending = probeAndRemember(context, publicRegistry, name);
  context.probes.set(name, pending);
  return decide([await pending], maxAgeMs);
}

async function probeAndRemember(context: ConfusionContext, publicRegistry: string, name: string): Promise<ProbeResult> {
  const {configuration} = context.project;
  const result = await probePublicRegistry(context, publicRegistry, name);
  // Probes run concurrently (one per new dependency edge): updates of the
  // cache file go one after the other so that none is lost.
  const update = (context.probeCacheUpdate ?? Promise.resolve()).then(async () => {
    const entries = (await readProbeCache(configuration)).filter(entry => findProbe([entry], name, publicRegistry) === null);
    await xfs.mkdirPromise(ppath.dirname(probeCachePath(configuration)), {recursive: true});
    await writeFileAtomic(probeCachePath(configuration), serializeProbeCache([...entries, result]));
  });
  context.probeCacheUpdate = update;
  await update;
  return result;
}

async function probePublicRegistry(context: ConfusionContext, publicRegistry: string, name: string): Promise<ProbeResult> {
  const {configuration} = context.project;
  const url = `${publicRegistry.replace(/\/+$/, ``)}/${name.replace(`/`, `%2f`)}`;
  context.probeUrls.add(url);
  let exists: boolean;
  try {
    // httpUtils, not npmHttpUtils: no credentials of any registry go along.
    // `request` keeps the HTTP status that `get` folds into a message.
    await httpUtils.request(url, null, {configuration, headers: {accept: `application/vnd.npm.install-v1+json`}});
    exists = true;
  } catch (error) {
    const status = (error as {response?: {statusCode?: number}}).response?.statusCode;
    if (status !== 404) {
      throw new ReportError(MessageName.NETWORK_ERROR, `yarn-plugin-trust could not ask the public registry ${publicRegistry} whether ${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)} exists there (${(error as Error).message}), so the internal package was not installed. Retry when the registry answers, or set ${formatUtils.pretty(configuration, `trustCollisionProbes: false`, formatUtils.Type.CODE)} if this machine cannot reach it.`);
    }
    exists = false;
  }
  return {name, registry: publicRegistry, exists, checkedAt: new Date().toISOString()};
}

export interface ConfusionFinding {
  kind: `model` | `route` | `resolution` | `collision` | `not-checked` | `acknowledged`;
  name: string | null;
  severity: `error` | `info`;
  message: string;
}

/**
 * What `yarn trust check` reports about internal names: routes, lockfile
 * resolutions on other hosts, and a collision probe for every internal name
 * of the lockfile (cached answers are reused while fresh).
 */
export async function runConfusionChecks(project: Project): Promise<ConfusionFinding[]> {
  const {configuration} = project;
  const findings: ConfusionFinding[] = [];
  const collect = {
    reportError: (_name: MessageName, text: string) => findings.push({kind: text.includes(`trustInternalPackages`) ? `route` : `resolution`, name: null, severity: `error`, message: text}),
  };

  let model: InternalModel;
  try {
    model = internalModelOf(project);
  } catch (error) {
    if (!(error instanceof ReportError))
      throw error;
    return [{kind: `model`, name: null, severity: `error`, message: error.message}];
  }
  await validateInternalNames(project, collect);

  const names = new Set<string>();
  for (const pkg of project.originalPackages.values()) {
    const name = structUtils.stringifyIdent(pkg);
    if (project.tryWorkspaceByLocator(pkg) === null && classifyName(name, model).internal)
      names.add(name);
  }
  for (const name of [...names].sort()) {
    const decision = await collisionDecision(project, name, {probe: true});
    switch (decision.kind) {
      case `collision`:
        findings.push({kind: `collision`, name, severity: `error`, message: describeCollision(configuration, decision)});
        break;
      case `not-checked`:
        findings.push({kind: `not-checked`, name, severity: `info`, message: `${name}: collisions with the public registry were not checked (${formatUtils.pretty(configuration, `trustCollisionProbes`, formatUtils.Type.SETTING)} is false)`});
        break;
      case `acknowledged`:
        findings.push({kind: `acknowledged`, name, severity: `info`, message: `${name} also exists on ${decision.probe.registry}, acknowledged in the trust file${decision.acknowledged.reason ? ` (${decision.acknowledged.reason})` : ``}`});
        break;
      case `probe-needed`:
        throw new Error(`Assertion failed: collisionDecision probes when an answer is needed`);
      case `ok`:
        break;
    }
  }
  return findings;
}
