/**
 * Decisions of the trust file that nothing in the project needs any more: an
 * approval whose version and fingerprint no package of the project runs, a
 * denial of a package that left the project. They are reported (never kept
 * silently forever) and removed only on request (never dropped silently), so
 * that the trust file stays a review record of what the project runs.
 */

import {sameFingerprint} from './fingerprint';
import type {GateFinding} from './gateTypes';
import {withoutApproval, withoutPackage} from '../../core/policy/trustFile/edits';
import type {Approval, Denial, TrustFile} from '../../core/policy/trustFile/types';

export type StaleDecision =
  | {kind: `approval`, name: string, approval: Approval, why: StaleReason}
  | {kind: `denial`, name: string, denial: Denial, why: StaleReason};

export type StaleReason =
  /** No package of this name is resolved in the project any more. */
  | `not-in-project`
  /** The package is there, but none of its versions runs what this approval reviewed. */
  | `fingerprint-unused`
  /**
   * Another approval of the same version now matches: install code reaches
   * more of its files than this earlier review saw.
   */
  | `superseded`;

export interface ProjectUse {
  /** Every package name the project resolves (dependencies at any depth; not its workspaces). */
  names: ReadonlySet<string>;
  /** The script gate's findings for the project, one per package that runs install scripts. */
  findings: readonly GateFinding[];
}

/**
 * Which decisions of `trust` the project no longer uses. An approval is in use
 * when a package of the project has its fingerprint, or when the gate matched
 * it or compares a changed package with it (the diff shown to the reviewer).
 * A package whose files could not be read keeps all its approvals: what it
 * runs is unknown, so nothing about it can be called unused.
 */
export function findStaleDecisions(trust: TrustFile, use: ProjectUse): StaleDecision[] {
  const stale: StaleDecision[] = [];
  for (const name of Object.keys(trust.packages).sort()) {
    const entry = trust.packages[name];
    const present = use.names.has(name);
    if (`denied` in entry) {
      if (!present)
        stale.push({kind: `denial`, name, denial: entry.denied, why: `not-in-project`});
      continue;
    }

    const findings = use.findings.filter(finding => finding.pkg.name === name);
    if (findings.some(finding => `error` in finding.pkg.fingerprint))
      continue;
    for (const approval of entry.approvals) {
      // By value: the findings may come from another parse of the same file.
      const used = findings.some(finding => (finding.approval !== null && sameApproval(finding.approval, approval))
        || (!(`error` in finding.pkg.fingerprint) && sameFingerprint(approval, finding.pkg.fingerprint)));
      if (!used) {
        const superseded = findings.some(finding => finding.state === `approved` && finding.approval !== null && finding.approval.version === approval.version && !sameApproval(finding.approval, approval));
        stale.push({kind: `approval`, name, approval, why: !present ? `not-in-project` : superseded ? `superseded` : `fingerprint-unused`});
      }
    }
  }
  return stale;
}

function sameApproval(a: Approval, b: Approval) {
  return a === b || (a.version === b.version && a.approvedAt === b.approvedAt && sameFingerprint(a, b));
}

/** `trust` without the given decisions; a package whose last approval goes is forgotten. */
export function withoutStaleDecisions(trust: TrustFile, stale: readonly StaleDecision[]): TrustFile {
  let result = trust;
  for (const decision of stale)
    result = decision.kind === `denial` ? withoutPackage(result, decision.name) : withoutApproval(result, decision.name, decision.approval);
  return result;
}

/** Names whose whole entry `withoutStaleDecisions` removes (their `built` flag has no reason left). */
export function forgottenPackages(before: TrustFile, after: TrustFile): string[] {
  return Object.keys(before.packages).filter(name => !Object.hasOwn(after.packages, name)).sort();
}
