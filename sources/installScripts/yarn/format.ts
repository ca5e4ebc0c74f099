/** The script gate's findings in words (with Yarn's pretty printers) and in JSON. */

import {type Configuration, type Package, formatUtils, structUtils} from '@yarnpkg/core';

import {rootNames} from '../policy/installRoots';
import {type GateFinding, onlyMoreFilesReached, type SettingConflict, yarnWouldRun} from '../policy/scriptGate';
import type {StaleDecision} from '../policy/staleDecisions';
import {prettyPath} from '../../core/yarn/dependencyPaths';
import {visibleLine} from '../../core/policy/visibleText';

const CONFLICT_TEXT: Record<SettingConflict, (finding: GateFinding) => string> = {
  [`built-without-approval`]: ({pkg}) => `package.json sets dependenciesMeta["${pkg.name}"].built to true, but the trust file does not approve it`,
  [`built-from-earlier-approval`]: ({pkg, approval}) => `package.json's dependenciesMeta["${pkg.name}"].built: true was written by yarn trust approve when ${approval?.version ?? `an earlier version`} was approved; it does not cover ${approval?.version === pkg.version ? `what ${pkg.version} runs now` : pkg.version}, whose install code changed`,
  [`scripts-enabled-without-approval`]: () => `enableScripts is true in your Yarn settings, but the trust file does not approve this package`,
  // These three follow the package's locator in a headline.
  [`denied-but-built`]: ({pkg}) => `is denied in the trust file, but Yarn would build it (package.json lacks dependenciesMeta["${pkg.name}"].built: false)`,
  [`approved-but-skipped`]: ({pkg}) => `is approved, but Yarn will skip its build: package.json lacks dependenciesMeta["${pkg.name}"].built: true and enableScripts is false`,
  [`denied-but-reached`]: () => `is denied in the trust file, but the install code of another package runs its code (its bin or a module of it), which denying its own scripts does not stop`,
};

/** One disagreement between Yarn's settings and the trust file, in words. */
export function describeConflict(conflict: SettingConflict, finding: GateFinding) {
  return CONFLICT_TEXT[conflict](finding);
}

function code(configuration: Configuration, text: string) {
  return formatUtils.pretty(configuration, visibleLine(text), formatUtils.Type.CODE);
}

/** The packages whose install code runs this one, for a headline. */
function reachers(configuration: Configuration, finding: GateFinding) {
  const names = (finding.pkg.reachedFrom ?? []).map(from => {
    const locator = structUtils.tryParseLocator(from.locator);
    return locator === null ? from.locator : structUtils.prettyLocator(configuration, locator);
  });
  return names.length === 0 ? `other packages' install code` : names.join(`, `);
}

/** The first line of a finding: which package, and what is wrong with it. */
export function findingHeadline(configuration: Configuration, finding: GateFinding, pkg: Package) {
  const locator = structUtils.prettyLocator(configuration, pkg);
  if (finding.pkg.ownScripts === false) {
    const shadows = finding.pkg.shadows ?? [];
    const attack = shadows.length > 0 ? ` — its bin ${shadows.join(`, `)} replaces the system's ${shadows.join(`, `)} for their install scripts, a known way to hide an attack` : ``;
    switch (finding.state) {
      case `changed`:
        if (onlyMoreFilesReached(finding))
          return `${locator}: more of its files now run at install time than when ${finding.approval!.version} was approved (${finding.diff!.files.added.join(`, `)}, reached by ${reachers(configuration, finding)}); the files approved then are unchanged${attack}`;
        return `${locator} changed the code that other packages run at install time since ${finding.approval!.version} was approved${attack}`;
      case `undecidable`:
        return `${locator} is run at install time by other packages, but what runs cannot be bound to an approval: ${finding.error}`;
      case `denied`:
        return `${locator} is denied in the trust file, but the install code of another package runs its code`;
      default:
        return `${locator} has code that other packages run at install time, and the trust file does not approve it${attack}`;
    }
  }
  switch (finding.state) {
    case `pending`:
      return `${locator} runs install scripts that the trust file does not approve`;
    case `changed`:
      return `${locator} changed what it runs at install time since ${finding.approval!.version} was approved`;
    case `undecidable`:
      return `${locator} runs install scripts whose code cannot be bound to an approval: ${finding.error}`;
    case `denied`:
      return `${locator} ${CONFLICT_TEXT[finding.conflicts.includes(`denied-but-reached`) ? `denied-but-reached` : `denied-but-built`](finding)}`;
    case `approved`:
      return `${locator} ${CONFLICT_TEXT[`approved-but-skipped`](finding)}`;
  }
}

/**
 * The lines under a headline: what runs (or what changed), where the package
 * comes from, any disagreement with Yarn's settings, and the command to run.
 */
export function findingDetails(configuration: Configuration, finding: GateFinding, path: Package[] | null): string[] {
  const lines: string[] = [];
  if (finding.state === `pending` || finding.state === `undecidable`) {
    for (const line of scriptLines(configuration, finding))
      lines.push(line);
  }

  if (finding.state === `changed` && finding.diff !== null) {
    for (const change of finding.diff.scripts) {
      const before = change.before === undefined ? `(none)` : code(configuration, change.before);
      const after = change.after === undefined ? `(removed)` : code(configuration, change.after);
      lines.push(`${change.name}: approved ${before}, now ${after}`);
    }
    const {added, changed, removed} = finding.diff.files;
    if (changed.length > 0)
      lines.push(`files changed: ${visibleLine(changed.join(`, `))}`);
    if (added.length > 0)
      lines.push(`files added: ${visibleLine(added.join(`, `))}`);
    if (removed.length > 0)
      lines.push(`files removed: ${visibleLine(removed.join(`, `))}`);
    const runs = finding.pkg.runs;
    const unseen = runs === undefined ? [] : [...changed, ...added].filter(path => !path.includes(`#`) && !runs.includes(path));
    if (unseen.length > 0 && unseen.length < changed.length + added.length)
      lines.push(`of these, not seen to run, but bound because every file of the package is (code the scan cannot follow may load them): ${visibleLine(unseen.join(`, `))}`);
    else if (unseen.length > 0)
      lines.push(`none of these is seen to run at install time; they are bound because every file of the package is (code the scan cannot follow may load them)`);
  }

  for (const conflict of finding.conflicts)
    if (conflict !== `denied-but-built` && conflict !== `approved-but-skipped` && conflict !== `denied-but-reached`)
      lines.push(CONFLICT_TEXT[conflict](finding));

  // The first install of an existing project: Yarn 4.14+ skips these anyway,
  // and the user only needs to record that, not to review code.
  if (finding.state === `pending` && finding.pkg.ownScripts !== false && !yarnWouldRun(finding))
    lines.push(`Yarn would not run them today (enableScripts is false and package.json has no dependenciesMeta["${finding.pkg.name}"].built: true); ${code(configuration, `yarn trust deny ${finding.pkg.name}`)} records that decision, ${code(configuration, `yarn trust adopt`)} records it for every such package`);

  for (const line of reachLines(configuration, finding))
    lines.push(line);

  lines.push(`brought in by ${prettyPath(configuration, path)}`);

  // Code that other packages' install scripts run: denying it does not stop
  // that, denying them does.
  const denyThem = denyConsumers(configuration, finding);
  if (finding.pkg.ownScripts === false) {
    if (finding.state === `undecidable`) {
      lines.push(`It has no install script of its own, so it cannot be denied, and it cannot be approved while this holds; to run none of it, ${denyThem}`);
    } else if (finding.fix !== null) {
      const roots = rootNames(finding.roots ?? []);
      const covered = finding.refusedWithRoots ?? 0;
      const approvable = finding.state !== `denied` && (finding.pkg.shadows ?? []).length === 0 && roots.length > 0 && covered > 1;
      lines.push(`After reviewing what it runs (${code(configuration, `yarn trust diff ${finding.pkg.name}`)} shows it), run ${code(configuration, finding.fix)}`);
      if (approvable)
        lines.push(`${code(configuration, `yarn trust approve ${roots.join(` `)}`)} approves it too, with everything else ${roots.length === 1 ? `its` : `their`} install code reaches: the ${covered} refused packages of ${roots.length === 1 ? `that chain` : `those chains`} at once`);
      lines.push(`To run none of it, ${denyThem}`);
    }
    return lines;
  }

  if (finding.fix !== null) {
    const fix = code(configuration, finding.fix);
    switch (finding.state) {
      case `pending`:
      case `changed`:
        lines.push(`After reviewing what it runs (${code(configuration, `yarn trust diff ${finding.pkg.name}`)} shows it), run ${fix} (or ${code(configuration, `yarn trust deny ${finding.pkg.name}`)} to never run it)`);
        break;
      case `undecidable`:
        lines.push(`It cannot be approved while this holds; run ${fix} to install it without its scripts`);
        break;
      default:
        lines.push(finding.conflicts.includes(`denied-but-reached`)
          ? `After reviewing its code, run ${fix}; to run none of it, ${denyThem}`
          : `Run ${fix} to make Yarn agree with the trust file`);
        break;
    }
  }
  return lines;
}

/** How to stop the packages whose install code runs `finding`'s code, naming them. */
export function denyConsumers(configuration: Configuration, finding: GateFinding) {
  // The roots of its chains (for code that only other packages run): denying
  // a package in between, which has no install script of its own, stops nothing.
  const roots = finding.roots ?? (finding.pkg.reachedFrom ?? []).map(consumer => {
    const locator = consumer.workspace === true ? null : structUtils.tryParseLocator(consumer.locator);
    return {name: locator === null ? null : structUtils.stringifyIdent(locator), locator: consumer.locator};
  });
  const consumers = rootNames(roots);
  const workspaces = roots.some(root => root.name === null);
  const whose = consumers.length === 1 ? `the package whose install script runs it` : `the packages whose install scripts run it`;
  return consumers.length > 0
    ? `run ${code(configuration, `yarn trust deny ${consumers.join(` `)}`)}, ${whose}${workspaces ? `, and change your workspace's install script` : ``}`
    : workspaces ? `stop running it from your workspace's install script` : `deny the packages whose install code runs it`;
}

/** How install code reaches a package, and what the approval cannot cover. */
function reachLines(configuration: Configuration, finding: GateFinding) {
  const lines: string[] = [];
  for (const from of finding.pkg.reachedFrom ?? []) {
    const consumer = structUtils.tryParseLocator(from.locator);
    const who = consumer === null ? from.locator : structUtils.prettyLocator(configuration, consumer);
    lines.push(`run at install time by ${who}: ${visibleLine(from.via)}`);
  }
  for (const limit of finding.pkg.unresolved ?? [])
    lines.push(`not followed (a limit of this approval): ${visibleLine(limit)}`);
  return lines;
}

function scriptLines(configuration: Configuration, finding: GateFinding) {
  const fingerprint = finding.pkg.fingerprint;
  if (`error` in fingerprint)
    return [];
  const lines = Object.entries(fingerprint.scripts).map(([name, command]) => {
    const implicit = finding.pkg.implicitNodeGyp && name === `install` ? ` (implicit: the package ships binding.gyp)` : ``;
    return `${name}: ${code(configuration, command)}${implicit}`;
  });
  const files = Object.keys(fingerprint.files).filter(path => !path.includes(`#`));
  const runs = finding.pkg.runs ?? files;
  const shown = [...runs, ...Object.keys(fingerprint.files).filter(path => path.includes(`#`))];
  if (shown.length > 0)
    lines.push(`runs files: ${visibleLine(shown.join(`, `))}`);
  const alsoBound = files.length - files.filter(path => runs.includes(path)).length;
  if (alsoBound > 0)
    lines.push(`binds ${alsoBound} more ${alsoBound === 1 ? `file` : `files`} of the package (every file but package.json and documentation), so a change to any of them needs a review`);
  return lines;
}

/** The whole finding as one block of text, for a ReportError or a list. */
export function formatFinding(configuration: Configuration, finding: GateFinding, pkg: Package, path: Package[] | null) {
  return [findingHeadline(configuration, finding, pkg), ...findingDetails(configuration, finding, path).map(line => `  ${line}`)].join(`\n`);
}

/** Plain data for `--json`, stable across Yarn's color settings. */
export function findingToJson(finding: GateFinding, pkg: Package, path: Package[] | null) {
  const fingerprint = finding.pkg.fingerprint;
  return {
    package: finding.pkg.name,
    version: finding.pkg.version,
    locator: structUtils.stringifyLocator(pkg),
    state: finding.state,
    severity: finding.severity,
    scripts: `error` in fingerprint ? null : fingerprint.scripts,
    files: `error` in fingerprint ? null : fingerprint.files,
    runs: `error` in fingerprint ? null : finding.pkg.runs ?? Object.keys(fingerprint.files).filter(path => !path.includes(`#`)),
    implicitNodeGyp: finding.pkg.implicitNodeGyp,
    yarnWouldRun: yarnWouldRun(finding),
    error: finding.error,
    approvedVersion: finding.approval?.version ?? null,
    changes: finding.diff,
    conflicts: finding.conflicts,
    path: path === null ? null : path.map(entry => structUtils.stringifyLocator(entry)),
    ownScripts: finding.pkg.ownScripts !== false,
    reachedFrom: (finding.pkg.reachedFrom ?? []).map(from => ({locator: from.locator, via: from.via})),
    shadows: finding.pkg.shadows ?? [],
    unresolved: finding.pkg.unresolved ?? [],
    fix: finding.fix,
  };
}

/** One line per stale decision, for `yarn trust status` and `yarn trust prune`. */
export function describeStaleDecision(configuration: Configuration, decision: StaleDecision) {
  const name = formatUtils.pretty(configuration, decision.name, formatUtils.Type.NAME);
  const reason = (text: string | undefined) => text === undefined ? `` : `, reason: ${JSON.stringify(text)}`;
  const why = decision.why === `not-in-project`
    ? `${name} is no longer a package of this project`
    : decision.why === `superseded`
      ? `a later approval of the same version, which covers more of its files, is the one in use`
      : `no version of ${name} in this project runs what it reviewed`;
  if (decision.kind === `denial`)
    return `the denial of ${name} (denied ${decision.denial.deniedAt}${reason(decision.denial.reason)}): ${why}`;
  return `the approval of ${name} ${decision.approval.version} (approved ${decision.approval.approvedAt}${reason(decision.approval.reason)}): ${why}`;
}

/** Plain data for `--json`. */
export function staleDecisionToJson(decision: StaleDecision) {
  return decision.kind === `denial`
    ? {package: decision.name, state: `stale`, kind: `denial`, why: decision.why, deniedAt: decision.denial.deniedAt, reason: decision.denial.reason ?? null, fix: `yarn trust prune`}
    : {package: decision.name, state: `stale`, kind: `approval`, why: decision.why, version: decision.approval.version, scripts: decision.approval.scripts, files: decision.approval.files, approvedAt: decision.approval.approvedAt, reason: decision.approval.reason ?? null, fix: `yarn trust prune`};
}
