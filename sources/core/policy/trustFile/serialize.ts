/** Writes the trust file canonically: two people recording the same decisions produce the same bytes. */

import {parseTrustFile} from './parse';
import {type Approval, type CollisionAcknowledgement, type Denial, type PackageTrust, SERIALIZED_LABEL, type TrustFile, collisionsOf, gitDependenciesOf, releasesOf} from './types';
import {compareApprovals, compareCodeUnits, compareGitApprovals, compareScriptNames, compareAllowances} from './order';

// ---------------------------------------------------------------------------
// Serialization.

/** Objects as entry lists, so that the order chosen here is the order written. */
export type Out =
  | {object: Array<[string, Out]>}
  | {array: Array<Out>}
  | string
  | number;

/**
 * Written by hand rather than with JSON.stringify: engines put integer-like
 * keys ("10", "2") first in numeric order whatever the insertion order, which
 * would break the documented code-unit ordering of names and paths.
 */
export function render(value: Out, indent: string): string {
  if (typeof value === `string` || typeof value === `number`)
    return JSON.stringify(value);

  const inner = `${indent}  `;
  if (`array` in value) {
    if (value.array.length === 0)
      return `[]`;
    return `[\n${value.array.map(item => `${inner}${render(item, inner)}`).join(`,\n`)}\n${indent}]`;
  }

  if (value.object.length === 0)
    return `{}`;
  return `{\n${value.object.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${render(item, inner)}`).join(`,\n`)}\n${indent}}`;
}

export function sortedRecord(record: Record<string, string>, compare: (a: string, b: string) => number): Out {
  return {object: Object.keys(record).sort(compare).map(key => [key, record[key]])};
}

export function approvalOut(approval: Approval): Out {
  const fields: Array<[string, Out]> = [
    [`version`, approval.version],
    [`scripts`, sortedRecord(approval.scripts, compareScriptNames)],
    [`files`, sortedRecord(approval.files, compareCodeUnits)],
    [`approvedAt`, approval.approvedAt],
  ];
  if (approval.reason !== undefined)
    fields.push([`reason`, approval.reason]);
  return {object: fields};
}

export function denialOut(denial: Denial): Out {
  const fields: Array<[string, Out]> = [[`deniedAt`, denial.deniedAt]];
  if (denial.reason !== undefined)
    fields.push([`reason`, denial.reason]);
  return {object: fields};
}

export function acknowledgementOut(acknowledgement: CollisionAcknowledgement): Out {
  const fields: Array<[string, Out]> = [[`acknowledgedAt`, acknowledgement.acknowledgedAt]];
  if (acknowledgement.reason !== undefined)
    fields.push([`reason`, acknowledgement.reason]);
  fields.push([`publicRegistry`, acknowledgement.publicRegistry]);
  return {object: fields};
}

export function packageOut(trust: PackageTrust): Out {
  const fields: Array<[string, Out]> = [];
  // Both keys are written if a caller built such an entry, so that the
  // validation below refuses it instead of one of them vanishing silently.
  if (`approvals` in trust)
    fields.push([`approvals`, {array: [...trust.approvals].sort(compareApprovals).map(approvalOut)}]);
  if (`denied` in trust)
    fields.push([`denied`, denialOut(trust.denied)]);
  return {object: fields};
}

/**
 * Canonical text: same decisions, same bytes. Refuses (TrustFileError) data
 * that `parseTrustFile` would refuse, so the tool never writes a file it
 * cannot read back.
 */
export function serializeTrustFile(trust: TrustFile): string {
  const fields: Array<[string, Out]> = [
    [`version`, trust.version],
    [`packages`, {object: Object.keys(trust.packages).sort(compareCodeUnits).map(name => [name, packageOut(trust.packages[name])])}],
  ];

  // Left out when empty, so that files without acknowledgements keep the
  // bytes they had before the section existed.
  const collisions = collisionsOf(trust);
  const acknowledged = Object.keys(collisions).sort(compareCodeUnits);
  if (acknowledged.length > 0)
    fields.push([`collisions`, {object: acknowledged.map(name => [name, acknowledgementOut(collisions[name])])}]);
  const gitDependencies = gitDependenciesOut(trust);
  if (gitDependencies !== null)
    fields.push([`gitDependencies`, gitDependencies]);
  const releases = releasesOut(trust);
  if (releases !== null)
    fields.push([`releases`, releases]);

  const document: Out = {object: fields};

  const text = `${render(document, ``)}\n`;
  parseTrustFile(text, SERIALIZED_LABEL);
  return text;
}

export function gitDependenciesOut(trust: TrustFile): Out | null {
  const repositories = gitDependenciesOf(trust);
  const urls = Object.keys(repositories).sort(compareCodeUnits);
  if (urls.length === 0)
    return null;
  return {object: urls.map(url => [url, {object: [[`approvals`, {array: [...repositories[url].approvals].sort(compareGitApprovals).map(approval => {
    const fields: Array<[string, Out]> = [[`commit`, approval.commit], [`approvedAt`, approval.approvedAt]];
    if (approval.reason !== undefined)
      fields.push([`reason`, approval.reason]);
    return {object: fields} as Out;
  })}]]}])};
}

export function releasesOut(trust: TrustFile): Out | null {
  const releases = releasesOf(trust);
  const names = Object.keys(releases).sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  if (names.length === 0)
    return null;
  return {object: names.map(name => [name, {array: [...releases[name]].sort(compareAllowances).map(allowance => {
    const fields: Array<[string, Out]> = [];
    if (allowance.version !== undefined)
      fields.push([`version`, allowance.version]);
    fields.push([`findings`, {array: [...allowance.findings]}], [`allowedAt`, allowance.allowedAt], [`reason`, allowance.reason]);
    return {object: fields} as Out;
  })}])};
}
