/** The trust file's decisions that no package of the project uses any more. */

import {type Project, structUtils} from '@yarnpkg/core';

import {findStaleDecisions, type StaleDecision} from '../policy/staleDecisions';
import type {ScriptGateResult} from './gate';

/** The trust file's decisions that the project, as `yarn.lock` resolves it, no longer uses. */
export function staleDecisionsOf(project: Project, gate: ScriptGateResult): StaleDecision[] {
  const names = new Set<string>();
  for (const pkg of project.storedPackages.values())
    if (!structUtils.isVirtualLocator(pkg) && project.tryWorkspaceByLocator(pkg) === null)
      names.add(structUtils.stringifyIdent(pkg));
  return findStaleDecisions(gate.trustFile.trust, {names, findings: gate.findings});
}
