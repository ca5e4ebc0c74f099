/**
 * The script gate in an install: the trust file read first, the refusal before
 * any build, and the backstop before each script.
 */

import {
  type Configuration, MessageName, type Package, type Project, ReportError, formatUtils, structUtils,
} from '@yarnpkg/core';
import {type Filename, type PortablePath, npath, ppath, xfs} from '@yarnpkg/fslib';

import {PACKAGE_MANAGER_CONFIG, foldersBetween} from '../policy/ancestorConfig';
import {TOOL_CONFIGURATION_FILES, ancestorFileNamesCode} from '../policy/toolConfiguration';
import {adoptionAdvice, approveAllCommand, enableScriptsAdvice} from '../policy/adoption';
import {approvalCovers, evaluateScriptGate, type GateFinding, onDiskDifference, withoutBuildOutput} from '../policy/scriptGate';
import {formatFinding} from './format';
import {collectProjectScripts, type CollectOptions, profileCachePath, type ProjectScripts} from './installProfiles';
import {misplacedWorkspaces} from './installClosure';
import {describePackedRefusal, packedDependencyFindings, packedPackagesOf} from './packedDependencies';
import {reachDigest, readInstallProfile} from './packageFiles';
import {keepsArchiveNodeModules, linkedFolder, otherFoldersOf, tamperedCopies, tamperedText} from './copiesOnDisk';
import {withoutInheritedBins} from '../policy/copiesOnDisk';
import {armLoadGuard, markInstallStart} from './loadGuard';
import {projectState} from '../../core/yarn/projectState';
import {loadTrustFile, type LoadedTrustFile, rememberTrustFile, rememberedTrustFile, trustFileOf} from '../../core/yarn/trustFileStore';

export interface ScriptGateResult {
  trustFile: LoadedTrustFile;
  scripts: ProjectScripts;
  findings: GateFinding[];
  /** Packed (git) packages of the project, which Yarn packs by running their scripts. */
  packed?: Package[];
}

/**
 * The one evaluation behind both the install hooks and `yarn trust check|status`,
 * so that CI and installs can never disagree.
 */
export async function runScriptGate(project: Project, {trustFile, cache, uncached}: {trustFile?: LoadedTrustFile} & CollectOptions = {}): Promise<ScriptGateResult> {
  const loaded = trustFile ?? await loadTrustFile(project.configuration);
  // Reading the packages fetches those not in the cache, and fetching a git
  // dependency packs it (running its scripts): only approved ones get that far.
  const refusedPacked = packedDependencyFindings(project, loaded.trust).flatMap(({pkg, decision}) => decision.state === `approved` ? [] : [describePackedRefusal(project.configuration, structUtils.prettyLocator(project.configuration, pkg), decision, loaded.path)]);
  if (refusedPacked.length > 0)
    throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, refusedPacked.join(`\n\n`));
  const scripts = await collectProjectScripts(project, {cache, uncached, isDenied: pkg => {
    const name = structUtils.stringifyIdent(pkg);
    return Object.hasOwn(loaded.trust.packages, name) && `denied` in loaded.trust.packages[name];
  }});
  const findings = evaluateScriptGate(scripts.packages, loaded.trust, {
    enableScripts: project.configuration.get(`enableScripts`),
    refuseUnreviewed: !(isDlxProject(project) && !loaded.exists),
  });
  return {trustFile: loaded, scripts, findings};
}

/**
 * `yarn dlx` installs the tool in a throwaway project (`<tmp>/dlx-<pid>`, an
 * empty package.json) that inherits the project's plugins but can have no trust
 * file. Refusing there would make dlx unusable; instead unreviewed scripts are
 * left to Yarn, which skips them — and the backstop still refuses any that run.
 */
function isDlxProject(project: Project) {
  return /^dlx-[0-9]+$/.test(ppath.basename(project.cwd))
    && project.workspaces.length === 1
    && project.topLevelWorkspace.manifest.name === null;
}

export function formatRefusal(configuration: Configuration, result: ScriptGateResult, findings: GateFinding[]) {
  const file = formatUtils.pretty(configuration, result.trustFile.path, formatUtils.Type.PATH);
  const blocks = findings.map(finding => formatFinding(configuration, finding, result.scripts.locators.get(finding.pkg.id)!, result.scripts.paths.get(finding.pkg.id) ?? null));
  const count = findings.length === 1 ? `1 package was` : `${findings.length} packages were`;
  const advice = adoptionLines(configuration, result, findings);
  return `${count} refused by yarn-plugin-trust (${file}); ${whatHasRun(configuration, result.packed)}:\n\n${blocks.join(`\n\n`)}\n${advice.map(line => `\n${line}\n`).join(``)}`;
}

/** Where `enableScripts` comes from, in words (`<compat>` is Yarn's migration in this very command). */
export function enableScriptsSource(configuration: Configuration) {
  const source = configuration.sources.get(`enableScripts`);
  return source === undefined ? `your Yarn settings` : source === `<compat>` ? `.yarnrc.yml by Yarn's migration during this command` : source;
}

/** After the list: how a project new to the plugin gets through it in one command. */
function adoptionLines(configuration: Configuration, result: ScriptGateResult, findings: GateFinding[]) {
  const advice = adoptionAdvice({findings, trustFileHasDecisions: Object.keys(result.trustFile.trust.packages).length > 0});
  const lines: string[] = [];
  if (advice.includes(`enable-scripts`)) {
    const count = findings.filter(finding => finding.conflicts.includes(`scripts-enabled-without-approval`)).length;
    lines.push(enableScriptsAdvice(count, enableScriptsSource(configuration)));
  }
  const all = approveAllCommand(findings);
  if (all !== null)
    lines.push(`After reviewing them (${formatUtils.pretty(configuration, `yarn trust review`, formatUtils.Type.CODE)} walks through each), one command approves ${findings.some(finding => finding.state === `undecidable` || (finding.pkg.shadows ?? []).length > 0) ? `all of them but those the list says cannot be approved this way` : `them all`}: ${formatUtils.pretty(configuration, `yarn trust approve ${all.join(` `)}`, formatUtils.Type.CODE)}`);
  if (advice.includes(`adopt`))
    lines.push(`New to yarn-plugin-trust? ${formatUtils.pretty(configuration, `yarn trust adopt`, formatUtils.Type.CODE)} records in one command what Yarn does today: it denies every package whose scripts Yarn skips, and lists those it runs (approve them after review with ${formatUtils.pretty(configuration, `yarn trust adopt --approve-built`, formatUtils.Type.CODE)})`);
  return lines;
}

/**
 * "No install script has run" is only true without packed dependencies: Yarn
 * ran the scripts of those (approved) ones when it packed them from sources.
 */
function whatHasRun(configuration: Configuration, packed: Package[] | undefined) {
  if (packed === undefined || packed.length === 0)
    return `no install script has run`;
  const names = packed.map(pkg => structUtils.prettyLocator(configuration, pkg)).join(`, `);
  return `no install script of the project's packages has run, but Yarn ran the scripts of ${packed.length === 1 ? `the approved git dependency` : `the approved git dependencies`} ${names} to pack ${packed.length === 1 ? `it` : `them`} from sources`;
}

/**
 * The gate's verdict in this install, for the warnings after the builds, and
 * the refusals of the backstop: Yarn catches the error thrown in
 * `setupScriptEnvironment` and shows only "couldn't be built" with the path of
 * a build log, so the reasons are reported again after the builds.
 */
const gateState = projectState<{result?: ScriptGateResult, backstopRefusals: Array<string>, checkedCopies: Map<string, Array<string>>}>(`install-scripts`, () => ({backstopRefusals: [], checkedCopies: new Map()}));

/** First step of every install: a broken trust file stops it before anything is resolved. */
export async function validateProject(project: Project, report: {reportError: (name: MessageName, text: string) => void}) {
  markInstallStart(project);
  try {
    rememberTrustFile(project, await loadTrustFile(project.configuration));
  } catch (error) {
    if (!(error instanceof ReportError))
      throw error;
    report.reportError(error.reportCode, error.message);
  }
  for (const {text} of misplacedWorkspaces(project))
    report.reportError(MessageName.UNNAMED, text);
}

/**
 * Runs after linking and before the first build: the refusal it returns, thrown
 * by the hook, means no install script of any package starts.
 */
export async function gateBuilds(project: Project): Promise<ReportError | null> {
  const result = await runScriptGate(project, {trustFile: rememberedTrustFile(project)});
  result.packed = packedPackagesOf(project);
  gateState.of(project).result = result;

  const refused = result.findings.filter(finding => finding.severity === `error`);
  if (refused.length === 0)
    return null;
  return new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, formatRefusal(project.configuration, result, refused));
}

/** Approved packages that Yarn will nevertheless skip: not dangerous, but surprising. */
export async function reportSkippedApprovals(project: Project, report: {reportWarning: (name: MessageName, text: string) => void}) {
  const gate = gateState.existing(project)?.result;
  if (typeof gate === `undefined`)
    return;
  for (const finding of gate.findings) {
    if (finding.severity === `warning`) {
      report.reportWarning(MessageName.DISABLED_BUILD_SCRIPTS, formatFinding(project.configuration, finding, gate.scripts.locators.get(finding.pkg.id)!, gate.scripts.paths.get(finding.pkg.id) ?? null));
    }
  }
}

/**
 * Backstop for every script Yarn starts in a dependency, including the implicit
 * `node-gyp rebuild` that `wrapScriptExecution` never sees. It runs right before
 * the script and reads the package where Yarn runs it — on disk, not the cached
 * archive the gate judged — so that a copy edited after extraction (a restored
 * node_modules or unplugged folder) cannot run unreviewed code. Anything not
 * approved for exactly this fingerprint is refused.
 */
export async function guardScriptEnvironment(project: Project, env: NodeJS.ProcessEnv) {
  const name = env.npm_package_name;
  const manifestPath = env.npm_package_json;
  if (typeof name === `undefined` || typeof manifestPath === `undefined`)
    return;

  const location = ppath.dirname(npath.toPortablePath(manifestPath));
  const workspace = project.workspaces.find(candidate => candidate.cwd === location);
  if (workspace !== undefined) {
    // The project's own script: its code is the project's, but during an
    // install the copies of the packages it runs must be what was approved
    // (C52). `yarn run` outside an install is the user's own command.
    const gate = gateState.existing(project)?.result;
    if (gate === undefined)
      return;
    const tampered = await tamperedCopies(project, gate, gateState.of(project).checkedCopies, workspace.anchoredLocator.locatorHash, location);
    if (tampered !== null) {
      // Shown in the console too, not only in Yarn's build log.
      const text = tamperedText(project, `${structUtils.prettyWorkspace(project.configuration, workspace)} (${formatUtils.pretty(project.configuration, location, formatUtils.Type.PATH)})`, tampered);
      rememberBackstopRefusal(project, text);
      throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, text);
    }
    return;
  }
  if (env.PATH !== undefined)
    env.PATH = withoutInheritedBins(env.PATH, {parentBinFolder: process.env.BERRY_BIN_FOLDER, delimiter: npath.delimiter});

  // Yarn names one folder of the package in the script's environment, but
  // the node-modules linker builds it in every folder it installed it in
  // (nested twice, or under an alias): each is checked (outside attack round
  // 75, A12, A13).
  const version = env.npm_package_version ?? ``;
  const folders = [location, ...otherFoldersOf(project, location)];
  let own: GateFinding | undefined;
  for (const folder of folders) {
    // Every folder is checked (not only until the gate's finding is known).
    const found = await guardDependencyFolder(project, name, version, folder);
    own ??= found;
  }
  // What the script's processes load while they run is compared too: code
  // that hides how it loads a file gets past any reading of it, not past
  // Node's loader (outside attack round 85).
  // The checks above refuse a script the gate did not judge; should one get
  // here all the same, it does not run unguarded.
  const gate = gateState.existing(project)?.result;
  if (gate === undefined || own === undefined) {
    const text = `yarn-plugin-trust refused to run a script of ${formatUtils.pretty(project.configuration, version === `` ? name : `${name}@${version}`, formatUtils.Type.NAME)}: the install-time gate gave no verdict on it, so what it may load cannot be told. The script did not run. Run ${formatUtils.pretty(project.configuration, `yarn install`, formatUtils.Type.CODE)} again`;
    rememberBackstopRefusal(project, text);
    throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, text);
  }
  await armLoadGuard(project, env, {pkg: version === `` ? name : `${name}@${version}`, own, folders, findings: gate.findings});
}

/** The backstop for one folder where Yarn may run a dependency's script. */
async function guardDependencyFolder(project: Project, name: string, version: string, location: PortablePath): Promise<GateFinding | undefined> {
  const {configuration} = project;
  const shown = version === `` ? name : `${name}@${version}`;
  const refuse = (why: string) => {
    const text = `yarn-plugin-trust refused to run a script of ${formatUtils.pretty(configuration, shown, formatUtils.Type.NAME)} (${formatUtils.pretty(configuration, location, formatUtils.Type.PATH)}): ${why}`;
    rememberBackstopRefusal(project, text);
    return new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, text);
  };

  // Every linker copies a dependency whose scripts Yarn runs into a folder of
  // its own (node_modules, the pnpm store, PnP's unplugged folder); a link in
  // its place makes Node load the package's dependencies from where the link
  // points, which no lookup from here sees (outside round 47, L1).
  const linkedTo = linkedFolder(project, location);
  if (linkedTo !== null)
    throw refuse(`its folder on disk is a symbolic link (to ${formatUtils.pretty(configuration, linkedTo, formatUtils.Type.PATH)}), which no linker makes for a dependency it builds: Node would load its dependencies from there. The script did not run. Delete ${formatUtils.pretty(configuration, ppath.relative(project.cwd, location), formatUtils.Type.PATH)} and run ${formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE)}`);

  // Its own node_modules folder on disk is what the node-modules linker installed there; other linkers keep the archive's.
  const profile = await readInstallProfile(xfs, location, {onDisk: true, archiveNodeModules: keepsArchiveNodeModules(project)});
  if (profile === null)
    throw refuse(`it has no install script that could have been approved`);
  if (`error` in profile.fingerprint)
    throw refuse(profile.fingerprint.error);

  const trustFile = await trustFileOf(project);
  const entry = Object.prototype.hasOwnProperty.call(trustFile.trust.packages, name) ? trustFile.trust.packages[name] : undefined;
  const approvals = entry !== undefined && `approvals` in entry ? entry.approvals : [];
  const current = withoutBuildOutput(profile.fingerprint, approvals, {
    runs: profile.reaches?.runs ?? Object.keys(profile.fingerprint.files),
    loadsAnyFile: profile.reaches?.loadsAnyFile ?? true,
  });
  if (!approvals.some(approval => approvalCovers(approval, current))) {
    const {expected, found} = onDiskDifference(approvals, version, current);
    throw refuse([
      `what it would run on disk is not approved in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}.`,
      `  expected: ${expected}`,
      `  found on disk: ${found}`,
      `  The script did not run. If the installed copy was modified, delete ${formatUtils.pretty(configuration, ppath.relative(project.cwd, location), formatUtils.Type.PATH)} and run ${formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE)}; if this release runs that code, ${formatUtils.pretty(configuration, `yarn trust diff ${name}`, formatUtils.Type.CODE)} shows it`,
    ].join(`\n`));
  }

  const gate = gateState.existing(project)?.result;
  const own = gate?.findings.find(finding => finding.pkg.ownScripts !== false && finding.pkg.name === name && finding.pkg.version === version);
  if (gate !== undefined && own === undefined) {
    // Yarn runs its scripts, yet the gate saw none: what it took from the
    // profile cache said the package runs nothing, so neither what it reaches
    // nor the copies of those packages were judged.
    throw refuse([
      `the install-time gate did not judge it as a package with install scripts.`,
      `  expected: a verdict of the gate on ${shown}`,
      `  found: none; the plugin's cache of what packages run may be damaged or planted`,
      `  The script did not run. Delete ${formatUtils.pretty(configuration, ppath.relative(project.cwd, profileCachePath(project)), formatUtils.Type.PATH)} and run ${formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE)}`,
    ].join(`\n`));
  }
  if (own !== undefined && own.pkg.reachDigest !== undefined && own.pkg.reachDigest !== reachDigest(profile.reaches)) {
    // The gate took what the package reaches from the profile cache; the
    // copy on disk reaches other packages (a damaged or planted
    // .yarn/yarn-plugin-trust-profiles.json hid them; C45).
    throw refuse([
      `what its install code reaches on disk is not what the install-time gate judged.`,
      `  expected: ${own.pkg.reachDigest}`,
      `  found on disk: ${reachDigest(profile.reaches)}`,
      `  The script did not run. The plugin's cache of what packages run may be damaged or planted: delete ${formatUtils.pretty(configuration, ppath.relative(project.cwd, profileCachePath(project)), formatUtils.Type.PATH)} and run ${formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE)}`,
    ].join(`\n`));
  }
  const tampered = await tamperedCopies(project, gate, gateState.of(project).checkedCopies, own?.pkg.id ?? null, location);
  if (tampered !== null) {
    const text = tamperedText(project, `${formatUtils.pretty(configuration, shown, formatUtils.Type.NAME)} (${formatUtils.pretty(configuration, location, formatUtils.Type.PATH)})`, tampered);
    rememberBackstopRefusal(project, text);
    throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, text);
  }

  const foreign = foreignConfiguration(project.cwd, location);
  if (foreign !== null) {
    throw refuse([
      `${formatUtils.pretty(configuration, foreign, formatUtils.Type.PATH)} is in a folder above it that belongs to another package, and the programs its script starts read it (a nested yarn, Yarn's node-gyp, rustup, cargo, git, asdf, mise…): a yarnPath, node-options, toolchain path or command there runs code that no approval covers.`,
      `  expected: no ${PACKAGE_MANAGER_CONFIG.join(`, `)} or toolchain configuration (${TOOL_CONFIGURATION_FILES.slice(0, 4).join(`, `)}…) between the package and the project's root`,
      `  found: ${formatUtils.pretty(configuration, foreign, formatUtils.Type.PATH)}`,
      `  The script did not run. Find the package that ships it with ${formatUtils.pretty(configuration, `yarn why`, formatUtils.Type.CODE)} and remove or deny it; a package should never ship that file`,
    ].join(`\n`));
  }
  return own;
}

/**
 * A configuration file in a folder between the project's root and a package
 * (see ancestorConfig.ts and toolConfiguration.ts) that makes a program the
 * package's script starts run code of the package that owns the folder, or null.
 */
function foreignConfiguration(projectRoot: PortablePath, location: PortablePath): PortablePath | null {
  for (const folder of foldersBetween(projectRoot, location)) {
    for (const name of PACKAGE_MANAGER_CONFIG) {
      const path = ppath.join(folder as PortablePath, name as Filename);
      if (xfs.existsSync(path)) {
        return path;
      }
    }
    for (const name of TOOL_CONFIGURATION_FILES) {
      const path = ppath.join(folder as PortablePath, name as PortablePath);
      const stat = xfs.statSync(path, {throwIfNoEntry: false});
      // A folder of that name is a package's (node_modules/rust-toolchain), but .git may be either.
      if (stat === undefined || (stat.isDirectory() && name !== `.git`))
        continue;
      if (stat.isDirectory() || ancestorFileNamesCode(name, xfs.readFileSync(path, `utf8`)))
        return path;
    }
  }
  return null;
}

/**
 * Refusals of the backstop, kept on the project: Yarn catches the error thrown
 * in `setupScriptEnvironment` and shows only "couldn't be built" with the path
 * of a build log, so the reasons are reported again after the builds.
 */
function rememberBackstopRefusal(project: Project, text: string) {
  gateState.of(project).backstopRefusals.push(text);
}

/**
 * After the builds (`validateProjectAfterInstall`): the scripts the backstop
 * refused, each to be reported as an error in the plugin's own words so that
 * the install exits with 1 — even when Yarn took the failed build of an
 * optional package for a warning.
 */
export function takeBackstopRefusals(project: Project): Array<string> {
  const state = gateState.existing(project);
  const refusals = state?.backstopRefusals ?? [];
  if (state !== undefined)
    state.backstopRefusals = [];
  return [...new Set(refusals)];
}
