/** Whether a dependency edge (a name and its range, through npm: aliases and patches) keeps an internal name on its registry. */

import semver from 'semver';

import {classifyName, type InternalModel, lookupsOf, type RouteFindingKind} from './model';

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
export const TAG = /^(?!v)[a-z0-9._-]+$/i;

/** Yarn's strict descriptor syntax: `name@range`, `@scope/name@range`. */
export const DESCRIPTOR = /^(?:@([^/]+?)\/)?([^@/]+?)(?:@(.+))$/;

/** Remaps of remaps are followed by Yarn; this many hops is more than anyone writes. */
export const MAX_CHAIN = 8;

export const NPM_PROTOCOL = `npm:`;
export const PATCH_PROTOCOL = `patch:`;
export const WORKSPACE_PROTOCOL = `workspace:`;

/** `1.2.3`, `^1.2.3`, `~1.2.3-rc.1`: most ranges of a lockfile, valid semver ranges without a parse. */
export const SIMPLE_RANGE = /^[~^]?(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?$/;

/** A semver range or dist-tag, as Yarn's npm resolvers accept them. */
export function isPlainSelector(selector: string) {
  if (SIMPLE_RANGE.test(selector))
    return true;
  if (selector.includes(`:`))
    return false;
  return semver.validRange(selector) !== null || TAG.test(selector);
}

export type RangeSource =
  | {kind: `registry`}
  | {kind: `remap`, name: string, range: string}
  | {kind: `patch`, name: string, range: string, source: string}
  | {kind: `workspace`}
  | {kind: `other`, protocol: string | null}
  | {kind: `undecidable`, detail: string};

export function parseDescriptor(text: string): {name: string, range: string} | null {
  const match = DESCRIPTOR.exec(text);
  if (match === null)
    return null;
  return {name: match[1] !== undefined ? `@${match[1]}/${match[2]}` : match[2], range: match[3]};
}

/** Ranges recur across a project's manifests (`npm:^7.0.0`…); parsing one costs a semver parse. */
export const rangeSources = new Map<string, RangeSource>();
export const RANGE_SOURCE_CACHE_LIMIT = 50_000;

export function parseRangeSource(range: string): RangeSource {
  let source = rangeSources.get(range);
  if (source === undefined) {
    if (rangeSources.size >= RANGE_SOURCE_CACHE_LIMIT)
      rangeSources.clear();
    source = parseRangeSourceUncached(range);
    rangeSources.set(range, source);
  }
  return source;
}

export function parseRangeSourceUncached(range: string): RangeSource {
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
export function staysOnRegistry(name: string, range: string, depth: number): boolean {
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

export function checkLevel(from: string, name: string, range: string, model: InternalModel, depth: number, findings: EdgeFinding[]) {
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
