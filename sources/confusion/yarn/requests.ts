/** The request guard: no request of any command carries an internal name to another registry. */

import {
  type Configuration, MessageName, ReportError, formatUtils, structUtils,
} from '@yarnpkg/core';

import {type InternalModel} from '../policy/model';
import {mayRequest} from '../policy/requests';
import {buildModel, confusionState, internalModelOf} from './model';

/**
 * Before any request of any command: no internal name leaves for a host other
 * than its registry — in the URL, or in a JSON body such as the package list
 * that `yarn npm audit` posts. Commands that run before (or without) an
 * install still have the names that Yarn's settings make internal.
 */
export function guardRequest(configuration: Configuration, url: string, body: unknown) {
  const context = confusionState.ofConfiguration(configuration);
  const model = context !== undefined ? internalModelOf(context.project) : internalModelOfConfiguration(configuration);
  const isProbe = isCollisionProbe(configuration, url);
  const findings = [];
  for (const name of [null, ...namesInBody(body)]) {
    const decision = mayRequest({url, name, ...(isProbe ? {probe: {credentials: false}} : {})}, model);
    if (!decision.ok) {
      findings.push(...decision.findings);
    }
  }
  if (findings.length > 0) {
    throw new ReportError(MessageName.NETWORK_DISABLED, findings.map(finding => `yarn-plugin-trust refused to send a request about the internal package ${formatUtils.pretty(configuration, finding.name ?? `(unknown)`, formatUtils.Type.NAME)} to ${finding.host}: ${finding.reason}. Nothing was sent.`).join(`\n`));
  }
}

/** Whether `url` is one of the plugin's own collision probes (sent without credentials, not a download). */
export function isCollisionProbe(configuration: Configuration, url: string): boolean {
  return confusionState.ofConfiguration(configuration)?.probeUrls.has(url) ?? false;
}

/** Package names a request body carries: the keys of a JSON object (the audit format). */
export function namesInBody(body: unknown): string[] {
  let value = body;
  if (typeof value === `string` || Buffer.isBuffer(value)) {
    try {
      value = JSON.parse(value.toString());
    } catch {
      // Not JSON: a body that is not a package list names no package.
      return [];
    }
  }
  if (typeof value !== `object` || value === null || Array.isArray(value))
    return [];
  return Object.keys(value).filter(key => structUtils.tryParseIdent(key) !== null);
}

/** Models of configurations without a project, built once each (a cache: losing it only costs a rebuild). */
const configurationModels = new WeakMap<Configuration, InternalModel>();

/** The internal names that Yarn's settings alone define (no workspaces known). */
function internalModelOfConfiguration(configuration: Configuration): InternalModel {
  let model = configurationModels.get(configuration);
  if (model === undefined) {
    model = buildModel(configuration, [], []);
    configurationModels.set(configuration, model);
  }
  return model;
}
