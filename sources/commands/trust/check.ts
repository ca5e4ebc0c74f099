/** `yarn trust check`: every check's findings on the whole lockfile, for CI, without installing. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, StreamReport, formatUtils, structUtils} from '@yarnpkg/core';
import {Command, Option} from 'clipanion';

import {describeArchiveFinding, describeSettingFinding, runChecksumChecks} from '../../checksums/yarn/checksums';
import {runConfusionChecks} from '../../confusion/yarn/check';
import {runScriptGate} from '../../installScripts/yarn/gate';
import {formatFinding, findingToJson} from '../../installScripts/yarn/format';
import {contextOf} from '../../checksums/yarn/context';
import {describePackedRefusal, packedDependencyFindings, packedFindingToJson} from '../../installScripts/yarn/packedDependencies';
import {openProject} from './project';
import {runReleaseChecks} from '../../releaseTrust/yarn/check';
import {runMalwareChecks} from '../../knownMalware/yarn/check';
import {loadTrustFile, rememberTrustFile} from '../../core/yarn/trustFileStore';

export default class TrustCheckCommand extends BaseCommand {
  static override paths = [[`trust`, `check`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `run every check of yarn-plugin-trust without installing, for CI`,
    details: `
      Runs the checks that \`yarn install\` enforces and prints the same findings an install would: insecure Yarn settings (\`checksumBehavior\`, \`enableStrictSsl\`, \`unsafeHttpWhitelist\`, http registries); lockfile checksums that disagree with the pins; packages of the lockfile without a pin; internal names without a registry route, resolved from another host, or colliding with a package of the public registry (every internal name is probed, without credentials; see \`trustCollisionProbes\`); names that look like typos of popular packages (the registry is asked about suspects only; one that cannot be asked is reported as not checked); locked releases that the malware feed pinned in \`trustMalwareFeed\` reports (a feed older than \`trustMalwareFeedMaxAge\` is a warning; without a pinned feed the check says that it did not run); and the install-script gate (every package with install scripts approved or denied in the trust file, and Yarn's settings agreeing with it). It reads the project from \`yarn.lock\` (packages missing from the cache are downloaded and verified, never built) and never approves or pins anything.

      Exits with 1 on any finding, warnings included, 0 when the project is clean.
    `,
    examples: [[
      `In CI, before or instead of installing`,
      `yarn trust check`,
    ], [
      `Findings as NDJSON`,
      `yarn trust check --json`,
    ]],
  });

  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream`});

  async execute() {
    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    let problemCount = 0;
    let warningCount = 0;
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      const trustFile = await loadTrustFile(configuration);
      const {project, cache} = await openProject(this.context, configuration);
      const pins = contextOf(project).pins!;
      // --json always ends with this line, so that a clean run prints something a script can read.
      const summary = {settings: 0, archives: 0, unpinned: 0, confusion: 0, releases: 0, malware: 0, scripts: 0, skipped: [] as string[]};
      const reportSummary = () => {
        if (this.json) {
          report.reportJson({summary: {...summary, findings: problemCount + warningCount}});
        }
      };

      // Checksums first: they need no download, and a poisoned lockfile must be
      // reported before the script gate fetches anything it names.
      const checksums = runChecksumChecks(project, pins.pins);
      Object.assign(summary, {settings: checksums.settings.length, archives: checksums.archives.length, unpinned: checksums.unpinned.length});
      for (const finding of checksums.settings) {
        problemCount += 1;
        if (this.json)
          report.reportJson({check: `settings`, ...finding});
        else
          report.reportError(MessageName.INVALID_CONFIGURATION_VALUE, describeSettingFinding(configuration, finding));
      }
      for (const finding of checksums.archives) {
        problemCount += 1;
        if (this.json)
          report.reportJson({check: `archives`, ...finding});
        else
          report.reportError(MessageName.CACHE_CHECKSUM_MISMATCH, describeArchiveFinding(configuration, finding, pins.path));
      }
      if (checksums.unpinned.length > 0) {
        problemCount += 1;
        const names = checksums.unpinned.map(pkg => structUtils.stringifyLocator(pkg)).sort();
        if (this.json) {
          report.reportJson({check: `pins`, unpinned: names});
        } else {
          const shown = names.slice(0, 20).join(`, `) + (names.length > 20 ? `, and ${names.length - 20} more` : ``);
          report.reportError(MessageName.CACHE_CHECKSUM_MISMATCH, `${names.length} package(s) of yarn.lock have no pin in ${formatUtils.pretty(configuration, pins.path, formatUtils.Type.PATH)}: ${shown}. Run ${formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE)} to verify them against their registry and pin them, then commit the pins file.`);
        }
      }
      if (checksums.archives.length > 0) {
        summary.skipped = [`confusion`, `releases`, `malware`, `scripts`];
        reportSummary();
        return;
      }

      rememberTrustFile(project, trustFile);
      const confusion = await runConfusionChecks(project);
      summary.confusion = confusion.filter(finding => finding.severity === `error`).length;
      for (const finding of confusion) {
        if (this.json) {
          report.reportJson({check: `confusion`, kind: finding.kind, name: finding.name, severity: finding.severity, message: finding.message});
        } else if (finding.severity === `error`) {
          report.reportError(MessageName.RESOLUTION_MISMATCH, finding.message);
        } else {
          report.reportInfo(MessageName.UNNAMED, finding.message);
        }
        if (finding.severity === `error`) {
          problemCount += 1;
        }
      }

      // Names of the lockfile that look like typos of popular ones.
      const releases = await runReleaseChecks(project);
      summary.releases = releases.findings.length;
      for (const finding of releases.findings) {
        problemCount += 1;
        if (this.json)
          report.reportJson({check: `releases`, ...finding});
        else
          report.reportError(MessageName.RESOLUTION_MISMATCH, finding.message);
      }

      // Every locked release against the pinned malware feed: releases
      // reported after they were locked are caught here. Warnings (a stale
      // feed, a malware history) fail the check too, but do not hide the
      // summary of what is clean; no feed pinned is said, not a finding.
      const malware = await runMalwareChecks(project);
      summary.malware = malware.findings.length;
      if (malware.notPinned !== undefined) {
        summary.skipped.push(`malware`);
        if (!this.json) {
          report.reportInfo(MessageName.UNNAMED, malware.notPinned);
        }
      }
      for (const finding of malware.findings) {
        if (finding.severity === `error`)
          problemCount += 1;
        else
          warningCount += 1;
        if (this.json)
          report.reportJson({check: `malware`, ...finding});
        else if (finding.severity === `error`)
          report.reportError(MessageName.RESOLUTION_MISMATCH, finding.message);
        else
          report.reportWarning(MessageName.UNNAMED, finding.message);
      }

      // Git dependencies before the script gate: reading a package that is not
      // in the cache fetches it, and fetching a git dependency runs its scripts.
      let unapprovedPacked = 0;
      for (const finding of packedDependencyFindings(project, trustFile.trust)) {
        if (finding.decision.state === `approved`)
          continue;
        problemCount += 1;
        unapprovedPacked += 1;
        if (this.json)
          report.reportJson({check: `packed`, ...packedFindingToJson(finding)});
        else
          report.reportError(MessageName.DISABLED_BUILD_SCRIPTS, describePackedRefusal(configuration, structUtils.prettyLocator(configuration, finding.pkg), finding.decision, trustFile.path));
      }
      if (unapprovedPacked > 0)
        return;

      const gate = await runScriptGate(project, {trustFile, cache});
      summary.scripts = gate.findings.filter(finding => finding.severity !== `ok`).length;
      // The project's own scripts are not findings; what they run that the gate cannot follow is said.
      for (const [workspace, limits] of gate.scripts.workspaceLimits) {
        if (this.json) {
          report.reportJson({check: `scripts`, kind: `workspace-limits`, workspace, limits});
        } else {
          for (const limit of limits) {
            report.reportInfo(MessageName.UNNAMED, `${structUtils.prettyLocator(configuration, structUtils.parseLocator(workspace))}: not followed in its own install scripts (a limit, review it by hand): ${limit}`);
          }
        }
      }
      for (const finding of gate.findings) {
        if (finding.severity === `ok`)
          continue;
        problemCount += 1;
        const locator = gate.scripts.locators.get(finding.pkg.id)!;
        const path = gate.scripts.paths.get(finding.pkg.id) ?? null;
        if (this.json) {
          report.reportJson({check: `scripts`, ...findingToJson(finding, locator, path)});
        } else if (finding.severity === `error`) {
          report.reportError(MessageName.DISABLED_BUILD_SCRIPTS, formatFinding(configuration, finding, locator, path));
        } else {
          report.reportWarning(MessageName.DISABLED_BUILD_SCRIPTS, formatFinding(configuration, finding, locator, path));
        }
      }

      if (problemCount === 0 && !this.json) {
        const scripted = gate.findings.length;
        report.reportInfo(MessageName.UNNAMED, `Checksums: ${formatUtils.pretty(configuration, pins.pins.entries.size, formatUtils.Type.NUMBER)} pinned package(s), lockfile consistent with ${formatUtils.pretty(configuration, pins.path, formatUtils.Type.PATH)}`);
        report.reportInfo(MessageName.UNNAMED, `Release trust: ${formatUtils.pretty(configuration, releases.judged, formatUtils.Type.NUMBER)} registry name(s) judged, none a typo of a popular package${releases.allowed > 0 ? ` (${releases.allowed} allowed in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)})` : ``}; signatures and trust downgrades are not checked here (they are judged when a release is first downloaded; ${formatUtils.pretty(configuration, `yarn trust verify`, formatUtils.Type.CODE)} checks every signature)`);
        if (malware.feed !== null)
          report.reportInfo(MessageName.UNNAMED, `Known malware: ${formatUtils.pretty(configuration, malware.judged, formatUtils.Type.NUMBER)} locked release(s) judged against the malware feed ${formatUtils.pretty(configuration, `${malware.feed.name}@${malware.feed.version}`, formatUtils.Type.NAME)} (generated ${malware.feed.generated}, ${formatUtils.pretty(configuration, malware.feed.records, formatUtils.Type.NUMBER)} records), none reported`);
        report.reportInfo(MessageName.UNNAMED, scripted === 0
          ? `Install scripts: no package of this project runs any`
          : `Install scripts: ${formatUtils.pretty(configuration, scripted, formatUtils.Type.NUMBER)} package(s) run them, each approved or denied in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}`);
      }
      reportSummary();
    });

    // Warnings count too: CI should not pass while Yarn and the trust file
    // disagree, or while the pinned malware feed is out of date.
    return problemCount + warningCount > 0 ? 1 : report.exitCode();
  }
}
