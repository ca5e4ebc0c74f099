import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, StreamReport, formatUtils} from '@yarnpkg/core';
import {Command, Option} from 'clipanion';

import {runScriptGate} from '../../yarn/gate';
import {formatFinding, findingToJson} from '../../yarn/format';
import {openProject} from '../../yarn/project';
import {loadTrustFile} from '../../yarn/trustFileStore';

export default class TrustCheckCommand extends BaseCommand {
  static override paths = [[`trust`, `check`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `run every check of yarn-plugin-trust without installing, for CI`,
    details: `
      Runs the checks that \`yarn install\` enforces — today the install-script gate: every package with install scripts must be approved or denied in the trust file, and Yarn's settings must agree with it — and prints the same findings an install would. It reads the project from \`yarn.lock\` (packages missing from the cache are downloaded, never built) and never approves anything.

      Exits with 1 on any finding, 0 when the project is clean.
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
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      const trustFile = await loadTrustFile(configuration);
      const {project, cache} = await openProject(this.context, configuration);
      const gate = await runScriptGate(project, {trustFile, cache});
      const problems = gate.findings.filter(finding => finding.severity !== `ok`);
      problemCount = problems.length;

      for (const finding of problems) {
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
      if (problems.length === 0 && !this.json) {
        const scripted = gate.findings.length;
        report.reportInfo(MessageName.UNNAMED, scripted === 0
          ? `Install scripts: no package of this project runs any`
          : `Install scripts: ${formatUtils.pretty(configuration, scripted, formatUtils.Type.NUMBER)} package(s) run them, each approved or denied in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}`);
      }
    });

    // Warnings count too: CI should not pass while Yarn and the trust file disagree.
    return problemCount > 0 ? 1 : report.exitCode();
  }
}
