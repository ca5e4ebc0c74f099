/**
 * The record of the last verified install: what an install that passed every
 * check saw, reduced to one key, so that the next install can tell that the
 * lockfile, the pins, the trust file, the configuration and the plugin are
 * what they were, and skip the checks whose verdict depends on nothing else.
 *
 * The key binds the files by their identity on this disk (device, inode, size,
 * modification and change times), not by their content: a record restored
 * from a CI cache, or planted in `.yarn/`, names the files of the checkout it
 * was made in, and a fresh checkout's files never have those identities (a
 * change time cannot be set). Pure: no Yarn, no I/O.
 */

import {createHash} from 'node:crypto';

/** Bumped whenever what the record vouches for, or how the key is made, changes. */
export const INSTALL_RECORD_VERSION = 3;

export interface InstallRecordInputs {
  /** `path → identity` of every file whose content the skipped checks read (yarn.lock, pins, trust file, the plugin's own file). */
  files: ReadonlyArray<readonly [string, string]>;
  /** The configuration's values, serialized (settings from files and the environment alike). */
  configuration: string;
  /** The workspaces' manifests, serialized: which names are internal depends on them (`private`, round 25, M1). */
  workspaces: string;
  /** The lockfile as Yarn holds it in memory (see `lockfileDigest`): a command may have changed it since it was read. */
  lockfile: string;
}

/** The key of `inputs`: a SHA-256 over all of them, in an order that does not depend on how maps were filled. */
export function installRecordKey(inputs: InstallRecordInputs): string {
  const hash = createHash(`sha256`);
  hash.update(`yarn-plugin-trust install record ${INSTALL_RECORD_VERSION}\n`);
  for (const [path, identity] of [...inputs.files].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
    hash.update(`file ${JSON.stringify(path)} ${identity}\n`);
  hash.update(`configuration ${inputs.configuration}\n`);
  hash.update(`workspaces ${inputs.workspaces}\n`);
  hash.update(`lockfile ${inputs.lockfile}\n`);
  return hash.digest(`hex`);
}

/** The lockfile as Yarn holds it in memory, as two tables of Yarn's hashes. */
export interface LockfileTables {
  /** Each resolution: a descriptor's hash → the hash of the locator it resolves to. */
  resolutions: Iterable<readonly [string, string]>;
  /** Each package: a locator's hash → its archive checksum (`-` without one). */
  packages: Iterable<readonly [string, string]>;
}

/**
 * Hex digits kept of each of Yarn's hashes in the digest: 128 bits tell them
 * apart. The digest only tells a Yarn command's change in memory from the
 * lockfile read from disk, whose content the key binds by its identity.
 */
const HASH_PREFIX = 32;

/**
 * A SHA-256 of the lockfile's tables that does not depend on the order of
 * their entries (Yarn fills its maps in another order when an install ends
 * than when the lockfile is read): each table's entries, Yarn's hashes in them
 * shortened to their first 128 bits (archive checksums kept whole), sorted,
 * then hashed. Sorting, joining and
 * hashing are native, and the short entries keep them cheap on a large
 * lockfile (it runs once per install). What it must tell apart is the change a
 * Yarn command makes in memory before it installs (`yarn dedupe` moves a
 * resolution, `yarn up -R` forgets some) from the lockfile on disk, which the
 * key binds by its identity.
 */
export function lockfileDigest({resolutions, packages}: LockfileTables): string {
  const hash = createHash(`sha256`);
  // The values of the packages' table are archive checksums, kept whole.
  for (const [name, table, valueLength] of [[`resolutions`, resolutions, HASH_PREFIX], [`packages`, packages, Infinity]] as const) {
    const entries: Array<string> = [];
    for (const [key, value] of table)
      entries.push(`${key.slice(0, HASH_PREFIX)} ${value.slice(0, valueLength)}`);
    entries.sort();
    hash.update(`${name} ${entries.length}\n${entries.join(`\n`)}\n`);
  }
  return hash.digest(`hex`);
}

/** The file's text for `key`. */
export function serializeInstallRecord(key: string): string {
  return `${JSON.stringify({version: INSTALL_RECORD_VERSION, key})}\n`;
}

/**
 * The key a record file holds, or why it holds none: a record of another
 * version, or damaged, vouches for nothing (the checks then run in full).
 */
export function parseInstallRecord(text: string): {key: string} | {none: string} {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError)
      return {none: `not JSON (${error.message})`};
    throw error;
  }
  if (typeof data !== `object` || data === null || Array.isArray(data))
    return {none: `not an object`};
  const {version, key} = data as {version?: unknown, key?: unknown};
  if (version !== INSTALL_RECORD_VERSION)
    return {none: `version ${JSON.stringify(version)}, not ${INSTALL_RECORD_VERSION}`};
  if (typeof key !== `string` || !/^[0-9a-f]{64}$/.test(key))
    return {none: `no key`};
  return {key};
}

/**
 * The configuration's values as text: maps and sets as their entries, in
 * insertion order (Yarn fills them in the order of its sources), functions
 * and undefined left out.
 */
export function serializeConfigurationValues(values: ReadonlyMap<string, unknown>): string {
  return JSON.stringify([...values], (_key, value: unknown) => {
    if (value instanceof Map)
      return {map: [...value]};
    if (value instanceof Set)
      return {set: [...value]};
    if (typeof value === `bigint`)
      return `${value}n`;
    if (typeof value === `function`)
      return undefined;
    return value;
  });
}
