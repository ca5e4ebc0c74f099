/** `yarn trust check`: every check's findings on the whole lockfile, for CI, without installing. */

import {BaseCommand} from '@yarnpkg/cli';
import {Cache, Configuration, MessageName, StreamReport, formatUtils} from '@yarnpkg/core';
import {Command, Option, UsageError} from 'clipanion';

import {runChecksumChecks} from '../../checksums/yarn/checksums';
import {findDerivedArchiveMismatches} from '../../checksums/yarn/derivedArchives';
import {runConfusionChecks} from '../../confusion/yarn/check';
import {runScriptGate} from '../../installScripts/yarn/gate';
import {misplacedWorkspaces} from '../../installScripts/yarn/installClosure';
import {contextOf} from '../../checksums/yarn/context';
import {packedDependencyFindings} from '../../installScripts/yarn/packedDependencies';
import {openProject} from './project';
import {runReleaseChecks} from '../../releaseTrust/yarn/check';
import {runMalwareChecks} from '../../knownMalware/yarn/check';
import {loadTrustFile, rememberTrustFile} from '../../core/yarn/trustFileStore';
import {type CheckRecord, type ProjectFiles, sarifLog} from '../../core/policy/sarif/log';
import {
  archiveOutput, type CheckOutput, confusionOutput, misplacedWorkspaceOutput, derivedArchiveOutput, gateOutput, malwareOutput, packedOutput, projectFiles, releaseOutput, settingOutput, unpinnedOutput, workspaceLimitsOutput,
} from './checkOutputs';

const FORMATS = [`text`, `json`, `sarif`] as const;
type CheckFormat = typeof FORMATS[number];

export default class TrustCheckCommand extends BaseCommand {
  static override paths = [[`trust`, `check`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `run every check of yarn-plugin-trust without installing, for CI`,
    details: `
      Runs the checks that \`yarn install\` enforces and prints the same findings an install would: insecure Yarn settings (\`checksumBehavior\`, \`enableStrictSsl\`, \`unsafeHttpWhitelist\`, http registries); lockfile checksums that disagree with the pins; packages of the lockfile without a pin; internal names without a registry route, resolved from another host, or colliding with a package of the public registry (every internal name is probed, without credentials; see \`trustCollisionProbes\`); names that look like typos of popular packages (the registry is asked about suspects only; one that cannot be asked is reported as not checked); locked releases that the malware feed pinned in \`trustMalwareFeed\` reports (a feed older than \`trustMalwareFeedMaxAge\` is a warning; without a pinned feed the check says that it did not run); and the install-script gate (every package with install scripts approved or denied in the trust file, and Yarn's settings agreeing with it). It reads the project from \`yarn.lock\` (packages missing from the cache are downloaded and verified, never built) and never approves or pins anything.

      With \`--format sarif\`, stdout is one SARIF 2.1.0 log (one rule per kind of finding, each result at the package's entry in \`yarn.lock\` or at the setting in \`.yarnrc.yml\`) and the text report goes to stderr.

      Exits with 1 on any finding, warnings included, 0 when the project is clean.
    `,
    examples: [[
      `In CI, before or instead of installing`,
      `yarn trust check`,
    ], [
      `Findings as NDJSON`,
      `yarn trust check --json`,
    ], [
      `Findings as a SARIF 2.1.0 log, for GitHub code scanning`,
      `yarn trust check --format sarif > trust.sarif`,
    ]],
  });

  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream (the same as --format json)`});

  format = Option.String(`--format`, {description: `The output format: text (default), json (NDJSON) or sarif (a SARIF 2.1.0 log on stdout, for code scanning)`});

  /** text, json or sarif; --json is --format json. */
  private outputFormat(): CheckFormat {
    if (this.format === undefined)
      return this.json ? `json` : `text`;
    if (!(FORMATS as ReadonlyArray<string>).includes(this.format))
      throw new UsageError(`Invalid value for --format: ${JSON.stringify(this.format)} (expected one of ${FORMATS.join(`, `)})`);
    if (this.json && this.format !== `json`)
      throw new UsageError(`--json and --format ${this.format} contradict each other; --json is --format json`);
    return this.format as CheckFormat;
  }

  async execute() {
    const format = this.outputFormat();
    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const json = format === `json`;
    let problemCount = 0;
    let warningCount = 0;
    const records: Array<CheckRecord> = [];
    let sarifFiles: ProjectFiles | null = null;
    // SARIF owns stdout; what the text report says (progress, findings, errors) goes to stderr.
    const report = await StreamReport.start({configuration, json, stdout: format === `sarif` ? this.context.stderr : this.context.stdout, includeFooter: false}, async report => {
      const emit = (output: CheckOutput) => {
        records.push(...output.records);
        if (json) {
          if (output.json !== null)
            report.reportJson(output.json);
          return;
        }
        for (const line of output.text) {
          if (line.level === `error`)
            report.reportError(line.name, line.text);
          else if (line.level === `warning`)
            report.reportWarning(line.name, line.text);
          else
            report.reportInfo(line.name, line.text);
        }
      };
      const info = (text: string) => emit({records: [], text: [{level: `info`, name: MessageName.UNNAMED, text}], json: null});

      const trustFile = await loadTrustFile(configuration);
      const {project, cache} = await openProject(this.context, configuration);
      const pins = contextOf(project).pins!;
      // --json always ends with this line, so that a clean run prints something a script can read.
      const summary = {settings: 0, archives: 0, unpinned: 0, confusion: 0, releases: 0, malware: 0, scripts: 0, skipped: [] as string[]};
      const finish = async () => {
        emit({records: [], text: [], json: {summary: {...summary, findings: problemCount + warningCount}}});
        if (format === `sarif`)
          sarifFiles = await projectFiles(project);
      };

      // A workspace in node_modules runs another package's scripts as the project's own.
      for (const {workspace, text} of misplacedWorkspaces(project)) {
        problemCount += 1;
        emit(misplacedWorkspaceOutput(project, workspace, text));
      }

      // Checksums first: they need no download, and a poisoned lockfile must be
      // reported before the script gate fetches anything it names.
      const checksums = runChecksumChecks(project, pins.pins);
      Object.assign(summary, {settings: checksums.settings.length, archives: checksums.archives.length, unpinned: checksums.unpinned.length});
      for (const finding of checksums.settings) {
        problemCount += 1;
        emit(settingOutput(configuration, finding));
      }
      for (const finding of checksums.archives) {
        problemCount += 1;
        emit(archiveOutput(configuration, finding, pins.path));
      }
      if (checksums.unpinned.length > 0) {
        problemCount += 1;
        emit(unpinnedOutput(configuration, checksums.unpinned, pins.path));
      }
      // Archives built from the project's sources (patch:, file: folders) are built again and compared.
      const derived = await findDerivedArchiveMismatches(project, await Cache.find(configuration), project.originalPackages.values());
      summary.archives += derived.length;
      for (const finding of derived) {
        problemCount += 1;
        emit(derivedArchiveOutput(project, finding));
      }
      if (checksums.archives.length > 0 || derived.length > 0) {
        summary.skipped = [`confusion`, `releases`, `malware`, `scripts`];
        await finish();
        return;
      }

      rememberTrustFile(project, trustFile);
      const confusion = await runConfusionChecks(project);
      summary.confusion = confusion.filter(finding => finding.severity === `error`).length;
      for (const finding of confusion) {
        emit(confusionOutput(finding));
        if (finding.severity === `error`) {
          problemCount += 1;
        }
      }

      // Names of the lockfile that look like typos of popular ones.
      const releases = await runReleaseChecks(project);
      summary.releases = releases.findings.length;
      for (const finding of releases.findings) {
        problemCount += 1;
        emit(releaseOutput(finding));
      }

      // Every locked release against the pinned malware feed: releases
      // reported after they were locked are caught here. Warnings (a stale
      // feed, a malware history) fail the check too, but do not hide the
      // summary of what is clean; no feed pinned is said, not a finding.
      const malware = await runMalwareChecks(project);
      summary.malware = malware.findings.length;
      if (malware.notPinned !== undefined) {
        summary.skipped.push(`malware`);
        info(malware.notPinned);
      }
      for (const finding of malware.findings) {
        if (finding.severity === `error`)
          problemCount += 1;
        else
          warningCount += 1;
        emit(malwareOutput(finding));
      }

      // Git dependencies before the script gate: reading a package that is not
      // in the cache fetches it, and fetching a git dependency runs its scripts.
      let unapprovedPacked = 0;
      for (const finding of packedDependencyFindings(project, trustFile.trust)) {
        if (finding.decision.state === `approved`)
          continue;
        problemCount += 1;
        unapprovedPacked += 1;
        emit(packedOutput(configuration, {pkg: finding.pkg, decision: finding.decision}, trustFile.path));
      }
      if (unapprovedPacked > 0) {
        // No summary line here, as before: the script gate did not run.
        if (format === `sarif`)
          sarifFiles = await projectFiles(project);
        return;
      }

      const gate = await runScriptGate(project, {trustFile, cache});
      summary.scripts = gate.findings.filter(finding => finding.severity !== `ok`).length;
      // The project's own scripts are not findings; what they run that the gate cannot follow is said.
      for (const [workspace, limits] of gate.scripts.workspaceLimits)
        emit(workspaceLimitsOutput(project, workspace, limits));
      for (const finding of gate.findings) {
        if (finding.severity === `ok`)
          continue;
        problemCount += 1;
        emit(gateOutput(configuration, finding, gate.scripts.locators.get(finding.pkg.id)!, gate.scripts.paths.get(finding.pkg.id) ?? null));
      }

      if (problemCount === 0) {
        const scripted = gate.findings.length;
        info(`Checksums: ${formatUtils.pretty(configuration, pins.pins.entries.size, formatUtils.Type.NUMBER)} pinned package(s), lockfile consistent with ${formatUtils.pretty(configuration, pins.path, formatUtils.Type.PATH)}`);
        info(`Release trust: ${formatUtils.pretty(configuration, releases.judged, formatUtils.Type.NUMBER)} registry name(s) judged, none a typo of a popular package${releases.allowed > 0 ? ` (${releases.allowed} allowed in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)})` : ``}; signatures and trust downgrades are not checked here (they are judged when a release is first downloaded; ${formatUtils.pretty(configuration, `yarn trust verify`, formatUtils.Type.CODE)} checks every signature)`);
        if (malware.feed !== null)
          info(`Known malware: ${formatUtils.pretty(configuration, malware.judged, formatUtils.Type.NUMBER)} locked release(s) judged against the malware feed ${formatUtils.pretty(configuration, `${malware.feed.name}@${malware.feed.version}`, formatUtils.Type.NAME)} (generated ${malware.feed.generated}, ${formatUtils.pretty(configuration, malware.feed.records, formatUtils.Type.NUMBER)} records), none reported`);
        info(scripted === 0
          ? `Install scripts: no package of this project runs any`
          : `Install scripts: ${formatUtils.pretty(configuration, scripted, formatUtils.Type.NUMBER)} package(s) run them, each approved or denied in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}`);
      }
      await finish();
    });

    // Only a run that went to the end is a log: an error (already on stderr) leaves stdout empty.
    if (format === `sarif` && sarifFiles !== null)
      this.context.stdout.write(`${JSON.stringify(sarifLog(records, sarifFiles), null, 2)}\n`);

    // Warnings count too: CI should not pass while Yarn and the trust file
    // disagree, or while the pinned malware feed is out of date.
    return problemCount + warningCount > 0 ? 1 : report.exitCode();
  }
}
