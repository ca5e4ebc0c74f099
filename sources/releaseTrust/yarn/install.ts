/**
 * Release trust in an install: every name new to the lockfile (through
 * `yarn add`, an alias, an install without a lockfile) is judged before Yarn
 * resolves it, so a refused name is never downloaded. A
 * name that looks like a typo of a popular package is refused unless the
 * registry shows it is an established package of its own; a name created on
 * its registry in the last `trustMinimumNameAge` is refused; a young or thin
 * name is a warning. Repeated installs from an unchanged lockfile do no work.
 */

import {type Configuration, type Descriptor, type Locator, MessageName, type Project, ReportError, formatUtils, structUtils} from '@yarnpkg/core';

import {POPULAR_NAMES} from '../data/popularNames';
import {decideNewName, describeAge, type NewNameDecision} from '../policy/newNames';
import {makePopularIndex, nameVerdict, parsePopularNames, type PopularIndex} from '../policy/typosquat';
import {decideTyposquat, type TyposquatDecision} from '../policy/typosquatDecision';
import {allowanceFor} from '../../core/policy/trustFile/releases';
import type {ReleaseFindingKind} from '../../core/policy/trustFile/types';
import {lockfileAtStart} from '../../core/yarn/lockfileAtStart';
import {projectState} from '../../core/yarn/projectState';
import {trustFileOf} from '../../core/yarn/trustFileStore';
import {registryFacts, registryOf, resolutionMetadata} from './registry';
import {registryNameOf} from './names';

let popularIndex: PopularIndex | null = null;

/** The popular names, built on the first name judged (most installs judge none). */
export function popularNames(): PopularIndex {
  popularIndex ??= makePopularIndex(parsePopularNames(POPULAR_NAMES));
  return popularIndex;
}

const releaseState = projectState(`release-trust`, (project: Project) => ({
  /** The registry names of the lockfile this install started from, by their ident hashes. */
  lockedNames: lockedNamesOf(project),
  /** One judgement per name and install, shared by every edge that reaches it. */
  judged: new Map<string, Promise<void>>(),
  warnings: new Map<string, string>(),
}));

function lockedNamesOf(project: Project): Set<string> {
  const names = new Set<string>();
  for (const pkg of lockfileAtStart(project).values())
    names.add(pkg.identHash);
  // The project's own workspaces, which Yarn also resolves registry ranges
  // to, are not among the lockfile's packages while it resolves.
  for (const workspace of project.workspaces)
    if (workspace.manifest.name !== null)
      names.add(workspace.manifest.name.identHash);
  return names;
}

/**
 * `reduceDependency`: the registry name an edge installs is judged once per
 * install when the lockfile holds no package of that name (a name new to the
 * project: `yarn add`, an alias to another name, an install without a
 * lockfile). A new version of a locked name is not a new name; Yarn's edges
 * that its own patches and peer dependencies rewrite are not new either.
 */
export function checkNewResolution(dependency: Descriptor, project: Project, locator: Locator): Promise<void> | null {
  if (project.storedResolutions.has(dependency.descriptorHash))
    return null;
  const name = registryNameOf(dependency);
  if (name === null)
    return null;
  const state = releaseState.of(project);
  if (state.lockedNames.has(structUtils.parseIdent(name).identHash))
    return null;
  let judged = state.judged.get(name);
  if (judged === undefined) {
    judged = judgeName(project, name);
    state.judged.set(name, judged);
  }
  return namingEdge(project, dependency, locator, judged);
}

async function namingEdge(project: Project, dependency: Descriptor, locator: Locator, judged: Promise<void>) {
  try {
    await judged;
  } catch (error) {
    if (!(error instanceof ReportError))
      throw error;
    // Which edge brought the name in: the first one reported says it.
    const via = `${structUtils.prettyLocator(project.configuration, locator)} › ${structUtils.prettyDescriptor(project.configuration, dependency)}`;
    throw new ReportError(error.reportCode, `${via}: ${error.message}`);
  }
}

/** Warnings of this install (young or thin names), for the report after the builds. */
export function releaseWarnings(project: Project): Array<string> {
  return [...releaseState.existing(project)?.warnings.values() ?? []];
}

async function judgeName(project: Project, name: string) {
  const {configuration} = project;
  const trust = (await trustFileOf(project)).trust;
  const allowed = (kind: ReleaseFindingKind) => allowanceFor(trust, name, null, kind) !== null;
  const now = new Date();

  if (!allowed(`typosquat`)) {
    const refusal = await typosquatRefusal(project, name, now);
    if (refusal !== null) {
      throw new ReportError(MessageName.RESOLUTION_MISMATCH, describeTyposquat(configuration, name, refusal));
    }
  }

  const minimumAgeHours = configuration.get(`trustMinimumNameAge`);
  const metadata = await resolutionMetadata(project, structUtils.parseIdent(name));
  if (metadata === null)
    return;
  const decision = decideNewName({name, time: metadata.time, versionCount: metadata.versionCount, hasRepository: null, minimumAgeHours, now});
  if (decision.kind === `refuse` && !allowed(`new-name`))
    throw new ReportError(MessageName.RESOLUTION_MISMATCH, describeNewName(configuration, name, registryOf(project, structUtils.parseIdent(name)), minimumAgeHours, decision));
  if (decision.kind === `warn` && !allowed(`new-name`))
    releaseState.of(project).warnings.set(name, `${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)} is new to this project and ${decision.reasons.join(`, and `)}: check that it is the package you meant (${formatUtils.pretty(configuration, `yarn trust allow ${name} --reason "…"`, formatUtils.Type.CODE)} silences this).`);
}

/**
 * The typosquat decision on one name: null when the name is not one slip from
 * a popular name, or when the registry shows it is a package of its own. Asks
 * the registry only about suspects. Shared by installs and `yarn trust check`.
 */
export async function typosquatRefusal(project: Project, name: string, now: Date): Promise<Extract<TyposquatDecision, {kind: `refuse`}> | null> {
  const verdict = nameVerdict(popularNames(), name);
  if (verdict.kind === `clear`)
    return null;
  const targets: Record<string, Awaited<ReturnType<typeof registryFacts>>> = {};
  const [candidate] = await Promise.all([
    registryFacts(project, name),
    ...verdict.targets.map(async target => {
      targets[target.name] = await registryFacts(project, target.name);
    }),
  ]);
  const decision = decideTyposquat({name, verdict, candidate, targets, now: now.toISOString()});
  return decision.kind === `refuse` ? decision : null;
}

function allowCommand(configuration: Configuration, name: string) {
  return formatUtils.pretty(configuration, `yarn trust allow ${name} --reason "<what you checked>"`, formatUtils.Type.CODE);
}

export function describeTyposquat(configuration: Configuration, name: string, decision: Extract<TyposquatDecision, {kind: `refuse`}>) {
  const pretty = formatUtils.pretty(configuration, name, formatUtils.Type.NAME);
  const target = formatUtils.pretty(configuration, decision.target, formatUtils.Type.NAME);
  return [
    `${pretty} looks like a typo of the popular package ${target}, and nothing shows it is a package of its own: ${decision.reasons.join(`; `)}.`,
    `  expected: ${target}, or a package that is clearly not a copy of it (its own repository and description, a year or more old)`,
    `  found: ${pretty}`,
    `  Nothing was downloaded. Did you mean ${target}? If ${pretty} is the package you want, run ${allowCommand(configuration, name)} after checking who publishes it.`,
  ].join(`\n`);
}

export function describeNewName(configuration: Configuration, name: string, registry: string, minimumAgeHours: number, decision: Extract<NewNameDecision, {kind: `refuse`}>) {
  const pretty = formatUtils.pretty(configuration, name, formatUtils.Type.NAME);
  const minimum = formatUtils.pretty(configuration, `trustMinimumNameAge`, formatUtils.Type.SETTING);
  return [
    `${pretty} is too new to install: ${decision.reason}. Names registered hours before they are used are how hallucinated and mistyped names get exploited.`,
    `  expected: a name created on ${registry} longer ago than ${minimum} (${describeAge(minimumAgeHours * 3_600_000)})`,
    `  found: ${decision.created === null ? `no creation date` : `created ${decision.created}`}`,
    `  Nothing was downloaded. If ${pretty} is the package you want and you checked who publishes it, run ${allowCommand(configuration, name)}, or wait; ${formatUtils.pretty(configuration, `trustMinimumNameAge: 0`, formatUtils.Type.CODE)} switches this check off (for a registry that sends no dates).`,
  ].join(`\n`);
}
