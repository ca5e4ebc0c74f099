/** Pins for the packages a trust command had to download to read them. */

import type {Locator, Project} from '@yarnpkg/core';

import {diffPins, hasChanges, withPins} from '../policy/pins';
import {savePins} from '../../core/yarn/pinsStore';
import {existingContextOf} from './context';
import {pinKeyOf} from '../../core/yarn/packageKeys';

/**
 * Yarn's archive checksum of a package a command fetched: kept with the
 * download verified for it, so that pinCommandDownloads can pin it.
 */
export function noteArchiveChecksum(project: Project, pkg: Locator, checksum: string) {
  const verified = existingContextOf(project)?.verified.get(pinKeyOf(pkg) ?? ``);
  if (verified !== undefined)
    verified.archiveChecksum = checksum;
}

/**
 * A trust command that had to download packages to read them (a fresh clone)
 * has verified each tarball in the network hook exactly as an install does,
 * and Yarn has put the archives in its cache. Pinning them, as the install
 * would, lets the next install use those archives instead of downloading
 * every one again to vouch for it. Only downloads whose archive checksum Yarn
 * computed from the verified bytes are pinned; existing pins are never
 * changed (a download that disagreed with its pin was refused). Returns how
 * many pins were added.
 */
export async function pinCommandDownloads(project: Project): Promise<number> {
  const context = existingContextOf(project);
  const loaded = context?.pins;
  if (typeof context === `undefined` || typeof loaded === `undefined`)
    return 0;
  // Under --immutable (CI) a pins change belongs to a reviewed install.
  if (project.configuration.get(`enableImmutableInstalls`))
    return 0;
  const added = [...context.verified.values()].filter(verified => !loaded.pins.entries.has(verified.key) && typeof verified.archiveChecksum === `string`);
  if (added.length === 0)
    return 0;
  const next = withPins(loaded.pins, added.map(verified => ({key: verified.key, integrity: verified.integrity, archiveChecksum: verified.archiveChecksum ?? null})));
  if (!hasChanges(diffPins(loaded.pins, next)))
    return 0;
  await savePins(loaded.path, next);
  context.pins = {...loaded, exists: true, pins: next};
  return added.length;
}
