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
  const fetcher = project.configuration.makeFetcher();
  const fetchOptions = {project, fetcher, cache, checksums: project.storedChecksums, report: new ThrowReport()};

  for (const pkg of packages) {
    const key = pinKeyOf(pkg);
    if (key === null || !isFileTarball(pkg) || context.verified.has(key))
      continue;
    const integrity = sha512Integrity(await fileUtils.fetchArchiveFromLocator(pkg, fetchOptions));
    const pin = pins.entries.get(key);
    if (typeof pin !== `undefined` && pin.integrity !== integrity)
      throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, `${structUtils.prettyLocator(project.configuration, pkg)}: the tarball on disk differs from the one pinned when it was first seen\n  expected (pinned): ${pin.integrity}\n  found (on disk):   ${integrity}\n  If you replaced this tarball on purpose, delete its line from the pins file and install again.`);
    context.verified.set(key, {key, integrity, pkg});
  }
}
