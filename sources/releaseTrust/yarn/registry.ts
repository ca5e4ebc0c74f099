/**
 * What the release-trust checks ask a registry, through Yarn's own npm client
 * (the project's registries, scopes, credentials and network settings apply):
 * the packument Yarn already fetched for resolution (its `time` record), and,
 * only for a name that looks like a typo, the full packument of the name and
 * of the popular names it resembles. Answers are kept for the process.
 */

import {type Ident, MessageName, type Project, ReportError, formatUtils, structUtils} from '@yarnpkg/core';
import {npmConfigUtils, npmHttpUtils} from '@yarnpkg/plugin-npm';

import {factsFromPackument} from '../policy/registryFacts';
import {releaseHistory, type ReleaseRecord} from '../policy/trustDowngrade';
import type {RegistryFacts} from '../policy/typosquatDecision';
import {projectState} from '../../core/yarn/projectState';

/** What the checks keep of a full packument (never the document itself: some weigh megabytes). */
type PackumentSummary = {facts: RegistryFacts | null, history: Array<ReleaseRecord> | null};

const registryState = projectState(`release-trust-registry`, () => ({
  summaries: new Map<string, Promise<PackumentSummary | null>>(),
}));

/** The HTTP status of a failed request, as Yarn's client reports it. */
export function statusOf(error: unknown): number | undefined {
  const failure = error as {response?: {statusCode?: number}, originalError?: {response?: {statusCode?: number}}};
  return failure.response?.statusCode ?? failure.originalError?.response?.statusCode;
}

export function registryOf(project: Project, ident: Ident): string {
  return npmConfigUtils.getScopeRegistry(ident.scope, {configuration: project.configuration});
}

/**
 * The packument as Yarn's resolver reads it (shared with it in this process:
 * asking first costs no request). Its `time` record is what the new-name
 * check reads.
 */
export async function resolutionMetadata(project: Project, ident: Ident): Promise<{time: unknown, versions: Record<string, unknown>, versionCount: number} | null> {
  let metadata: {time?: unknown, versions?: Record<string, unknown>};
  try {
    metadata = await npmHttpUtils.getPackageMetadata(ident, {project});
  } catch (error) {
    // No such package: Yarn's resolver says so in its own words.
    if (statusOf(error) === 404)
      return null;
    throw new ReportError(MessageName.NETWORK_ERROR, `yarn-plugin-trust could not read what ${registryOf(project, ident)} says about ${structUtils.prettyIdent(project.configuration, ident)} (${(error as Error).message}), so it was not installed. Retry when the registry answers.`);
  }
  const versions = typeof metadata.versions === `object` && metadata.versions !== null ? metadata.versions : {};
  return {time: metadata.time, versions, versionCount: Object.keys(versions).length};
}

/**
 * What the registry says about a name (description, repository, maintainers,
 * creation, versions), from its full packument; null when it has no such
 * package. A registry that does not answer is an error: the caller refuses.
 */
export async function registryFacts(project: Project, name: string): Promise<RegistryFacts | null> {
  return (await packumentSummary(project, name))?.facts ?? null;
}

/**
 * Every release of a name with its publication time, publisher and evidence
 * (trusted publisher, provenance), from its full packument; null when the
 * registry has no such package or a packument without `time`.
 */
export async function releaseHistoryOf(project: Project, name: string): Promise<Array<ReleaseRecord> | null> {
  return (await packumentSummary(project, name))?.history ?? null;
}

async function packumentSummary(project: Project, name: string): Promise<PackumentSummary | null> {
  const state = registryState.of(project);
  let pending = state.summaries.get(name);
  if (pending === undefined) {
    pending = fetchSummary(project, structUtils.parseIdent(name));
    state.summaries.set(name, pending);
  }
  return await pending;
}

async function fetchSummary(project: Project, ident: Ident): Promise<PackumentSummary | null> {
  let document: unknown;
  try {
    document = await npmHttpUtils.get(npmHttpUtils.getIdentUrl(ident), {configuration: project.configuration, ident, jsonResponse: true});
  } catch (error) {
    if (statusOf(error) === 404)
      return null;
    throw new ReportError(MessageName.NETWORK_ERROR, `yarn-plugin-trust could not read what ${registryOf(project, ident)} says about ${formatUtils.pretty(project.configuration, structUtils.stringifyIdent(ident), formatUtils.Type.NAME)} (${(error as Error).message}), so the name could not be judged. Retry when the registry answers, or allow the name after checking it yourself.`);
  }
  let history: Array<ReleaseRecord> | null;
  try {
    history = releaseHistory(document);
  } catch (error) {
    if (!(error instanceof Error))
      throw error;
    // A packument without `time` cannot place a release among the others: the caller says so.
    history = null;
  }
  return {facts: factsFromPackument(document), history};
}
