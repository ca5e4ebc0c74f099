/** `yarn trust approve-git`: approves a git dependency at the commit the lockfile resolves it to. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, Project, ReportError, StreamReport, formatUtils, structUtils} from '@yarnpkg/core';
import {gitUtils} from '@yarnpkg/plugin-git';
import {Command, Option, UsageError} from 'clipanion';

import {splitGitArgument} from '../../installScripts/policy/packedDependencies';
import {withGitCommitApproved} from '../../core/policy/trustFile/edits';
import {packedSourceOf, repositoryOf} from '../../installScripts/yarn/packedDependencies';
import {loadTrustFile, saveTrustFile} from '../../core/yarn/trustFileStore';

export default class TrustApproveGitCommand extends BaseCommand {
  static override paths = [[`trust`, `approve-git`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `approve a git dependency at one commit after reviewing it`,
    details: `
      Yarn packs a git dependency from its sources when it fetches it: it clones the repository and runs its \`prepare\` and install scripts (npm's too, when the repository has a \`package-lock.json\`). yarn-plugin-trust therefore refuses every git dependency at resolution, before anything is cloned, unless the trust file approves its repository at the exact commit Yarn would fetch.

      The argument is a repository URL with its commit (\`<url>#<commit>\`, as printed by a refused install), a URL with a branch or tag (its current commit is asked from the repository with \`git ls-remote\`; no code runs), or the name of a dependency that the workspaces or \`yarn.lock\` declare with a git URL (the commit locked in \`yarn.lock\`, else the current one). A new commit needs a new approval. \`approvedGitRepositories\` must still allow the repository for Yarn to fetch it.
    `,
    examples: [[
      `Approve the commit that a refused install printed`,
      `yarn trust approve-git https://github.com/owner/tool.git#0123456789abcdef0123456789abcdef01234567`,
    ], [
      `Approve the git dependency named tool, at its locked commit`,
      `yarn trust approve-git tool --reason "reviewed prepare: builds with tsc"`,
    ]],
  });

  reason = Option.String(`--reason`, {description: `Why this commit is acceptable; stored with the approval for reviewers`});
  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream`});
  target = Option.String({name: `name|url[#commit]`});

  async execute() {
    if (typeof this.reason === `string` && this.reason.trim() === ``)
      throw new UsageError(`--reason must not be empty`);

    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      // The trust file is read first: a broken one stops the command before anything else.
      const trustFile = await loadTrustFile(configuration);
      const approvedAt = new Date().toISOString();
      let trust = trustFile.trust;
      for (const {repository, commit} of await this.targets(configuration)) {
        trust = withGitCommitApproved(trust, repository, {commit, approvedAt, ...(typeof this.reason === `string` ? {reason: this.reason.trim()} : {})});
        report.reportInfo(MessageName.UNNAMED, `Approved ${formatUtils.pretty(configuration, repository, formatUtils.Type.URL)} at commit ${formatUtils.pretty(configuration, commit, formatUtils.Type.REFERENCE)}`);
        report.reportJson({repository, commit, approved: true});
      }
      await saveTrustFile(trustFile.path, trust);
      report.reportInfo(MessageName.UNNAMED, `Recorded in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}; commit it, then run ${formatUtils.pretty(configuration, `yarn install`, formatUtils.Type.CODE)}`);
    });
    return report.exitCode();
  }

  /** The repositories and commits that the argument designates. */
  private async targets(configuration: Configuration): Promise<Array<{repository: string, commit: string}>> {
    const name = structUtils.tryParseIdent(this.target);
    const ranges = name !== null && !this.target.includes(`:`) && !this.target.includes(`#`)
      ? await this.rangesNamed(configuration, structUtils.stringifyIdent(name))
      : [this.target];

    const targets = new Map<string, {repository: string, commit: string}>();
    for (const range of ranges) {
      if (!gitUtils.isGitUrl(range))
        throw new UsageError(`${range} is not a git URL that Yarn recognizes; expected <url>#<commit>, e.g. https://github.com/owner/tool.git#<40-digit commit>`);
      const {commit} = splitGitArgument(range);
      const resolved = commit !== null ? null : await gitUtils.resolveUrl(range, configuration);
      const found = commit ?? (resolved !== null ? gitUtils.splitRepoUrl(resolved).treeish.request : null);
      if (found === null)
        throw new ReportError(MessageName.UNNAMED, `The commit of ${range} could not be determined`);
      const repository = repositoryOf(range);
      targets.set(`${repository}#${found}`, {repository, commit: found});
    }
    return [...targets.values()];
  }

  /** Git ranges (locked ones with their commit) that the project declares for `name`. */
  private async rangesNamed(configuration: Configuration, name: string): Promise<string[]> {
    const {project} = await Project.find(configuration, this.context.cwd);
    const ranges = new Set<string>();
    for (const pkg of project.originalPackages.values())
      if (structUtils.stringifyIdent(pkg) === name && packedSourceOf(pkg.reference)?.kind === `git`)
        ranges.add(packedSourceOf(pkg.reference)!.range);
    if (ranges.size === 0) {
      for (const workspace of project.workspaces) {
        for (const dependencies of [workspace.manifest.dependencies, workspace.manifest.devDependencies]) {
          for (const descriptor of dependencies.values()) {
            if (structUtils.stringifyIdent(descriptor) === name && packedSourceOf(descriptor.range)?.kind === `git`) {
              ranges.add(packedSourceOf(descriptor.range)!.range);
            }
          }
        }
      }
    }
    if (ranges.size === 0)
      throw new ReportError(MessageName.UNNAMED, `No workspace and no entry of yarn.lock declares ${name} as a git dependency; pass its URL instead: yarn trust approve-git <url>#<commit>`);
    return [...ranges];
  }
}
