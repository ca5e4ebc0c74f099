import {type Configuration, MessageName, ReportError, formatUtils} from '@yarnpkg/core';
import {type PortablePath, npath, ppath, xfs} from '@yarnpkg/fslib';

import {emptyTrustFile, parseTrustFile, serializeTrustFile, TrustFileError, type TrustFile} from '../policy/trustFile';
import {writeFileAtomic} from './atomicWrite';

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
  let text: string;
  try {
    text = await xfs.readFilePromise(path, `utf8`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return {path, exists: false, trust: emptyTrustFile()};
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `The trust file ${formatUtils.pretty(configuration, path, formatUtils.Type.PATH)} could not be read: ${(error as Error).message}`);
  }

  try {
    return {path, exists: true, trust: parseTrustFile(text, npath.fromPortablePath(path))};
  } catch (error) {
    if (!(error instanceof TrustFileError))
      throw error;
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `Invalid trust file: ${error.message}\n  Fix the file by hand, or restore the committed version with ${formatUtils.pretty(configuration, `git checkout -- ${ppath.basename(path)}`, formatUtils.Type.CODE)}.`);
  }
}

export async function saveTrustFile(path: PortablePath, trust: TrustFile) {
  await writeFileAtomic(path, serializeTrustFile(trust));
}
