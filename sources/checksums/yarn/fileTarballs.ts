/** Local `file:` tarballs, pinned from their bytes on disk and refused when those change. */

import {type Cache, type Locator, MessageName, ReportError, ThrowReport, structUtils} from '@yarnpkg/core';
import {fileUtils} from '@yarnpkg/plugin-file';

import {sha512Integrity} from '../policy/integrity';
import type {Pins} from '../../core/policy/pinsFile';
import type {ChecksumContext} from './context';
import {isFileTarball, pinKeyOf} from '../../core/yarn/packageKeys';

/**
 * `file:` tarballs never reach the network: each is hashed as Yarn reads it
 * and compared with its pin; unpinned ones are recorded as verified so that the install pins them.
 */
export async function verifyFileTarballs(context: ChecksumContext, cache: Cache, pins: Pins, packages: Iterable<Locator>) {
  const {project} = context;
  // Made on the first file tarball: most projects have none, and Yarn's fetchers take a while to make.
  let fetchOptions: Parameters<typeof fileUtils.fetchArchiveFromLocator>[1] | null = null;

  for (const pkg of packages) {
    if (!isFileTarball(pkg))
      continue;
    const key = pinKeyOf(pkg);
    if (key === null || context.verified.has(key))
      continue;
    fetchOptions ??= {project, fetcher: project.configuration.makeFetcher(), cache, checksums: project.storedChecksums, report: new ThrowReport()};
    const integrity = sha512Integrity(await fileUtils.fetchArchiveFromLocator(pkg, fetchOptions));
    const pin = pins.entries.get(key);
    if (typeof pin !== `undefined` && pin.integrity !== integrity)
      throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, `${structUtils.prettyLocator(project.configuration, pkg)}: the tarball on disk differs from the one pinned when it was first seen\n  expected (pinned): ${pin.integrity}\n  found (on disk):   ${integrity}\n  If you replaced this tarball on purpose, delete its line from the pins file and install again.`);
    context.verified.set(key, {key, integrity, pkg});
  }
}
