/** `yarn trust verify`: downloads every package again and checks it against its registry and its pin. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, type Locator, MessageName, ReportError, StreamReport, formatUtils, hashUtils, structUtils} from '@yarnpkg/core';
import {xfs} from '@yarnpkg/fslib';
import {Command, Option} from 'clipanion';

import {verifyArchive} from '../../checksums/yarn/archives';
import {contextOf} from '../../checksums/yarn/context';
import {verifyFileTarballs} from '../../checksums/yarn/fileTarballs';
import {isFileTarball, pinKeyOf} from '../../core/yarn/packageKeys';
import {openProject} from './project';
import {reportedWork} from '../../core/yarn/progress';
import {namingPackage} from '../../core/yarn/namedRefusals';

export default class TrustVerifyCommand extends BaseCommand {
  static override paths = [[`trust`, `verify`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `re-download every package and verify it, for CI and for auditing a cache`,
    details: `
      Downloads the tarball of every package of \`yarn.lock\` again — registry packages and tarball URLs — and checks it against the integrity its registry publishes for that exact version and against the pin in \`yarn-trust.pins\`; then checks that the archive Yarn builds from it has the checksum \`yarn.lock\` records, and that the archive in Yarn's cache (when there is one) is that archive.

      Nothing is installed, written or pinned. Exits with 1 when any package fails, 0 otherwise.
    `,
    examples: [[
      `Audit the project and its cache`,
      `yarn trust verify`,
    ]],
  });

  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream`});

  async execute() {
    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    let failures = 0;
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      const {project, cache} = await openProject(this.context, configuration);
      const context = contextOf(project);
      context.alwaysAskRegistry = true;

      const packages: Locator[] = [...project.originalPackages.values()].filter(pkg => pinKeyOf(pkg) !== null);
      const title = `Re-downloading and verifying ${packages.length.toLocaleString(`en-US`)} ${packages.length === 1 ? `package` : `packages`}`;
      const results = await reportedWork(report)(title, packages.length, async tick => await Promise.allSettled(packages.map(async pkg => {
        try {
          // Refusals of a download do not name the package (Yarn's fetch step prefixes it).
          await namingPackage(configuration, pkg, verifyPackage(pkg));
        } finally {
          tick();
        }
      })));

      async function verifyPackage(pkg: Locator) {
        if (isFileTarball(pkg)) {
          await verifyFileTarballs(context, cache, context.pins!.pins, [pkg]);
          return;
        }
        const {recorded, found} = await verifyArchive(project, pkg);
        // Whatever Yarn would take from its cache or mirror must be that archive.
        for (const cachePath of [cache.getLocatorPath(pkg, recorded), cache.getLocatorMirrorPath(pkg)]) {
          if (cachePath === null || !xfs.existsSync(cachePath))
            continue;
          const cached = await hashUtils.checksumFile(cachePath);
          if (cached !== found) {
            throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, `${structUtils.prettyLocator(configuration, pkg)}: the archive ${formatUtils.pretty(configuration, cachePath, formatUtils.Type.PATH)} has checksum ${cached}, not the ${found} built from the verified tarball. Remove it with ${formatUtils.pretty(configuration, `yarn cache clean`, formatUtils.Type.CODE)}.`);
          }
        }
      }

      results.forEach((result, index) => {
        const locator = structUtils.stringifyLocator(packages[index]);
        if (result.status === `fulfilled`) {
          report.reportJson({package: locator, verified: true});
          return;
        }

        failures += 1;
        const message = result.reason instanceof Error ? result.reason.message : String(result.reason);
        if (this.json)
          report.reportJson({package: locator, verified: false, error: message});
        else
          report.reportError(result.reason instanceof ReportError ? result.reason.reportCode : MessageName.EXCEPTION, message);
      });

      if (failures === 0 && !this.json) {
        report.reportInfo(MessageName.UNNAMED, `${formatUtils.pretty(configuration, packages.length, formatUtils.Type.NUMBER)} package(s) re-downloaded and verified against their registry, the pins and yarn.lock`);
      }
    });
    return failures > 0 ? 1 : report.exitCode();
  }
}
