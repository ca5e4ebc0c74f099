/** `yarn trust status`: what each package runs at install time and where it stands in the trust file. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, StreamReport, formatUtils, structUtils} from '@yarnpkg/core';
import {Command, Option} from 'clipanion';

import {hasBlockingFindings} from '../../installScripts/policy/scriptGate';
import {pinCommandDownloads} from '../../checksums/yarn/commandPins';
import {runScriptGate} from '../../installScripts/yarn/gate';
import {contextOf} from '../../checksums/yarn/context';
import {describeStaleDecision, findingDetails, findingToJson, staleDecisionToJson} from '../../installScripts/yarn/format';
import {openProject} from './project';
import {staleDecisionsOf} from '../../installScripts/yarn/staleDecisions';
import {loadTrustFile} from '../../core/yarn/trustFileStore';
import {describeAllowance, releaseAllowances} from '../../releaseTrust/yarn/check';
import {describeFeedStatus, feedStatus} from '../../knownMalware/yarn/check';

const STATE_LABEL = {
  approved: `approved`,
  denied: `denied`,
  pending: `pending`,
  changed: `changed since approval`,
  undecidable: `undecidable`,
} as const;

export default class TrustStatusCommand extends BaseCommand {
  static override paths = [[`trust`, `status`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `list every package that runs install scripts, and whether it may`,
    details: `
      Lists each package of the project that has a \`preinstall\`, \`install\` or \`postinstall\` script or a \`binding.gyp\`, with its state in the trust file — approved, denied, pending (never reviewed), changed since approval (what changed is shown), or undecidable (what it runs cannot be bound to an approval: files that could not be read, code that installs from a registry, limits exceeded) — the commands it runs and the dependency path that brings it in.

      The malware feed pinned in \`trustMalwareFeed\` is described (version, generation date, age, records, whether Yarn's global folder holds it); no feed, or one older than \`trustMalwareFeedMaxAge\`, is a warning.

      Release-trust findings accepted with \`yarn trust allow\` are listed with their reason, and whether the lockfile still holds what they accept.

      Decisions the project no longer uses are listed as stale: approvals whose version and fingerprint no package of the project runs, and denials of packages that left the project. \`yarn trust prune\` removes them.

      Exits with 1 when any package is pending, changed or undecidable, or when Yarn's settings disagree with the trust file; 0 otherwise.
    `,
    examples: [[
      `See what needs a review`,
      `yarn trust status`,
    ], [
      `Machine-readable output`,
      `yarn trust status --json`,
    ]],
  });

  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream`});

  async execute() {
    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    let blocking = false;
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      const trustFile = await loadTrustFile(configuration);
      const {project, cache} = await openProject(this.context, configuration);
      // In a fresh clone, download only what the registry says may run scripts.
      const gate = await runScriptGate(project, {trustFile, cache, uncached: `ask-registry`});
      blocking = hasBlockingFindings(gate.findings);
      const pinned = await pinCommandDownloads(project);
      for (const [workspace, limits] of gate.scripts.workspaceLimits) {
        const pretty = structUtils.prettyLocator(configuration, structUtils.parseLocator(workspace));
        if (!this.json)
          for (const limit of limits)
            report.reportInfo(MessageName.UNNAMED, `${pretty}: not followed in its own install scripts (a limit, review it by hand): ${limit}`);
        report.reportJson({kind: `workspace-limits`, workspace, limits});
      }
      if (!this.json && gate.scripts.judgedByRegistry.length > 0)
        report.reportInfo(MessageName.UNNAMED, `${gate.scripts.judgedByRegistry.length} package(s) not in Yarn's cache were judged by the manifest their registry publishes, without downloading them; ${formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE)} reads every archive`);
      if (!this.json && pinned > 0)
        report.reportInfo(MessageName.UNNAMED, `${pinned} package(s) downloaded to be read were verified and pinned in ${formatUtils.pretty(configuration, contextOf(project).pins!.path, formatUtils.Type.PATH)}; the next install takes them from the cache`);

      if (!configuration.get(`trustCollisionProbes`) && !this.json)
        report.reportWarning(MessageName.INVALID_CONFIGURATION_VALUE, `Dependency confusion: collisions of internal names with the public registry are not checked (trustCollisionProbes is false)`);

      if (gate.findings.length === 0 && !this.json)
        report.reportInfo(MessageName.UNNAMED, `No package of this project runs install scripts`);

      for (const finding of gate.findings) {
        const locator = gate.scripts.locators.get(finding.pkg.id)!;
        const path = gate.scripts.paths.get(finding.pkg.id) ?? null;
        if (this.json) {
          report.reportJson(findingToJson(finding, locator, path));
          continue;
        }

        const state = formatUtils.pretty(configuration, STATE_LABEL[finding.state], finding.severity === `ok` ? `green` : finding.severity === `warning` ? `yellow` : `red`);
        const headline = `${structUtils.prettyLocator(configuration, locator)}: ${state}`;
        const details = finding.state === `approved` || finding.state === `denied`
          ? statusDetails(finding.pkg.fingerprint)
          : [];
        const lines = [headline, ...[...details, ...findingDetails(configuration, finding, path)].map(line => `  ${line}`)];
        if (finding.severity === `error`)
          report.reportError(MessageName.DISABLED_BUILD_SCRIPTS, lines.join(`\n`));
        else if (finding.severity === `warning`)
          report.reportWarning(MessageName.DISABLED_BUILD_SCRIPTS, lines.join(`\n`));
        else
          report.reportInfo(MessageName.UNNAMED, lines.join(`\n`));
      }

      // The malware feed: what is pinned, how old it is, whether it is cached (never downloaded here).
      const feed = await feedStatus(project);
      if (this.json) {
        report.reportJson({kind: `malware-feed`, ...feed});
      } else {
        const {severity, message} = describeFeedStatus(configuration, feed);
        if (severity === `warning`)
          report.reportWarning(MessageName.UNNAMED, message);
        else
          report.reportInfo(MessageName.UNNAMED, message);
      }

      // Reviewed release-trust findings: listed so that they stay visible, never a failure.
      for (const allowance of releaseAllowances(project, trustFile.trust)) {
        if (this.json)
          report.reportJson({package: allowance.name, version: allowance.version, state: `allowed`, kind: `release-allowance`, findings: allowance.findings, allowedAt: allowance.allowedAt, reason: allowance.reason, inLockfile: allowance.inLockfile});
        else
          report.reportInfo(MessageName.UNNAMED, `Release trust: ${describeAllowance(configuration, allowance)}`);
      }

      // Not a reason to fail: a stale decision lets nothing run. But it is
      // shown on every status, so it is never kept unnoticed.
      const stale = staleDecisionsOf(project, gate);
      for (const decision of stale) {
        if (this.json)
          report.reportJson(staleDecisionToJson(decision));
        else
          report.reportWarning(MessageName.UNNAMED, `Stale: ${describeStaleDecision(configuration, decision)}`);
      }
      if (stale.length > 0 && !this.json) {
        report.reportInfo(MessageName.UNNAMED, `Run ${formatUtils.pretty(configuration, `yarn trust prune`, formatUtils.Type.CODE)} to remove the ${stale.length === 1 ? `stale decision` : `${stale.length} stale decisions`} from ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)} (${formatUtils.pretty(configuration, `--dry-run`, formatUtils.Type.CODE)} shows what it would remove)`);
      }
    });
    return blocking ? 1 : report.exitCode();
  }
}

function statusDetails(fingerprint: {scripts: Record<string, string>} | {error: string}) {
  if (`error` in fingerprint)
    return [];
  return Object.entries(fingerprint.scripts).map(([name, command]) => `${name}: ${command}`);
}
