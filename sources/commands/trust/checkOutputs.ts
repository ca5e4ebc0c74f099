/**
 * `yarn trust check`'s findings, one check at a time, as the records SARIF is
 * made of, together with the text and the NDJSON line that `check` printed
 * for them before SARIF existed (kept as they were).
 */

import {type Configuration, type Locator, MessageName, type Package, type Project, type Workspace, formatUtils, structUtils} from '@yarnpkg/core';
import {Filename, npath, ppath, xfs} from '@yarnpkg/fslib';
import {pathToFileURL} from 'url';

import type {ArchiveFinding} from '../../checksums/policy/pins';
import type {SettingFinding} from '../../checksums/policy/settings';
import {describeArchiveFinding, describeSettingFinding} from '../../checksums/yarn/checksums';
import {type DerivedArchiveFinding, describeDerivedArchiveFinding} from '../../checksums/yarn/derivedArchives';
import type {ConfusionFinding} from '../../confusion/yarn/check';
import type {CheckRecord, ProjectFiles} from '../../core/policy/sarif/log';
import {withoutAnsi, YARNRC} from '../../core/policy/sarif/log';
import type {PackedDecision} from '../../installScripts/policy/packedDependencies';
import type {GateFinding, SettingConflict} from '../../installScripts/policy/scriptGate';
import {describeConflict, findingToJson, formatFinding} from '../../installScripts/yarn/format';
import {describePackedRefusal, type PackedFinding, packedFindingToJson} from '../../installScripts/yarn/packedDependencies';
import type {MalwareFinding} from '../../knownMalware/yarn/check';
import type {ReleaseFinding} from '../../releaseTrust/yarn/check';

/** Every kind of finding the checks can produce, as a SARIF rule id. */
export type CheckRuleId =
  | `settings/${SettingFinding[`setting`]}`
  | `archives/checksum-mismatch`
  | `archives/derived-mismatch`
  | `pins/unpinned`
  | `confusion/${ConfusionFinding[`kind`]}`
  | `releases/${ReleaseFinding[`kind`]}`
  | `malware/${MalwareFinding[`kind`]}`
  | `packed/${Exclude<PackedDecision, {state: `approved`}>[`state`]}`
  | `scripts/${Exclude<GateFinding[`state`], `approved` | `denied`> | SettingConflict | `workspace-limits` | `workspace-in-installed-folder`}`;

/**
 * The same list as a value: TypeScript refuses a missing or an extra key, and
 * a unit test checks that `RULES` has exactly these, so every finding has a
 * rule and every rule a finding.
 */
export const CHECK_RULE_IDS: Record<CheckRuleId, true> = {
  [`settings/checksumBehavior`]: true, [`settings/enableStrictSsl`]: true, [`settings/unsafeHttpWhitelist`]: true, [`settings/httpRegistry`]: true, [`settings/approvedGitRepositories`]: true,
  [`archives/checksum-mismatch`]: true, [`archives/derived-mismatch`]: true,
  [`pins/unpinned`]: true,
  [`confusion/model`]: true, [`confusion/route`]: true, [`confusion/resolution`]: true, [`confusion/collision`]: true, [`confusion/not-checked`]: true, [`confusion/acknowledged`]: true,
  [`releases/typosquat`]: true, [`releases/not-checked`]: true,
  [`malware/known-malware`]: true, [`malware/malware-history`]: true, [`malware/stale-feed`]: true, [`malware/not-checked`]: true,
  [`packed/unapproved`]: true, [`packed/undecidable`]: true,
  [`scripts/pending`]: true, [`scripts/changed`]: true, [`scripts/undecidable`]: true,
  [`scripts/denied-but-built`]: true, [`scripts/denied-but-reached`]: true, [`scripts/approved-but-skipped`]: true,
  [`scripts/built-without-approval`]: true, [`scripts/built-from-earlier-approval`]: true, [`scripts/scripts-enabled-without-approval`]: true,
  [`scripts/workspace-limits`]: true, [`scripts/workspace-in-installed-folder`]: true,
};

/** A record whose rule is one of the checks' kinds. */
type RuledRecord = CheckRecord & {ruleId: CheckRuleId};

/** What one finding (or one line of the summary) becomes in each format. */
export interface CheckOutput {
  /** Its SARIF results (none for the text-only lines of a clean run). */
  records: Array<RuledRecord>;
  /** The lines of the text report. */
  text: Array<{level: `error` | `warning` | `info`, name: MessageName, text: string}>;
  /** The NDJSON line, null when `--json` says nothing. */
  json: Record<string, unknown> | null;
}

/** The locator as yarn.lock resolves it (a virtual instance of a package is locked under the package). */
function lockedLocator(pkg: Locator) {
  return structUtils.stringifyLocator(structUtils.isVirtualLocator(pkg) ? structUtils.devirtualizeLocator(pkg) : pkg);
}

function plainPackage(pkg: Locator, version: string | null = null) {
  return {name: structUtils.stringifyIdent(pkg), version, locator: lockedLocator(pkg)};
}

export function settingOutput(configuration: Configuration, finding: SettingFinding): CheckOutput {
  const text = describeSettingFinding(configuration, finding);
  const fix = finding.setting === `checksumBehavior` || finding.setting === `enableStrictSsl` ? `yarn config set ${finding.path} ${finding.expected}` : null;
  return {
    records: [{check: `settings`, ruleId: `settings/${finding.setting}`, level: `error`, package: null, target: {file: YARNRC, key: finding.path.split(`.`)}, subject: finding.path, message: withoutAnsi(text), fix}],
    text: [{level: `error`, name: MessageName.INVALID_CONFIGURATION_VALUE, text}],
    json: {check: `settings`, ...finding},
  };
}

export function archiveOutput(configuration: Configuration, finding: ArchiveFinding, pinsPath: string): CheckOutput {
  const text = describeArchiveFinding(configuration, finding, pinsPath);
  const locator = structUtils.tryParseLocator(finding.label);
  return {
    records: [{check: `archives`, ruleId: `archives/checksum-mismatch`, level: `error`, package: locator !== null ? plainPackage(locator) : {name: finding.label, version: null, locator: finding.label}, message: withoutAnsi(text), fix: `git checkout -- yarn.lock`}],
    text: [{level: `error`, name: MessageName.CACHE_CHECKSUM_MISMATCH, text}],
    json: {check: `archives`, ...finding},
  };
}

/** A workspace whose folder lies where Yarn installs other packages' files. */
export function misplacedWorkspaceOutput(project: Project, workspace: Workspace, text: string): CheckOutput {
  const folder = ppath.relative(project.cwd, workspace.cwd);
  return {
    records: [{check: `scripts`, ruleId: `scripts/workspace-in-installed-folder`, level: `error`, package: null, target: {file: `package.json`, key: [`workspaces`]}, subject: folder, message: withoutAnsi(text), fix: null}],
    text: [{level: `error`, name: MessageName.UNNAMED, text}],
    json: {check: `scripts`, workspace: folder, problem: `workspace-in-installed-folder`},
  };
}

/** A cached `patch:` or `file:` folder archive that its sources do not build. */
export function derivedArchiveOutput(project: Project, finding: DerivedArchiveFinding): CheckOutput {
  const text = describeDerivedArchiveFinding(project, finding);
  return {
    records: [{check: `archives`, ruleId: `archives/derived-mismatch`, level: `error`, package: plainPackage(finding.pkg), message: withoutAnsi(text), fix: `yarn cache clean`}],
    text: [{level: `error`, name: MessageName.CACHE_CHECKSUM_MISMATCH, text}],
    json: {check: `archives`, label: structUtils.stringifyLocator(finding.pkg), file: finding.file, reason: finding.reason},
  };
}

/** All unpinned packages are one line of text and JSON, and one SARIF result each. */
export function unpinnedOutput(configuration: Configuration, unpinned: ReadonlyArray<Locator>, pinsPath: string): CheckOutput {
  const names = unpinned.map(pkg => structUtils.stringifyLocator(pkg)).sort();
  const shown = names.slice(0, 20).join(`, `) + (names.length > 20 ? `, and ${names.length - 20} more` : ``);
  const pins = formatUtils.pretty(configuration, pinsPath, formatUtils.Type.PATH);
  const install = formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE);
  const records: Array<RuledRecord> = [...unpinned]
    .sort((a, b) => structUtils.stringifyLocator(a).localeCompare(structUtils.stringifyLocator(b)))
    .map(pkg => ({
      check: `pins`, ruleId: `pins/unpinned`, level: `error`, package: plainPackage(pkg),
      message: withoutAnsi(`${structUtils.stringifyLocator(pkg)} is in yarn.lock but has no pin in ${pins}. Run ${install} to verify it against its registry and pin it, then commit the pins file.`),
      fix: `yarn install`,
    }));
  return {
    records,
    text: [{level: `error`, name: MessageName.CACHE_CHECKSUM_MISMATCH, text: `${names.length} package(s) of yarn.lock have no pin in ${pins}: ${shown}. Run ${install} to verify them against their registry and pin them, then commit the pins file.`}],
    json: {check: `pins`, unpinned: names},
  };
}

export function confusionOutput(finding: ConfusionFinding): CheckOutput {
  const message = withoutAnsi(finding.message);
  const onSettings = finding.kind === `model` || finding.kind === `route` || finding.kind === `not-checked` || finding.kind === `acknowledged`;
  return {
    records: [{
      check: `confusion`, ruleId: `confusion/${finding.kind}`, level: finding.severity === `error` ? `error` : `note`,
      package: finding.name !== null ? {name: finding.name, version: null, locator: null} : null,
      // Routes and resolutions are reported by name only in their message.
      ...finding.name === null && onSettings ? {target: {file: YARNRC, key: [`trustInternalPackages`]}} : {},
      ...finding.name === null ? {subject: finding.kind === `model` ? `model` : message} : {},
      message,
      fix: finding.kind === `collision` && finding.name !== null ? `yarn trust acknowledge ${finding.name}` : finding.kind === `resolution` ? `git checkout -- yarn.lock` : null,
    }],
    text: [finding.severity === `error`
      ? {level: `error`, name: MessageName.RESOLUTION_MISMATCH, text: finding.message}
      : {level: `info`, name: MessageName.UNNAMED, text: finding.message}],
    json: {check: `confusion`, kind: finding.kind, name: finding.name, severity: finding.severity, message: finding.message},
  };
}

export function releaseOutput(finding: ReleaseFinding): CheckOutput {
  return {
    records: [{
      check: `releases`, ruleId: `releases/${finding.kind}`, level: `error`, package: {name: finding.name, version: null, locator: null},
      message: withoutAnsi(finding.message),
      fix: finding.kind === `typosquat` ? `yarn trust allow ${finding.name} --finding typosquat --reason "…"` : `yarn trust check`,
    }],
    text: [{level: `error`, name: MessageName.RESOLUTION_MISMATCH, text: finding.message}],
    json: {check: `releases`, ...finding},
  };
}

export function malwareOutput(finding: MalwareFinding): CheckOutput {
  const pkg = finding.name !== undefined ? {name: finding.name, version: finding.version ?? null, locator: null} : null;
  const fixes = {
    [`known-malware`]: null,
    [`malware-history`]: `yarn trust allow ${finding.name}@${finding.version} --finding known-malware --reason "…"`,
    [`stale-feed`]: `yarn trust feed update`,
    [`not-checked`]: pkg === null ? `yarn trust feed update` : `yarn trust check`,
  };
  return {
    records: [{
      check: `malware`, ruleId: `malware/${finding.kind}`, level: finding.severity, package: pkg,
      ...pkg === null ? {target: {file: YARNRC, key: [`trustMalwareFeed`]}, subject: finding.kind} : {},
      message: withoutAnsi(finding.message), fix: fixes[finding.kind],
    }],
    text: [finding.severity === `error`
      ? {level: `error`, name: MessageName.RESOLUTION_MISMATCH, text: finding.message}
      : {level: `warning`, name: MessageName.UNNAMED, text: finding.message}],
    json: {check: `malware`, ...finding},
  };
}

export function packedOutput(configuration: Configuration, finding: PackedFinding & {decision: Exclude<PackedFinding[`decision`], {state: `approved`}>}, trustFilePath: string): CheckOutput {
  const text = describePackedRefusal(configuration, structUtils.prettyLocator(configuration, finding.pkg), finding.decision, trustFilePath);
  const json = packedFindingToJson(finding);
  return {
    records: [{check: `packed`, ruleId: `packed/${finding.decision.state}`, level: `error`, package: plainPackage(finding.pkg), message: withoutAnsi(text), fix: json.fix}],
    text: [{level: `error`, name: MessageName.DISABLED_BUILD_SCRIPTS, text}],
    json: {check: `packed`, ...json},
  };
}

/** The rule of a gate finding: its state, or for a decided package, how Yarn disagrees with the decision. */
function gateRule(finding: GateFinding) {
  switch (finding.state) {
    case `denied`:
      return finding.conflicts.includes(`denied-but-reached`) ? `denied-but-reached` : `denied-but-built`;
    case `approved`:
      return `approved-but-skipped`;
    default:
      return finding.state;
  }
}

export function gateOutput(configuration: Configuration, finding: GateFinding, locator: Package, path: Array<Package> | null): CheckOutput {
  const text = formatFinding(configuration, finding, locator, path);
  const level = finding.severity === `error` ? `error` : `warning`;
  const pkg = {...plainPackage(locator), version: finding.pkg.version};
  const records: Array<RuledRecord> = [{check: `scripts`, ruleId: `scripts/${gateRule(finding)}`, level, package: pkg, message: withoutAnsi(text), fix: finding.fix}];
  // Yarn's own settings that would run an unapproved package: located where they are set.
  for (const conflict of finding.conflicts) {
    if (conflict !== `built-without-approval` && conflict !== `built-from-earlier-approval` && conflict !== `scripts-enabled-without-approval`)
      continue;
    const target = conflict === `scripts-enabled-without-approval`
      ? {file: YARNRC, key: [`enableScripts`]}
      : {file: Filename.manifest as string, key: [`dependenciesMeta`, finding.pkg.name, `built`]};
    records.push({check: `scripts`, ruleId: `scripts/${conflict}`, level, package: pkg, target, message: `${structUtils.stringifyLocator(locator)}: ${describeConflict(conflict, finding)}`, fix: finding.fix});
  }
  return {
    records,
    text: [{level: finding.severity === `error` ? `error` : `warning`, name: MessageName.DISABLED_BUILD_SCRIPTS, text}],
    json: {check: `scripts`, ...findingToJson(finding, locator, path)},
  };
}

/** What a workspace's own install scripts run that the gate cannot follow: notes, never findings. */
export function workspaceLimitsOutput(project: Project, workspace: string, limits: ReadonlyArray<string>): CheckOutput {
  const {configuration} = project;
  const locator = structUtils.parseLocator(workspace);
  const found = project.tryWorkspaceByLocator(locator);
  const file = found === null ? Filename.manifest : ppath.join(found.relativeCwd, Filename.manifest);
  const lines = limits.map(limit => `${structUtils.prettyLocator(configuration, locator)}: not followed in its own install scripts (a limit, review it by hand): ${limit}`);
  return {
    records: lines.map((line, index) => ({check: `scripts`, ruleId: `scripts/workspace-limits`, level: `note`, package: null, target: {file, key: [`scripts`]}, subject: `${workspace} ${limits[index]}`, message: withoutAnsi(line), fix: null})),
    // Several lines in text, one object in JSON, as before.
    text: lines.map(line => ({level: `info` as const, name: MessageName.UNNAMED, text: line})),
    json: {check: `scripts`, kind: `workspace-limits`, workspace, limits},
  };
}

/** The texts a SARIF log points into: yarn.lock, .yarnrc.yml and every workspace's package.json with what its dependencies resolve to. */
export async function projectFiles(project: Project): Promise<ProjectFiles> {
  const read = async (path: ReturnType<typeof ppath.join>) => xfs.existsSync(path) ? await xfs.readFilePromise(path, `utf8`) : null;
  const lockfileText = await read(ppath.join(project.cwd, Filename.lockfile));
  const manifests = [];
  for (const workspace of project.workspaces) {
    const text = await read(ppath.join(workspace.cwd, Filename.manifest));
    if (text === null)
      continue;
    const dependencies = [];
    const pkg = project.storedPackages.get(workspace.anchoredLocator.locatorHash);
    for (const descriptor of pkg?.dependencies.values() ?? []) {
      const resolution = project.storedResolutions.get(descriptor.descriptorHash);
      const resolved = resolution !== undefined ? project.storedPackages.get(resolution) : undefined;
      if (resolved !== undefined)
        dependencies.push({name: structUtils.stringifyIdent(descriptor), locator: lockedLocator(resolved)});
    }
    manifests.push({path: ppath.join(workspace.relativeCwd, Filename.manifest), text, dependencies});
  }
  return {
    lockfile: lockfileText === null ? null : {path: Filename.lockfile, text: lockfileText},
    yarnrc: await read(ppath.join(project.cwd, Filename.rc)),
    manifests,
    rootUri: `${pathToFileURL(npath.fromPortablePath(project.cwd)).href.replace(/\/?$/, `/`)}`,
  };
}
