/**
 * Decides what `yarn trust migrate` may record after the plugin learned to
 * follow more install-time code (entry points, dependencies, bins): only what
 * an existing review already vouched for, never a release whose code changed.
 */
import {canonicalJson, hashBytes} from './fingerprint/records';
import type {GateFinding} from './gateTypes';

/**
 * Earlier versions read every install file as Node's default (CommonJS) does.
 * A `type` that is absent or `commonjs` keeps exactly that meaning, so it may
 * be recorded for any release whose approved files are unchanged.
 */
const DEFAULT_TYPES = new Set([hashBytes(canonicalJson(null)), hashBytes(canonicalJson(`commonjs`))]);

export interface MigrationStep {
  finding: GateFinding;
  /** Why recording it widens nothing that was reviewed. */
  why: string;
}

export interface MigrationPlan {
  record: MigrationStep[];
  /** Findings that still need a person: changed code, new packages, shadowing bins. */
  review: GateFinding[];
}

/**
 * A package whose approval is for this very release, whose scripts and
 * approved files are unchanged and which only gained files the plugin did not
 * bind before (with install scripts of its own, or code other install code
 * runs), is the same reviewed release bound more completely. Code of other
 * packages reached from approved install code ran before under that approval;
 * recording it pins today's bytes so that a change is reviewed. A bin that
 * shadows a system tool is never recorded this way.
 */
export function planMigration(findings: readonly GateFinding[]): MigrationPlan {
  const record: MigrationStep[] = [];
  const trusted = new Set<string>();

  // Packages whose approval of this very release saw fewer of its files:
  // with install scripts of their own, or code other install code runs.
  for (const finding of findings) {
    if (finding.state === `approved`) {
      trusted.add(finding.pkg.id);
      continue;
    }
    const added = onlyGainedFiles(finding);
    if (added === null)
      continue;
    record.push({finding, why: `the approval of ${finding.approval!.version} is for this release; the plugin now also binds ${added.join(`, `)}`});
    trusted.add(finding.pkg.id);
  }

  const reached = findings.filter(finding => finding.pkg.ownScripts === false);
  for (let grown = true; grown;) {
    grown = false;
    for (const finding of reached) {
      if (trusted.has(finding.pkg.id))
        continue;
      const from = finding.pkg.reachedFrom ?? [];
      if (finding.state !== `pending` || (finding.pkg.shadows ?? []).length > 0 || from.length === 0 || !from.every(consumer => trusted.has(consumer.id)))
        continue;
      record.push({finding, why: `approved install code already ran it (${from.map(consumer => `${consumer.locator}: ${consumer.via}`).join(`; `)})`});
      trusted.add(finding.pkg.id);
      grown = true;
    }
  }

  const recorded = new Set(record.map(step => step.finding.pkg.id));
  const review = findings.filter(finding => finding.severity === `error` && !recorded.has(finding.pkg.id));
  return {record, review};
}

/**
 * The entries a changed package gained, when that is all that changed: same
 * scripts, no approved file changed or gone, and the approval is for this
 * very release (or what it gained is only Node's default `type`). Null
 * otherwise. A bin that shadows a system tool is never recorded this way.
 */
function onlyGainedFiles(finding: GateFinding): Array<string> | null {
  const diff = finding.diff;
  const fingerprint = finding.pkg.fingerprint;
  if (finding.state !== `changed` || diff === null || finding.approval === null || `error` in fingerprint || (finding.pkg.shadows ?? []).length > 0)
    return null;
  if (diff.scripts.length > 0 || diff.files.changed.length > 0 || diff.files.removed.length > 0 || diff.files.added.length === 0)
    return null;
  const onlyDefaultType = diff.files.added.every(path => path === `package.json#type` && DEFAULT_TYPES.has(fingerprint.files[path]));
  if (finding.approval.version !== finding.pkg.version && !onlyDefaultType)
    return null;
  return diff.files.added;
}
