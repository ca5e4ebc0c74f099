/**
 * Release trust in `yarn trust check`: every registry name of the lockfile is
 * judged as an install judges a new one, so a name locked before the plugin
 * was added, or before the popular names changed, is caught in CI. Only the
 * typosquat decision applies: the age of a name matters when it enters the
 * lockfile. A suspect the registry could not be asked about is reported as
 * not checked, never as clean.
 */

import {type Configuration, LinkType, type Project, ReportError, formatUtils, structUtils} from '@yarnpkg/core';

import {allowanceFor} from '../../core/policy/trustFile/releases';
import {releasesOf, type TrustFile} from '../../core/policy/trustFile/types';
import {trustFileOf} from '../../core/yarn/trustFileStore';
import {describeTyposquat, typosquatRefusal} from './install';

export type ReleaseFinding =
  | {kind: `typosquat`, name: string, target: string, severity: `error`, message: string}
  | {kind: `not-checked`, name: string, severity: `error`, message: string};

/** The registry names of the lockfile's packages (aliases are locked under the name they install). */
export function lockedRegistryNames(project: Project): Array<string> {
  const names = new Set<string>();
  for (const pkg of project.originalPackages.values()) {
    if (pkg.linkType !== LinkType.HARD || !pkg.reference.startsWith(`npm:`) || structUtils.isVirtualLocator(pkg))
      continue;
    names.add(structUtils.stringifyIdent(pkg));
  }
  return [...names].sort();
}

export async function runReleaseChecks(project: Project): Promise<{judged: number, allowed: number, findings: Array<ReleaseFinding>}> {
  const {configuration} = project;
  const trust = (await trustFileOf(project)).trust;
  const now = new Date();
  const locked = lockedRegistryNames(project);
  const names = locked.filter(name => allowanceFor(trust, name, null, `typosquat`) === null);
  const findings: Array<ReleaseFinding> = [];
  await Promise.all(names.map(async name => {
    try {
      const refusal = await typosquatRefusal(project, name, now);
      if (refusal !== null) {
        findings.push({kind: `typosquat`, name, target: refusal.target, severity: `error`, message: describeTyposquat(configuration, name, refusal)});
      }
    } catch (error) {
      if (!(error instanceof ReportError))
        throw error;
      findings.push({kind: `not-checked`, name, severity: `error`, message: notChecked(configuration, name, error.message)});
    }
  }));
  return {judged: locked.length, allowed: locked.length - names.length, findings: findings.sort((a, b) => a.name < b.name ? -1 : 1)};
}

function notChecked(configuration: Configuration, name: string, why: string) {
  return `${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)} looks like a typo of a popular name and could not be judged: ${why}`;
}

export type AllowanceStatus = {
  name: string;
  version: string | null;
  findings: Array<string>;
  reason: string;
  allowedAt: string;
  /** Whether the lockfile holds the name (at that version, when the allowance names one). */
  inLockfile: boolean;
};

/** The release-trust findings the trust file accepts, and whether the project still has what they accept. */
export function releaseAllowances(project: Project, trust: TrustFile): Array<AllowanceStatus> {
  const locked = new Set<string>();
  for (const pkg of project.originalPackages.values()) {
    if (!pkg.reference.startsWith(`npm:`) || structUtils.isVirtualLocator(pkg))
      continue;
    locked.add(structUtils.stringifyIdent(pkg));
    locked.add(`${structUtils.stringifyIdent(pkg)}@${pkg.version}`);
  }
  const statuses: Array<AllowanceStatus> = [];
  for (const [name, allowances] of Object.entries(releasesOf(trust))) {
    for (const allowance of allowances) {
      const version = allowance.version ?? null;
      statuses.push({name, version, findings: [...allowance.findings], reason: allowance.reason, allowedAt: allowance.allowedAt, inLockfile: locked.has(version === null ? name : `${name}@${version}`)});
    }
  }
  return statuses;
}

export function describeAllowance(configuration: Configuration, status: AllowanceStatus) {
  const what = formatUtils.pretty(configuration, status.version === null ? status.name : `${status.name}@${status.version}`, formatUtils.Type.NAME);
  const where = status.inLockfile ? `` : ` (not in yarn.lock any more)`;
  return `${what}: allowed despite ${status.findings.join(`, `)} on ${status.allowedAt.slice(0, 10)}${where}: ${status.reason}`;
}
