/**
 * What the release-trust decisions read from a registry's answer about a
 * name (its packument): description, repository, maintainers, when the name
 * was created and how many versions it has. Registries send JSON of any shape;
 * a field of the wrong type is read as absent, never guessed.
 */

import type {RegistryFacts} from './typosquatDecision';

type Json = Record<string, unknown>;

function objectOf(value: unknown): Json | null {
  return typeof value === `object` && value !== null && !Array.isArray(value) ? value as Json : null;
}

function stringOf(value: unknown): string | null {
  return typeof value === `string` ? value : null;
}

/**
 * `time.created`, else the earliest time the packument gives a version (some
 * registries and mirrors give no `created`; a mirror's version times are when
 * it copied each version, never earlier than the real publication, so an age
 * measured from them is never older than the real one).
 */
export function createdOf(time: unknown): string | null {
  const record = objectOf(time);
  if (record === null)
    return null;
  const created = stringOf(record.created);
  if (created !== null && !Number.isNaN(Date.parse(created)))
    return new Date(created).toISOString();
  const times = Object.entries(record)
    .flatMap(([key, value]) => key !== `modified` && typeof value === `string` && !Number.isNaN(Date.parse(value)) ? [new Date(value).toISOString()] : [])
    .sort();
  return times[0] ?? null;
}

function repositoryUrlOf(repository: unknown): string | null {
  return stringOf(repository) ?? stringOf(objectOf(repository)?.url);
}

function maintainerName(maintainer: unknown): string | null {
  const text = stringOf(maintainer);
  if (text !== null)
    return text.replace(/ <.*$/, ``);
  return stringOf(objectOf(maintainer)?.name);
}

/** The facts of a full packument; null when it lists no version (a removed or placeholder name reads as no data). */
export function factsFromPackument(packument: unknown): RegistryFacts | null {
  const document = objectOf(packument);
  const versions = objectOf(document?.versions);
  if (document === null || versions === null)
    return null;
  const count = Object.keys(versions).length;
  if (count === 0)
    return null;
  const latestVersion = stringOf(objectOf(document[`dist-tags`])?.latest);
  const latest = latestVersion !== null && Object.hasOwn(versions, latestVersion) ? objectOf(versions[latestVersion]) ?? {} : {};
  const maintainers = Array.isArray(document.maintainers) ? document.maintainers.map(maintainerName).filter((name): name is string => name !== null).sort() : [];
  return {
    description: stringOf(document.description) ?? stringOf(latest.description),
    repositoryUrl: repositoryUrlOf(document.repository) ?? repositoryUrlOf(latest.repository),
    maintainers,
    created: createdOf(document.time),
    versionCount: count,
  };
}
