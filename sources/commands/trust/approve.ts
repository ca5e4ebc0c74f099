/** `yarn trust approve`: approves what a package runs at install time, bound to every file that runs. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, ReportError, StreamReport, formatUtils, structUtils} from '@yarnpkg/core';
import {Command, Option, UsageError} from 'clipanion';

import {unapprovedReachedFrom} from '../../installScripts/policy/scriptGate';
import {hasApproval, withApproval} from '../../core/policy/trustFile/edits';
import {denyConsumers} from '../../installScripts/yarn/format';
import {runScriptGate} from '../../installScripts/yarn/gate';
import {openProject, setBuiltFlag} from './project';
import {loadTrustFile, type LoadedTrustFile, saveTrustFile} from '../../core/yarn/trustFileStore';
import {approvalOf, fingerprintLines, parsePackageArgument, selectFindings} from './selection';

export default class TrustApproveCommand extends BaseCommand {
  static override paths = [[`trust`, `approve`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `approve the install scripts of packages after reviewing them`,
    details: `
      Records in the trust file (\`yarn-trust.json\` by default, see \`trustFilePath\`) that the install scripts of the given packages may run, and marks them \`built: true\` in the root \`package.json\`'s \`dependenciesMeta\` so that Yarn builds them.

      An approval is bound to what runs: the script commands and the hash of every package file they execute. Later versions whose scripts and files are identical run without a new approval; a version that changes what runs is refused until it is approved again.

      Every version of the package present in the project (from \`yarn.lock\`) is approved. Approvals already recorded are kept exactly as they are (date and reason included): they are the review history. Use \`<name>@<version>\` to approve a single version. Works right after a refused install and in a fresh clone before the first install. Review the scripts first: \`yarn trust status\` prints them.
    `,
    examples: [[
      `Approve esbuild after reviewing its postinstall`,
      `yarn trust approve esbuild --reason "downloads its platform binary from npm"`,
    ], [
      `Approve one version of a scoped package`,
      `yarn trust approve @parcel/watcher@2.4.1`,
    ]],
  });

  reason = Option.String(`--reason`, {description: `Why these scripts are acceptable; stored with the approval for reviewers`});
  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream`});
  packages = Option.Rest({required: 1, name: `package`});

  async execute() {
    if (typeof this.reason === `string` && this.reason.trim() === ``)
      throw new UsageError(`--reason must not be empty`);

    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      // The trust file is read first: a broken one stops the command before anything else.
      const trustFile = await loadTrustFile(configuration);
      const {project, cache} = await openProject(this.context, configuration);
      // A denied package's own install code is not followed (it never runs),
      // so its fingerprint lacks what approving it starts: the packages named
      // are judged as they will run once approved.
      const named = new Set(this.packages.map(arg => parsePackageArgument(arg).name));
      const gate = await runScriptGate(project, {trustFile: withoutDenials(trustFile, named), cache});
      const selected = selectFindings(project, gate.findings, this.packages, `approve`);

      // What the approved install code runs of other packages is part of the review.
      const selectedIds = new Set(selected.flatMap(({findings}) => findings.map(finding => finding.pkg.id)));
      const {approvable, shadowing} = unapprovedReachedFrom(gate.findings, selectedIds);
      for (const finding of approvable) {
        const existing = selected.find(entry => entry.name === finding.pkg.name);
        if (existing !== undefined)
          existing.findings.push(finding);
        else
          selected.push({name: finding.pkg.name, findings: [finding]});
      }
      for (const finding of shadowing) {
        report.reportWarning(MessageName.DISABLED_BUILD_SCRIPTS, `${structUtils.prettyLocator(configuration, gate.scripts.locators.get(finding.pkg.id)!)} was not approved with them: its bin ${(finding.pkg.shadows ?? []).join(`, `)} replaces the system's tool of that name on their PATH. Approve it by name, ${formatUtils.pretty(configuration, `yarn trust approve ${finding.pkg.name}`, formatUtils.Type.CODE)}, only if that is intended`);
      }

      for (const {findings} of selected) {
        for (const finding of findings) {
          if (finding.state === `undecidable` && finding.pkg.ownScripts === false) {
            throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `${structUtils.prettyLocator(configuration, gate.scripts.locators.get(finding.pkg.id)!)} cannot be approved: other packages run it at install time, but ${finding.error}. It has no install script of its own, so it cannot be denied either; to run none of it, ${denyConsumers(configuration, finding)}`);
          }
          if (finding.state === `undecidable`) {
            throw new ReportError(MessageName.DISABLED_BUILD_SCRIPTS, `${structUtils.prettyLocator(configuration, gate.scripts.locators.get(finding.pkg.id)!)} cannot be approved: ${finding.error}. Run ${formatUtils.pretty(configuration, `yarn trust deny ${finding.pkg.name}`, formatUtils.Type.CODE)} to install it without its scripts`);
          }
        }
      }

      const approvedAt = new Date().toISOString();
      let trust = trustFile.trust;
      for (const {name, findings} of selected) {
        for (const finding of findings) {
          const locator = gate.scripts.locators.get(finding.pkg.id)!;
          const recorded = approvalOf(finding, approvedAt, this.reason);
          // An approval already covers it: recorded approvals are review
          // history, never rewritten with a new date or reason.
          const existing = finding.state === `approved` ? finding.approval : hasApproval(trust, name, recorded) ? recorded : null;
          if (existing !== null) {
            const by = existing.version === finding.pkg.version ? `` : `by the approval of ${existing.version}, `;
            const when = existing === recorded ? `` : ` (${by}approved ${existing.approvedAt})`;
            report.reportInfo(MessageName.UNNAMED, `${structUtils.prettyLocator(configuration, locator)} is already approved${when}; left as recorded`);
            report.reportJson({package: name, version: finding.pkg.version, locator: structUtils.stringifyLocator(locator), approved: true, alreadyApproved: true, approvedVersion: existing.version});
            continue;
          }
          trust = withApproval(trust, name, recorded);

          report.reportInfo(MessageName.UNNAMED, `Approved ${structUtils.prettyLocator(configuration, locator)}:`);
          for (const line of fingerprintLines(configuration, recorded))
            report.reportInfo(MessageName.UNNAMED, `  ${line}`);
          for (const limit of finding.pkg.unresolved ?? [])
            report.reportWarning(MessageName.UNNAMED, `  not followed (a limit of this approval, review it by hand): ${limit}`);
          report.reportJson({package: name, version: finding.pkg.version, locator: structUtils.stringifyLocator(locator), approved: true, scripts: recorded.scripts, files: recorded.files});
        }
      }

      if (trust !== trustFile.trust)
        await saveTrustFile(trustFile.path, trust);
      for (const {name, findings} of selected)
        if (findings.some(finding => finding.pkg.ownScripts !== false))
          await setBuiltFlag(project, name, true);

      report.reportInfo(MessageName.UNNAMED, `Recorded in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}; commit it with package.json, then run ${formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE)} to run the approved scripts`);
    });

    return report.exitCode();
  }
}

/** The trust file as the gate should read it once `names` are no longer denied. */
function withoutDenials(trustFile: LoadedTrustFile, names: ReadonlySet<string>): LoadedTrustFile {
  const packages = Object.fromEntries(Object.entries(trustFile.trust.packages).filter(([name, entry]) => !(names.has(name) && `denied` in entry)));
  return {...trustFile, trust: {...trustFile.trust, packages}};
}
