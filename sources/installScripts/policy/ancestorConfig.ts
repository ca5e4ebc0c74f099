/**
 * Package managers read their configuration from the folders above the one
 * they start in: a Yarn started by an install script (`yarn run`, Yarn's own
 * node-gyp shim) reads every `.yarnrc.yml` up to the root of the disk, and its
 * `yarnPath` replaces Yarn itself. Under node_modules, the folders between a
 * package and the project belong to other packages (a package nested in the
 * attacker's: `node_modules/evil/node_modules/native`), whose files no
 * approval of the package covers. Pure: paths in, paths out.
 */
import {posix} from 'path';

/** The files that configure the package managers an install script may start. */
export const PACKAGE_MANAGER_CONFIG: ReadonlyArray<string> = [`.npmrc`, `.yarnrc`, `.yarnrc.yml`];

/**
 * The folders strictly between the project's root and a package's folder,
 * nearest first: where a configuration file can only come from another
 * package. Empty when the package is not inside the project (a global
 * store): what lies above the project is the user's own.
 */
export function foldersBetween(projectRoot: string, location: string): Array<string> {
  const root = posix.normalize(projectRoot).replace(/\/+$/, ``);
  const folders: Array<string> = [];
  let current = posix.dirname(posix.normalize(location).replace(/\/+$/, ``));
  if (!`${current}/`.startsWith(`${root}/`))
    return [];
  while (current !== root && current.startsWith(`${root}/`)) {
    folders.push(current);
    current = posix.dirname(current);
  }
  return folders;
}
