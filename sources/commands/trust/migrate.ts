/**
 * `yarn trust migrate`: rewrites approvals of an older fingerprint format to
 * the current one, never widening them.
 */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, StreamReport, formatUtils, structUtils} from '@yarnpkg/core';
import {Command, Option} from 'clipanion';

import {planMigration} from '../../installScripts/policy/migration';
import {withApproval} from '../../core/policy/trustFile/edits';
import {findingHeadline} from '../../installScripts/yarn/format';
import {runScriptGate} from '../../installScripts/yarn/gate';
import {openProject} from './project';
import {loadTrustFile, saveTrustFile} from '../../core/yarn/trustFileStore';
import {approvalOf, fingerprintLines} from './selection';

export default class TrustMigrateCommand extends BaseCommand {
  static override paths = [[`trust`, `migrate`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `record what a newer plugin sees of install code that was already approved`,
    details: `
      Newer versions of the plugin follow more of what runs at install time: the entry points that \`package.json\` decides (\`main\`, \`exports\`, \`imports\`), the files \`binding.gyp\` includes or runs, the dependencies that install code requires and the bins its commands run. After such an upgrade, approvals recorded by an older version no longer match and every install is refused.

      This command records only what an existing review already vouched for, and prints each entry:

      - a package whose approval is for the very release installed, with the same scripts and the same approved files, that only gained files the plugin did not follow before;
      - the code of other packages that approved install code runs (it ran under that approval before), except a bin named like a system tool (\`node\`, \`sh\`…), which must be approved by name.

      Everything else (a release whose install code changed, a package never reviewed) is listed and left for \`yarn trust approve\`; the command then exits with 1. Approvals already recorded are kept as they are.
    `,
    examples: [[
      `Record the wider fingerprints after upgrading the plugin`,
      `yarn trust migrate`,
    ]],
  });

  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream`});

  async execute() {
    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      const trustFile = await loadTrustFile(configuration);
      const {project, cache} = await openProject(this.context, configuration);
      const gate = await runScriptGate(project, {trustFile, cache});
      const {record, review} = planMigration(gate.findings);

      const approvedAt = new Date().toISOString();
      let trust = trustFile.trust;
      for (const {finding, why} of record) {
        const locator = gate.scripts.locators.get(finding.pkg.id)!;
        const approval = approvalOf(finding, approvedAt, `recorded by yarn trust migrate: ${why}`);
        trust = withApproval(trust, finding.pkg.name, approval);
        report.reportInfo(MessageName.UNNAMED, `Recorded ${structUtils.prettyLocator(configuration, locator)}: ${why}`);
        for (const line of fingerprintLines(configuration, approval))
          report.reportInfo(MessageName.UNNAMED, `  ${line}`);
        report.reportJson({package: finding.pkg.name, version: finding.pkg.version, locator: structUtils.stringifyLocator(locator), recorded: true, why, scripts: approval.scripts, files: approval.files});
      }
      if (trust !== trustFile.trust)
        await saveTrustFile(trustFile.path, trust);

      for (const finding of review) {
        const locator = gate.scripts.locators.get(finding.pkg.id)!;
        report.reportError(MessageName.DISABLED_BUILD_SCRIPTS, `${findingHeadline(configuration, finding, locator)}: it needs a review, ${formatUtils.pretty(configuration, `yarn trust status`, formatUtils.Type.CODE)} shows what it runs`);
        report.reportJson({package: finding.pkg.name, version: finding.pkg.version, locator: structUtils.stringifyLocator(locator), recorded: false, state: finding.state, fix: finding.fix});
      }
      if (record.length === 0 && review.length === 0)
        report.reportInfo(MessageName.UNNAMED, `Nothing to migrate: every approval matches what runs`);
    });
    return report.exitCode();
  }
}
