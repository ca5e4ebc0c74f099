/**
 * The trust file's `releases` section: findings of the release-trust checks
 * (a name that looks like a typo of a popular one, a brand-new name, a release
 * published with less evidence than its predecessors, a signature problem)
 * that a reviewer looked at and accepted, with `yarn trust allow`. An
 * allowance accepts only the kinds of finding it lists, so a later finding of
 * another kind about the same package is refused again; one that names a
 * version accepts only that version, and the findings about one release (its
 * provenance, its signature) can only be accepted for a version.
 */

import {compareAllowances, compareKinds} from './order';
import {type ReleaseAllowance, type ReleaseFindingKind, releasesOf, setKey, type TrustFile} from './types';

/** The allowance that accepts `kind` for `name@version`, or null. */
export function allowanceFor(trust: TrustFile, name: string, version: string | null, kind: ReleaseFindingKind): ReleaseAllowance | null {
  const releases = releasesOf(trust);
  if (!Object.hasOwn(releases, name))
    return null;
  return releases[name].find(allowance => allowance.findings.includes(kind) && (allowance.version === undefined || allowance.version === version)) ?? null;
}

/**
 * Records an allowance. An existing allowance of the same version (or of the
 * whole name) is replaced by one that accepts the kinds of both: the reviewer
 * looked again, so the new date and reason describe the decision.
 */
export function withReleaseAllowed(trust: TrustFile, name: string, allowance: ReleaseAllowance): TrustFile {
  const releases = releasesOf(trust);
  const current = Object.hasOwn(releases, name) ? releases[name] : [];
  const same = current.find(other => other.version === allowance.version);
  const findings = [...new Set([...same?.findings ?? [], ...allowance.findings])].sort(compareKinds);
  const entry: ReleaseAllowance = {...allowance.version !== undefined ? {version: allowance.version} : {}, findings, allowedAt: allowance.allowedAt, reason: allowance.reason};
  const next: Record<string, Array<ReleaseAllowance>> = {};
  for (const other of Object.keys(releases))
    setKey(next, other, releases[other]);
  setKey(next, name, [...current.filter(other => other !== same), entry].sort(compareAllowances));
  return {...trust, packages: {...trust.packages}, collisions: {...trust.collisions}, releases: next};
}
