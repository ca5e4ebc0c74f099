import {type Configuration, MessageName, ReportError, formatUtils} from '@yarnpkg/core';
import {type PortablePath, npath, ppath, xfs} from '@yarnpkg/fslib';

import {emptyPins, parsePins, PinsFileError, serializePins, type Pins} from '../policy/pins';
import {writeFileAtomic} from './atomicWrite';

export interface LoadedPins {
  path: PortablePath;
  exists: boolean;
  pins: Pins;
}

export function getPinsPath(configuration: Configuration): PortablePath {
  const path = configuration.get(`trustPinsPath`);
  if (typeof path !== `string`)
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `trustPinsPath could not be resolved: run this command inside a Yarn project`);
  return path;
}

/** Reads the pins strictly; a missing file means nothing was pinned yet. */
export async function loadPins(configuration: Configuration): Promise<LoadedPins> {
  const path = getPinsPath(configuration);
  let text: string;
  try {
    text = await xfs.readFilePromise(path, `utf8`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return {path, exists: false, pins: emptyPins()};
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `The pins file ${formatUtils.pretty(configuration, path, formatUtils.Type.PATH)} could not be read: ${(error as Error).message}`);
  }

  try {
    return {path, exists: true, pins: parsePins(text, npath.fromPortablePath(path))};
  } catch (error) {
    if (!(error instanceof PinsFileError))
      throw error;
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `Invalid pins file: ${error.message}\n  Fix the file by hand, or restore the committed version with ${formatUtils.pretty(configuration, `git checkout -- ${ppath.basename(path)}`, formatUtils.Type.CODE)}.`);
  }
}

export async function savePins(path: PortablePath, pins: Pins) {
  await writeFileAtomic(path, serializePins(pins));
}
