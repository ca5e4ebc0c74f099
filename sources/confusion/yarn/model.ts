/** The project's internal names and their registries, from Yarn's settings and the workspaces, kept per project. */

import {
  type Configuration, type Locator, MessageName, type Project, ReportError, formatUtils, structUtils,
} from '@yarnpkg/core';
import {npmConfigUtils} from '@yarnpkg/plugin-npm';

import {type ProbeResult} from '../policy/collisions';
import {type InternalModel, makeInternalModel} from '../policy/model';
import {projectState} from '../../core/yarn/projectState';

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

export function publicRegistriesOf(configuration: Configuration) {
  const publicRegistry = publicRegistryOf(configuration);
  // Yarn treats the two spellings of the npm registry as one (see its
  // NpmSemverFetcher.isConventionalTarballUrl); so must we.
  const aliases = [publicRegistry, publicRegistry.replace(`://registry.yarnpkg.com`, `://registry.npmjs.org`), publicRegistry.replace(`://registry.npmjs.org`, `://registry.yarnpkg.com`)];
  return [...new Set([...aliases, npmConfigUtils.getScopeRegistry(`jsr`, {configuration})])];
}

/** What the confusion checks learn during one install or command. */
export interface ConfusionContext {
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

export const confusionState = projectState<ConfusionContext>(`confusion`, project => ({project, probeUrls: new Set(), probes: new Map()}));

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

export function buildModel(configuration: Configuration, privateWorkspaces: string[], workspaces: string[]): InternalModel {
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

export function registryOf(configuration: Configuration, pkg: Locator) {
  return npmConfigUtils.getScopeRegistry(pkg.scope, {configuration});
}

/**
 * Start of an install, before any request: internal globs must have a route,
 * and internal packages of the lockfile must come from their registry.
 */
