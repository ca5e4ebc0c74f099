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
