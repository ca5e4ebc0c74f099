/** The probe cache: the public registry's answers about internal names, kept in Yarn's global folder, never committed. */

import {isCanonicalIsoDate, type ProbeResult} from './collisions';
import {normalizeRegistryUrl} from './names';
import {JsonSyntaxError, parseJson} from '../../core/policy/json';
import {type JsonValue, toPlain} from '../../core/policy/jsonTree';

// ---------------------------------------------------------------------------
// The probe cache (the plugin's own state in Yarn's global folder, never committed)
// ---------------------------------------------------------------------------

export const PROBE_CACHE_VERSION = 1;

/**
 * Reads the probe cache. Any problem discards the whole cache (`entries` is
 * empty, `problem` says why) instead of stopping the install: the cache only
 * saves requests, it never allows anything by itself — an empty cache means
 * every internal name is probed again, and a probe that cannot be answered is
 * refused. Acknowledgements live in the committed trust file, not here, so
 * losing the cache cannot turn a collision into an accepted one. Partial
 * reading is not attempted: one bad entry means the file is not what this
 * plugin wrote, and nothing in it is trusted.
 */
export function parseProbeCache(text: string): {entries: ProbeResult[], problem: string | null} {
  const discard = (problem: string) => ({entries: [], problem: `probe cache ignored: ${problem}`});

  let document: JsonValue;
  try {
    document = toPlain(parseJson(text));
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      return discard(error.message);
    throw error;
  }

  if (!isObject(document))
    return discard(`expected a JSON object`);
  const unknownTop = Object.keys(document).filter(key => key !== `version` && key !== `probes`);
  if (unknownTop.length > 0)
    return discard(`unknown key ${JSON.stringify(unknownTop[0])}`);
  if (document.version !== PROBE_CACHE_VERSION)
    return discard(`version ${JSON.stringify(document.version ?? null)} is not ${PROBE_CACHE_VERSION}`);
  if (!Array.isArray(document.probes))
    return discard(`"probes" is not an array`);

  const entries: ProbeResult[] = [];
  for (const [index, item] of document.probes.entries()) {
    if (!isObject(item))
      return discard(`probes[${index}] is not an object`);
    const unknown = Object.keys(item).filter(key => ![`name`, `registry`, `exists`, `checkedAt`].includes(key));
    if (unknown.length > 0)
      return discard(`probes[${index}] has unknown key ${JSON.stringify(unknown[0])}`);
    const {name, registry, exists, checkedAt} = item;
    if (typeof name !== `string` || typeof registry !== `string` || typeof exists !== `boolean` || typeof checkedAt !== `string`)
      return discard(`probes[${index}] needs "name" (string), "registry" (string), "exists" (boolean) and "checkedAt" (string)`);
    const problem = probeProblem({name, registry, exists, checkedAt});
    if (problem !== null)
      return discard(`probes[${index}]: ${problem}`);
    const entry = {name, registry: normalizeRegistryUrl(registry)!, exists, checkedAt};
    if (entries.some(existing => existing.name === entry.name && existing.registry === entry.registry))
      return discard(`probes[${index}]: ${entry.name} at ${entry.registry} is listed twice`);
    entries.push(entry);
  }

  return {entries, problem: null};
}

export function isObject(value: JsonValue | undefined): value is {[key: string]: JsonValue} {
  return typeof value === `object` && value !== null && !Array.isArray(value);
}

export function probeProblem(probe: ProbeResult): string | null {
  if (probe.name === `` || probe.name.trim() !== probe.name)
    return `${JSON.stringify(probe.name)} is not a package name`;
  if (normalizeRegistryUrl(probe.registry) === null)
    return `${JSON.stringify(probe.registry)} is not a registry URL`;
  if (!isCanonicalIsoDate(probe.checkedAt))
    return `checkedAt ${JSON.stringify(probe.checkedAt)} is not an ISO date as toISOString writes it`;
  return null;
}

/**
 * Writes the cache canonically: version first, probes sorted by registry then
 * name, registries normalized, two-space indent, one trailing newline. Throws
 * on an invalid or duplicate entry: writing what could not be read back would
 * only throw the cache away next time.
 */
export function serializeProbeCache(entries: readonly ProbeResult[]): string {
  const probes: ProbeResult[] = [];
  for (const entry of entries) {
    const problem = probeProblem(entry);
    if (problem !== null)
      throw new Error(`Cannot write probe cache: ${problem}`);
    const normalized = {name: entry.name, registry: normalizeRegistryUrl(entry.registry)!, exists: entry.exists, checkedAt: entry.checkedAt};
    if (probes.some(existing => existing.name === normalized.name && existing.registry === normalized.registry))
      throw new Error(`Cannot write probe cache: ${normalized.name} at ${normalized.registry} is listed twice`);
    probes.push(normalized);
  }
  probes.sort((a, b) => compareCodeUnits(a.registry, b.registry) || compareCodeUnits(a.name, b.name));
  return `${JSON.stringify({version: PROBE_CACHE_VERSION, probes}, null, 2)}\n`;
}

/** The cached answer for `name` from `registry` (compared normalized), or null. */
export function findProbe(entries: readonly ProbeResult[], name: string, registry: string): ProbeResult | null {
  const wanted = normalizeRegistryUrl(registry);
  if (wanted === null)
    return null;
  return entries.find(entry => entry.name === name && normalizeRegistryUrl(entry.registry) === wanted) ?? null;
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
