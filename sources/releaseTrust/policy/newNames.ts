/**
 * New names: a package name created on its registry a short while ago is
 * what slopsquatting and most typosquats look like when they are used (the
 * name an assistant hallucinated, registered the day before). Younger than
 * the minimum age (72 hours by default) is refused; younger than 30 days, or
 * with at most two versions and no repository, is a warning.
 *
 * The age is read from the `time` record that the registry sends with every
 * packument (and that Yarn already fetched): `created`, else the earliest
 * time of a version. A registry that sends no usable date cannot answer, and
 * the decision fails closed, naming the setting for registries that never
 * send dates. Plain data in: the time of the decision is an input.
 */

import {createdOf} from './registryFacts';

export const WARN_DAYS = 30;
export const FEW_VERSIONS = 2;
const HOUR_MS = 3_600_000;

export type NewNameInput = {
  name: string;
  /** The packument's `time` record, as sent. */
  time: unknown;
  versionCount: number;
  /** Whether the release declares a repository; null when unknown. */
  hasRepository: boolean | null;
  /** The minimum age in hours; 0 switches the refusal off. */
  minimumAgeHours: number;
  now: Date;
};

export type NewNameDecision =
  | {kind: `ok`}
  | {kind: `warn`, created: string, reasons: Array<string>}
  | {kind: `refuse`, created: string | null, reason: string};

/** "18 hours", "3 days": the age in the unit a person reads it in. */
export function describeAge(ms: number): string {
  const hours = Math.floor(Math.max(ms, 0) / HOUR_MS);
  if (hours < 96)
    return hours === 1 ? `1 hour` : `${hours} hours`;
  const days = Math.floor(hours / 24);
  return `${days} days`;
}

/** `2026-03-30 23:59 UTC`. */
export function describeDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function decideNewName(input: NewNameInput): NewNameDecision {
  const {minimumAgeHours, now} = input;
  const created = createdOf(input.time);
  if (created === null) {
    if (minimumAgeHours === 0)
      return {kind: `ok`};
    return {kind: `refuse`, created: null, reason: `the registry gave no date for any version of it, so its age is unknown`};
  }
  const ageMs = now.getTime() - Date.parse(created);
  const when = `created ${describeAge(ageMs)} ago, on ${describeDate(created)}`;
  if (ageMs < 0 && minimumAgeHours > 0)
    return {kind: `refuse`, created, reason: `the registry dates its creation in the future (${describeDate(created)}), so its age is unknown`};
  if (minimumAgeHours > 0 && ageMs < minimumAgeHours * HOUR_MS)
    return {kind: `refuse`, created, reason: `the name was ${when}; the minimum age is ${describeAge(minimumAgeHours * HOUR_MS)}`};

  const reasons: Array<string> = [];
  if (ageMs < WARN_DAYS * 24 * HOUR_MS)
    reasons.push(`the name was ${when}`);
  if (input.versionCount <= FEW_VERSIONS && input.hasRepository === false)
    reasons.push(`it has ${input.versionCount === 1 ? `1 version` : `${input.versionCount} versions`} and no repository`);
  return reasons.length > 0 ? {kind: `warn`, created, reasons} : {kind: `ok`};
}
