/** `yarn trust review`: an interactive walk through everything that waits for a decision. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, ReportError, StreamReport, formatUtils} from '@yarnpkg/core';
import {Command, UsageError} from 'clipanion';
import {createInterface} from 'readline';

import type {GateFinding} from '../../installScripts/policy/scriptGate';
import {formatFinding} from '../../installScripts/yarn/format';
import {runScriptGate, type ScriptGateResult} from '../../installScripts/yarn/gate';
import {committedVersions, diffPackage, type CommittedVersions} from '../../installScripts/yarn/installDiff';
import {runMalwareChecks} from '../../knownMalware/yarn/check';
import {runReleaseChecks} from '../../releaseTrust/yarn/check';
import {loadTrustFile, rememberTrustFile} from '../../core/yarn/trustFileStore';
import {describeDiff} from './diff';
import {openProject} from './project';
import {runReview, type ReviewItem} from './reviewSession';

/** What each item records, as the non-interactive command that records it. */
type Recorded = ReviewItem & {commands: {approve?: (reason: string | null) => Array<string>, deny?: (reason: string | null) => Array<string>}};

export default class TrustReviewCommand extends BaseCommand {
  static override paths = [[`trust`, `review`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `review, one by one, everything that waits for a decision`,
    details: `
      Walks through every package whose install code is pending, changed since its approval or undecidable, every package that is denied but run by other install code, every locked name that looks like a typo of a popular one, and every locked release that the pinned malware feed reports. For each it shows what the install refused and why, who brings it in, and for install code the diff of what it runs (as \`yarn trust diff\` prints it); then it asks for a decision: approve, deny or skip, with a reason that is recorded in the trust file.

      Each decision is recorded at once by the command you would otherwise run (\`yarn trust approve\`, \`deny\` or \`allow\`), so quitting keeps what was decided. It needs an interactive terminal; in scripts and CI use \`yarn trust status\`, \`yarn trust diff\` and those commands instead. Exits with 0 when every item was decided, 1 when some were skipped or the session was left early.
    `,
    examples: [[
      `After a refused install`,
      `yarn trust review`,
    ]],
  });

  async execute() {
    const {stdin, stdout} = this.context;
    if (!(stdin as NodeJS.ReadStream).isTTY || !(stdout as NodeJS.WriteStream).isTTY)
      throw new UsageError(`yarn trust review asks questions and needs an interactive terminal (stdin and stdout are not one). Without one, use: yarn trust status (what waits for a decision), yarn trust diff <package> (what changed), yarn trust approve <package> --reason "<text>", yarn trust deny <package>, yarn trust allow <name> --reason "<text>" --finding <kind>`);

    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    const items: Array<Recorded> = [];
    const report = await StreamReport.start({configuration, stdout, includeFooter: false}, async report => {
      const trustFile = await loadTrustFile(configuration);
      const {project, cache} = await openProject(this.context, configuration);
      rememberTrustFile(project, trustFile);
      const gate = await runScriptGate(project, {trustFile, cache});
      const waiting = gate.findings.filter(finding => finding.state === `pending` || finding.state === `changed` || finding.state === `undecidable` || finding.conflicts.includes(`denied-but-reached`));
      const committed = waiting.some(finding => finding.approval === null) ? await committedVersions(project) : null;
      await report.startProgressPromise(StreamReport.progressViaCounter(waiting.length), async progress => {
        for (const [name, findings] of groupByName(waiting)) {
          items.push(await scriptItem(configuration, project, cache, gate, name, findings, committed));
          progress.tick(findings.length);
        }
      });

      for (const finding of (await runReleaseChecks(project)).findings) {
        if (finding.kind !== `typosquat`) {
          report.reportWarning(MessageName.UNNAMED, finding.message);
          continue;
        }
        items.push({
          name: finding.name,
          lines: [finding.message],
          offers: {approve: {label: `allow the name (it is the package you meant)`, reasonRequired: true}},
          commands: {approve: reason => [`trust`, `allow`, finding.name, `--finding`, `typosquat`, `--reason`, reason!]},
        });
      }
      for (const finding of (await runMalwareChecks(project)).findings) {
        if (finding.kind !== `known-malware` || finding.name === undefined || finding.version === undefined) {
          report.reportWarning(MessageName.UNNAMED, finding.message);
          continue;
        }
        const target = `${finding.name}@${finding.version}`;
        items.push({
          name: target,
          lines: [finding.message],
          offers: {approve: {label: `allow this release despite the report`, reasonRequired: true}},
          commands: {approve: reason => [`trust`, `allow`, target, `--finding`, `known-malware`, `--reason`, reason!]},
        });
      }
    });
    if (report.hasErrors())
      return report.exitCode();
    if (items.length === 0) {
      stdout.write(`Nothing waits for a decision: every package that runs code at install time is approved or denied, and no locked name or release has a finding.\n`);
      return 0;
    }

    // Lines typed ahead (or pasted) wait in a queue: readline drops a line
    // that arrives while no question is pending.
    const rl = createInterface({input: stdin, output: stdout, terminal: true});
    const typed: Array<string> = [];
    const waiting: Array<(line: string | null) => void> = [];
    let closed = false;
    rl.on(`line`, line => {
      const next = waiting.shift();
      if (next !== undefined)
        next(line);
      else
        typed.push(line);
    });
    rl.on(`close`, () => {
      closed = true;
      for (const next of waiting.splice(0))
        next(null);
    });
    const io = {
      print: (lines: Array<string>) => stdout.write(`${lines.join(`\n`)}\n`),
      ask: (question: string) => {
        rl.setPrompt(question);
        rl.prompt();
        if (typed.length > 0)
          return Promise.resolve(typed.shift()!);
        if (closed)
          return Promise.resolve(null);
        return new Promise<string | null>(resolve => waiting.push(resolve));
      },
    };
    let outcome;
    try {
      outcome = await runReview(items, io, async (item, decision, reason) => {
        const args = (item as Recorded).commands[decision]!(reason);
        const code = await this.cli.run(args);
        if (code !== 0) {
          throw new ReportError(MessageName.UNNAMED, `yarn ${args.join(` `)} failed (exit code ${code}); the review stopped here`);
        }
      });
    } finally {
      rl.close();
      // Nothing reads the terminal after the session: a stdin left open
      // (in raw mode, or waiting for input) would keep Yarn from exiting.
      stdin.destroy();
    }

    const decided = outcome.decided.length;
    const code = (text: string) => formatUtils.pretty(configuration, text, formatUtils.Type.CODE);
    stdout.write(`\n${decided} decision(s) recorded${outcome.skipped.length > 0 ? `, ${outcome.skipped.length} left for later (${outcome.skipped.join(`, `)})` : ``}. ${decided > 0 ? `Commit ${code(`yarn-trust.json`)} and ${code(`package.json`)}, then run ${code(`yarn install`)}.` : ``}\n`);
    return outcome.skipped.length > 0 ? 1 : 0;
  }
}

function groupByName(findings: Array<GateFinding>): Map<string, Array<GateFinding>> {
  const groups = new Map<string, Array<GateFinding>>();
  for (const finding of findings)
    groups.set(finding.pkg.name, [...groups.get(finding.pkg.name) ?? [], finding]);
  return groups;
}

/** One package of the script gate: the refusal as an install prints it, then the diff of each version. */
async function scriptItem(configuration: Configuration, project: Parameters<typeof diffPackage>[0], cache: Parameters<typeof diffPackage>[1], gate: ScriptGateResult, name: string, findings: Array<GateFinding>, committed: CommittedVersions | null): Promise<Recorded> {
  const lines: Array<string> = [];
  for (const finding of findings) {
    const locator = gate.scripts.locators.get(finding.pkg.id)!;
    // The refusal as an install prints it, without its closing advice: the question replaces it.
    lines.push(...formatFinding(configuration, finding, locator, gate.scripts.paths.get(finding.pkg.id) ?? null).split(`\n`).filter(line => !/^\s*After reviewing/.test(line)));
    if ((finding.state === `pending` || finding.state === `changed`) && !(`error` in finding.pkg.fingerprint)) {
      try {
        const diff = describeDiff(configuration, gate, await diffPackage(project, cache, finding, locator, {from: null, committed}));
        // Its first lines repeat the refusal's (what it is compared with stays).
        lines.push(`  ${diff[0].slice(diff[0].indexOf(`(`))}`, ...diff.slice(1).filter(line => !/^ {2}(brought in by|run at install time by) /.test(line)));
      } catch (error) {
        if (!(error instanceof ReportError))
          throw error;
        lines.push(`  the diff could not be shown: ${error.message}`);
      }
    }
  }
  const undecidable = findings.some(finding => finding.state === `undecidable`);
  const ownScripts = findings.some(finding => finding.pkg.ownScripts !== false);
  const reason = (value: string | null) => value === null ? [] : [`--reason`, value];
  const item: Recorded = {name, lines, offers: {}, commands: {}};
  if (!undecidable) {
    item.offers.approve = {label: `approve what it runs`, reasonRequired: false};
    item.commands.approve = value => [`trust`, `approve`, name, ...reason(value)];
  }
  if (ownScripts) {
    item.offers.deny = {label: `deny (install it without running its scripts)`, reasonRequired: false};
    item.commands.deny = value => [`trust`, `deny`, name, ...reason(value)];
  }
  return item;
}
