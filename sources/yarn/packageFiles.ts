import {Manifest} from '@yarnpkg/core';
import {type FakeFS, type PortablePath, ppath} from '@yarnpkg/fslib';

import {computeFingerprint, installCommands, type InstallEvent, type InstallFingerprint, type PackageFiles} from '../policy/fingerprint';

export interface InstallProfile {
  commands: Partial<Record<InstallEvent, string>>;
  implicitNodeGyp: boolean;
  /** What runs, or why that could not be determined (then the package is refused). */
  fingerprint: InstallFingerprint | {error: string};
}

/**
 * What a package runs at install time, read from any file system view of it:
 * the archive in Yarn's cache (what the gate judges) or the copy on disk that
 * Yarn is about to build (what the backstop verifies). Null when it runs nothing.
 */
export async function readInstallProfile(fs: FakeFS<PortablePath>, root: PortablePath): Promise<InstallProfile | null> {
  const manifest = await Manifest.find(root, {baseFs: fs});
  const manifestScripts = Object.fromEntries(manifest.scripts);
  const hasBindingGyp = fs.existsSync(ppath.join(root, `binding.gyp` as PortablePath));
  const {commands, implicitNodeGyp} = installCommands(manifestScripts, hasBindingGyp);
  if (Object.keys(commands).length === 0)
    return null;

  let fingerprint: InstallProfile[`fingerprint`];
  try {
    fingerprint = computeFingerprint({commands, manifestScripts, files: packageFilesOf(fs, root)});
  } catch (error) {
    // Not decidable means not approvable: the caller refuses it and says why.
    fingerprint = {error: (error as Error).message};
  }
  return {commands, implicitNodeGyp, fingerprint};
}

/**
 * A package's files for the fingerprint. A symbolic link on the way to a file
 * is refused: in the archive it may point nowhere (so nothing would be hashed)
 * while on disk it reaches code outside the package.
 */
function packageFilesOf(fs: FakeFS<PortablePath>, root: PortablePath): PackageFiles {
  return {
    read(path) {
      let current = root;
      for (const segment of path.split(`/`)) {
        current = ppath.join(current, segment as PortablePath);
        let stat;
        try {
          stat = fs.lstatSync(current);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === `ENOENT` || code === `ENOTDIR`)
            return null;
          throw error;
        }
        if (stat.isSymbolicLink()) {
          throw new Error(`${path} is reached through the symbolic link ${ppath.relative(root, current)} → ${fs.readlinkSync(current)}; install code behind a link cannot be fingerprinted`);
        }
      }
      if (!fs.statSync(current).isFile())
        return null;
      return fs.readFileSync(current);
    },
  };
}
