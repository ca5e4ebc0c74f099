/**
 * Decisions on pins: adding the tarballs verified by an install, pruning the
 * packages that left the lockfile, what changed (for messages and --immutable),
 * and whether the lockfile's archive checksums still agree with the pins. The
 * file format itself is core/policy/pinsFile.ts. No disk, network or clock.
 */

import {compareCodeUnits, type Pin, type Pins, sortedByKey, splitChecksum} from '../../core/policy/pinsFile';

// ---------------------------------------------------------------------------
// Edits. Each returns new Pins and leaves its arguments untouched, so callers
// can compare before and after (for messages, or to skip a write).

const copyPin = (pin: Pin): Pin => ({key: pin.key, integrity: pin.integrity, archiveChecksum: pin.archiveChecksum});

/**
 * Adds `pin`, or replaces the pin with its key. Linear in the number of pins;
 * to record many at once, `withPins` avoids a copy per pin.
 */
export function withPin(pins: Pins, pin: Pin): Pins {
  const added = copyPin(pin);
  const entries = new Map<string, Pin>();
  let placed = false;

  for (const [key, existing] of pins.entries) {
    if (!placed && key === added.key) {
      entries.set(key, added);
      placed = true;
      continue;
    }
    // Before the first greater key, so a map in key order stays in key order.
    if (!placed && compareCodeUnits(added.key, key) < 0 && !pins.entries.has(added.key)) {
      entries.set(added.key, added);
      placed = true;
    }
    entries.set(key, existing);
  }

  if (!placed)
    entries.set(added.key, added);

  return {entries};
}

/** `withPin` for each of `added` in turn (a later pin with the same key wins), in one copy. */
export function withPins(pins: Pins, added: Iterable<Pin>): Pins {
  const entries = new Map(pins.entries);
  for (const pin of added)
    entries.set(pin.key, copyPin(pin));
  return {entries: sortedByKey(entries.values())};
}

/** Keeps only the pins whose key is in `liveKeys` (the packages still installed). */
export function prunePins(pins: Pins, liveKeys: ReadonlySet<string>): Pins {
  const entries = new Map<string, Pin>();
  for (const [key, pin] of pins.entries)
    if (liveKeys.has(key))
      entries.set(key, pin);
  return {entries};
}

// ---------------------------------------------------------------------------
// Comparisons.

export interface PinChanges {
  added: Array<Pin>;
  changed: Array<{before: Pin, after: Pin}>;
  removed: Array<Pin>;
}

const samePin = (a: Pin, b: Pin) => a.integrity === b.integrity && a.archiveChecksum === b.archiveChecksum;

/** What went from `before` to `after`; each list sorted by key in code-unit order. */
export function diffPins(before: Pins, after: Pins): PinChanges {
  const changes: PinChanges = {added: [], changed: [], removed: []};

  for (const key of [...after.entries.keys()].sort(compareCodeUnits)) {
    const next = after.entries.get(key)!;
    const previous = before.entries.get(key);
    if (previous === undefined)
      changes.added.push(copyPin(next));
    else if (!samePin(previous, next))
      changes.changed.push({before: copyPin(previous), after: copyPin(next)});
  }

  for (const key of [...before.entries.keys()].sort(compareCodeUnits))
    if (!after.entries.has(key))
      changes.removed.push(copyPin(before.entries.get(key)!));

  return changes;
}

export function hasChanges(changes: PinChanges): boolean {
  return changes.added.length > 0 || changes.changed.length > 0 || changes.removed.length > 0;
}

// ---------------------------------------------------------------------------
// The offline chain.

/** A package as Yarn's lockfile describes it. */
export interface ArchiveEntry {
  /** The pin key of the package. */
  key: string;
  /** How messages name the package, e.g. its locator. */
  label: string;
  /** The lockfile checksum, or null when the lockfile has none. */
  checksum: string | null;
}

export type ArchiveFinding = {key: string, label: string, expected: string, found: string};

/**
 * The offline chain: Yarn's lockfile checksum of a package must equal the
 * archive checksum recorded with its pin (when both are known and were
 * computed with the same cache key, i.e. the part before '/').
 *
 * A different cache key (after a compressionLevel change, say) legitimately
 * changes every checksum, so it yields no finding: the caller re-verifies
 * the tarball instead. A checksum without a cache key only compares with
 * another without one. Entries without a pin yield nothing; the caller
 * handles missing pins. Findings come in the order of `entries`.
 */
export function checkArchiveChecksums(entries: ReadonlyArray<ArchiveEntry>, pins: Pins): Array<ArchiveFinding> {
  const findings: Array<ArchiveFinding> = [];

  for (const entry of entries) {
    const pin = pins.entries.get(entry.key);
    if (pin === undefined || pin.archiveChecksum === null || entry.checksum === null || pin.archiveChecksum === entry.checksum)
      continue;
    if (splitChecksum(pin.archiveChecksum).cacheKey !== splitChecksum(entry.checksum).cacheKey)
      continue;
    findings.push({key: entry.key, label: entry.label, expected: pin.archiveChecksum, found: entry.checksum});
  }

  return findings;
}

// ---------------------------------------------------------------------------
// Archives from a cache.

/**
 * The archive checksums the pins vouch for under `cacheKey`, by pin key. Yarn
 * checks every archive it takes from a cache or mirror against the checksum
 * it expects for that package, but expects none for a package yarn.lock does
 * not record (a deleted or regenerated lockfile): these fill that gap. Pins
 * written under another cache key (another compressionLevel, an older Yarn)
 * describe other archives and vouch for nothing here; pins without an archive
 * checksum (platform-specific packages, whose archives Yarn never checks)
 * neither.
 */
export function archiveChecksumsFor(pins: Pins, cacheKey: string): Map<string, string> {
  const checksums = new Map<string, string>();
  for (const pin of pins.entries.values())
    if (pin.archiveChecksum !== null && splitChecksum(pin.archiveChecksum).cacheKey === cacheKey)
      checksums.set(pin.key, pin.archiveChecksum);
  return checksums;
}

/** `<cacheKey>/<hex>` as Yarn writes it in yarn.lock. */
export function archiveChecksum(cacheKey: string, hash: string): string {
  return `${cacheKey}/${hash}`;
}
