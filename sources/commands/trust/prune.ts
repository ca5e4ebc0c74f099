/** `yarn trust prune`: removes decisions about versions and fingerprints that no longer occur. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, StreamReport, formatUtils} from '@yarnpkg/core';
import {Command, Option} from 'clipanion';

import {forgottenPackages, withoutStaleDecisions} from '../../installScripts/policy/staleDecisions';
import {runScriptGate} from '../../installScripts/yarn/gate';
import {describeStaleDecision, staleDecisionToJson} from '../../installScripts/yarn/format';
import {openProject, setBuiltFlag} from './project';
import {staleDecisionsOf} from '../../installScripts/yarn/staleDecisions';
import {loadTrustFile, saveTrustFile} from '../../core/yarn/trustFileStore';

export default class TrustPruneCommand extends BaseCommand {
  static override paths = [[`trust`, `prune`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `remove the approvals and denials that the project no longer uses`,
    details: `
      Removes from the trust file the decisions that \`yarn trust status\` lists as stale: approvals whose version and fingerprint no package of the project (as \`yarn.lock\` resolves it) runs any more, and denials of packages that are no longer in the project. Approvals still in use are kept as they are, and so is the approval a changed package is compared with. A package whose files cannot be read keeps every approval.

      When a package loses its last decision, its \`built\` flag is removed from the root \`package.json\`'s \`dependenciesMeta\`. Every removed decision is printed; with \`--dry-run\` nothing is written.
    `,
    examples: [[
      `See what would be removed`,
      `yarn trust prune --dry-run`,
    ], [
      `Remove stale decisions`,
      `yarn trust prune`,
    ]],
  });

  dryRun = Option.Boolean(`-n,--dry-run`, false, {description: `Print what would be removed without writing anything`});
  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream`});

  async execute() {
    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      // The trust file is read first: a broken one stops the command before anything else.
      const trustFile = await loadTrustFile(configuration);
      const {project, cache} = await openProject(this.context, configuration);
      const gate = await runScriptGate(project, {trustFile, cache});
      const stale = staleDecisionsOf(project, gate);
      const file = formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH);

      if (stale.length === 0) {
        report.reportInfo(MessageName.UNNAMED, `Nothing to prune: the project uses every decision of ${file}`);
        return;
      }

      const verb = this.dryRun ? `Would remove` : `Removed`;
      for (const decision of stale) {
        report.reportInfo(MessageName.UNNAMED, `${verb} ${describeStaleDecision(configuration, decision)}`);
        report.reportJson({...staleDecisionToJson(decision), removed: !this.dryRun});
      }
      if (this.dryRun)
        return;

      const pruned = withoutStaleDecisions(trustFile.trust, stale);
      await saveTrustFile(trustFile.path, pruned);
      const meta = project.topLevelWorkspace.manifest.dependenciesMeta;
      for (const name of forgottenPackages(trustFile.trust, pruned))
        if (meta.has(name))
          await setBuiltFlag(project, name, undefined);

      report.reportInfo(MessageName.UNNAMED, `Recorded in ${file}; commit it with package.json`);
    });

    return report.exitCode();
  }
}
