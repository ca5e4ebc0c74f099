import {
  type Cache, type Configuration, MessageName, type Project, ReportError, formatUtils, structUtils,
} from '@yarnpkg/core';

import {evaluateScriptGate, mayRun, type GateFinding} from '../policy/scriptGate';
import {formatFinding} from './format';
import {collectProjectScripts, type ProjectScripts} from './installProfiles';
import {loadTrustFile, type LoadedTrustFile} from './trustFileStore';

export interface ScriptGateResult {
  trustFile: LoadedTrustFile;
  scripts: ProjectScripts;
  findings: GateFinding[];
}

/**
 * The one evaluation behind both the install hooks and `yarn trust check|status`,
 * so that CI and installs can never disagree.
 */
export async function runScriptGate(project: Project, {trustFile, cache}: {trustFile?: LoadedTrustFile; cache?: Cache} = {}): Promise<ScriptGateResult> {
  const loaded = trustFile ?? await loadTrustFile(project.configuration);
  const scripts = await collectProjectScripts(project, {cache});
  const findings = evaluateScriptGate(scripts.packages, loaded.trust, {
    enableScripts: project.configuration.get(`enableScripts`),
  });
  return {trustFile: loaded, scripts, findings};
}

export function formatRefusal(configuration: Configuration, result: ScriptGateResult, findings: GateFinding[]) {
  const file = formatUtils.pretty(configuration, result.trustFile.path, formatUtils.Type.PATH);
  const blocks = findings.map(finding => formatFinding(configuration, finding, result.scripts.locators.get(finding.pkg.id)!, result.scripts.paths.get(finding.pkg.id) ?? null));
  const count = findings.length === 1 ? `1 package was` : `${findings.length} packages were`;
  return `${count} refused by yarn-plugin-trust (${file}); no install script has run:\n\n${blocks.join(`\n\n`)}\n`;
}

interface InstallState {
  trustFile?: LoadedTrustFile;
  gate?: ScriptGateResult;
}

const installStates = new WeakMap<Project, InstallState>();

function stateOf(project: Project) {
  let state = installStates.get(project);
  if (typeof state === `undefined`)
    installStates.set(project, state = {});
  return state;
}

/** First step of every install: a broken trust file stops it before anything is resolved. */
export async function validateProject(project: Project, report: {reportError: (name: MessageName, text: string) => void}) {
  try {
    stateOf(project).trustFile = await loadTrustFile(project.configuration);
  } catch (error) {
    if (!(error instanceof ReportError))
      throw error;
    report.reportError(error.reportCode, error.message);
  }
}

/**
 * Runs after linking and before the first build: refusing here means no install
 * script of any package starts.
 */
export async function gateBuilds(project: Project) {
  const state = stateOf(project);
  const result = await runScriptGate(project, {trustFile: state.trustFile});
  state.gate = result;

  const refused = result.findings.filter(finding => finding.severity === `error`);
  if (refused.length > 0) {
    throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, formatRefusal(project.configuration, result, refused));
  }
}

/** Approved packages that Yarn will nevertheless skip: not dangerous, but surprising. */
export async function reportSkippedApprovals(project: Project, report: {reportWarning: (name: MessageName, text: string) => void}) {
  const gate = installStates.get(project)?.gate;
  if (typeof gate === `undefined`)
    return;
  for (const finding of gate.findings) {
    if (finding.severity === `warning`) {
      report.reportWarning(MessageName.DISABLED_BUILD_SCRIPTS, formatFinding(project.configuration, finding, gate.scripts.locators.get(finding.pkg.id)!, gate.scripts.paths.get(finding.pkg.id) ?? null));
    }
  }
}

/**
 * Backstop for every script Yarn starts in a package, including the implicit
 * `node-gyp rebuild` that `wrapScriptExecution` never sees. The gate already
 * stopped unapproved builds; this refuses anything that slipped past it (or ran
 * without it), failing closed when no decision exists.
 */
export async function guardScriptEnvironment(project: Project, env: NodeJS.ProcessEnv) {
  const name = env.npm_package_name;
  if (typeof name === `undefined`)
    return;
  const version = env.npm_package_version;

  const packages = [...project.storedPackages.values()].filter(pkg =>
    !structUtils.isVirtualLocator(pkg)
    && structUtils.stringifyIdent(pkg) === name
    && pkg.version === version
    && project.tryWorkspaceByLocator(pkg) === null);
  if (packages.length === 0)
    return;

  const findings = installStates.get(project)?.gate?.findings;
  const allowed = typeof findings !== `undefined` && packages.every(pkg =>
    findings.some(finding => finding.pkg.id === pkg.locatorHash && mayRun(finding)));
  if (!allowed) {
    const event = env.npm_lifecycle_event ?? `node-gyp rebuild`;
    throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `yarn-plugin-trust refused to run ${event} of ${structUtils.prettyLocator(project.configuration, packages[0])}: it is not approved in the trust file. Review it with ${formatUtils.pretty(project.configuration, `yarn trust status`, formatUtils.Type.CODE)}, then run ${formatUtils.pretty(project.configuration, `yarn trust approve ${name}`, formatUtils.Type.CODE)}`);
  }
}
