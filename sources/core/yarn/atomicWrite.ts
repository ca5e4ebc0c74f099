/** Writes a file so that readers see the old or the new content, never half of it. */

import {type PortablePath, xfs} from '@yarnpkg/fslib';
import {randomBytes} from 'crypto';

/**
 * Replaces a file in one rename, so that a crash or a full disk leaves either
 * the old content or the new one, never half of one.
 */
export async function writeFileAtomic(path: PortablePath, content: string | Buffer) {
  // Unique per write: two writers of one file in one process must not share it.
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString(`hex`)}.tmp` as PortablePath;
  try {
    await xfs.writeFilePromise(temporary, content);
    await xfs.renamePromise(temporary, path);
  } finally {
    await xfs.removePromise(temporary, {recursive: false}).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== `ENOENT`) {
        throw error;
      }
    });
  }
}
