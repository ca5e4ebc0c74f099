/**
 * What to tell a project that meets the plugin for the first time: adoption
 * records today's behaviour in one command, and `enableScripts: true` (which
 * Yarn's own migration writes for old lockfiles) decides what "today" means.
 */

import type {GateFinding} from './gateTypes';
import {unapprovedReachedFrom} from './scriptGate';

export type AdoptionAdvice =
  /** The trust file decides nothing yet and packages with scripts are refused: `yarn trust adopt`. */
  | `adopt`
  /** `enableScripts: true` is why Yarn would run unreviewed packages: adopt can deny none of them. */
  | `enable-scripts`;

export function adoptionAdvice(input: {findings: readonly GateFinding[], trustFileHasDecisions: boolean}): AdoptionAdvice[] {
  const advice: AdoptionAdvice[] = [];
  const scripted = input.findings.filter(finding => finding.pkg.ownScripts !== false && finding.severity === `error`);
  if (!input.trustFileHasDecisions && scripted.length > 0)
    advice.push(`adopt`);
  if (scripted.some(finding => finding.conflicts.includes(`scripts-enabled-without-approval`)))
    advice.push(`enable-scripts`);
  return advice;
}

/** The sentence about `enableScripts: true`, shared by the install's refusal and `yarn trust adopt`. */
export function enableScriptsAdvice(count: number, source: string): string {
  return `enableScripts is true (set in ${source}), so Yarn would run the install scripts of every package, ${count === 1 ? `1 of them` : `${count} of them`} never reviewed. Yarn 4.14+ writes enableScripts: true into .yarnrc.yml itself when it migrates a lockfile older than version 9 (see git diff .yarnrc.yml). If your project did not choose it, run yarn config unset enableScripts, then yarn trust adopt: it denies what Yarn then skips and lists only what package.json marks built: true`;
}

/**
 * The names one `yarn trust approve` needs to approve every refused package
 * that a review can approve (trial D8: a first install of five native
 * packages printed six partial commands): each refused package with install
 * scripts of its own, which approves what its install code reaches, and each
 * refused package of code that no refused one reaches. A bin shadowing a
 * system tool and an undecidable package are left to their own lines. Null
 * when fewer than two packages are concerned (their own line says it).
 */
export function approveAllCommand(findings: readonly GateFinding[]): Array<string> | null {
  const approvable = findings.filter(finding => (finding.state === `pending` || finding.state === `changed`) && finding.fix !== null && (finding.pkg.shadows ?? []).length === 0);
  const roots = approvable.filter(finding => finding.pkg.ownScripts !== false);
  const covered = unapprovedReachedFrom(findings, new Set(roots.map(finding => finding.pkg.id))).approvable.map(finding => finding.pkg.id);
  const own = approvable.filter(finding => finding.pkg.ownScripts === false && !covered.includes(finding.pkg.id));
  const names = [...new Set([...roots, ...own].map(finding => finding.pkg.name))].sort();
  return approvable.length < 2 || names.length === 0 ? null : names;
}
