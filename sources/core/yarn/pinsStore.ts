/** Reading and writing the committed pins file. */

import {type Configuration, MessageName, ReportError} from '@yarnpkg/core';
import type {PortablePath} from '@yarnpkg/fslib';

import {emptyPins, parsePins, type Pins, PinsFileError, serializePins} from '../policy/pinsFile';
import {writeFileAtomic} from './atomicWrite';
import {readCommittedFile} from './committedFile';

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
  const pins = await readCommittedFile(configuration, path, `pins file`, parsePins, (error): error is PinsFileError => error instanceof PinsFileError);
  return pins === null ? {path, exists: false, pins: emptyPins()} : {path, exists: true, pins};
}

export async function savePins(path: PortablePath, pins: Pins) {
  await writeFileAtomic(path, serializePins(pins));
}
