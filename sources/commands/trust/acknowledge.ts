/** `yarn trust acknowledge`: records that an internal name also existing on the public registry was reviewed. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, Project, ReportError, StreamReport, formatUtils} from '@yarnpkg/core';
import {Command, Option, UsageError} from 'clipanion';

import {classifyName} from '../../confusion/policy/model';
import {normalizeRegistryUrl} from '../../confusion/policy/names';
import {withCollisionAcknowledged} from '../../core/policy/trustFile/edits';
import {internalModelOf, publicRegistryOf} from '../../confusion/yarn/model';
import {collisionDecision} from '../../confusion/yarn/probes';
import {loadTrustFile, rememberTrustFile, saveTrustFile} from '../../core/yarn/trustFileStore';

export default class TrustAcknowledgeCommand extends BaseCommand {
  static override paths = [[`trust`, `acknowledge`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `accept that an internal package name also exists on the public registry`,
    details: `
      An internal package (a scope routed to its own registry, a name matching \`trustInternalPackages\`, or a private workspace) whose name also exists on the public registry is refused as a possible dependency-confusion attack. When your company owns the public name too, record that in the trust file after checking who published it; the install then accepts the name, and \`yarn trust status\` keeps listing it.

      The public registry is asked (without credentials) before the acknowledgement is recorded, and the command refuses names that are not internal or not on the public registry.
    `,
    examples: [[
      `Accept corp-utils, which the company also publishes on npmjs.com`,
      `yarn trust acknowledge corp-utils --reason "published by our npm org"`,
    ]],
  });

  reason = Option.String(`--reason`, {description: `Why the public package is not a threat; stored for reviewers`});
  names = Option.Rest({required: 1, name: `name`});

  async execute() {
    if (typeof this.reason === `string` && this.reason.trim() === ``)
      throw new UsageError(`--reason must not be empty`);

    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const report = await StreamReport.start({configuration, stdout: this.context.stdout, includeFooter: false}, async report => {
      const trustFile = await loadTrustFile(configuration);
      // The lockfile is not needed: acknowledging typically follows a refused first install.
      const {project} = await Project.find(configuration, this.context.cwd);
      rememberTrustFile(project, trustFile);
      const model = internalModelOf(project);

      let trust = trustFile.trust;
      for (const name of this.names) {
        if (!classifyName(name, model).internal)
          throw new ReportError(MessageName.UNNAMED, `${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)} is not internal (no routed scope, no match in trustInternalPackages, not a private workspace); there is no collision to acknowledge`);
        const decision = await collisionDecision(project, name, {probe: true});
        if (decision.kind === `not-checked`)
          throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)} cannot be acknowledged while trustCollisionProbes is false: the public registry must be asked first`);
        if (decision.kind !== `collision` && decision.kind !== `acknowledged`)
          throw new ReportError(MessageName.REMOTE_NOT_FOUND, `${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)} does not exist on ${publicRegistryOf(configuration)}; there is no collision to acknowledge`);
        trust = withCollisionAcknowledged(trust, name, {
          acknowledgedAt: new Date().toISOString(),
          ...(typeof this.reason === `string` ? {reason: this.reason.trim()} : {}),
          publicRegistry: normalizeRegistryUrl(publicRegistryOf(configuration)) ?? publicRegistryOf(configuration),
        });
        report.reportInfo(MessageName.UNNAMED, `Acknowledged that ${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)} also exists on ${publicRegistryOf(configuration)}`);
      }

      await saveTrustFile(trustFile.path, trust);
      report.reportInfo(MessageName.UNNAMED, `Recorded in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}; commit it`);
    });
    return report.exitCode();
  }
}
