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
export const INSTALL_RECORD_VERSION = 2;

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

/**
 * A digest of a set of entries that does not depend on their order (Yarn's
 * maps are filled in another order when an install ends than when the
 * lockfile is read): two 32-bit hashes of each entry, summed and xored, and
 * the count. An entry is a kind and two of Yarn's hashes (a descriptor's and
 * the locator it resolves to; a locator's and its archive checksum), read
 * eight hex digits at a time (the first 24 of each), so that the digest of a
 * large lockfile costs a few operations per entry even before the code is
 * optimized; text that is not hex is read character by character. What it
 * must tell apart is the change a Yarn command makes in memory before it
 * installs (`yarn dedupe` moves a resolution, `yarn up -R` forgets some) from
 * the lockfile on disk, which the key binds by its identity: no adversary
 * chooses which entries differ.
 */
export function lockfileDigest(entries: Iterable<readonly [kind: string, first: string, second: string]>): string {
  let count = 0;
  let sumA = 0;
  let sumB = 0;
  let xorA = 0;
  let xorB = 0;
  for (const [kind, first, second] of entries) {
    const state = {a: Math.imul(0x811c9dc5 ^ kind.charCodeAt(0), 0x01000193), b: 5381 + kind.charCodeAt(0)};
    mixHex(state, first);
    mixWord(state, -1);
    mixHex(state, second);
    const {a, b} = state;
    count++;
    sumA = (sumA + a) | 0;
    sumB = (sumB + b) | 0;
    xorA ^= a;
    xorB ^= Math.imul(b, 0x9e3779b1);
  }
  return [count, sumA >>> 0, sumB >>> 0, xorA >>> 0, xorB >>> 0].map(value => value.toString(16)).join(`:`);
}

function mixWord(state: {a: number, b: number}, word: number): void {
  state.a = Math.imul(state.a ^ word, 0x01000193);
  state.b = (Math.imul(state.b, 33) + word) | 0;
}

/** Mixes the first 24 hex digits of `text` in as three 32-bit words; other text as a hash of its characters and its length. */
function mixHex(state: {a: number, b: number}, text: string): void {
  if (HEX_24.test(text)) {
    mixWord(state, parseInt(text.slice(0, 8), 16) | 0);
    mixWord(state, parseInt(text.slice(8, 16), 16) | 0);
    mixWord(state, parseInt(text.slice(16, 24), 16) | 0);
    return;
  }
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  mixWord(state, hash);
  mixWord(state, text.length);
}

const HEX_24 = /^[0-9a-f]{24}/;

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
