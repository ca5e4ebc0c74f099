/** What `yarn trust check` reports about internal names. */

import {
  MessageName, type Project, ReportError, formatUtils, structUtils,
} from '@yarnpkg/core';

import {classifyName, type InternalModel} from '../policy/model';
import {internalModelOf} from './model';
import {validateInternalNames} from './install';
import {collisionDecision, describeCollision} from './probes';

export interface ConfusionFinding {
  kind: `model` | `route` | `resolution` | `collision` | `not-checked` | `acknowledged`;
  name: string | null;
  severity: `error` | `info`;
  message: string;
}

/**
 * What `yarn trust check` reports about internal names: routes, lockfile
 * resolutions on other hosts, and a collision probe for every internal name
 * of the lockfile (cached answers are reused while fresh).
 */
export async function runConfusionChecks(project: Project): Promise<ConfusionFinding[]> {
  const {configuration} = project;
  const findings: ConfusionFinding[] = [];
  const collect = {
    reportError: (_name: MessageName, text: string) => findings.push({kind: text.includes(`trustInternalPackages`) ? `route` : `resolution`, name: null, severity: `error`, message: text}),
  };

  let model: InternalModel;
  try {
    model = internalModelOf(project);
  } catch (error) {
    if (!(error instanceof ReportError))
      throw error;
    return [{kind: `model`, name: null, severity: `error`, message: error.message}];
  }
  await validateInternalNames(project, collect);

  const names = new Set<string>();
  for (const pkg of project.originalPackages.values()) {
    const name = structUtils.stringifyIdent(pkg);
    if (project.tryWorkspaceByLocator(pkg) === null && classifyName(name, model).internal)
      names.add(name);
  }
  for (const name of [...names].sort()) {
    const decision = await collisionDecision(project, name, {probe: true});
    switch (decision.kind) {
      case `collision`:
        findings.push({kind: `collision`, name, severity: `error`, message: describeCollision(configuration, decision)});
        break;
      case `not-checked`:
        findings.push({kind: `not-checked`, name, severity: `info`, message: `${name}: collisions with the public registry were not checked (${formatUtils.pretty(configuration, `trustCollisionProbes`, formatUtils.Type.SETTING)} is false)`});
        break;
      case `acknowledged`:
        findings.push({kind: `acknowledged`, name, severity: `info`, message: `${name} also exists on ${decision.probe.registry}, acknowledged in the trust file${decision.acknowledged.reason ? ` (${decision.acknowledged.reason})` : ``}`});
        break;
      case `probe-needed`:
        throw new Error(`Assertion failed: collisionDecision probes when an answer is needed`);
      case `ok`:
        break;
    }
  }
  return findings;
}
