/**
 * Dependency confusion: which package names are internal, which registry each
 * of them must come from, and whether a dependency edge, a resolution or a
 * network request keeps that promise. In 2021 public packages named after
 * companies' internal ones, with huge versions, were installed inside dozens
 * of companies; Yarn routes scopes with `npmScopes` but never checks that an
 * internal name really came from its internal registry.
 *
 * Everything here is plain data in, findings out. What cannot be decided (a
 * name that does not decode, a range that does not parse, a URL that is not
 * http(s)) is refused with a reason, never let through.
 *
 * Names are compared without regard to case and after percent-decoding: a
 * spelling such as `@Corp/x` or `@corp%2fx` names the same package to a person
 * and, on some registries, to the server, so it is as internal as `@corp/x`.
 * Yarn itself routes by the exact spelling of the scope, so such a spelling is
 * reported as misrouted rather than silently sent to the default registry.
 */

import {globProblem, keyMatchesGlob, keyOf, nameForms, normalizeRegistryUrl, splitGlob} from './names';
import type {InternalGlob, NameKey} from './names';

// ---------------------------------------------------------------------------
// The model of internal names
// ---------------------------------------------------------------------------

export interface InternalModelInput {
  /**
   * Every scope Yarn routes, with the fetch registry Yarn uses for it
   * (`npmScopes.<scope>.npmRegistryServer`, falling back to the default), keys
   * spelled exactly as in `npmScopes` (without `@`). Include Yarn's implicit
   * routes too (`jsr` → `https://npm.jsr.io/` unless configured).
   */
  scopeRegistries: Array<{scope: string, registry: string}>;
  /** Yarn's `npmRegistryServer`. */
  defaultRegistry: string;
  /**
   * Registries anyone can publish to: `trustPublicRegistryServer` (both
   * spellings Yarn uses for it, e.g. registry.yarnpkg.com and registry.npmjs.org),
   * plus the implicit ones such as `https://npm.jsr.io`. At least one.
   */
  publicRegistries: string[];
  /** `trustInternalPackages`, e.g. `["@corp/*", "corp-*"]`. */
  internalGlobs: string[];
  /** Names of the project's workspaces with `"private": true`. */
  privateWorkspaces: string[];
  /**
   * Names of all the project's workspaces, published ones included. A
   * `workspace:` range can only ever resolve to one of these; defaults to
   * `privateWorkspaces`.
   */
  workspaces?: string[];
}

export interface ScopeRoute {
  /** As in `npmScopes`, without `@`; Yarn matches it with exactly this case. */
  scope: string;
  /** Normalized (`normalizeRegistryUrl`). */
  registry: string;
  /** Routed to a public registry: such a scope is not internal. */
  public: boolean;
}

/** Plain, validated data; build it with `makeInternalModel`. */
export interface InternalModel {
  scopeRoutes: ScopeRoute[];
  /** Normalized. */
  defaultRegistry: string;
  /** Normalized. */
  publicRegistries: string[];
  globs: InternalGlob[];
  privateWorkspaces: string[];
  workspaces: string[];
}

export interface ModelError {
  field: keyof InternalModelInput;
  value: string;
  reason: string;
}

/**
 * Validates the settings and builds the model. Every invalid entry is
 * reported (not only the first) so that one run shows everything to fix.
 */
export function makeInternalModel(input: InternalModelInput): {ok: true, model: InternalModel} | {ok: false, errors: ModelError[]} {
  const errors: ModelError[] = [];

  const registry = (field: keyof InternalModelInput, value: string): string | null => {
    const normalized = normalizeRegistryUrl(value);
    if (normalized === null)
      errors.push({field, value, reason: `not a registry URL: expected http(s)://host[:port][/path] without credentials, query or fragment`});
    return normalized;
  };

  const defaultRegistry = registry(`defaultRegistry`, input.defaultRegistry);

  const publicRegistries: string[] = [];
  for (const value of input.publicRegistries) {
    const normalized = registry(`publicRegistries`, value);
    if (normalized !== null && !publicRegistries.includes(normalized))
      publicRegistries.push(normalized);
  }
  // With no public registry known, every registry would count as internal and
  // the public one would be trusted with internal names.
  if (input.publicRegistries.length === 0)
    errors.push({field: `publicRegistries`, value: ``, reason: `at least one public registry is needed to tell internal registries from public ones`});

  const scopeRoutes: ScopeRoute[] = [];
  for (const {scope, registry: value} of input.scopeRegistries) {
    if (scope === `` || scope.includes(`/`)) {
      errors.push({field: `scopeRegistries`, value: scope, reason: `not a scope name`});
      continue;
    }
    if (scope.startsWith(`@`)) {
      errors.push({field: `scopeRegistries`, value: scope, reason: `npmScopes keys are written without "@"; Yarn never routes ${JSON.stringify(scope)}: write ${JSON.stringify(scope.slice(1))}`});
      continue;
    }
    const normalized = registry(`scopeRegistries`, value);
    if (normalized === null)
      continue;

    const sameFold = scopeRoutes.find(route => route.scope.toLowerCase() === scope.toLowerCase());
    if (sameFold !== undefined) {
      if (sameFold.scope === scope)
        errors.push({field: `scopeRegistries`, value: scope, reason: `scope listed twice`});
      else if (sameFold.registry !== normalized)
        errors.push({field: `scopeRegistries`, value: scope, reason: `differs from scope ${JSON.stringify(sameFold.scope)} only by case but routes to another registry, so which registry its names must come from is ambiguous`});
      if (sameFold.scope === scope || sameFold.registry !== normalized)
        continue;
    }
    scopeRoutes.push({scope, registry: normalized, public: publicRegistries.includes(normalized)});
  }

  const globs: InternalGlob[] = [];
  for (const glob of input.internalGlobs) {
    const problem = globProblem(glob);
    const split = splitGlob(glob);
    if (problem !== null || typeof split === `string`) {
      errors.push({field: `internalGlobs`, value: glob, reason: problem ?? String(split)});
      continue;
    }
    if (!globs.some(existing => existing.glob === glob))
      globs.push({glob, ...split});
  }

  for (const [field, names] of [[`privateWorkspaces`, input.privateWorkspaces], [`workspaces`, input.workspaces ?? []]] as const) {
    for (const name of names) {
      if (name === `` || name.trim() !== name)
        errors.push({field, value: name, reason: `not a package name`});
    }
  }

  if (errors.length > 0 || defaultRegistry === null)
    return {ok: false, errors};

  const privateWorkspaces = [...new Set(input.privateWorkspaces)];
  const workspaces = [...new Set([...privateWorkspaces, ...(input.workspaces ?? [])])];
  return {ok: true, model: {scopeRoutes, defaultRegistry, publicRegistries, globs, privateWorkspaces, workspaces}};
}

export type InternalReason =
  /** The name's scope is routed to a registry that is not public. */
  | {kind: `scope`, scope: string, registry: string}
  | {kind: `glob`, glob: string}
  | {kind: `workspace`, workspace: string}
  /** The name has a malformed percent-escape: what it names cannot be known. */
  | {kind: `undecodable`, detail: string};

export type RouteFindingKind =
  /** Internal, but nothing routes it to a non-public registry. */
  | `no-route`
  /** Internal, but Yarn routes this spelling to another registry than its internal one. */
  | `misrouted`
  | `undecodable`;

export interface RouteFinding {
  kind: RouteFindingKind;
  name: string;
  /** The internal registry, or null when there is none. */
  expected: string | null;
  /** Where Yarn would send requests for this name. */
  found: string;
  reason: string;
}

export type NameClassification =
  | {internal: false, name: string, route: string}
  | {
    internal: true;
    name: string;
    reasons: readonly InternalReason[];
    /** The registry it must come from; null when it has none (then `routeFinding` says so). */
    registry: string | null;
    /** The registry Yarn sends requests for this exact spelling to. */
    route: string;
    routeFinding: RouteFinding | null;
  };

/** Yarn's own route for a name: the scope as spelled, looked up exactly, else the default registry. */
export function yarnRoute(name: string, model: InternalModel): string {
  const match = /^@([^/]+?)\/[^@/]+$/.exec(name);
  if (match !== null) {
    const route = model.scopeRoutes.find(candidate => candidate.scope === match[1]);
    if (route !== undefined)
      return route.registry;
  }
  return model.defaultRegistry;
}

export function isPublicRegistry(registry: string, model: InternalModel) {
  return model.publicRegistries.includes(registry);
}

/**
 * Internal names: scopes routed to a registry of their own that is not
 * public, names matching a `trustInternalPackages` glob, and private
 * workspaces. The registry an internal name must come from is its scope's
 * registry; otherwise the registry Yarn routes it to, when that is not public
 * (a private default registry); otherwise none, which is a `no-route` finding.
 */
export function classifyName(name: string, model: InternalModel): NameClassification {
  // An install classifies the same few hundred names thousands of times (once
  // per dependency edge); the answer depends only on the name and the model.
  let known = classifications.get(model);
  if (known === undefined) {
    known = new Map();
    classifications.set(model, known);
  }
  let classification = known.get(name);
  if (classification === undefined) {
    classification = classify(name, model);
    known.set(name, classification);
  }
  return classification;
}

export const classifications = new WeakMap<InternalModel, Map<string, NameClassification>>();

/**
 * The model's workspace lists as lookups, built once per model: a monorepo
 * has hundreds of workspaces, and scanning them for every name and every
 * `workspace:` edge was most of the plugin's cost of a no-op install there.
 */
export interface ModelLookups {
  /** `keyText` of each private workspace's name → the workspaces with that key, in model order. */
  privateWorkspacesByKey: Map<string, string[]>;
  workspaces: Set<string>;
}

export const lookups = new WeakMap<InternalModel, ModelLookups>();

export function lookupsOf(model: InternalModel): ModelLookups {
  let known = lookups.get(model);
  if (known === undefined) {
    const privateWorkspacesByKey = new Map<string, string[]>();
    for (const workspace of model.privateWorkspaces) {
      const text = keyText(keyOf(workspace));
      const list = privateWorkspacesByKey.get(text);
      if (list === undefined)
        privateWorkspacesByKey.set(text, [workspace]);
      else
        list.push(workspace);
    }
    known = {privateWorkspacesByKey, workspaces: new Set(model.workspaces)};
    lookups.set(model, known);
  }
  return known;
}

/** A key as one string: `@scope/name`, or `/name` without a scope (distinct from the empty scope `@/name`). */
export function keyText(key: NameKey): string {
  return key.scope === null ? `/${key.name}` : `@${key.scope}/${key.name}`;
}

export function classify(name: string, model: InternalModel): NameClassification {
  const {forms, undecodable} = nameForms(name);
  const keys = forms.map(keyOf);
  const route = yarnRoute(name, model);

  const reasons: InternalReason[] = [];
  const addReason = (reason: InternalReason) => {
    if (!reasons.some(existing => JSON.stringify(existing) === JSON.stringify(reason)))
      reasons.push(reason);
  };

  for (const key of keys) {
    for (const scopeRoute of model.scopeRoutes) {
      if (key.scope !== null && !scopeRoute.public && scopeRoute.scope.toLowerCase() === key.scope)
        addReason({kind: `scope`, scope: scopeRoute.scope, registry: scopeRoute.registry});
    }
    for (const glob of model.globs) {
      if (keyMatchesGlob(key, glob))
        addReason({kind: `glob`, glob: glob.glob});
    }
    for (const workspace of lookupsOf(model).privateWorkspacesByKey.get(keyText(key)) ?? [])
      addReason({kind: `workspace`, workspace});
  }
  if (undecodable !== null)
    addReason({kind: `undecodable`, detail: undecodable});

  if (reasons.length === 0)
    return {internal: false, name, route};

  // Two spellings of one name that lead to two internal registries leave no
  // single registry it may come from.
  const scopeRegistries = [...new Set(reasons.flatMap(reason => reason.kind === `scope` ? [reason.registry] : []))];
  let registry: string | null;
  if (undecodable !== null || scopeRegistries.length > 1)
    registry = null;
  else if (scopeRegistries.length === 1)
    registry = scopeRegistries[0];
  else
    registry = isPublicRegistry(route, model) ? null : route;

  return {internal: true, name, reasons, registry, route, routeFinding: routeFindingOf(name, reasons, registry, route, undecodable)};
}

export function routeFindingOf(name: string, reasons: InternalReason[], registry: string | null, route: string, undecodable: string | null): RouteFinding | null {
  if (undecodable !== null)
    return {kind: `undecodable`, name, expected: null, found: route, reason: `${JSON.stringify(name)} cannot be decoded (${undecodable}), so whether it names an internal package cannot be decided`};
  if (registry === null) {
    const onlyWorkspace = reasons.every(reason => reason.kind === `workspace`);
    const fix = onlyWorkspace
      ? `depend on it with "workspace:"`
      : `route its scope to the internal registry with npmScopes.<scope>.npmRegistryServer, or publish it under a routed scope`;
    return {kind: `no-route`, name, expected: null, found: route, reason: `${name} is internal (${describeReasons(reasons)}) but has no internal registry: Yarn would ask ${route}, a public registry, for it; ${fix}`};
  }
  if (registry !== route)
    return {kind: `misrouted`, name, expected: registry, found: route, reason: `${name} is internal (${describeReasons(reasons)}) and must come from ${registry}, but Yarn routes this spelling to ${route}`};
  return null;
}

export function describeReasons(reasons: readonly InternalReason[]): string {
  return reasons.map(reason => {
    switch (reason.kind) {
      case `scope`: return `scope @${reason.scope} is routed to ${reason.registry}`;
      case `glob`: return `it matches trustInternalPackages ${JSON.stringify(reason.glob)}`;
      case `workspace`: return `private workspace ${reason.workspace}`;
      case `undecodable`: return reason.detail;
    }
  }).join(`; `);
}

/**
 * Internal globs that route nowhere, for `yarn trust check`: a scoped glob
 * whose scope (when it names one) has no route to a non-public registry, and
 * unscoped globs while the default registry is public. Globs with a wildcard
 * in the scope are decided per name by `classifyName`.
 */
export function auditGlobRoutes(model: InternalModel): Array<{glob: string, found: string, reason: string}> {
  const findings: Array<{glob: string, found: string, reason: string}> = [];
  for (const glob of model.globs) {
    if (glob.scope !== null && /[*?]/.test(glob.scope))
      continue;
    // Globs are lowercase and Yarn looks scopes up exactly, as names are written.
    const route = model.scopeRoutes.find(candidate => glob.scope !== null && candidate.scope === glob.scope)?.registry ?? model.defaultRegistry;
    if (isPublicRegistry(route, model)) {
      const where = glob.scope === null ? `unscoped names go to the default registry, ${route}` : `scope @${glob.scope} has no npmScopes entry for an internal registry, so Yarn would ask ${route}`;
      findings.push({glob: glob.glob, found: route, reason: `trustInternalPackages ${JSON.stringify(glob.glob)} has no internal registry: ${where}, a public registry`});
    }
  }
  return findings;
}
