/**
 * Release trust on the registry's record of one release (`/<name>/<version>`),
 * which the checksum check asks for every tarball it verifies against the
 * registry (never for a pinned one): the registry's signature over the
 * release's integrity, and, for a release new to the lockfile, whether it
 * was published with less evidence (trusted publisher, provenance) than the
 * releases before it. Either refusal stops the download before Yarn sees its
 * bytes.
 */

import {type Configuration, type Locator, MessageName, type Project, ReportError, formatUtils, structUtils} from '@yarnpkg/core';

import {binNames, decideNewBins, type EarlierRelease, type NewBinsDecision, releaseBelow} from '../policy/newBins';
import {missingSignatureStyle, verifyReleaseSignature, type SignatureVerdict} from '../policy/signatures';
import {decideTrustDowngrade, type DowngradeDecision, evidenceOf, isWithinDowngradeWindow} from '../policy/trustDowngrade';
import {allowanceFor} from '../../core/policy/trustFile/releases';
import type {ReleaseFindingKind} from '../../core/policy/trustFile/types';
import {broughtInBy} from '../../core/yarn/dependencyPaths';
import {isNewRelease, lockedReleasesOf} from '../../core/yarn/lockfileAtStart';
import {projectState} from '../../core/yarn/projectState';
import {trustFileOf} from '../../core/yarn/trustFileStore';
import {registryOf, releaseHistoryOf, resolutionMetadata} from './registry';
import {registryKeysOf} from './registryKeys';
import type {RecordFacts, RecordStage} from '../../core/yarn/recordFacts';

type VersionDocument = {dist?: {integrity?: unknown, signatures?: unknown}};

/**
 * Judges the registry's record of `pkg` at `version`; throws a ReportError
 * that names the release, what was expected and found, and the command that
 * accepts it after review.
 */
export async function judgeReleaseRecord(project: Project, pkg: Locator, version: string, document: unknown, facts: RecordFacts) {
  const name = structUtils.stringifyIdent(pkg);
  const trust = (await trustFileOf(project)).trust;
  const allowed = (kind: ReleaseFindingKind) => allowanceFor(trust, name, version, kind) !== null;
  // A release locked but never verified by this project (another platform's
  // package, one a refused install locked) is judged like a new one.
  const unjudged = facts.unverified || isNewRelease(project, name, version);

  if (!allowed(`signature`))
    await checkSignature(project, pkg, name, version, document as VersionDocument, unjudged, facts.stage);
  if (!allowed(`trust-downgrade`) && unjudged)
    await checkTrustDowngrade(project, pkg, name, version, document, facts.stage);
  if (!allowed(`new-bin`) && unjudged)
    await checkNewBins(project, pkg, name, version, document, facts.stage);
}

async function checkSignature(project: Project, pkg: Locator, name: string, version: string, document: VersionDocument, unjudged: boolean, stage: RecordStage) {
  const registry = registryOf(project, pkg);
  const {keys, source} = await registryKeysOf(project, registry);
  if (keys === null)
    return;
  const input = {name, version, integrity: document?.dist?.integrity, signatures: document?.dist?.signatures, keys, publishedAt: null};
  let verdict = verifyReleaseSignature(input);
  // The version record carries no date, and a signature by a key that has
  // since expired (npm's first key, retired on 2025-01-29) needs one. A
  // release new to the lockfile was just resolved by Yarn, so its packument
  // (and date) is at hand. For a release already locked, asking for it would
  // cost a full packument per package on a cold install without pins, and
  // would buy nothing: the date would come from the same registry that
  // served the signature. Such a signature is accepted as valid then.
  if (verdict.kind === `expired-key`) {
    if (!unjudged)
      return;
    verdict = verifyReleaseSignature({...input, publishedAt: await publicationTime(project, pkg, version)});
  }
  if (verdict.kind === `missing`) {
    const counts = missingSignatures.of(project);
    const count = (counts.get(registry) ?? 0) + 1;
    counts.set(registry, count);
    if (missingSignatureStyle(count) === `short`)
      throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, describeAnotherMissingSignature(project.configuration, name, version, registry, count, stage));
  }
  if (verdict.kind !== `verified`) {
    throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, describeSignature(project.configuration, name, version, registry, source, verdict, stage, broughtInBy(project, pkg)));
  }
}

/** Per registry: how many releases this command refused for a missing signature. */
const missingSignatures = projectState(`release-trust-missing-signatures`, () => new Map<string, number>());

/** After the first few: one line, pointing at the registry rather than at the release. */
function describeAnotherMissingSignature(configuration: Configuration, name: string, version: string, registry: string, count: number, stage: RecordStage) {
  const setting = formatUtils.pretty(configuration, `trustRegistryKeys`, formatUtils.Type.SETTING);
  const where = stage === `download` ? `not downloaded` : `refused`;
  return `${name}@${version}: no registry signature either (${where}; release ${count} of ${registry} without one in this install). A registry, or a mirror or proxy in front of it, that lists no signature for any release is a setting to fix once, not releases to allow one by one: see ${setting} in the README`;
}

/** `time[version]` of the packument Yarn reads for resolution (shared with it: no request when Yarn resolved the name). */
async function publicationTime(project: Project, pkg: Locator, version: string): Promise<string | null> {
  const metadata = await resolutionMetadata(project, pkg);
  const time = metadata?.time as Record<string, unknown> | undefined;
  return typeof time?.[version] === `string` ? time[version] as string : null;
}

async function checkTrustDowngrade(project: Project, pkg: Locator, name: string, version: string, document: unknown, stage: RecordStage) {
  // Nothing ranks above a trusted publisher: no history needed.
  if (evidenceOf(document) === `trusted-publisher`)
    return;
  const windowDays = project.configuration.get(`trustDowngradeWindow`);
  if (!isWithinDowngradeWindow({publishedAt: windowDays <= 0 ? null : await publicationTime(project, pkg, version), now: new Date(), windowDays}))
    return;
  const history = await releaseHistoryOf(project, name);
  const decision = history === null
    ? {kind: `unknown` as const, reason: `${registryOf(project, pkg)} gives no release history (no "time") for ${name}`}
    : decideTrustDowngrade({name, version, history});
  if (decision.kind === `ok`)
    return;
  throw new ReportError(MessageName.RESOLUTION_MISMATCH, describeDowngrade(project.configuration, name, version, decision, stage, broughtInBy(project, pkg)));
}

/**
 * A release that declares a bin the project's earlier release of the name did
 * not (see policy/newBins.ts). The earlier releases are the lockfile's before
 * this install; a release the lockfile already holds alone (a refused install
 * locked it) is compared with the release the registry lists just below it.
 */
async function checkNewBins(project: Project, pkg: Locator, name: string, version: string, document: unknown, stage: RecordStage) {
  const bins = binNames(name, (document as {bin?: unknown} | null)?.bin);
  const earlier: Array<EarlierRelease> = [];
  let lockedAlone = false;
  for (const locked of lockedReleasesOf(project, name)) {
    if (locked.version === version)
      lockedAlone = true;
    else if (locked.version !== null)
      earlier.push({version: locked.version, bins: [...locked.bin.keys()]});
  }
  if (earlier.length === 0 && lockedAlone && bins.length > 0) {
    const metadata = await resolutionMetadata(project, pkg);
    const below = metadata === null ? null : releaseBelow(version, Object.keys(metadata.versions));
    if (below !== null)
      earlier.push({version: below, bins: binNames(name, (metadata!.versions[below] as {bin?: unknown} | null)?.bin)});
  }
  const decision = decideNewBins({bins, earlier});
  if (decision.kind === `ok`)
    return;
  throw new ReportError(MessageName.RESOLUTION_MISMATCH, describeNewBins(project.configuration, name, version, decision, stage, broughtInBy(project, pkg)));
}

function allowCommand(configuration: Configuration, name: string, version: string, finding: ReleaseFindingKind) {
  return formatUtils.pretty(configuration, `yarn trust allow ${name}@${version} --finding ${finding} --reason "<what you checked>"`, formatUtils.Type.CODE);
}

const SIGNATURE_EXPECTED: Record<Exclude<SignatureVerdict[`kind`], `verified`>, string> = {
  missing: `no signature`,
  [`unknown-key`]: `signatures by unknown keys only`,
  [`expired-key`]: `a signature by an expired key`,
  bad: `a signature that does not verify`,
  malformed: `a record that cannot be checked`,
};

/**
 * What became of a refused release: downloaded, its bytes never reached
 * Yarn; taken from a cache, it was already linked (no script has run).
 */
function whatHappened(name: string, stage: RecordStage): string {
  switch (stage) {
    case `download`:
      return `Nothing was downloaded into the cache and yarn.lock was not written.`;
    case `linked`:
      return `It came from a cache and is already linked into node_modules, and yarn.lock holds it, but no install script has run; do not run the project: go back to the earlier version (or remove ${name}) and install again.`;
    case `other-platform`:
      return `It is not installed on this platform, but yarn.lock now holds it for the platforms that install it: go back to the earlier version of what brings it in and install again.`;
  }
}

/** What brings the release in, once Yarn has resolved it. */
function broughtInLine(path: string | null): Array<string> {
  return path === null ? [] : [`  brought in by ${path}`];
}

export function describeSignature(configuration: Configuration, name: string, version: string, registry: string, source: string, verdict: Exclude<SignatureVerdict, {kind: `verified`}>, stage: RecordStage = `download`, path: string | null = null) {
  return [
    `the registry's signature does not vouch for ${name}@${version}: ${verdict.reason}.`,
    `  expected: a signature of ${name}@${version}:<integrity> by a key of ${registry} (keys from ${source})`,
    `  found: ${SIGNATURE_EXPECTED[verdict.kind]}`,
    ...broughtInLine(path),
    `  ${whatHappened(name, stage)} A mirror, proxy or the registry itself may have changed the release's integrity; do not install it. Only if the registry's operators confirm it, run ${allowCommand(configuration, name, version, `signature`)}.`,
    ...verdict.kind === `missing` ? [`  If no release of ${registry} lists a signature (a mirror or proxy that strips them, a registry that does not sign), the cause is the registry, not this release: ${formatUtils.pretty(configuration, `trustRegistryKeys`, formatUtils.Type.SETTING)} (README, "Release trust: single releases") says which keys it signs with, or that it does not sign.`] : [],
  ].join(`\n`);
}

export function describeNewBins(configuration: Configuration, name: string, version: string, decision: Exclude<NewBinsDecision, {kind: `ok`}>, stage: RecordStage = `download`, path: string | null = null) {
  const happened = stage === `download` ? `Nothing was installed.` : whatHappened(name, stage);
  const plural = decision.added.length > 1;
  const earlier = decision.earlier.map(release => `${name}@${release.version}`).join(`, `);
  const earlierBins = [...new Set(decision.earlier.flatMap(release => release.bins))].sort();
  return [
    `${name}@${version} adds the bin${plural ? `s` : ``} ${decision.added.join(`, `)}, which ${earlier} did not have.`,
    `  expected: the bins of ${earlier}: ${earlierBins.length > 0 ? earlierBins.join(`, `) : `none`}`,
    `  found: ${decision.bins.join(`, `)}`,
    ...broughtInLine(path),
    `  ${happened} A new bin is put on the PATH of the install scripts of the packages that depend on ${name} (your own postinstall too) and, under npm, of every script, ahead of the system's programs: named after a program that another program starts by name (cargo starts rustc, git its pager), it runs in its place. Keep the earlier version (pin it in package.json), or, after checking in its changelog and code that the maintainers added ${plural ? `these commands` : `this command`}, run ${allowCommand(configuration, name, version, `new-bin`)}.`,
  ].join(`\n`);
}

export function describeDowngrade(configuration: Configuration, name: string, version: string, decision: Exclude<DowngradeDecision, {kind: `ok`}> | {kind: `unknown`, reason: string}, stage: RecordStage = `download`, path: string | null = null) {
  const happened = stage === `download` ? `Nothing was installed.` : whatHappened(name, stage);
  if (decision.kind === `unknown`) {
    return [
      `${name}@${version} cannot be compared with the earlier releases of ${name}: ${decision.reason}.`,
      `  expected: a release history to compare the evidence of ${name}@${version} (trusted publisher, provenance) with`,
      `  found: none`,
      ...broughtInLine(path),
      `  ${happened} If you checked who published it, run ${allowCommand(configuration, name, version, `trust-downgrade`)}.`,
    ].join(`\n`);
  }
  return [
    `a trust downgrade: ${decision.reason}.`,
    `  expected: ${decision.bestEarlier.evidence === `trusted-publisher` ? `a trusted publisher` : `a provenance attestation`}, as ${name}@${decision.bestEarlier.version} had`,
    `  found: ${decision.evidence === `none` ? `neither` : decision.evidence === `provenance` ? `a provenance attestation only` : decision.evidence}; publisher: ${decision.publisher ?? `unknown`}${decision.publisherIsNew ? ` (never published ${name} before)` : ``}`,
    ...broughtInLine(path),
    `  ${happened} Releases published from a stolen token, outside the package's CI, look like this. Keep the earlier version (pin it in package.json), or, after checking with the maintainers that the release is theirs, run ${allowCommand(configuration, name, version, `trust-downgrade`)}.`,
  ].join(`\n`);
}
