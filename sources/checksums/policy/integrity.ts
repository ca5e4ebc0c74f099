/**
 * Whether the bytes of a tarball are the ones its registry vouches for and the
 * pins recorded. Yarn 4 never reads a registry's `dist.integrity`, so the
 * network hook asks this module, with plain data, whether a tarball may enter
 * the cache. An integrity string that cannot be read is refused.
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
  | {kind: `registry-mismatch`, expected: string, found: string}
  /** The bytes differ from the committed pin. */
  | {kind: `pin-mismatch`, expected: string, found: string}
  /** The registry publishes only sha1 (or nothing) and weak integrity is not accepted. */
  | {kind: `weak-integrity`, published: string | null}
  /** The registry's integrity cannot be read, or names only algorithms we do not know. */
  | {kind: `invalid-integrity`, published: string};

export type TarballVerdict =
  | {ok: true, integrity: string, checkedAgainst: Array<`registry` | `pin`>}
  | {ok: false, problem: TarballProblem};

export interface TarballInput {
  bytes: Uint8Array;
  /** The registry's `dist` record for exactly this name@version; null when a pin exists and the registry was not asked. */
  registry: {integrity: string | null, shasum: string | null} | null;
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
  | {kind: `pin`, integrity: string}
  | {kind: `download`}
  | {kind: `invalid`, published: string};

export function pinFromRegistryRecord(registry: {integrity: string | null, shasum: string | null}): RegistryPin {
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
  | {kind: `valid`, claims: Claim[], published: string | null}
  | {kind: `invalid`, published: string};

/**
 * Turns `dist.integrity` and `dist.shasum` into the list of hashes they claim.
 * The shasum is checked too when an integrity is present: it is one more
 * statement by the registry about the same bytes, and it costs one sha1.
 * Blank values are what some registries send for "absent".
 */
function readRegistryRecord(registry: {integrity: string | null, shasum: string | null}): RegistryRecord {
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

function firstMismatch(claims: readonly Claim[], digestOf: (algorithm: Algorithm) => string): {expected: string, found: string} | null {
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
