/** The types of the fingerprint analysis: package files, install events, analysis results and limits. */

import type {InstallFingerprint} from '../../../core/policy/trustFile/types';

export type InstallEvent = `preinstall` | `install` | `postinstall`;

export const INSTALL_EVENTS: readonly InstallEvent[] = [`preinstall`, `install`, `postinstall`];

/** Read-only view of a package's files; paths are posix, relative to the package root. */
export interface PackageFiles {
  /** null: absent or not a regular file */
  read(path: string): Buffer | null;
  /**
   * The entries of a directory (`` for the root): names of regular files, and
   * names of subdirectories followed by `/`; null when it is not a directory.
   * Only needed for `require('./' + name)`-style loads, which include every
   * file that the computed name may pick; without it they stay a stated limit.
   */
  list?(directory: string): Array<string> | null;
}

export type {InstallFingerprint} from '../../../core/policy/trustFile/types';

/** What a package runs, plus what of it leaves the package or cannot be decided statically. */
export interface InstallAnalysis {
  /**
   * Every file bound to an approval: the scripts, and every file of the
   * package but `package.json` (whose fields that decide what runs are
   * recorded as `package.json#…`) and its documentation.
   */
  fingerprint: InstallFingerprint;
  /** The package's files the scan followed from the install commands or entries: what is known to run; sorted. */
  runs: Array<string>;
  /** The code loads files by names the scan cannot pin down (`require(name)`): any file of the package may run. */
  loadsAnyFile: boolean;
  /** Bare module specifiers reached, as written (`detect-libc/lib/x`); sorted, unique. */
  modules: Array<string>;
  /** Bare command words in command position, as `commandName` spells them; sorted, unique. */
  commands: Array<string>;
  /**
   * Every word-like token of the commands the scan read (`timeout 20 tool`
   * mentions `timeout`, `20`, `tool`): a program may run any of them, so a
   * bin on the script's PATH with such a name is reached (outside attack
   * round 12, F41, F50, F58); sorted, unique.
   */
  mentions: Array<string>;
  /**
   * Bare names of packages whose root directory the code locates, by
   * requiring or resolving `<name>/package.json` (node-gyp-build finds
   * node-gyp's bin that way, then runs it by a computed path); sorted, unique.
   * The caller should count every bin of these packages as run.
   */
  packageRoots: Array<string>;
  /**
   * Files of other packages named by a path through a `node_modules` folder
   * (`node node_modules/dep/cli.js`, `require('../node_modules/dep/x.js')`), as
   * `dep/cli.js`: they are the installed dependency's files, not the
   * package's own (a workspace has its dependencies on disk below it); sorted, unique.
   */
  dependencyFiles: Array<string>;
  /**
   * GYP files of other packages that a GYP file includes or depends on
   * (`node_modules/dep/common.gypi`, `node_modules/dep/x.json:target`), as
   * `dep/common.gypi`: gyp reads them as GYP, whatever their name, as part of
   * this package's build (a `gyp` entry of that dependency); sorted, unique.
   */
  dependencyGypFiles: Array<string>;
  /**
   * Scripts of the project's workspaces that the code runs through
   * `yarn workspace <name> run <script>` or `yarn workspaces foreach … run
   * <script>`, as `<workspace name>#<script>` (`*#<script>`: every
   * workspace); sorted, unique. Only a workspace's scripts can reach them.
   */
  workspaceScripts: Array<string>;
  /**
   * Files in the folder of another workspace of the project that the code
   * runs by a path (`node packages/a/setup.js` from the root): that
   * workspace's code, whose requires Node resolves from its folder; sorted,
   * unique. Only a workspace holding others can reach them.
   */
  workspaceFiles: Array<string>;
  /**
   * Commands that install packages from a registry while the install runs
   * (`npm install x`, `yarn add x`), as `<origin>: <command>`; sorted,
   * unique. What they fetch and run is bound to nothing: the caller refuses a
   * dependency that does this, and names it as a limit of a workspace's scripts.
   */
  registryInstalls: Array<string>;
  /**
   * What reaches code outside the package other than the packages the
   * install code is known to run: package-manager commands (`npm rebuild`, a
   * script of a folder outside the package), paths that leave the package
   * (`../x`, `$INIT_CWD/x`), toolchain files that name another folder; as
   * `<origin>: <what>`; sorted, unique. Refused in a dependency like
   * registryInstalls, named as a limit of a workspace's.
   */
  foreignRuns: Array<string>;
  /** Human-readable limits of the analysis (`install.js: require() with a computed argument`); sorted, unique. */
  unresolved: Array<string>;
}

/**
 * How other install code reaches into a package: a name it requires, a file it
 * runs, or a GYP file another package's build reads as GYP.
 */
export type AnalysisEntry = {kind: `module`, specifier: string} | {kind: `file`, path: string} | {kind: `gyp`, path: string};

export interface FingerprintLimits {
  /** Most distinct files hashed before giving up (default 5,000). */
  maxFiles?: number;
  /** Most bytes hashed in total before giving up (default 64 MiB). */
  maxBytes?: number;
  /** Most distinct paths probed through `read` before giving up (default 100000). */
  maxLookups?: number;
}

export interface FingerprintDiff {
  same: boolean;
  scripts: Array<{name: string, before?: string, after?: string}>;
  files: {added: Array<string>, removed: Array<string>, changed: Array<string>};
}
