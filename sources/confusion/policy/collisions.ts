/** Whether an internal name also exists on the public registry (a collision), from a probe's answer and the reviewers' acknowledgements. */

import {normalizeRegistryUrl} from './names';

// ---------------------------------------------------------------------------
// Collisions with the public registry
// ---------------------------------------------------------------------------

/** What the public registry answered, asked without credentials, about one name. */
export interface ProbeResult {
  name: string;
  /** The public registry asked (normalized when read from the cache). */
  registry: string;
  exists: boolean;
  /** ISO 8601, as `Date.prototype.toISOString` writes it. */
  checkedAt: string;
}

export interface Acknowledgement {
  acknowledgedAt: string;
  reason?: string;
}

export interface CollisionInput {
  name: string;
  /** `trustPublicRegistryServer`: the registry the probe must have asked. */
  publicRegistry: string;
  probe: ProbeResult | null;
  /** The trust file's acknowledgement of this name, if any. */
  acknowledged: Acknowledgement | null;
  probesEnabled: boolean;
  now: Date;
  /** How long a probe answer stays valid. */
  maxAgeMs: number;
}

export type CollisionDecision =
  /** Checked and not on the public registry. */
  | {kind: `ok`, name: string, probe: ProbeResult, unusedAcknowledgement: boolean}
  /** On the public registry and not acknowledged: refused. */
  | {kind: `collision`, name: string, probe: ProbeResult, reason: string}
  /** On the public registry, acknowledged in the trust file: allowed, and reported by status/check. */
  | {kind: `acknowledged`, name: string, probe: ProbeResult, acknowledged: Acknowledgement}
  /** No valid answer: the caller must probe now (and refuse when the probe cannot be answered). */
  | {kind: `probe-needed`, name: string, why: `missing` | `stale` | `future` | `other-name` | `other-registry` | `invalid-date`, reason: string}
  /** Probes are switched off: allowed, reported as not checked. */
  | {kind: `not-checked`, name: string, reason: string};

/**
 * Decides whether an internal name collides with a public one. A known public
 * name is a collision even when probes are switched off or the answer is old:
 * names rarely leave a registry, and switching probes off must not hide a
 * collision already seen. A "not there" answer only counts while it is fresh.
 */
export function decideCollision(input: CollisionInput): CollisionDecision {
  const {name, probe, acknowledged, now, maxAgeMs} = input;
  if (Number.isNaN(now.getTime()))
    throw new RangeError(`decideCollision needs a valid "now"`);
  if (!Number.isFinite(maxAgeMs) || maxAgeMs < 0)
    throw new RangeError(`decideCollision needs a finite, non-negative maxAgeMs, got ${maxAgeMs}`);

  const publicRegistry = normalizeRegistryUrl(input.publicRegistry);
  if (publicRegistry === null)
    throw new RangeError(`decideCollision needs a registry URL, got ${JSON.stringify(input.publicRegistry)}`);

  const usable = probe !== null && probe.name === name && normalizeRegistryUrl(probe.registry) === publicRegistry && isCanonicalIsoDate(probe.checkedAt)
    ? probe
    : null;

  if (usable !== null && usable.exists) {
    const age = now.getTime() - Date.parse(usable.checkedAt);
    const fresh = age >= 0 && age < maxAgeMs;
    if (input.probesEnabled && !fresh && acknowledged === null)
      return needProbe(name, age < 0 ? `future` : `stale`, `the answer for ${name} from ${usable.checkedAt} is ${age < 0 ? `dated in the future` : `too old`}`);
    if (acknowledged !== null)
      return {kind: `acknowledged`, name, probe: usable, acknowledged};
    return {kind: `collision`, name, probe: usable, reason: `internal package ${name} also exists on the public registry ${usable.registry} (checked ${usable.checkedAt}); anyone could publish a higher version there. If your organization owns the public name, acknowledge it in the trust file`};
  }

  if (!input.probesEnabled)
    return {kind: `not-checked`, name, reason: `collision probes are switched off: whether ${name} also exists on the public registry was not checked`};

  if (probe === null)
    return needProbe(name, `missing`, `the public registry has not been asked about ${name} yet`);
  if (probe.name !== name)
    return needProbe(name, `other-name`, `the cached answer is about ${JSON.stringify(probe.name)}, not ${JSON.stringify(name)}`);
  if (normalizeRegistryUrl(probe.registry) !== publicRegistry)
    return needProbe(name, `other-registry`, `the cached answer for ${name} came from ${probe.registry}, not from ${publicRegistry}`);
  if (usable === null)
    return needProbe(name, `invalid-date`, `the cached answer for ${name} has no valid date (${JSON.stringify(probe.checkedAt)})`);

  const age = now.getTime() - Date.parse(usable.checkedAt);
  if (age < 0)
    return needProbe(name, `future`, `the cached answer for ${name} is dated in the future (${usable.checkedAt})`);
  if (age >= maxAgeMs)
    return needProbe(name, `stale`, `the cached answer for ${name} from ${usable.checkedAt} is older than ${maxAgeMs} ms`);

  return {kind: `ok`, name, probe: usable, unusedAcknowledgement: acknowledged !== null};
}

export function needProbe(name: string, why: Extract<CollisionDecision, {kind: `probe-needed`}>[`why`], detail: string): CollisionDecision {
  return {kind: `probe-needed`, name, why, reason: `${detail}; ask the public registry, without credentials, whether ${name} exists there`};
}

export function isCanonicalIsoDate(text: string) {
  const time = Date.parse(text);
  return !Number.isNaN(time) && new Date(time).toISOString() === text;
}
