/** Small helpers over plain records: own keys, sorted records, hashes and canonical JSON. */

import {createHash} from 'crypto';
import {posix} from 'path';

export function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** The value of an own string property; inherited or non-string values do not count (Yarn's Manifest drops them too). */
export function ownString(record: Record<string, unknown>, key: string): string | undefined {
  if (!hasOwn(record, key))
    return undefined;

  const value = record[key];
  return typeof value === `string` ? value : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === `object` && value !== null && !Array.isArray(value);
}

/** Plain assignment would turn a script or file called `__proto__` into a prototype change; define it as data instead. */
export function setEntry(record: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(record, key, {value, enumerable: true, writable: true, configurable: true});
}

export function sortedRecord(entries: Iterable<[string, string]>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, value] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    setEntry(record, key, value);
  return record;
}

export function sortedUnique(values: Iterable<string>): Array<string> {
  return [...new Set(values)].sort();
}

export function hashBytes(bytes: Buffer | string): string {
  return `sha512-${createHash(`sha512`).update(bytes).digest(`base64`)}`;
}

/** JSON with object keys sorted at every level, so that reformatting a manifest field does not change its hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map(item => canonicalJson(item)).join(`,`)}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map(key => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(`,`)}}`;
  }
  // undefined (an absent field) and anything JSON cannot hold are recorded as null.
  return JSON.stringify(value) ?? `null`;
}

/**
 * Turns a reference into a path relative to the package root, or null when it
 * is absolute, uses a URL scheme or drive letter, depends on the environment
 * (`~`, `$VAR`), or climbs out of the root. The root itself is returned as ``.
 */
export function toPackagePath(base: string, reference: string): string | null {
  if (reference.length === 0 || reference.includes(`\0`))
    return null;

  // Backslashes are separators on Windows; treating them as such everywhere
  // means `..\..\x` is recognised as an escape on every platform.
  const slashed = reference.replace(/\\/g, `/`);
  if (slashed.startsWith(`/`) || slashed.startsWith(`~`) || slashed.startsWith(`$`))
    return null;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(slashed))
    return null;

  const normalized = posix.normalize(posix.join(base === `` ? `.` : base, slashed)).replace(/\/+$/, ``);
  if (normalized === `..` || normalized.startsWith(`../`) || posix.isAbsolute(normalized))
    return null;

  return normalized === `.` ? `` : normalized;
}

/** `lib/x.js` -> `lib`, `x.js` -> `` (the root). */
export function directoryOf(path: string): string {
  const directory = posix.dirname(path);
  return directory === `.` ? `` : directory;
}

export function extensionOf(path: string): string {
  return posix.extname(path).toLowerCase();
}
