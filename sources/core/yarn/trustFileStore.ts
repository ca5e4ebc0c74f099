/** Reading and writing the committed trust file, and the copy one install works with. */

import {type Configuration, MessageName, type Project, ReportError} from '@yarnpkg/core';
import type {PortablePath} from '@yarnpkg/fslib';

import {parseTrustFile} from '../policy/trustFile/parse';
import {serializeTrustFile} from '../policy/trustFile/serialize';
import {emptyTrustFile, type TrustFile, TrustFileError} from '../policy/trustFile/types';
import {writeFileAtomic} from './atomicWrite';
import {readCommittedFile} from './committedFile';
import {projectState} from './projectState';

export interface LoadedTrustFile {
  path: PortablePath;
  /** False until the first `yarn trust approve|deny` creates the file. */
  exists: boolean;
  trust: TrustFile;
}

export function getTrustFilePath(configuration: Configuration): PortablePath {
  const path = configuration.get(`trustFilePath`);
  if (typeof path !== `string`)
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `trustFilePath could not be resolved: run this command inside a Yarn project`);
  return path;
}

/**
 * Reads the trust file strictly. A missing file means "nothing approved yet";
 * anything unreadable stops the caller with the file, line and the way out.
 */
export async function loadTrustFile(configuration: Configuration): Promise<LoadedTrustFile> {
  const path = getTrustFilePath(configuration);
  const trust = await readCommittedFile(configuration, path, `trust file`, parseTrustFile, (error): error is TrustFileError => error instanceof TrustFileError);
  return trust === null ? {path, exists: false, trust: emptyTrustFile()} : {path, exists: true, trust};
}

export async function saveTrustFile(path: PortablePath, trust: TrustFile) {
  await writeFileAtomic(path, serializeTrustFile(trust));
}

/** The trust file as the current install read it, first thing (see the hooks). */
const installTrustFile = projectState<{loaded?: LoadedTrustFile}>(`trust-file`, () => ({}));

export function rememberTrustFile(project: Project, loaded: LoadedTrustFile) {
  installTrustFile.of(project).loaded = loaded;
}

/** The trust file this install read, if it read one. */
export function rememberedTrustFile(project: Project): LoadedTrustFile | undefined {
  return installTrustFile.existing(project)?.loaded;
}

/** The trust file this install read, or the file as it is now. */
export async function trustFileOf(project: Project): Promise<LoadedTrustFile> {
  return rememberedTrustFile(project) ?? await loadTrustFile(project.configuration);
}
