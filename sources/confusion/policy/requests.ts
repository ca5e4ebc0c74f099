/** Whether a network request may leave for its host: an internal name never goes to another registry. */

import semver from 'semver';

import {classifyName, type InternalModel} from './model';
import {originOf} from './names';
import {parseWebUrl} from '../../core/policy/webUrl';

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

export interface RequestInput {
  url: string;
  /** The package the request is about, when the caller knows it. */
  name: string | null;
  /**
   * Set only on the plugin's own collision probe, which must ask the public
   * registry about internal names: it is allowed to public registries, and
   * only without credentials.
   */
  probe?: {credentials: boolean};
}

export type RequestFindingKind = `leak` | `probe-with-credentials` | `invalid-url`;

export interface RequestFinding {
  kind: RequestFindingKind;
  /** The internal name the request would reveal. */
  name: string | null;
  /** Host (with port) the request would go to. */
  host: string;
  /** The only origin where requests about this name may go, or null when there is none. */
  expected: string | null;
  url: string;
  reason: string;
}

export type RequestDecision = {ok: true} | {ok: false, findings: RequestFinding[]};

/**
 * No request about an internal name may leave for another host than its
 * internal registry: not a packument, not a version document, not a tarball.
 * The name is the one the caller knows plus every name the URL path spells in
 * registry form, so a request whose name the caller cannot attribute is
 * still checked. The query string is not read.
 */
export function mayRequest(request: RequestInput, model: InternalModel): RequestDecision {
  const url = parseWebUrl(request.url);
  if (url === null)
    return {ok: false, findings: [{kind: `invalid-url`, name: request.name, host: ``, expected: null, url: request.url, reason: `${JSON.stringify(request.url)} is not an http(s) URL, so whether it reveals an internal name cannot be decided`}]};

  const origin = originOf(url);
  const hasUserinfo = url.username !== `` || url.password !== ``;
  const candidates = new Set<string>(namesInRegistryPath(url.pathname));
  if (request.name !== null)
    candidates.add(request.name);

  const findings: RequestFinding[] = [];
  for (const candidate of candidates) {
    const classification = classifyName(candidate, model);
    if (!classification.internal)
      continue;

    const internalOrigin = classification.registry !== null ? originOf(new URL(classification.registry)) : null;
    if (internalOrigin === origin)
      continue;

    if (request.probe !== undefined && model.publicRegistries.some(registry => originOf(new URL(registry)) === origin)) {
      if (!request.probe.credentials && !hasUserinfo)
        continue;
      findings.push({kind: `probe-with-credentials`, name: candidate, host: url.host, expected: internalOrigin, url: request.url, reason: `the collision probe for ${candidate} to ${url.host} carries credentials; probes of the public registry must be anonymous`});
      continue;
    }

    const where = internalOrigin !== null ? `only ${internalOrigin} may be asked about it` : `it has no internal registry, so no registry may be asked about it`;
    findings.push({kind: `leak`, name: candidate, host: url.host, expected: internalOrigin, url: request.url, reason: `refusing to send internal name ${candidate} to ${url.host}: ${where}`});
  }

  return findings.length === 0 ? {ok: true} : {ok: false, findings};
}

/**
 * Names a registry URL path spells, whatever the registry's base path:
 * `…/<name>`, `…/@scope%2f<name>`, `…/@scope/<name>`, `…/<name>/<version>`,
 * `…/<name>/-/<file>.tgz` (also GitLab's `…/-/@scope/<file>.tgz`),
 * `…/-/package/<name>/…`, and for a bare `…/<file>.tgz` the file name without
 * its version. Segments that do not decode are kept as written; the
 * classification then refuses them as undecodable.
 */
export function namesInRegistryPath(pathname: string): string[] {
  const raw = pathname.split(`/`).filter(segment => segment !== ``);
  const segments = raw.map(segment => {
    try {
      return decodeURIComponent(segment);
    } catch (error) {
      if (error instanceof URIError)
        return segment;
      throw error;
    }
  });
  const n = segments.length;
  const names = new Set<string>();

  /** The name whose last segment is at `index`: with its scope when the previous segment is one. */
  const endingAt = (index: number) => {
    if (index < 0)
      return;
    if (index >= 1 && isScopeSegment(segments[index - 1]))
      names.add(`${segments[index - 1]}/${segments[index]}`);
    else
      names.add(segments[index]);
  };
  const startingAt = (index: number) => {
    if (index >= n)
      return;
    if (isScopeSegment(segments[index]) && index + 1 < n)
      names.add(`${segments[index]}/${segments[index + 1]}`);
    else
      names.add(segments[index]);
  };

  if (n === 0)
    return [];

  const last = segments[n - 1];
  const dashes = segments.flatMap((segment, index) => segment === `-` ? [index] : []);
  const tarballAfterDash = last.endsWith(`.tgz`) && dashes.some(index => index === n - 2 || (index === n - 3 && isScopeSegment(segments[n - 2])));

  if (last.endsWith(`.tgz`)) {
    if (!tarballAfterDash) {
      const stem = last.slice(0, -`.tgz`.length);
      const versioned = /^(.+?)-(\d+\.\d+\.\d+.*)$/.exec(stem);
      names.add(versioned !== null && semver.valid(versioned[2]) !== null ? versioned[1] : stem);
    }
  } else if (!isScopeSegment(last)) {
    endingAt(n - 1);
  }

  if (semver.valid(last) !== null)
    endingAt(n - 2);

  for (const dash of dashes) {
    endingAt(dash - 1);
    if (segments[dash + 1] === `package`)
      startingAt(dash + 2);
  }

  return [...names].filter(name => name !== ``);
}

export function isScopeSegment(segment: string) {
  return segment.startsWith(`@`) && segment.length > 1 && !segment.includes(`/`);
}
