/**
 * Reads a committed file of the plugin, turning a missing file into null and a
 * broken one into an error that names it.
 */

import {type Configuration, MessageName, ReportError, formatUtils} from '@yarnpkg/core';
import {type PortablePath, npath, ppath, xfs} from '@yarnpkg/fslib';

/**
 * Reads one of the plugin's committed files strictly. A missing file is
 * `null` (nothing recorded yet); an unreadable or invalid one stops the caller
 * with the file, the line, and the way back to the committed version.
 */
export async function readCommittedFile<T>(configuration: Configuration, path: PortablePath, label: string, parse: (text: string, file: string) => T, isParseError: (error: unknown) => error is Error): Promise<T | null> {
  let text: string;
  try {
    // Read synchronously: the install waits for it anyway, and a read through
    // the thread pool only adds its latency (the pins of a large project).
    text = xfs.readFileSync(path, `utf8`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === `ENOENT`)
      return null;
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `The ${label} ${formatUtils.pretty(configuration, path, formatUtils.Type.PATH)} could not be read: ${(error as Error).message}`);
  }

  try {
    return parse(text, npath.fromPortablePath(path));
  } catch (error) {
    if (!isParseError(error))
      throw error;
    throw new ReportError(MessageName.INVALID_CONFIGURATION_VALUE, `Invalid ${label}: ${error.message}\n  Fix the file by hand, or restore the committed version with ${formatUtils.pretty(configuration, `git checkout -- ${ppath.basename(path)}`, formatUtils.Type.CODE)}.`);
  }
}
