/**
 * Decisions about the bytes Yarn downloads and where it downloads them from.
 * Yarn 4 never reads a registry's `dist.integrity` and lets a lockfile entry
 * point at any tarball URL, so the network hook asks this module, with plain
 * data, whether a tarball may enter the cache. Settings that would let an
 * attacker on the network path swap those bytes are audited here too.
 *
 * Everything that cannot be decided is refused: an integrity string we cannot
 * read, a URL we cannot parse, a host pattern we do not understand.
 */

import {createHash} from 'crypto';
import ssri from 'ssri';

// ---------------------------------------------------------------------------
// Tarball integrity
// ---------------------------------------------------------------------------

/** sha512 of the bytes in SRI form: `sha512-<base64>` — what pins store. */
export function sha512Integrity(bytes: Uint8Array): string {
  // Hashing the view itself (not its `.buffer`) keeps subarrays correct.
  return `sha512-${createHash(`sha512`).update(bytes).digest(`base64`)}`;
}

export type TarballProblem =
  /** The bytes differ from the registry's published integrity. */
  | {kind: `registry-mismatch`; expected: string; found: string}
  /** The bytes differ from the committed pin. */
  | {kind: `pin-mismatch`; expected: string; found: string}
  /** The registry publishes only sha1 (or nothing) and weak integrity is not accepted. */
  | {kind: `weak-integrity`; published: string | null}
  /** The registry's integrity cannot be read, or names only algorithms we do not know. */
  | {kind: `invalid-integrity`; published: string};

export type TarballVerdict =
  | {ok: true; integrity: string; checkedAgainst: Array<`registry` | `pin`>}
  | {ok: false; problem: TarballProblem};

export interface TarballInput {
  bytes: Uint8Array;
  /** The registry's `dist` record for exactly this name@version; null when a pin exists and the registry was not asked. */
  registry: {integrity: string | null; shasum: string | null} | null;
  /** The committed `sha512-…` of the bytes first verified, if any. */
  pin: string | null;
  acceptWeakIntegrity: boolean;
}

type Algorithm = `sha512` | `sha384` | `sha256` | `sha1`;

/** Strongest first: when several hashes disagree with the bytes, the strongest one is reported. */
const KNOWN_ALGORITHMS: readonly Algorithm[] = [`sha512`, `sha384`, `sha256`, `sha1`];
const STRONG_ALGORITHMS: ReadonlySet<Algorithm> = new Set<Algorithm>([`sha512`, `sha384`, `sha256`]);
const DIGEST_BYTES: Readonly<Record<Algorithm, number>> = {sha512: 64, sha384: 48, sha256: 32, sha1: 20};

/**
 * One `alg-digest` token of an SRI string. The algorithm is matched without
 * regard to case (as SRI does) so that `SHA512-…` is checked, not skipped;
 * options after `?` are allowed by SRI and carry no hash, so they are dropped.
 */
const SRI_TOKEN = /^([A-Za-z0-9]+)-([A-Za-z0-9+/]+={0,2})(\?[\x21-\x7E]*)?$/;
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

interface Claim {
  algorithm: Algorithm;
  /** Canonical padded base64, so that string equality is byte equality. */
  digest: string;
}

/**
 * Verifies downloaded bytes against what the registry publishes for that
 * exact version and against the committed pin. Every hash the registry states
 * of an algorithm we know must hold — not only the strongest one, as ssri's
 * `checkData` does — because a record that contradicts itself is evidence of
 * tampering (of the bytes or of the record), not a choice to make.
 *
 * When several problems apply, evidence of tampering (a mismatch) wins over
 * "cannot check" (invalid or weak integrity), so that the message the user sees
 * is the most alarming true one.
 */
export function verifyTarball(input: TarballInput): TarballVerdict {
  const {bytes, registry, pin, acceptWeakIntegrity} = input;

  // With neither a record nor a pin there is nothing to compare with; even an
  // accepted weak integrity means "a weak hash", not "no check at all".
  if (registry === null && pin === null)
    return {ok: false, problem: {kind: `weak-integrity`, published: null}};

  const checkedAgainst: Array<`registry` | `pin`> = [];
  let cannotCheck: TarballProblem | null = null;
  // Each algorithm reads the bytes once, whether the record, the pin or both
  // ask for it: the sha512 of the check is also the integrity that is pinned.
  const digests = new Map<Algorithm, string>();
  const digestOf = (algorithm: Algorithm) => {
    let digest = digests.get(algorithm);
    if (digest === undefined) {
      digest = createHash(algorithm).update(bytes).digest(`base64`);
      digests.set(algorithm, digest);
    }
    return digest;
  };

  if (registry !== null) {
    const record = readRegistryRecord(registry);
    if (record.kind === `invalid`) {
      cannotCheck = {kind: `invalid-integrity`, published: record.published};
    } else {
      const mismatch = firstMismatch(record.claims, digestOf);
      if (mismatch !== null)
        return {ok: false, problem: {kind: `registry-mismatch`, ...mismatch}};

      const strong = record.claims.some(claim => STRONG_ALGORITHMS.has(claim.algorithm));
      if (!strong && !acceptWeakIntegrity)
        cannotCheck = {kind: `weak-integrity`, published: record.published};
      else if (record.claims.length > 0)
        checkedAgainst.push(`registry`);
    }
  }

  const integrity = `sha512-${digestOf(`sha512`)}`;

  if (pin !== null) {
    // Pins are written by `sha512Integrity`, so the only form that matches is
    // exactly that string: a pin edited into another shape is a mismatch, not
    // something to interpret.
    if (pin !== integrity)
      return {ok: false, problem: {kind: `pin-mismatch`, expected: pin, found: integrity}};
    checkedAgainst.push(`pin`);
  }

  if (cannotCheck !== null)
    return {ok: false, problem: cannotCheck};

  return {ok: true, integrity, checkedAgainst};
}

/**
 * What to pin for a package this machine does not download (the optional
 * package of another platform): the SHA-512 its registry publishes for that
 * version, so that every platform writes the same pin and the platform that
 * installs it verifies its first download against it. Without a SHA-512 the
 * bytes themselves are needed (`download`); two different SHA-512 claims, or
 * a record that cannot be read, pin nothing (`invalid`).
 */
export type RegistryPin =
  | {kind: `pin`; integrity: string}
  | {kind: `download`}
  | {kind: `invalid`; published: string};

export function pinFromRegistryRecord(registry: {integrity: string | null; shasum: string | null}): RegistryPin {
  const record = readRegistryRecord(registry);
  if (record.kind === `invalid`)
    return {kind: `invalid`, published: record.published};
  const digests = new Set(record.claims.filter(claim => claim.algorithm === `sha512`).map(claim => claim.digest));
  if (digests.size > 1)
    return {kind: `invalid`, published: record.published ?? ``};
  const [digest] = digests;
  return digest === undefined ? {kind: `download`} : {kind: `pin`, integrity: `sha512-${digest}`};
}

type RegistryRecord =
  | {kind: `valid`; claims: Claim[]; published: string | null}
  | {kind: `invalid`; published: string};

/**
 * Turns `dist.integrity` and `dist.shasum` into the list of hashes they claim.
 * The shasum is checked too when an integrity is present: it is one more
 * statement by the registry about the same bytes, and it costs one sha1.
 * Blank values are what some registries send for "absent".
 */
function readRegistryRecord(registry: {integrity: string | null; shasum: string | null}): RegistryRecord {
  const integrity = presentValue(registry.integrity);
  const shasum = presentValue(registry.shasum)?.trim() ?? null;

  const claims: Claim[] = [];
  if (integrity !== null) {
    const parsed = parseIntegrity(integrity);
    if (parsed === null)
      return {kind: `invalid`, published: integrity};
    claims.push(...parsed);
  }

  let shasumSri: string | null = null;
  if (shasum !== null) {
    // Buffer's hex decoder stops silently at the first bad character, so the
    // shape is checked before converting.
    if (!SHA1_HEX.test(shasum))
      return {kind: `invalid`, published: shasum};
    shasumSri = ssri.fromHex(shasum.toLowerCase(), `sha1`).toString();
    const digest = shasumSri.slice(`sha1-`.length);
    if (!claims.some(claim => claim.algorithm === `sha1` && claim.digest === digest))
      claims.push({algorithm: `sha1`, digest});
  }

  return {kind: `valid`, claims, published: integrity ?? shasumSri};
}

/**
 * Parses an SRI string strictly. ssri's own parser drops every token it cannot
 * read and keeps the rest, so `SHA512-<wrong> sha1-<right>` would quietly
 * become a sha1 check; here a malformed token makes the whole string invalid.
 * Well-formed tokens of algorithms we do not know are ignored, as SRI asks, as
 * long as at least one known one remains. Returns null when invalid.
 */
function parseIntegrity(text: string): Claim[] | null {
  const claims: Claim[] = [];
  for (const token of text.trim().split(/\s+/)) {
    const match = SRI_TOKEN.exec(token);
    if (match === null)
      return null;

    const algorithm = KNOWN_ALGORITHMS.find(known => known === match[1].toLowerCase());
    if (algorithm === undefined)
      continue;

    const digest = match[2];
    const decoded = Buffer.from(digest, `base64`);
    // Only the canonical padded encoding of a digest of the right length is
    // accepted: anything else is a truncated or doctored value.
    if (decoded.length !== DIGEST_BYTES[algorithm] || decoded.toString(`base64`) !== digest)
      return null;

    claims.push({algorithm, digest});
  }
  return claims.length > 0 ? claims : null;
}

function firstMismatch(claims: readonly Claim[], digestOf: (algorithm: Algorithm) => string): {expected: string; found: string} | null {
  for (const algorithm of KNOWN_ALGORITHMS) {
    if (!claims.some(claim => claim.algorithm === algorithm))
      continue;
    const found = digestOf(algorithm);
    const wrong = claims.find(claim => claim.algorithm === algorithm && claim.digest !== found);
    if (wrong !== undefined) {
      return {expected: `${algorithm}-${wrong.digest}`, found: `${algorithm}-${found}`};
    }
  }
  return null;
}

function presentValue(value: string | null): string | null {
  return value === null || value.trim() === `` ? null : value;
}

// ---------------------------------------------------------------------------
// Tarball URLs
// ---------------------------------------------------------------------------

export type UrlProblem =
  /** `http:` to a host outside `unsafeHttpWhitelist`. */
  | {kind: `not-https`; url: string}
  /** Neither an expected URL nor on an allowed host. */
  | {kind: `unexpected-url`; url: string; expected: string[]}
  | {kind: `invalid-url`; url: string};

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
export function checkTarballUrl(input: TarballUrlInput): {ok: true} | {ok: false; problem: UrlProblem} {
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

/** Printable ASCII only: the WHATWG parser silently drops tabs and newlines and maps look-alike Unicode. */
const PRINTABLE_ASCII = /^[\x21-\x7E]+$/;

export function parseWebUrl(text: string): URL | null {
  if (!PRINTABLE_ASCII.test(text))
    return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    if (error instanceof TypeError)
      return null;
    throw error;
  }
  return url.protocol === `https:` || url.protocol === `http:` ? url : null;
}

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

// ---------------------------------------------------------------------------
// Settings that weaken what Yarn checks
// ---------------------------------------------------------------------------

export type SettingName = `checksumBehavior` | `enableStrictSsl` | `unsafeHttpWhitelist` | `httpRegistry` | `approvedGitRepositories`;

export interface SettingFinding {
  setting: SettingName;
  /** Where the value comes from, e.g. `checksumBehavior` or `npmScopes.corp.npmRegistryServer`. */
  path: string;
  found: string;
  expected: string;
  /** One sentence on the risk. */
  why: string;
}

export interface SettingsInput {
  /** Yarn's `approvedGitRepositories` (glob patterns of git URLs). */
  approvedGitRepositories?: string[];
  /** Yarn: `throw` (default), `update`, `ignore`, `reset`. */
  checksumBehavior: string;
  enableStrictSsl: boolean;
  unsafeHttpWhitelist: string[];
  /** Every configured registry server with the setting path it came from. */
  registries: Array<{path: string; url: string}>;
  /** Relaxations the user accepted (`trustAllowInsecureSettings`). */
  allowed: ReadonlySet<SettingName>;
}

/**
 * Settings that let someone on the network path, or a poisoned cache, change
 * what gets installed without any of the plugin's checks noticing. Loopback is
 * exempt: a registry on this machine is how local development and tests work,
 * and nobody on the network sits between the two ends.
 */
export function auditSettings(input: SettingsInput): SettingFinding[] {
  const findings: SettingFinding[] = [];

  if (input.checksumBehavior !== `throw`) {
    findings.push({
      setting: `checksumBehavior`,
      path: `checksumBehavior`,
      found: input.checksumBehavior,
      expected: `throw`,
      why: `Yarn then accepts or rewrites archives whose checksum differs from the lockfile instead of stopping the install.`,
    });
  }

  if (!input.enableStrictSsl) {
    findings.push({
      setting: `enableStrictSsl`,
      path: `enableStrictSsl`,
      found: `false`,
      expected: `true`,
      why: `Without certificate checks anyone on the network path can pose as the registry and serve other metadata and tarballs.`,
    });
  }

  const remoteHttpHosts = [...new Set(input.unsafeHttpWhitelist.filter(entry => !isLoopbackHost(entry)))];
  if (remoteHttpHosts.length > 0) {
    findings.push({
      setting: `unsafeHttpWhitelist`,
      path: `unsafeHttpWhitelist`,
      found: remoteHttpHosts.join(`, `),
      expected: `only loopback hosts (localhost, 127.0.0.1, ::1)`,
      why: `Plain http to these hosts can be read and rewritten by anyone on the network path, tarballs included.`,
    });
  }

  // Git dependencies are packed at fetch time, running their `prepare` (and
  // their dependencies' install scripts) outside every plugin hook: a pattern
  // that approves every repository lets any of them run unreviewed.
  const everyRepository = (input.approvedGitRepositories ?? []).filter(pattern => /^[*/]+$/.test(pattern.trim()));
  if (everyRepository.length > 0) {
    findings.push({
      setting: `approvedGitRepositories`,
      path: `approvedGitRepositories`,
      found: everyRepository.join(`, `),
      expected: `the URLs of the git repositories you reviewed`,
      why: `Yarn packs git dependencies by running their prepare scripts at fetch time, where no install-script approval applies.`,
    });
  }

  for (const registry of input.registries) {
    const finding = auditRegistry(registry);
    if (finding !== null)
      findings.push(finding);
  }

  return findings.filter(finding => !input.allowed.has(finding.setting));
}

function auditRegistry(registry: {path: string; url: string}): SettingFinding | null {
  const parsed = parseWebUrl(registry.url);
  // A URL we cannot read cannot be shown to use TLS.
  if (parsed === null) {
    return {
      setting: `httpRegistry`,
      path: registry.path,
      found: registry.url,
      expected: `an https: URL`,
      why: `This registry URL cannot be parsed as http(s), so whether its traffic is protected by TLS cannot be checked.`,
    };
  }

  if (parsed.protocol === `https:` || isLoopbackHost(parsed.hostname))
    return null;

  const secure = new URL(parsed.href);
  secure.protocol = `https:`;
  return {
    setting: `httpRegistry`,
    path: registry.path,
    found: registry.url,
    expected: secure.href,
    why: `Metadata and tarballs from this registry travel as plain http, so anyone on the network path can replace them.`,
  };
}

/**
 * Loopback spelled the way a setting or `URL.hostname` spells it. Glob
 * patterns never count: `127.*` also matches `127.evil.com`.
 */
function isLoopbackHost(host: string) {
  const lowered = host.toLowerCase();
  if (lowered === `localhost` || lowered === `::1` || lowered === `[::1]`)
    return true;
  const ipv4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(lowered);
  return ipv4 !== null && ipv4.slice(1).every(octet => Number(octet) <= 255 && (octet === `0` || !octet.startsWith(`0`)));
}
