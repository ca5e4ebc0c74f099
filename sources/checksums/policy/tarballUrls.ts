/**
 * Where a tarball may be downloaded from: the URL the registry lists for that
 * version (or the conventional one), or a host the user allowed; http only
 * where Yarn's unsafeHttpWhitelist allows it. Anything unparseable is refused.
 */

import {parseWebUrl} from '../../core/policy/webUrl';

// ---------------------------------------------------------------------------
// Tarball URLs
// ---------------------------------------------------------------------------

export type UrlProblem =
  /** `http:` to a host outside `unsafeHttpWhitelist`. */
  | {kind: `not-https`, url: string}
  /** Neither an expected URL nor on an allowed host. */
  | {kind: `unexpected-url`, url: string, expected: string[]}
  | {kind: `invalid-url`, url: string};

export interface TarballUrlInput {
  /** What is about to be requested. */
  url: string;
  /** URLs acceptable as-is: the conventional registry URL and the registry's `dist.tarball`. */
  expected: string[];
  /** `trustAllowedTarballHosts`: exact hostnames and `*.example.com` for subdomains. */
  allowedHosts: string[];
  /** Yarn's `unsafeHttpWhitelist`: hostnames (with `*.` wildcards) where `http:` is tolerated. */
  unsafeHttpWhitelist: string[];
}

/**
 * Where a tarball is fetched from decides what is installed: a lockfile entry
 * rewritten to `::__archiveUrl=<another tarball>` passes Yarn's own checks, so
 * the URL must be the one the registry advertises for that version, or on a
 * host the user explicitly allows. Another tarball on the same registry is not
 * acceptable: that is exactly the poisoning case.
 */
export function checkTarballUrl(input: TarballUrlInput): {ok: true} | {ok: false, problem: UrlProblem} {
  const {url} = input;

  const parsed = parseWebUrl(url);
  if (parsed === null)
    return {ok: false, problem: {kind: `invalid-url`, url}};

  // Checked before anything else: being the advertised URL does not make a
  // plain-text download safe from the network path.
  if (parsed.protocol === `http:` && !matchesHostList(parsed.hostname, input.unsafeHttpWhitelist))
    return {ok: false, problem: {kind: `not-https`, url}};

  const unexpected = {ok: false as const, problem: {kind: `unexpected-url` as const, url, expected: [...input.expected]}};

  // Userinfo is how `https://registry.npmjs.org@evil.com/` reads as the
  // registry to a person: such a URL is only taken verbatim from the list.
  if (hasUserinfo(parsed))
    return input.expected.includes(url) ? {ok: true} : unexpected;

  // An expected URL with userinfo keeps it in its normalized form, so a URL
  // without userinfo never matches it here.
  const candidate = comparableUrl(parsed);
  for (const expectedUrl of input.expected) {
    const expected = parseWebUrl(expectedUrl);
    if (expected === null)
      continue;
    if (comparableUrl(expected) === candidate)
      return {ok: true};
  }

  if (matchesHostList(parsed.hostname, input.allowedHosts))
    return {ok: true};

  return unexpected;
}

/** Yarn serves both names from the same registry and uses them interchangeably. */
const REGISTRY_ALIASES: ReadonlyMap<string, string> = new Map([[`registry.yarnpkg.com`, `registry.npmjs.org`]]);

/**
 * Yarn requests `/@scope%2fname/-/…` first and `/@scope/name/-/…` when the
 * registry refuses it, so both spellings of the scope separator are the same
 * tarball. Only that one separator is decoded: a `%2f` elsewhere would change
 * which path the server resolves.
 */
const ENCODED_SCOPE_SEPARATOR = /\/(@[^/%]+)%2f/i;

function hasUserinfo(url: URL) {
  return url.username !== `` || url.password !== ``;
}

/** The WHATWG form (lowercase host, no default port, dot segments resolved) plus Yarn's two equivalences. */
function comparableUrl(url: URL): string {
  const copy = new URL(url.href);
  const alias = REGISTRY_ALIASES.get(copy.hostname);
  if (alias !== undefined && copy.protocol === `https:` && copy.port === ``)
    copy.hostname = alias;
  copy.pathname = copy.pathname.replace(ENCODED_SCOPE_SEPARATOR, `/$1/`);
  return copy.href;
}

/**
 * Host patterns as Yarn's settings spell them, understood narrowly: an exact
 * hostname, or `*.suffix` for any subdomain of `suffix` (not `suffix` itself).
 * Yarn accepts any glob there; a pattern we cannot read never matches, which
 * only ever refuses more than Yarn would. The port plays no part, as in Yarn.
 */
function matchesHostList(hostname: string, patterns: readonly string[]) {
  return patterns.some(pattern => matchesHostPattern(hostname, pattern));
}

function matchesHostPattern(hostname: string, pattern: string) {
  const lowered = pattern.toLowerCase();
  if (lowered.startsWith(`*.`)) {
    const suffix = lowered.slice(1);
    return isPlainHostname(suffix.slice(1)) && hostname.endsWith(suffix) && hostname.length > suffix.length;
  }
  const normalized = normalizeHostEntry(lowered);
  return normalized !== null && normalized === hostname;
}

/** Hostname characters only: no glob syntax, no port, no path, no userinfo. */
function isPlainHostname(text: string) {
  return /^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(text);
}

/** A host entry in the form `URL.hostname` gives, or null when it is not one. */
function normalizeHostEntry(entry: string): string | null {
  if (isPlainHostname(entry))
    return entry;
  // IPv6 literals: URL.hostname keeps the brackets and compresses zeros, so
  // `::1`, `[::1]` and `0:0:0:0:0:0:0:1` must all become `[::1]`.
  const inner = /^\[?([0-9a-f:.]+)\]?$/.exec(entry);
  if (inner === null || !inner[1].includes(`:`))
    return null;
  const parsed = parseWebUrl(`http://[${inner[1]}]/`);
  return parsed === null ? null : parsed.hostname;
}
