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

import semver from 'semver';

import {parseWebUrl} from '../../core/policy/webUrl';
import {parseJson, JsonSyntaxError, toPlain, type JsonValue} from '../../core/policy/json';

// ---------------------------------------------------------------------------
// Registry URLs
// ---------------------------------------------------------------------------

/**
 * One spelling per registry: lowercase scheme and host, no default port, dot
 * segments resolved, no trailing slash — so `https://NPM.corp:443/repo/` and
 * `https://npm.corp/repo` are the same registry. `http:` and `https:` stay
 * different registries: the same host over plain http is another path for an
 * attacker. Returns null for what is not a usable registry URL: not http(s),
 * userinfo (`https://registry.npmjs.org@evil.com/` reads as npm to a person),
 * a query or a fragment (Yarn appends paths to the registry as text).
 */
export function normalizeRegistryUrl(url: string): string | null {
  const parsed = parseWebUrl(url);
  if (parsed === null || parsed.username !== `` || parsed.password !== `` || parsed.search !== `` || parsed.hash !== `` || url.includes(`?`) || url.includes(`#`))
    return null;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, ``)}`;
}

/**
 * Scheme, host and port of a registry (already normalized) or of a request.
 * Tarballs and packuments are compared with their registry by origin, not by
 * path: GitLab group registries and GitHub Packages serve tarballs outside the
 * registry's base path, while a different origin is a different server.
 */
function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

// ---------------------------------------------------------------------------
// Globs
// ---------------------------------------------------------------------------

/** Longest npm package name. */
const MAX_NAME_LENGTH = 214;

/** Characters of a valid new npm name (lowercase, URL-safe, none of `~'!()*`), plus the two wildcards. */
const GLOB_PART = /^[a-z0-9._*?-]+$/;
const LITERAL = /[a-z0-9._-]/;

/**
 * Why `glob` is not a usable `trustInternalPackages` entry, or null when it
 * is. A glob is an npm name (`name` or `@scope/name`) in which `*` stands for
 * any run of characters and `?` for one character, neither crossing the `/`
 * between scope and name. Nothing else is glob syntax: `[`, `{`, `!` would
 * mean something in other tools and here would silently match nothing.
 */
export function globProblem(glob: string): string | null {
  if (glob === ``)
    return `it is empty`;
  if (glob.trim() !== glob)
    return `it has leading or trailing whitespace`;
  if (glob.length > MAX_NAME_LENGTH)
    return `it is longer than ${MAX_NAME_LENGTH} characters, the longest npm name`;
  if (/[A-Z]/.test(glob))
    return `npm names are lowercase (matching ignores case anyway); write ${JSON.stringify(glob.toLowerCase())}`;
  if (/[[\]{}()!+@^$|\\,]/.test(glob.startsWith(`@`) ? glob.slice(1) : glob))
    return `only "*" and "?" are wildcards; other glob syntax and other special characters cannot appear in an npm name`;

  const split = splitGlob(glob);
  if (typeof split === `string`)
    return split;

  for (const [label, part] of split.scope !== null ? [[`scope`, split.scope], [`name`, split.name]] : [[`name`, split.name]]) {
    if (part === ``)
      return `its ${label} is empty`;
    if (!GLOB_PART.test(part))
      return `its ${label} ${JSON.stringify(part)} has characters that cannot appear in an npm name (allowed: a-z 0-9 . _ - and the wildcards * ?)`;
    if (part.startsWith(`.`) || part.startsWith(`_`))
      return `its ${label} starts with "${part[0]}", which npm names cannot`;
  }

  // A glob that is nothing but wildcards makes every name (or every name of
  // every scope) internal: that is a typo, not a policy.
  if (split.scope !== null && !LITERAL.test(split.scope))
    return `its scope is only wildcards, which would make every scope internal; name the scope`;
  if (split.scope === null && !LITERAL.test(split.name))
    return `it is only wildcards, which would make every unscoped package internal`;

  return null;
}

function splitGlob(glob: string): {scope: string | null; name: string} | string {
  if (!glob.startsWith(`@`)) {
    if (glob.includes(`/`))
      return `an unscoped name cannot contain "/"; a scoped glob starts with "@"`;
    return {scope: null, name: glob};
  }
  const slash = glob.indexOf(`/`);
  if (slash === -1)
    return `a scoped glob needs "/" after the scope, e.g. "@corp/*"`;
  const name = glob.slice(slash + 1);
  if (name.includes(`/`))
    return `it has more than one "/"`;
  return {scope: glob.slice(1, slash), name};
}

/** `*` matches any run of characters (also none), `?` exactly one; every other character only itself. */
function wildcardMatch(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let star = -1;
  let starText = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === `*`) {
      star = p++;
      starText = t;
    } else if (p < pattern.length && (pattern[p] === `?` || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star + 1;
      t = ++starText;
    } else {
      return false;
    }
  }
  while (pattern[p] === `*`)
    p++;
  return p === pattern.length;
}

/** A comparison key: a lowercase name split into scope (without `@`) and the rest. */
interface NameKey {
  scope: string | null;
  name: string;
}

function keyOf(form: string): NameKey {
  const lowered = form.toLowerCase();
  const slash = lowered.indexOf(`/`);
  if (lowered.startsWith(`@`) && slash !== -1)
    return {scope: lowered.slice(1, slash), name: lowered.slice(slash + 1)};
  return {scope: null, name: lowered};
}

function keyMatchesGlob(key: NameKey, glob: InternalGlob): boolean {
  if ((key.scope === null) !== (glob.scope === null))
    return false;
  if (key.scope !== null && glob.scope !== null && !wildcardMatch(key.scope, glob.scope))
    return false;
  return wildcardMatch(key.name, glob.name);
}

/** How often a name is percent-decoded at most; real npm names contain no `%` at all. */
const MAX_DECODE_ROUNDS = 3;

/**
 * The name as written and as it reads after each round of percent-decoding,
 * or where decoding failed. A server that decodes the path once more than the
 * client encoded it sees the decoded form, so every form counts.
 */
function nameForms(name: string): {forms: string[]; undecodable: string | null} {
  const forms = [name];
  let current = name;
  for (let round = 0; round < MAX_DECODE_ROUNDS && current.includes(`%`); ++round) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch (error) {
      if (error instanceof URIError)
        return {forms, undecodable: `${JSON.stringify(current)} has a malformed percent-escape`};
      throw error;
    }
    if (decoded === current)
      break;
    forms.push(decoded);
    current = decoded;
  }
  return {forms, undecodable: null};
}

/**
 * True when `name` matches `glob` the way the internal-name check matches it:
 * case-insensitively, in any percent-decoded form, `*` and `?` never crossing
 * the scope's `/`. Throws when the glob is invalid: validate globs first
 * (`globProblem`, `makeInternalModel`), so that a typo is an error, not a
 * glob that matches nothing.
 */
export function matchesGlob(name: string, glob: string): boolean {
  const problem = globProblem(glob);
  if (problem !== null)
    throw new Error(`Invalid internal package glob ${JSON.stringify(glob)}: ${problem}`);
  const split = splitGlob(glob);
  if (typeof split === `string`)
    throw new Error(`Invalid internal package glob ${JSON.stringify(glob)}: ${split}`);
  const compiled: InternalGlob = {glob, ...split};
  return nameForms(name).forms.some(form => keyMatchesGlob(keyOf(form), compiled));
}

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
  scopeRegistries: Array<{scope: string; registry: string}>;
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

export interface InternalGlob {
  glob: string;
  /** The scope part without `@`, or null for an unscoped glob. */
  scope: string | null;
  name: string;
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
export function makeInternalModel(input: InternalModelInput): {ok: true; model: InternalModel} | {ok: false; errors: ModelError[]} {
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
  | {kind: `scope`; scope: string; registry: string}
  | {kind: `glob`; glob: string}
  | {kind: `workspace`; workspace: string}
  /** The name has a malformed percent-escape: what it names cannot be known. */
  | {kind: `undecodable`; detail: string};

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
  | {internal: false; name: string; route: string}
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
function yarnRoute(name: string, model: InternalModel): string {
  const match = /^@([^/]+?)\/[^@/]+$/.exec(name);
  if (match !== null) {
    const route = model.scopeRoutes.find(candidate => candidate.scope === match[1]);
    if (route !== undefined)
      return route.registry;
  }
  return model.defaultRegistry;
}

function isPublicRegistry(registry: string, model: InternalModel) {
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

const classifications = new WeakMap<InternalModel, Map<string, NameClassification>>();

/**
 * The model's workspace lists as lookups, built once per model: a monorepo
 * has hundreds of workspaces, and scanning them for every name and every
 * `workspace:` edge was most of the plugin's cost of a no-op install there.
 */
interface ModelLookups {
  /** `keyText` of each private workspace's name → the workspaces with that key, in model order. */
  privateWorkspacesByKey: Map<string, string[]>;
  workspaces: Set<string>;
}

const lookups = new WeakMap<InternalModel, ModelLookups>();

function lookupsOf(model: InternalModel): ModelLookups {
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
function keyText(key: NameKey): string {
  return key.scope === null ? `/${key.name}` : `@${key.scope}/${key.name}`;
}

function classify(name: string, model: InternalModel): NameClassification {
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

function routeFindingOf(name: string, reasons: InternalReason[], registry: string | null, route: string, undecodable: string | null): RouteFinding | null {
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

function describeReasons(reasons: readonly InternalReason[]): string {
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
export function auditGlobRoutes(model: InternalModel): Array<{glob: string; found: string; reason: string}> {
  const findings: Array<{glob: string; found: string; reason: string}> = [];
  for (const glob of model.globs) {
    if (glob.scope !== null && /[*?]/.test(glob.scope))
      continue;
    // Globs are lowercase and Yarn looks scopes up exactly, as names are written.
    const route = model.scopeRoutes.find(candidate => glob.scope !== null && candidate.scope === glob.scope)?.registry ?? model.defaultRegistry;
    if (isPublicRegistry(route, model)) {
      const where = glob.scope === null ? `unscoped names go to the default registry` : `scope @${glob.scope} has no npmScopes route to an internal registry`;
      findings.push({glob: glob.glob, found: route, reason: `trustInternalPackages ${JSON.stringify(glob.glob)} has no internal registry: ${where}, ${route}, which is public`});
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------
// Dependency edges
// ---------------------------------------------------------------------------

export interface DependencyEdge {
  /** Who declares the dependency, for messages (e.g. a pretty locator). */
  from: string;
  /** The dependency's name as declared. */
  name: string;
  /** The range as declared, after `resolutions:`. */
  range: string;
}

export type EdgeFindingKind =
  | RouteFindingKind
  /** An internal name remapped to another name (`npm:other@1`). */
  | `remap`
  /** An internal name from git, a URL, a file, a folder or a script. */
  | `not-registry`
  /** A patch of an internal name whose source is not that name from its registry. */
  | `patch-source`
  /** `workspace:` for a name that is no workspace of the project. */
  | `not-a-workspace`
  /** A range that cannot be parsed (bad `patch:` encoding, `npm:` followed by nonsense, alias chain too long). */
  | `undecidable-range`;

export interface EdgeFinding {
  kind: EdgeFindingKind;
  from: string;
  /** The internal name concerned: the declared one, or a remap or patch target. */
  name: string;
  /** The range at the level where the problem is. */
  range: string;
  expected: string;
  found: string;
  reason: string;
}

/** Yarn's tag syntax (`TAG_REGEXP`). */
const TAG = /^(?!v)[a-z0-9._-]+$/i;

/** Yarn's strict descriptor syntax: `name@range`, `@scope/name@range`. */
const DESCRIPTOR = /^(?:@([^/]+?)\/)?([^@/]+?)(?:@(.+))$/;

/** Remaps of remaps are followed by Yarn; this many hops is more than anyone writes. */
const MAX_CHAIN = 8;

const NPM_PROTOCOL = `npm:`;
const PATCH_PROTOCOL = `patch:`;
const WORKSPACE_PROTOCOL = `workspace:`;

/** `1.2.3`, `^1.2.3`, `~1.2.3-rc.1`: most ranges of a lockfile, valid semver ranges without a parse. */
const SIMPLE_RANGE = /^[~^]?(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?$/;

/** A semver range or dist-tag, as Yarn's npm resolvers accept them. */
function isPlainSelector(selector: string) {
  if (SIMPLE_RANGE.test(selector))
    return true;
  if (selector.includes(`:`))
    return false;
  return semver.validRange(selector) !== null || TAG.test(selector);
}

type RangeSource =
  | {kind: `registry`}
  | {kind: `remap`; name: string; range: string}
  | {kind: `patch`; name: string; range: string; source: string}
  | {kind: `workspace`}
  | {kind: `other`; protocol: string | null}
  | {kind: `undecidable`; detail: string};

function parseDescriptor(text: string): {name: string; range: string} | null {
  const match = DESCRIPTOR.exec(text);
  if (match === null)
    return null;
  return {name: match[1] !== undefined ? `@${match[1]}/${match[2]}` : match[2], range: match[3]};
}

/** Ranges recur across a project's manifests (`npm:^7.0.0`…); parsing one costs a semver parse. */
const rangeSources = new Map<string, RangeSource>();
const RANGE_SOURCE_CACHE_LIMIT = 50_000;

function parseRangeSource(range: string): RangeSource {
  let source = rangeSources.get(range);
  if (source === undefined) {
    if (rangeSources.size >= RANGE_SOURCE_CACHE_LIMIT)
      rangeSources.clear();
    source = parseRangeSourceUncached(range);
    rangeSources.set(range, source);
  }
  return source;
}

function parseRangeSourceUncached(range: string): RangeSource {
  if (range.startsWith(NPM_PROTOCOL)) {
    const rest = range.slice(NPM_PROTOCOL.length);
    if (isPlainSelector(rest))
      return {kind: `registry`};
    const target = parseDescriptor(rest);
    if (target === null)
      return {kind: `undecidable`, detail: `"npm:" is followed by neither a semver range, a tag, nor name@range`};
    return {kind: `remap`, ...target};
  }

  if (range.startsWith(WORKSPACE_PROTOCOL))
    return {kind: `workspace`};

  if (range.startsWith(PATCH_PROTOCOL)) {
    const body = range.slice(PATCH_PROTOCOL.length);
    const hash = body.indexOf(`#`);
    if (hash === -1)
      return {kind: `undecidable`, detail: `a patch range without "#" and patch paths`};
    let source: string;
    try {
      source = decodeURIComponent(body.slice(0, hash));
    } catch (error) {
      if (error instanceof URIError)
        return {kind: `undecidable`, detail: `the patch source has a malformed percent-escape`};
      throw error;
    }
    const inner = parseDescriptor(source);
    if (inner === null)
      return {kind: `undecidable`, detail: `the patch source ${JSON.stringify(source)} is not name@range`};
    return {kind: `patch`, ...inner, source};
  }

  if (isPlainSelector(range))
    return {kind: `registry`};

  const protocol = /^([a-z][a-z0-9+.-]*:)/i.exec(range);
  return {kind: `other`, protocol: protocol !== null ? protocol[1] : null};
}

/** True when `range` of `name` ends, through same-name remaps and patches, at `name` from a registry. */
function staysOnRegistry(name: string, range: string, depth: number): boolean {
  if (depth > MAX_CHAIN)
    return false;
  const source = parseRangeSource(range);
  switch (source.kind) {
    case `registry`:
      return true;
    case `remap`:
    case `patch`:
      return source.name === name && staysOnRegistry(name, source.range, depth + 1);
    default:
      return false;
  }
}

/**
 * True when an edge certainly has nothing to report and reaches no internal
 * name: a `workspace:` edge to a workspace of the project (by that exact
 * name), or a name that is not internal with a range that can name no other
 * package (not a patch, not an `npm:` remap) and cannot be undecidable.
 * Decided without parsing the range; most edges of a project are like this.
 */
export function isInertEdge(name: string, range: string, model: InternalModel): boolean {
  // A workspace of this project, by its own name: what `checkInternalEdge` accepts.
  if (range.startsWith(WORKSPACE_PROTOCOL) && lookupsOf(model).workspaces.has(name))
    return true;
  if (range.startsWith(PATCH_PROTOCOL))
    return false;
  if (range.startsWith(NPM_PROTOCOL) && !SIMPLE_RANGE.test(range.slice(NPM_PROTOCOL.length)))
    return false;
  return !classifyName(name, model).internal;
}

/**
 * An edge whose target is internal must resolve through its internal registry
 * as a plain registry range: a semver range or tag, with or without `npm:`,
 * possibly patched, never remapped to another name, never git, a URL, a file,
 * a folder or a script. `workspace:` is accepted for the project's own
 * workspaces (it cannot resolve to anything else). A remap is followed: a
 * public name remapped to an internal one (`"foo": "npm:@corp/x@1"`) is
 * accepted when the internal name itself is routed to its registry, because
 * Yarn fetches the target through the target's scope route.
 */
export function checkInternalEdge(edge: DependencyEdge, model: InternalModel): EdgeFinding[] {
  const findings: EdgeFinding[] = [];
  checkLevel(edge.from, edge.name, edge.range, model, 0, findings);
  return findings.filter((finding, index) => findings.findIndex(other => other.kind === finding.kind && other.name === finding.name && other.found === finding.found) === index);
}

function checkLevel(from: string, name: string, range: string, model: InternalModel, depth: number, findings: EdgeFinding[]) {
  if (depth > MAX_CHAIN) {
    findings.push({kind: `undecidable-range`, from, name, range, expected: `at most ${MAX_CHAIN} remaps or patches in a row`, found: range, reason: `the chain of remaps and patches behind this dependency is longer than ${MAX_CHAIN}; what it resolves to is not checked`});
    return;
  }

  const classification = classifyName(name, model);
  const source = parseRangeSource(range);
  const report = (kind: EdgeFindingKind, expected: string, found: string, reason: string) =>
    findings.push({kind, from, name, range, expected, found, reason});

  if (source.kind === `undecidable`) {
    report(`undecidable-range`, `a range Yarn can resolve`, range, `${name}@${range}: ${source.detail}`);
    return;
  }

  if (!classification.internal) {
    // Only a remap or a patch can lead from a public name to an internal one.
    if (source.kind === `remap` || source.kind === `patch`)
      checkLevel(from, source.name, source.range, model, depth + 1, findings);
    return;
  }

  const registryText = classification.registry ?? `its internal registry`;
  const expectedRange = `a semver range or tag of ${name} (optionally "npm:"-prefixed) from ${registryText}`;

  switch (source.kind) {
    case `registry`: {
      const routeFinding = classification.routeFinding;
      if (routeFinding !== null)
        report(routeFinding.kind, routeFinding.expected ?? `an internal registry route for ${name}`, routeFinding.found, routeFinding.reason);
    } break;

    case `remap`: {
      if (source.name !== name)
        report(`remap`, expectedRange, range, `${name} is internal but ${from} remaps it to ${source.name}: the package installed under the internal name would come from another name`);
      checkLevel(from, source.name, source.range, model, depth + 1, findings);
    } break;

    case `patch`: {
      if (source.name !== name || !staysOnRegistry(name, source.range, depth + 1)) {
        report(`patch-source`, `a patch of ${name}@<semver range or tag> from ${registryText}`, source.source, `${name} is internal but ${from} patches ${source.source}, which is not ${name} from its internal registry`);
      } else {
        checkLevel(from, source.name, source.range, model, depth + 1, findings);
      }
    } break;

    case `workspace`: {
      if (!lookupsOf(model).workspaces.has(name))
        report(`not-a-workspace`, `a workspace of this project named ${name}`, range, `${name} is internal and declared with "workspace:", but no workspace of this project has that name`);
    } break;

    case `other`: {
      const what = source.protocol !== null ? `"${source.protocol}"` : `a path or repository shorthand`;
      report(`not-registry`, expectedRange, range, `${name} is internal but ${from} takes it from ${what} (${range}) instead of ${registryText}`);
    } break;
  }
}

// ---------------------------------------------------------------------------
// Resolutions
// ---------------------------------------------------------------------------

export interface InternalResolution {
  name: string;
  version: string;
  /** From the lockfile (`__archiveUrl`) or the registry record; null when Yarn uses the conventional URL on `registry`. */
  tarballUrl: string | null;
  /** The registry Yarn will fetch it from. */
  registry: string;
}

export type ResolutionFindingKind = RouteFindingKind | `wrong-registry` | `wrong-host` | `invalid-url`;

export interface ResolutionFinding {
  kind: ResolutionFindingKind;
  name: string;
  version: string;
  expected: string;
  found: string;
  reason: string;
}

/**
 * An internal package must be fetched from its internal registry, and its
 * tarball must be on that registry's host (scheme, host and port): a lockfile
 * entry pointing at the public host, or a registry record whose tarball lives
 * elsewhere, is refused before anything is downloaded.
 */
export function checkInternalResolution(resolution: InternalResolution, model: InternalModel): ResolutionFinding[] {
  const {name, version} = resolution;
  const classification = classifyName(name, model);
  if (!classification.internal)
    return [];

  const findings: ResolutionFinding[] = [];
  const add = (kind: ResolutionFindingKind, expected: string, found: string, reason: string) =>
    findings.push({kind, name, version, expected, found, reason});

  if (classification.routeFinding !== null) {
    const {kind, expected, found, reason} = classification.routeFinding;
    add(kind, expected ?? `an internal registry route for ${name}`, found, reason);
  }
  const internal = classification.registry;
  if (internal === null)
    return findings;

  const fetchRegistry = normalizeRegistryUrl(resolution.registry);
  if (fetchRegistry === null)
    add(`invalid-url`, internal, resolution.registry, `${name}@${version} would be fetched from ${JSON.stringify(resolution.registry)}, which is not a registry URL`);
  else if (fetchRegistry !== internal)
    add(`wrong-registry`, internal, fetchRegistry, `${name}@${version} is internal and must be fetched from ${internal}, but would be fetched from ${fetchRegistry}`);

  if (resolution.tarballUrl !== null) {
    const tarball = parseWebUrl(resolution.tarballUrl);
    const expectedOrigin = originOf(new URL(internal));
    if (tarball === null) {
      add(`invalid-url`, `${expectedOrigin}/…`, resolution.tarballUrl, `the tarball URL of ${name}@${version} is not an http(s) URL`);
    } else if (tarball.username !== `` || tarball.password !== `` || originOf(tarball) !== expectedOrigin) {
      add(`wrong-host`, expectedOrigin, tarball.username !== `` || tarball.password !== `` ? resolution.tarballUrl : originOf(tarball), `the tarball of internal ${name}@${version} is on ${tarball.host}, not on its internal registry ${new URL(internal).host}`);
    }
  }

  return findings;
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

export interface RequestInput {
  url: string;
  /** The package the request is about, when the caller knows it. */
  name: string | null;
  /**
   * Set only on the plugin's own collision probe, which must ask the public
   * registry about internal names: it is allowed to public registries, and
   * only without credentials.
   */
  probe?: {credentials: boolean};
}

export type RequestFindingKind = `leak` | `probe-with-credentials` | `invalid-url`;

export interface RequestFinding {
  kind: RequestFindingKind;
  /** The internal name the request would reveal. */
  name: string | null;
  /** Host (with port) the request would go to. */
  host: string;
  /** The only origin where requests about this name may go, or null when there is none. */
  expected: string | null;
  url: string;
  reason: string;
}

export type RequestDecision = {ok: true} | {ok: false; findings: RequestFinding[]};

/**
 * No request about an internal name may leave for another host than its
 * internal registry: not a packument, not a version document, not a tarball.
 * The name is the one the caller knows plus every name the URL path spells in
 * registry form, so a request whose name the caller cannot attribute is
 * still checked. The query string is not read.
 */
export function mayRequest(request: RequestInput, model: InternalModel): RequestDecision {
  const url = parseWebUrl(request.url);
  if (url === null)
    return {ok: false, findings: [{kind: `invalid-url`, name: request.name, host: ``, expected: null, url: request.url, reason: `${JSON.stringify(request.url)} is not an http(s) URL, so whether it reveals an internal name cannot be decided`}]};

  const origin = originOf(url);
  const hasUserinfo = url.username !== `` || url.password !== ``;
  const candidates = new Set<string>(namesInRegistryPath(url.pathname));
  if (request.name !== null)
    candidates.add(request.name);

  const findings: RequestFinding[] = [];
  for (const candidate of candidates) {
    const classification = classifyName(candidate, model);
    if (!classification.internal)
      continue;

    const internalOrigin = classification.registry !== null ? originOf(new URL(classification.registry)) : null;
    if (internalOrigin === origin)
      continue;

    if (request.probe !== undefined && model.publicRegistries.some(registry => originOf(new URL(registry)) === origin)) {
      if (!request.probe.credentials && !hasUserinfo)
        continue;
      findings.push({kind: `probe-with-credentials`, name: candidate, host: url.host, expected: internalOrigin, url: request.url, reason: `the collision probe for ${candidate} to ${url.host} carries credentials; probes of the public registry must be anonymous`});
      continue;
    }

    const where = internalOrigin !== null ? `only ${internalOrigin} may be asked about it` : `it has no internal registry, so no registry may be asked about it`;
    findings.push({kind: `leak`, name: candidate, host: url.host, expected: internalOrigin, url: request.url, reason: `refusing to send internal name ${candidate} to ${url.host}: ${where}`});
  }

  return findings.length === 0 ? {ok: true} : {ok: false, findings};
}

/**
 * Names a registry URL path spells, whatever the registry's base path:
 * `…/<name>`, `…/@scope%2f<name>`, `…/@scope/<name>`, `…/<name>/<version>`,
 * `…/<name>/-/<file>.tgz` (also GitLab's `…/-/@scope/<file>.tgz`),
 * `…/-/package/<name>/…`, and for a bare `…/<file>.tgz` the file name without
 * its version. Segments that do not decode are kept as written; the
 * classification then refuses them as undecodable.
 */
export function namesInRegistryPath(pathname: string): string[] {
  const raw = pathname.split(`/`).filter(segment => segment !== ``);
  const segments = raw.map(segment => {
    try {
      return decodeURIComponent(segment);
    } catch (error) {
      if (error instanceof URIError)
        return segment;
      throw error;
    }
  });
  const n = segments.length;
  const names = new Set<string>();

  /** The name whose last segment is at `index`: with its scope when the previous segment is one. */
  const endingAt = (index: number) => {
    if (index < 0)
      return;
    if (index >= 1 && isScopeSegment(segments[index - 1]))
      names.add(`${segments[index - 1]}/${segments[index]}`);
    else
      names.add(segments[index]);
  };
  const startingAt = (index: number) => {
    if (index >= n)
      return;
    if (isScopeSegment(segments[index]) && index + 1 < n)
      names.add(`${segments[index]}/${segments[index + 1]}`);
    else
      names.add(segments[index]);
  };

  if (n === 0)
    return [];

  const last = segments[n - 1];
  const dashes = segments.flatMap((segment, index) => segment === `-` ? [index] : []);
  const tarballAfterDash = last.endsWith(`.tgz`) && dashes.some(index => index === n - 2 || (index === n - 3 && isScopeSegment(segments[n - 2])));

  if (last.endsWith(`.tgz`)) {
    if (!tarballAfterDash) {
      const stem = last.slice(0, -`.tgz`.length);
      const versioned = /^(.+?)-(\d+\.\d+\.\d+.*)$/.exec(stem);
      names.add(versioned !== null && semver.valid(versioned[2]) !== null ? versioned[1] : stem);
    }
  } else if (!isScopeSegment(last)) {
    endingAt(n - 1);
  }

  if (semver.valid(last) !== null)
    endingAt(n - 2);

  for (const dash of dashes) {
    endingAt(dash - 1);
    if (segments[dash + 1] === `package`)
      startingAt(dash + 2);
  }

  return [...names].filter(name => name !== ``);
}

function isScopeSegment(segment: string) {
  return segment.startsWith(`@`) && segment.length > 1 && !segment.includes(`/`);
}

// ---------------------------------------------------------------------------
// Collisions with the public registry
// ---------------------------------------------------------------------------

/** What the public registry answered, asked without credentials, about one name. */
export interface ProbeResult {
  name: string;
  /** The public registry asked (normalized when read from the cache). */
  registry: string;
  exists: boolean;
  /** ISO 8601, as `Date.prototype.toISOString` writes it. */
  checkedAt: string;
}

export interface Acknowledgement {
  acknowledgedAt: string;
  reason?: string;
}

export interface CollisionInput {
  name: string;
  /** `trustPublicRegistryServer`: the registry the probe must have asked. */
  publicRegistry: string;
  probe: ProbeResult | null;
  /** The trust file's acknowledgement of this name, if any. */
  acknowledged: Acknowledgement | null;
  probesEnabled: boolean;
  now: Date;
  /** How long a probe answer stays valid. */
  maxAgeMs: number;
}

export type CollisionDecision =
  /** Checked and not on the public registry. */
  | {kind: `ok`; name: string; probe: ProbeResult; unusedAcknowledgement: boolean}
  /** On the public registry and not acknowledged: refused. */
  | {kind: `collision`; name: string; probe: ProbeResult; reason: string}
  /** On the public registry, acknowledged in the trust file: allowed, and reported by status/check. */
  | {kind: `acknowledged`; name: string; probe: ProbeResult; acknowledged: Acknowledgement}
  /** No valid answer: the caller must probe now (and refuse when the probe cannot be answered). */
  | {kind: `probe-needed`; name: string; why: `missing` | `stale` | `future` | `other-name` | `other-registry` | `invalid-date`; reason: string}
  /** Probes are switched off: allowed, reported as not checked. */
  | {kind: `not-checked`; name: string; reason: string};

/**
 * Decides whether an internal name collides with a public one. A known public
 * name is a collision even when probes are switched off or the answer is old:
 * names rarely leave a registry, and switching probes off must not hide a
 * collision already seen. A "not there" answer only counts while it is fresh.
 */
export function decideCollision(input: CollisionInput): CollisionDecision {
  const {name, probe, acknowledged, now, maxAgeMs} = input;
  if (Number.isNaN(now.getTime()))
    throw new RangeError(`decideCollision needs a valid "now"`);
  if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0)
    throw new RangeError(`decideCollision needs a finite, non-negative maxAgeMs, got ${maxAgeMs}`);

  const publicRegistry = normalizeRegistryUrl(input.publicRegistry);
  if (publicRegistry === null)
    throw new RangeError(`decideCollision needs a registry URL, got ${JSON.stringify(input.publicRegistry)}`);

  const usable = probe !== null && probe.name === name && normalizeRegistryUrl(probe.registry) === publicRegistry && isCanonicalIsoDate(probe.checkedAt)
    ? probe
    : null;

  if (usable !== null && usable.exists) {
    const age = now.getTime() - Date.parse(usable.checkedAt);
    const fresh = age >= 0 && age < maxAgeMs;
    if (input.probesEnabled && !fresh && acknowledged === null)
      return needProbe(name, age < 0 ? `future` : `stale`, `the answer for ${name} from ${usable.checkedAt} is ${age < 0 ? `dated in the future` : `too old`}`);
    if (acknowledged !== null)
      return {kind: `acknowledged`, name, probe: usable, acknowledged};
    return {kind: `collision`, name, probe: usable, reason: `internal package ${name} also exists on the public registry ${usable.registry} (checked ${usable.checkedAt}); anyone could publish a higher version there. If your organization owns the public name, acknowledge it in the trust file`};
  }

  if (!input.probesEnabled)
    return {kind: `not-checked`, name, reason: `collision probes are switched off: whether ${name} also exists on the public registry was not checked`};

  if (probe === null)
    return needProbe(name, `missing`, `the public registry has not been asked about ${name} yet`);
  if (probe.name !== name)
    return needProbe(name, `other-name`, `the cached answer is about ${JSON.stringify(probe.name)}, not ${JSON.stringify(name)}`);
  if (normalizeRegistryUrl(probe.registry) !== publicRegistry)
    return needProbe(name, `other-registry`, `the cached answer for ${name} came from ${probe.registry}, not from ${publicRegistry}`);
  if (usable === null)
    return needProbe(name, `invalid-date`, `the cached answer for ${name} has no valid date (${JSON.stringify(probe.checkedAt)})`);

  const age = now.getTime() - Date.parse(usable.checkedAt);
  if (age < 0)
    return needProbe(name, `future`, `the cached answer for ${name} is dated in the future (${usable.checkedAt})`);
  if (age >= maxAgeMs)
    return needProbe(name, `stale`, `the cached answer for ${name} from ${usable.checkedAt} is older than ${maxAgeMs} ms`);

  return {kind: `ok`, name, probe: usable, unusedAcknowledgement: acknowledged !== null};
}

function needProbe(name: string, why: Extract<CollisionDecision, {kind: `probe-needed`}>[`why`], detail: string): CollisionDecision {
  return {kind: `probe-needed`, name, why, reason: `${detail}; ask the public registry, without credentials, whether ${name} exists there`};
}

function isCanonicalIsoDate(text: string) {
  const time = Date.parse(text);
  return !Number.isNaN(time) && new Date(time).toISOString() === text;
}

// ---------------------------------------------------------------------------
// The probe cache (the plugin's own state in Yarn's global folder, never committed)
// ---------------------------------------------------------------------------

export const PROBE_CACHE_VERSION = 1;

/**
 * Reads the probe cache. Any problem discards the whole cache (`entries` is
 * empty, `problem` says why) instead of stopping the install: the cache only
 * saves requests, it never allows anything by itself — an empty cache means
 * every internal name is probed again, and a probe that cannot be answered is
 * refused. Acknowledgements live in the committed trust file, not here, so
 * losing the cache cannot turn a collision into an accepted one. Partial
 * reading is not attempted: one bad entry means the file is not what this
 * plugin wrote, and nothing in it is trusted.
 */
export function parseProbeCache(text: string): {entries: ProbeResult[]; problem: string | null} {
  const discard = (problem: string) => ({entries: [], problem: `probe cache ignored: ${problem}`});

  let document: JsonValue;
  try {
    document = toPlain(parseJson(text));
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      return discard(error.message);
    throw error;
  }

  if (!isObject(document))
    return discard(`expected a JSON object`);
  const unknownTop = Object.keys(document).filter(key => key !== `version` && key !== `probes`);
  if (unknownTop.length > 0)
    return discard(`unknown key ${JSON.stringify(unknownTop[0])}`);
  if (document.version !== PROBE_CACHE_VERSION)
    return discard(`version ${JSON.stringify(document.version ?? null)} is not ${PROBE_CACHE_VERSION}`);
  if (!Array.isArray(document.probes))
    return discard(`"probes" is not an array`);

  const entries: ProbeResult[] = [];
  for (const [index, item] of document.probes.entries()) {
    if (!isObject(item))
      return discard(`probes[${index}] is not an object`);
    const unknown = Object.keys(item).filter(key => ![`name`, `registry`, `exists`, `checkedAt`].includes(key));
    if (unknown.length > 0)
      return discard(`probes[${index}] has unknown key ${JSON.stringify(unknown[0])}`);
    const {name, registry, exists, checkedAt} = item;
    if (typeof name !== `string` || typeof registry !== `string` || typeof exists !== `boolean` || typeof checkedAt !== `string`)
      return discard(`probes[${index}] needs "name" (string), "registry" (string), "exists" (boolean) and "checkedAt" (string)`);
    const problem = probeProblem({name, registry, exists, checkedAt});
    if (problem !== null)
      return discard(`probes[${index}]: ${problem}`);
    const entry = {name, registry: normalizeRegistryUrl(registry)!, exists, checkedAt};
    if (entries.some(existing => existing.name === entry.name && existing.registry === entry.registry))
      return discard(`probes[${index}]: ${entry.name} at ${entry.registry} is listed twice`);
    entries.push(entry);
  }

  return {entries, problem: null};
}

function isObject(value: JsonValue | undefined): value is {[key: string]: JsonValue} {
  return typeof value === `object` && value !== null && !Array.isArray(value);
}

function probeProblem(probe: ProbeResult): string | null {
  if (probe.name === `` || probe.name.trim() !== probe.name)
    return `${JSON.stringify(probe.name)} is not a package name`;
  if (normalizeRegistryUrl(probe.registry) === null)
    return `${JSON.stringify(probe.registry)} is not a registry URL`;
  if (!isCanonicalIsoDate(probe.checkedAt))
    return `checkedAt ${JSON.stringify(probe.checkedAt)} is not an ISO date as toISOString writes it`;
  return null;
}

/**
 * Writes the cache canonically: version first, probes sorted by registry then
 * name, registries normalized, two-space indent, one trailing newline. Throws
 * on an invalid or duplicate entry: writing what could not be read back would
 * only throw the cache away next time.
 */
export function serializeProbeCache(entries: readonly ProbeResult[]): string {
  const probes: ProbeResult[] = [];
  for (const entry of entries) {
    const problem = probeProblem(entry);
    if (problem !== null)
      throw new Error(`Cannot write probe cache: ${problem}`);
    const normalized = {name: entry.name, registry: normalizeRegistryUrl(entry.registry)!, exists: entry.exists, checkedAt: entry.checkedAt};
    if (probes.some(existing => existing.name === normalized.name && existing.registry === normalized.registry))
      throw new Error(`Cannot write probe cache: ${normalized.name} at ${normalized.registry} is listed twice`);
    probes.push(normalized);
  }
  probes.sort((a, b) => compareCodeUnits(a.registry, b.registry) || compareCodeUnits(a.name, b.name));
  return `${JSON.stringify({version: PROBE_CACHE_VERSION, probes}, null, 2)}\n`;
}

/** The cached answer for `name` from `registry` (compared normalized), or null. */
export function findProbe(entries: readonly ProbeResult[], name: string, registry: string): ProbeResult | null {
  const wanted = normalizeRegistryUrl(registry);
  if (wanted === null)
    return null;
  return entries.find(entry => entry.name === name && normalizeRegistryUrl(entry.registry) === wanted) ?? null;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
