/**
 * Registry signatures: a registry that signs its releases publishes, for each
 * version, `dist.signatures` — ECDSA P-256 signatures (SHA-256, DER, base64)
 * over `<name>@<version>:<dist.integrity>` — and its public keys at
 * `/-/npm/v1/keys`. A tarball that matches the integrity but whose integrity
 * is not signed by the registry was not published through it: a mirror or a
 * proxy may have changed both.
 *
 * A release is verified when a signature by one of the registry's keys, valid
 * when the release was published, verifies. A signature by a known key that
 * does not verify is refused even next to a good one (someone produced it);
 * signatures by unknown keys alone, by a key that had expired, or none at all
 * are refused with what was expected and found. Node's crypto only; no I/O.
 */

import {createPublicKey, type KeyObject, verify} from 'node:crypto';

export type RegistryKey = {
  keyid: string;
  /** Base64 of the DER SubjectPublicKeyInfo. */
  key: string;
  /** ISO 8601: signatures of releases published from then on are not accepted; null: no expiry. */
  expires: string | null;
};

export type SignatureVerdict =
  | {kind: `verified`, keyid: string}
  | {kind: `missing`, reason: string}
  | {kind: `unknown-key`, keyids: Array<string>, reason: string}
  | {kind: `expired-key`, keyid: string, reason: string}
  | {kind: `bad`, keyid: string, reason: string}
  | {kind: `malformed`, reason: string};

export type SignatureInput = {
  name: string;
  version: string;
  /** `dist.integrity` as the registry lists it. */
  integrity: unknown;
  /** `dist.signatures` as the registry lists it. */
  signatures: unknown;
  keys: ReadonlyArray<RegistryKey>;
  /** `time[version]`; null when the registry gave none. */
  publishedAt: string | null;
};

const KEYTYPE = `ecdsa-sha2-nistp256`;

/**
 * The keys of a keys-endpoint answer (`{keys: [{keyid, keytype, scheme, key,
 * expires}]}`), or what is wrong with it. Keys of other types are refused: an
 * answer this check cannot use is not silently reduced to fewer keys.
 */
export function parseRegistryKeys(document: unknown): {keys: Array<RegistryKey>} | {error: string} {
  const list = typeof document === `object` && document !== null ? (document as {keys?: unknown}).keys : undefined;
  if (!Array.isArray(list))
    return {error: `expected an object with a "keys" array`};
  const keys: Array<RegistryKey> = [];
  for (const [index, entry] of list.entries()) {
    const fields = typeof entry === `object` && entry !== null ? entry as Record<string, unknown> : {};
    const {keyid, keytype, scheme, key, expires} = fields;
    if (typeof keyid !== `string` || keyid === `` || typeof key !== `string`)
      return {error: `keys[${index}]: expected "keyid" and "key" strings`};
    if (keytype !== KEYTYPE || (scheme !== undefined && scheme !== KEYTYPE))
      return {error: `keys[${index}] (${keyid}): unsupported key type ${JSON.stringify(keytype)}; expected "${KEYTYPE}"`};
    if (expires !== null && expires !== undefined && (typeof expires !== `string` || Number.isNaN(Date.parse(expires))))
      return {error: `keys[${index}] (${keyid}): "expires" is neither null nor a date`};
    if (publicKeyOf(key) === null)
      return {error: `keys[${index}] (${keyid}): "key" is not a base64 SPKI public key`};
    keys.push({keyid, key, expires: typeof expires === `string` ? expires : null});
  }
  return {keys};
}

const publicKeys = new Map<string, KeyObject | null>();

function publicKeyOf(key: string): KeyObject | null {
  let found = publicKeys.get(key);
  if (found === undefined) {
    try {
      found = createPublicKey({key: Buffer.from(key, `base64`), format: `der`, type: `spki`});
    } catch {
      // Not a key: remembered as such, and reported by the caller.
      found = null;
    }
    publicKeys.set(key, found);
  }
  return found;
}

/** The text a registry signs for one release. */
export function signedMessage(name: string, version: string, integrity: string): string {
  return `${name}@${version}:${integrity}`;
}

export function verifyReleaseSignature(input: SignatureInput): SignatureVerdict {
  const {name, version, integrity, signatures, keys, publishedAt} = input;
  const release = `${name}@${version}`;
  if (typeof integrity !== `string` || integrity === ``)
    return {kind: `malformed`, reason: `the registry lists no integrity for ${release}, so there is nothing its signature could cover`};
  if (signatures === undefined || signatures === null || (Array.isArray(signatures) && signatures.length === 0))
    return {kind: `missing`, reason: `the registry signs its releases (keys ${keys.map(key => key.keyid).join(`, `)}), but lists no signature for ${release}`};
  if (!Array.isArray(signatures) || !signatures.every(entry => typeof entry?.keyid === `string` && typeof entry?.sig === `string`))
    return {kind: `malformed`, reason: `the signatures of ${release} are not a list of {keyid, sig}`};

  const message = Buffer.from(signedMessage(name, version, integrity));
  let verified: string | null = null;
  let expired: SignatureVerdict | null = null;
  const unknown: Array<string> = [];
  for (const {keyid, sig} of signatures as Array<{keyid: string, sig: string}>) {
    const key = keys.find(candidate => candidate.keyid === keyid);
    const publicKey = key === undefined ? null : publicKeyOf(key.key);
    if (key === undefined || publicKey === null) {
      unknown.push(keyid);
      continue;
    }
    if (!verify(`sha256`, message, publicKey, Buffer.from(sig, `base64`)))
      return {kind: `bad`, keyid, reason: `the signature of ${release} by ${keyid} does not verify: the integrity or the signature was changed after the registry signed it (signed text: ${signedMessage(name, version, integrity)})`};
    if (key.expires !== null && (publishedAt === null || Number.isNaN(Date.parse(publishedAt)) || Date.parse(publishedAt) >= Date.parse(key.expires))) {
      expired ??= {kind: `expired-key`, keyid, reason: publishedAt === null
        ? `${release} is signed by ${keyid}, which expired on ${key.expires}, and the registry gives no publication date to show it was signed before`
        : `${release} was published on ${publishedAt}, but is signed by ${keyid}, which expired on ${key.expires}`};
      continue;
    }
    verified ??= keyid;
  }
  if (verified !== null)
    return {kind: `verified`, keyid: verified};
  if (expired !== null)
    return expired;
  return {kind: `unknown-key`, keyids: unknown, reason: `${release} is signed only by ${unknown.join(`, `)}; the registry's keys are ${keys.map(key => key.keyid).join(`, `) || `none`}`};
}

/**
 * Releases of one registry refused for a missing signature that are told in
 * full; the ones after are one line each. When a registry (or a mirror in
 * front of it) lists no signature at all, every release is refused alike:
 * the cause is the registry, and a thousand identical blocks hide it.
 */
export const MISSING_SIGNATURES_IN_FULL = 3;

export function missingSignatureStyle(missingSoFar: number): `full` | `short` {
  return missingSoFar <= MISSING_SIGNATURES_IN_FULL ? `full` : `short`;
}
