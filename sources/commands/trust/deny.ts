/** `yarn trust deny`: records that a package must never run its install scripts. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, ReportError, StreamReport, formatUtils, structUtils} from '@yarnpkg/core';
import {Command, Option, UsageError} from 'clipanion';

import {withDenial} from '../../core/policy/trustFile/edits';
import {denyConsumers} from '../../installScripts/yarn/format';
import {runScriptGate} from '../../installScripts/yarn/gate';
import {openProject, setBuiltFlag} from './project';
import {loadTrustFile, saveTrustFile} from '../../core/yarn/trustFileStore';
import {parsePackageArgument, selectFindings} from './selection';

export default class TrustDenyCommand extends BaseCommand {
  static override paths = [[`trust`, `deny`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `never run the install scripts of packages, and stop refusing the install because of them`,
    details: `
      Records in the trust file that the install scripts of the given packages must never run (whatever their version), and marks them \`built: false\` in the root \`package.json\`'s \`dependenciesMeta\`, which makes Yarn skip them even under \`enableScripts: true\`. The packages stay installed; the install no longer fails because of them.

      Any approval of the package is replaced by the denial.
    `,
    examples: [[
      `Install core-js without running its postinstall banner`,
      `yarn trust deny core-js --reason "postinstall only prints a banner"`,
    ]],
  });

  reason = Option.String(`--reason`, {description: `Why the scripts must not run; stored with the denial for reviewers`});
  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream`});
  packages = Option.Rest({required: 1, name: `package`});

  async execute() {
    if (typeof this.reason === `string` && this.reason.trim() === ``)
      throw new UsageError(`--reason must not be empty`);
    for (const arg of this.packages)
      if (parsePackageArgument(arg).version !== null)
        throw new UsageError(`A denial covers every version of a package: use ${parsePackageArgument(arg).name} instead of ${arg}`);

    // The trust file is read first: a broken one stops the command before anything else.
    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      // The trust file is read first: a broken one stops the command before anything else.
      const trustFile = await loadTrustFile(configuration);
      const {project, cache} = await openProject(this.context, configuration);
      const gate = await runScriptGate(project, {trustFile, cache});
      const selected = selectFindings(project, gate.findings, this.packages, `deny`);

      // Code that only other packages run has no scripts to deny: a denial
      // stops nothing and drops its approvals, so the roots are named instead.
      for (const {name, findings} of selected) {
        if (findings.length > 0 && findings.every(finding => finding.pkg.ownScripts === false)) {
          const refused = findings.find(finding => finding.severity === `error`) ?? findings[0];
          throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)} has no install script of its own: other packages' install code runs its code, which a denial of ${name} does not stop. Nothing was recorded. To run none of it, ${denyConsumers(configuration, refused)}; to let it run, review it and run ${formatUtils.pretty(configuration, `yarn trust approve ${name}`, formatUtils.Type.CODE)}`);
        }
      }

      const deniedAt = new Date().toISOString();
      let trust = trustFile.trust;
      for (const {name, findings} of selected) {
        const entry = Object.hasOwn(trust.packages, name) ? trust.packages[name] : undefined;
        const dropped = entry !== undefined && `approvals` in entry ? entry.approvals.map(approval => approval.version) : [];
        if (dropped.length > 0)
          report.reportWarning(MessageName.UNNAMED, `The denial of ${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)} replaces its ${dropped.length === 1 ? `approval` : `approvals`} of ${dropped.join(`, `)}: no version of it runs its install scripts any more`);
        trust = withDenial(trust, name, {
          deniedAt,
          ...(typeof this.reason === `string` ? {reason: this.reason.trim()} : {}),
        });
        for (const finding of findings) {
          const locator = gate.scripts.locators.get(finding.pkg.id)!;
          report.reportInfo(MessageName.UNNAMED, `Denied ${structUtils.prettyLocator(configuration, locator)}: its install scripts will never run`);
          report.reportJson({package: name, version: finding.pkg.version, locator: structUtils.stringifyLocator(locator), denied: true});
        }
      }

      await saveTrustFile(trustFile.path, trust);
      for (const {name} of selected)
        await setBuiltFlag(project, name, false);

      report.reportInfo(MessageName.UNNAMED, `Recorded in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}; commit it with package.json`);
    });

    return report.exitCode();
  }
}
