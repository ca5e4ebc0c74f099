/** `yarn trust adopt`: the first trust file of a project, from what its packages run today. */

import {BaseCommand} from '@yarnpkg/cli';
import {Configuration, MessageName, StreamReport, formatUtils, structUtils} from '@yarnpkg/core';
import {Command, Option, UsageError} from 'clipanion';

import {type GateFinding, yarnWouldRun} from '../../installScripts/policy/scriptGate';
import {withApproval, withDenial} from '../../core/policy/trustFile/edits';
import {denyConsumers} from '../../installScripts/yarn/format';
import {enableScriptsAdvice} from '../../installScripts/policy/adoption';
import {enableScriptsSource, runScriptGate} from '../../installScripts/yarn/gate';
import {openProject, setBuiltFlag} from './project';
import {loadTrustFile, saveTrustFile} from '../../core/yarn/trustFileStore';
import {approvalOf, fingerprintLines} from './selection';

const DENY_REASON = `recorded by yarn trust adopt: Yarn did not run its install scripts when the project adopted yarn-plugin-trust`;
const APPROVE_REASON = `recorded by yarn trust adopt --approve-built: Yarn already ran its install scripts (built: true or enableScripts) when the project adopted yarn-plugin-trust`;

/** What adoption does with the packages of one name. */
type Plan = `deny` | `approve` | `needs-approval` | `needs-review`;

export default class TrustAdoptCommand extends BaseCommand {
  static override paths = [[`trust`, `adopt`]];

  static override usage = Command.Usage({
    category: `Trust-related commands`,
    description: `record what Yarn does today with every unreviewed install script, to adopt the plugin in one command`,
    details: `
      The first install of an existing project with the plugin refuses every package with install scripts that the trust file does not mention. Since 4.14, Yarn skips those scripts anyway unless \`enableScripts\` is true or the root \`package.json\` sets \`dependenciesMeta["<name>"].built: true\`. This command records today's behaviour explicitly:

      - every never-reviewed package that Yarn would skip is denied (as \`yarn trust deny\` does: in the trust file and with \`built: false\`);
      - every never-reviewed package that Yarn would run today (\`built: true\`, or \`enableScripts: true\`) is listed with what it runs, and approved only with \`--approve-built\`. Approving it records that you, who run the command, reviewed what it runs;
      - packages approved before whose install code changed, and packages whose files cannot be read, are left for \`yarn trust approve\` or \`yarn trust deny\`.

      Running it again changes nothing. The trust file is written atomically. Exits with 1 when something is left that needs a decision.
    `,
    examples: [[
      `Adopt the plugin: deny what Yarn skips today, list what it runs`,
      `yarn trust adopt`,
    ], [
      `Also approve what built: true already runs, after reviewing the list`,
      `yarn trust adopt --approve-built --reason "reviewed when adopting the plugin"`,
    ]],
  });

  approveBuilt = Option.Boolean(`--approve-built`, false, {description: `Approve the never-reviewed packages that Yarn runs today (built: true, or enableScripts: true), with you as their reviewer`});
  reason = Option.String(`--reason`, {description: `Stored with every decision recorded, instead of the default one that says it came from adoption`});
  json = Option.Boolean(`--json`, false, {description: `Format the output as an NDJSON stream`});

  async execute() {
    if (typeof this.reason === `string` && this.reason.trim() === ``)
      throw new UsageError(`--reason must not be empty`);

    const configuration = await Configuration.find(this.context.cwd, this.context.plugins);
    let undecided = 0;
    const report = await StreamReport.start({configuration, json: this.json, stdout: this.context.stdout, includeFooter: false}, async report => {
      // The trust file is read first: a broken one stops the command before anything else.
      const trustFile = await loadTrustFile(configuration);
      const {project, cache} = await openProject(this.context, configuration);
      const gate = await runScriptGate(project, {trustFile, cache});

      const byName = new Map<string, GateFinding[]>();
      for (const finding of gate.findings)
        byName.set(finding.pkg.name, [...byName.get(finding.pkg.name) ?? [], finding]);

      const now = new Date().toISOString();
      const code = (text: string) => formatUtils.pretty(configuration, text, formatUtils.Type.CODE);
      let trust = trustFile.trust;
      const flags = new Map<string, boolean>();
      const deniedIds = new Set<string>();
      const approvedIds = new Set(gate.findings.filter(finding => finding.state === `approved`).map(finding => finding.pkg.id));
      // Packages Yarn runs today that wait for --approve-built: the code they run waits with them.
      const awaitingIds = new Set<string>();
      for (const [name, findings] of byName) {
        // Code that only other packages' install scripts run is decided with them, below.
        if (findings.every(finding => finding.pkg.ownScripts === false))
          continue;
        const open = findings.filter(finding => finding.severity === `error`);
        if (open.length === 0)
          continue;
        const plan = planFor(findings, this.approveBuilt);
        for (const finding of open)
          (plan === `deny` ? deniedIds : plan === `approve` ? approvedIds : plan === `needs-approval` ? awaitingIds : new Set<string>()).add(finding.pkg.id);

        for (const finding of open) {
          const locator = gate.scripts.locators.get(finding.pkg.id)!;
          const pretty = structUtils.prettyLocator(configuration, locator);
          const fingerprint = finding.pkg.fingerprint;
          report.reportJson({
            package: name,
            version: finding.pkg.version,
            locator: structUtils.stringifyLocator(locator),
            state: finding.state,
            action: plan === `deny` ? `denied` : plan === `approve` ? `approved` : plan,
            yarnWouldRun: yarnWouldRun(finding),
            scripts: `error` in fingerprint ? null : fingerprint.scripts,
            files: `error` in fingerprint ? null : fingerprint.files,
          });
          const lines = `error` in fingerprint ? [] : fingerprintLines(configuration, fingerprint).map(line => `\n  ${line}`);
          switch (plan) {
            case `deny`:
              report.reportInfo(MessageName.UNNAMED, `Denied ${pretty}: Yarn skips its install scripts today, and now the trust file says so`);
              break;
            case `approve`:
              report.reportInfo(MessageName.UNNAMED, `Approved ${pretty}, which Yarn runs today; you are its reviewer:${lines.join(``)}`);
              break;
            case `needs-approval`:
              report.reportWarning(MessageName.DISABLED_BUILD_SCRIPTS, `${pretty} is not approved: Yarn runs it today (${finding.conflicts.includes(`scripts-enabled-without-approval`) ? `enableScripts: true` : `dependenciesMeta["${name}"].built: true`}), and it runs:${lines.join(``)}\n  Review it, then run ${code(`yarn trust adopt --approve-built`)} (you become its reviewer) or ${code(`yarn trust deny ${name}`)}`);
              break;
            case `needs-review`:
              report.reportWarning(MessageName.DISABLED_BUILD_SCRIPTS, `${pretty} is left for a review (${finding.state === `changed` ? `approved before, its install code changed since` : finding.state === `undecidable` ? `what it runs cannot be bound to an approval` : `another version of it is approved or Yarn runs it`}): run ${code(`yarn trust status`)} to see why, then ${code(`yarn trust approve ${name}`)} or ${code(`yarn trust deny ${name}`)}`);
              break;
          }
        }

        if (plan === `deny`) {
          trust = withDenial(trust, name, {deniedAt: now, reason: this.reason?.trim() ?? DENY_REASON});
          flags.set(name, false);
        } else if (plan === `approve`) {
          for (const finding of open)
            trust = withApproval(trust, name, approvalOf(finding, now, this.reason?.trim() ?? APPROVE_REASON));
          flags.set(name, true);
        } else {
          undecided += open.length;
        }
      }

      // The code that install scripts run goes with them: nothing runs it once
      // they are all denied; it is approved with them when all that run it are
      // approved (a bin shadowing a system tool never is: approve it by name).
      const recorded = new Set<string>();
      const waiting: Array<string> = [];
      const reached = gate.findings.filter(finding => finding.pkg.ownScripts === false && finding.severity === `error`);
      // Code can be run by code that is itself only run by other install
      // code (node-gyp → tar → minipass): decide until nothing changes.
      const verdicts = new Map<string, `gone` | `approve` | `wait`>();
      for (let changed = true; changed;) {
        changed = false;
        for (const finding of reached) {
          if (verdicts.has(finding.pkg.id))
            continue;
          const consumers = (finding.pkg.reachedFrom ?? []).filter(from => !deniedIds.has(from.id));
          const runnable = finding.state === `pending` && (finding.pkg.shadows ?? []).length === 0;
          let verdict: `gone` | `approve` | `wait` | null = null;
          if (consumers.length === 0)
            verdict = `gone`;
          // A workspace's own install script runs today whatever the trust file says.
          else if (runnable && consumers.every(from => approvedIds.has(from.id) || (from.workspace === true && this.approveBuilt)))
            verdict = `approve`;
          else if (runnable && consumers.every(from => approvedIds.has(from.id) || awaitingIds.has(from.id) || from.workspace === true))
            verdict = `wait`;
          if (verdict !== null) {
            verdicts.set(finding.pkg.id, verdict);
            (verdict === `gone` ? deniedIds : verdict === `approve` ? approvedIds : awaitingIds).add(finding.pkg.id);
            changed = true;
          }
        }
      }
      for (const finding of reached) {
        const pretty = structUtils.prettyLocator(configuration, gate.scripts.locators.get(finding.pkg.id)!);
        const verdict = verdicts.get(finding.pkg.id);
        if (verdict === `gone`) {
          report.reportInfo(MessageName.UNNAMED, `${pretty} no longer runs at install time: every package whose install code ran it is denied`);
        } else if (verdict === `approve`) {
          trust = withApproval(trust, finding.pkg.name, approvalOf(finding, now, this.reason?.trim() ?? APPROVE_REASON));
          recorded.add(finding.pkg.name);
          const fingerprint = finding.pkg.fingerprint;
          const lines = `error` in fingerprint ? [] : fingerprintLines(configuration, fingerprint).map(line => `\n  ${line}`);
          report.reportInfo(MessageName.UNNAMED, `Approved ${pretty}, whose code the approved install scripts run:${lines.join(``)}`);
        } else if (verdict === `wait`) {
          // Decided with the packages that run it: one line for all of them, below.
          undecided += 1;
          waiting.push(structUtils.stringifyLocator(gate.scripts.locators.get(finding.pkg.id)!));
        } else if (finding.state === `undecidable`) {
          // The same answer as the install's: it has no scripts to deny.
          undecided += 1;
          report.reportWarning(MessageName.DISABLED_BUILD_SCRIPTS, `${pretty} is left undecided: other packages run it at install time, but what runs cannot be bound to an approval (${finding.error}). It has no install script of its own, so it cannot be denied and cannot be approved; to run none of it, ${denyConsumers(configuration, finding)}`);
        } else {
          undecided += 1;
          const why = finding.state === `changed`
            ? `its code changed since ${finding.approval?.version ?? `an earlier version`} was approved`
            : finding.state === `denied`
              ? `it is denied, but install code runs it`
              : (finding.pkg.shadows ?? []).length > 0
                ? `its bin ${finding.pkg.shadows!.join(`, `)} replaces a system tool`
                : `install code that is left for a review runs it`;
          report.reportWarning(MessageName.DISABLED_BUILD_SCRIPTS, `${pretty} is left for a review (${why}): run ${code(`yarn trust status`)}, then ${code(`yarn trust approve ${finding.pkg.name}`)}`);
        }
      }
      // Under enableScripts: true nothing is "skipped today", so nothing can be
      // denied: say why, since Yarn's migration may have set it a moment ago.
      const enabledByYarn = gate.findings.filter(finding => finding.pkg.ownScripts !== false && finding.severity === `error` && finding.conflicts.includes(`scripts-enabled-without-approval`));
      if (enabledByYarn.length > 0)
        report.reportWarning(MessageName.DISABLED_BUILD_SCRIPTS, `${enableScriptsAdvice(enabledByYarn.length, enableScriptsSource(configuration))}${this.approveBuilt ? `; --approve-built approved them as Yarn runs them today` : ``}`);

      if (waiting.length > 0) {
        const shown = waiting.slice(0, 6).join(`, `);
        report.reportWarning(MessageName.DISABLED_BUILD_SCRIPTS, `${waiting.length === 1 ? `1 package` : `${waiting.length} packages`} whose code the install scripts above run (${shown}${waiting.length > 6 ? `, …` : ``}) ${waiting.length === 1 ? `waits` : `wait`} for them: ${code(`yarn trust adopt --approve-built`)} approves them together; ${code(`yarn trust status`)} shows what each runs`);
      }

      if (flags.size === 0 && recorded.size === 0) {
        report.reportInfo(MessageName.UNNAMED, undecided === 0
          ? `Nothing to adopt: every package with install scripts is approved or denied in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}`
          : `Nothing recorded; ${undecided === 1 ? `1 package is` : `${undecided} packages are`} left for a decision (listed above)`);
        return;
      }

      await saveTrustFile(trustFile.path, trust);
      for (const [name, built] of flags)
        await setBuiltFlag(project, name, built);
      const count = flags.size + recorded.size;
      const left = undecided === 0 ? `` : `; ${undecided === 1 ? `1 package is` : `${undecided} packages are`} left for a decision (listed above), which ${code(`yarn install`)} refuses until then, so this command exits with 1`;
      report.reportInfo(MessageName.UNNAMED, `Recorded ${count === 1 ? `1 package` : `${count} packages`} in ${formatUtils.pretty(configuration, trustFile.path, formatUtils.Type.PATH)}; review the diff, commit it with package.json, then run ${code(`yarn install`)}${left}`);
    });

    return undecided > 0 ? 1 : report.exitCode();
  }
}

/**
 * Adoption records what Yarn already does, and nothing else: it denies only
 * packages never reviewed that Yarn skips, and approves only never-reviewed
 * packages Yarn runs, when asked to. A package approved before is never
 * denied (that would drop its approvals) and never re-approved here (its
 * install code changed: that is what a review is for).
 */
function planFor(findings: readonly GateFinding[], approveBuilt: boolean): Plan {
  const open = findings.filter(finding => finding.severity === `error`);
  const reviewedBefore = findings.some(finding => finding.approval !== null || finding.denial !== null);
  if (reviewedBefore || open.some(finding => finding.state !== `pending` && finding.state !== `undecidable`))
    return `needs-review`;
  const runs = findings.some(yarnWouldRun);
  if (!runs)
    return `deny`;
  if (open.some(finding => finding.state === `undecidable`))
    return `needs-review`;
  return approveBuilt ? `approve` : `needs-approval`;
}
