/** `yarn trust allow`: records that a release-trust finding about a package was reviewed and accepted. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, StreamReport, formatUtils, structUtils} from '@yarnpkg/core';
import {Command, Option, UsageError} from 'clipanion';

import {withReleaseAllowed} from '../../core/policy/trustFile/releases';
import {FINDING_KINDS, isNameFinding, NAME_FINDINGS, type ReleaseFindingKind} from '../../core/policy/trustFile/types';
import {isExactVersion} from '../../core/policy/trustFile/values';
import {loadTrustFile, saveTrustFile} from '../../core/yarn/trustFileStore';

export default class TrustAllowCommand extends BaseCommand {
  static override paths = [[`trust`, `allow`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `accept a release-trust finding about a package after reviewing it`,
    details: `
      A name that looks like a typo of a popular package, or that was created on its registry only hours ago, is refused when it enters the lockfile. After checking that it is the package you want (who publishes it, its repository, what it contains), record that in the trust file; the install then accepts it.

      Without a version, the allowance covers the findings about the name (\`typosquat\`, \`new-name\`) for every version. With \`<name>@<version>\`, it covers only that version, and can also accept the findings about one release (\`trust-downgrade\`; \`new-bin\`, \`signature\` and \`known-malware\` only when named with \`--finding\`). \`--finding\` narrows the allowance to the kinds given.
    `,
    examples: [[
      `Accept a package whose name is one letter from a popular one`,
      `yarn trust allow expressa --reason "our own framework, github.com/acme/expressa"`,
    ], [
      `Accept a release that the malware feed reports, after establishing that the report is wrong`,
      `yarn trust allow left-pad@1.3.0 --finding known-malware --reason "false positive, see github.com/ossf/malicious-packages/issues/1"`,
    ], [
      `Accept a brand-new name your team just published`,
      `yarn trust allow @acme/new-tool --finding new-name --reason "published by us today"`,
    ]],
  });

  reason = Option.String(`--reason`, {required: true, description: `What you checked; stored for reviewers`});
  findings = Option.Array(`--finding`, {description: `Kinds of finding to accept: ${FINDING_KINDS.join(`, `)}`});
  json = Option.Boolean(`--json`, false, {description: `Print the recorded allowance as JSON`});
  target = Option.String({name: `name[@version]`});

  async execute() {
    const reason = this.reason.trim();
    if (reason === ``)
      throw new UsageError(`--reason must not be empty: say what you checked`);
    const descriptor = structUtils.tryParseDescriptor(this.target, false);
    if (descriptor === null)
      throw new UsageError(`${JSON.stringify(this.target)} is not a package name, or a name and an exact version such as lodash@4.17.21`);
    const name = structUtils.stringifyIdent(descriptor);
    const version = descriptor.range === `unknown` ? undefined : descriptor.range.replace(/^npm:/, ``);
    if (version !== undefined && !isExactVersion(version))
      throw new UsageError(`${JSON.stringify(this.target)}: ${JSON.stringify(version)} is not an exact version; allow the name alone, or name@<exact version>`);

    const kinds = this.kinds(version);
    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const report = await StreamReport.start({configuration, stdout: this.context.stdout, includeFooter: false, json: this.json}, async report => {
      const trustFile = await loadTrustFile(configuration);
      const allowance = {...version !== undefined ? {version} : {}, findings: kinds, allowedAt: new Date().toISOString(), reason};
      await saveTrustFile(trustFile.path, withReleaseAllowed(trustFile.trust, name, allowance));
      const what = version !== undefined ? structUtils.prettyLocator(configuration, structUtils.makeLocator(descriptor, `npm:${version}`)) : formatUtils.pretty(configuration, name, formatUtils.Type.NAME);
      report.reportInfo(MessageName.UNNAMED, `Allowed ${what} (${kinds.join(`, `)}${version === undefined ? `, every version` : ``})`);
      report.reportInfo(MessageName.UNNAMED, `Recorded in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}; commit it`);
      report.reportJson({name, ...allowance});
    });
    return report.exitCode();
  }

  private kinds(version: string | undefined): Array<ReleaseFindingKind> {
    if (this.findings === undefined || this.findings.length === 0)
      return version === undefined ? [...NAME_FINDINGS] : [...NAME_FINDINGS, `trust-downgrade`];
    const kinds: Array<ReleaseFindingKind> = [];
    for (const finding of this.findings.flatMap(value => value.split(`,`)).map(value => value.trim())) {
      if (!(FINDING_KINDS as ReadonlyArray<string>).includes(finding))
        throw new UsageError(`--finding ${JSON.stringify(finding)}: expected one of ${FINDING_KINDS.join(`, `)}`);
      const kind = finding as ReleaseFindingKind;
      if (version === undefined && !isNameFinding(kind))
        throw new UsageError(`--finding ${kind} is about one release: name the version (${this.target}@<version>)`);
      if (!kinds.includes(kind))
        kinds.push(kind);
    }
    return kinds.sort((a, b) => FINDING_KINDS.indexOf(a) - FINDING_KINDS.indexOf(b));
  }
}
