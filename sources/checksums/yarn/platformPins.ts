/**
 * Pins for the packages of other platforms (not installed here), from their
 * registry's integrity, so that one pins file serves every platform.
 */

import {type Package, type Project, MessageName, ReportError, structUtils} from '@yarnpkg/core';

import {pinFromRegistryRecord} from '../policy/integrity';
import type {Pin} from '../../core/policy/pinsFile';
import {xfs} from '@yarnpkg/fslib';

import {localCachePath} from '../../core/yarn/localFiles';
import {namingPackage} from '../../core/yarn/namedRefusals';
import {downloadTarball} from './archives';
import {existingContextOf} from './context';
import {registryRecordOf} from './downloads';
import {writeFileAtomic} from '../../core/yarn/atomicWrite';
import {pinKeyOf} from '../../core/yarn/packageKeys';

/**
 * Pins for the packages Yarn does not install on this platform (the
 * `@esbuild/darwin-arm64` of a Linux machine), so that a pins file written on
 * any platform is complete on every other: each is pinned to the SHA-512 its
 * registry publishes, at the cost of one version document per package not
 * pinned yet, and the platform that installs it verifies its first download
 * against that pin. Their archive checksum stays unknown (`-`): Yarn never
 * records one for packages with conditions. A registry that cannot answer
 * for one leaves it unpinned, with a warning, instead of failing an install
 * that does not install it.
 */
export async function pinOtherPlatforms(project: Project, onUnanswered: (pkg: Package, why: string) => void): Promise<Array<Pin>> {
  const context = existingContextOf(project);
  const pins = context?.pins?.pins;
  if (context === undefined || pins === undefined)
    return [];

  const unanswered = await readUnanswered(project);
  // The records asked below are of packages this platform does not install.
  context.recordStage = `other-platform`;
  const now = Date.now();
  let changed = false;
  const pending: Array<Promise<Pin | null>> = [];
  for (const pkg of project.storedPackages.values()) {
    if (!project.disabledLocators.has(pkg.locatorHash) || structUtils.isVirtualLocator(pkg))
      continue;
    const key = pinKeyOf(pkg);
    // Other sources have no registry to ask: the platform that installs them pins them.
    if (key === null || pins.entries.has(key) || context.verified.has(key) || !pkg.reference.startsWith(`npm:`))
      continue;
    // A registry that could not answer lately (a partial mirror) is not asked on every install.
    if (now - (unanswered.get(key) ?? 0) < ASK_AGAIN_AFTER_MS)
      continue;
    pending.push((async () => {
      let record;
      try {
        record = await namingPackage(project.configuration, pkg, registryRecordOf(context, pkg));
      } catch (error) {
        // A registry that could not answer: nothing of it is installed here,
        // so nothing is at risk; it stays unpinned (said so) and the platform
        // that installs it pins it. A release that a judge refused (a bad
        // signature, a trust downgrade) is refused here too: it is entering
        // the lockfile that the other platforms install from.
        if (!(error instanceof ReportError) || error.reportCode !== MessageName.NETWORK_ERROR)
          throw error;
        onUnanswered(pkg, error.message);
        unanswered.set(key, now);
        changed = true;
        return null;
      }
      const decision = pinFromRegistryRecord(record);
      switch (decision.kind) {
        case `pin`:
          return {key, integrity: decision.integrity, archiveChecksum: null};
        case `download`:
          // No SHA-512 published: the verified download pins it (or refuses a weak integrity).
          await downloadTarball(project, pkg);
          return null;
        case `invalid`:
          throw new ReportError(MessageName.CACHE_CHECKSUM_MISMATCH, `${structUtils.prettyLocator(project.configuration, pkg)}: its registry publishes an integrity for ${key} that cannot be read or contradicts itself (${decision.published}), so it cannot be pinned for the platforms that install it. Report it to the registry's operators.`);
      }
    })());
  }
  let settled;
  try {
    settled = await Promise.all(pending);
  } finally {
    context.recordStage = undefined;
  }
  const added = settled.filter((pin): pin is Pin => pin !== null);
  if (changed)
    await writeUnanswered(project, unanswered, now);
  return added;
}

const ASK_AGAIN_AFTER_MS = 24 * 60 * 60 * 1000;
const UNANSWERED_FILE = `yarn-plugin-trust-unanswered.json`;

/**
 * Other platforms' packages whose registry could not answer, with when it was
 * asked: a local cache of facts (deleting it only makes the next install ask).
 */
async function readUnanswered(project: Project): Promise<Map<string, number>> {
  let text: string;
  try {
    text = await xfs.readFilePromise(localCachePath(project, UNANSWERED_FILE), `utf8`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return new Map();
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A damaged cache is an empty one: every package is asked again.
    return new Map();
  }
  if (typeof parsed !== `object` || parsed === null || Array.isArray(parsed))
    return new Map();
  return new Map(Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === `number`));
}

async function writeUnanswered(project: Project, unanswered: Map<string, number>, now: number) {
  const path = localCachePath(project, UNANSWERED_FILE);
  const current = [...unanswered].filter(([, at]) => now - at < ASK_AGAIN_AFTER_MS);
  await xfs.mkdirPromise(localCachePath(project, ``), {recursive: true});
  await writeFileAtomic(path, `${JSON.stringify(Object.fromEntries(current.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))}\n`);
}
