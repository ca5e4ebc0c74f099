/**
 * The script gate's decision: for every package that runs code at install
 * time, approved, denied, pending, changed or undecidable.
 */

import semver from 'semver';

import {diffFingerprints, isBuildOutput, sameFingerprint, type InstallFingerprint} from './fingerprint';
import {isNestedModuleFile} from './fingerprint/tables';
import type {GateFinding, GateSettings, ScriptedPackage} from './gateTypes';
import {withInstallRoots} from './installRoots';
import type {Approval, TrustFile} from '../../core/policy/trustFile/types';

export type {GateFinding, GateSettings, ScriptedPackage, SettingConflict, TrustState} from './gateTypes';

/**
 * Decides, for every package that runs something at install time, whether the
 * trust file lets it run. Identity is the resolved name; an approval matches a
 * version only when the fingerprint (commands plus executed files) is identical,
 * so upgrades that do not touch install code need no new review while a release
 * that changes what runs is held back.
 */
export function evaluateScriptGate(packages: readonly ScriptedPackage[], trust: TrustFile, settings: GateSettings): GateFinding[] {
  const findings = [...packages]
    .sort(comparePackages)
    .map(pkg => pkg.ownScripts === false ? evaluateReachedPackage(pkg, trust) : evaluatePackage(pkg, trust, settings));
  const active = activeIds(findings);
  return withInstallRoots(findings.filter(finding => active.has(finding.pkg.id)).map(finding => {
    // A denied package runs nothing: it is no longer named as running this code.
    const reachedFrom = finding.pkg.reachedFrom;
    const running = reachedFrom?.filter(from => runs(active, from));
    const result = reachedFrom === undefined || running!.length === reachedFrom.length ? finding : {...finding, pkg: {...finding.pkg, reachedFrom: running}};
    // Denying a package's own scripts does not stop the install code of
    // others (or a workspace's script) from running its bin or module.
    if (result.state === `denied` && result.pkg.ownScripts !== false && (running ?? []).length > 0 && !result.conflicts.includes(`denied-but-reached`))
      return {...result, severity: `error` as const, conflicts: [`denied-but-reached` as const, ...result.conflicts], fix: `yarn trust approve ${result.pkg.name}`};
    return result;
  }));
}

/** Whether the install code that reaches a package runs: a workspace's always does. */
function runs(active: ReadonlySet<string>, from: {id: string, workspace?: boolean}): boolean {
  return from.workspace === true || active.has(from.id);
}

/**
 * Code reached from other packages' install code runs only when one of those
 * runs: a package whose scripts are denied (or, under `yarn dlx`, left to
 * Yarn, which skips them) brings nothing in. Packages with scripts of their
 * own are always reported.
 */
function activeIds(findings: readonly GateFinding[]): Set<string> {
  const active = new Set<string>();
  for (const finding of findings)
    if (finding.pkg.ownScripts !== false && (finding.state === `approved` || finding.severity !== `ok`))
      active.add(finding.pkg.id);

  const reached = findings.filter(finding => finding.pkg.ownScripts === false);
  for (let grown = true; grown;) {
    grown = false;
    for (const finding of reached) {
      if (!active.has(finding.pkg.id) && (finding.pkg.reachedFrom ?? []).some(from => runs(active, from))) {
        active.add(finding.pkg.id);
        grown = true;
      }
    }
  }

  // Scripted packages stay listed even when inactive (denied ones are reported as such).
  for (const finding of findings)
    if (finding.pkg.ownScripts !== false)
      active.add(finding.pkg.id);
  return active;
}

/**
 * A package without install scripts of its own whose code the install code of
 * another package runs. It is approved like any other (`scripts` empty, its
 * reached files hashed); Yarn's build flags do not concern it.
 */
function evaluateReachedPackage(pkg: ScriptedPackage, trust: TrustFile): GateFinding {
  const entry = trustEntryOf(trust, pkg.name);
  const finding = openFinding(pkg);
  finding.fix = `yarn trust approve ${pkg.name}`;

  if (entry !== undefined && `denied` in entry) {
    finding.state = `denied`;
    finding.denial = entry.denied;
    finding.conflicts.push(`denied-but-reached`);
    return finding;
  }

  if (`error` in pkg.fingerprint) {
    finding.state = `undecidable`;
    finding.error = pkg.fingerprint.error;
    finding.fix = null;
    return finding;
  }

  if (compareWithApprovals(finding, entry?.approvals ?? [], pkg.fingerprint)) {
    finding.severity = `ok`;
    finding.fix = null;
  }
  return finding;
}

function trustEntryOf(trust: TrustFile, name: string) {
  return Object.prototype.hasOwnProperty.call(trust.packages, name) ? trust.packages[name] : undefined;
}

/** A finding that refuses until a decision says otherwise. */
function openFinding(pkg: ScriptedPackage): GateFinding {
  return {pkg, state: `pending`, approval: null, denial: null, diff: null, error: null, conflicts: [], severity: `error`, fix: null};
}

/**
 * Approved when an approval has exactly this fingerprint (true); otherwise
 * `changed` against the closest approval, or left `pending` without any.
 */
function compareWithApprovals(finding: GateFinding, approvals: readonly Approval[], current: InstallFingerprint): boolean {
  const match = approvals.find(approval => sameFingerprint(approval, current));
  if (match !== undefined) {
    finding.state = `approved`;
    finding.approval = match;
    return true;
  }
  if (approvals.length > 0) {
    const previous = closestApproval(approvals, finding.pkg.version);
    finding.state = `changed`;
    finding.approval = previous;
    finding.diff = diffFingerprints(previous, current);
  }
  return false;
}

function evaluatePackage(pkg: ScriptedPackage, trust: TrustFile, settings: GateSettings): GateFinding {
  const entry = trustEntryOf(trust, pkg.name);
  const yarnWouldBuild = pkg.built === true || (settings.enableScripts && pkg.built !== false);
  const finding = openFinding(pkg);

  if (entry !== undefined && `denied` in entry) {
    finding.state = `denied`;
    finding.denial = entry.denied;
    if (yarnWouldBuild) {
      finding.conflicts.push(`denied-but-built`);
      finding.fix = `yarn trust deny ${pkg.name}`;
    } else {
      finding.severity = `ok`;
    }
    return finding;
  }

  if (`error` in pkg.fingerprint) {
    finding.state = `undecidable`;
    finding.error = pkg.fingerprint.error;
    finding.fix = `yarn trust deny ${pkg.name}`;
    addUnapprovedConflicts(finding, settings, yarnWouldBuild);
    return finding;
  }

  if (compareWithApprovals(finding, entry?.approvals ?? [], pkg.fingerprint)) {
    if (yarnWouldBuild) {
      finding.severity = `ok`;
    } else {
      finding.severity = `warning`;
      finding.conflicts.push(`approved-but-skipped`);
      finding.fix = `yarn trust approve ${pkg.name}`;
    }
    return finding;
  }

  finding.fix = `yarn trust approve ${pkg.name}`;
  addUnapprovedConflicts(finding, settings, yarnWouldBuild);
  return finding;
}

function addUnapprovedConflicts(finding: GateFinding, settings: GateSettings, yarnWouldBuild: boolean) {
  if (finding.pkg.built === true)
    finding.conflicts.push(finding.state === `changed` ? `built-from-earlier-approval` : `built-without-approval`);
  else if (settings.enableScripts && finding.pkg.built !== false)
    finding.conflicts.push(`scripts-enabled-without-approval`);

  if (settings.refuseUnreviewed === false && !yarnWouldBuild) {
    finding.severity = `ok`;
    finding.fix = null;
  }
}

/**
 * The approval a changed version is best compared with: the newest one at or
 * below its version (what the user last reviewed on the way up), otherwise the
 * oldest one above it (a downgrade).
 */
export function closestApproval(approvals: readonly Approval[], version: string): Approval {
  if (approvals.length === 0)
    throw new Error(`closestApproval needs at least one approval`);
  const sorted = [...approvals].sort((a, b) => semver.compare(a.version, b.version));
  const valid = semver.valid(version);
  if (valid === null)
    return sorted[sorted.length - 1];
  const below = sorted.filter(approval => semver.lte(approval.version, valid));
  return below.length > 0 ? below[below.length - 1] : sorted[0];
}

function comparePackages(a: ScriptedPackage, b: ScriptedPackage) {
  if (a.name !== b.name)
    return a.name < b.name ? -1 : 1;
  const byVersion = semver.valid(a.version) && semver.valid(b.version)
    ? semver.compare(a.version, b.version)
    : a.version.localeCompare(b.version);
  if (byVersion !== 0)
    return byVersion;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * A release whose approved files are all unchanged, compared with an approval
 * of that very release: nothing in the package changed, other install code
 * now reaches more of its files (a new dependent, a new entry point).
 */
export function onlyMoreFilesReached(finding: GateFinding): boolean {
  const diff = finding.diff;
  return finding.state === `changed` && finding.approval !== null && finding.approval.version === finding.pkg.version && diff !== null
    && diff.scripts.length === 0 && diff.files.changed.length === 0 && diff.files.removed.length === 0 && diff.files.added.length > 0;
}

/** True when the findings must stop the install (or fail a CI check). */
export function hasBlockingFindings(findings: readonly GateFinding[]) {
  return findings.some(finding => finding.severity === `error`);
}

/**
 * Whether Yarn itself would run the package's scripts today, judging only by
 * its own settings (`enableScripts`, `dependenciesMeta.built`), as the
 * finding records them.
 */
export function yarnWouldRun(finding: GateFinding): boolean {
  if (finding.conflicts.includes(`approved-but-skipped`))
    return false;
  return finding.state === `approved` || finding.conflicts.length > 0;
}

/**
 * True when an approval covers what a package's own install scripts run: the
 * same scripts, and every file with the hash approved. The approval may hold
 * more files (its code that other install code reaches); the backstop, which
 * sees only the package on disk, asks this.
 */
/**
 * How what a package would run on disk differs from its closest approval, in
 * words for the backstop's refusal: `expected` names the approval, `found`
 * what differs (`install.js changed`, `the postinstall command changed`…).
 */
export function onDiskDifference(approvals: readonly Approval[], version: string, current: InstallFingerprint): {expected: string, found: string} {
  if (approvals.length === 0)
    return {expected: `an approval of ${version} in the trust file`, found: `no version of it is approved`};
  const approved = closestApproval(approvals, version);
  const diff = diffFingerprints(approved, current);
  const found = [
    ...diff.scripts.map(script => `the ${script.name} command ${script.before === undefined ? `was added` : script.after === undefined ? `was removed` : `changed`}`),
    ...diff.files.changed.map(file => `${file} changed`),
    ...diff.files.added.map(file => `${file} was added`),
  ];
  return {
    expected: `the files approved for ${approved.version}`,
    found: found.length > 0 ? found.join(`, `) : `the same files, which no approval covers`,
  };
}

/**
 * What the backstop compares on disk: the package's copy there also holds
 * what Yarn and its own earlier scripts added (Yarn's `.ready` in an
 * unplugged folder, node-gyp's `build/` output, a binary a previous script
 * downloaded). A file that no approval records is left out unless the
 * install code on disk is known to run it (`onDisk.runs`), or may load any
 * file of the package (`onDisk.loadsAnyFile`: then only `.ready` and
 * `build/` are left out); a file an approval records is compared whatever
 * its folder.
 */
export function withoutBuildOutput(current: InstallFingerprint, approvals: readonly InstallFingerprint[], onDisk: {runs: readonly string[], loadsAnyFile: boolean}): InstallFingerprint {
  const recorded = new Set(approvals.flatMap(approval => Object.keys(approval.files)));
  const run = new Set(onDisk.runs);
  const gypFiles = Object.keys(current.files).filter(path => path.endsWith(`binding.gyp`));
  // A file in a node_modules folder below the package is not build output
  // (gyp's own `build/node_modules/…` is): Node loads a copy there before the
  // approved one (outside round 46, N1; round 48).
  const kept = (path: string) => recorded.has(path) || run.has(path) || path.startsWith(`package.json#`) || path.startsWith(`PATH#`) || isNestedModuleFile(path, gypFiles) || (onDisk.loadsAnyFile && !isBuildOutput(path, gypFiles));
  const files = Object.fromEntries(Object.entries(current.files).filter(([path]) => kept(path)));
  return {scripts: current.scripts, files};
}

export function approvalCovers(approval: InstallFingerprint, current: InstallFingerprint): boolean {
  const diff = diffFingerprints(approval, current);
  return diff.scripts.length === 0 && diff.files.added.length === 0 && diff.files.changed.length === 0;
}

/**
 * The packages whose code the install code of `ids` runs, transitively, that
 * are not approved yet: approving a package approves what its install runs,
 * except a bin that shadows a system tool, which is only approved by name.
 */
export function unapprovedReachedFrom(findings: readonly GateFinding[], ids: ReadonlySet<string>): {approvable: GateFinding[], shadowing: GateFinding[]} {
  const reached = new Set(ids);
  for (let grown = true; grown;) {
    grown = false;
    for (const finding of findings) {
      if (finding.pkg.ownScripts === false && !reached.has(finding.pkg.id) && (finding.pkg.reachedFrom ?? []).some(from => reached.has(from.id))) {
        reached.add(finding.pkg.id);
        grown = true;
      }
    }
  }
  const pending = findings.filter(finding => finding.pkg.ownScripts === false && reached.has(finding.pkg.id) && !ids.has(finding.pkg.id) && (finding.state === `pending` || finding.state === `changed`));
  return {
    approvable: pending.filter(finding => (finding.pkg.shadows ?? []).length === 0),
    shadowing: pending.filter(finding => (finding.pkg.shadows ?? []).length > 0),
  };
}
