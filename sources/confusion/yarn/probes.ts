/** Collision probes: whether an internal name also exists on the public registry, asked without credentials and cached. */

import {
  type Configuration, MessageName, type Project, ReportError, formatUtils, httpUtils,
} from '@yarnpkg/core';
import {type PortablePath, ppath, xfs} from '@yarnpkg/fslib';

import {type CollisionDecision, decideCollision, type ProbeResult} from '../policy/collisions';
import {findProbe, parseProbeCache, serializeProbeCache} from '../policy/probeCache';
import {collisionAcknowledgementOf} from '../../core/policy/trustFile/edits';
import {rememberedTrustFile} from '../../core/yarn/trustFileStore';
import {writeFileAtomic} from '../../core/yarn/atomicWrite';
import {type ConfusionContext, confusionState, publicRegistryOf} from './model';

export function describeCollision(configuration: Configuration, decision: Extract<CollisionDecision, {kind: `collision`}>) {
  return `${formatUtils.pretty(configuration, decision.name, formatUtils.Type.NAME)} is internal, but the public registry ${decision.probe.registry} also has a package of that name (checked ${decision.probe.checkedAt}): a dependency-confusion attack may be under way. Nothing was installed. If your company owns the public name, run ${formatUtils.pretty(configuration, `yarn trust acknowledge ${decision.name}`, formatUtils.Type.CODE)} after checking it.`;
}

export function probeCachePath(configuration: Configuration): PortablePath {
  return ppath.join(configuration.get(`globalFolder`), `yarn-plugin-trust-probes.json` as PortablePath);
}

export async function readProbeCache(configuration: Configuration): Promise<ProbeResult[]> {
  const path = probeCachePath(configuration);
  let text: string;
  try {
    text = await xfs.readFilePromise(path, `utf8`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return [];
    throw error;
  }
  // An unreadable cache only costs new probes: every name is asked again.
  return parseProbeCache(text).entries;
}

/**
 * Whether `name` collides with a public package: from the probe cache while
 * its answer is fresh, otherwise by asking the public registry, without
 * credentials. An unanswerable probe is a refusal.
 */
export async function collisionDecision(project: Project, name: string, {probe, newResolution = false}: {probe: boolean, newResolution?: boolean}): Promise<CollisionDecision> {
  const {configuration} = project;
  const context = confusionState.of(project);
  const publicRegistry = publicRegistryOf(configuration);
  const trust = rememberedTrustFile(project)?.trust;
  const acknowledged = trust === undefined ? null : collisionAcknowledgementOf(trust, name);
  const maxAgeMs = configuration.get(`trustCollisionProbeMaxAge`) * 60_000;
  const decide = (entries: ProbeResult[], age: number) => decideCollision({
    name,
    publicRegistry,
    probe: findProbe(entries, name, publicRegistry),
    acknowledged,
    probesEnabled: configuration.get(`trustCollisionProbes`),
    now: new Date(),
    maxAgeMs: age,
  });

  // An answer of this very process is always current.
  const ongoing = context.probes.get(name);
  if (ongoing !== undefined)
    return decide([await ongoing], maxAgeMs);

  // A new resolution is exactly when an attacker's fresh upload would be
  // picked: a cached "not on the public registry" does not count then (a
  // cached "it is there" still refuses at once). Elsewhere — check, status —
  // cached answers are reused for their lifetime.
  const cached = await readProbeCache(configuration);
  const decision = decide(cached, newResolution ? 0 : maxAgeMs);
  if (decision.kind !== `probe-needed` || !probe)
    return decision;

  const pending = probeAndRemember(context, publicRegistry, name);
  context.probes.set(name, pending);
  return decide([await pending], maxAgeMs);
}

export async function probeAndRemember(context: ConfusionContext, publicRegistry: string, name: string): Promise<ProbeResult> {
  const {configuration} = context.project;
  const result = await probePublicRegistry(context, publicRegistry, name);
  // Probes run concurrently (one per new dependency edge): updates of the
  // cache file go one after the other so that none is lost.
  const update = (context.probeCacheUpdate ?? Promise.resolve()).then(async () => {
    const entries = (await readProbeCache(configuration)).filter(entry => findProbe([entry], name, publicRegistry) === null);
    await xfs.mkdirPromise(ppath.dirname(probeCachePath(configuration)), {recursive: true});
    await writeFileAtomic(probeCachePath(configuration), serializeProbeCache([...entries, result]));
  });
  context.probeCacheUpdate = update;
  await update;
  return result;
}

export async function probePublicRegistry(context: ConfusionContext, publicRegistry: string, name: string): Promise<ProbeResult> {
  const {configuration} = context.project;
  const url = `${publicRegistry.replace(/\/+$/, ``)}/${name.replace(`/`, `%2f`)}`;
  context.probeUrls.add(url);
  let exists: boolean;
  try {
    // httpUtils, not npmHttpUtils: no credentials of any registry go along.
    // `request` keeps the HTTP status that `get` folds into a message.
    await httpUtils.request(url, null, {configuration, headers: {accept: `application/vnd.npm.install-v1+json`}});
    exists = true;
  } catch (error) {
    const status = (error as {response?: {statusCode?: number}}).response?.statusCode;
    if (status !== 404) {
      throw new ReportError(MessageName.NETWORK_ERROR, `yarn-plugin-trust could not ask the public registry ${publicRegistry} whether ${formatUtils.pretty(configuration, name, formatUtils.Type.NAME)} exists there (${(error as Error).message}), so the internal package was not installed. Retry when the registry answers, or set ${formatUtils.pretty(configuration, `trustCollisionProbes: false`, formatUtils.Type.CODE)} if this machine cannot reach it.`);
    }
    exists = false;
  }
  return {name, registry: publicRegistry, exists, checkedAt: new Date().toISOString()};
}
