/**
 * The final decision on a suspect name (see `typosquat.ts`), from what the
 * registry says about it and about the popular name it may be a typo of.
 * Popularity alone does not separate a squat from an established neighbour, so
 * the decision looks for a copy masquerading as its target, and for the marks
 * of a distinct package with a life of its own:
 *
 * 1. No registry data for the suspect or its target: refuse (fail closed),
 *    saying so, so that the user can look and allow it.
 * 2. Published by one of the target's maintainers: clear (the owner's sibling).
 * 3. A masquerade is refused: the target's repository URL, the target's
 *    description (same words), no repository at all while very young or with
 *    very few versions, or npm's placeholder for a removed squat.
 * 4. An established, distinct neighbour is clear: a repository of its own and
 *    its own description, first published a year or more ago. Age is the one
 *    mark a squatter cannot fake (squats are found and removed within days or
 *    weeks; versions can be published ten a minute), so the number of versions
 *    counts only against a package with no repository (rule 3).
 * 5. Anything else is refused with "did you mean": a young package one slip
 *    away from a popular name is what a squat looks like before it has done
 *    harm, and an allow entry costs one command.
 *
 * Plain data in: no Yarn, no I/O, and the time of the decision is an input.
 */

import {type NameVerdict, type TyposquatTarget} from './typosquat';

/** What the registry says about one package (from its packument). */
export type RegistryFacts = {
  description: string | null;
  /** `repository.url` (or the string form), as published. */
  repositoryUrl: string | null;
  /** npm user names of the maintainers. */
  maintainers: ReadonlyArray<string>;
  /** `time.created`, ISO 8601. */
  created: string | null;
  versionCount: number;
  /** Monthly downloads, when known (not used to decide; shown to the user). */
  monthlyDownloads?: number | null;
};

export type TyposquatDecisionInput = {
  name: string;
  verdict: NameVerdict;
  /** The suspect's facts; null when the registry gave none. */
  candidate: RegistryFacts | null;
  /** Facts of each target the verdict names; a missing or null entry means none. */
  targets: Readonly<Record<string, RegistryFacts | null>>;
  /** When the decision is made, ISO 8601. */
  now: string;
};

export type TyposquatDecision =
  | {kind: `clear`, reasons: Array<string>}
  | {kind: `refuse`, target: string, reasons: Array<string>, message: string};

/** A package younger than this, with no repository, is a masquerade. */
export const YOUNG_DAYS = 90;
/** A package with at most this many versions, with no repository, is a masquerade. */
export const FEW_VERSIONS = 2;
/** An established neighbour was first published at least this long ago. */
export const ESTABLISHED_DAYS = 365;

/** The repository of the empty packages npm publishes in place of removed malware (`0.0.1-security`). */
export const SECURITY_HOLDER = `github.com/npm/security-holder`;

const DAY_MS = 24 * 60 * 60 * 1000;

function versions(count: number): string {
  return `${count} version${count === 1 ? `` : `s`}`;
}

/**
 * One spelling per repository: no scheme, no `git+`, no user, no `.git`, no
 * trailing slash, lowercase; `github:o/r`, `o/r` and `git@github.com:o/r` are
 * `github.com/o/r`. On the big forges only the owner and repository count (a
 * `/tree/main/packages/x` suffix names the same repository).
 */
export function normalizeRepositoryUrl(url: string | null): string | null {
  if (url === null)
    return null;
  let text = url.trim().toLowerCase();
  if (text === ``)
    return null;
  const shorthand = /^(github|gitlab|bitbucket):(.+)$/.exec(text);
  if (shorthand !== null)
    text = `${shorthand[1]}.${shorthand[1] === `bitbucket` ? `org` : `com`}/${shorthand[2]}`;
  else if (/^[a-z0-9][\w.-]*\/[\w.-]+$/.test(text))
    text = `github.com/${text}`;
  text = text
    .replace(/^git\+/, ``)
    .replace(/^[a-z]+:\/\//, ``)
    .replace(/^[^@/]+@/, ``)
    .replace(/^([^/:]+):(?!\d)/, `$1/`)
    .replace(/^www\./, ``)
    .replace(/[#?].*$/, ``)
    .replace(/\/+$/, ``)
    .replace(/\.git$/, ``);
  const forge = /^(github\.com|gitlab\.com|bitbucket\.org)\/([^/]+)\/([^/]+)/.exec(text);
  if (forge !== null)
    return `${forge[1]}/${forge[2]}/${forge[3].replace(/\.git$/, ``)}`;
  return text === `` ? null : text;
}

function words(text: string | null): Array<string> {
  return (text ?? ``).toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * Whether `candidate` reuses the target's description: the same words, or at
 * least 80 % of the target's words when it has three or more (a copy that
 * appends a word is still a copy). Empty descriptions are never similar.
 */
export function similarDescriptions(candidate: string | null, target: string | null): boolean {
  const a = words(candidate);
  const b = words(target);
  if (a.length === 0 || b.length === 0)
    return false;
  if (a.join(` `) === b.join(` `))
    return true;
  if (b.length < 3)
    return false;
  const own = new Set(a);
  const shared = new Set(b.filter(word => own.has(word)));
  return shared.size / new Set(b).size >= 0.8;
}

/**
 * Whether a description only spells out the package's name (`git-log-parser`
 * described as "git-log-parser"): every neighbour's name says the same words,
 * so sharing them is no sign of a copy.
 */
export function restatesName(description: string | null, name: string): boolean {
  return words(description).join(` `) === words(name.replace(/^@[^/]*\//, ``)).join(` `);
}

function ageDays(created: string | null, now: string): number | null {
  if (created === null)
    return null;
  const from = Date.parse(created);
  const to = Date.parse(now);
  if (Number.isNaN(from) || Number.isNaN(to))
    return null;
  return (to - from) / DAY_MS;
}

type TargetOutcome =
  | {kind: `clear`, reason: string}
  | {kind: `refuse`, reasons: Array<string>};

/** Rules 2 to 5 for one target. */
export function judgeAgainstTarget(name: string, candidate: RegistryFacts, target: TyposquatTarget, facts: RegistryFacts, now: string): TargetOutcome {
  const shared = candidate.maintainers.filter(maintainer => facts.maintainers.includes(maintainer));
  if (shared.length > 0)
    return {kind: `clear`, reason: `${name} is published by ${shared[0]}, a maintainer of ${target.name}`};

  const ownRepository = normalizeRepositoryUrl(candidate.repositoryUrl);
  const targetRepository = normalizeRepositoryUrl(facts.repositoryUrl);
  const age = ageDays(candidate.created, now);
  const masquerade: Array<string> = [];
  if (ownRepository === SECURITY_HOLDER)
    masquerade.push(`npm replaced it with a placeholder after removing malware published under this name`);
  if (ownRepository !== null && ownRepository === targetRepository)
    masquerade.push(`it names ${target.name}'s repository (${ownRepository})`);
  if (similarDescriptions(candidate.description, facts.description) && !restatesName(facts.description, target.name))
    masquerade.push(`it reuses ${target.name}'s description ("${(candidate.description ?? ``).trim()}")`);
  if (ownRepository === null) {
    if (age === null || age < YOUNG_DAYS)
      masquerade.push(age === null ? `it has no repository and no creation date` : `it has no repository and was created ${Math.floor(age)} days ago`);
    else if (candidate.versionCount <= FEW_VERSIONS)
      masquerade.push(`it has no repository and ${versions(candidate.versionCount)}`);
  }
  if (masquerade.length > 0)
    return {kind: `refuse`, reasons: masquerade};

  const missing: Array<string> = [];
  if (ownRepository === null)
    missing.push(`it has no repository`);
  if (age === null || age < ESTABLISHED_DAYS)
    missing.push(age === null ? `its creation date is unknown` : `it was created ${Math.floor(age)} days ago`);
  if (missing.length > 0)
    return {kind: `refuse`, reasons: missing};
  return {kind: `clear`, reason: `${name} is an established package of its own (${ownRepository}, ${versions(candidate.versionCount)} since ${candidate.created!.slice(0, 10)})`};
}

function refusal(name: string, target: TyposquatTarget, reasons: Array<string>): TyposquatDecision {
  return {
    kind: `refuse`,
    target: target.name,
    reasons,
    message: `${name} looks like a typo of ${target.name} (${target.kind}): ${reasons.join(`; `)}. Did you mean ${target.name}?`,
  };
}

/**
 * The decision for a name: clear when the name-only verdict is clear, else
 * judged against each target (most downloaded first); the first refusal wins,
 * so a name that is an established neighbour of one popular package but a
 * copy of another is refused.
 */
export function decideTyposquat(input: TyposquatDecisionInput): TyposquatDecision {
  const {name, verdict, candidate, targets, now} = input;
  if (verdict.kind === `clear`)
    return {kind: `clear`, reasons: []};
  const first = verdict.targets[0];
  if (candidate === null)
    return refusal(name, first, [`the registry gave no data about ${name} to tell it from a squat`]);
  const reasons: Array<string> = [];
  for (const target of verdict.targets) {
    const facts = targets[target.name] ?? null;
    if (facts === null)
      return refusal(name, target, [`the registry gave no data about ${target.name} to compare ${name} with`]);
    const outcome = judgeAgainstTarget(name, candidate, target, facts, now);
    if (outcome.kind === `refuse`)
      return refusal(name, target, outcome.reasons);
    if (!reasons.includes(outcome.reason))
      reasons.push(outcome.reason);
  }
  return {kind: `clear`, reasons};
}
