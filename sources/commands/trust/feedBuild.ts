/** `yarn trust feed build`: turns a checkout of the OpenSSF malicious-packages data into a malware feed file. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, StreamReport, formatUtils} from '@yarnpkg/core';
import {npath, ppath} from '@yarnpkg/fslib';
import {Command, Option} from 'clipanion';

import {buildFeed, FeedBuildError} from '../../knownMalware/yarn/build';

export default class TrustFeedBuildCommand extends BaseCommand {
  static override paths = [[`trust`, `feed`, `build`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `build a malware feed from a checkout of the OpenSSF malicious-packages data`,
    details: `
      Reads every OSV record under \`osv/malicious/npm\` of a checkout of https://github.com/ossf/malicious-packages (records whose id is under \`osv/withdrawn/npm\` are left out) and writes one gzipped, sorted feed file with a header: format, source commit, generation date and entry count. This is for whoever publishes the feed package; installs only read feeds.

      A record that cannot be read stops the build, naming the file: a feed is never built from part of the data without saying so.
    `,
    examples: [[
      `Build a feed from a fresh clone`,
      `git clone --depth 1 https://github.com/ossf/malicious-packages && yarn trust feed build malicious-packages --out feed/malware.gz`,
    ]],
  });

  out = Option.String(`--out`, `malware-feed.gz`, {description: `Where to write the feed (default: malware-feed.gz)`});
  source = Option.String(`--source`, {description: `The commit the checkout holds, when it is not a git checkout`});
  json = Option.Boolean(`--json`, false, {description: `Print what was built as JSON`});
  checkout = Option.String({name: `checkout`});

  async execute() {
    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const report = await StreamReport.start({configuration, stdout: this.context.stdout, includeFooter: false, json: this.json}, async report => {
      const checkout = ppath.resolve(this.context.cwd, npath.toPortablePath(this.checkout));
      const out = ppath.resolve(this.context.cwd, npath.toPortablePath(this.out));
      try {
        const built = await buildFeed(checkout, out, {source: this.source, now: new Date()});
        report.reportInfo(MessageName.UNNAMED, `Wrote ${formatUtils.pretty(configuration, out, formatUtils.Type.PATH)}: ${built.entries} entries from ${built.records} records (${built.withdrawn} withdrawn left out), source ${built.source}, ${built.bytes} bytes`);
        report.reportJson({out: npath.fromPortablePath(out), ...built});
      } catch (error) {
        if (!(error instanceof FeedBuildError))
          throw error;
        report.reportError(MessageName.EXCEPTION, `${error.message}. Nothing was written.`);
      }
    });
    return report.exitCode();
  }
}
