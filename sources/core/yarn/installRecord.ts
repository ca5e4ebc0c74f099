/**
 * The record of the last verified install (see `core/policy/installRecord`),
 * kept in `.yarn/` beside Yarn's install state: written at the very end of an
 * install that reported no error, read at the start of the next. When its key
 * matches, the checks whose verdict depends only on the lockfile, the pins,
 * the trust file, the configuration and the workspaces' manifests (internal names against the locked
 * resolutions, the lockfile against the pins, the dependency edges of locked
 * descriptors) are not run again: on a no-op install they are most of the
 * plugin's work. Everything that depends on other files (archives in the cache,
 * what is installed, what scripts run) is checked as always.
 */

import {Filename, type PortablePath, ppath, xfs} from '@yarnpkg/fslib';
import {type Project, structUtils} from '@yarnpkg/core';

import {type LockfileTables, installRecordKey, lockfileDigest, parseInstallRecord, serializeConfigurationValues, serializeInstallRecord} from '../policy/installRecord';
import {writeFileAtomic} from './atomicWrite';
import {localCachePath, pluginFileIdentity, readTextIfPresentSync, statIfPresentSync} from './localFiles';
import {projectState} from './projectState';

const RECORD_FILE = `yarn-plugin-trust-verified.json`;

/**
 * A file changed less than this before the record would be written is not
 * vouched for: where the file system keeps coarse times, an edit right after
 * the install could keep its identity (the archive hashes wait as long).
 */
const SETTLE_MS = 2_000;

const recordState = projectState(`install-record`, () => ({
  /** The locked resolutions (descriptor hash → locator hash) the record vouched for at the start of this install, or null. */
  vouched: null as ReadonlyMap<string, string> | null,
  /** The identities of the bound files when the record vouched for them. */
  files: null as string | null,
}));

/**
 * Start of an install: whether the record of the last verified install
 * vouches for the lockfile, pins, trust file and configuration as they are
 * now. A missing, damaged or outdated record vouches for nothing.
 */
export function lockfileVouchedByRecord(project: Project): boolean {
  const state = recordState.of(project);
  state.vouched = null;
  state.files = null;
  const text = readTextIfPresentSync(localCachePath(project, RECORD_FILE));
  if (text === null)
    return false;
  const record = parseInstallRecord(text);
  const files = boundFiles(project)?.files ?? null;
  if (`none` in record || files === null || record.key !== keyOf(project, files))
    return false;
  // Yarn replaces this map when the resolution ends: it stays the one the record vouched for.
  state.vouched = project.storedResolutions;
  state.files = JSON.stringify(files);
  return true;
}

/** Whether the record vouched for the resolution of `descriptorHash` at the start of this install (its edge checks passed then). */
export function vouchedDescriptor(project: Project, descriptorHash: string): boolean {
  return recordState.existing(project)?.vouched?.has(descriptorHash) === true;
}

/**
 * Whether the record vouched for this install at its start and no file it
 * binds changed since (Yarn rewrote neither yarn.lock nor the pins): the
 * lockfile, pins, trust file and configuration are then those of the last
 * verified install, whose end computed every pin they imply.
 */
export function unchangedSinceVouched(project: Project): boolean {
  return sameFilesAsVouched(project, boundFiles(project)?.files ?? null);
}

function sameFilesAsVouched(project: Project, files: Array<[string, string]> | null): boolean {
  const state = recordState.existing(project);
  return files !== null && state?.files != null && state.files === JSON.stringify(files);
}

/**
 * Very end of an install that reported no error: the record of what it
 * verified (written only when it changed). An install with errors removes it.
 */
export async function recordVerifiedInstall(project: Project, {failed}: {failed: boolean}): Promise<void> {
  const path = localCachePath(project, RECORD_FILE);
  const bound = failed ? null : boundFiles(project);
  const files = bound?.files ?? null;
  // Vouched for at the start, and no bound file written since: the next
  // install reads the same lockfile, so the record stays as it is.
  if (sameFilesAsVouched(project, files))
    return;
  if (bound !== null && Date.now() - bound.lastChangedAtMs < SETTLE_MS)
    return;
  const key = files === null ? null : keyOf(project, files);
  if (key === null) {
    await xfs.removePromise(path, {recursive: false}).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== `ENOENT`)
        throw error;
    });
    return;
  }
  const text = serializeInstallRecord(key);
  if (readTextIfPresentSync(path) !== text) {
    await xfs.mkdirPromise(ppath.dirname(path), {recursive: true});
    await writeFileAtomic(path, text);
  }
}

/**
 * `path → identity` of the files the record binds (yarn.lock, the plugin's
 * own file, the pins, the trust file) and the latest change time among them,
 * or null when one that must exist does not (no lockfile, no plugin file).
 */
function boundFiles(project: Project): {files: Array<[string, string]>, lastChangedAtMs: number} | null {
  const lockfile = statIfPresentSync(ppath.join(project.cwd, Filename.lockfile));
  // The plugin's own file: another release of the plugin may check differently.
  const plugin = pluginFileIdentity();
  if (lockfile === null || plugin === null)
    return null;
  const files: Array<[string, string]> = [[`yarn.lock`, lockfile.identity], [`plugin`, plugin.identity]];
  let lastChangedAtMs = Math.max(lockfile.changedAtMs, plugin.changedAtMs);
  for (const setting of [`trustPinsPath`, `trustFilePath`]) {
    const path = project.configuration.get(setting) as PortablePath | null;
    const stat = path === null ? null : statIfPresentSync(path);
    files.push([setting, path === null ? `unset` : stat?.identity ?? `absent`]);
    lastChangedAtMs = Math.max(lastChangedAtMs, stat?.changedAtMs ?? 0);
  }
  return {files, lastChangedAtMs};
}

function keyOf(project: Project, files: Array<[string, string]>): string {
  const workspaces = JSON.stringify(project.workspaces.map(workspace => [workspace.relativeCwd, workspace.manifest.raw]));
  return installRecordKey({files, configuration: serializeConfigurationValues(project.configuration.values), workspaces, lockfile: lockfileDigest(lockfileTables(project))});
}

/**
 * The lockfile as Yarn holds it in memory: each resolution of a descriptor,
 * each package and its archive checksum (by their hashes; the file's content
 * is bound by its identity). The virtual ones, which exist only while an
 * install runs, are left out.
 */
function lockfileTables(project: Project): LockfileTables {
  const resolutions: Array<[string, string]> = [];
  for (const [descriptorHash, locatorHash] of project.storedResolutions) {
    const descriptor = project.storedDescriptors.get(descriptorHash);
    if (descriptor !== undefined && !structUtils.isVirtualDescriptor(descriptor)) {
      resolutions.push([descriptorHash, locatorHash]);
    }
  }
  const packages: Array<[string, string]> = [];
  for (const [locatorHash, pkg] of project.originalPackages)
    if (!structUtils.isVirtualLocator(pkg))
      packages.push([locatorHash, project.storedChecksums.get(locatorHash) ?? `-`]);
  return {resolutions, packages};
}
