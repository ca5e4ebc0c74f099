/** `yarn trust revoke`: removes the decisions about a package. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, Project, ReportError, StreamReport, formatUtils} from '@yarnpkg/core';
import {Command, Option, UsageError} from 'clipanion';

import {withoutPackage} from '../../core/policy/trustFile/edits';
import {setBuiltFlag} from './project';
import {loadTrustFile, saveTrustFile} from '../../core/yarn/trustFileStore';
import {parsePackageArgument} from './selection';

export default class TrustRevokeCommand extends BaseCommand {
  static override paths = [[`trust`, `revoke`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `forget the approval or denial of packages`,
    details: `
      Removes every approval and the denial of the given packages from the trust file, and their \`built\` flag from the root \`package.json\`'s \`dependenciesMeta\`. Their install scripts are then refused again, and the next install fails until they are approved or denied anew.

      Works for packages that already left the project, to clean the trust file.
    `,
    examples: [[
      `Stop trusting esbuild's postinstall`,
      `yarn trust revoke esbuild`,
    ]],
  });

  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream`});
  packages = Option.Rest({required: 1, name: `package`});

  async execute() {
    const names = this.packages.map(arg => {
      const {name, version} = parsePackageArgument(arg);
      if (version !== null)
        throw new UsageError(`revoke removes every approval of a package: use ${name} instead of ${arg}`);
      return name;
    });

    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      const trustFile = await loadTrustFile(configuration);
      const {project} = await Project.find(configuration, this.context.cwd);

      for (const name of names)
        if (!Object.prototype.hasOwnProperty.call(trustFile.trust.packages, name))
          throw new ReportError(MessageName.UNNAMED, `${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)} is neither approved nor denied in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}; there is nothing to revoke`);

      let trust = trustFile.trust;
      for (const name of names) {
        trust = withoutPackage(trust, name);
        report.reportInfo(MessageName.UNNAMED, `Revoked ${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)}: its install scripts are refused again`);
        report.reportJson({package: name, revoked: true});
      }

      await saveTrustFile(trustFile.path, trust);
      for (const name of names)
        await setBuiltFlag(project, name, undefined);

      report.reportInfo(MessageName.UNNAMED, `Recorded in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}; commit it with package.json`);
    });

    return report.exitCode();
  }
}
