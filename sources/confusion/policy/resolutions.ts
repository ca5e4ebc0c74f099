/** Whether a lockfile resolution of an internal name points at its registry. */

import {classifyName, type InternalModel, type RouteFindingKind} from './model';
import {normalizeRegistryUrl, originOf} from './names';
import {parseWebUrl} from '../../core/policy/webUrl';

// ---------------------------------------------------------------------------
// Resolutions
// ---------------------------------------------------------------------------

export interface InternalResolution {
  name: string;
  version: string;
  /** From the lockfile (`__archiveUrl`) or the registry record; null when Yarn uses the conventional URL on `registry`. */
  tarballUrl: string | null;
  /** The registry Yarn will fetch it from. */
  registry: string;
}

export type ResolutionFindingKind = RouteFindingKind | `wrong-registry` | `wrong-host` | `invalid-url`;

export interface ResolutionFinding {
  kind: ResolutionFindingKind;
  name: string;
  version: string;
  expected: string;
  found: string;
  reason: string;
}

/**
 * An internal package must be fetched from its internal registry, and its
 * tarball must be on that registry's host (scheme, host and port): a lockfile
 * entry pointing at the public host, or a registry record whose tarball lives
 * elsewhere, is refused before anything is downloaded.
 */
export function checkInternalResolution(resolution: InternalResolution, model: InternalModel): ResolutionFinding[] {
  const {name, version} = resolution;
  const classification = classifyName(name, model);
  if (!classification.internal)
    return [];

  const findings: ResolutionFinding[] = [];
  const add = (kind: ResolutionFindingKind, expected: string, found: string, reason: string) =>
    findings.push({kind, name, version, expected, found, reason});

  if (classification.routeFinding !== null) {
    const {kind, expected, found, reason} = classification.routeFinding;
    add(kind, expected ?? `an internal registry route for ${name}`, found, reason);
  }
  const internal = classification.registry;
  if (internal === null)
    return findings;

  const fetchRegistry = normalizeRegistryUrl(resolution.registry);
  if (fetchRegistry === null)
    add(`invalid-url`, internal, resolution.registry, `${name}@${version} would be fetched from ${JSON.stringify(resolution.registry)}, which is not a registry URL`);
  else if (fetchRegistry !== internal)
    add(`wrong-registry`, internal, fetchRegistry, `${name}@${version} is internal and must be fetched from ${internal}, but would be fetched from ${fetchRegistry}`);

  if (resolution.tarballUrl !== null) {
    const tarball = parseWebUrl(resolution.tarballUrl);
    const expectedOrigin = originOf(new URL(internal));
    if (tarball === null) {
      add(`invalid-url`, `${expectedOrigin}/…`, resolution.tarballUrl, `the tarball URL of ${name}@${version} is not an http(s) URL`);
    } else if (tarball.username !== `` || tarball.password !== `` || originOf(tarball) !== expectedOrigin) {
      add(`wrong-host`, expectedOrigin, tarball.username !== `` || tarball.password !== `` ? resolution.tarballUrl : originOf(tarball), `the tarball of internal ${name}@${version} is on ${tarball.host}, not on its internal registry ${new URL(internal).host}`);
    }
  }

  return findings;
}
