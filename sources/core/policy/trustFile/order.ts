/** The canonical orders of the trust file's entries, shared by reading, writing and editing. */

import semver from 'semver';

import {type Approval, FINDING_KINDS, type GitCommitApproval, LIFECYCLE_RANK, LIFECYCLE_SCRIPTS, type ReleaseAllowance, type ReleaseFindingKind} from './types';

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareVersions(a: string, b: string): number {
  // Invalid versions only reach here from hand-built data that the final
  // validation refuses anyway; they just need a stable place meanwhile.
  if (semver.valid(a) === null || semver.valid(b) === null)
    return compareCodeUnits(a, b);
  return semver.compareBuild(a, b) || compareCodeUnits(a, b);
}

/**
 * One version can carry several fingerprints (the registry package and a
 * `patch:` of it, say): an approval is identified by both.
 */
export function approvalKey(approval: Approval): string {
  const sorted = (record: Record<string, string>) => Object.keys(record).sort(compareCodeUnits).map(key => [key, record[key]]);
  return JSON.stringify([approval.version, sorted(approval.scripts), sorted(approval.files)]);
}

export function compareApprovals(a: Approval, b: Approval): number {
  return compareVersions(a.version, b.version) || compareCodeUnits(approvalKey(a), approvalKey(b));
}

export function compareScriptNames(a: string, b: string): number {
  const rankA = LIFECYCLE_RANK.get(a) ?? LIFECYCLE_SCRIPTS.length;
  const rankB = LIFECYCLE_RANK.get(b) ?? LIFECYCLE_SCRIPTS.length;
  return rankA - rankB || compareCodeUnits(a, b);
}

/** Oldest approval first, so that a new review appends at the end of the list. */
export function compareGitApprovals(a: GitCommitApproval, b: GitCommitApproval): number {
  return compareCodeUnits(a.approvedAt, b.approvedAt) || compareCodeUnits(a.commit, b.commit);
}

/** Versions first in the order written by `compareAllowances`: the name-wide one first, then by version. */
export function compareAllowances(a: ReleaseAllowance, b: ReleaseAllowance): number {
  if (a.version === b.version)
    return 0;
  if (a.version === undefined)
    return -1;
  if (b.version === undefined)
    return 1;
  return a.version < b.version ? -1 : 1;
}

export function compareKinds(a: ReleaseFindingKind, b: ReleaseFindingKind): number {
  return FINDING_KINDS.indexOf(a) - FINDING_KINDS.indexOf(b);
}
