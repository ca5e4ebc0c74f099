/** `yarn trust feed update`: pins the newest malware feed after checking it against the pinned one. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, StreamReport, formatUtils} from '@yarnpkg/core';
import {Command, Option} from 'clipanion';

import {FeedUpdateError, type FeedState, updateFeed} from '../../knownMalware/yarn/update';

export default class TrustFeedUpdateCommand extends BaseCommand {
  static override paths = [[`trust`, `feed`, `update`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `pin the newest version of the malware feed package`,
    details: `
      Asks the registry of the feed package (the one pinned in \`trustMalwareFeed\`, or \`--package\`) for its newest release, through Yarn's own npm client: the project's registries, scopes, credentials and proxy apply. Downloads its tarball, checks it against the sha512 integrity the registry lists, reads the feed's header, and refuses a feed that is older than the pinned one, has another format, has no records or fewer than half of the pinned feed's. Then keeps the tarball in Yarn's global folder and rewrites the pin in the project's \`.yarnrc.yml\` (name, version, integrity): review and commit that diff.

      Prints the old and the new feed (version, generation date, records). Exits with 1 when nothing was pinned.
    `,
    examples: [[
      `Pin a feed for the first time`,
      `yarn trust feed update --package @acme/malware-feed`,
    ], [
      `Move the pin to the newest feed`,
      `yarn trust feed update`,
    ]],
  });

  packageName = Option.String(`--package`, {description: `The feed package to pin (default: the pinned one)`});
  json = Option.Boolean(`--json`, false, {description: `Print the old and new pin as JSON`});

  async execute() {
    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const report = await StreamReport.start({configuration, stdout: this.context.stdout, includeFooter: false, json: this.json}, async report => {
      const describe = (feed: FeedState) => `${formatUtils.pretty(configuration, `${feed.name}@${feed.version}`, formatUtils.Type.NAME)} (generated ${feed.generated}, ${formatUtils.pretty(configuration, feed.records, formatUtils.Type.NUMBER)} records)`;
      try {
        const result = await updateFeed(configuration, this.packageName ?? null);
        if (result.kind === `current`) {
          report.reportInfo(MessageName.UNNAMED, `The pinned malware feed ${describe(result.feed)} is the newest; nothing changed`);
          report.reportJson({changed: false, from: result.feed, to: result.feed});
          return;
        }
        report.reportInfo(MessageName.UNNAMED, `Malware feed: ${result.from === null ? `none` : describe(result.from)} → ${describe(result.to)}`);
        report.reportInfo(MessageName.UNNAMED, `Pinned in ${formatUtils.pretty(configuration, `trustMalwareFeed`, formatUtils.Type.SETTING)} of .yarnrc.yml; review the diff and commit it`);
        report.reportJson({changed: true, from: result.from, to: result.to});
      } catch (error) {
        if (!(error instanceof FeedUpdateError))
          throw error;
        report.reportError(MessageName.UNNAMED, `${error.message}. The pin was not changed.`);
      }
    });
    return report.exitCode();
  }
}
