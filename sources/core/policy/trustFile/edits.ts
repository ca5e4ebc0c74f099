/** Edits of the trust file: each returns a new TrustFile and leaves its argument untouched. */

import {type Approval, type CollisionAcknowledgement, type Denial, type GitCommitApproval, type GitDependencyTrust, type InstallFingerprint, type PackageTrust, type TrustFile, collisionsOf, gitDependenciesOf, setKey} from './types';
import {approvalKey, compareApprovals, compareGitApprovals} from './order';

/**
 * The acknowledgement of `name`, or null. Own keys only: a plain lookup
 * (`trust.collisions[name]`) finds Object.prototype members for names such
 * as "constructor", which would read as acknowledged.
 */
export function collisionAcknowledgementOf(trust: TrustFile, name: string): CollisionAcknowledgement | null {
  const collisions = collisionsOf(trust);
  return Object.hasOwn(collisions, name) ? collisions[name] : null;
}

// ---------------------------------------------------------------------------
// Edits. Each returns a new TrustFile and leaves its argument untouched, so
// callers can compare before and after (for messages, or to skip a write).

export function copyApproval(approval: Approval): Approval {
  const copy: Approval = {
    version: approval.version,
    scripts: {...approval.scripts},
    files: {...approval.files},
    approvedAt: approval.approvedAt,
  };
  if (approval.reason !== undefined)
    copy.reason = approval.reason;
  return copy;
}

export function copyDenial(denial: Denial): Denial {
  const copy: Denial = {deniedAt: denial.deniedAt};
  if (denial.reason !== undefined)
    copy.reason = denial.reason;
  return copy;
}

export function copyAcknowledgement(acknowledgement: CollisionAcknowledgement): CollisionAcknowledgement {
  const copy: CollisionAcknowledgement = {acknowledgedAt: acknowledgement.acknowledgedAt, publicRegistry: acknowledgement.publicRegistry};
  if (acknowledgement.reason !== undefined)
    copy.reason = acknowledgement.reason;
  return copy;
}

/** The record without `name`; own data properties only, so "__proto__" stays a plain key. */
export function without<T>(record: Record<string, T>, name: string): Record<string, T> {
  const rest: Record<string, T> = {};
  for (const other of Object.keys(record))
    if (other !== name)
      setKey(rest, other, record[other]);
  return rest;
}

/**
 * Every edit returns new top-level records (so a caller changing the result
 * cannot reach the input) and shares the unchanged entries, which no edit
 * ever modifies.
 */
export function withEntry(trust: TrustFile, name: string, entry: PackageTrust): TrustFile {
  // A computed key in a literal defines an own property, even for "__proto__".
  return {version: trust.version, packages: {...trust.packages, [name]: entry}, collisions: {...collisionsOf(trust)}, ...keepSections(trust)};
}

/**
 * Adds `approval`; a denial of the package is dropped. Recorded approvals are
 * review history and are never rewritten: when one of the same version and
 * fingerprint exists, it is kept with its date and reason, and `trust` is
 * returned unchanged (check with `hasApproval` to tell the caller so).
 */
export function withApproval(trust: TrustFile, name: string, approval: Approval): TrustFile {
  if (hasApproval(trust, name, approval))
    return trust;
  const current = Object.hasOwn(trust.packages, name) ? trust.packages[name] : undefined;
  const kept = current !== undefined && `approvals` in current ? current.approvals : [];

  return withEntry(trust, name, {approvals: [...kept, copyApproval(approval)].sort(compareApprovals)});
}

/** True when `name` has an approval of the same version and fingerprint (dates and reasons aside). */
export function hasApproval(trust: TrustFile, name: string, approval: InstallFingerprint & {version: string}): boolean {
  const current = Object.hasOwn(trust.packages, name) ? trust.packages[name] : undefined;
  if (current === undefined || !(`approvals` in current))
    return false;
  const key = approvalKey({...approval, approvedAt: ``});
  return current.approvals.some(other => approvalKey(other) === key);
}

/**
 * Removes one approval (same version and fingerprint) of `name`; the package
 * is forgotten when it was its last one.
 */
export function withoutApproval(trust: TrustFile, name: string, approval: Approval): TrustFile {
  const current = Object.hasOwn(trust.packages, name) ? trust.packages[name] : undefined;
  if (current === undefined || !(`approvals` in current))
    return trust;
  const key = approvalKey(approval);
  const kept = current.approvals.filter(other => approvalKey(other) !== key);
  if (kept.length === current.approvals.length)
    return trust;
  return kept.length === 0 ? withoutPackage(trust, name) : withEntry(trust, name, {approvals: kept});
}

/** Denies the package; its approvals, if any, are dropped. */
export function withDenial(trust: TrustFile, name: string, denial: Denial): TrustFile {
  return withEntry(trust, name, {denied: copyDenial(denial)});
}

/** Forgets every decision about the package (revocation). */
export function withoutPackage(trust: TrustFile, name: string): TrustFile {
  // An acknowledged collision is a decision about a name, not about approved
  // code: revoking the package's approvals leaves it in place.
  return {version: trust.version, packages: without(trust.packages, name), collisions: {...collisionsOf(trust)}, ...keepSections(trust)};
}

/**
 * Acknowledges that the internal package `name` also exists on the public
 * registry, replacing an earlier acknowledgement of that name.
 */
export function withCollisionAcknowledged(trust: TrustFile, name: string, acknowledgement: CollisionAcknowledgement): TrustFile {
  return {version: trust.version, packages: {...trust.packages}, collisions: {...collisionsOf(trust), [name]: copyAcknowledgement(acknowledgement)}, ...keepSections(trust)};
}

/** Forgets the acknowledgement of `name`, if any: a collision is refused again. */
export function withoutCollisionAcknowledgement(trust: TrustFile, name: string): TrustFile {
  return {version: trust.version, packages: {...trust.packages}, collisions: without(collisionsOf(trust), name), ...keepSections(trust)};
}

/** The optional sections as a spread, so that edits of other sections carry them over unchanged. */
export function keepSections(trust: TrustFile): {gitDependencies?: GitDependencyTrust, releases?: TrustFile[`releases`]} {
  return {
    ...trust.gitDependencies !== undefined ? {gitDependencies: {...trust.gitDependencies}} : {},
    ...trust.releases !== undefined ? {releases: {...trust.releases}} : {},
  };
}

/**
 * Approves `repository` at `approval.commit`, replacing an earlier approval of
 * the same commit (a re-review updates its date and reason).
 */
export function withGitCommitApproved(trust: TrustFile, repository: string, approval: GitCommitApproval): TrustFile {
  const repositories = gitDependenciesOf(trust);
  const current = Object.hasOwn(repositories, repository) ? repositories[repository].approvals : [];
  const copy: GitCommitApproval = {commit: approval.commit, approvedAt: approval.approvedAt};
  if (approval.reason !== undefined)
    copy.reason = approval.reason;
  const approvals = [...current.filter(other => other.commit !== approval.commit), copy].sort(compareGitApprovals);
  const next: GitDependencyTrust = {};
  for (const url of Object.keys(repositories))
    setKey(next, url, repositories[url]);
  setKey(next, repository, {approvals});
  return {version: trust.version, packages: {...trust.packages}, collisions: {...collisionsOf(trust)}, ...keepSections(trust), gitDependencies: next};
}
