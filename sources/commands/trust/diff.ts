/** `yarn trust diff`: what changed in the code a package runs at install time, as a unified diff. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, ReportError, StreamReport, formatUtils, structUtils} from '@yarnpkg/core';
import {Command, Option, UsageError} from 'clipanion';
import semver from 'semver';

import {type LineKind, renderInstallDiff} from '../../installScripts/policy/installDiff';
import {type GateFinding, unapprovedReachedFrom} from '../../installScripts/policy/scriptGate';
import {runScriptGate, type ScriptGateResult} from '../../installScripts/yarn/gate';
import {committedVersions, diffPackage, type PackageDiff} from '../../installScripts/yarn/installDiff';
import {prettyPath} from '../../core/yarn/dependencyPaths';
import {loadTrustFile} from '../../core/yarn/trustFileStore';
import {visibleLine} from '../../core/policy/visibleText';
import {openProject} from './project';
import {selectFindings} from './selection';

export default class TrustDiffCommand extends BaseCommand {
  static override paths = [[`trust`, `diff`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `show what changed in the code a package runs at install time`,
    details: `
      Prints a unified diff of exactly what the package runs at install time: its install commands and every entry of its fingerprint (its files that run, the \`package.json\` fields that decide what runs, the bins on the PATH of its scripts), from the bytes that were approved to the bytes of the release the project now resolves. Files of other packages that its install code runs and that are not approved are diffed too, each as its own package.

      A package changed since its approval is compared with the approved release. A pending package (never approved) is compared with the release of it that the \`yarn.lock\` committed at git's \`HEAD\` locks, so that after a refused upgrade the diff shows the upgrade; with no earlier release, everything it runs is shown as added. \`--from <version>\` compares with another release instead.

      The releases are read from Yarn's cache when it holds them (Yarn checks their checksum), otherwise downloaded through Yarn's npm client and checked against their pin in \`yarn-trust.pins\`, or against the SHA-512 their registry publishes, before anything is read. A file whose bytes are not the ones the approval recorded is named with both hashes, never shown. Binary files and files over 512 KiB are named with their hashes.

      Without a package, every pending or changed package of the project is diffed. Nothing is written. Exits with 0 when the diff was printed, 1 when a package cannot be read or compared.
    `,
    examples: [[
      `Review what a refused upgrade of esbuild would run`,
      `yarn trust diff esbuild`,
    ], [
      `Everything that waits for a review`,
      `yarn trust diff`,
    ], [
      `Compare with a release of your choice`,
      `yarn trust diff sharp --from 0.33.0`,
    ]],
  });

  from = Option.String(`--from`, {description: `Compare with this version of the package instead of its approval or the committed lockfile's`});
  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream, one package per line`});
  packages = Option.Rest({name: `package`});

  async execute() {
    if (this.from !== undefined && (semver.valid(this.from) === null || this.packages.length !== 1))
      throw new UsageError(`--from takes an exact version (e.g. 1.2.3) and exactly one package to compare`);

    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const lines: Array<string> = [];
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      const trustFile = await loadTrustFile(configuration);
      const {project, cache} = await openProject(this.context, configuration);
      const gate = await runScriptGate(project, {trustFile, cache});
      const findings = this.selected(project, gate);
      if (findings.length === 0) {
        report.reportInfo(MessageName.UNNAMED, `No package of this project is pending or changed: everything that runs at install time is approved or denied. Name a package to compare it with another release: ${formatUtils.pretty(configuration, `yarn trust diff <package> --from <version>`, formatUtils.Type.CODE)}`);
        return;
      }

      const committed = findings.some(finding => finding.approval === null) && this.from === undefined ? await committedVersions(project) : null;
      const progress = StreamReport.progressViaCounter(findings.length);
      const shown = report.reportProgress(progress);
      try {
        for (const finding of findings) {
          const locator = gate.scripts.locators.get(finding.pkg.id)!;
          const result = await diffPackage(project, cache, finding, locator, {from: this.from ?? null, committed});
          progress.tick();
          if (this.json)
            report.reportJson(diffToJson(result));
          else
            lines.push(...describeDiff(configuration, gate, result), ``);
        }
      } finally {
        shown.stop();
      }
      if (!this.json) {
        lines.push(fixLine(configuration, findings));
      }
    });
    if (report.hasErrors())
      return report.exitCode();
    if (lines.length > 0)
      this.context.stdout.write(`${lines.join(`\n`)}\n`);
    return 0;
  }

  /** The findings the arguments name, plus the unapproved code of other packages that their install code runs. */
  private selected(project: Parameters<typeof selectFindings>[0], gate: ScriptGateResult): Array<GateFinding> {
    if (this.packages.length === 0)
      return gate.findings.filter(finding => finding.state === `pending` || finding.state === `changed`);
    const selected = selectFindings(project, gate.findings, this.packages, `diff`).flatMap(({findings}) => findings);
    for (const finding of selected) {
      if (`error` in finding.pkg.fingerprint) {
        throw new ReportError(MessageName.UNNAMED, `${structUtils.prettyLocator(project.configuration, gate.scripts.locators.get(finding.pkg.id)!)} cannot be diffed: ${finding.pkg.fingerprint.error}`);
      }
    }
    const {approvable, shadowing} = unapprovedReachedFrom(gate.findings, new Set(selected.map(finding => finding.pkg.id)));
    return [...selected, ...approvable, ...shadowing];
  }
}

const LINE_COLORS: Record<LineKind, string | null> = {
  header: `bold`,
  hunk: `cyan`,
  added: formatUtils.Type.ADDED,
  removed: formatUtils.Type.REMOVED,
  context: null,
  note: `yellow`,
};

/** A package's diff in words and colored lines, headed by what it is compared with and who brings it in. */
export function describeDiff(configuration: Configuration, gate: ScriptGateResult, result: PackageDiff): Array<string> {
  const {finding, base} = result;
  const locator = structUtils.prettyLocator(configuration, result.locator);
  const lines: Array<string> = [];
  const state = finding.state === `changed` ? `changed since its approval` : finding.state;
  switch (base.kind) {
    case `approval`:
      lines.push(`${locator} (${state}), compared with ${base.version} as approved on ${base.approvedAt}${base.reason !== undefined ? ` ("${base.reason}")` : ``}`);
      break;
    case `release`:
      lines.push(`${locator} (${state}), compared with ${base.version}${base.why === `locked` ? `, the release the yarn.lock committed at HEAD locks (never approved)` : `, as asked with --from`}`);
      break;
    case `none`:
      lines.push(`${locator} (${state}), never approved and with no earlier release in the committed yarn.lock: everything it runs at install time is shown as added`);
      break;
  }
  const path = gate.scripts.paths.get(finding.pkg.id) ?? null;
  if (path !== null)
    lines.push(`  brought in by ${prettyPath(configuration, path)}`);
  for (const from of finding.pkg.reachedFrom ?? [])
    lines.push(`  run at install time by ${formatUtils.pretty(configuration, from.locator, formatUtils.Type.NAME)}: ${visibleLine(from.via)}`);
  if (result.diff.unchanged.length > 0)
    lines.push(`  ${result.diff.unchanged.length} entr${result.diff.unchanged.length === 1 ? `y` : `ies`} unchanged since then (already reviewed, not shown)`);
  for (const limit of finding.pkg.unresolved ?? [])
    lines.push(`  not followed (review it by hand): ${visibleLine(limit)}`);
  for (const note of result.notes)
    lines.push(`  note: ${visibleLine(note)}`);
  const rendered = renderInstallDiff(result.diff, result.beforeLabel, result.afterLabel);
  if (rendered.length === 0)
    lines.push(`  no difference in what it runs at install time`);
  for (const {kind, text} of rendered) {
    const color = LINE_COLORS[kind];
    lines.push(color === null ? text : formatUtils.pretty(configuration, text, color));
  }
  return lines;
}

/**
 * The commands that record the decision, named for the packages shown. Code
 * that only other packages run is not stopped by denying it: deny those.
 */
function fixLine(configuration: Configuration, findings: Array<GateFinding>) {
  const names = [...new Set(findings.map(finding => finding.pkg.name))];
  const runners = [...new Set(findings.filter(finding => finding.pkg.ownScripts !== false).map(finding => finding.pkg.name))];
  const code = (text: string) => formatUtils.pretty(configuration, text, formatUtils.Type.CODE);
  const deny = runners.length > 0 ? `, or ${code(`yarn trust deny ${runners.join(` `)}`)} to install without running ${runners.length === 1 ? `its scripts` : `their scripts`}` : `, or deny the packages whose install code runs it`;
  return `After reviewing: ${code(`yarn trust approve ${names.join(` `)} --reason "<why it is acceptable>"`)}${deny}.`;
}

function diffToJson(result: PackageDiff) {
  return {
    package: result.finding.pkg.name,
    version: result.finding.pkg.version,
    locator: structUtils.stringifyLocator(result.locator),
    state: result.finding.state,
    base: result.base,
    scripts: result.diff.scripts,
    entries: result.diff.entries.map(entry => ({
      key: entry.key,
      status: entry.status,
      before: entry.before,
      after: entry.after,
      kind: entry.body.kind,
      ...(entry.body.kind === `text` ? {hunks: entry.body.hunks} : {}),
      ...(entry.body.kind === `unavailable` ? {why: entry.body.why} : {}),
    })),
    unchanged: result.diff.unchanged,
    notes: result.notes,
  };
}
