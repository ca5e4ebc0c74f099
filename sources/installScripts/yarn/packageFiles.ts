/** The fingerprint of a package read from a Yarn filesystem (an archive or an installed folder). */

import {Manifest} from '@yarnpkg/core';
import {type FakeFS, type PortablePath, ppath} from '@yarnpkg/fslib';

import {INLINE_COMMAND, analyzeEntries, analyzeInstall, analyzeScripts, installCommands, type InstallEvent, type InstallFingerprint, type DiskPlace, type PackageFiles, type WorkspacePlace} from '../policy/fingerprint';
import type {Entry} from '../policy/installClosure';

export interface InstallProfile {
  commands: Partial<Record<InstallEvent, string>>;
  implicitNodeGyp: boolean;
  /** What runs, or why that could not be determined (then the package is refused). */
  fingerprint: InstallFingerprint | {error: string};
  /** What that code reaches outside the package (absent when the fingerprint failed). */
  reaches?: Reaches;
}

/** Bare specifiers and command words that leave the package, and what cannot be followed. */
export interface Reaches {
  /** The package's own files its install code is known to run (what the scan followed); the fingerprint binds every file. */
  runs?: string[];
  /** Its install code loads files by names the scan cannot pin down, so any file of the package may run. */
  loadsAnyFile?: boolean;
  modules: string[];
  commands: string[];
  /** Word-like tokens of the commands read: a bin of that name on the PATH may be run by the program given it. */
  mentions?: string[];
  unresolved: string[];
  /** Packages whose directory the code locates (`require.resolve('x/package.json')`), to run their files. */
  packageRoots?: string[];
  /** Files of dependencies named by a path through node_modules (`dep/cli.js`). */
  dependencyFiles?: string[];
  /** GYP files of dependencies that its GYP files include or depend on (`dep/common.gypi`), read there as GYP. */
  dependencyGypFiles?: string[];
  /** Scripts of workspaces that `yarn workspace(s)` runs, as `<workspace name>#<script>` (`*` for every workspace). */
  workspaceScripts?: string[];
  /** Code files in the folder of another workspace that a workspace's code runs by a path (`packages/a/setup.js`). */
  workspaceFiles?: string[];
}

/** What runs of a package that other packages' install code reaches through `entries`. */
export interface EntriesProfile {
  fingerprint: InstallFingerprint | {error: string};
  reaches?: Reaches;
}

/**
 * What a package runs at install time, read from any file system view of it:
 * the archive in Yarn's cache (what the gate judges) or the copy on disk that
 * Yarn is about to build (what the backstop verifies). Null when it runs nothing.
 */
export async function readInstallProfile(fs: FakeFS<PortablePath>, root: PortablePath, {workspace = false, onDisk = false, archiveNodeModules = false, workspaceFolders = [], projectFolder}: {workspace?: boolean, onDisk?: boolean} & WorkspacePlace & DiskPlace = {}): Promise<InstallProfile | null> {
  const manifest = await Manifest.find(root, {baseFs: fs});
  const manifestScripts = Object.fromEntries(manifest.scripts);
  const hasBindingGyp = fs.existsSync(ppath.join(root, `binding.gyp` as PortablePath));
  const {commands, implicitNodeGyp} = installCommands(manifestScripts, hasBindingGyp);
  if (Object.keys(commands).length === 0)
    return null;

  try {
    const analysis = analyzeInstall({commands, manifestScripts, manifest: manifest.raw, files: packageFilesOf(fs, root), everyFile: !workspace, onDisk, archiveNodeModules, workspaceFolders, projectFolder});
    if (!workspace && analysis.registryInstalls.length > 0)
      return {commands, implicitNodeGyp, fingerprint: {error: registryInstallRefusal(analysis.registryInstalls)}};
    if (!workspace && analysis.foreignRuns.length > 0)
      return {commands, implicitNodeGyp, fingerprint: {error: foreignRunRefusal(analysis.foreignRuns)}};
    return {commands, implicitNodeGyp, fingerprint: analysis.fingerprint, reaches: reachesOf(analysis, workspace)};
  } catch (error) {
    // Not decidable means not approvable: the caller refuses it and says why.
    return {commands, implicitNodeGyp, fingerprint: {error: (error as Error).message}};
  }
}

/** The code of a package that other packages' install code runs through `entries` (a required name, a bin). */
export async function readEntriesProfile(fs: FakeFS<PortablePath>, root: PortablePath, entries: Array<Entry>, {workspaceFolders, projectFolder, onDisk = false, archiveNodeModules = false}: {onDisk?: boolean} & WorkspacePlace & DiskPlace = {}): Promise<EntriesProfile> {
  const manifest = await Manifest.find(root, {baseFs: fs});
  // A workspace that install code reaches: the project's own code, read like
  // a workspace's scripts (what it runs in dependencies is what matters).
  if (workspaceFolders !== undefined) {
    try {
      const analysis = analyzeEntries({entries, manifest: manifest.raw, files: packageFilesOf(fs, root), everyFile: false, workspaceFolders, projectFolder});
      return {fingerprint: analysis.fingerprint, reaches: reachesOf(analysis, true)};
    } catch (error) {
      return {fingerprint: {error: (error as Error).message}};
    }
  }
  try {
    // On disk, the package's own node_modules is the node-modules linker's (nested dependencies, their .bin links), not the archive's.
    const analysis = analyzeEntries({entries, manifest: manifest.raw, files: packageFilesOf(fs, root), everyFile: true, onDisk, archiveNodeModules});
    if (analysis.registryInstalls.length > 0)
      return {fingerprint: {error: registryInstallRefusal(analysis.registryInstalls)}};
    if (analysis.foreignRuns.length > 0)
      return {fingerprint: {error: foreignRunRefusal(analysis.foreignRuns)}};
    return {fingerprint: analysis.fingerprint, reaches: reachesOf(analysis, false)};
  } catch (error) {
    return {fingerprint: {error: (error as Error).message}};
  }
}

/**
 * What named scripts of a workspace reach (another workspace's install script
 * runs them with `yarn workspace`); an error when they cannot be analysed.
 */
export async function readScriptsProfile(fs: FakeFS<PortablePath>, root: PortablePath, names: Array<string>, {workspaceFolders = [], projectFolder}: WorkspacePlace = {}, inline: Record<string, string> = {}): Promise<EntriesProfile> {
  const manifest = await Manifest.find(root, {baseFs: fs});
  try {
    // `inline`: commands run in the folder as if they were scripts of it (`yarn workspace x node y.js`).
    const analysis = analyzeScripts({scripts: names, manifest: manifest.raw, manifestScripts: {...Object.fromEntries(manifest.scripts), ...inline}, files: packageFilesOf(fs, root), workspaceFolders, projectFolder});
    return {fingerprint: analysis.fingerprint, reaches: reachesOf(analysis, true)};
  } catch (error) {
    return {fingerprint: {error: (error as Error).message}};
  }
}

/** Why a dependency that installs from a registry while it is installed cannot be approved. */
function registryInstallRefusal(commands: Array<string>) {
  return `it installs packages from a registry while it is installed (${commands.join(`; `)}): they, and the scripts they run, are whatever the registry serves then, which yarn.lock, the pins and no approval hold`;
}

/** Why a dependency whose install code reaches code outside the package cannot be approved. */
function foreignRunRefusal(commands: Array<string>) {
  return `its install code reaches code outside the package while it is installed (${commands.join(`; `)}): files of other packages or of the project, or their scripts, which the install-time gate never judged and no approval holds (a denied package's too)`;
}

/**
 * Only a workspace's scripts are followed into the workspaces they run; a
 * dependency that runs the project's workspace scripts has that stated as a
 * limit of its approval.
 */
function reachesOf(analysis: ReturnType<typeof analyzeInstall>, workspace: boolean): Reaches {
  const workspaceScripts = workspace ? analysis.workspaceScripts : [];
  const notFollowed = workspace ? [] : analysis.workspaceScripts.map(request => {
    const split = request.indexOf(`#`);
    const name = request.slice(0, split);
    const script = request.slice(split + 1);
    const what = script.startsWith(INLINE_COMMAND) ? `runs ${script.slice(INLINE_COMMAND.length)} in` : `runs the script ${script} of`;
    return `yarn workspace ${what} ${name === `*` ? `every workspace` : `the workspace ${name}`} of the project: not followed`;
  });
  // Your own workspace's install from a registry is your decision: said, not refused.
  const installs = [
    ...analysis.registryInstalls.map(command => `${command} installs from a registry while the install runs: what it fetches is not in yarn.lock or the pins`),
    ...analysis.foreignRuns.map(command => `${command} runs code of other packages (their install scripts, or a folder outside the workspace): not followed`),
  ];
  return {
    runs: analysis.runs,
    loadsAnyFile: analysis.loadsAnyFile,
    modules: analysis.modules,
    commands: analysis.commands,
    mentions: analysis.mentions,
    unresolved: [...analysis.unresolved, ...notFollowed, ...installs].sort(),
    packageRoots: analysis.packageRoots,
    dependencyFiles: analysis.dependencyFiles,
    ...analysis.dependencyGypFiles.length > 0 ? {dependencyGypFiles: analysis.dependencyGypFiles} : {},
    workspaceScripts,
    ...analysis.workspaceFiles.length > 0 ? {workspaceFiles: analysis.workspaceFiles} : {},
  };
}

/**
 * A package's files for the fingerprint. A symbolic link on the way to a file
 * is refused: in the archive it may point nowhere (so nothing would be hashed)
 * while on disk it reaches code outside the package.
 */
export function packageFilesOf(fs: FakeFS<PortablePath>, root: PortablePath): PackageFiles {
  /** The path inside the package, null when absent; a symbolic link on the way is refused. */
  const walk = (path: string): PortablePath | null => {
    let current = root;
    for (const segment of path === `` ? [] : path.split(`/`)) {
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
    return current;
  };
  return {
    list(directory) {
      const current = walk(directory);
      if (current === null || !fs.statSync(current).isDirectory())
        return null;
      // Names, then one lstat each: Yarn's zip filesystem behind its fetcher
      // proxies fails `withFileTypes` listings of some archives ("Unreachable").
      return fs.readdirSync(current).flatMap(name => {
        const entry = fs.lstatSync(ppath.join(current, name));
        if (entry.isSymbolicLink())
          throw new Error(`${directory === `` ? `` : `${directory}/`}${name} is a symbolic link; install code behind a link cannot be fingerprinted`);
        return entry.isDirectory() ? [`${name}/`] : entry.isFile() ? [name] : [];
      });
    },
    read(path) {
      const current = walk(path);
      if (current === null || !fs.statSync(current).isFile())
        return null;
      return fs.readFileSync(current);
    },
  };
}

/** What a profile's code reaches outside its package, as one digest: the modules, commands, package roots and dependency files (and GYP files) it names. */
export function reachDigest(reaches: Reaches | undefined): string {
  if (reaches === undefined)
    return `none`;
  const lists = [reaches.modules, reaches.commands, reaches.packageRoots ?? [], reaches.dependencyFiles ?? [], reaches.workspaceScripts ?? [], reaches.mentions ?? []];
  // Only workspaces reach other workspaces' files: digests of packages stay as they were.
  if (reaches.workspaceFiles !== undefined)
    lists.push(reaches.workspaceFiles);
  // Only GYP builds reach other packages' GYP files: other digests stay as they were.
  if (reaches.dependencyGypFiles !== undefined && reaches.dependencyGypFiles.length > 0)
    lists.push([`gyp`, ...reaches.dependencyGypFiles]);
  return JSON.stringify(lists.map(list => [...list].sort()));
}
