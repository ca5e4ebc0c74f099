/**
 * Trust downgrades: a release published with less evidence of where it came
 * from than the releases before it. A package that publishes from CI through
 * a trusted publisher (OIDC), or with a provenance attestation, and suddenly
 * ships a release without one, was most likely published with a stolen token
 * from somewhere else (the chalk/debug compromise of September 2025).
 *
 * Evidence of a version, from the registry's full packument:
 * - trusted publisher: `_npmUser.trustedPublisher` is present;
 * - provenance: `dist.attestations.provenance` is present;
 * - none.
 * Ranked in that order, as pnpm's `trustPolicy: no-downgrade` does. A release
 * is compared with the releases published before it (by the registry's
 * `time`, not by version order: a backport of 1.x after 2.0 is judged against
 * everything published before it). A stable release is compared with earlier
 * stable releases only: projects often publish prereleases from CI and
 * releases by hand, and the reverse cannot hide a stable downgrade. A
 * prerelease is compared with every earlier release.
 *
 * Plain data in; the registry's answer is read as data of any shape.
 */

export type Evidence = `trusted-publisher` | `provenance` | `none`;

const RANK: Record<Evidence, number> = {[`trusted-publisher`]: 2, provenance: 1, none: 0};

export type ReleaseRecord = {
  version: string;
  publishedAt: string;
  evidence: Evidence;
  /** `_npmUser.name`; null when the registry does not say. */
  publisher: string | null;
};

export type DowngradeDecision =
  | {kind: `ok`}
  | {
    kind: `refuse`;
    reason: string;
    evidence: Evidence;
    bestEarlier: ReleaseRecord;
    publisher: string | null;
    /** Whether the publisher of this release published none of the earlier ones. */
    publisherIsNew: boolean;
  };

type Json = Record<string, unknown>;

function objectOf(value: unknown): Json | null {
  return typeof value === `object` && value !== null && !Array.isArray(value) ? value as Json : null;
}

/** The evidence one version document carries. */
export function evidenceOf(versionDocument: unknown): Evidence {
  const document = objectOf(versionDocument);
  if (objectOf(objectOf(document?._npmUser)?.trustedPublisher) !== null)
    return `trusted-publisher`;
  if (objectOf(objectOf(objectOf(document?.dist)?.attestations)?.provenance) !== null)
    return `provenance`;
  return `none`;
}

/**
 * The releases of a full packument, oldest first; versions without a valid
 * publication time are left out (they cannot be placed before or after
 * anything). Throws on a document that is not a packument.
 */
export function releaseHistory(packument: unknown): Array<ReleaseRecord> {
  const document = objectOf(packument);
  const versions = objectOf(document?.versions);
  const time = objectOf(document?.time);
  if (versions === null || time === null)
    throw new Error(`expected a packument with "versions" and "time"`);
  const history: Array<ReleaseRecord> = [];
  for (const [version, versionDocument] of Object.entries(versions)) {
    const publishedAt = time[version];
    if (typeof publishedAt !== `string` || Number.isNaN(Date.parse(publishedAt)))
      continue;
    const user = objectOf(objectOf(versionDocument)?._npmUser);
    history.push({version, publishedAt: new Date(publishedAt).toISOString(), evidence: evidenceOf(versionDocument), publisher: typeof user?.name === `string` ? user.name : null});
  }
  return history.sort((a, b) => a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : 0);
}

const isPrerelease = (version: string) => /^[^+]*-/.test(version);

const DESCRIBED: Record<Evidence, string> = {
  [`trusted-publisher`]: `published by a trusted publisher`,
  provenance: `published with a provenance attestation`,
  none: `published without a trusted publisher or a provenance attestation`,
};

export function decideTrustDowngrade({name, version, history}: {name: string, version: string, history: ReadonlyArray<ReleaseRecord>}): DowngradeDecision | {kind: `unknown`, reason: string} {
  const release = history.find(record => record.version === version);
  if (release === undefined)
    return {kind: `unknown`, reason: `the registry gives no publication time for ${name}@${version}, so it cannot be compared with the releases before it`};
  const earlier = history.filter(record => record.publishedAt < release.publishedAt && (isPrerelease(version) || !isPrerelease(record.version)));
  let best: ReleaseRecord | null = null;
  for (const record of earlier) {
    if (best === null || RANK[record.evidence] > RANK[best.evidence] || (RANK[record.evidence] === RANK[best.evidence] && record.publishedAt > best.publishedAt))
      best = record;
  }
  if (best === null || RANK[release.evidence] >= RANK[best.evidence])
    return {kind: `ok`};
  const publisherIsNew = release.publisher === null || !earlier.some(record => record.publisher === release.publisher);
  const who = release.publisher === null
    ? `the registry does not say who published it`
    : `it was published by ${release.publisher}, ${publisherIsNew ? `who published no earlier release of ${name}` : `who published earlier releases of ${name}`}`;
  return {
    kind: `refuse`,
    reason: `${name}@${version} was ${DESCRIBED[release.evidence]}, but ${best.version} (${best.publishedAt.slice(0, 10)}) was ${DESCRIBED[best.evidence]}; ${who}`,
    evidence: release.evidence,
    bestEarlier: best,
    publisher: release.publisher,
    publisherIsNew,
  };
}

/**
 * Whether a release is recent enough to be compared with its predecessors:
 * published less than `windowDays` before `now` (a release without a
 * publication time is judged). Hijacked releases are caught and removed
 * within hours or days, so the window bounds the cost of the history an
 * install without a lockfile would otherwise ask for every release, at no
 * cost to that defence. A window of 0 switches the check off.
 */
export function isWithinDowngradeWindow({publishedAt, now, windowDays}: {publishedAt: string | null, now: Date, windowDays: number}): boolean {
  if (windowDays <= 0)
    return false;
  if (publishedAt === null || Number.isNaN(Date.parse(publishedAt)))
    return true;
  return now.getTime() - Date.parse(publishedAt) < windowDays * 86_400_000;
}
